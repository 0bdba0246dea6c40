"""The name of an uploaded file, as shown to people: never a path, never a hidden character.

The stored file is named by the storage (``upload.bin`` under a dated folder), so the name is only
displayed and offered on download; still, a name can lie: ``../../etc/passwd``, a right-to-left
override that shows ``invoice‮fdp.exe`` as ``invoiceexe.pdf``, control characters that break a
log line or a header.  They are removed here, and a long name keeps its extension (its stem is
shortened instead), so the extension checked is the one the applicant chose.
"""

import os
import unicodedata

#: The longest name kept (the models' name fields hold 200).
MAX_NAME = 180
#: A longer "extension" is part of the stem (``report.final-version-2026``).
MAX_EXTENSION = 10


def _visible(ch: str) -> bool:
    # Cc: controls (NUL, newline, ESC …); Cf: format characters (the bidi overrides and isolates
    # U+202A–U+202E, U+2066–U+2069, the marks U+200E/U+200F, zero-width joiners, BOM); Zl/Zp:
    # line and paragraph separators; Co/Cs/Cn: private use, surrogates, unassigned.
    return unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


def clean_name(name: str) -> str:
    """The file name to show: its last path component, visible characters only, at most
    :data:`MAX_NAME` characters with the extension kept."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(ch if _visible(ch) else "" for ch in text)
    base = text.replace("\\", "/").rsplit("/", 1)[-1]
    base = " ".join(base.split()).strip(" .")  # no leading dots (hidden files, "..")
    if not base:
        return "file"
    stem, ext = os.path.splitext(base)
    if len(ext) > MAX_EXTENSION or not stem:
        stem, ext = base, ""
    if len(stem) + len(ext) > MAX_NAME:
        stem = stem[:MAX_NAME - len(ext)].rstrip(" .") or "file"
    return stem + ext


def extension(name: str) -> str:
    """The lower-case extension of a cleaned name, with its dot (``""`` when it has none)."""
    stem, ext = os.path.splitext(name)
    return ext.lower() if stem and len(ext) <= MAX_EXTENSION else ""

"""Checking an uploaded Excel workbook (.xlsx, a ZIP archive of XML parts) before openpyxl reads it.

A ZIP bomb is refused before it is unpacked: the entries' declared sizes are added up and each
entry's ratio is checked; then every entry is read in chunks and counted (a declared size can lie;
nothing is kept), stopping at the limit.  A workbook with macros (``vbaProject.bin``) or embedded
objects is refused too: the sheet is data.
"""

import io
import zipfile

from django.utils.translation import gettext as _

from .errors import UploadRejected, refused

MB = 1024 * 1024
#: A province's register of paper filings is a few MB of XML.
TOTAL_LIMIT = 100 * MB
RATIO_LIMIT, RATIO_FLOOR = 100, 1 * MB
MAX_ENTRIES = 10_000
_CHUNK = 256 * 1024


def _bomb(name):
    return refused(name, _("it expands to more than %(limit)d MB when opened (a compression bomb)") % {
        "limit": TOTAL_LIMIT // MB})


def check_workbook(data: bytes, name: str) -> None:
    """Refuse ``data`` unless it is an .xlsx workbook that unpacks within the limits."""
    not_workbook = _("%(name)s is not an Excel workbook (.xlsx).") % {"name": name}
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRejected(not_workbook)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise UploadRejected(_bomb(name))
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise UploadRejected(not_workbook)
            if any(n.lower().endswith("vbaproject.bin") or n.startswith("xl/embeddings/") for n in names):
                raise UploadRejected(refused(name, _("it contains macros or embedded objects")))
            _check_sizes(archive, entries, name)
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise UploadRejected(not_workbook) from None


def _check_sizes(archive, entries, name):
    declared = sum(entry.file_size for entry in entries)
    if declared > TOTAL_LIMIT:
        raise UploadRejected(_bomb(name))
    for entry in entries:
        if entry.file_size > RATIO_FLOOR and entry.file_size > RATIO_LIMIT * max(entry.compress_size, 1):
            raise UploadRejected(_bomb(name))
    actual = 0
    for entry in entries:
        with archive.open(entry) as member:  # stops at the declared size; a wrong CRC raises BadZipFile
            while chunk := member.read(_CHUNK):
                actual += len(chunk)
                if actual > TOTAL_LIMIT:
                    raise UploadRejected(_bomb(name))

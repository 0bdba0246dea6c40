"""What a PDF would do by itself when opened or clicked: the search for active content.

Every object reachable from the trailer's catalog is visited once (by its object number), streams by
their dictionaries only (nothing is decoded here but object streams, under pypdf's limits): the
catalog's ``/OpenAction`` and ``/AA``, the names tree (``/JavaScript``, ``/EmbeddedFiles``), the
pages with their ``/AA`` and annotations, outlines, form fields and their ``/XFA``.  An action is
judged by its type (``/S``): going to a page of the same document, or opening it at a page, is
harmless; the rest below is reported.
"""

from django.utils.translation import gettext as _


def _reasons():
    return {
        "javascript": _("it contains JavaScript"),
        "launch": _("it starts a program or opens a file (Launch action)"),
        "uri": _("it contains links to web addresses (URI actions)"),
        "submit": _("it sends form data somewhere (SubmitForm action)"),
        "import": _("it imports data from another file (ImportData action)"),
        "remote": _("it opens other documents (GoToR or GoToE action)"),
        "embedded": _("it contains an embedded file"),
        "media": _("it contains multimedia (RichMedia, 3D, video or sound)"),
        "xfa": _("it contains an XFA form"),
    }


ACTIONS = {"/JavaScript": "javascript", "/JS": "javascript", "/Launch": "launch", "/URI": "uri",
           "/SubmitForm": "submit", "/ImportData": "import", "/GoToR": "remote", "/GoToE": "remote",
           "/Rendition": "media", "/Movie": "media", "/Sound": "media", "/RichMediaExecute": "media"}
ANNOTATIONS = {"/FileAttachment": "embedded", "/RichMedia": "media", "/Screen": "media", "/Movie": "media",
               "/Sound": "media", "/3D": "media"}
KEYS = {"/JS": "javascript", "/JavaScript": "javascript", "/EmbeddedFiles": "embedded", "/EF": "embedded",
        "/XFA": "xfa", "/RichMediaContent": "media"}
TYPES = {"/EmbeddedFile": "embedded", "/RichMediaExecute": "media"}


def _kinds(dictionary):
    found = {KEYS[key] for key in dictionary if key in KEYS}
    action = dictionary.get("/S")
    if isinstance(action, str) and action in ACTIONS:
        found.add(ACTIONS[action])
    subtype = dictionary.get("/Subtype")
    if isinstance(subtype, str) and subtype in ANNOTATIONS:
        found.add(ANNOTATIONS[subtype])
    kind = dictionary.get("/Type")
    if isinstance(kind, str) and kind in TYPES:
        found.add(TYPES[kind])
    return found


def active_content(reader, max_visits) -> list[str]:
    """The reasons (sentences) for what was found, in a fixed order; empty for a plain document."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found, seen, stack, visits = set(), set(), [reader.trailer.get("/Root")], 0
    while stack:
        item = stack.pop()
        visits += 1
        if visits > max_visits:
            raise ValueError("too many objects to check")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # a stream's dictionary too
            found |= _kinds(item)
            stack.extend(value for key, value in item.items() if key != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    reasons = _reasons()
    return [reasons[kind] for kind in reasons if kind in found]

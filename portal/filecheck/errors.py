"""The refusal of an uploaded file, with the message shown on the form."""

from django.utils.translation import gettext as _


class UploadRejected(Exception):
    """An uploaded file is refused; ``str(error)`` is the message for the person who sent it."""


def refused(name: str, reason: str) -> str:
    """The message for a file refused for ``reason`` (a clause: "it contains JavaScript")."""
    return _("%(name)s was not accepted: %(reason)s. Please save or print it again as a plain file and upload "
             "that.") % {"name": name, "reason": reason}

"""Checking an uploaded attachment before it is accepted: what a requirement allows, checked by
``portal.filecheck`` (the one check of every uploaded file: names, types, polyglots, bombs, active
PDF content, image metadata).

File names are never trusted (the stored name is derived from the checksum); the cleaned original
name is kept only for display.  The review and supervision pages check their PDFs here too.
"""

from django.conf import settings

from portal.filecheck import CheckedFile, UploadRejected, check_file

__all__ = ["UploadRejected", "CheckedUpload", "check_upload"]

CheckedUpload = CheckedFile


def check_upload(uploaded, requirement) -> CheckedUpload:
    """``uploaded`` checked against ``requirement`` (its ``name``, ``allow_images`` and ``max_mb``); the
    bytes to store are ``.data`` (an image's are re-encoded without metadata).  Raises UploadRejected."""
    return check_file(uploaded, label=requirement.name, images=requirement.allow_images,
                      limit_mb=min(requirement.max_mb, settings.ATTACHMENT_MAX_MB))

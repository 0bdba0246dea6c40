"""What the supervision services share: firing a transition, loading a filed consortium, storing a PDF."""

import hashlib

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.models import Application
from applications.states import State
from applications.uploads import UploadRejected, check_upload
from portal.lifecycle import ActionRefused, perform

from ..models import SupervisionFile


def fire(model, pk, name, user, reason="", ip=None, before=None, after=None):
    """Run transition ``name`` of the supervision record ``pk`` (see :func:`portal.lifecycle.perform`)."""
    queryset = model.objects.select_related("application__programme__authority", "application__unit")
    return perform(queryset, pk, name, user, reason=reason, ip=ip, before=before, after=after)


def load_consortium(application_id, for_update=False):
    """A filed consortium (an application in the state ``filed``), or a refusal."""
    queryset = Application.objects.select_related("programme__authority", "unit")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    application = queryset.filter(pk=application_id, state=State.FILED).first()
    if application is None:
        raise ActionRefused(_("This is not a filed innovation consortium."))
    return application


def require_staff_of(application, user):
    if not lifecycle.is_staff_of(application, user):
        raise ActionRefused(_("Only the programme's staff can do this."))


def require_not_revoked(application):
    if application.revoked_on:
        raise ActionRefused(_("The consortium was revoked on %(date)s.") % {"date": application.revoked_on})


def store_pdf(application, upload, user, label):
    """Check an uploaded PDF (extension, magic bytes, a full parse) and store it under its checksum."""
    class _Requirement:
        name = label
        allow_images = False
        max_mb = 20

    try:
        checked = check_upload(upload, _Requirement())
    except UploadRejected as error:
        raise ActionRefused(str(error)) from None
    digest = hashlib.sha256(checked.data).hexdigest()
    row = SupervisionFile(application=application, original_name=checked.original_name, sha256=digest,
                          size=len(checked.data), uploaded_by=user)
    row.file.save("upload.bin", ContentFile(checked.data), save=False)
    row.save()
    return row

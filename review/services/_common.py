"""What every family of review services shares: the request's address, loading an application, a stored upload, the PDF check."""


from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from applications.models import Application
from applications.uploads import check_upload
from portal.lifecycle import ActionRefused


def _load(application_id):
    try:
        return Application.objects.select_related("programme__authority", "unit", "district").get(pk=application_id)
    except Application.DoesNotExist:
        raise ActionRefused(_("The application no longer exists.")) from None


def _stored(data, name):
    return ContentFile(data, name=name)


def _check_pdf(uploaded, label=None):
    class _Req:
        name = label or _("letter")
        allow_images = False
        max_mb = 20

    return check_upload(uploaded, _Req())

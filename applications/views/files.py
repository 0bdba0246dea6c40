"""An application's attachments: upload a version, download one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.downloads import private_file

from ..models import AttachmentFile, AttachmentRequirement
from ..services import store_attachment
from ..uploads import UploadRejected
from .common import own_application


def store_uploads(request, application):
    """The editor's files, each accepted on its own merits whatever the rest of the form: {code: error}."""
    errors = {}
    for req in application.programme.attachment_requirements.all():
        uploaded = request.FILES.get(f"file-{req.code}")
        if uploaded:
            try:
                store_attachment(application, req, uploaded, request.user)
                messages.success(request, _("%(kind)s uploaded.") % {"kind": req.name})
            except UploadRejected as error:
                errors[req.code] = str(error)
    return errors


@login_required
@require_POST
def attachment_upload(request, pk, code):
    application = own_application(request, pk, editable=True)
    if not application.is_editable:
        messages.error(request, _("This application has been submitted; its attachments can no longer change."))
        return redirect(application)
    requirement = get_object_or_404(AttachmentRequirement, programme=application.programme, code=code)
    uploaded = request.FILES.get("file")
    if not uploaded:
        messages.error(request, _("Please choose a file to upload."))
    else:
        try:
            store_attachment(application, requirement, uploaded, request.user)
            messages.success(request, _("%(kind)s uploaded.") % {"kind": requirement.name})
        except UploadRejected as error:
            messages.error(request, str(error))
    return redirect(f"{application.get_absolute_url()}edit/#attachments")


@login_required
def attachment_download(request, pk, file_id):
    application = own_application(request, pk)
    record = get_object_or_404(AttachmentFile.objects.select_related("attachment"), pk=file_id,
                               attachment__application=application)
    return private_file(record.file, record.original_name, content_type=record.content_type)

"""Documents: private downloads, the printable application form, public certificate verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import lifecycle
from applications.certificates import verification_code
from applications.models import Application, Programme
from applications.selectors import certificate_editions, certificate_of_document, visible_applications
from notices import outbox
from notices.models import Document, Job
from notices.verification import identify
from portal.downloads import private_file
from portal.lifecycle import ActionRefused
from portal.models import Role
from review import services
from review.forms import ReissueForm, VerifyDocumentForm
from review.models import PaperFiling, PublicityBatch


@login_required
def document_download(request, pk, document_id):
    """The applicant and the entitled reviewers (the application's scope) download; nobody else."""
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    document = get_object_or_404(application.documents, pk=document_id)
    return private_file(document.file,
                        f"{document.get_kind_display()}-{application.pk}-v{document.version}.pdf")


@login_required
def batch_document_download(request, document_id):
    document = get_object_or_404(Document.objects.select_related("job"), pk=document_id)
    if isinstance(document.subject, Application):  # an application's documents: document_download
        raise Http404
    batch = document.subject if isinstance(document.subject, PublicityBatch) else None
    programme_id = batch.programme_id if batch else document.job.payload.get("programme")
    programme = get_object_or_404(Programme, pk=programme_id)
    if not (request.user.role == Role.STAFF and request.user.authority_id == programme.authority_id) and \
            request.user.role != Role.ADMIN:
        raise Http404
    return private_file(document.file, f"{document.get_kind_display()}-{document.pk}.pdf")


@login_required
@require_POST
def application_form_pdf(request, pk):
    """Prepare the printable 申报书 of the application's present content (for signing and sealing)."""
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    revision = application.updated_at.strftime("%Y%m%d%H%M%S%f")
    outbox.add_job(Job.Kind.APPLICATION_FORM, f"application_form:app{application.pk}:{revision}",
                   subject=application)
    messages.success(request, _("The printable application form is being prepared; it appears under Documents."))
    return redirect(f"{application.get_absolute_url()}#documents")


def verify_certificate(request, number, code):
    """Public: only public facts, as the certificate says them (its editions, frozen when issued); an unknown
    or altered code reveals nothing."""
    application = None
    if verification_code(number) == code:
        application = Application.objects.select_related("programme__authority").filter(
            certificate_number=number).first()
    editions = certificate_editions(application) if application else []
    status = 404 if application is None else 200
    paper = PaperFiling.objects.select_related("source").filter(application=application).first() if application \
        else None
    return render(request, "review/public/verify.html", {
        "application": application, "number": number, "editions": editions, "paper": paper,
        "certificate": editions[0] if editions else None}, status=status)


def verify_document(request):
    """Public: is an uploaded PDF an original the portal issued (valid signature, the stored bytes)?"""
    form = VerifyDocumentForm(request.POST or None, request.FILES or None)
    finding = None
    if request.method == "POST" and form.is_valid():
        finding = identify(form.cleaned_data["file"])
    return render(request, "review/public/verify_document.html", {
        "form": form, "finding": finding,
        "certificate": certificate_of_document(finding.document) if finding else None})


@login_required
def reissue_certificate(request, pk):
    """Staff: a filed consortium's change of name re-issues its certificate (confirmed on the form)."""
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    if not lifecycle.is_staff_of(application, request.user):
        raise Http404
    form = ReissueForm(request.POST or None, initial={"name": application.name})
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.reissue_certificate(application.pk, request.user, form.cleaned_data["name"],
                                                       form.cleaned_data["reason"])
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Certificate %(number)s is re-issued as edition %(edition)s.") % {
                "number": certificate.number, "edition": certificate.edition})
            return redirect(f"{application.get_absolute_url()}#documents")
    return render(request, "review/reissue.html", {"application": application, "form": form,
                                                   "editions": certificate_editions(application)})

"""Programme staff import consortia filed on paper: upload a sheet, see every row checked (its problems in
words, with row numbers), then confirm; every row is imported, or none.  The template sheet to fill in is
downloaded from the same page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from applications.models import Programme
from portal.lifecycle import ActionRefused
from review import services
from review.forms import ConfirmImportForm, InviteForm, PaperImportForm
from review.imports import COLUMNS, template_workbook
from review.models import PaperFiling, PaperImport

from .common import require_staff
from .exports import XLSX

ROWS_PER_PAGE = 50


def _programmes(request):
    return Programme.objects.filter(authority_id=request.user.authority_id).order_by("-opens_on", "title")


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    """The authority's imports (newest first) and the form to upload a new sheet."""
    require_staff(request)
    form = PaperImportForm(request.POST or None, request.FILES or None, programmes=_programmes(request))
    if request.method == "POST" and form.is_valid():
        try:
            paper_import = services.upload_paper_import(form.cleaned_data["programme"], request.user,
                                                        form.cleaned_data["sheet"])
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            return redirect("review:import_detail", pk=paper_import.pk)
    imports = PaperImport.objects.filter(programme__authority_id=request.user.authority_id).select_related(
        "programme", "uploaded_by", "imported_by")
    return render(request, "review/staff/imports.html", {
        "form": form, "page": Paginator(imports, 20).get_page(request.GET.get("page")), "columns": COLUMNS})


@login_required
def import_template(request):
    """The sheet to fill in, for the chosen programme (headings, an example row, notes)."""
    require_staff(request)
    chosen = request.GET.get("programme", "")
    programme = get_object_or_404(_programmes(request), pk=int(chosen) if chosen.isascii() and chosen.isdigit() else 0)
    response = HttpResponse(template_workbook(programme), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"import-{programme.code}.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    """The preview of a kept sheet (each row as it will be imported, every problem), the confirmation, and
    after the import the consortia it made."""
    require_staff(request)
    paper_import = get_object_or_404(PaperImport.objects.select_related("programme__authority", "uploaded_by"),
                                     pk=pk, programme__authority_id=request.user.authority_id)
    form = ConfirmImportForm(request.POST or None)
    if request.method == "POST":
        if paper_import.is_imported:
            raise Http404
        if form.is_valid():
            try:
                done = services.import_paper_filings(paper_import.pk, request.user)
            except ActionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, ngettext("%(n)d consortium was imported as filed.",
                                                   "%(n)d consortia were imported as filed.", len(done))
                                 % {"n": len(done)})
                return redirect("review:import_detail", pk=paper_import.pk)
    context = {"paper_import": paper_import, "form": form}
    if paper_import.is_imported:
        users = get_user_model().objects.filter(unit=OuterRef("application__unit"))
        filings = PaperFiling.objects.filter(source=paper_import).select_related("application__unit").annotate(
            unit_has_users=Exists(users))
        context["page"] = Paginator(filings, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    else:
        entries, problems = services.check_import(paper_import)
        context.update(problems=[str(p) for p in problems], total=len(entries),
                       page=Paginator(entries, ROWS_PER_PAGE).get_page(request.GET.get("page")))
    return render(request, "review/staff/import_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_invite(request, pk, filing_id):
    """Staff make the account of an imported consortium's lead unit administrator (who sets a password from
    the e-mailed link), so the consortium's own people can report and ask for changes on the portal."""
    require_staff(request)
    filing = get_object_or_404(PaperFiling.objects.select_related("source__programme", "application__unit"),
                               pk=filing_id, source_id=pk, source__programme__authority_id=request.user.authority_id)
    form = InviteForm(request.POST or None, initial={"full_name": filing.application.unit.contact_name,
                                                     "phone": filing.application.unit.contact_phone})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invite_unit_administrator(filing.pk, request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The account %(login)s is made; a link to set its password was sent to "
                                        "%(email)s.") % {"login": person.username, "email": person.email})
            return redirect("review:import_detail", pk=pk)
    return render(request, "review/staff/import_invite.html", {"filing": filing, "form": form})

"""The district office's batch recommendation (推荐汇总表): the applications waiting for its initial review,
listed with checkboxes, ranks and their own opinions; one common opinion and one confirmation recommend the
chosen ones in one act (:func:`review.services.recommend_batch`: all or nothing, each through the same
transition as a single recommendation).  The act's page shows the ranked table, the 推荐函 (PDF, numbered)
and the table as an Excel file, for the district office and the programme staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from applications.selectors import visible_applications
from applications.stages import StageKey
from applications.states import State
from portal.downloads import private_file
from portal.lifecycle import ActionRefused
from portal.models import Role

from .. import services
from ..documents import summary_workbook
from ..filters import scoped_programmes
from ..forms import RecommendationBatchForm
from ..selectors import visible_recommendations
from .common import authority_programme, client_ip, posted_ids
from .exports import XLSX

#: Rows the page lists at most (a district's waiting applications of one call; a search narrows them).
BATCH_LIMIT = 100


def _require_district(request):
    if request.user.role != Role.DISTRICT or not request.user.district_id:
        raise PermissionDenied(_("Only a district office can do this."))


def _programmes(user):
    waiting = Count("applications", filter=Q(applications__state=State.DISTRICT_REVIEW,
                                             applications__district_id=user.district_id))
    return list(scoped_programmes(user).annotate(waiting=waiting).order_by("-opens_on", "pk"))


def _candidates(user, programme, q):
    rows = (visible_applications(user).filter(state=State.DISTRICT_REVIEW, programme=programme).for_table()
            .prefetch_related("peer_opinions").order_by(F("waiting_since").asc(nulls_last=True), "pk"))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(unit__name__icontains=q) | Q(reference__icontains=q))
    return rows


def _posted_ranking(request):
    """The ticked rows as ``Ranked`` (rank and own opinion from the row), or None when a rank is not a whole
    number from 1."""
    ranked = []
    for pk in posted_ids(request):
        try:
            rank = int(request.POST.get(f"rank-{pk}", "").strip())
        except ValueError:
            return None
        if rank < 1:
            return None
        ranked.append(services.Ranked(pk, rank, request.POST.get(f"opinion-{pk}", "").strip()[:2000]))
    return ranked


def _rows(request, applications, peer_min):
    """Each listed application with what its row shows: ticked, rank and own opinion as posted (nothing typed is
    lost on a refusal), else unticked and ranked in the list's order; its qualifying peer opinions."""
    posted = request.method == "POST"
    chosen = set(posted_ids(request)) if posted else set()
    rows = []
    for position, app in enumerate(applications, start=1):
        peers = sum(1 for p in app.peer_opinions.all() if p.qualifies)
        rows.append({"application": app, "checked": app.pk in chosen,
                     "rank": request.POST.get(f"rank-{app.pk}", position) if posted else position,
                     "opinion": request.POST.get(f"opinion-{app.pk}", "") if posted else "",
                     "peers": peers, "ready": peers >= peer_min})
    return rows


def _page(request, programmes, programme, form, q, problems):
    params = (programme.stage(StageKey.DISTRICT_REVIEW) or {}) if programme else {}
    peer_min = params.get("peer_opinions_min", 0)
    listed = list(_candidates(request.user, programme, q)[:BATCH_LIMIT + 1]) if programme else []
    return render(request, "review/district/batch.html", {
        "programmes": programmes, "programme": programme, "form": form, "q": q, "problems": problems,
        "rows": _rows(request, listed[:BATCH_LIMIT], peer_min), "more": len(listed) > BATCH_LIMIT,
        "limit": BATCH_LIMIT, "peer_min": peer_min,
        "earlier": visible_recommendations(request.user).annotate(n=Count("entries"))[:10],
    })


@login_required
@require_http_methods(["GET", "POST"])
def district_batch(request):
    _require_district(request)
    programmes = _programmes(request.user)
    programme = authority_programme(request, [p for p in programmes if p.waiting] or programmes)
    with_letter = bool(programme and (programme.stage(StageKey.DISTRICT_REVIEW) or {}).get("recommendation_letter"))
    form = RecommendationBatchForm(request.POST or None, request.FILES or None, with_letter=with_letter)
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:60]
    problems = []
    if request.method == "POST" and programme is not None:
        ranked, valid = _posted_ranking(request), form.is_valid()
        if ranked is None:
            messages.error(request, _("Nothing was recommended: give each chosen application a rank, a whole "
                                      "number from 1."))
        elif not valid:
            messages.error(request, _("Nothing was recommended: please correct the fields marked in red."))
        else:
            try:
                batch = services.recommend_batch(request.user, programme.pk, ranked, form.cleaned_data["opinion"],
                                                 letter=form.cleaned_data.get("letter") or None,
                                                 ip=client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
                problems = getattr(error, "problems", [])
            else:
                messages.success(request, ngettext(
                    "%(n)d application recommended. The recommendation letter is being issued.",
                    "%(n)d applications recommended. The recommendation letter is being issued.", len(ranked))
                    % {"n": len(ranked)})
                return redirect("review:recommendation_batch", pk=batch.pk)
    return _page(request, programmes, programme, form, q, problems)


def _readable(request, pk):
    return get_object_or_404(visible_recommendations(request.user), pk=pk)


def _paper(batch):
    """(the letter's job, its rendered document or None)."""
    job = batch.jobs.order_by("pk").first()
    return job, (batch.documents.order_by("-version").first() if job else None)


@login_required
def recommendation_batch(request, pk):
    batch = _readable(request, pk)
    job, document = _paper(batch)
    return render(request, "review/district/batch_detail.html", {
        "batch": batch, "entries": list(batch.entries.select_related("application").order_by("rank")),
        "job": job, "document": document, "number": job.payload.get("number", "") if job else ""})


@login_required
def recommendation_summary(request, pk):
    """The 推荐汇总表 as an Excel file."""
    batch = _readable(request, pk)
    job, _document = _paper(batch)
    number = job.payload.get("number", "") if job else ""
    response = HttpResponse(summary_workbook(batch, number), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"推荐汇总表-{number or batch.pk}.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def recommendation_letter(request, pk):
    """The 推荐函 with the table (PDF), once issued."""
    batch = _readable(request, pk)
    _job, document = _paper(batch)
    if document is None:
        messages.info(request, _("The recommendation letter is still being issued; please try again shortly."))
        return redirect("review:recommendation_batch", pk=batch.pk)
    return private_file(document.file, f"推荐函-{batch.pk}.pdf")

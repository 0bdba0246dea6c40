"""Public pages (no login): running publicity lists and the objection form (the directory: views/directory.py).

The objector's identity is never shown on a public page: objections are only ever listed to
the programme's staff (review.views.publicity.publicity_batch).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applications.states import State
from portal import addresses
from portal.lifecycle import ActionRefused
from review import services
from review.forms import ObjectionForm
from review.models import PublicityBatch, PublicityEntry

from .common import client_ip

#: Entries shown on the public list: an application that left publicity (objection upheld) is not.
PUBLIC_ENTRY_STATES = [State.PUBLICITY, State.FILED]


def _prepare_batches(*pages):
    """Set ``url``, ``entry_count`` (entries in publicity or filed) and ``filed_count`` on the batches of ``pages``:
    the counts from one grouped count over the entries of the batches shown, rather than two correlated counts in
    each page's query."""
    for page in pages:
        page.object_list = list(page.object_list)  # the rows the template shows: prepared here, read once
    batches = [batch for page in pages for batch in page.object_list]
    counts = {row["batch_id"]: row for row in PublicityEntry.objects.filter(
        batch__in=[batch.pk for batch in batches], application__state__in=PUBLIC_ENTRY_STATES).order_by()
        .values("batch_id").annotate(entries=Count("pk"), filed=Count("pk", filter=Q(application__state=State.FILED)))
    } if batches else {}
    address = addresses.per_key("review:publicity_detail")
    for batch in batches:
        row = counts.get(batch.pk, {})
        batch.url, batch.entry_count, batch.filed_count = address(batch.pk), row.get("entries", 0), row.get("filed", 0)


def publicity_list(request):
    """公示: the batches whose period is running today, and the archive of the ended ones with their
    results (how many of each list were filed)."""
    today = timezone.localdate()
    public = PublicityBatch.objects.select_related("programme__authority")
    running = public.filter(starts_on__lte=today, ends_on__gte=today).order_by("ends_on", "pk")
    ended = public.filter(ends_on__lt=today).order_by("-ends_on", "-pk")
    page = Paginator(running, 20).get_page(request.GET.get("page"))
    archive = Paginator(ended, 20).get_page(request.GET.get("archive"))
    _prepare_batches(page, archive)
    return render(request, "review/public/publicity_list.html", {"page": page, "archive": archive, "today": today})


def publicity_detail(request, batch_id):
    """One publicity list: the consortia, the period and how to object."""
    batch = get_object_or_404(PublicityBatch.objects.select_related("programme__authority"), pk=batch_id)
    entries = (batch.entries.filter(application__state__in=PUBLIC_ENTRY_STATES)
               .select_related("application__unit").order_by("application__name", "pk"))
    today = timezone.localdate()
    return render(request, "review/public/publicity_detail.html", {
        "batch": batch, "page": Paginator(entries, 50).get_page(request.GET.get("page")), "today": today,
        "running": batch.is_running(today), "upcoming": today < batch.starts_on, "ended": today > batch.ends_on,
    })


def _submit(request, entry, form):
    """Hand a valid form to the service: None when the objection is stored, else the HTTP status of the
    refusal (429 over a rate limit, with Retry-After), its message shown with what was typed."""
    data = form.cleaned_data
    try:
        services.submit_objection(entry, data["kind"], data["content"], person_name=data["person_name"],
                                  phone=data["phone"], unit_name=data["unit_name"],
                                  unit_credit_code=data["unit_credit_code"], letter=data["letter"],
                                  ip=client_ip(request))
    except services.TooManyObjections as error:
        messages.error(request, str(error))
        return 429, error.retry_after
    except ActionRefused as error:
        messages.error(request, _("Your objection was not accepted: %(reason)s") % {"reason": error})
        return 200, None
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def objection_form(request, batch_id, entry_id):
    """异议: a person (real name and phone) or a unit (name, credit code, signed letter) objects, after solving
    the form's challenge; review.services.objections limits how often."""
    entry = get_object_or_404(PublicityEntry.objects.select_related("batch__programme__authority",
                                                                    "application__unit"),
                              pk=entry_id, batch_id=batch_id)
    batch = entry.batch
    if request.method == "GET" and request.GET.get("received"):
        return render(request, "review/public/objection_received.html", {"batch": batch, "entry": entry})
    form = ObjectionForm(request.POST or None, request.FILES or None)
    status, retry_after = 200, None
    if request.method == "POST":
        if form.is_valid():
            refused = _submit(request, entry, form)
            if refused is None:
                return redirect(f"{request.path}?received=1")
            status, retry_after = refused
        else:
            messages.error(request, _("Your objection was not accepted: please correct the fields marked in red."))
    today = timezone.localdate()
    response = render(request, "review/public/objection_form.html", {
        "batch": batch, "entry": entry, "form": form, "today": today,
        "accepting": batch.is_running(today) and entry.application.state == State.PUBLICITY,
    }, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response

"""Reads and scoping of supervision: every page starts from :func:`consortia_in_scope`, so an id outside the
user's scope is a 404, never a leak (a unit sees its own consortia, staff their authority's, a third-party
evaluator only those it is commissioned for)."""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from applications.models import Application, Programme
from applications.states import State
from portal.lifecycle import labels
from portal.models import Role

from .choices import OPEN_REPORT_STATES, FundKind
from .models import FundEntry, SupervisionLog, profile_of


def consortia_in_scope(user):
    filed = Application.objects.filter(state=State.FILED)
    if not user.is_authenticated or not user.is_active:
        return filed.none()
    if user.role == Role.APPLICANT:
        return filed.filter(unit_id=user.unit_id)
    if user.role == Role.STAFF:
        return filed.filter(programme__authority_id=user.authority_id)
    if user.role == Role.EVALUATOR:
        return filed.filter(evaluator_commissions__evaluator=user).distinct()
    if user.role == Role.ADMIN:
        return filed
    return filed.none()


def in_scope(model, user):
    """The rows of a supervision ``model`` about the consortia in the user's scope."""
    return model.objects.filter(application__in=consortia_in_scope(user).values("pk"))


def search(queryset, q):
    """Rows whose consortium's name, certificate number or lead unit matches ``q``."""
    if not q:
        return queryset
    return queryset.filter(Q(application__name__icontains=q) | Q(application__certificate_number__icontains=q)
                           | Q(application__unit__name__icontains=q))


def overdue_reports(queryset, today=None):
    return queryset.filter(state__in=OPEN_REPORT_STATES, due_on__lt=today or timezone.localdate())


def funds_by_year(application):
    """[(year, granted, recovered, net)] of a consortium, and the entries."""
    entries = list(FundEntry.objects.filter(application=application).select_related("document", "recorded_by"))
    years = {}
    for entry in entries:
        granted, recovered = years.get(entry.year, (0, 0))
        if entry.kind == FundKind.GRANT:
            granted += entry.amount
        else:
            recovered += entry.amount
        years[entry.year] = (granted, recovered)
    return [(year, g, r, g - r) for year, (g, r) in sorted(years.items())], entries


def funds_programmes(user):
    """The programmes of the consortia in the user's scope (the funds page's filter)."""
    return list(Programme.objects.filter(pk__in=consortia_in_scope(user).values("programme_id")).order_by("title"))


def funds_by_programme(user, programme=None):
    """Funds per programme and year within the user's scope, in one aggregate query: dicts with ``programme``
    (id), ``title``, ``year``, ``granted``, ``recovered``, ``net`` and ``consortia`` (those granted funds
    that year), ordered by programme title and year."""
    entries = in_scope(FundEntry, user)
    if programme is not None:
        entries = entries.filter(application__programme=programme)
    rows = list(entries.order_by().values(
        "year", programme=F("application__programme_id"), title=F("application__programme__title")).annotate(
        granted=Sum("amount", filter=Q(kind=FundKind.GRANT), default=Decimal(0)),
        recovered=Sum("amount", filter=Q(kind=FundKind.RECOVERY), default=Decimal(0)),
        consortia=Count("application", filter=Q(kind=FundKind.GRANT), distinct=True),
    ).order_by("title", "programme", "year"))
    for row in rows:
        row["net"] = row["granted"] - row["recovered"]
    return rows


def funds_totals(rows):
    """The sums of :func:`funds_by_programme`'s rows (granted, recovered, net)."""
    return {key: sum((row[key] for row in rows), Decimal(0)) for key in ("granted", "recovered", "net")}


def overview(application, today=None):
    """Everything a consortium's supervision page shows (for its unit, for staff, for a commissioned evaluator)."""
    today = today or timezone.localdate()
    reports = list(application.annual_reports.order_by("-year"))
    for report in reports:
        report.overdue = report.is_overdue(today)
    rectifications = list(application.rectifications.order_by("-opened_on", "-pk"))
    for rectification in rectifications:
        rectification.overdue = rectification.is_overdue(today)
    funds, entries = funds_by_year(application)
    return {
        "application": application, "profile": profile_of(application.programme, create=False), "today": today,
        "reports": reports,
        "evaluations": list(application.evaluations.select_related("attachment").order_by("-period")),
        "changes": list(application.change_requests.select_related("charter").order_by("-requested_at", "-pk")),
        "rectifications": rectifications,
        "revocations": list(application.revocations.select_related("credit_record").order_by("-proposed_on", "-pk")),
        "funds": funds, "fund_entries": entries,
        "history": history(application),
    }


def history(application, limit=50):
    """The consortium's latest supervision log entries, each with the record's kind, the action's label and the
    states' labels (``what``, ``action``, ``source_label``, ``target_label``)."""
    entries = list(SupervisionLog.objects.filter(application=application).select_related("actor", "subject_type")
                   .order_by("-at", "-pk")[:limit])
    for entry in entries:
        model = entry.subject_type.model_class()
        states = dict(model._meta.get_field("state").choices)
        entry.what = model._meta.verbose_name
        entry.action = labels(model).get(entry.transition, entry.transition)
        entry.source_label = states.get(entry.source, entry.source)
        entry.target_label = states.get(entry.target, entry.target)
    return entries

from django.contrib import admin

from applications.admin import ProgrammeAdmin
from applications.models import Programme
from portal.admin import ReadOnlyAdmin

from .models import (
    Criterion,
    Expert,
    ExpertRelation,
    FilingAgreement,
    HolidayDay,
    PaperImport,
    PoolProposal,
    TransitionLog,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1
    fields = ["order", "name", "weight"]


# A programme's scoring sheet (review.Criterion) is edited on the programme's page: the review app
# extends the applications app's admin rather than the other way round.
admin.site.unregister(Programme)


@admin.register(Programme)
class ProgrammeWithScoringAdmin(ProgrammeAdmin):
    inlines = [*ProgrammeAdmin.inlines, CriterionInline]


class RelationInline(admin.TabularInline):
    model = ExpertRelation
    extra = 1


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "affiliation", "active"]
    list_filter = ["active", "fields"]
    search_fields = ["name", "affiliation", "affiliation_credit_code", "fields__name"]
    filter_horizontal = ["fields"]
    inlines = [RelationInline]


@admin.register(HolidayDay)
class HolidayDayAdmin(admin.ModelAdmin):
    """The registry keeper keeps the State Council's holiday notice here (holidays and 调休 make-up workdays);
    programme staff see it (portal.backends) and propose changes (review.views.pool)."""

    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "application", "transition", "actor", "actor_role", "source", "target", "ip"]
    list_filter = ["transition", "actor_role"]
    search_fields = ["application__name", "reason"]
    list_select_related = ["application", "actor"]


@admin.register(FilingAgreement)
class FilingAgreementAdmin(ReadOnlyAdmin):
    """Agreements with targets are evidence: viewable here, never edited or deleted."""

    list_display = ["application", "name", "signed_on", "uploaded_by", "uploaded_at"]
    search_fields = ["application__name", "name", "sha256"]
    list_select_related = ["application", "uploaded_by"]
    readonly_fields = ["application", "file", "name", "sha256", "signed_on", "note", "uploaded_by", "uploaded_at"]


@admin.register(PaperImport)
class PaperImportAdmin(ReadOnlyAdmin):
    """Sheets of paper filings, as uploaded, and what each import made: a record, never edited."""

    list_display = ["name", "programme", "uploaded_by", "uploaded_at", "imported_at", "row_count"]
    list_filter = ["programme"]
    search_fields = ["name", "sha256"]
    list_select_related = ["programme", "uploaded_by"]


@admin.register(PoolProposal)
class PoolProposalAdmin(ReadOnlyAdmin):
    """Staff's proposals to the pool and the calendar: decided on the portal's page, a record here."""

    list_display = ["pk", "kind", "status", "expert", "proposed_by", "authority", "proposed_at", "decided_by"]
    list_filter = ["kind", "status", "authority"]
    list_select_related = ["expert", "proposed_by", "authority", "decided_by"]

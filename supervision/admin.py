"""The supervision profiles (per programme, as data) and the records, in the Django admin.  Programme staff
edit the profiles of their own authority's programmes; the records are changed only through the pages
(their lifecycles), so the admin shows them read-only."""

from django.contrib import admin

from .models import (
    AnnualReport,
    ChangeRequest,
    Evaluation,
    EvaluatorCommission,
    FundEntry,
    Rectification,
    Revocation,
    SupervisionLog,
    SupervisionProfile,
)


@admin.register(SupervisionProfile)
class SupervisionProfileAdmin(admin.ModelAdmin):
    list_display = ["programme", "reports_required", "excellent_min", "pass_min", "fails_to_revoke",
                    "lead_change_forbidden", "funds_by_result"]
    fieldsets = [
        (None, {"fields": ["programme"]}),
        ("年度报告", {"fields": ["reports_required", "report_due_month", "report_due_day", "reminder_days",
                             "report_citation"]}),
        ("绩效评价", {"fields": ["excellent_min", "pass_min", "evaluation_citation", "missing_report_fails",
                             "fails_to_revoke", "fails_citation", "excellent_support", "support_citation",
                             "rectification_citation"]}),
        ("变更备案", {"fields": ["change_kinds", "change_citation", "lead_change_forbidden", "lead_citation"]}),
        ("资金", {"fields": ["funds_by_result", "funds_cap", "funds_share_max", "funds_citation"]}),
        ("摘牌与信用", {"fields": ["revocation_word", "revocation_citation", "fraud_citation", "fraud_recovers_funds",
                              "lead_bar_years", "lead_bar_citation"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["programme"] if obj is not None else []

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("programme")
        if request.user.is_superuser or request.user.authority_id is None:
            return queryset
        return queryset.filter(programme__authority_id=request.user.authority_id)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model, fields in [(AnnualReport, ["application", "year", "due_on", "state", "overdue_on"]),
                      (Evaluation, ["application", "period", "score", "grade", "state"]),
                      (ChangeRequest, ["application", "kind", "state", "requested_at"]),
                      (Rectification, ["application", "deadline", "state"]),
                      (Revocation, ["application", "ground", "state", "effective_on"]),
                      (FundEntry, ["application", "year", "kind", "amount", "on", "document_number"]),
                      (EvaluatorCommission, ["evaluator", "application", "period"]),
                      (SupervisionLog, ["application", "transition", "source", "target", "actor", "at"])]:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnly,), {"list_display": fields}))

"""The supervision pages (备案后管理), under /supervision/."""

from django.urls import path

from .views import changes, consortium, evaluations, funds, lists, oversight, reports

app_name = "supervision"

urlpatterns = [
    path("", consortium.consortia, name="consortia"),
    path("consortium/<int:application_id>/", consortium.consortium, name="consortium"),
    path("consortium/<int:application_id>/report/", reports.report_start, name="report_start"),
    path("consortium/<int:application_id>/change/", changes.change_new, name="change_new"),
    path("consortium/<int:application_id>/evaluation/", evaluations.evaluation_edit, name="evaluation_edit"),
    path("consortium/<int:application_id>/commission/", evaluations.commission, name="commission"),
    path("consortium/<int:application_id>/rectification/", oversight.rectification_new, name="rectification_new"),
    path("consortium/<int:application_id>/revocation/", oversight.revocation_new, name="revocation_new"),
    path("consortium/<int:application_id>/funds/", oversight.funds_new, name="funds_new"),
    path("files/<int:file_id>/", consortium.file_download, name="file"),
    path("reports/", lists.reports, name="reports"),
    path("reports/<int:report_id>/", reports.report_edit, name="report_edit"),
    path("reports/<int:report_id>/review/", reports.report_review, name="report_review"),
    path("evaluations/", lists.evaluations, name="evaluations"),
    path("evaluations/<int:evaluation_id>/confirm/", evaluations.evaluation_confirm, name="evaluation_confirm"),
    path("changes/", lists.changes, name="changes"),
    path("changes/<int:change_id>/", changes.change_review, name="change_review"),
    path("rectifications/<int:rectification_id>/", oversight.rectification, name="rectification"),
    path("revocations/", lists.revocations, name="revocations"),
    path("funds/", funds.funds, name="funds"),
    path("funds/export/", funds.funds_export, name="funds_export"),
    path("revocations/<int:revocation_id>/", oversight.revocation_review, name="revocation_review"),
]

from django.urls import path

from .views import (
    applicant,
    dashboards,
    decisions,
    detail,
    directory,
    district,
    documents,
    experts,
    exports,
    filing,
    formal,
    imports,
    lists,
    public,
    publicity,
    statistics,
)

app_name = "review"

urlpatterns = [
    path("workspace/", dashboards.workspace, name="workspace"),
    path("applications/<int:pk>/", detail.application_detail, name="application_detail"),
    # applicant
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="application_withdraw"),
    path("applications/<int:pk>/diff/", applicant.version_diff, name="version_diff"),
    # district office
    path("review/<int:pk>/district/", district.district_review, name="district_review"),
    path("review/<int:pk>/district/peer/", district.peer_opinion_add, name="peer_opinion_add"),
    path("review/<int:pk>/district/peer/<int:opinion_id>/withdraw/", district.peer_opinion_withdraw,
         name="peer_opinion_withdraw"),
    path("review/<int:pk>/district/letter/<int:opinion_id>/", district.letter_download, name="district_letter"),
    # programme staff
    path("staff/applications/", lists.staff_list, name="staff_list"),
    path("staff/applications/export.xlsx", exports.staff_export, name="staff_export"),
    path("staff/exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("staff/exports/<int:pk>/status/", exports.export_status, name="export_status"),
    path("staff/exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("staff/statistics/", statistics.statistics_page, name="statistics"),
    path("staff/statistics/export.xlsx", statistics.statistics_export, name="statistics_export"),
    path("staff/imports/", imports.import_list, name="import_list"),
    path("staff/imports/template.xlsx", imports.import_template, name="import_template"),
    path("staff/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("staff/imports/<int:pk>/invite/<int:filing_id>/", imports.import_invite, name="import_invite"),
    path("review/<int:pk>/formal/", formal.formal_review, name="formal_review"),
    path("review/<int:pk>/decision/", decisions.decision, name="decision"),
    path("staff/decisions/", decisions.decision_batch, name="decision_batch"),
    path("staff/publicity/", publicity.publicity_manage, name="publicity_manage"),
    path("staff/publicity/<int:batch_id>/", publicity.publicity_batch, name="publicity_batch"),
    path("staff/objections/<int:objection_id>/", publicity.objection_finding, name="objection_finding"),
    path("staff/objections/<int:objection_id>/letter/", publicity.objection_letter, name="objection_letter"),
    path("staff/filing/", filing.filing, name="filing"),
    path("review/<int:pk>/agreement/", filing.filing_agreement, name="filing_agreement"),
    path("review/<int:pk>/agreement/<int:agreement_id>/", filing.filing_agreement_download,
         name="filing_agreement_download"),
    # experts
    path("review/<int:pk>/experts/", experts.expert_organise, name="expert_organise"),
    path("review/<int:pk>/visits/<int:visit_id>/", experts.visit_attachment, name="visit_attachment"),
    path("experts/", experts.expert_assignments, name="expert_assignments"),
    path("experts/assignments/<int:assignment_id>/", experts.assignment_detail, name="assignment_detail"),
    # the public
    path("publicity/", public.publicity_list, name="publicity_list"),
    path("publicity/<int:batch_id>/", public.publicity_detail, name="publicity_detail"),
    path("publicity/<int:batch_id>/object/<int:entry_id>/", public.objection_form, name="objection_form"),
    path("directory/", directory.directory, name="directory"),
    path("directory/open-data.csv", directory.directory_csv, name="directory_csv"),
    path("directory/open-data.json", directory.directory_json, name="directory_json"),
    path("verify/", documents.verify_document, name="verify_document"),
    path("verify/<str:number>/<str:code>/", documents.verify_certificate, name="verify_certificate"),
    path("applications/<int:pk>/reissue/", documents.reissue_certificate, name="reissue_certificate"),
    # documents
    path("applications/<int:pk>/documents/<int:document_id>/", documents.document_download, name="document_download"),
    path("applications/<int:pk>/print/", documents.application_form_pdf, name="application_form_pdf"),
    path("documents/<int:document_id>/", documents.batch_document_download, name="batch_document_download"),
]

from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<slug:code>/", views.call_detail, name="call_detail"),
    path("calls/<slug:code>/apply/", views.application_start, name="application_start"),
    path("applications/copy/", views.application_copy, name="application_copy"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/autosave/", views.application_autosave, name="application_autosave"),
    path("applications/<int:pk>/eligibility/", views.eligibility, name="application_eligibility"),
    path("applications/<int:pk>/attachments/<slug:code>/", views.attachment_upload, name="attachment_upload"),
    path("applications/<int:pk>/files/<int:file_id>/", views.attachment_download, name="attachment_download"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/delete/", views.application_delete, name="application_delete"),
    path("applications/<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
]

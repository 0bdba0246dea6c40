from django.contrib import admin
from django.urls import include, path

from review.views import dashboards

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<slug:code>/", views.call_detail, name="call_detail"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/register/", views.register, name="register"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("workspace/", dashboards.workspace, name="workspace"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:note_id>/", views.notification_open, name="notification_open"),
    path("unit/", views.unit_profile, name="unit_profile"),
    path("unit/users/", views.unit_users, name="unit_users"),
    path("unit/users/<int:user_id>/active/", views.unit_user_toggle, name="unit_user_toggle"),
    path("", include("applications.urls")),
    path("", include("review.urls")),
    path("admin/", admin.site.urls),
]

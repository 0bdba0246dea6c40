"""The portal's own pages: registration, the inbox, the unit and its users (namespace ``portal``)."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:note_id>/", views.notification_open, name="notification_open"),
    path("unit/", views.unit_profile, name="unit_profile"),
    path("unit/users/", views.unit_users, name="unit_users"),
    path("unit/users/<int:user_id>/active/", views.unit_user_toggle, name="unit_user_toggle"),
]

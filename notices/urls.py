"""The inbox (namespace ``notices``)."""

from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:note_id>/", views.notification_open, name="notification_open"),
]

"""The portal's own pages: registration, the unit and its users (namespace ``portal``)."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/alive/", views.alive, name="alive"),
    path("unit/", views.unit_profile, name="unit_profile"),
    path("unit/users/", views.unit_users, name="unit_users"),
    path("unit/users/<int:user_id>/active/", views.unit_user_toggle, name="unit_user_toggle"),
]

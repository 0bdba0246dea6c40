"""Logging in (password, then the second factor), enrolment, recovery codes and the password reset: the
pages of django-two-factor-auth (namespace ``two_factor``) with the portal's views, and the un-namespaced
``login`` and ``password_reset`` that Django's other account pages (``django.contrib.auth.urls``) sit beside."""

from django.urls import include, path
from two_factor import views as two_factor_views

from . import login_views

two_factor_patterns = ([
    path("login/", login_views.LoginView.as_view(), name="login"),
    path("two_factor/", two_factor_views.ProfileView.as_view(), name="profile"),
    path("two_factor/setup/", login_views.SetupView.as_view(), name="setup"),
    path("two_factor/qrcode/", two_factor_views.QRGeneratorView.as_view(), name="qr"),
    path("two_factor/setup/complete/", two_factor_views.SetupCompleteView.as_view(), name="setup_complete"),
    path("two_factor/backup/tokens/", two_factor_views.BackupTokensView.as_view(), name="backup_tokens"),
    path("two_factor/disable/", login_views.DisableView.as_view(), name="disable"),
], "two_factor")

urlpatterns = [
    path("login/", login_views.LoginView.as_view(), name="login"),
    path("password_reset/", login_views.PasswordResetView.as_view(), name="password_reset"),
    path("", include(two_factor_patterns)),
]

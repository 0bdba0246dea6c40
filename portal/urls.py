"""The project's URLs: each app's pages under its own namespace (``portal:``, ``notices:``,
``applications:``, ``review:``, ``supervision:``), Django's login pages, the language switch and the admin."""

from django.contrib import admin
from django.urls import include, path
from two_factor.admin import AdminSiteOTPRequired

# The admin asks for a verified second factor too (and sends an unverified user to the portal's login).
admin.site.__class__ = AdminSiteOTPRequired

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # before Django's account pages: its login and password reset are replaced (second factor, throttle)
    path("accounts/", include("portal.auth_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("portal.account_urls")),
    path("", include("notices.urls")),
    path("", include("applications.urls")),
    path("", include("review.urls")),
    path("supervision/", include("supervision.urls")),
    path("captcha/", include("captcha.urls")),  # the objection form's challenge images (django-simple-captcha)
    path("admin/", admin.site.urls),
]

"""The project's URLs: each app's pages under its own namespace (``portal:``, ``notices:``,
``applications:``, ``review:``, ``supervision:``), Django's login pages, the language switch and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("portal.account_urls")),
    path("", include("notices.urls")),
    path("", include("applications.urls")),
    path("", include("review.urls")),
    path("supervision/", include("supervision.urls")),
    path("captcha/", include("captcha.urls")),  # the objection form's challenge images (django-simple-captcha)
    path("admin/", admin.site.urls),
]

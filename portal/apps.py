from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Accounts and units")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .security import record_login_failure
        from .twofactor import start_lifetime

        # Every failed password counts towards the client address's ceiling (portal/security.py).
        user_login_failed.connect(lambda sender, credentials=None, request=None, **kwargs:
                                  record_login_failure(request), weak=False, dispatch_uid="portal-login-ip")
        user_logged_in.connect(start_lifetime, dispatch_uid="portal-session-lifetime")

        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from .models.accounts import Authority, District, Unit, forget_scope_name
        from .twofactor import forget_device, remember_device

        # The names the top bars show, cached per office and unit, follow their rows.
        for model in (Authority, District, Unit):
            post_save.connect(forget_scope_name, sender=model, dispatch_uid=f"portal-scope-name-{model.__name__}")
            post_delete.connect(forget_scope_name, sender=model, dispatch_uid=f"portal-scope-name-d-{model.__name__}")

        # The verified session's device, cached by portal.twofactor.CachedOTPMiddleware, follows its row.
        for model in (TOTPDevice, StaticDevice):
            post_save.connect(remember_device, sender=model, dispatch_uid=f"portal-remember-{model.__name__}")
            post_delete.connect(forget_device, sender=model, dispatch_uid=f"portal-forget-{model.__name__}")

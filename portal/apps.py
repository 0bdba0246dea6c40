from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Accounts and units")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from .security import record_login_failure

        # Every failed password counts towards the client address's ceiling (portal/security.py).
        user_login_failed.connect(lambda sender, credentials=None, request=None, **kwargs:
                                  record_login_failure(request), weak=False, dispatch_uid="portal-login-ip")

"""Logging in with a second factor, enrolment, recovery codes and the throttled password reset.

The pages are django-two-factor-auth's (a wizard: password, then the code of the authenticator app or a
recovery code) with the portal's templates and wording; ``portal.security`` holds the throttles and
``portal.twofactor`` the rule of who must use a second factor.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from two_factor import views as two_factor_views

from . import security

#: The portal's wording for django-two-factor-auth's fields (its own catalogue has no zh-hans).
LABELS = {
    "otp_token": _("Verification code"),
    "token": _("Verification code"),
    "understand": _("Yes, turn it off"),
}
OTP_ERRORS = {
    "token_required": _("Enter the code shown by your authenticator app."),
    "invalid_token": _("The code is wrong or has expired. Enter the current one."),
    "n_failed_attempts": ngettext_lazy(
        "Too many wrong codes (%(failure_count)d). Wait a moment, then try again.",
        "Too many wrong codes (%(failure_count)d). Wait a moment, then try again.",
        "failure_count"),
    "verification_not_allowed": _("Code checks are paused for a moment. Try again soon."),
}


def _portal_wording(form):
    for name, label in LABELS.items():
        if name in form.fields:
            form.fields[name].label = label
    if hasattr(form, "otp_error_messages"):
        form.otp_error_messages = {**form.otp_error_messages, **OTP_ERRORS}
    if hasattr(form, "error_messages") and "invalid_token" in getattr(form, "error_messages", {}):
        form.error_messages = {**form.error_messages, "invalid_token": OTP_ERRORS["invalid_token"]}
    return form


def _blocked(request):
    """Too many failed logins from this address, whatever the usernames."""
    return render(request, "registration/locked_out.html", {
        "address_blocked": True, "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60)}, status=429)


def _stale_step(view, request):
    """A wizard's form posted for a step it does not have (an old page, a forged field): the wizard starts again,
    with a message, instead of showing a step without saying why."""
    step = request.POST.get(f"{view.prefix}-current_step")
    if step is None or step in view.get_form_list():
        return None
    view.storage.reset()
    messages.error(request, view.stale_message)
    return redirect(request.get_full_path())


class LoginView(two_factor_views.LoginView):
    """Password, then (for a user with a device) the authenticator's code or a recovery code."""

    template_name = "registration/login.html"
    stale_message = _("The login form has expired. Please log in again.")

    def post(self, request, *args, **kwargs):
        if self.steps.current == self.AUTH_STEP and security.login_ip_blocked(request):
            return _blocked(request)
        return _stale_step(self, request) or super().post(request, *args, **kwargs)

    def get_form(self, step=None, **kwargs):
        return _portal_wording(super().get_form(step, **kwargs))

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        return context


class SetupView(two_factor_views.SetupView):
    """Enrolment: scan the QR code, enter the first code."""

    stale_message = _("The set-up form has expired. Please start again.")

    def post(self, request, *args, **kwargs):
        return _stale_step(self, request) or super().post(request, *args, **kwargs)

    def get_form(self, step=None, **kwargs):
        return _portal_wording(super().get_form(step, **kwargs))


class DisableView(two_factor_views.DisableView):
    """Only those who may go without a second factor (applicants) may switch it off."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.needs_second_factor:
            raise PermissionDenied(_("Your role requires two-step verification."))
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with a limit per client address and per e-mail address."""

    def form_valid(self, form):
        if not security.password_reset_allowed(self.request, form.cleaned_data.get("email")):
            form.add_error(None, _("Too many reset requests. Please try again in %(minutes)s minutes.") % {
                "minutes": settings.PASSWORD_RESET_WINDOW_MINUTES})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

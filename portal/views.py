from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import RegistrationForm, UnitForm, UnitUserForm
from .models import Division, Role, User


@login_required
def alive(request):
    """204 for a signed-in user: the cheapest page that still loads the session and the user through every
    middleware (monitoring, and bench/load's yardstick for the other pages)."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "private, no-store"
    return response


@transaction.atomic
def register(request):
    if request.user.is_authenticated:
        return redirect("review:workspace")
    form = RegistrationForm(request.POST or None)
    suggestion = None
    if request.method == "POST":
        code = form.data.get("credit_code", "")
        suggestion = Division.suggest_for_code(code)
        if form.is_valid():
            unit = form.save()
            user = User.objects.create_user(
                username=form.cleaned_data["username"], password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"], full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"], role=Role.APPLICANT, unit=unit, is_unit_admin=True,
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your unit is registered and you are its administrator."))
            return redirect("review:workspace")
    return render(request, "portal/register.html", {"form": form, "suggestion": suggestion})


def _unit_admin_required(request):
    if not (request.user.is_authenticated and request.user.role == Role.APPLICANT and request.user.is_unit_admin):
        raise PermissionDenied(_("Only the unit administrator may do this."))


@login_required
def unit_profile(request):
    if request.user.role != Role.APPLICANT:
        raise Http404
    unit = request.user.unit
    can_edit = request.user.is_unit_admin
    form = UnitForm(request.POST or None, instance=unit)
    # Fixed at registration: a correction goes through programme staff, with a reason, on record.
    form.fields["credit_code"].disabled = True
    form.fields["credit_code"].help_text = _("Fixed at registration. To correct it, write to the programme staff.")
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        _unit_admin_required(request)
        if form.is_valid():
            form.save()
            messages.success(request, _("The unit profile is saved."))
            return redirect("portal:unit_profile")
    return render(request, "portal/unit_profile.html", {"form": form, "can_edit": can_edit, "unit": unit})


@login_required
def unit_users(request):
    _unit_admin_required(request)
    unit = request.user.unit
    form = UnitUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.role = Role.APPLICANT
        user.unit = unit
        user.save()
        messages.success(request, _("User %(name)s can now log in for %(unit)s.") % {
            "name": user.display_name, "unit": unit.name})
        return redirect("portal:unit_users")
    return render(request, "portal/unit_users.html", {
        "form": form, "users": unit.users.order_by("-is_unit_admin", "username"), "unit": unit})


@login_required
@require_POST
def unit_user_toggle(request, user_id):
    _unit_admin_required(request)
    other = get_object_or_404(User, pk=user_id, unit=request.user.unit)
    if other.pk == request.user.pk:
        messages.error(request, _("You cannot disable your own account."))
    else:
        other.is_active = not other.is_active
        other.save(update_fields=["is_active"])
        if other.is_active:
            messages.success(request, _("%(name)s is enabled again.") % {"name": other.display_name})
        else:
            messages.success(request, _("%(name)s is disabled and can no longer log in.") % {"name": other.display_name})
    return redirect("portal:unit_users")

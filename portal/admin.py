from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import CreditCodeField
from .lifecycle import ActionRefused
from .models import (
    Authority,
    CreditCodeCorrection,
    CreditRecord,
    CreditRecordChange,
    District,
    Division,
    Unit,
    User,
)

# The back office is the portal's, not "Django administration".
admin.site.site_header = admin.site.site_title = settings.PORTAL_NAME


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the workflow writes (applications, their versions and log, evidence): viewable, never
    added, changed or deleted in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "level", "region"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "authority", "division"]
    list_filter = ["authority"]
    search_fields = ["name"]
    autocomplete_fields = ["division"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    readonly_fields = ["credit_code"]  # corrected only with a reason: CreditCodeCorrection
    list_display = ["name", "credit_code", "unit_type", "division", "created_at"]
    list_filter = ["unit_type"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["division"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "district", "authority", "is_active"]
    list_filter = ["role", "is_active", "authority"]
    search_fields = ["username", "full_name", "email", "unit__name"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and scope"), {"fields": ["role", "full_name", "phone", "unit", "is_unit_admin", "district",
                                          "authority"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Role and scope"), {"fields": ["role", "full_name", "unit", "district", "authority"]}),
    )


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    """Viewable here; recorded and changed (with a reason) on the staff page 信用记录 (review:credit_list)."""

    list_display = ["unit_name", "credit_code", "kind", "source", "valid_from", "valid_until", "authority",
                    "recorded_on"]
    list_filter = ["kind", "authority"]
    search_fields = ["unit_name", "credit_code"]
    list_select_related = ["authority"]


@admin.register(CreditRecordChange)
class CreditRecordChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "record", "by", "reason"]
    list_select_related = ["record", "by"]


class CreditCodeCorrectionForm(forms.ModelForm):
    current_code = CreditCodeField(label=_("present code"), help_text=_("The code the unit is registered with now."))
    corrected_code = CreditCodeField(label=_("corrected code"))

    class Meta:
        model = CreditCodeCorrection
        fields = ["reason"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.check_correction(data["current_code"], data["corrected_code"], data.get("reason", ""))
            except ActionRefused as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(CreditCodeCorrection)
class CreditCodeCorrectionAdmin(admin.ModelAdmin):
    """Staff correct a unit's credit code with a reason; every correction stays on record."""

    form = CreditCodeCorrectionForm
    list_display = ["at", "unit", "old_code", "new_code", "by"]
    search_fields = ["unit__name", "old_code", "new_code"]
    list_select_related = ["unit", "by"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "old_code", "new_code", "reason", "by", "at"] if obj else []

    def get_fields(self, request, obj=None):
        return ["unit", "old_code", "new_code", "reason", "by", "at"] if obj else ["current_code", "corrected_code",
                                                                                   "reason"]

    def save_model(self, request, obj, form, change):
        if not change:
            made = services.correct_credit_code(form.cleaned_data["current_code"], form.cleaned_data["corrected_code"],
                                                form.cleaned_data["reason"], request.user)
            for name in ("pk", "unit", "old_code", "new_code", "reason", "by", "at"):
                setattr(obj, name, getattr(made, name))

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

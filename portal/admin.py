from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Authority, CreditRecord, District, Division, Unit, User

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
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ["unit_name", "credit_code", "kind", "recorded_on"]
    list_filter = ["kind"]
    search_fields = ["unit_name", "credit_code"]

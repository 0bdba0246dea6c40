from django.contrib import admin

from .models import Expert, ExpertRelation, HolidayDay, TransitionLog


class RelationInline(admin.TabularInline):
    model = ExpertRelation
    extra = 1


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "affiliation", "active"]
    list_filter = ["active"]
    search_fields = ["name", "affiliation", "affiliation_credit_code"]
    inlines = [RelationInline]


@admin.register(HolidayDay)
class HolidayDayAdmin(admin.ModelAdmin):
    """Staff keep the State Council's holiday notice here (holidays and 调休 make-up workdays)."""

    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["at", "application", "transition", "actor", "actor_role", "source", "target", "ip"]
    list_filter = ["transition", "actor_role"]
    search_fields = ["application__name", "reason"]
    list_select_related = ["application", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Programmes are configured here: a new guideline is a Programme with rule and attachment rows."""

from django import forms
from django.contrib import admin
from django.db import models

from portal.admin import ReadOnlyAdmin
from portal.models import Authority

from .models import (
    Application,
    ApplicationVersion,
    AttachmentRequirement,
    Field,
    LeadCategory,
    MemberKind,
    Programme,
    ProgrammeRule,
)
from .rules import REGISTRY
from .stage_forms import StagesField


class ProgrammeForm(forms.ModelForm):
    """The route is edited as stage rows (applications.stage_forms), stored as before; the admin
    gives the model and the fields."""

    stages = StagesField(label=Programme._meta.get_field("stages").verbose_name, required=False)


class RuleInline(admin.TabularInline):
    model = ProgrammeRule
    extra = 1
    fields = ["order", "rule_key", "params", "severity", "citation", "active"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rule_key":
            # A blank first choice: the inline's empty extra row is left alone when staff save the
            # programme without adding a rule (a first rule kind would make it look filled in).
            return forms.ChoiceField(choices=[("", "---------")] + [(k, f"{k} — {v.label}")
                                                                   for k, v in sorted(REGISTRY.items())],
                                     label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RequirementInline(admin.TabularInline):
    model = AttachmentRequirement
    extra = 1
    fields = ["order", "code", "name", "required", "required_when", "citation", "allow_images", "max_mb",
              "description"]


class AuthorityScopedAdmin(admin.ModelAdmin):
    """System administrators see every row; programme staff only their authority's.

    ``authority_lookup`` leads from the row to its authority's id; ``scoped_field`` is the foreign
    key whose choices are narrowed to the staff member's authority (``scoped_model`` rows whose
    ``scoped_model_lookup`` is that authority).
    """

    authority_lookup = "authority_id"
    scoped_field, scoped_model, scoped_model_lookup = "", None, ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.authority_lookup: request.user.authority_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.scoped_field and not request.user.is_superuser:
            kwargs["queryset"] = self.scoped_model.objects.filter(**{self.scoped_model_lookup: request.user.authority_id})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Programme)
class ProgrammeAdmin(AuthorityScopedAdmin):
    form = ProgrammeForm
    list_display = ["title", "authority", "opens_on", "closes_on", "published"]
    list_filter = ["authority", "published"]
    search_fields = ["title", "code"]
    inlines = [RuleInline, RequirementInline]  # review.admin adds the scoring sheet
    scoped_field, scoped_model, scoped_model_lookup = "authority", Authority, "pk"
    filter_horizontal = ["fields", "lead_categories", "member_kinds"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A programme selects shared entries; its own are offered anyway (and other programmes' never).
        if db_field.name in ("lead_categories", "member_kinds"):
            kwargs["queryset"] = db_field.related_model.objects.filter(programme=None)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.authority_id = request.user.authority_id
        super().save_model(request, obj, form, change)


@admin.register(ProgrammeRule)
class ProgrammeRuleAdmin(AuthorityScopedAdmin):
    list_display = ["programme", "rule_key", "severity", "citation", "active"]
    list_filter = ["programme", "severity", "rule_key"]
    authority_lookup = "programme__authority_id"
    scoped_field, scoped_model, scoped_model_lookup = "programme", Programme, "authority_id"


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Read-only: the workflow changes applications, never the admin."""

    list_display = ["__str__", "programme", "unit", "state", "submitted_at", "certificate_number"]
    list_filter = ["programme", "state"]
    search_fields = ["name", "unit__name", "unit__credit_code"]
    list_select_related = ["programme", "unit"]


@admin.register(ApplicationVersion)
class ApplicationVersionAdmin(ApplicationAdmin):
    list_display = ["application", "number", "created_at", "created_by"]
    list_filter = []
    search_fields = ["application__name"]
    list_select_related = ["application", "created_by"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    """The field taxonomy (领域), one for every programme and the expert pool."""

    list_display = ["name", "parent", "order"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent"]


class VocabularyAdmin(AuthorityScopedAdmin):
    """Shared entries are kept by system administrators; programme staff see them and add or change
    their own programmes' entries."""

    list_display = ["name", "code", "programme", "citation", "order"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["programme"]
    scoped_field, scoped_model, scoped_model_lookup = "programme", Programme, "authority_id"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(models.Q(programme=None) | models.Q(programme__authority_id=request.user.authority_id))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.programme_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Applications store the codes: an entry they use is kept (its name may change).
        if obj is not None and obj.in_use():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, each checked for use
        return actions

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "programme" in form.base_fields:
            form.base_fields["programme"].required = True
        return form


@admin.register(LeadCategory)
class LeadCategoryAdmin(VocabularyAdmin):
    pass


@admin.register(MemberKind)
class MemberKindAdmin(VocabularyAdmin):
    pass

"""The application editor: one form for the scalar sections, one formset per table."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from portal.forms import CreditCodeField
from portal.models import District

from . import editor
from .models import Application, BudgetLine, Field, Member, Person, Target, Task


class ApplicationForm(forms.ModelForm):
    """Every field may stay empty in a draft; the eligibility rules say what submission needs.

    Only the fields the programme asks for are in the form (:func:`applications.editor.parts_for`);
    the others keep what the application holds.
    """

    class Meta:
        model = Application
        fields = list(editor.ORDER)
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "lead_carriers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.parts = editor.parts_for(programme)
        for name in list(self.fields):
            if name not in self.parts:
                del self.fields[name]
        if "field" in self.fields:
            # The programme's fields, or any field of the shared taxonomy (one taxonomy, as data).
            names = programme.field_names() or [f.name for f in Field.objects.order_by("parent__order", "order", "name")]
            self.fields["field"] = _vocabulary_choice(_("field"), [(f, f) for f in names], self.initial.get("field"))
        if "formation_mode" in self.fields and programme.formation_modes:
            self.fields["formation_mode"] = forms.ChoiceField(
                label=_("formation mode"), required=False,
                choices=[("", "---------")] + [(m, m) for m in programme.formation_modes])
        if "lead_category" in self.fields:
            self.fields["lead_category"] = _vocabulary_choice(
                self.fields["lead_category"].label, editor.choices_for(programme, "lead_category"),
                self.initial.get("lead_category"))
        if "district" in self.fields:
            self._district_field()
        for name in ("lead_revenue", "lead_rd_spending", "total_investment"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0"})

    def _district_field(self):
        """The programme authority's offices; the one covering the lead's division chosen beforehand, or,
        for a lead registered outside their area (allowed where the rule says 原则上), an explanation."""
        field = self.fields["district"]
        field.queryset = self.programme.authority.districts.order_by("division__code")
        field.label = _("district office for the initial review")
        unit = self.instance.unit if self.instance.unit_id else None
        suggested = District.suggest(self.programme.authority, unit.division) if unit else None
        if suggested is not None:
            if not self.instance.district_id:
                self.initial["district"] = suggested.pk
            field.help_text = _("The office of the district where your unit is registered (%(office)s) is "
                                "chosen for you; change it only if another office is responsible.") % {
                "office": suggested.name}
        elif unit is not None:
            field.help_text = _("Your unit is registered in %(where)s, outside the area of %(authority)s's "
                                "offices. Choose the office of the place where the consortium is built and "
                                "operates; it will do the initial review.") % {
                "where": unit.division.full_name, "authority": self.programme.authority.name}

    @staticmethod
    def uses_lead_selection(programme):
        return editor.uses_lead_selection(programme)


def _vocabulary_choice(label, choices, current):
    """A choice among data; a value stored before (no longer offered) stays choosable, so nothing is lost."""
    if current and current not in dict(choices):
        choices = [(current, current), *choices]
    return forms.ChoiceField(label=label, required=False, choices=[("", "---------"), *choices])


def _limit_choices(field, choices, current=""):
    """Offer ``choices`` (None: leave the field's own), keeping a value the record already holds."""
    if choices is None:
        return
    values = {value for value, _label in choices}
    if current and current not in values:
        choices = list(choices) + [(current, dict(field.choices).get(current, current))]
    field.choices = [("", "---------")] + [(v, label) for v, label in choices if v != ""]


class RowForm(forms.ModelForm):
    """A row of one of the editor's tables; knows its programme (for the columns and choices it offers)."""

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme


class MemberForm(RowForm):
    credit_code = CreditCodeField(label=_("credit code"), required=False)

    class Meta:
        model = Member
        fields = ["name", "credit_code", "unit_type", "region", "role", "division_of_work", "committed_input",
                  "independent_legal_person", "qualification"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.programme is not None:
            columns = editor.parts_for(self.programme).member_fields
            for name in list(self.fields):
                if name not in columns:
                    del self.fields[name]
            # The member kinds the programme offers (a vocabulary held as data).
            field = _vocabulary_choice(self.fields["unit_type"].label,
                                       [(e.code, e.name) for e in self.programme.member_kind_entries()],
                                       self.initial.get("unit_type"))
            field.required = True
            self.fields["unit_type"] = field


class PersonForm(RowForm):
    class Meta:
        model = Person
        fields = ["role", "name", "title", "unit_name", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.programme is not None:
            _limit_choices(self.fields["role"], editor.choices_for(self.programme, "person_role"),
                           self.instance.role)


class RowFormSet(forms.BaseInlineFormSet):
    """Keeps typed order; rows left completely empty are ignored."""

    def save(self, commit=True):
        super().save(commit=False)
        for obj in self.deleted_objects:
            obj.delete()
        kept = [f for f in self.forms if f not in self.deleted_forms and (f.instance.pk or f.has_changed())]
        for position, form in enumerate(kept):
            form.instance.order = position
            form.instance.save()
        return [form.instance for form in kept]


def _formset(model, form=RowForm, fields=None, max_num=200):
    return inlineformset_factory(Application, model, form=form, formset=RowFormSet, fields=fields, extra=0,
                                 can_delete=True, max_num=max_num, validate_max=True)


MemberFormSet = _formset(Member, form=MemberForm, max_num=500)
PersonFormSet = _formset(Person, form=PersonForm, max_num=50)
TaskFormSet = _formset(Task, fields=["title", "description", "responsible", "budget"], max_num=50)
BudgetFormSet = _formset(BudgetLine, fields=["source", "amount", "note"], max_num=30)
TargetFormSet = _formset(Target, fields=["year", "indicator", "value"], max_num=100)

FORMSETS = {
    "members": (MemberFormSet, _("Member units")),
    "people": (PersonFormSet, _("Governance")),
    "tasks": (TaskFormSet, _("Key tasks")),
    "budget_lines": (BudgetFormSet, _("Budget by source")),
    "targets": (TargetFormSet, _("Yearly targets")),
}


def build_formsets(application, data=None):
    programme = application.programme
    tables = editor.parts_for(programme).tables
    return {
        prefix: formset_class(data, instance=application, prefix=prefix, form_kwargs={"programme": programme})
        for prefix, (formset_class, _label) in FORMSETS.items() if prefix in tables
    }

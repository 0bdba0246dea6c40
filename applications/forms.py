"""The application editor: one form for the scalar sections, one formset per table."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from portal.forms import CreditCodeField

from .models import Application, BudgetLine, Field, Member, Person, Target, Task


class ApplicationForm(forms.ModelForm):
    """Every field may stay empty in a draft; the eligibility rules say what submission needs."""

    class Meta:
        model = Application
        fields = [
            "name", "field", "industry_chain", "formation_mode", "lead_selected_by", "district", "goals",
            "lead_category", "lead_revenue", "lead_rd_spending", "lead_carriers", "lead_has_provincial_carrier",
            "lead_has_equity_fund", "operator_status", "total_investment", "fulltime_staff",
            "integrated_enterprises",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "lead_carriers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        # The programme's fields, or any field of the shared taxonomy; lead categories from the vocabulary.
        fields = programme.field_names() or [f.name for f in Field.objects.order_by("parent__order", "order", "name")]
        self.fields["field"] = _vocabulary_choice(_("field"), [(f, f) for f in fields], self.initial.get("field"))
        self.fields["lead_category"] = _vocabulary_choice(
            _("lead unit category"), [(e.code, e.name) for e in programme.lead_category_entries()],
            self.initial.get("lead_category"))
        if programme.formation_modes:
            self.fields["formation_mode"] = forms.ChoiceField(
                label=_("formation mode"), required=False,
                choices=[("", "---------")] + [(m, m) for m in programme.formation_modes])
        else:
            del self.fields["formation_mode"]
        self.fields["district"].queryset = programme.authority.districts.all()
        self.fields["district"].label = _("district office for the initial review")
        if not self.uses_lead_selection(programme):
            del self.fields["lead_selected_by"]
        for name in ("lead_revenue", "lead_rd_spending", "total_investment"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0"})

    @staticmethod
    def uses_lead_selection(programme):
        in_stages = any("lead_selected_by" in (s.get("skip_when") or {}) for s in programme.stages)
        in_attachments = any("lead_selected_by" in (r.required_when or {})
                             for r in programme.attachment_requirements.all())
        return in_stages or in_attachments


def _vocabulary_choice(label, choices, current):
    """A choice among data; a value stored before (no longer offered) stays choosable, so nothing is lost."""
    if current and current not in dict(choices):
        choices = [(current, current), *choices]
    return forms.ChoiceField(label=label, required=False, choices=[("", "---------"), *choices])


class MemberForm(forms.ModelForm):
    credit_code = CreditCodeField(label=_("credit code"), required=False)

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None:
            field = _vocabulary_choice(_("type"), [(e.code, e.name) for e in programme.member_kind_entries()],
                                       self.initial.get("unit_type"))
            field.required = True
            self.fields["unit_type"] = field

    class Meta:
        model = Member
        fields = ["name", "credit_code", "unit_type", "region", "role", "division_of_work", "committed_input",
                  "independent_legal_person", "qualification"]


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


def _formset(model, form=forms.ModelForm, fields=None, max_num=200):
    return inlineformset_factory(Application, model, form=form, formset=RowFormSet, fields=fields, extra=0,
                                 can_delete=True, max_num=max_num, validate_max=True)


MemberFormSet = _formset(Member, form=MemberForm, max_num=500)
PersonFormSet = _formset(Person, fields=["role", "name", "title", "unit_name", "phone"], max_num=50)
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
    members = {"programme": application.programme}
    return {
        prefix: formset_class(data, instance=application, prefix=prefix,
                              form_kwargs=members if prefix == "members" else None)
        for prefix, (formset_class, _label) in FORMSETS.items()
    }

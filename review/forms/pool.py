"""The forms of pool proposals (staff) and of the keeper's decision.  Each proposal form's ``values()``
is what the proposal stores: JSON-ready (dates as ISO text, the expert's fields as sorted ids)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Field
from portal.forms import CreditCodeField

from ..models import Expert, PoolProposal


def reason_field():
    return forms.CharField(label=_("Reason for the proposal"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)


class ExpertProposalForm(forms.ModelForm):
    """A new expert, or a change to one (with ``instance``: its current values are the initial ones)."""

    fields = forms.ModelMultipleChoiceField(Field.objects.order_by("name"), required=False, label=_("fields"),
                                            widget=forms.SelectMultiple(attrs={"size": 8}))
    reason = reason_field()

    class Meta:
        model = Expert
        fields = ["name", "title", "affiliation", "affiliation_credit_code", "phone", "email", "active", "fields"]

    def __init__(self, *args, new=False, **kwargs):
        super().__init__(*args, **kwargs)
        if new:
            del self.fields["active"]

    def values(self):
        data = self.cleaned_data
        values = {key: data[key] for key in self.Meta.fields if key in self.fields and key != "fields"}
        values["fields"] = sorted(field.pk for field in data["fields"])
        return values


class RelationProposalForm(forms.Form):
    credit_code = CreditCodeField(label=_("credit code of the related unit"))
    note = forms.CharField(label=_("note"), max_length=200, required=False,
                           help_text=_("e.g. former employer, co-investment"))
    reason = reason_field()

    def values(self):
        return {"credit_code": self.cleaned_data["credit_code"], "note": self.cleaned_data["note"]}


class HolidayProposalForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.BooleanField(label=_("make-up workday"), required=False,
                                    help_text=_("Ticked: a weekend day that is worked (调休). Unticked: a holiday."))
    name = forms.CharField(label=_("name"), max_length=40, required=False)
    reason = reason_field()

    def values(self):
        data = self.cleaned_data
        return {"date": data["date"].isoformat(), "is_workday": data["is_workday"], "name": data["name"]}


FORMS = {PoolProposal.Kind.NEW_EXPERT: ExpertProposalForm, PoolProposal.Kind.CHANGE_EXPERT: ExpertProposalForm,
         PoolProposal.Kind.RELATION: RelationProposalForm, PoolProposal.Kind.HOLIDAY: HolidayProposalForm}


def proposal_form(kind, data=None, expert=None):
    """The form of a proposal of ``kind`` (about ``expert`` for a change or a relation)."""
    if kind == PoolProposal.Kind.NEW_EXPERT:
        return ExpertProposalForm(data, new=True)
    if kind == PoolProposal.Kind.CHANGE_EXPERT:
        return ExpertProposalForm(data, instance=expert)
    return FORMS[kind](data)


class ProposalDecisionForm(forms.Form):
    note = forms.CharField(label=_("Note to the proposer"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000, required=False,
                           help_text=_("Required when declining: the reason the proposer is told."))

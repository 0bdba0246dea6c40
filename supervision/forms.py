"""The supervision pages' forms (crispy-bootstrap5 renders them)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Role, UnitType, User

from .choices import ChangeKind, FundKind, RevocationGround
from .models import FIGURES, SECTIONS, AnnualReport


class ReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = SECTIONS + FIGURES
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in SECTIONS}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What changes"), choices=ChangeKind.choices)
    explanation = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}))
    new_name = forms.CharField(label=_("New name"), max_length=120, required=False)
    charter = forms.FileField(label=_("New charter or supplementary agreement (PDF)"), required=False)
    members_added = forms.CharField(
        label=_("Member units joining"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, unified social credit code (optional), e.g. 南京理工大学, 12100000466007390K"))
    members_added_type = forms.ChoiceField(label=_("Type of the joining units"), choices=UnitType.choices,
                                           required=False)
    members_removed = forms.MultipleChoiceField(label=_("Member units leaving"), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    person_name = forms.CharField(label=_("New principal or chief expert: name"), max_length=40, required=False)
    person_title = forms.CharField(label=_("Title or position"), max_length=60, required=False)
    person_unit = forms.CharField(label=_("Unit"), max_length=120, required=False)
    new_lead_credit_code = forms.CharField(label=_("New lead unit's unified social credit code"), max_length=30,
                                           required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_removed"].choices = [(name, name) for name in members]

    def data_for_service(self):
        data = dict(self.cleaned_data)
        rows = []
        for line in (data.get("members_added") or "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                rows.append({"name": parts[0], "credit_code": parts[1] if len(parts) > 1 else "",
                             "unit_type": data.get("members_added_type") or UnitType.OTHER})
        data["members_added"] = rows
        return data


def _years():
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this, this - 6, -1)]


class EvaluationForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Period (year)"), coerce=int)
    score = forms.DecimalField(label=_("Score (out of 100)"), min_value=0, max_value=100, decimal_places=2,
                               required=False)
    comments = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attachment = forms.FileField(label=_("Evaluation report (PDF)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _years()


class CommissionForm(forms.Form):
    evaluator = forms.ModelChoiceField(label=_("Third-party evaluator"), queryset=User.objects.none())
    period = forms.TypedChoiceField(label=_("Period (year)"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = User.objects.filter(role=Role.EVALUATOR, is_active=True).order_by(
            "full_name", "username")
        self.fields["period"].choices = _years()


class RectificationForm(forms.Form):
    requirement = forms.CharField(label=_("What must be rectified"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    evaluation = forms.TypedChoiceField(label=_("Following the evaluation of"), coerce=int, required=False,
                                        empty_value=None)

    def __init__(self, *args, evaluations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].choices = [("", "—")] + [(e.pk, f"{e.period} {e.get_grade_display()}")
                                                           for e in evaluations]


class RespondForm(forms.Form):
    response = forms.CharField(label=_("What was rectified"), widget=forms.Textarea(attrs={"rows": 5}))
    response_file = forms.FileField(label=_("Rectification report (PDF)"), required=False)


class CheckForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("Follow-up check"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                    choices=[("yes", _("rectified")), ("no", _("not rectified"))])
    note = forms.CharField(label=_("Findings of the check"), widget=forms.Textarea(attrs={"rows": 3}))


class RevocationForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=RevocationGround.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class RevocationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("confirm", _("confirm the revocation")), ("dismiss", _("dismiss"))])
    effective_on = forms.DateField(label=_("Revoked on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("Today when left empty."))
    note = forms.CharField(label=_("Decision (meeting, document)"), widget=forms.Textarea(attrs={"rows": 3}))


class FundsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    amount = forms.DecimalField(label=_("Amount (10k yuan)"), min_value=0, max_digits=12, decimal_places=2)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=datetime.date.today)
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    document = forms.FileField(label=_("Document (PDF)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()

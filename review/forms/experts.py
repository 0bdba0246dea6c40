"""The expert evaluation's forms: the draw, site visits, conclusion, and each expert's answers and scores."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Field

from ..models import Assignment, SiteVisit
from .common import DateInput

# --- expert evaluation ----------------------------------------------------------------------------

class DrawForm(forms.Form):
    count = forms.IntegerField(label=gettext_lazy("Number of experts"), min_value=1, max_value=50, initial=5)
    field = forms.ChoiceField(label=gettext_lazy("Field"), required=False,
                              help_text=gettext_lazy("Experts are drawn among those of this field, of a broader and "
                                                     "of a narrower one. Leave blank to draw from every field."))
    seed = forms.CharField(label=gettext_lazy("Seed"), max_length=64, required=False,
                           help_text=gettext_lazy("Leave blank for a random seed. The seed is recorded so that "
                                                  "the draw can be reproduced."))
    deadline = forms.DateField(label=gettext_lazy("Deadline for the scores"), widget=DateInput())

    def __init__(self, *args, current_field="", **kwargs):
        super().__init__(*args, **kwargs)
        names = [field.name for field in Field.objects.order_by("parent__order", "order", "name")]
        if current_field and current_field not in names:  # a field typed before the taxonomy: still drawable
            names.insert(0, current_field)
        self.fields["field"].choices = [("", _("every field"))] + [(name, name) for name in names]

    def clean_seed(self):
        return self.cleaned_data["seed"].strip()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SiteVisit.Kind.choices)
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    participants = forms.CharField(label=gettext_lazy("Participants"), widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=gettext_lazy("Attachment (PDF, optional)"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))


class ConcludeForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm that the expert evaluation is complete; this cannot be undone."))


class AcceptForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=gettext_lazy("I declare that I have no conflict of interest with the applicant or any member unit: "
                           "I do not work for them, have no declared relation with them, and nothing else "
                           "would keep me from evaluating this application impartially."),
        required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for declining"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ScoreSheetForm(forms.Form):
    """One score (0–100) and comment per criterion, the overall recommendation and opinion."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=_("Score for %(criterion)s") % {"criterion": criterion.name}, required=False,
                min_value=0, max_value=100, max_digits=5, decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control score-input", "step": "0.5", "min": "0",
                                                "max": "100", "inputmode": "decimal",
                                                "data-weight": str(criterion.weight)}))
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name}, required=False,
                widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Overall recommendation"), required=False,
            choices=[("", "—")] + list(Assignment.Recommendation.choices),
            widget=forms.Select(attrs={"class": "form-select"}))
        self.fields["overall_comment"] = forms.CharField(
            label=_("Overall opinion"), required=False, widget=forms.Textarea(attrs={"class": "form-control",
                                                                                   "rows": 4}))
        self.fields["confirm"] = forms.BooleanField(
            label=_("I confirm the scores: once submitted they can no longer be changed."), required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self):
        data = self.cleaned_data
        return {c.pk: (data.get(f"score_{c.pk}"), data.get(f"comment_{c.pk}", "")) for c in self.criteria}

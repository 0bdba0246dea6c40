"""The programme staff's forms: the formal review; decision, publicity, objection findings and filing;
the import of consortia filed on paper."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from review import services

from ..models import Decision, Objection
from .common import _date_widget

# --- formal review (programme staff) ----------------------------------------------------------------

class FormalReviewForm(forms.Form):
    """Pass or return, with the reviewer's ticks on the "signed and sealed" items."""

    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect, choices=[
        ("pass", gettext_lazy("Pass the formal review")), ("return", gettext_lazy("Return for revision"))])
    note = forms.CharField(label=gettext_lazy("Note (for a return: the reason, shown to the applicant)"),
                           required=False, widget=forms.Textarea(attrs={"rows": 4}))
    confirm = forms.BooleanField(label=gettext_lazy("I have checked the items above and confirm this decision."))

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = list(checklist)
        self.tick_fields = []
        for index, item in enumerate(self.checklist):
            if item["status"] == "manual":
                name = f"tick_{index}"
                self.fields[name] = forms.BooleanField(label=item["label"], required=False)
                self.tick_fields.append(name)

    def rows(self):
        """(item, its tick field or None) for the checklist table."""
        return [(item, self[f"tick_{i}"] if f"tick_{i}" in self.fields else None)
                for i, item in enumerate(self.checklist)]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "pass" and not all(data.get(name) for name in self.tick_fields):
            raise forms.ValidationError(_("Tick every “signed and sealed” item before passing, or return the "
                                          "application with the reason."))
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please give the reason for the return."))
        return data

    def stored_checklist(self):
        stored = []
        for index, item in enumerate(self.checklist):
            row = {key: str(value) for key, value in item.items()}
            if item["status"] == "manual":
                row["ticked"] = bool(self.cleaned_data.get(f"tick_{index}"))
            stored.append(row)
        return stored


# --- decision, publicity, objections and filing (programme staff) ----------------------------------

class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Decision.Outcome.choices,
                                widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("Required for a refusal; the applicant sees it."))
    meeting_date = forms.DateField(label=gettext_lazy("Meeting date"), required=False, widget=_date_widget())
    meeting_body = forms.CharField(label=gettext_lazy("Decision body"), required=False, max_length=100)
    meeting_minutes = forms.CharField(label=gettext_lazy("Minutes"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}))
    confirm = forms.BooleanField(label=gettext_lazy("I confirm this decision. It cannot be undone."))

    MEETING_FIELDS = ("meeting_date", "meeting_body", "meeting_minutes")

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if meeting:
            self.fields["meeting_body"].initial = meeting
        else:
            for name in self.MEETING_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Decision.Outcome.REFUSE and not data.get("reason", "").strip():
            self.add_error("reason", _("Please give the reason for the refusal."))
        if self.meeting:
            missing = [name for name in self.MEETING_FIELDS if not data.get(name) and name not in self.errors]
            if missing:
                self.add_error(None, _("This programme decides in %(body)s: the meeting record (date, body and "
                                       "minutes) is required.") % {"body": self.meeting})
                for name in missing:
                    self.add_error(name, _("This field is required."))
            elif data.get("meeting_date") and data["meeting_date"] > timezone.localdate():
                self.add_error("meeting_date", _("The meeting date cannot be in the future."))
        return data

    def new_meeting(self, programme, user):
        if not self.meeting:
            return None
        data = self.cleaned_data
        return services.new_meeting(programme, user, data["meeting_date"], data["meeting_body"].strip(),
                                    data["meeting_minutes"].strip())


class PublicityForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("Start date"), widget=_date_widget(),
                                help_text=gettext_lazy("The first day of the period; it counts when it is a "
                                                       "working day."))
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=200,
                            help_text=gettext_lazy("Leave empty to use “Publicity list of” and the programme's title."))

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise forms.ValidationError(_("The start date cannot be in the past."))
        return starts_on


class FindingForm(forms.Form):
    finding = forms.ChoiceField(label=gettext_lazy("Finding"), widget=forms.RadioSelect, choices=[
        (Objection.Finding.UPHELD, gettext_lazy("upheld: the objection is well founded")),
        (Objection.Finding.DISMISSED, gettext_lazy("dismissed: the application goes on"))])
    text = forms.CharField(label=gettext_lazy("Finding and its grounds"), widget=forms.Textarea(attrs={"rows": 4}))
    action = forms.ChoiceField(
        label=gettext_lazy("When upheld"), widget=forms.RadioSelect, initial="return", required=False,
        choices=[("return", gettext_lazy("return the application for revision")),
                 ("refuse", gettext_lazy("refuse the application"))])
    confirm = forms.BooleanField(label=gettext_lazy("I confirm this finding. It cannot be undone."))

    def clean(self):
        data = super().clean()
        if data.get("finding") == Objection.Finding.UPHELD and not data.get("action"):
            self.add_error("action", _("Say whether the application is returned or refused."))
        return data


class AgreementForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Signed agreement with targets (PDF)"))
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)



# --- import of consortia filed on paper (programme staff) -----------------------------------------

class PaperImportForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Programme"),
                                       help_text=gettext_lazy("Each row becomes a consortium filed under it."))
    sheet = forms.FileField(label=gettext_lazy("Excel sheet (.xlsx)"),
                            help_text=gettext_lazy("Filled in from the template; at most 5 MB."))

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class ConfirmImportForm(forms.Form):
    confirm = forms.BooleanField(label=gettext_lazy(
        "I have checked the rows above: import them as filed consortia (this cannot be undone)."))


class InviteForm(forms.Form):
    """The administrator of an imported consortium's lead unit, as the unit told the programme staff."""

    full_name = forms.CharField(label=gettext_lazy("full name"), max_length=40)
    email = forms.EmailField(label=gettext_lazy("e-mail"),
                             help_text=gettext_lazy("The link to set the password is sent to this address."))
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=30)

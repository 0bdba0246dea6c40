"""The forms of the review pages, by page family: the formal review; decision, publicity, objection
findings and filing (programme staff); the district office's initial review; the expert evaluation;
the applicant's withdrawal; the public objection form.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Field
from review import services

from .models import Assignment, Decision, DistrictOpinion, Objection, PeerOpinion, SiteVisit


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


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


# --- the district office's initial review -------------------------------------------------------

class DistrictOpinionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=DistrictOpinion.Decision.choices,
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=gettext_lazy("Opinion"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Your office's opinion. For a return, the reason: the applicant will see it and "
                               "revise the application accordingly."),
        error_messages={"required": gettext_lazy("Please write the opinion (for a return: the reason).")})
    letter = forms.FileField(
        label=gettext_lazy("Recommendation letter (推荐函, PDF)"), required=False,
        help_text=gettext_lazy("Issued by the local government (管委会); needed to recommend."))
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm this decision. It is recorded in the application's log and cannot be "
                           "undone."),
        error_messages={"required": gettext_lazy("Please tick the box to confirm the decision.")})

    def __init__(self, *args, with_letter=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_letter:
            self.fields["letter"].widget.attrs["accept"] = ".pdf,application/pdf"
        else:
            del self.fields["letter"]


class RecommendationBatchForm(forms.Form):
    """The common part of a batch recommendation (the chosen rows, their ranks and own opinions are the list's)."""

    opinion = forms.CharField(
        label=gettext_lazy("Common opinion"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Printed in the recommendation letter, and recorded as the opinion of each chosen "
                               "application whose own opinion is left blank."),
        error_messages={"required": gettext_lazy("Please write the common opinion.")})
    letter = DistrictOpinionForm.base_fields["letter"]
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm the recommendation of the chosen applications in this order. The "
                           "recommendation letter is numbered and issued, and it cannot be undone."),
        error_messages={"required": gettext_lazy("Please tick the box to confirm the recommendation.")})

    def __init__(self, *args, with_letter=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_letter:
            self.fields["letter"].widget.attrs["accept"] = ".pdf,application/pdf"
        else:
            del self.fields["letter"]


#: The peer-opinion form shares the page with the decision form (both have an "opinion"): its own ids.
PEER_AUTO_ID = "peer_%s"


class PeerOpinionForm(forms.ModelForm):
    class Meta:
        model = PeerOpinion
        fields = ["expert_name", "title", "title_level", "discipline", "opinion", "date"]
        widgets = {
            "opinion": forms.Textarea(attrs={"rows": 3}),
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "title": gettext_lazy("e.g. 教授, 研究员, 正高级工程师, 副教授, 高级工程师"),
            "title_level": gettext_lazy("Only 正高 and 副高 count towards the required number."),
        }

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("The date of the opinion cannot be in the future."))
        return date


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


# --- the applicant's withdrawal ---------------------------------------------------------------------

class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the withdrawal"), widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Please give the reason for the withdrawal.")})
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that a withdrawn application leaves the review for good and cannot be "
                           "resubmitted."),
        error_messages={"required": gettext_lazy("Please tick the box to confirm the withdrawal.")})


# --- the public objection form ----------------------------------------------------------------------

class ObjectionForm(forms.Form):
    """Everything is checked by review.services.submit_objection, whose refusals say what is wrong."""

    kind = forms.ChoiceField(label=gettext_lazy("You object as"), widget=forms.RadioSelect, required=False,
                             choices=Objection.Kind.choices)
    person_name = forms.CharField(label=gettext_lazy("Real name"), max_length=40, required=False,
                                  help_text=gettext_lazy("For a unit: the contact person (optional)."))
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    unit_name = forms.CharField(label=gettext_lazy("Unit name"), max_length=120, required=False)
    unit_credit_code = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=30,
                                       required=False)
    letter = forms.FileField(label=gettext_lazy("Signed and sealed letter (PDF)"), required=False,
                             help_text=gettext_lazy("Units only. If this form is shown again, choose the file "
                                                    "again."))
    content = forms.CharField(label=gettext_lazy("Your objection and its facts"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class VerifyDocumentForm(forms.Form):
    """The public check of a PDF the portal may have issued."""

    file = forms.FileField(label=gettext_lazy("PDF file"),
                           help_text=gettext_lazy("A certificate or notice downloaded from the portal (at most 20 MB)."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("This is not a PDF file."))
        return upload


class ReissueForm(forms.Form):
    """A filed consortium's change of name, which re-issues its certificate."""

    name = forms.CharField(label=gettext_lazy("new consortium name"), max_length=120)
    reason = forms.CharField(label=gettext_lazy("reason for the change"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("E.g. the consortium's written notice of its change of name."))


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

"""The applicant's withdrawal, the public objection form, and the documents' check and re-issue."""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.filecheck import UploadRejected, read_limited, refuse_pdf_bombs

from ..models import Objection

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

class ChallengeInput(CaptchaTextInput):
    """The challenge's picture with a text alternative and a "new picture" button (static/review/challenge.js)."""

    template_name = "review/public/_challenge.html"

    def _render(self, template_name, context, renderer=None):
        # The project's templates (the form renderer only knows the apps' and Django's own widgets).
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 (a template, escaped)


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
    # A small sum drawn on this server (django-simple-captcha, no outside service); each one is good for one try.
    captcha = CaptchaField(
        label=gettext_lazy("Result of the sum in the picture"),
        widget=ChallengeInput(attrs={"inputmode": "numeric", "class": "form-control"}),
        help_text=gettext_lazy("Type the result in digits. Cannot read it? Choose “New picture”, or object by "
                               "letter or phone as the publicity says."),
        error_messages={"invalid": gettext_lazy("The result of the sum is wrong: a new picture is shown, please "
                                                "try again."),
                        "required": gettext_lazy("Please type the result of the sum in the picture.")})


class VerifyDocumentForm(forms.Form):
    """The public check of a PDF the portal may have issued."""

    file = forms.FileField(label=gettext_lazy("PDF file"),
                           help_text=gettext_lazy("A certificate or notice downloaded from the portal (at most 20 MB)."))

    def clean_file(self):
        """The file's bytes (``cleaned_data["file"]``), checked before pyHanko reads them."""
        upload = self.cleaned_data["file"]
        limit = 20 * 1024 * 1024
        data = read_limited(upload, limit)
        if upload.size > limit or len(data) > limit:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("This is not a PDF file."))
        try:
            refuse_pdf_bombs(data, upload.name)
        except UploadRejected as error:
            raise forms.ValidationError(str(error)) from None
        return data


class ReissueForm(forms.Form):
    """A filed consortium's change of name, which re-issues its certificate."""

    name = forms.CharField(label=gettext_lazy("new consortium name"), max_length=120)
    reason = forms.CharField(label=gettext_lazy("reason for the change"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("E.g. the consortium's written notice of its change of name."))

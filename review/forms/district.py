"""The district office's forms: its initial review, peer opinions and the batch recommendation."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import DistrictOpinion, PeerOpinion

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

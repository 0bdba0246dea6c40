from html import escape

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UserCreationForm
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import creditcode
from .models import CreditRecord, Division, Unit, User


class CreditCodeField(forms.CharField):
    """Accepts full-width, lower-case and spaced input; validates GB 32100-2015."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
        return attrs

    def to_python(self, value):
        raw = super().to_python(value)
        self.had_separators = creditcode.has_separators(raw)
        return creditcode.normalise(raw)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        found = creditcode.problems(value, separators=getattr(self, "had_separators", False))
        if found:
            raise forms.ValidationError(found[0].message, code=found[0].code)


class DivisionChoiceIterator(forms.models.ModelChoiceIterator):
    """The divisions grouped by province (<optgroup>), each labelled below its province: a plain select
    that works without JavaScript; static/portal/division-select.js turns it into province → city →
    county selects."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = {}
        for obj in self.queryset:
            province = obj.parent if obj.parent.parent_id is None else obj.parent.parent
            groups.setdefault(province.name, []).append(self.choice(obj))
        yield from groups.items()


class DivisionSelect(forms.Select):
    """Each option carries its division code and its parent's, for the cascading selects and the
    credit-code suggestion.

    Rendered in Python rather than through Django's per-option templates: the national table has some
    3,300 options, which the templates take seconds to render and this takes milliseconds.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        attrs = self.build_attrs(self.attrs, attrs)
        attrs["name"] = name
        parts = [format_html("<select{}>", flatatt(attrs))]
        for group, choices in self.choices:
            if isinstance(choices, list | tuple):
                parts.append(f'<optgroup label="{escape(str(group))}">')
                parts.extend(self._option(option_value, label, chosen) for option_value, label in choices)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(group, choices, chosen))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # every text and value in it is escaped

    @staticmethod
    def _option(value, label, chosen):
        key = str(value)
        selected = " selected" if key in chosen else ""
        division = getattr(value, "instance", None)
        codes = f' data-code="{escape(division.code)}" data-parent="{escape(division.parent.code)}"' if division else ""
        return f'<option value="{escape(key)}"{selected}{codes}>{escape(str(label))}</option>'


class DivisionChoiceField(forms.ModelChoiceField):
    """A division below a province (a prefecture-level city, or a county, district or zone)."""

    iterator = DivisionChoiceIterator
    widget = DivisionSelect

    def __init__(self, **kwargs):
        queryset = Division.objects.select_related("parent__parent").filter(parent__isnull=False)
        super().__init__(queryset=queryset, **kwargs)
        self.widget.attrs.update({"data-division-select": "", "data-province-label": _("province"),
                                  "data-city-label": _("city"), "data-county-label": _("county or district"),
                                  "data-choose": _("— choose —"), "data-whole-city": _("(the city itself)")})

    def label_from_instance(self, obj):
        return obj.full_name.removeprefix(obj.parent.name if obj.parent.parent_id is None else obj.parent.parent.name)


class UnitForm(forms.ModelForm):
    credit_code = CreditCodeField(label=_("unified social credit code"),
                                  help_text=_("18 characters, as on the business licence."))
    division = DivisionChoiceField(
        label=_("district of registration"),
        help_text=_("The district (区县) where the unit is registered. The credit code's division code is only "
                    "a suggestion: universities are often registered by the province."),
    )

    class Meta:
        model = Unit
        fields = ["name", "credit_code", "unit_type", "independent_legal_person", "legal_representative", "address",
                  "division", "contact_name", "contact_phone", "contact_email"]


class RegistrationForm(UnitForm):
    """A unit and its first user (the unit administrator) in one form."""

    username = forms.CharField(label=_("login name"), max_length=150,
                               help_text=_("Letters, digits and @/./+/-/_ only."),
                               validators=[User.username_validator])
    full_name = forms.CharField(label=_("your full name"), max_length=40)
    email = forms.EmailField(label=_("your e-mail"), help_text=_("Used to reset your password."))
    phone = forms.CharField(label=_("your phone"), max_length=30)
    password1 = forms.CharField(label=_("password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]
        if Unit.objects.filter(credit_code=code).exists():
            raise forms.ValidationError(
                _("A unit with this credit code is already registered. One unit registers once: please ask "
                  "your unit administrator to add you as a user."), code="duplicate")
        return code

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login name is taken; please choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""),
                         full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class UnitUserForm(UserCreationForm):
    """A unit administrator adds a colleague."""

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone"]
        labels = {"username": _("login name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "email", "phone"):
            self.fields[name].required = True


#: Where credit records usually come from (offered as suggestions; any text is accepted).
CREDIT_SOURCES = ("信用中国", "国家企业信用信息公示系统", "本局认定", "科技部科研诚信信息系统", "人民法院失信被执行人名单")


#: The browser's date picker reads and writes ISO dates, whatever the language of the page.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CreditRecordForm(forms.Form):
    """A credit record as staff enter it (portal.services.record_credit / change_credit_record check it)."""

    credit_code = CreditCodeField(label=_("unified social credit code"))
    unit_name = forms.CharField(label=_("unit name"), max_length=120, required=False,
                                help_text=_("Left empty: the name the unit is registered with."))
    kind = forms.ChoiceField(label=_("kind"), choices=CreditRecord.Kind.choices)
    source = forms.CharField(label=_("source"), max_length=80,
                             help_text=_("Where the record comes from, e.g. 信用中国 or 本局认定 with its document number."),
                             widget=forms.TextInput(attrs={"list": "credit-sources"}))
    valid_from = forms.DateField(label=_("in force from"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("in force until"), required=False,
                                  help_text=_("The last day it is in force; empty: without end (the programme's rule "
                                              "then says for how long it counts)."),
                                  widget=DATE_INPUT)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    sources = CREDIT_SOURCES

    def clean(self):
        data = super().clean()
        if data.get("credit_code") and not data.get("unit_name"):
            unit = Unit.objects.filter(credit_code=data["credit_code"]).first()
            if unit is None:
                self.add_error("unit_name", _("No unit is registered with this code: please give its name."))
            else:
                data["unit_name"] = unit.name
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("The record cannot end before it starts."))
        return data


class CreditRecordChangeForm(CreditRecordForm):
    change_reason = forms.CharField(label=_("reason for the change"), widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Kept with the record, with your name and the time."))

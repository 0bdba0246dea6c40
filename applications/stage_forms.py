"""The programme editor's route: ``Programme.stages`` edited as ordered rows, not as raw JSON.

Each row names a stage of the registry (:data:`applications.stages.STAGES`) and shows that
stage's parameters as typed form fields, made from their declarations (:class:`~applications.
stages.Param`): a number, a tick box, a choice, ticks for a list, a text.  Rows are added,
removed (``DELETE``) and reordered (``ORDER``); errors are shown next to the row and field they
concern.  The route is stored as it always was (a JSON list); a row keeps only the parameters it
sets, so a seed programme's route comes back unchanged when its page is saved as it is.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import UnitType

from .choices import LeadSelection
from .stages import COMMON_PARAMS, SKIP_KEYS, STAGE_KEYS, STAGES, StageKey, params_of, validate_stages

#: The ``skip_when`` parameter is edited as two lists: form field → key of ``skip_when``.
SKIP_FIELDS = {"skip_lead_unit_types": "lead_unit_types", "skip_lead_selected_by": "lead_selected_by"}
assert set(SKIP_FIELDS.values()) == SKIP_KEYS


def _declared():
    """Every parameter of every stage, in the registry's order (the names are unique across stages)."""
    merged = dict(COMMON_PARAMS)
    for stage in STAGES.values():
        merged.update(stage.params)
    return merged


def _field_for(param):
    label, kind = param.label, param.kind
    if kind == "int":
        return forms.IntegerField(label=label, required=False, min_value=param.min_value)
    if kind == "bool":
        return forms.BooleanField(label=label, required=False)
    if kind == "choice":
        return forms.ChoiceField(label=label, required=False, choices=[("", "---------"), *param.choices])
    if kind == "choices":
        return forms.MultipleChoiceField(label=label, required=False, choices=param.choices,
                                         widget=forms.CheckboxSelectMultiple)
    if kind == "longtext":
        return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    return forms.CharField(label=label, required=False, max_length=200, widget=forms.TextInput(attrs={"size": 40}))


def _fields_of(key):
    """The form fields that hold stage ``key``'s parameters."""
    names = []
    for name, param in params_of(key).items():
        names.extend(SKIP_FIELDS if param.kind == "skip" else [name])
    return names


def _given(value):
    return value not in (None, "", [], False)


class StageRowForm(forms.Form):
    """One stage of the route: its key and the parameters it sets."""

    key = forms.ChoiceField(label=gettext_lazy("stage"), required=False,
                            choices=[("", "---------"), *StageKey.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, param in _declared().items():
            if param.kind != "skip":
                self.fields[name] = _field_for(param)
                continue
            self.fields["skip_lead_unit_types"] = forms.MultipleChoiceField(
                label=gettext_lazy("skip the stage when the lead unit is a"), required=False,
                choices=UnitType.choices, widget=forms.CheckboxSelectMultiple)
            self.fields["skip_lead_selected_by"] = forms.MultipleChoiceField(
                label=gettext_lazy("skip the stage when the lead unit was"), required=False,
                choices=[c for c in LeadSelection.choices if c[0]], widget=forms.CheckboxSelectMultiple)

    def param_fields(self):
        return [self[name] for name in self.fields if name not in ("key", "ORDER", "DELETE")]

    def clean(self):
        data = super().clean()
        key = data.get("key")
        given = [name for name in self.fields if name not in ("key", "ORDER", "DELETE") and _given(data.get(name))]
        if not key:
            if given:
                self.add_error("key", _("Choose the stage these parameters belong to."))
            return data
        allowed = _fields_of(key)
        for name in given:
            if name not in allowed:
                self.add_error(name, _("The stage %(stage)s has no such parameter: clear it or choose another "
                                       "stage.") % {"stage": StageKey(key).label})
        text = data.get("certificate_text")
        if text and "{name}" not in text:
            self.add_error("certificate_text", _("Write {name} where the consortium's name goes."))
        return data

    def stage(self):
        """The stage as it is stored: its key and the parameters this row sets."""
        data, key = self.cleaned_data, self.cleaned_data["key"]
        stage = {"key": key}
        for name, param in params_of(key).items():
            if param.kind == "skip":
                skip = {SKIP_FIELDS[f]: data[f] for f in SKIP_FIELDS if data.get(f)}
                if skip:
                    stage[name] = skip
            elif _given(data.get(name)):
                stage[name] = data[name]
        return stage


def rows_of(stages):
    """The rows' initial values for a stored route."""
    rows = []
    for stage in stages or []:
        row = {name: value for name, value in stage.items() if name != "skip_when"}
        for field_name, skip_key in SKIP_FIELDS.items():
            row[field_name] = (stage.get("skip_when") or {}).get(skip_key, [])
        rows.append(row)
    return rows


class BaseStageFormSet(forms.BaseFormSet):
    def kept_forms(self):
        """The rows of the route, in their order (deleted rows and empty extra rows left out)."""
        return [form for form in self.ordered_forms if form.cleaned_data.get("key")]

    def clean(self):
        if any(self.errors):
            return
        previous = None
        for form in self.kept_forms():
            key = form.cleaned_data["key"]
            if previous == key:
                form.add_error("key", _("This stage is already in the route."))
            elif previous and STAGE_KEYS.index(key) < STAGE_KEYS.index(previous):
                form.add_error("key", _("This stage must come before %(stage)s: the order is %(order)s.") % {
                    "stage": StageKey(previous).label, "order": " → ".join(str(s.label) for s in StageKey)})
            previous = key
        if any(self.errors):
            return
        try:
            validate_stages(self.stages())
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def stages(self):
        return [form.stage() for form in self.kept_forms()]


StageFormSet = forms.formset_factory(StageRowForm, formset=BaseStageFormSet, extra=1, can_order=True,
                                     can_delete=True, max_num=len(STAGES) * 2, validate_max=True)


class StageRowsWidget(forms.Widget):
    """Renders the route's rows; reads them back as a bound :data:`StageFormSet`."""

    template_name = "admin/applications/stage_rows.html"

    class Media:
        css = {"all": ["applications/stage_rows.css"]}
        js = ["applications/stage_rows.js"]

    def format_value(self, value):
        return None

    def value_from_datadict(self, data, files, name):
        return StageFormSet(data, prefix=name)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-TOTAL_FORMS" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if not isinstance(value, BaseStageFormSet):
            stages = json.loads(value) if isinstance(value, str) and value else value
            value = StageFormSet(initial=rows_of(stages), prefix=name)
        context["formset"] = value
        context["stage_fields_json"] = json.dumps({key: _fields_of(key) for key in STAGES})
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (templates/admin/applications/), not the forms renderer's.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class StagesField(forms.Field):
    """``Programme.stages`` as rows; cleans to the stored list."""

    widget = StageRowsWidget

    def to_python(self, value):
        if not isinstance(value, BaseStageFormSet):
            return value if value is not None else []
        if not value.is_valid():
            raise ValidationError(value.non_form_errors() or _("The route has errors: see the rows marked below."))
        return value.stages()

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True

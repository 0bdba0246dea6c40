"""The permission matrix: every transition × every role, own and other unit / district / authority.

For each transition the application is brought (honestly, through the services) into that
transition's source state; then for each of eight users ``portal.lifecycle.permitted`` is True
exactly for the intended actor, and firing it through ``applications.services.fire`` as anyone else
raises ActionRefused and changes nothing (state, log, last change).
"""

import pytest

from applications.lifecycle import TRANSITIONS
from applications.models import Application, Programme
from applications.services import fire
from applications.states import State
from portal.lifecycle import ActionRefused, field_transitions, permitted
from review.models import TransitionLog
from tests.review_factories import (
    admin_user,
    applicant_user,
    district_of,
    district_user,
    expert_user,
    make_application,
    staff_user,
    unit_in,
)

ROLES = ("applicant", "other_applicant", "district", "other_district", "staff", "other_staff", "expert", "admin")

#: (transition, programme, options, source state, the role(s) that may fire it there)
CASES = [
    ("submit", "weihai-2026", {}, State.DRAFT, {"applicant"}),
    ("resubmit", "weihai-2026", {}, State.RETURNED, {"applicant"}),
    ("withdraw", "weihai-2026", {}, State.DISTRICT_REVIEW, {"applicant"}),
    ("withdraw", "beijing-2026", {}, State.DECISION, {"applicant"}),
    ("withdraw", "jiangsu-2026", {}, State.RETURNED, {"applicant"}),
    ("return_for_revision", "weihai-2026", {}, State.DISTRICT_REVIEW, {"district"}),
    ("return_for_revision", "beijing-2026", {}, State.FORMAL_REVIEW, {"staff"}),
    ("return_for_revision", "jiangsu-2026", {}, State.EXPERT_PENDING, {"staff"}),
    ("return_for_revision", "jiangsu-2026", {}, State.EXPERT_REVIEW, {"staff"}),
    ("return_for_revision", "zgc-2026", {}, State.DECISION, {"staff"}),
    ("return_for_revision", "zgc-2026", {}, State.PUBLICITY, {"staff"}),
    ("recommend", "weihai-2026", {}, State.DISTRICT_REVIEW, {"district"}),
    ("recommend", "suzhou-2026", {"lead_selected_by": "county"}, State.DISTRICT_REVIEW, {"district"}),
    ("not_recommend", "zgc-2026", {}, State.DISTRICT_REVIEW, {"district"}),
    ("pass_formal_review", "beijing-2026", {}, State.FORMAL_REVIEW, {"staff"}),
    ("start_expert_review", "jiangsu-2026", {}, State.EXPERT_PENDING, {"staff"}),
    ("conclude_expert_review", "jiangsu-2026", {}, State.EXPERT_REVIEW, {"staff"}),
    ("approve", "suzhou-2026", {"lead_selected_by": "city"}, State.DECISION, {"staff"}),
    ("refuse", "weihai-2026", {}, State.FORMAL_REVIEW, {"staff"}),
    ("refuse", "beijing-2026", {}, State.EXPERT_REVIEW, {"staff"}),
    ("refuse", "jiangsu-2026", {}, State.DECISION, {"staff"}),
    ("refuse", "zgc-2026", {}, State.PUBLICITY, {"staff"}),
    ("publicize", "weihai-2026", {}, State.APPROVED, {"staff"}),
    ("file", "jiangsu-2026", {}, State.APPROVED, {"staff"}),
    ("file", "weihai-2026", {}, State.PUBLICITY, {"staff"}),
]

OTHER_AUTHORITY = {"weihai-2026": "zgc-2026", "jiangsu-2026": "suzhou-2026", "suzhou-2026": "jiangsu-2026",
                   "beijing-2026": "zgc-2026", "zgc-2026": "beijing-2026"}


def users_for(app, code):
    """One user per role, relative to ``app``."""
    other_programme = Programme.objects.select_related("authority").get(code=OTHER_AUTHORITY[code])
    return {
        "applicant": app.created_by,
        "other_applicant": applicant_user(unit_in(code)),
        "district": district_user(app.district),
        "other_district": district_user(district_of(code, other=True), new=True),
        "staff": staff_user(app.programme.authority),
        "other_staff": staff_user(other_programme.authority, new=True),
        "expert": expert_user(fields=[app.field]),
        "admin": admin_user(),
    }


def test_every_transition_has_a_case():
    assert {case[0] for case in CASES} == set(TRANSITIONS)
    for name, _code, _options, source, _roles in CASES:
        assert any(t.name == name and t.source == source for t in field_transitions(Application)), (name, source)


def snapshot(app):
    app = Application.objects.get(pk=app.pk)
    return app.state, app.updated_at, TransitionLog.objects.filter(application=app).count(), app.return_reason


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[3]}")
def test_permission_matrix(seeded, case):
    name, code, options, source, allowed = case
    app = make_application(code, state=source, **options)
    assert app.state == source
    users = users_for(app, code)
    assert users["district"].district_id == app.district_id
    assert users["other_district"].district_id != app.district_id
    assert users["other_district"].district.authority_id == app.programme.authority_id
    assert users["other_staff"].authority_id != app.programme.authority_id

    allowed_by_role = {role: permitted(Application.objects.get(pk=app.pk), name, user)
                       for role, user in users.items()}
    assert allowed_by_role == {role: role in allowed for role in ROLES}

    before = snapshot(app)
    for role, user in users.items():
        if role in allowed:
            continue
        with pytest.raises(ActionRefused, match="not allowed"):
            fire(app.pk, name, user, reason="试图越权操作。")
        assert snapshot(app) == before, role


@pytest.mark.parametrize("name", TRANSITIONS)
def test_no_transition_from_a_state_it_does_not_leave(seeded, name):
    """From a state outside its sources, even the intended actor is refused with the state in the message."""
    app = make_application("suzhou-2026", state=State.FILED, lead_selected_by="city")
    for user in (app.created_by, staff_user(app.programme.authority)):
        assert not permitted(app, name, user)
        with pytest.raises(ActionRefused, match="cannot be done while"):
            fire(app.pk, name, user, reason="x")
    assert Application.objects.get(pk=app.pk).state == State.FILED


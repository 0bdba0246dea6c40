"""manage.py demo_data: idempotent, the expected logins with valid scopes, valid credit codes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications import seed
from applications.models import Programme
from portal import creditcode
from portal.models import District, Division, Role, Unit, User
from review.management.commands.demo_data import DEMO_EXPERTS, DEMO_PASSWORD, DEMO_UNITS
from review.models import Expert
from review.selectors import expert_pool

PREFIXES = [spec["code"].split("-")[0] for spec in seed.PROGRAMMES]
EXPERTS = {"expert", "expert2", "expert3", "expert4", "expert5"}
EXPECTED = {f"{p}_{kind}" for p in PREFIXES for kind in ("applicant", "district", "staff")} | EXPERTS | {"admin",
                                                                                                  "registrar"}


def run():
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return run()


def snapshot():
    users = list(User.objects.order_by("username").values(
        "pk", "username", "password", "role", "unit_id", "district_id", "authority_id", "is_unit_admin",
        "is_staff", "is_superuser", "full_name", "email"))
    units = list(Unit.objects.order_by("pk").values())
    experts = list(Expert.objects.order_by("pk").values())
    return users, units, experts


def test_runs_twice_without_changing_anything(demo):
    before = snapshot()
    second = run()
    assert snapshot() == before  # same rows, same password hashes
    assert second.count(DEMO_PASSWORD) == demo.count(DEMO_PASSWORD)
    assert set(User.objects.values_list("username", flat=True)) == EXPECTED
    assert Unit.objects.count() == len(seed.PROGRAMMES)


def test_every_seed_programme_has_a_demo_unit():
    assert set(DEMO_UNITS) == {spec["code"] for spec in seed.PROGRAMMES}


def test_the_table_lists_every_login(demo):
    for username in EXPECTED:
        assert username in demo
    assert DEMO_PASSWORD in demo
    for user in User.objects.all():
        assert str(user.get_role_display()) in demo
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_active


def test_users_have_valid_scopes(demo):
    for spec in seed.PROGRAMMES:
        programme = Programme.objects.select_related("authority__region").get(code=spec["code"])
        assert programme.is_open()  # demo_data opens the demo window
        authority = programme.authority
        prefix = spec["code"].split("-")[0]

        applicant = User.objects.get(username=f"{prefix}_applicant")
        assert applicant.role == Role.APPLICANT and applicant.is_unit_admin
        unit = applicant.unit
        assert unit.division.is_within(authority.region), (prefix, unit.division)
        assert unit.division.parent_id is not None  # a division the registration form offers

        reviewer = User.objects.get(username=f"{prefix}_district")
        assert reviewer.role == Role.DISTRICT
        assert reviewer.district.authority_id == authority.pk
        assert unit.division.is_within(reviewer.district.division)
        assert District.suggest(authority, unit.division) == reviewer.district

        staff = User.objects.get(username=f"{prefix}_staff")
        assert staff.role == Role.STAFF and staff.authority_id == authority.pk
        for user in (applicant, reviewer, staff):
            assert not user.is_superuser and user.is_staff == (user.role == Role.STAFF)  # staff: the admin
            user.full_clean()

    expert = User.objects.get(username="expert")
    assert expert.role == Role.EXPERT and expert.unit is None and expert.district is None and expert.authority is None
    admin = User.objects.get(username="admin")
    assert admin.role == Role.ADMIN and admin.is_superuser and admin.is_staff
    registrar = User.objects.get(username="registrar")
    assert registrar.role == Role.REGISTRAR and registrar.is_staff and not registrar.is_superuser
    assert registrar.unit is None and registrar.district is None and registrar.authority is None
    assert registrar.has_perm("review.change_expert") and registrar.has_perm("review.add_holidayday")
    registrar.full_clean()


def test_demo_units_have_valid_credit_codes(demo):
    codes = set()
    for user in User.objects.filter(role=Role.APPLICANT).select_related("unit__division"):
        unit = user.unit
        assert creditcode.is_valid(unit.credit_code), unit.credit_code
        assert creditcode.problems(unit.credit_code) == []
        assert unit.credit_code == creditcode.normalise(unit.credit_code)
        # Positions 3–8 are the division the unit is registered in.
        assert Division.suggest_for_code(unit.credit_code) == unit.division
        unit.full_clean()
        codes.add(unit.credit_code)
    assert len(codes) == len(seed.PROGRAMMES)


def test_demo_users_can_log_in(demo, client):
    assert client.login(username="suzhou_applicant", password=DEMO_PASSWORD)


def test_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        run()
    assert not User.objects.exists()


def test_every_demo_expert_is_in_the_pool_for_every_seed_field(demo):
    assert {username for username, *_rest in DEMO_EXPERTS} == EXPERTS
    fields = {field for spec in seed.PROGRAMMES for field in spec.get("fields", [])}
    assert fields  # the seeds name their fields
    for username in EXPERTS:
        expert = Expert.objects.get(user__username=username)
        # An expert of a broad field of the taxonomy is drawn for its narrower ones: every seed field is covered.
        assert expert.active and all(expert_pool(field).filter(pk=expert.pk).exists() for field in fields)
        assert creditcode.problems(expert.affiliation_credit_code) == []
        assert not Unit.objects.filter(credit_code=expert.affiliation_credit_code).exists()  # no conflict with a demo unit


@pytest.mark.sqlite
def test_demo_applications_wait_at_every_stage_and_a_publicity_has_ended(demo, client):
    """Every role finds work at once: each route's applications wait at every one of its states (and one
    is returned); Weihai's publicity has ended, so its staff file it from the filing page right away."""
    from django.urls import reverse

    from applications.models import Application
    from applications.states import State
    from review.demo import waiting_states

    for spec in seed.PROGRAMMES:
        applications = list(Application.objects.filter(programme__code=spec["code"]))
        expected = set(waiting_states(applications[0])) | {State.RETURNED}
        assert {a.state for a in applications} == expected, spec["code"]
    waiting = Application.objects.get(programme__code="weihai-2026", state=State.PUBLICITY)
    assert client.login(username="weihai_staff", password=DEMO_PASSWORD)
    assert str(waiting.pk) in client.get(reverse("review:filing")).content.decode()
    response = client.post(reverse("review:filing"), {"ids": [waiting.pk], "confirm": "1"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == State.FILED and waiting.certificate_number


@pytest.mark.sqlite
def test_the_demo_weihai_draw_finds_experts_with_the_page_s_defaults(demo, client):
    """Weihai's guideline names no field list: its applications choose from the shared taxonomy, and the
    expert page's draw as offered (the application's field, five experts) reaches the demo experts."""
    from django.urls import reverse

    from applications.models import Application
    from applications.states import State
    from review.models import ExpertDraw

    waiting = Application.objects.get(programme__code="weihai-2026", state=State.EXPERT_PENDING)
    assert client.login(username="weihai_staff", password=DEMO_PASSWORD)
    url = reverse("review:expert_organise", args=[waiting.pk])
    page = client.get(url)
    form = page.context["draw_form"]
    assert form["field"].value() == waiting.field and page.context["shortfall"] is None
    response = client.post(url, {"action": "draw", "count": form["count"].value(), "field": form["field"].value(),
                                 "seed": "", "deadline": form["deadline"].value().isoformat()})
    assert response.status_code == 302
    drawn = ExpertDraw.objects.get(application=waiting).drawn
    assert set(Expert.objects.filter(pk__in=drawn).values_list("user__username", flat=True)) <= EXPERTS

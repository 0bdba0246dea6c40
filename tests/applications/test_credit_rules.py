"""The credit rules on real applications: every unit of the consortium is checked by credit code (in one
query), each hit is cited with the article of the programme that configured the rule, and staff see
the records on the application's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.credit import records_for
from applications.models import Member, Programme, ProgrammeRule
from applications.rules import FAIL, PASS, evaluate
from portal.models import Role
from portal.services import record_credit
from tests.applications.test_applications import editor_data, member_row
from tests.factories import ApplicationFactory, MemberFactory, UnitFactory, UserFactory, make_credit_code

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def result_of(application, rule_key):
    found = [r for r in evaluate(application) if r.key == rule_key]
    assert len(found) == 1, found
    return found[0]


def seed_application(code, members=(), **traits):
    """An application to a seed programme with the given (name, role, credit code) members."""
    programme = Programme.objects.get(code=code)
    application = ApplicationFactory(programme=programme, **traits)
    for order, (name, role, credit_code) in enumerate(members):
        MemberFactory(application=application, name=name, role=role, credit_code=credit_code, order=order)
    return application


def a_record(code, name, kind, valid_from=None, valid_until=None, source="本局认定"):
    return record_credit(code, name, kind, "测试记录", source, valid_from or TODAY - datetime.timedelta(days=30),
                         valid_until)


class TestEveryUnitIsChecked:
    def test_zhongguancun_fraud_of_a_member_blocks_citing_article_15(self, seeded):
        code = make_credit_code("110108")
        application = seed_application("zgc-2026", [("某合作大学", Member.Role.MEMBER, code)])
        assert result_of(application, "no_credit_record").status == PASS
        a_record(code.lower(), "某合作大学", "fraud", source="信用中国")
        result = result_of(application, "no_credit_record")
        assert result.status == FAIL and result.blocks
        assert result.message.startswith("《中关村国家自主创新示范区高精尖产业协同创新平台建设管理办法（试行）》第十五条：")
        assert "某合作大学" in result.message and "信用中国" in result.message and "member unit" in result.message

    def test_suzhou_blacklist_of_any_member_cites_six_three(self, seeded):
        code = make_credit_code("320505")
        application = seed_application("suzhou-2026", [("某成员企业", Member.Role.MEMBER, code)])
        a_record(code, "某成员企业", "blacklist")
        result = result_of(application, "no_credit_record")
        assert result.status == FAIL
        assert result.message.startswith("《苏州市创新联合体建设实施方案》六（三）：")

    def test_a_record_that_has_ended_or_is_of_another_kind_does_not_count(self, seeded):
        code = make_credit_code("110108")
        application = seed_application("zgc-2026", [("某合作大学", Member.Role.MEMBER, code)])
        a_record(code, "某合作大学", "fraud", valid_from=TODAY - datetime.timedelta(days=400),
                 valid_until=TODAY - datetime.timedelta(days=1))
        a_record(code, "某合作大学", "blacklist")
        assert result_of(application, "no_credit_record").status == PASS

    def test_members_without_a_code_are_said_to_be_unchecked(self, seeded):
        application = seed_application("zgc-2026", [("无代码单位甲", Member.Role.MEMBER, ""),
                                                    ("无代码单位乙", Member.Role.CORE, "")])
        assert "2 member units without a credit code could not be checked" in result_of(
            application, "no_credit_record").message

    def test_one_query_for_the_whole_consortium(self, seeded, django_assert_num_queries):
        application = seed_application("zgc-2026", [(f"成员{i}", Member.Role.MEMBER, make_credit_code("110108"))
                                                    for i in range(12)])
        members = list(application.members.all())
        with django_assert_num_queries(1):
            records_for(application.unit.credit_code, members)


class TestSuzhouDisqualificationBar:
    """六（三）: a lead whose qualification was withdrawn may, for three years, neither lead nor join a core
    layer; the period is the record's."""

    def test_as_lead(self, seeded):
        application = seed_application("suzhou-2026")
        a_record(application.unit.credit_code, application.unit.name, "lead_disqualified",
                 valid_from=TODAY - datetime.timedelta(days=365 * 2))
        result = result_of(application, "disqualification_bar")
        assert result.status == FAIL
        assert result.message.startswith("《苏州市创新联合体建设实施方案》六（三）：")
        assert "lead unit" in result.message and application.unit.name in result.message

    def test_as_core_member_but_not_as_ordinary_member(self, seeded):
        barred = make_credit_code("320506")
        core = seed_application("suzhou-2026", [("被取消资格企业", Member.Role.CORE, barred)])
        ordinary = seed_application("suzhou-2026", [("被取消资格企业", Member.Role.MEMBER, barred)])
        a_record(barred, "被取消资格企业", "lead_disqualified")
        assert result_of(core, "disqualification_bar").status == FAIL
        assert "core member unit" in result_of(core, "disqualification_bar").message
        assert result_of(ordinary, "disqualification_bar").status == PASS

    def test_the_period_comes_from_the_record(self, seeded):
        application = seed_application("suzhou-2026")
        unit = application.unit
        # Four years ago without an end date: the programme's three years have passed.
        record = a_record(unit.credit_code, unit.name, "lead_disqualified", valid_from=TODAY.replace(year=TODAY.year - 4))
        assert result_of(application, "disqualification_bar").status == PASS
        # The same record, decided for five years, still bars.
        record.valid_until = TODAY.replace(year=TODAY.year + 1)
        record.save()
        assert result_of(application, "disqualification_bar").status == FAIL

    def test_configured_in_the_seed(self, seeded):
        rows = ProgrammeRule.objects.filter(programme__code="suzhou-2026", rule_key__in=[
            "disqualification_bar", "no_credit_record"]).order_by("order")
        assert [(r.rule_key, r.params, r.severity, r.citation) for r in rows] == [
            ("disqualification_bar", {"kinds": ["lead_disqualified"], "years": 3}, "hard", "六（三）"),
            ("no_credit_record", {"kinds": ["blacklist"]}, "hard", "六（三）"),
        ]


def test_the_editor_checks_the_members_typed_before_saving(client, seeded):
    """The live eligibility panel reads the unsaved member rows' credit codes."""
    programme = Programme.objects.get(code="zgc-2026")
    applicant = UserFactory(is_unit_admin=True)
    draft = ApplicationFactory(programme=programme, unit=applicant.unit, created_by=applicant)
    code = make_credit_code("110108")
    a_record(code, "某合作企业", "fraud")
    client.force_login(applicant)
    url = reverse("applications:application_eligibility", args=[draft.pk])
    html = client.post(url, editor_data(draft, [member_row(1, credit_code=code.lower())])).content.decode()
    assert 'data-status="fail" data-key="no_credit_record"' in html and "第十五条" in html
    clean = client.post(url, editor_data(draft, [member_row(1, credit_code=make_credit_code("110108"))]))
    assert 'data-status="pass" data-key="no_credit_record"' in clean.content.decode()


def test_staff_see_the_units_records_on_the_application_page(client, seeded):
    member_code = make_credit_code("320507")
    application = seed_application("suzhou-2026", [("某成员大学", Member.Role.MEMBER, member_code)], submitted=True)
    a_record(member_code, "某成员大学", "blacklist", source="信用中国")
    a_record(application.unit.credit_code, application.unit.name, "fraud",
             valid_from=TODAY - datetime.timedelta(days=900), valid_until=TODAY - datetime.timedelta(days=500))
    a_record(make_credit_code("320508"), "无关企业", "fraud")  # not in this consortium
    url = reverse("review:application_detail", args=[application.pk])
    staff = UserFactory(role=Role.STAFF, authority=application.programme.authority, unit=None)
    client.force_login(staff)
    response = client.get(url)
    rows = response.context["credit_rows"]
    assert {(name, in_force) for _who, name, _record, in_force in rows} == {
        (application.unit.name, False), ("某成员大学", True)}
    html = response.content.decode()
    assert 'id="credit-records-panel"' in html and "信用中国" in html and "无关企业" not in html
    # The applicant does not see the panel.
    client.force_login(application.created_by)
    assert 'id="credit-records-panel"' not in client.get(url).content.decode()


def test_a_registered_unit_in_two_consortia_is_checked_in_both(seeded):
    """The same unit leading one application and member of another: its record counts in both."""
    unit = UnitFactory(division__code="320505")
    led = ApplicationFactory(programme=seed_application("suzhou-2026").programme, unit=unit)
    joined = seed_application("suzhou-2026", [(unit.name, Member.Role.CORE, unit.credit_code)])
    record_credit(unit, "", "lead_disqualified", "组织不力", "本局认定", TODAY)
    assert result_of(led, "disqualification_bar").status == FAIL
    assert result_of(joined, "disqualification_bar").status == FAIL


def test_a_rule_may_look_at_the_lead_unit_only(seeded):
    """``lead_only``: a guideline that speaks of the applicant alone (a row configured in the admin)."""
    row = ProgrammeRule.objects.get(programme__code="zgc-2026", rule_key="no_credit_record")
    row.params = {**row.params, "lead_only": True}
    row.save()
    code = make_credit_code("110108")
    application = seed_application("zgc-2026", [("某合作大学", Member.Role.CORE, code)])
    a_record(code, "某合作大学", "fraud")
    result = result_of(application, "no_credit_record")
    assert result.status == PASS and "lead unit must have no record" in result.message
    a_record(application.unit.credit_code, application.unit.name, "fraud")
    assert result_of(application, "no_credit_record").status == FAIL

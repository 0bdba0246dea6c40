"""Credit records: the service other apps call (record_credit), changes with their reason, and the
staff pages where programme staff list, record and change them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.lifecycle import ActionRefused
from portal.models import CreditRecord, CreditRecordChange, Role
from portal.services import change_credit_record, record_credit
from tests.factories import AuthorityFactory, UnitFactory, UserFactory, make_credit_code

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def authority():
    return AuthorityFactory(name="苏州市科学技术局（测试）")


@pytest.fixture
def staff(authority):
    return UserFactory(role=Role.STAFF, authority=authority, unit=None)


@pytest.fixture
def other_staff():
    return UserFactory(role=Role.STAFF, authority=AuthorityFactory(), unit=None)


def a_record(by, **overrides):
    values = {"unit_or_code": make_credit_code("320505"), "name": "测试失信企业有限公司", "kind": "lead_disqualified",
              "reason": "组织不力，未按共建协议履约", "source": "本局认定（苏科字〔2026〕1号）", "valid_from": DAY,
              "valid_until": None, "by": by}
    values.update(overrides)
    return record_credit(**values)


# --- the service ------------------------------------------------------------------------------------

class TestRecordCredit:
    def test_by_code_with_source_and_period(self, staff, authority):
        code = make_credit_code("320505")
        record = a_record(staff, unit_or_code=" " + code.lower() + " ", valid_until=datetime.date(2029, 2, 28))
        assert record.credit_code == code
        assert (record.source, record.valid_from, record.valid_until) == ("本局认定（苏科字〔2026〕1号）", DAY,
                                                                          datetime.date(2029, 2, 28))
        assert (record.recorded_by, record.authority) == (staff, authority)
        assert record.recorded_on == timezone.localdate()

    def test_a_unit_gives_its_code_and_name(self, staff):
        unit = UnitFactory()
        record = a_record(staff, unit_or_code=unit, name="")
        assert (record.credit_code, record.unit_name) == (unit.credit_code, unit.name)

    def test_the_portal_records_for_an_authority(self, authority):
        """As the revocation of a consortium will: no user, the revoking authority."""
        record = a_record(None, authority=authority)
        assert record.recorded_by is None and record.authority == authority

    @pytest.mark.parametrize(("overrides", "message"), [
        ({"unit_or_code": "91320505"}, "18 characters"),
        ({"reason": "  "}, "reason"),
        ({"source": ""}, "comes from"),
        ({"kind": "gossip"}, "kind"),
        ({"valid_from": None}, "in force"),
        ({"valid_until": DAY - datetime.timedelta(days=1)}, "cannot end before it starts"),
        ({"name": ""}, "name"),
    ])
    def test_bad_input_is_refused_and_nothing_is_written(self, staff, overrides, message):
        with pytest.raises(ActionRefused, match=message):
            a_record(staff, **overrides)
        assert not CreditRecord.objects.exists()

    def test_in_force_within_its_period(self, staff):
        open_ended = a_record(staff)
        assert not open_ended.in_force_on(DAY - datetime.timedelta(days=1))
        assert open_ended.in_force_on(DAY) and open_ended.in_force_on(datetime.date(2099, 1, 1))
        # Without an end date, a rule's period applies: three years, the last day included.
        assert open_ended.in_force_on(datetime.date(2029, 2, 28), years=3)
        assert not open_ended.in_force_on(datetime.date(2029, 3, 1), years=3)
        bounded = a_record(staff, valid_until=datetime.date(2026, 12, 31))
        assert bounded.in_force_on(datetime.date(2026, 12, 31), years=10)
        assert not bounded.in_force_on(datetime.date(2027, 1, 1), years=10)


class TestChangeCreditRecord:
    def test_a_change_keeps_the_reason_and_the_values_before(self, staff):
        record = a_record(staff)
        change = change_credit_record(record, staff, "复议后缩短期限", valid_until=datetime.date(2027, 2, 28),
                                      kind="blacklist")
        record.refresh_from_db()
        assert record.valid_until == datetime.date(2027, 2, 28) and record.kind == "blacklist"
        assert change.reason == "复议后缩短期限" and change.by == staff
        assert change.changes == {"kind": ["lead_disqualified", "blacklist"], "valid_until": [None, "2027-02-28"]}

    def test_without_reason_or_change_or_by_another_authority_nothing_changes(self, staff, other_staff):
        record = a_record(staff)
        with pytest.raises(ActionRefused, match="reason"):
            change_credit_record(record, staff, " ", kind="fraud")
        with pytest.raises(ActionRefused, match="Nothing"):
            change_credit_record(record, staff, "无变化", kind=record.kind)
        with pytest.raises(ActionRefused, match="authority that recorded it"):
            change_credit_record(record, other_staff, "越权修改", kind="fraud")
        with pytest.raises(ActionRefused, match="cannot end before"):
            change_credit_record(record, staff, "错误日期", valid_until=DAY - datetime.timedelta(days=1))
        record.refresh_from_db()
        assert record.kind == "lead_disqualified" and record.valid_until is None
        assert not CreditRecordChange.objects.exists()

    def test_the_system_administrator_may_change_any(self, staff):
        record = a_record(staff)
        admin = UserFactory(role=Role.ADMIN, unit=None)
        change_credit_record(record, admin, "更正来源", source="信用中国")
        assert CreditRecord.objects.get(pk=record.pk).source == "信用中国"


# --- the staff pages ------------------------------------------------------------------------------

class TestStaffPages:
    def test_only_staff_and_the_administrator(self, client, staff):
        for user in (UserFactory(), UserFactory(role=Role.EXPERT, unit=None)):
            client.force_login(user)
            assert client.get(reverse("review:credit_list")).status_code == 403
            assert client.post(reverse("review:credit_new"), {}).status_code == 403
        client.force_login(UserFactory(role=Role.ADMIN, unit=None))
        assert client.get(reverse("review:credit_list")).status_code == 200
        client.force_login(staff)
        page = client.get(reverse("review:workspace")).content.decode()
        assert reverse("review:credit_list") in page  # in the menu

    @pytest.mark.chinese  # the dates of the form in the Chinese UI: still ISO for <input type="date">
    def test_record_from_the_page(self, client, staff):
        unit = UnitFactory(name="苏州测试企业有限公司")
        client.force_login(staff)
        form = client.get(reverse("review:credit_new")).content.decode()
        assert 'list="credit-sources"' in form and "信用中国" in form
        assert f'value="{timezone.localdate().isoformat()}"' in form  # in force from today, unless changed
        response = client.post(reverse("review:credit_new"), {
            "credit_code": unit.credit_code.lower(), "unit_name": "", "kind": "lead_disqualified",
            "source": "本局认定", "valid_from": "2026-03-01", "valid_until": "2029-02-28",
            "reason": "组织不力，未按共建协议履约"})
        assert response.status_code == 302
        record = CreditRecord.objects.get()
        assert (record.unit_name, record.credit_code, record.recorded_by) == (unit.name, unit.credit_code, staff)

    def test_bad_input_keeps_what_was_typed(self, client, staff):
        client.force_login(staff)
        data = {"credit_code": make_credit_code("320505"), "unit_name": "", "kind": "fraud", "source": "信用中国",
                "valid_from": "2026-03-01", "valid_until": "2026-01-01", "reason": "弄虚作假骗取支持资金"}
        response = client.post(reverse("review:credit_new"), data)
        assert response.status_code == 200
        form = response.context["form"]
        assert "valid_until" in form.errors and "unit_name" in form.errors  # no unit has the code: name it
        html = response.content.decode()
        assert "弄虚作假骗取支持资金" in html and 'value="信用中国"' in html
        assert not CreditRecord.objects.exists()

    def test_list_is_searchable_and_paginated(self, client, staff):
        for i in range(30):
            a_record(staff, unit_or_code=make_credit_code("320505"), name=f"测试企业{i:02d}有限公司")
        target = a_record(staff, name="独一无二科技有限公司")
        client.force_login(staff)
        first = client.get(reverse("review:credit_list"))
        assert len(first.context["rows"]) == 25 and first.context["page"].paginator.count == 31
        assert len(client.get(reverse("review:credit_list"), {"page": 2}).context["rows"]) == 6
        by_name = client.get(reverse("review:credit_list"), {"q": "独一无二"})
        assert [row[0] for row in by_name.context["rows"]] == [target]
        by_code = client.get(reverse("review:credit_list"), {"q": target.credit_code[9:17].lower()})
        assert [row[0] for row in by_code.context["rows"]] == [target]
        assert "No credit record matches" in client.get(reverse("review:credit_list"), {"q": "没有这家"}).content.decode()

    @pytest.mark.chinese
    def test_change_with_reason_on_the_page(self, client, staff, other_staff):
        record = a_record(staff)
        url = reverse("review:credit_edit", args=[record.pk])
        values = {"credit_code": record.credit_code, "unit_name": record.unit_name, "kind": record.kind,
                  "source": record.source, "valid_from": "2026-03-01", "valid_until": "2027-02-28",
                  "reason": record.reason}
        client.force_login(staff)
        shown = client.get(url).content.decode()  # the form starts from what the record says
        assert 'value="2026-03-01"' in shown
        missing_reason = client.post(url, values)
        assert missing_reason.status_code == 200 and "change_reason" in missing_reason.context["form"].errors
        assert client.post(url, {**values, "change_reason": "复议后缩短期限"}).status_code == 302
        page = client.get(url).content.decode()
        assert "复议后缩短期限" in page and "2027-02-28" in page
        assert CreditRecord.objects.get(pk=record.pk).valid_until == datetime.date(2027, 2, 28)
        # Another authority's staff see it but cannot change it.
        client.force_login(other_staff)
        view = client.get(url)
        assert view.status_code == 200 and not view.context["can_change"]
        assert client.post(url, {**values, "valid_until": "", "change_reason": "越权"}).status_code == 403
        assert CreditRecord.objects.get(pk=record.pk).valid_until == datetime.date(2027, 2, 28)

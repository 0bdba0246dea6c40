"""The whole supervision path of a Jiangsu and a Suzhou consortium, through the services: annual report
(returned, then accepted), evaluations graded by the programme's thresholds and rules, rectification,
change filing (the lead refused by rule, a name change re-issuing the certificate), revocation proposed and
confirmed, with its notice, credit record and public status."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from applications.models import Application
from notices.models import Notification
from portal.lifecycle import ActionRefused
from portal.models import CreditRecord
from supervision import services
from supervision.choices import (
    ChangeKind,
    Grade,
    RectificationState,
    ReportState,
    RevocationGround,
    RevocationState,
)
from supervision.models import AnnualReport, Evaluation, Revocation, SupervisionLog

from .conftest import REPORT

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, 10, 0, tzinfo=SHANGHAI), tick=False)


def notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_jiangsu_report_evaluation_rectification_and_revocation(make_consortium, evaluator, client):
    app = make_consortium("jiangsu-2026", filed_on=datetime.date(2025, 6, 30))
    with at(2026, 4, 1):
        assert services.ensure_reports() == 1 and services.ensure_reports() == 0
        report = AnnualReport.objects.get(application=app)
        assert (report.year, report.due_on, report.state) == (2025, datetime.date(2026, 5, 31), ReportState.DRAFT)

        with pytest.raises(ActionRefused, match="Fill in every section"):
            services.submit_report(report.pk, app.applicant)
        services.save_report(report.pk, app.applicant, REPORT)
        with pytest.raises(ActionRefused, match="not allowed"):
            services.submit_report(report.pk, app.staff)
        services.submit_report(report.pk, app.applicant)
        assert notices(app.staff, "report_submitted")
        with pytest.raises(ActionRefused, match="reason for the return"):
            services.return_report(report.pk, app.staff, "  ")
        services.return_report(report.pk, app.staff, "请补充专利授权清单")
        assert "请补充专利授权清单" in notices(app.applicant, "report_returned")[0].body
        services.submit_report(report.pk, app.applicant)
        services.accept_report(report.pk, app.staff)
        report.refresh_from_db()
        assert report.state == ReportState.ACCEPTED
        assert [e.transition for e in report.history] == ["submit", "return_report", "submit", "accept"]

    with at(2026, 9, 1):
        # the third party evaluates only what it is commissioned for; staff confirm
        with pytest.raises(ActionRefused, match="not allowed"):
            services.save_evaluation(app.pk, evaluator, 2025, Decimal("55"), "协同不足")
        services.commission_evaluator(app.pk, app.staff, evaluator.pk, 2025)
        with pytest.raises(ActionRefused, match="not allowed"):  # commissioned for 2025 only
            services.save_evaluation(app.pk, evaluator, 2026, Decimal("90"), "越权评价")
        evaluation = services.save_evaluation(app.pk, evaluator, 2025, Decimal("55"), "协同不足")
        assert evaluation.grade == Grade.FAIL and evaluation.is_draft
        with pytest.raises(ActionRefused, match="not allowed"):
            services.confirm_evaluation(evaluation.pk, evaluator)
        evaluation = services.confirm_evaluation(evaluation.pk, app.staff)
        assert evaluation.grade == Grade.FAIL and not evaluation.missing_report
        assert "不合格" in notices(app.applicant, "evaluation_confirmed")[0].body
        # 较差 → 督促整改 (七（二）)
        rectification = services.open_rectification(app.pk, app.staff, "完善理事会议事规则", datetime.date(2026, 11, 30),
                                                    evaluation_id=evaluation.pk)
        assert rectification.citation == "《江苏省创新联合体建设工作指引（试行）》七（二）"
        with pytest.raises(ActionRefused, match="Describe what was rectified"):
            services.respond_rectification(rectification.pk, app.applicant, "")
        services.respond_rectification(rectification.pk, app.applicant, "已修订议事规则并召开理事会")
        rectification = services.check_rectification(rectification.pk, app.staff, False, "整改不到位")
        assert rectification.state == RectificationState.FAILED

    with at(2027, 8, 1):
        # no report on 2026 was handed in: the evaluation of 2026 counts as 不合格 whatever its score (七（一）)
        services.ensure_reports()
        evaluation = services.save_evaluation(app.pk, app.staff, 2026, Decimal("85"), "自评材料缺失")
        assert evaluation.grade == Grade.EXCELLENT
        evaluation = services.confirm_evaluation(evaluation.pk, app.staff)
        assert evaluation.grade == Grade.FAIL and evaluation.missing_report
        assert "七（一）" in evaluation.rule_notes
        assert not Revocation.objects.filter(application=app).exists()  # Jiangsu has no automatic rule

        revocation = services.propose_revocation(app.pk, app.staff, RevocationGround.POOR_RESULT, "评价较差且整改不到位")
        assert revocation.citation == "《江苏省创新联合体建设工作指引（试行）》七（二）"
        with pytest.raises(ActionRefused, match="already proposed"):
            services.propose_revocation(app.pk, app.staff, RevocationGround.OTHER, "再次")
        revocation = services.confirm_revocation(revocation.pk, app.staff, "厅务会研究决定摘牌")
        assert revocation.state == RevocationState.CONFIRMED and revocation.credit_record is None
    app.refresh_from_db()
    assert app.revoked_on == datetime.date(2027, 8, 1)
    assert "2027-08-01" in notices(app.applicant, "revoked")[0].body
    # public: the verification page and the directory say so
    page = client.get(reverse("review:verify_certificate", args=[app.certificate_number, _code(app)]))
    assert 'data-status="revoked"' in page.content.decode()
    directory = client.get(reverse("review:directory")).content.decode()
    assert 'data-revoked="' in directory and "2027-08-01" in directory
    # nothing more can be filed for a revoked consortium
    with pytest.raises(ActionRefused, match="revoked"):
        services.request_change(app.pk, app.applicant, ChangeKind.NAME, "更名", {"new_name": "新名称"})
    # the full history of the consortium's supervision, in order
    assert list(SupervisionLog.objects.filter(application=app).values_list("transition", flat=True)) == [
        "submit", "return_report", "submit", "accept", "confirm", "respond", "fail_check", "confirm", "confirm"]


def _code(app):
    from applications.certificates import verification_code

    return verification_code(app.certificate_number)


def test_jiangsu_lead_change_is_refused_by_rule_and_a_name_change_reissues(make_consortium):
    app = make_consortium("jiangsu-2026")
    with pytest.raises(ActionRefused, match=r"may not change \(《江苏省创新联合体建设工作指引（试行）》七（三）\)"):
        services.request_change(app.pk, app.applicant, ChangeKind.LEAD, "牵头单位重组",
                                {"new_lead_credit_code": "91350100M000100Y43"})
    assert not app.change_requests.exists()

    change = services.request_change(app.pk, app.applicant, ChangeKind.NAME, "战略调整",
                                     {"new_name": "江苏省新一代集成电路创新联合体"})
    with pytest.raises(ActionRefused, match="not allowed"):
        services.approve_change(change.pk, app.applicant)
    services.approve_change(change.pk, app.staff, "同意备案")
    app.refresh_from_db()
    editions = list(app.certificates.order_by("edition"))
    assert app.name == "江苏省新一代集成电路创新联合体"
    assert [(c.edition, c.superseded_on is None) for c in editions] == [(1, False), (2, True)]
    change.refresh_from_db()
    assert change.before["name"] != app.name

    members = services.request_change(app.pk, app.applicant, ChangeKind.MEMBERS, "补充协议", {
        "members_added": [{"name": "南京理工大学", "credit_code": "", "unit_type": "university"}],
        "members_removed": [app.members.first().name]})
    removed = app.members.first().name
    services.approve_change(members.pk, app.staff)
    names = set(app.members.values_list("name", flat=True))
    assert "南京理工大学" in names and removed not in names
    refused = services.request_change(app.pk, app.applicant, ChangeKind.CHIEF_EXPERT, "首席专家调任",
                                      {"person_name": "王五", "person_title": "教授"})
    services.refuse_change(refused.pk, app.staff, "请附专家委员会决议")
    assert notices(app.applicant, "change_refused")
    assert list(app.change_requests.values_list("kind", flat=True)) == [
        ChangeKind.CHIEF_EXPERT, ChangeKind.MEMBERS, ChangeKind.NAME]


def test_suzhou_two_fails_in_a_row_propose_revocation_which_is_confirmed(make_consortium):
    app = make_consortium("suzhou-2026", filed_on=datetime.date(2024, 3, 1))
    with at(2025, 3, 1):
        first = services.save_evaluation(app.pk, app.staff, 2024, Decimal("59.5"), "未完成年度目标")
        services.confirm_evaluation(first.pk, app.staff)
        assert not Revocation.objects.filter(application=app).exists()
    with at(2026, 3, 1):
        second = services.save_evaluation(app.pk, app.staff, 2025, Decimal("40"), "仍未完成")
        second = services.confirm_evaluation(second.pk, app.staff)
        revocation = Revocation.objects.get(application=app)
        assert revocation.is_proposed and revocation.proposed_by is None and revocation.evaluation == second
        assert revocation.ground == RevocationGround.CONSECUTIVE_FAILS
        assert revocation.citation == "《苏州市创新联合体建设实施方案》六（二）"
        assert "六（二）" in Evaluation.objects.get(pk=second.pk).rule_notes
        assert Notification.objects.filter(recipient=app.staff, kind="revocation_proposed").exists()
        services.confirm_revocation(revocation.pk, app.staff, "取消建设资格")
    assert Application.objects.get(pk=app.pk).revoked_on == datetime.date(2026, 3, 1)
    assert not CreditRecord.objects.filter(credit_code=app.unit.credit_code).exists()


def test_suzhou_excellent_marks_support_and_a_failing_lead_is_barred(make_consortium):
    app = make_consortium("suzhou-2026", filed_on=datetime.date(2024, 3, 1))
    with at(2025, 3, 1):
        good = services.confirm_evaluation(services.save_evaluation(app.pk, app.staff, 2024, Decimal("80"), "").pk,
                                           app.staff)
        assert good.grade == Grade.EXCELLENT and good.continued_support and "六（二）" in good.rule_notes
        revocation = services.propose_revocation(app.pk, app.staff, RevocationGround.LEAD_FAILED, "牵头企业未按共建协议履约")
        assert revocation.citation == "《苏州市创新联合体建设实施方案》六（三）"
        revocation = services.confirm_revocation(revocation.pk, app.staff, "取消牵头资格")
    record = CreditRecord.objects.get(credit_code=app.unit.credit_code)
    assert record.kind == CreditRecord.Kind.LEAD_DISQUALIFIED and record.recorded_on == datetime.date(2025, 3, 1)
    assert "六（三）" in record.reason and "3" in record.reason
    assert Revocation.objects.get(pk=revocation.pk).credit_record == record


def test_one_consortium_never_acts_on_anothers_records(make_consortium):
    mine, theirs = make_consortium("jiangsu-2026"), make_consortium("jiangsu-2026")
    with at(2026, 4, 1):
        services.ensure_reports()
        report = AnnualReport.objects.get(application=theirs)
        with pytest.raises(ActionRefused, match="not allowed"):
            services.save_report(report.pk, mine.applicant, REPORT)
        with pytest.raises(ActionRefused, match="not allowed"):
            services.request_change(theirs.pk, mine.applicant, ChangeKind.NAME, "x", {"new_name": "别人的名字"})
    suzhou = make_consortium("suzhou-2026")
    with pytest.raises(ActionRefused, match="Only the programme's staff"):
        services.propose_revocation(theirs.pk, suzhou.staff, RevocationGround.OTHER, "越权")

"""The supervision pages as their users meet them: each role sees only its scope, the forms act through the
services (with confirmation before irreversible acts), the staff lists filter, search and paginate."""

import datetime
import zoneinfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.choices import ChangeState, EvaluationState, ReportState, RevocationState
from supervision.models import AnnualReport, ChangeRequest, Evaluation, FundEntry, Revocation
from tests.pdfs import text_pdf

from .conftest import REPORT

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, 10, 0, tzinfo=SHANGHAI), tick=False)


def test_each_role_sees_its_own_consortia_only(make_consortium, evaluator, client):
    mine, other = make_consortium("jiangsu-2026"), make_consortium("jiangsu-2026")
    suzhou = make_consortium("suzhou-2026")
    client.force_login(mine.applicant)
    page = client.get(reverse("supervision:consortium", args=[mine.pk]))
    assert page.status_code == 200 and str(mine) in page.content.decode()
    assert client.get(reverse("supervision:consortium", args=[other.pk])).status_code == 404
    listing = client.get(reverse("supervision:consortia")).content.decode()
    assert str(mine) in listing and str(other) not in listing
    assert client.get(reverse("supervision:reports")).status_code == 403

    client.force_login(suzhou.staff)
    assert client.get(reverse("supervision:consortium", args=[mine.pk])).status_code == 404
    client.force_login(mine.staff)
    staff_page = client.get(reverse("supervision:consortium", args=[mine.pk])).content.decode()
    assert 'id="staff-actions"' in staff_page and 'id="revocation-form"' in staff_page

    client.force_login(evaluator)
    assert client.get(reverse("supervision:consortium", args=[mine.pk])).status_code == 404
    client.post(reverse("supervision:commission", args=[mine.pk]), {})  # not staff: refused below
    client.force_login(mine.staff)
    client.post(reverse("supervision:commission", args=[mine.pk]),
                {"commission-evaluator": evaluator.pk, "commission-period": datetime.date.today().year})
    client.force_login(evaluator)
    assert client.get(reverse("review:workspace")).status_code == 200  # the evaluator's landing page works
    assert 'id="menu-supervision-consortia"' in client.get(reverse("review:workspace")).content.decode()
    assert client.get(reverse("supervision:consortium", args=[mine.pk])).status_code == 200
    assert client.get(reverse("supervision:consortium", args=[other.pk])).status_code == 404
    assert str(other) not in client.get(reverse("supervision:consortia")).content.decode()


def test_report_filed_from_the_page_and_accepted_by_staff(make_consortium, client):
    app = make_consortium("jiangsu-2026", filed_on=datetime.date(2025, 6, 30))
    with at(2026, 5, 20):
        client.force_login(app.applicant)
        page = client.get(reverse("supervision:consortium", args=[app.pk])).content.decode()
        assert "Start the report on 2025" in page
        response = client.post(reverse("supervision:report_start", args=[app.pk]), {"year": 2025})
        report = AnnualReport.objects.get(application=app, year=2025)
        assert response.url == reverse("supervision:report_edit", args=[report.pk])
        edit = reverse("supervision:report_edit", args=[report.pk])
        data = {k: v for k, v in REPORT.items()}
        # without the confirmation the draft is saved, not submitted
        client.post(edit, {**data, "submit": "1"})
        report.refresh_from_db()
        assert report.state == ReportState.DRAFT and report.platforms == REPORT["platforms"]
        client.post(edit, {**data, "submit": "1", "confirm": "1"})
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED

        client.force_login(app.staff)
        listing = client.get(reverse("supervision:reports"), {"filter": ReportState.SUBMITTED}).content.decode()
        assert str(app) in listing
        review = reverse("supervision:report_review", args=[report.pk])
        assert REPORT["platforms"] in client.get(review).content.decode()
        client.post(review, {"accept": "1"})
        report.refresh_from_db()
        assert report.state == ReportState.ACCEPTED


def test_staff_lists_filter_overdue_search_and_paginate(make_consortium, client):
    apps = [make_consortium("jiangsu-2026", filed_on=datetime.date(2024, 6, 30)) for _ in range(3)]
    with at(2026, 6, 15):
        from supervision.services import send_reminders

        send_reminders()
        client.force_login(apps[0].staff)
        overdue = client.get(reverse("supervision:reports"), {"filter": "overdue"}).content.decode()
        assert all(str(a) in overdue for a in apps)
        found = client.get(reverse("supervision:reports"), {"q": apps[1].certificate_number}).content.decode()
        assert str(apps[1]) in found and str(apps[0]) not in found
        # the beat makes the report of the present cycle (on 2025); 25 a page
        listed = client.get(reverse("supervision:reports"))
        assert "3 records" in listed.content.decode() and listed.context["page"].paginator.per_page == 25
        assert client.get(reverse("supervision:reports"), {"page": "99"}).context["page"].number == 1
        for name in ("evaluations", "changes", "revocations", "consortia"):
            assert client.get(reverse(f"supervision:{name}"), {"q": "无此联合体"}).status_code == 200


def test_evaluation_change_and_revocation_through_the_pages(make_consortium, client):
    app = make_consortium("suzhou-2026", filed_on=datetime.date(2024, 3, 1))
    this_year = datetime.date.today().year
    client.force_login(app.staff)
    client.post(reverse("supervision:evaluation_edit", args=[app.pk]), {
        "evaluation-period": this_year, "evaluation-score": "58", "evaluation-comments": "目标未完成",
        "evaluation-attachment": SimpleUploadedFile("评价报告.pdf", text_pdf("evaluation"), "application/pdf")})
    evaluation = Evaluation.objects.get(application=app)
    assert evaluation.attachment.original_name == "评价报告.pdf"
    confirm = reverse("supervision:evaluation_confirm", args=[evaluation.pk])
    client.post(confirm, {})  # no confirmation: nothing happens
    assert Evaluation.objects.get(pk=evaluation.pk).state == EvaluationState.DRAFT
    client.post(confirm, {"confirm": "1"})
    assert Evaluation.objects.get(pk=evaluation.pk).state == EvaluationState.CONFIRMED
    assert client.get(reverse("supervision:file", args=[evaluation.attachment_id])).status_code == 200

    client.force_login(app.applicant)
    assert client.get(reverse("supervision:file", args=[evaluation.attachment_id])).status_code == 200
    client.post(reverse("supervision:change_new", args=[app.pk]), {
        "kind": "principal", "explanation": "理事长调整", "person_name": "赵六", "person_title": "董事长",
        "confirm": "1"})
    change = ChangeRequest.objects.get(application=app)
    assert change.state == ChangeState.SUBMITTED
    client.force_login(app.staff)
    client.post(reverse("supervision:change_review", args=[change.pk]), {"approve": "1", "reason": "同意"})
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.SUBMITTED  # not confirmed
    client.post(reverse("supervision:change_review", args=[change.pk]), {"approve": "1", "reason": "同意",
                                                                         "confirm": "1"})
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.APPROVED
    assert app.people.filter(name="赵六").exists()

    client.post(reverse("supervision:funds_new", args=[app.pk]), {
        "funds-year": this_year, "funds-kind": "grant", "funds-amount": "200", "funds-on": "2026-01-05",
        "funds-document_number": "苏科资〔2026〕3号"})
    assert FundEntry.objects.get(application=app).amount == 200

    client.post(reverse("supervision:revocation_new", args=[app.pk]), {
        "revocation-ground": "other", "revocation-reason": "自行解散"})
    revocation = Revocation.objects.get(application=app)
    review = reverse("supervision:revocation_review", args=[revocation.pk])
    client.post(review, {"decision": "confirm", "note": "局务会决定"})
    assert Revocation.objects.get(pk=revocation.pk).state == RevocationState.PROPOSED  # no confirmation box
    client.post(review, {"decision": "confirm", "note": "局务会决定", "confirm": "1"})
    app.refresh_from_db()
    assert app.revoked_on is not None
    page = client.get(reverse("supervision:consortium", args=[app.pk])).content.decode()
    assert 'id="revoked-banner"' in page and 'id="staff-actions"' not in page


def test_load_supervision_writes_the_seed_profiles_and_the_demo_evaluator(make_consortium, client):
    from django.core.management import call_command

    from supervision.models import SupervisionProfile, profile_of

    app = make_consortium("suzhou-2026")
    profile_of(app.programme)
    SupervisionProfile.objects.filter(programme=app.programme).update(fails_to_revoke=3)  # edited by staff
    call_command("load_supervision", "--demo", verbosity=0)
    suzhou = SupervisionProfile.objects.get(programme=app.programme)
    assert suzhou.fails_to_revoke == 3 and suzhou.lead_bar_years == 3  # kept unless --reset
    call_command("load_supervision", "--reset", verbosity=0)
    assert SupervisionProfile.objects.get(programme=app.programme).fails_to_revoke == 2
    jiangsu = SupervisionProfile.objects.get(programme__code="jiangsu-2026")
    assert (jiangsu.lead_change_forbidden, jiangsu.report_due_month, jiangsu.report_due_day) == (True, 5, 31)
    client.login(username="evaluator", password="demo-portal-2026")
    assert client.get(reverse("supervision:consortium", args=[app.pk])).status_code == 200


def test_staff_edit_their_own_programmes_supervision_profiles_in_the_admin(make_consortium, client):
    from supervision.models import profile_of

    jiangsu, suzhou = make_consortium("jiangsu-2026"), make_consortium("suzhou-2026")
    mine, theirs = profile_of(jiangsu.programme), profile_of(suzhou.programme)
    client.force_login(jiangsu.staff)
    listing = client.get("/admin/supervision/supervisionprofile/")
    assert listing.status_code == 200 and str(jiangsu.programme) in listing.content.decode()
    assert str(suzhou.programme) not in listing.content.decode()
    assert client.get(f"/admin/supervision/supervisionprofile/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/supervision/supervisionprofile/{theirs.pk}/change/").status_code == 302  # not theirs
    assert client.get("/admin/supervision/annualreport/").status_code == 403


def test_the_log_records_the_client_behind_one_trusted_proxy(make_consortium, client, settings):
    """The address logged is portal.clientip's (as axes and the objection limits read it): behind one trusted
    proxy, the entry that proxy appended to X-Forwarded-For, not the proxy's own nor what the client wrote."""
    from supervision.models import SupervisionLog

    settings.TRUSTED_PROXY_COUNT = 1
    app = make_consortium("jiangsu-2026", filed_on=datetime.date(2025, 6, 30))
    proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"}
    with at(2026, 5, 20):
        client.force_login(app.applicant)
        client.post(reverse("supervision:report_start", args=[app.pk]), {"year": 2025})
        report = AnnualReport.objects.get(application=app, year=2025)
        client.post(reverse("supervision:report_edit", args=[report.pk]), {**REPORT, "submit": "1", "confirm": "1"},
                    **proxy)
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED
        settings.TRUSTED_PROXY_COUNT = 0  # no proxy: the socket's address, the header ignored
        client.force_login(app.staff)
        client.post(reverse("supervision:report_review", args=[report.pk]), {"accept": "1"}, **proxy)
    log = SupervisionLog.objects.filter(application=app).order_by("at", "pk")
    assert [(e.transition, e.ip) for e in log] == [("submit", "198.51.100.7"), ("accept", "10.0.0.2")]

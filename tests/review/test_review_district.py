"""The district office's initial review in the browser (Django test client), on the seed programmes.

Weihai (weihai-2026): recommending needs ≥3 peer opinions of 副高 or above; Suzhou (suzhou-2026),
county-selected lead: recommending needs the 推荐函.  Every decision is a TransitionLog row.
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Person, Programme
from applications.services import store_attachment, submit
from portal.models import District, Division, Role, UnitType
from review.models import DistrictOpinion, PeerOpinion, TransitionLog
from tests import pdfs
from tests.factories import ApplicationFactory, AuthorityFactory, UnitFactory, UserFactory, make_credit_code

pytestmark = pytest.mark.django_db

WEIHAI_DIVISION = "371002"  # 环翠区 → 环翠区科技局
WEIHAI_OTHER_DIVISION = "371082"  # 荣成市 → 荣成市科技局
SUZHOU_DIVISION = "320506"  # 吴中区 → 吴中区科技局
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
GOVERNANCE = ("council_chair", "operations", "expert_committee", "secretariat", "chief_expert")


# --- helpers (also used by tests/review/test_review_applicant.py) ----------------------------------

def pdf_upload(name="letter.pdf"):
    return SimpleUploadedFile(name, pdfs.blank_pdf(), content_type="application/pdf")


def make_application(code, division_code, unit_type=UnitType.ENTERPRISE, **fields):
    """A complete draft of seed programme ``code`` by a new unit in ``division_code``: (application, user)."""
    programme = Programme.objects.get(code=code)
    division = Division.objects.get(code=division_code)
    unit = UnitFactory(division=division, credit_code=make_credit_code(division_code), unit_type=unit_type)
    user = UserFactory(unit=unit, is_unit_admin=True, full_name="申报人甲")
    application = ApplicationFactory(programme=programme, unit=unit, created_by=user, members=2,
                                     district=District.suggest(programme.authority, division), **fields)
    for order, role in enumerate(GOVERNANCE):
        Person.objects.create(application=application, role=role, name=f"负责人{order}", unit_name=unit.name,
                              order=order)
    for requirement in programme.attachment_requirements.all():
        if requirement.applies_to(application.lead_selected_by, unit.unit_type):
            store_attachment(application, requirement, pdf_upload(f"{requirement.code}.pdf"), user)
    return application, user


def submitted(code, division_code, **fields):
    application, user = make_application(code, division_code, **fields)
    submit(application.pk, user, ip="10.0.0.1")
    application.refresh_from_db()
    return application, user


def weihai():
    return submitted("weihai-2026", WEIHAI_DIVISION)


def suzhou_county():
    return submitted("suzhou-2026", SUZHOU_DIVISION, lead_selected_by="county", field="电子信息",
                     lead_has_provincial_carrier=True, lead_has_equity_fund=True)


def district_reviewer(application, name="王审核"):
    return UserFactory(role=Role.DISTRICT, district=application.district, unit=None, full_name=name)


def staff_of(application, name="赵处长"):
    return UserFactory(role=Role.STAFF, authority=application.programme.authority, unit=None, full_name=name)


def peer(application, user, title_level="senior", name=None):
    return PeerOpinion.objects.create(
        application=application, added_by=user, expert_name=name or f"专家{PeerOpinion.objects.count()}",
        title="教授" if title_level != "intermediate" else "工程师", title_level=title_level,
        discipline="材料科学", opinion="同意推荐。", date=timezone.localdate())


def decide(client, application, decision, opinion="同意推荐。", confirm=True, **extra):
    data = {"decision": decision, "opinion": opinion, **extra}
    if confirm:
        data["confirm"] = "on"
    return client.post(reverse("review:district_review", args=[application.pk]), data, follow=True, **EN)


# --- who may see the page ----------------------------------------------------------------------------

def test_page_renders_for_the_district_reviewer_only(client, seeded):
    application, applicant = weihai()
    assert application.state == "district_review"
    url = reverse("review:district_review", args=[application.pk])
    reviewer = district_reviewer(application)
    client.force_login(reviewer)
    response = client.get(url, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert application.name in page and application.unit.name in page
    assert 'id="opinion-form"' in page and 'name="confirm"' in page
    assert "0 of 3 qualifying opinions" in page and "副高" in page
    assert 'name="letter"' not in page, "Weihai's district stage has no recommendation letter"
    assert reverse("applications:attachment_download", args=[application.pk,
                                                application.attachments.first().files.first().pk]) in page
    assert 'id="eligibility"' in page
    # Two forms share the page (peer opinion and decision): every id is unique, so each label
    # points at its own field.
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert 'for="peer_opinion"' in page and 'id="peer_opinion"' in page

    other_district = District.objects.get(authority=application.programme.authority,
                                          division__code=WEIHAI_OTHER_DIVISION)
    others = [
        UserFactory(role=Role.DISTRICT, district=other_district, unit=None),
        UserFactory(role=Role.STAFF, authority=AuthorityFactory(), unit=None),
        staff_of(application),  # may see the application, but is not the district office
        UserFactory(unit=UnitFactory(), is_unit_admin=True),
        applicant,
        UserFactory(role=Role.EXPERT, unit=None),
    ]
    for user in others:
        client.force_login(user)
        assert client.get(url).status_code == 404, user.role
        assert client.post(url, {"decision": "recommend", "opinion": "x", "confirm": "on"}).status_code == 404
        assert client.post(reverse("review:peer_opinion_add", args=[application.pk]), {}).status_code == 404
    application.refresh_from_db()
    assert application.state == "district_review"
    assert not DistrictOpinion.objects.exists()


def test_anonymous_is_sent_to_login(client, seeded):
    application, _user = weihai()
    response = client.get(reverse("review:district_review", args=[application.pk]))
    assert response.status_code == 302 and reverse("login") in response.url


def test_query_count_is_fixed(client, seeded, django_assert_max_num_queries):
    application, _user = weihai()
    reviewer = district_reviewer(application)
    for _i in range(6):
        peer(application, reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("review:district_review", args=[application.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("review:version_diff", args=[application.pk])).status_code == 200


# --- Weihai: peer opinions ---------------------------------------------------------------------------

def test_weihai_recommend_needs_three_qualifying_peer_opinions(client, seeded):
    application, _user = weihai()
    reviewer = district_reviewer(application)
    client.force_login(reviewer)
    peer(application, reviewer, "senior")
    peer(application, reviewer, "associate")
    peer(application, reviewer, "intermediate")  # 中级: recorded, does not count

    page = decide(client, application, "recommend").content.decode()
    assert "At least 3 peer opinions" in page
    application.refresh_from_db()
    assert application.state == "district_review"
    assert not DistrictOpinion.objects.exists(), "a refused decision leaves nothing behind"
    assert not TransitionLog.objects.filter(transition="recommend").exists()
    assert "2 of 3 qualifying opinions" in page

    # The third qualifying opinion through the form.
    response = client.post(reverse("review:peer_opinion_add", args=[application.pk]), {
        "expert_name": "孙教授", "title": "副教授", "title_level": "associate", "discipline": "材料工程",
        "opinion": "技术路线可行，同意推荐。", "date": timezone.localdate().isoformat()}, follow=True, **EN)
    assert "3 of 3 qualifying opinions" in response.content.decode()
    assert PeerOpinion.objects.filter(application=application, expert_name="孙教授", added_by=reviewer).exists()

    page = decide(client, application, "recommend", opinion="材料齐全，同意推荐。").content.decode()
    application.refresh_from_db()
    assert application.state == "formal_review", page
    # The decision lands on the application's page: its message, and not a banner saying it cannot be decided.
    assert "Recommended" in page and 'id="review-closed"' not in page and 'id="application-state"' in page
    log = TransitionLog.objects.get(application=application, transition="recommend")
    assert (log.actor, log.actor_role, log.source, log.target) == (reviewer, "district", "district_review",
                                                                   "formal_review")
    assert log.reason == "材料齐全，同意推荐。" and log.ip == "127.0.0.1"
    opinion = DistrictOpinion.objects.get(application=application)
    assert opinion.decision == "recommend" and opinion.author == reviewer
    # The page stays readable as a record, without the form.
    page = client.get(reverse("review:district_review", args=[application.pk]), **EN).content.decode()
    assert 'id="review-closed"' in page and 'id="opinion-form"' not in page


def test_intermediate_title_does_not_count(client, seeded):
    application, _user = weihai()
    reviewer = district_reviewer(application)
    client.force_login(reviewer)
    peer(application, reviewer, "senior")
    peer(application, reviewer, "associate")
    response = client.post(reverse("review:peer_opinion_add", args=[application.pk]), {
        "expert_name": "钱工", "title": "工程师", "title_level": "intermediate", "discipline": "材料工程",
        "opinion": "同意。", "date": timezone.localdate().isoformat()}, follow=True, **EN)
    page = response.content.decode()
    assert "does not count" in page and "2 of 3 qualifying opinions" in page
    decide(client, application, "recommend")
    application.refresh_from_db()
    assert application.state == "district_review"


def test_peer_opinion_form_errors_are_shown(client, seeded):
    application, _user = weihai()
    client.force_login(district_reviewer(application))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("review:peer_opinion_add", args=[application.pk]), {
        "expert_name": "", "title": "教授", "title_level": "senior", "discipline": "x", "opinion": "y",
        "date": tomorrow}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be in the future" in page and "was not added" in page
    assert not PeerOpinion.objects.exists()


def test_peer_opinions_only_during_the_district_review(client, seeded):
    application, _user = weihai()
    reviewer = district_reviewer(application)
    for level in ("senior", "senior", "associate"):
        peer(application, reviewer, level)
    client.force_login(reviewer)
    decide(client, application, "recommend")
    application.refresh_from_db()
    assert application.state == "formal_review"
    response = client.post(reverse("review:peer_opinion_add", args=[application.pk]), {
        "expert_name": "迟到", "title": "教授", "title_level": "senior", "discipline": "x", "opinion": "y",
        "date": timezone.localdate().isoformat()}, follow=True, **EN)
    assert "Only the district office can add peer opinions during its review" in response.content.decode()
    assert PeerOpinion.objects.count() == 3


def test_a_mistaken_peer_opinion_is_withdrawn_on_record_and_stops_counting(client, seeded):
    application, _user = weihai()
    reviewer = district_reviewer(application)
    first, _second, _third = (peer(application, reviewer, level) for level in ("senior", "senior", "associate"))
    client.force_login(reviewer)
    url = reverse("review:peer_opinion_withdraw", args=[application.pk, first.pk])
    page = client.get(reverse("review:district_review", args=[application.pk]), **EN).content.decode()
    assert url in page and "3 of 3 qualifying opinions" in page

    # A reason is required; GET does nothing.
    assert client.get(url).status_code == 405
    page = client.post(url, {"reason": "  "}, follow=True, **EN).content.decode()
    assert "Please give the reason" in page
    first.refresh_from_db()
    assert first.withdrawn_at is None

    page = client.post(url, {"reason": "专家姓名录入错误"}, follow=True, **EN).content.decode()
    first.refresh_from_db()
    assert first.withdrawn_at is not None and first.withdrawn_by == reviewer
    assert first.withdrawn_reason == "专家姓名录入错误" and not first.qualifies
    assert "is withdrawn" in page and "2 of 3 qualifying opinions" in page and 'data-withdrawn="1"' in page
    assert PeerOpinion.objects.filter(pk=first.pk).exists()  # kept on record
    assert "already been withdrawn" in client.post(url, {"reason": "x"}, follow=True, **EN).content.decode()

    # Recommending now needs a third qualifying opinion again.
    decide(client, application, "recommend")
    application.refresh_from_db()
    assert application.state == "district_review"
    peer(application, reviewer, "associate")
    decide(client, application, "recommend")
    application.refresh_from_db()
    assert application.state == "formal_review"
    # After the district stage nobody withdraws anything.
    second_url = reverse("review:peer_opinion_withdraw", args=[application.pk, _second.pk])
    page = client.post(second_url, {"reason": "晚了"}, follow=True, **EN).content.decode()
    assert "Only the district office can withdraw peer opinions during its review" in page
    _second.refresh_from_db()
    assert _second.withdrawn_at is None


def test_only_the_applications_district_reviewer_withdraws_a_peer_opinion(client, seeded):
    application, user = weihai()
    reviewer = district_reviewer(application)
    opinion = peer(application, reviewer, "senior")
    url = reverse("review:peer_opinion_withdraw", args=[application.pk, opinion.pk])
    other_district = District.objects.exclude(pk=application.district_id).filter(
        authority=application.programme.authority).first()
    for intruder in (user, staff_of(application),
                     UserFactory(role=Role.DISTRICT, district=other_district, unit=None)):
        client.force_login(intruder)
        assert client.post(url, {"reason": "x"}).status_code == 404
    opinion.refresh_from_db()
    assert opinion.withdrawn_at is None


# --- decisions -----------------------------------------------------------------------------------------

def test_confirmation_and_opinion_are_required(client, seeded):
    application, _user = weihai()
    reviewer = district_reviewer(application)
    client.force_login(reviewer)
    page = decide(client, application, "not_recommend", confirm=False).content.decode()
    assert "Please tick the box to confirm" in page
    page = decide(client, application, "return", opinion="  ").content.decode()
    assert "Please write the opinion" in page
    application.refresh_from_db()
    assert application.state == "district_review" and application.return_reason == ""
    assert not TransitionLog.objects.exclude(transition="submit").exists()


def test_return_with_reason(client, seeded):
    application, _user = weihai()
    reviewer = district_reviewer(application)
    client.force_login(reviewer)
    page = decide(client, application, "return", opinion="组建协议缺少成员单位盖章，请补充。").content.decode()
    assert "Returned for revision" in page
    application.refresh_from_db()
    assert application.state == "returned"
    assert application.return_reason == "组建协议缺少成员单位盖章，请补充。"
    assert application.returned_from == "district_review"
    log = TransitionLog.objects.get(application=application, transition="return_for_revision")
    assert (log.actor, log.actor_role, log.source, log.target, log.ip) == (
        reviewer, "district", "district_review", "returned", "127.0.0.1")
    assert log.reason == application.return_reason


def test_not_recommend_ends_the_route(client, seeded):
    application, applicant = weihai()
    reviewer = district_reviewer(application)
    client.force_login(reviewer)
    page = decide(client, application, "not_recommend", opinion="不符合建设条件。").content.decode()
    assert "route ends here" in page
    application.refresh_from_db()
    assert application.state == "not_recommended"
    log = TransitionLog.objects.get(application=application, transition="not_recommend")
    assert (log.source, log.target, log.reason) == ("district_review", "not_recommended", "不符合建设条件。")
    # Nothing can follow: another decision, a withdrawal or a resubmission are all refused.
    page = decide(client, application, "recommend").content.decode()
    assert "cannot be done" in page
    client.force_login(applicant)
    client.post(reverse("review:application_withdraw", args=[application.pk]), {"reason": "x", "confirm": "on"})
    client.post(reverse("applications:application_submit", args=[application.pk]), {"confirm": "1"})
    application.refresh_from_db()
    assert application.state == "not_recommended"
    assert TransitionLog.objects.filter(application=application).count() == 2


# --- Suzhou: the recommendation letter ------------------------------------------------------------------

def test_suzhou_county_route_needs_the_recommendation_letter(client, seeded):
    application, applicant = suzhou_county()
    assert application.state == "district_review"
    reviewer = district_reviewer(application)
    client.force_login(reviewer)
    page = client.get(reverse("review:district_review", args=[application.pk]), **EN).content.decode()
    assert 'name="letter"' in page and "qualifying opinions" not in page

    page = decide(client, application, "recommend").content.decode()
    assert "recommendation letter (推荐函) must be uploaded" in page
    application.refresh_from_db()
    assert application.state == "district_review"
    assert not DistrictOpinion.objects.exists()

    page = decide(client, application, "recommend", opinion="经审核，同意推荐。",
                  letter=pdf_upload("吴中区推荐函.pdf")).content.decode()
    application.refresh_from_db()
    assert application.state == "decision", page
    opinion = DistrictOpinion.objects.get(application=application)
    assert opinion.letter and opinion.letter_name == "吴中区推荐函.pdf" and len(opinion.sha256) == 64
    log = TransitionLog.objects.get(application=application, transition="recommend")
    assert (log.actor, log.source, log.target, log.ip) == (reviewer, "district_review", "decision", "127.0.0.1")

    # The letter: to the applicant unit, the district office and the programme staff; 404 for others.
    url = reverse("review:district_letter", args=[application.pk, opinion.pk])
    other_district = District.objects.get(authority=application.programme.authority, division__code="320507")
    for user, expected in [
        (applicant, 200), (reviewer, 200), (staff_of(application), 200),
        (UserFactory(role=Role.DISTRICT, district=other_district, unit=None), 404),
        (UserFactory(role=Role.STAFF, authority=AuthorityFactory(), unit=None), 404),
        (UserFactory(unit=UnitFactory(), is_unit_admin=True), 404),
        (UserFactory(role=Role.EXPERT, unit=None), 404),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user.role
        if expected == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert "private" in response["Cache-Control"]
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(applicant)
    assert client.get(reverse("review:district_letter", args=[application.pk, opinion.pk + 1000])).status_code == 404


def test_suzhou_letter_must_be_a_pdf(client, seeded):
    application, _user = suzhou_county()
    client.force_login(district_reviewer(application))
    fake = SimpleUploadedFile("letter.pdf", b"not a pdf at all", content_type="application/pdf")
    page = decide(client, application, "recommend", letter=fake).content.decode()
    assert "not a real PDF" in page
    application.refresh_from_db()
    assert application.state == "district_review"


def test_suzhou_city_route_skips_the_district(seeded):
    application, _user = submitted("suzhou-2026", SUZHOU_DIVISION, lead_selected_by="city", field="电子信息",
                                   lead_has_provincial_carrier=True, lead_has_equity_fund=True)
    assert application.state == "decision"
    assert Application.objects.get(pk=application.pk).versions.count() == 1

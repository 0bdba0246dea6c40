"""The applicant's journey on PostgreSQL: draft, upload, eligibility, submit; access control."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationVersion, AttachmentFile, Member
from portal.lifecycle import ActionRefused
from portal.models import Role, UnitType
from tests import pdfs
from tests.factories import (
    ApplicationFactory,
    DistrictFactory,
    ProgrammeFactory,
    RequirementFactory,
    RuleFactory,
    UnitFactory,
    UserFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


def management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def editor_data(application, members=(), **overrides):
    data = {"name": application.name, "field": application.field, "goals": application.goals,
            "district": str(application.district_id or ""), "industry_chain": "", "lead_category": "",
            "operator_status": ""}
    for prefix in ("people", "budget_lines", "targets"):
        data.update(management(prefix))
    tasks = list(application.tasks.all())
    data.update(management("tasks", len(tasks), len(tasks)))
    for i, task in enumerate(tasks):
        data.update({f"tasks-{i}-id": str(task.pk), f"tasks-{i}-title": task.title, f"tasks-{i}-application": str(
            application.pk)})
    data.update(management("members", len(members)))
    for i, member in enumerate(members):
        for key, value in member.items():
            data[f"members-{i}-{key}"] = value
    data.update(overrides)
    return data


def member_row(n, unit_type="enterprise", credit_code=""):
    return {"name": f"成员单位{n}", "unit_type": unit_type, "role": "member", "credit_code": credit_code,
            "independent_legal_person": "on"}


@pytest.fixture
def programme():
    programme = ProgrammeFactory()
    RuleFactory(programme=programme, rule_key="min_members", params={"min": 3}, severity="hard",
                citation="三（一）2")
    RequirementFactory(programme=programme, code="agreement", name="组建协议", citation="三（一）3")
    return programme


@pytest.fixture
def applicant(programme):
    district = DistrictFactory(authority=programme.authority)
    unit = UnitFactory(division=district.division)
    return UserFactory(unit=unit, is_unit_admin=True)


@pytest.fixture
def draft(programme, applicant):
    return ApplicationFactory(programme=programme, unit=applicant.unit, created_by=applicant)


def upload(client, application, data, name="agreement.pdf", code="agreement"):
    return client.post(reverse("applications:attachment_upload", args=[application.pk, code]),
                       {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


# --- starting -----------------------------------------------------------------------------------

def test_start_application_prefills_district(client, programme, applicant):
    client.force_login(applicant)
    response = client.post(reverse("applications:application_start", args=[programme.code]))
    application = Application.objects.get()
    assert response.url == reverse("applications:application_edit", args=[application.pk])
    assert application.state == "draft"
    assert application.unit == applicant.unit
    assert application.district.division == applicant.unit.division


def test_starting_again_opens_the_units_draft_and_a_draft_can_be_deleted(client, programme, applicant,
                                                                         django_capture_on_commit_callbacks):
    """A second click on 开始申报 opens the unit's draft instead of making another; a draft, never
    submitted, is deleted after a confirmation, with its uploads."""
    client.force_login(applicant)
    start = reverse("applications:application_start", args=[programme.code])
    first = client.post(start).url
    second = client.post(start, follow=True)
    assert Application.objects.count() == 1 and second.redirect_chain[-1][0] == first
    assert "already has a draft" in second.content.decode()
    draft = Application.objects.get()
    assert upload(client, draft, pdfs.blank_pdf()).status_code == 302
    stored = draft.attachments.get().files.get().file.name
    url = reverse("applications:application_delete", args=[draft.pk])
    assert 'id="delete-draft"' in client.get(reverse("applications:application_edit", args=[draft.pk])).content.decode()
    assert client.get(url).status_code == 200
    client.post(url, {})  # not confirmed: kept
    assert Application.objects.filter(pk=draft.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the deletion is committed
        response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and not Application.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(stored)


def test_a_submitted_application_cannot_be_deleted_and_strangers_cannot_delete_a_draft(client, draft, applicant):
    from applications.services import delete_draft

    stranger = UserFactory()
    with pytest.raises(ActionRefused, match="Only a user of the applicant unit"):
        delete_draft(draft.pk, stranger)
    Application.objects.filter(pk=draft.pk).update(state="returned")
    with pytest.raises(ActionRefused, match="Only a draft that was never submitted"):
        delete_draft(draft.pk, applicant)
    client.force_login(stranger)
    assert client.get(reverse("applications:application_delete", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("opens,closes,expected", [(5, 30, "open on"), (-30, -5, "closed on")])
def test_closed_or_future_call_refuses_with_dates(client, applicant, programme, opens, closes, expected):
    today = timezone.localdate()
    programme.opens_on = today + datetime.timedelta(days=opens)
    programme.closes_on = today + datetime.timedelta(days=closes)
    programme.save()
    client.force_login(applicant)
    response = client.post(reverse("applications:application_start", args=[programme.code]), follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert not Application.objects.exists()
    text = response.content.decode()
    assert programme.opens_on.isoformat() in text and programme.closes_on.isoformat() in text


def test_only_applicants_can_start(client, programme):
    staff = UserFactory(role=Role.STAFF, authority=programme.authority, unit=None)
    client.force_login(staff)
    client.post(reverse("applications:application_start", args=[programme.code]))
    assert not Application.objects.exists()


# --- the editor ---------------------------------------------------------------------------------

def test_save_draft_with_members_and_come_back(client, draft, applicant):
    client.force_login(applicant)
    rows = [member_row(i, credit_code=make_credit_code()) for i in range(3)]
    response = client.post(reverse("applications:application_edit", args=[draft.pk]), editor_data(draft, rows, name="新名称"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "新名称"
    assert [m.name for m in draft.members.all()] == ["成员单位0", "成员单位1", "成员单位2"]
    page = client.get(reverse("applications:application_edit", args=[draft.pk])).content.decode()
    assert "成员单位2" in page and 'value="新名称"' in page


def test_validation_error_keeps_everything_typed(client, draft, applicant):
    client.force_login(applicant)
    rows = [member_row(1, credit_code="91350100M000100Y44"), member_row(2)]
    data = editor_data(draft, rows, name="未保存的名称", lead_revenue="十亿")
    response = client.post(reverse("applications:application_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="未保存的名称"' in page
    assert 'value="91350100M000100Y44"' in page and "成员单位2" in page
    assert 'value="十亿"' in page
    assert "is-invalid" in page
    draft.refresh_from_db()
    assert draft.name != "未保存的名称" and not draft.members.exists()


def test_remove_member_row(client, draft, applicant):
    client.force_login(applicant)
    m1 = Member.objects.create(application=draft, name="甲", unit_type="enterprise", order=0)
    m2 = Member.objects.create(application=draft, name="乙", unit_type="university", order=1)
    data = editor_data(draft)
    data.update(management("members", 2, 2))
    for i, m in enumerate([m1, m2]):
        data.update({f"members-{i}-id": str(m.pk), f"members-{i}-name": m.name, f"members-{i}-unit_type": m.unit_type,
                     f"members-{i}-role": "member", f"members-{i}-application": str(draft.pk)})
    data["members-0-DELETE"] = "on"
    assert client.post(reverse("applications:application_edit", args=[draft.pk]), data).status_code == 302
    assert [m.name for m in draft.members.all()] == ["乙"]


def test_live_eligibility_panel_follows_unsaved_data(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("applications:application_eligibility", args=[draft.pk])
    two = client.post(url, editor_data(draft, [member_row(1), member_row(2)])).content.decode()
    assert "三（一）2" in two and 'data-status="fail" data-key="min_members"' in two
    three = client.post(url, editor_data(draft, [member_row(i) for i in range(3)])).content.decode()
    assert 'data-key="min_members"' in three and 'data-status="pass" data-key="min_members"' in three
    assert not draft.members.exists(), "the live panel never saves"


# --- attachments --------------------------------------------------------------------------------

def test_upload_pdf_and_replace_keeps_versions(client, draft, applicant):
    client.force_login(applicant)
    upload(client, draft, pdfs.blank_pdf(), "协议.pdf")
    upload(client, draft, pdfs.blank_pdf(2), "协议-签章版.pdf")
    files = list(AttachmentFile.objects.filter(attachment__application=draft).order_by("version"))
    assert [(f.version, f.original_name, f.page_count) for f in files] == [(1, "协议.pdf", 1), (2, "协议-签章版.pdf", 2)]
    assert files[0].file.name != files[1].file.name
    response = client.get(reverse("applications:attachment_download", args=[draft.pk, files[0].pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("name,data,message", [
    ("agreement.pdf", b"just some text pretending", "does not match"),
    ("agreement.pdf", pdfs.encrypted_pdf(), "encrypted"),
    ("agreement.pdf", pdfs.broken_pdf(), "damaged"),
    ("agreement.docx", pdfs.blank_pdf(), "only PDF"),
    ("agreement.png", pdfs.png_bytes(), "only PDF"),
    ("agreement.pdf", b"", "empty"),
])
def test_bad_uploads_are_refused_with_a_clear_message(client, draft, applicant, name, data, message):
    client.force_login(applicant)
    response = upload(client, draft, data, name)
    follow = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert not AttachmentFile.objects.exists()
    assert message in follow.content.decode()


def test_size_limit(client, draft, applicant, programme):
    requirement = programme.attachment_requirements.get()
    requirement.max_mb = 1
    requirement.save()
    client.force_login(applicant)
    big = pdfs.blank_pdf() + b"%" + b"x" * (1024 * 1024)
    response = upload(client, draft, big)
    assert "limit" in client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert not AttachmentFile.objects.exists()


def test_images_where_allowed(client, draft, applicant, programme):
    requirement = programme.attachment_requirements.get()
    requirement.allow_images = True
    requirement.save()
    client.force_login(applicant)
    upload(client, draft, pdfs.png_bytes(), "licence.png")
    assert AttachmentFile.objects.get().content_type == "image/png"
    upload(client, draft, pdfs.blank_pdf(), "licence.png")
    assert AttachmentFile.objects.count() == 1, "extension and content must agree"


def test_file_uploaded_with_an_invalid_form_is_kept(client, draft, applicant):
    client.force_login(applicant)
    data = editor_data(draft, lead_revenue="abc")
    data["file-agreement"] = SimpleUploadedFile("a.pdf", pdfs.blank_pdf(), content_type="application/pdf")
    response = client.post(reverse("applications:application_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert AttachmentFile.objects.filter(attachment__application=draft).count() == 1


# --- submission ---------------------------------------------------------------------------------

def complete(draft, members=3):
    for i in range(members):
        Member.objects.create(application=draft, name=f"成员{i}", unit_type=UnitType.UNIVERSITY, order=i)


def test_submit_blocked_by_hard_failures(client, draft, applicant):
    client.force_login(applicant)
    page = client.get(reverse("applications:application_submit", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot be submitted yet" in page and "三（一）2" in page and "三（一）3" in page
    client.post(reverse("applications:application_submit", args=[draft.pk]), {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.state == "draft" and not draft.versions.exists()


def test_submit_needs_confirmation_then_freezes_a_version(client, draft, applicant):
    complete(draft)
    client.force_login(applicant)
    upload(client, draft, pdfs.blank_pdf())
    client.post(reverse("applications:application_submit", args=[draft.pk]), {})
    draft.refresh_from_db()
    assert draft.state == "draft", "no submission without the declaration"
    response = client.post(reverse("applications:application_submit", args=[draft.pk]), {"confirm": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "district_review"
    assert draft.submitted_at is not None
    version = ApplicationVersion.objects.get(application=draft)
    assert version.number == 1 and len(version.data["members"]) == 3
    assert version.data["attachments"][0]["sha256"] == AttachmentFile.objects.get().sha256
    detail = client.get(reverse("review:application_detail", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert detail.status_code == 200
    # After submission the editor, the upload and a second submission are refused.
    assert client.get(reverse("applications:application_edit", args=[draft.pk])).status_code == 302
    upload(client, draft, pdfs.blank_pdf())
    assert AttachmentFile.objects.count() == 1
    client.post(reverse("applications:application_submit", args=[draft.pk]), {"confirm": "1"})
    assert ApplicationVersion.objects.count() == 1
    assert client.get(reverse("applications:version_detail", args=[draft.pk, 1])).status_code == 200


def test_version_is_immutable(draft, applicant):
    version = ApplicationVersion.objects.create(application=draft, number=1, data={}, created_by=applicant)
    version.data = {"changed": True}
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()


def test_submission_skips_district_for_a_skipped_route(client, applicant, programme):
    programme.stages = [{"key": "district_review", "skip_when": {"lead_unit_types": ["new_rd"]}},
                        {"key": "formal_review"}, {"key": "filing"}]
    programme.save()
    applicant.unit.unit_type = UnitType.NEW_RD
    applicant.unit.save()
    draft = ApplicationFactory(programme=programme, unit=applicant.unit, created_by=applicant)
    complete(draft)
    client.force_login(applicant)
    upload(client, draft, pdfs.blank_pdf())
    client.post(reverse("applications:application_submit", args=[draft.pk]), {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.state == "formal_review"


def test_submission_refused_once_the_call_closed(client, draft, applicant, programme):
    complete(draft)
    client.force_login(applicant)
    upload(client, draft, pdfs.blank_pdf())
    programme.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    programme.save()
    response = client.post(reverse("applications:application_submit", args=[draft.pk]), {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "not open" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


# --- access control -----------------------------------------------------------------------------

def application_urls(application, file_id):
    pk = application.pk
    return [
        ("get", reverse("review:application_detail", args=[pk])),
        ("get", reverse("applications:application_edit", args=[pk])),
        ("post", reverse("applications:application_edit", args=[pk])),
        ("post", reverse("applications:application_eligibility", args=[pk])),
        ("post", reverse("applications:attachment_upload", args=[pk, "agreement"])),
        ("get", reverse("applications:attachment_download", args=[pk, file_id])),
        ("get", reverse("applications:application_submit", args=[pk])),
        ("post", reverse("applications:application_submit", args=[pk])),
        ("get", reverse("applications:version_detail", args=[pk, 1])),
    ]


@pytest.fixture
def submitted(client, draft, applicant):
    complete(draft)
    client.force_login(applicant)
    upload(client, draft, pdfs.blank_pdf())
    client.post(reverse("applications:application_submit", args=[draft.pk]), {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.state == "district_review"
    client.logout()
    return draft


def test_other_units_get_404_on_every_url(client, submitted, programme):
    file_id = AttachmentFile.objects.get().pk
    other = UserFactory(unit=UnitFactory(), is_unit_admin=True)
    client.force_login(other)
    for method, url in application_urls(submitted, file_id):
        response = getattr(client, method)(url, {"confirm": "1"} if method == "post" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    assert ApplicationVersion.objects.count() == 1


def test_file_of_another_application_is_404_even_with_own_application_id(client, submitted, programme):
    other = UserFactory(unit=UnitFactory(), is_unit_admin=True)
    own = ApplicationFactory(programme=programme, unit=other.unit, created_by=other)
    client.force_login(other)
    file_id = AttachmentFile.objects.get().pk
    assert client.get(reverse("applications:attachment_download", args=[own.pk, file_id])).status_code == 404


def test_reviewer_scopes(client, submitted, programme):
    file_id = AttachmentFile.objects.get().pk
    detail = reverse("review:application_detail", args=[submitted.pk])
    download = reverse("applications:attachment_download", args=[submitted.pk, file_id])
    own_district = UserFactory(role=Role.DISTRICT, district=submitted.district, unit=None)
    other_district = UserFactory(role=Role.DISTRICT, district=DistrictFactory(authority=programme.authority),
                                 unit=None)
    own_staff = UserFactory(role=Role.STAFF, authority=programme.authority, unit=None)
    other_staff = UserFactory(role=Role.STAFF, authority=DistrictFactory().authority, unit=None)
    expert = UserFactory(role=Role.EXPERT, unit=None)
    for user, expected in [(own_district, 200), (own_staff, 200), (other_district, 404), (other_staff, 404),
                           (expert, 404)]:
        client.force_login(user)
        assert client.get(detail).status_code == expected, user.role
        assert client.get(download).status_code == expected, user.role
        # Reviewers never edit the applicant's form.
        assert client.get(reverse("applications:application_edit", args=[submitted.pk])).status_code == 404


def test_drafts_are_invisible_to_reviewers(client, draft, programme):
    staff = UserFactory(role=Role.STAFF, authority=programme.authority, unit=None)
    client.force_login(staff)
    assert client.get(reverse("review:application_detail", args=[draft.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(reverse("review:application_detail", args=[draft.pk]))
    assert response.status_code == 302 and reverse("login") in response.url


# --- query counts -------------------------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["review:workspace", "review:application_detail"])
def test_query_counts_do_not_grow_with_members(client, django_assert_max_num_queries, programme, url_name):
    from applications import vocabulary

    for kind in vocabulary.MODELS:  # the vocabularies' names are cached (read once per five minutes)
        vocabulary.names(kind)
    counts = []
    for n in (1, 30):
        district = DistrictFactory(authority=programme.authority)
        user = UserFactory(unit=UnitFactory(division=district.division), is_unit_admin=True)
        application = ApplicationFactory(programme=programme, unit=user.unit, created_by=user, members=n)
        client.force_login(user)
        url = reverse(url_name, args=[application.pk] if url_name == "review:application_detail" else [])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- the whole journey, as the users would do it ----------------------------------------------------

def test_register_add_a_colleague_who_drafts_uploads_and_submits(client, programme):
    """register → the unit administrator adds a colleague → the colleague starts a draft, saves the
    members, uploads the agreement, submits; the administrator sees it; another unit cannot."""
    from portal.models import Unit, User
    from tests.factories import DivisionFactory
    from tests.portal.test_accounts import NEW_PASSWORD, registration_data

    # A district (区县) under the authority's region, as the registration form offers.
    district = DistrictFactory(authority=programme.authority,
                               division=DivisionFactory(parent=programme.authority.region))
    response = client.post(reverse("portal:register"), registration_data(district.division, username="unit-admin"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    admin = User.objects.get(username="unit-admin")
    unit = admin.unit
    assert admin.is_unit_admin and Unit.objects.filter(pk=unit.pk, division=district.division).exists()
    client.force_login(admin)
    response = client.post(reverse("portal:unit_users"), {
        "username": "colleague", "full_name": "赵六", "email": "zhao@example.com", "phone": "13900000000",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.post(reverse("logout"))

    assert client.login(username="colleague", password=NEW_PASSWORD)
    response = client.post(reverse("applications:application_start", args=[programme.code]))
    application = Application.objects.get(unit=unit)
    assert response.url == reverse("applications:application_edit", args=[application.pk])
    assert application.created_by.username == "colleague" and application.district == district
    rows = [member_row(i, unit_type="university", credit_code=make_credit_code()) for i in range(3)]
    data = editor_data(application, rows, name="苏州市测试创新联合体", goals="联合攻关关键核心技术。",
                       field=(programme.field_names() or ["电子信息"])[0], **management("tasks", 1))
    data.update({"tasks-0-title": "关键技术攻关", "tasks-0-description": "攻关内容", "tasks-0-responsible": unit.name,
                 "tasks-0-budget": "100"})
    assert client.post(reverse("applications:application_edit", args=[application.pk]), data).status_code == 302
    assert upload(client, application, pdfs.blank_pdf(), name="组建协议.pdf").status_code == 302
    response = client.post(reverse("applications:application_submit", args=[application.pk]), {"confirm": "1"})
    assert response.status_code == 302, [str(r.message) for r in response.context["blocking"]]
    application.refresh_from_db()
    assert application.state == "district_review" and application.name == "苏州市测试创新联合体"
    assert application.versions.get().data["attachments"][0]["name"] == "组建协议.pdf"

    client.force_login(admin)
    assert reverse("review:application_detail", args=[application.pk]) in client.get(reverse("review:workspace")).content.decode()
    client.force_login(UserFactory(unit=UnitFactory(division=district.division)))
    assert client.get(reverse("review:application_detail", args=[application.pk])).status_code == 404


def test_a_second_application_with_the_same_name_to_the_same_call_is_refused(seeded):
    """A unit files one application per name per call; after a withdrawal it may use the name again."""
    from applications import services
    from applications.states import State
    from tests.review_factories import make_application, make_draft

    first = make_application("weihai-2026", state=State.FORMAL_REVIEW)
    again = make_draft("weihai-2026", unit=first.unit, applicant=first.created_by, name=f" {first.name} ")
    with pytest.raises(ActionRefused, match="already submitted an application named"):
        services.submit(again.pk, first.created_by)
    assert Application.objects.get(pk=again.pk).state == State.DRAFT
    services.fire(first.pk, "withdraw", first.created_by, reason="重新组织")
    assert services.submit(again.pk, first.created_by).state != State.DRAFT


def test_the_submission_logs_the_client_behind_one_trusted_proxy(client, draft, applicant, settings):
    """The submission's log entry holds portal.clientip's address: behind one trusted proxy, the entry it appended."""
    from review.models import TransitionLog

    settings.TRUSTED_PROXY_COUNT = 1
    complete(draft)
    client.force_login(applicant)
    upload(client, draft, pdfs.blank_pdf())
    client.post(reverse("applications:application_submit", args=[draft.pk]), {"confirm": "1"},
                REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert TransitionLog.objects.get(application=draft, transition="submit").ip == "198.51.100.7"

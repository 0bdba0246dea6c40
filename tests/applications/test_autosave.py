"""Automatic saving of the editor: what it stores and what it keeps, the revision check, an expired session."""

import json

import pytest
from django.http import QueryDict
from django.urls import reverse

from applications.drafting import renumber
from applications.models import Application, ApplicationVersion, DraftState, Member
from notices.models import Job, Notification
from portal.models import Role
from review.models import TransitionLog
from tests.applications.test_applications import editor_data, member_row
from tests.factories import ApplicationFactory, DistrictFactory, ProgrammeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def applicant(programme):
    district = DistrictFactory(authority=programme.authority)
    return UserFactory(unit=UnitFactory(division=district.division), is_unit_admin=True, full_name="王一")


@pytest.fixture
def colleague(applicant):
    return UserFactory(unit=applicant.unit, full_name="李二")


@pytest.fixture
def draft(programme, applicant):
    return ApplicationFactory(programme=programme, unit=applicant.unit, created_by=applicant)


def autosave(client, application, data, revision=0):
    return client.post(reverse("applications:application_autosave", args=[application.pk]),
                       dict(data, revision=str(revision), editor_client="tab-1", editor_seq="3"))


def test_autosave_stores_the_fields_without_version_log_or_notice(client, draft, applicant):
    client.force_login(applicant)
    before = (ApplicationVersion.objects.count(), TransitionLog.objects.count(), Notification.objects.count(),
              Job.objects.count())
    response = autosave(client, draft, editor_data(draft, [member_row(1)], name="自动保存的名称", goals="新的目标"))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["revision"] == 1 and answer["complete"] is True and answer["kept"] == ""
    assert answer["message"] == f"Saved automatically at {answer['saved_at']}"
    draft.refresh_from_db()
    assert (draft.name, draft.goals, draft.state) == ("自动保存的名称", "新的目标", "draft")
    member = Member.objects.get(application=draft)
    assert answer["rows"]["members"] == [member.pk]
    assert (ApplicationVersion.objects.count(), TransitionLog.objects.count(), Notification.objects.count(),
            Job.objects.count()) == before
    state = DraftState.objects.get(application=draft)
    assert (state.revision, state.saved_by, state.automatic, state.client, state.client_seq) == (
        1, applicant, True, "tab-1", 3)
    # The page shows when it was saved.
    page = client.get(reverse("applications:application_edit", args=[draft.pk])).content.decode()
    assert f"Saved automatically at {answer['saved_at']}" in page
    assert 'name="revision" value="1"' in page


def test_rows_saved_automatically_are_not_saved_twice(client, draft, applicant):
    """The answer gives each posted row its id; the page renumbers its rows with them (as ``renumber``)."""
    client.force_login(applicant)
    data = editor_data(draft, [member_row(1), member_row(2)])
    answer = autosave(client, draft, data).json()
    posted = QueryDict(mutable=True)
    for key, value in data.items():
        posted.setlist(key, [value])
    again = {key: values[0] for key, values in renumber(dict(posted.lists()), "members", answer["rows"]["members"]).items()}
    again["members-1-name"] = "改名的成员单位"
    second = autosave(client, draft, again, revision=answer["revision"])
    assert second.status_code == 200, second.content
    assert list(Member.objects.filter(application=draft).values_list("name", flat=True)) == ["成员单位1", "改名的成员单位"]


def test_removed_rows_go_and_new_empty_rows_follow_the_saved_ones():
    data = {"members-TOTAL_FORMS": ["3"], "members-INITIAL_FORMS": ["2"],
            "members-0-id": ["11"], "members-0-name": ["甲"], "members-0-DELETE": ["on"],
            "members-1-id": ["12"], "members-1-name": ["乙"],
            "members-2-name": [""]}
    assert renumber(data, "members", [None, 12, None]) == {
        "members-TOTAL_FORMS": ["2"], "members-INITIAL_FORMS": ["1"],
        "members-0-id": ["12"], "members-0-name": ["乙"], "members-1-name": [""]}


def test_invalid_input_is_kept_and_shown_again_while_the_valid_parts_are_saved(client, draft, applicant):
    client.force_login(applicant)
    bad_member = {"name": "只填了名称的成员", "unit_type": "", "role": "member"}
    data = editor_data(draft, [bad_member], name="有效的名称", lead_revenue="十亿")
    answer = autosave(client, draft, data).json()
    assert answer["complete"] is False and answer["revision"] == 1
    assert "Application form" in answer["kept"] and "Member units" in answer["kept"]
    assert "row 1, Type: This field is required." in answer["kept"]
    draft.refresh_from_db()
    assert draft.name == "有效的名称" and draft.lead_revenue is None
    assert not Member.objects.filter(application=draft).exists()
    buffer = DraftState.objects.get(application=draft).buffer
    assert buffer["data"]["lead_revenue"] == ["十亿"] and buffer["data"]["members-0-name"] == ["只填了名称的成员"]
    page = client.get(reverse("applications:application_edit", args=[draft.pk])).content.decode()
    assert 'id="restored-buffer"' in page
    assert 'value="十亿"' in page and 'value="只填了名称的成员"' in page and "is-invalid" in page
    # Corrected, the next save stores everything and forgets the kept input.
    fixed = dict(data, lead_revenue="100000", **{"members-0-unit_type": "enterprise"})
    answer = autosave(client, draft, fixed, revision=1).json()
    assert answer["complete"] is True
    assert DraftState.objects.get(application=draft).buffer == {}
    assert Member.objects.get(application=draft).name == "只填了名称的成员"
    assert 'id="restored-buffer"' not in client.get(reverse("applications:application_edit", args=[draft.pk])).content.decode()


def test_a_save_from_an_older_revision_is_refused_with_who_saved_in_between(client, draft, applicant, colleague):
    client.force_login(colleague)
    assert autosave(client, draft, editor_data(draft, name="同事的名称")).status_code == 200
    client.force_login(applicant)
    response = autosave(client, draft, editor_data(draft, name="我的名称"), revision=0)
    assert response.status_code == 409
    answer = response.json()
    assert answer["error"] == "conflict" and answer["by"] == "李二" and answer["revision"] == 1
    assert "李二" in answer["message"] and answer["at"] in answer["message"]
    draft.refresh_from_db()
    assert draft.name == "同事的名称"
    assert DraftState.objects.get(application=draft).revision == 1


def test_the_save_button_checks_the_revision_too_and_keeps_the_input(client, draft, applicant, colleague):
    url = reverse("applications:application_edit", args=[draft.pk])
    client.force_login(colleague)
    assert autosave(client, draft, editor_data(draft, name="同事的名称")).status_code == 200
    client.force_login(applicant)
    response = client.post(url, dict(editor_data(draft, name="我按按钮保存的名称"), revision="0"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "李二 saved this draft at" in page and 'value="我按按钮保存的名称"' in page
    assert 'name="revision" value="1"' in page  # saving again (deliberately) replaces their version
    draft.refresh_from_db()
    assert draft.name == "同事的名称"
    response = client.post(url, dict(editor_data(draft, name="我按按钮保存的名称"), revision="1"))
    assert response.status_code == 302
    draft.refresh_from_db()
    state = DraftState.objects.get(application=draft)
    assert draft.name == "我按按钮保存的名称" and state.revision == 2 and state.automatic is False
    assert not ApplicationVersion.objects.filter(application=draft).exists()


def test_an_expired_session_answers_json_and_saves_nothing(client, draft):
    response = autosave(client, draft, editor_data(draft, name="过期后输入的名称"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "session has expired" in json.loads(response.content)["message"]
    draft.refresh_from_db()
    assert draft.name != "过期后输入的名称"
    assert not DraftState.objects.filter(application=draft).exists()


def test_other_units_and_reviewers_cannot_autosave(client, draft, programme):
    other = UserFactory(unit=UnitFactory(), is_unit_admin=True)
    client.force_login(other)
    assert autosave(client, draft, editor_data(draft, name="别人的")).status_code == 404
    staff = UserFactory(role=Role.STAFF, authority=programme.authority, unit=None)
    client.force_login(staff)
    assert autosave(client, draft, editor_data(draft, name="别人的")).status_code == 404
    draft.refresh_from_db()
    assert draft.name != "别人的"


def test_a_submitted_application_is_not_saved_automatically(client, programme, applicant):
    submitted = ApplicationFactory(programme=programme, unit=applicant.unit, created_by=applicant, submitted=True)
    client.force_login(applicant)
    response = autosave(client, submitted, editor_data(submitted, name="提交后改名"))
    assert response.status_code == 403 and response.json()["error"] == "refused"
    submitted.refresh_from_db()
    assert submitted.name != "提交后改名"


def test_a_view_of_the_editor_does_not_change_the_revision(client, draft, applicant):
    client.force_login(applicant)
    client.get(reverse("applications:application_edit", args=[draft.pk]))
    assert not DraftState.objects.filter(application=draft).exists()
    assert Application.objects.get(pk=draft.pk).updated_at == draft.updated_at

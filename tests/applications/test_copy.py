"""A new draft from an earlier application of the unit (以往申报为基础新建)."""

import datetime

import pytest
from django.urls import reverse

from applications.models import Application, AttachmentFile, DraftState
from applications.services import same_name_submitted
from applications.states import State
from portal.models import Role
from review.models import TransitionLog
from tests.factories import ApplicationFactory, UnitFactory, UserFactory
from tests.review_factories import applicant_user, make_draft, programme, unit_in

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db]

COPY = reverse("applications:application_copy")


def copy(client, source, code):
    return client.post(COPY, {"source": source.pk, "programme": code})


@pytest.fixture
def earlier():
    """A complete 中关村 application of a Beijing unit, with its tables and attachments."""
    return make_draft("zgc-2026")


def test_copy_of_a_zgc_application_for_the_beijing_call(client, earlier):
    user = earlier.created_by
    client.force_login(user)
    response = copy(client, earlier, "beijing-2026")
    new = Application.objects.exclude(pk=earlier.pk).get(unit=earlier.unit)
    assert response.status_code == 302 and response.url == reverse("applications:application_edit", args=[new.pk])
    assert new.programme.code == "beijing-2026" and new.state == State.DRAFT and new.created_by == user
    assert new.reference and new.reference != earlier.reference and new.reference.startswith("BJCXLHTSB")
    assert (new.name, new.goals, new.industry_chain, new.lead_revenue, new.lead_carriers) == (
        earlier.name, earlier.goals, earlier.industry_chain, earlier.lead_revenue, earlier.lead_carriers)
    # Fields the Beijing call does not ask are dropped; its field list does not have 中关村's field.
    assert (new.operator_status, new.total_investment, new.fulltime_staff, new.integrated_enterprises) == (
        "", None, None, None)
    assert new.field == earlier.field  # 新一代信息技术 is one of Beijing's fields too
    assert [m.name for m in new.members.all()] == [m.name for m in earlier.members.all()]
    assert [t.title for t in new.tasks.all()] == [t.title for t in earlier.tasks.all()]
    assert [(b.source, b.amount) for b in new.budget_lines.all()] == [(b.source, b.amount)
                                                                     for b in earlier.budget_lines.all()]
    assert [t.indicator for t in new.targets.all()] == [t.indicator for t in earlier.targets.all()]
    # Beijing's rules name its governance roles (三3): others come over as "other", none is lost.
    assert new.people.count() == earlier.people.count()
    assert set(new.people.values_list("role", flat=True)) == {"admin_head", "tech_head", "commissioner", "other"}
    # Not copied: attachments, versions, the log, the editing state.
    assert not AttachmentFile.objects.filter(attachment__application=new).exists()
    assert AttachmentFile.objects.filter(attachment__application=earlier).exists()
    assert not new.versions.exists() and not TransitionLog.objects.filter(application=new).exists()
    assert not DraftState.objects.filter(application=new).exists()


def test_copy_into_a_call_with_other_choices_empties_the_answers_it_does_not_offer(client):
    earlier = make_draft("beijing-2026")  # a formation mode and Beijing's field
    Application.objects.filter(pk=earlier.pk).update(lead_category="bj_leading_firm")  # 北京 四（一）1's own category
    client.force_login(earlier.created_by)
    copy(client, earlier, "jiangsu-2026")
    new = Application.objects.exclude(pk=earlier.pk).get(unit=earlier.unit)
    assert new.formation_mode == "" and new.field == ""  # Jiangsu has no formation modes; its own field list
    assert new.lead_category == ""  # a category of Beijing's own, which Jiangsu does not offer


def test_the_list_shows_the_units_applications_of_any_state_and_no_one_elses(client, earlier):
    user = earlier.created_by
    withdrawn = ApplicationFactory(programme=programme("weihai-2026"), unit=earlier.unit, created_by=user,
                                   name="撤回过的联合体", withdrawn=True)
    stranger = ApplicationFactory(programme=programme("weihai-2026"), unit=UnitFactory(), name="别家的联合体")
    client.force_login(user)
    page = client.get(COPY, {"programme": "beijing-2026"}).content.decode()
    assert earlier.name in page and withdrawn.name in page and stranger.name not in page
    assert f'name="source" value="{withdrawn.pk}"' in page
    searched = client.get(COPY, {"programme": "beijing-2026", "q": "撤回"}).content.decode()
    assert withdrawn.name in searched and earlier.name not in searched
    # Without a chosen call the list has no copy buttons yet.
    assert 'name="source"' not in client.get(COPY).content.decode()


def test_another_units_application_cannot_be_copied(client, earlier):
    other = applicant_user(unit_in("beijing-2026"))
    client.force_login(other)
    response = copy(client, earlier, "beijing-2026")
    assert response.status_code == 200
    assert "Only an application of your own unit can be copied." in response.content.decode()
    assert not Application.objects.filter(unit=other.unit).exists()


def test_copy_refused_while_the_unit_has_a_draft_for_that_call_and_for_a_closed_call(client, earlier):
    client.force_login(earlier.created_by)
    copy(client, earlier, "beijing-2026")
    response = copy(client, earlier, "beijing-2026")
    assert "already has a draft for this call" in response.content.decode()
    assert Application.objects.filter(unit=earlier.unit, programme__code="beijing-2026").count() == 1
    jiangsu = programme("jiangsu-2026")
    jiangsu.opens_on, jiangsu.closes_on = datetime.date(2000, 1, 1), datetime.date(2000, 2, 1)
    jiangsu.save()
    response = copy(client, earlier, "jiangsu-2026")
    assert "Choose an open call" in response.content.decode()
    assert not Application.objects.filter(unit=earlier.unit, programme=jiangsu).exists()


def test_same_name_already_submitted_to_that_call_is_warned(client, earlier):
    user = earlier.created_by
    ApplicationFactory(programme=programme("beijing-2026"), unit=earlier.unit, created_by=user, name=earlier.name,
                       submitted=True)
    client.force_login(user)
    response = copy(client, earlier, "beijing-2026")
    follow = client.get(response.url).content.decode()
    assert "already been submitted to this call" in follow
    new = Application.objects.get(unit=earlier.unit, programme__code="beijing-2026", state=State.DRAFT)
    assert same_name_submitted(new)  # what submit() refuses on, once the rest is complete


def test_only_applicants_copy(client, earlier):
    staff = UserFactory(role=Role.STAFF, authority=earlier.programme.authority, unit=None)
    client.force_login(staff)
    assert client.get(COPY).status_code == 302


def test_the_workspace_and_the_call_page_offer_the_copy(client, earlier):
    client.force_login(earlier.created_by)
    workspace = client.get(reverse("review:workspace")).content.decode()
    assert f'{COPY}?programme=beijing-2026' in workspace
    call = client.get(reverse("applications:call_detail", args=["beijing-2026"])).content.decode()
    assert 'id="copy-earlier"' in call

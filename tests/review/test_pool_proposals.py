"""The shared expert pool and holiday calendar: only the central registry keeper (and administrators)
change them; programme staff see them and propose, the keeper accepts (which applies the change in one
transaction) or declines with a reason, and each side is told through the inbox."""

import datetime

import pytest
from django.urls import reverse

from applications.models import Field
from notices.models import Notification
from portal.models import Role
from review import services
from review.calendar import WorkingCalendar
from review.models import Expert, ExpertRelation, HolidayDay, PoolProposal, ProposalNotice
from review.services import pool
from tests.factories import UserFactory, make_credit_code
from tests.review_factories import expert_user, make_application, programme, staff_user

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(seeded):
    return staff_user(programme("weihai-2026").authority)


@pytest.fixture
def other_staff(seeded):
    return staff_user(programme("suzhou-2026").authority)


@pytest.fixture
def registrar(db):
    return UserFactory(role=Role.REGISTRAR, unit=None, username="keeper")


@pytest.fixture
def expert(seeded):
    return expert_user(fields=("新一代信息技术",), name="王专家").expert_profile


def expert_post(expert, **changes):
    """The admin's change form of ``expert`` as a browser posts it (no relation rows added)."""
    data = {"name": expert.name, "title": expert.title, "affiliation": expert.affiliation,
            "affiliation_credit_code": expert.affiliation_credit_code, "phone": "", "email": "",
            "fields": [f.pk for f in expert.fields.all()], "active": "on" if expert.active else "",
            "relations-TOTAL_FORMS": "0", "relations-INITIAL_FORMS": "0", "relations-MIN_NUM_FORMS": "0",
            "relations-MAX_NUM_FORMS": "1000", **changes}
    return {key: value for key, value in data.items() if value != ""}


# --- the admin: staff see, the keeper changes --------------------------------------------------------------

def test_staff_see_the_pool_and_the_calendar_in_the_admin_but_cannot_change_them(client, staff, expert):
    client.force_login(staff)
    assert client.get(reverse("admin:review_expert_changelist")).status_code == 200
    assert client.get(reverse("admin:review_holidayday_changelist")).status_code == 200
    assert client.get(reverse("admin:review_expert_change", args=[expert.pk])).status_code == 200  # view only

    assert client.post(reverse("admin:review_expert_add"), expert_post(expert, name="新专家")).status_code == 403
    relation = {"relations-TOTAL_FORMS": "1", "relations-0-credit_code": make_credit_code(), "relations-0-note": "前雇主"}
    response = client.post(reverse("admin:review_expert_change", args=[expert.pk]),
                           expert_post(expert, active="", **relation))
    assert response.status_code == 403
    assert client.post(reverse("admin:review_expert_delete", args=[expert.pk]), {"post": "yes"}).status_code == 403
    expert.refresh_from_db()
    assert expert.active and not expert.relations.exists() and Expert.objects.filter(name="新专家").count() == 0

    day = HolidayDay.objects.get(date=D(2026, 10, 10))
    assert client.post(reverse("admin:review_holidayday_add"),
                       {"date": "2031-01-04", "name": "调休", "is_workday": "on"}).status_code == 403
    assert client.post(reverse("admin:review_holidayday_change", args=[day.pk]),
                       {"date": "2026-10-10", "name": day.name}).status_code == 403
    assert client.post(reverse("admin:review_holidayday_delete", args=[day.pk]), {"post": "yes"}).status_code == 403
    assert HolidayDay.objects.get(pk=day.pk).is_workday and not HolidayDay.objects.filter(date=D(2031, 1, 4)).exists()


def test_the_registrar_changes_the_pool_and_the_calendar_in_the_admin(client, registrar, expert):
    registrar.refresh_from_db()
    assert registrar.is_staff and not registrar.is_superuser
    client.force_login(registrar)
    code = make_credit_code()
    relation = {"relations-TOTAL_FORMS": "1", "relations-0-credit_code": code, "relations-0-note": "前雇主"}
    response = client.post(reverse("admin:review_expert_change", args=[expert.pk]),
                           expert_post(expert, active="", **relation))
    assert response.status_code == 302, response.content.decode()[:2000]
    expert.refresh_from_db()
    assert not expert.active and list(expert.relations.values_list("credit_code", flat=True)) == [code]
    assert client.post(reverse("admin:review_expert_add"), expert_post(expert, name="新专家")).status_code == 302
    assert client.post(reverse("admin:review_holidayday_add"),
                       {"date": "2031-01-04", "name": "调休", "is_workday": "on"}).status_code == 302
    assert HolidayDay.objects.get(date=D(2031, 1, 4)).is_workday
    # Nothing else of the admin is theirs: applications, users, programmes.
    assert client.get(reverse("admin:applications_application_changelist")).status_code == 403
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
    assert client.get(reverse("admin:applications_programme_changelist")).status_code == 403


def test_the_registrar_has_no_authority_scope(seeded):
    from django.db import IntegrityError, transaction

    from portal.models import Authority

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.REGISTRAR, unit=None, authority=Authority.objects.first())


# --- proposals through the pages ------------------------------------------------------------------------

def propose(client, staff, kind, data, expert=None):
    client.force_login(staff)
    url = reverse("review:proposal_new", args=[kind]) + (f"?expert={expert.pk}" if expert else "")
    assert client.get(url).status_code == 200
    response = client.post(url, {**data, **({"expert": expert.pk} if expert else {})})
    assert response.status_code == 302, response.content.decode()[:3000]
    return PoolProposal.objects.latest("pk")


def decide(client, registrar, proposal, action, note=""):
    client.force_login(registrar)
    response = client.post(reverse("review:proposal_decide", args=[proposal.pk]), {"action": action, "note": note})
    assert response.status_code == 302
    proposal.refresh_from_db()
    return proposal


def test_an_accepted_new_expert_joins_the_pool_and_both_sides_are_told(client, staff, registrar):
    fields = list(Field.objects.filter(parent=None).order_by("pk")[:2])
    proposal = propose(client, staff, "new_expert", {
        "name": "李研究员", "title": "研究员", "affiliation": "威海某研究院", "affiliation_credit_code": "",
        "fields": [f.pk for f in fields], "reason": "补充海洋装备领域专家"})
    assert proposal.is_pending and proposal.authority == staff.authority and proposal.proposed_by == staff
    assert not Expert.objects.filter(name="李研究员").exists()
    told = Notification.objects.get(recipient=registrar, kind=ProposalNotice.PROPOSED)
    assert told.url == reverse("review:proposal_detail", args=[proposal.pk])

    client.force_login(registrar)
    page = client.get(reverse("review:proposal_detail", args=[proposal.pk]))  # the keeper's view
    assert "李研究员" in page.content.decode() and 'id="proposal-decide"' in page.content.decode()
    proposal = decide(client, registrar, proposal, "accept", "已核实")
    assert proposal.is_accepted and proposal.decided_by == registrar and proposal.decided_at
    expert = Expert.objects.get(name="李研究员")
    assert proposal.expert == expert and expert.active
    assert set(expert.fields.all()) == set(fields)
    assert Notification.objects.filter(recipient=staff, kind=ProposalNotice.ACCEPTED).exists()


def test_a_declined_proposal_changes_nothing_and_needs_a_reason(client, staff, registrar, expert):
    proposal = propose(client, staff, "change_expert", {**_expert_form(expert), "active": "", "reason": "已退休"},
                       expert=expert)
    assert proposal.values == {"active": False}  # only what differs from the pool
    proposal = decide(client, registrar, proposal, "decline", "")
    assert proposal.is_pending  # no reason: refused
    proposal = decide(client, registrar, proposal, "decline", "尚未退休，仍可参评")
    assert proposal.status == PoolProposal.Status.DECLINED and proposal.note == "尚未退休，仍可参评"
    expert.refresh_from_db()
    assert expert.active
    notice = Notification.objects.get(recipient=staff, kind=ProposalNotice.DECLINED)
    assert "尚未退休，仍可参评" in notice.body
    # Decided once: accepting it afterwards is refused.
    assert decide(client, registrar, proposal, "accept").status == PoolProposal.Status.DECLINED


def test_an_accepted_deactivation_takes_the_expert_out_of_the_draws(client, staff, registrar, expert):
    from review.selectors import expert_pool

    proposal = propose(client, staff, "change_expert", {**_expert_form(expert), "active": "", "reason": "已退休"},
                       expert=expert)
    assert expert in expert_pool()
    decide(client, registrar, proposal, "accept")
    assert expert not in expert_pool()


def test_an_unchanged_expert_is_not_proposed(client, staff, expert):
    client.force_login(staff)
    url = reverse("review:proposal_new", args=["change_expert"]) + f"?expert={expert.pk}"
    response = client.post(url, {**_expert_form(expert), "active": "on", "reason": "无", "expert": expert.pk})
    assert response.status_code == 200 and "The proposal changes nothing." in response.content.decode()
    assert not PoolProposal.objects.exists()


def test_an_accepted_relation_excludes_the_expert_from_that_units_application(client, staff, registrar, expert):
    application = make_application("weihai-2026")
    assert not services.conflicts(application, expert)
    proposal = propose(client, staff, "relation", {"credit_code": application.unit.credit_code.lower(),
                                                   "note": "曾任该单位顾问", "reason": "专家申报的关联关系"}, expert=expert)
    assert not ExpertRelation.objects.exists()
    decide(client, registrar, proposal, "accept")
    assert list(expert.relations.values_list("credit_code", flat=True)) == [application.unit.credit_code]
    assert services.conflicts(application, expert)


def test_the_calendar_follows_an_accepted_holiday_proposal(client, staff, registrar):
    saturday = D(2026, 10, 17)
    assert saturday.weekday() == 5
    assert WorkingCalendar().period(D(2026, 10, 12), 6).end == D(2026, 10, 19)
    proposal = propose(client, staff, "holiday", {"date": "2026-10-17", "is_workday": "on", "name": "调休上班",
                                                  "reason": "国务院办公厅通知"})
    assert WorkingCalendar().period(D(2026, 10, 12), 6).end == D(2026, 10, 19)  # not before it is accepted
    decide(client, registrar, proposal, "accept")
    assert WorkingCalendar().is_workday(saturday)
    assert WorkingCalendar().period(D(2026, 10, 12), 6).end == D(2026, 10, 17)
    # A proposal about a day already in the table changes it: the make-up Saturday 10-10 becomes a weekend day.
    proposal = propose(client, staff, "holiday", {"date": "2026-10-10", "name": "取消调休", "reason": "通知更正"})
    assert "yes" in [str(now) for _label, now, _proposed in proposal.rows()]  # the page shows the day as it is
    decide(client, registrar, proposal, "accept")
    assert not WorkingCalendar().is_workday(D(2026, 10, 10))


def _expert_form(expert):
    return {"name": expert.name, "title": expert.title, "affiliation": expert.affiliation,
            "affiliation_credit_code": expert.affiliation_credit_code, "phone": expert.phone, "email": expert.email,
            "fields": [f.pk for f in expert.fields.all()]}


# --- who sees and does what ------------------------------------------------------------------------------

def test_another_authoritys_staff_see_only_their_own_proposals(client, staff, other_staff, registrar):
    mine = propose(client, staff, "holiday", {"date": "2031-01-04", "is_workday": "on", "reason": "调休"})
    theirs = propose(client, other_staff, "holiday", {"date": "2031-01-05", "is_workday": "on", "reason": "调休"})
    client.force_login(other_staff)
    listing = client.get(reverse("review:proposal_list")).content.decode()
    assert reverse("review:proposal_detail", args=[theirs.pk]) in listing
    assert reverse("review:proposal_detail", args=[mine.pk]) not in listing
    assert client.get(reverse("review:proposal_detail", args=[mine.pk])).status_code == 404
    client.force_login(registrar)
    queue = client.get(reverse("review:proposal_list"), {"status": "pending"}).content.decode()
    assert all(reverse("review:proposal_detail", args=[p.pk]) in queue for p in (mine, theirs))


def test_staff_cannot_decide_and_the_keeper_does_not_propose(client, staff, registrar):
    proposal = propose(client, staff, "holiday", {"date": "2031-01-04", "is_workday": "on", "reason": "调休"})
    client.force_login(staff)
    response = client.post(reverse("review:proposal_decide", args=[proposal.pk]), {"action": "accept"})
    assert response.status_code == 403
    assert 'id="proposal-decide"' not in client.get(reverse("review:proposal_detail", args=[proposal.pk])).content.decode()
    with pytest.raises(pool.ActionRefused):
        pool.accept(proposal.pk, staff)
    proposal.refresh_from_db()
    assert proposal.is_pending and not HolidayDay.objects.filter(date=D(2031, 1, 4)).exists()
    client.force_login(registrar)
    assert client.get(reverse("review:proposal_new", args=["holiday"])).status_code == 403


def test_the_pool_page_lists_and_searches_the_experts(client, staff, expert, seeded):
    other = expert_user(fields=("新材料",), name="赵专家", affiliation="某材料研究所").expert_profile
    client.force_login(staff)
    page = client.get(reverse("review:expert_pool")).content.decode()
    assert "王专家" in page and "赵专家" in page and 'id="propose-expert"' in page
    found = client.get(reverse("review:expert_pool"), {"q": "材料研究所"}).content.decode()
    assert "赵专家" in found and "王专家" not in found
    assert f"?expert={other.pk}" in found  # propose a change from the row
    applicant = UserFactory(role=Role.APPLICANT)
    client.force_login(applicant)
    assert client.get(reverse("review:expert_pool")).status_code == 403


def test_the_sidebar_leads_staff_to_the_pool_and_the_keeper_to_the_queue(client, staff, registrar):
    client.force_login(staff)
    html = client.get(reverse("review:workspace")).content.decode()
    assert f'id="menu-review-expert-pool" href="{reverse("review:expert_pool")}"' in html
    assert 'id="menu-review-proposals"' in html and 'id="menu-review-proposal-queue"' not in html
    client.force_login(registrar)
    html = client.get(reverse("review:workspace")).content.decode()
    assert 'class="sidebar-nav' in html  # the back office's layout
    assert 'id="menu-review-proposal-queue"' in html and 'id="menu-review-holidays"' in html
    assert 'id="menu-review-expert-pool"' in html

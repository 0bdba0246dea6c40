"""Accounts and units through the views: registration, unit users, login, passwords, language, pages."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from applications.models import Application
from portal.models import Role, Unit, User
from tests.factories import (
    ApplicationFactory,
    AuthorityFactory,
    DistrictFactory,
    DivisionFactory,
    ProgrammeFactory,
    RequirementFactory,
    RuleFactory,
    UnitFactory,
    UserFactory,
    make_credit_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.chinese]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory
NEW_PASSWORD = "Qm7#tall-Lantern-42"


def zh(msgid, **params):
    """The text the Chinese UI shows for an English msgid (whatever the catalogue holds)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


@pytest.fixture
def divisions():
    province = DivisionFactory(code="320000", name="江苏省")
    city = DivisionFactory(code="320500", name="苏州市", parent=province)
    district = DivisionFactory(code="320505", name="虎丘区", parent=city)
    return {"province": province, "city": city, "district": district}


def registration_data(where, **overrides):
    data = {
        "name": "苏州测试智能科技有限公司",
        "credit_code": make_credit_code(where.code),
        "unit_type": "enterprise",
        "independent_legal_person": "on",
        "legal_representative": "张三",
        "address": "苏州市虎丘区测试路1号",
        "division": str(where.pk),
        "contact_name": "李四",
        "contact_phone": "0512-12345678",
        "contact_email": "contact@example.com",
        "username": "suzhou-admin",
        "full_name": "王五",
        "email": "wangwu@example.com",
        "phone": "13800000000",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def login_data(username, password=PASSWORD, **extra):
    """The login's first step (the password) as the form posts it."""
    return {"login_view-current_step": "auth", "auth-username": username, "auth-password": password, **extra}


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), login_data(username, password))


def client_class_instance():
    """A second browser."""
    return Client()


def logged_in(client):
    return "_auth_user_id" in client.session


def full_width(text):
    """ASCII letters and digits as full-width characters, letters in lower case."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in text.lower())


@pytest.fixture
def unit_admin(db):
    return UserFactory(username="unitadmin", is_unit_admin=True)


@pytest.fixture
def colleague(unit_admin):
    return UserFactory(username="colleague", unit=unit_admin.unit)


# --- registration -----------------------------------------------------------------------------

class TestRegistration:
    def test_page_offers_two_fieldsets_and_the_division_codes(self, client, divisions):
        response = client.get(reverse("portal:register"))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<fieldset") == 2
        # Each option carries its code and its parent's (the credit-code hint and the cascading selects).
        codes = {code: (int(pk), parent) for pk, code, parent in re.findall(
            r'<option value="(\d+)" data-code="(\d{6})" data-parent="(\d{6})"', html)}
        assert codes["320505"] == (divisions["district"].pk, "320500")
        assert codes["320500"] == (divisions["city"].pk, "320000")
        assert "320000" not in codes  # provinces are not selectable: they group the options
        assert '<optgroup label="江苏省">' in html
        assert "portal/register.js" in html and "portal/division-select.js" in html
        assert "data-suggest-template" in html

    def test_success_creates_unit_and_admin_and_logs_in(self, client, divisions):
        data = registration_data(divisions["district"])
        response = client.post(reverse("portal:register"), data)
        assert response.status_code == 302
        assert response.url == reverse("review:workspace")
        unit = Unit.objects.get(credit_code=data["credit_code"])
        assert unit.name == data["name"]
        assert unit.division == divisions["district"]
        user = User.objects.get(username="suzhou-admin")
        assert user.unit == unit
        assert user.role == Role.APPLICANT
        assert user.is_unit_admin
        assert user.check_password(NEW_PASSWORD)
        assert logged_in(client)
        assert int(client.session["_auth_user_id"]) == user.pk
        page = client.get(reverse("review:workspace"))
        assert page.status_code == 200
        assert escape(zh("Your unit is registered and you are its administrator.")) in page.content.decode()

    def test_full_width_lower_case_code_is_stored_normalised(self, client, divisions):
        code = make_credit_code("320505")
        client.post(reverse("portal:register"), registration_data(divisions["district"], credit_code=full_width(code)))
        assert Unit.objects.filter(credit_code=code).exists()

    def test_invalid_code_shows_chinese_error_and_keeps_the_values(self, client, divisions):
        good = make_credit_code("320505")
        bad = good[:17] + next(c for c in "0123456789ABC" if c != good[17])
        data = registration_data(divisions["district"], credit_code=bad)
        response = client.post(reverse("portal:register"), data)
        assert response.status_code == 200
        html = response.content.decode()
        message = zh("The check character (the 18th) does not match: please check each character of the code "
                     "against the business licence.")
        assert escape(message) in html
        form = response.context["form"]
        assert form.errors["credit_code"] == [message]
        # What the user typed is still there (passwords excepted).
        for name in ("name", "legal_representative", "address", "contact_phone", "username", "full_name",
                     "email", "phone"):
            assert f'value="{escape(data[name])}"' in html, name
        assert f'value="{bad}"' in html
        assert re.search(rf'<option value="{divisions["district"].pk}" selected data-code="320505"', html)
        assert not Unit.objects.exists()
        assert not User.objects.exists()
        assert not logged_in(client)

    def test_too_short_code_message(self, client, divisions):
        response = client.post(reverse("portal:register"), registration_data(divisions["district"], credit_code="9132"))
        assert response.status_code == 200
        assert response.context["form"].errors["credit_code"] == [
            zh("The unified social credit code has 18 characters; %(n)d were entered.", n=4)]

    def test_same_code_again_is_refused_even_full_width(self, client, divisions):
        existing = UnitFactory(division=divisions["district"])
        for typed in (existing.credit_code, full_width(existing.credit_code), existing.credit_code.lower(),
                      " ".join([existing.credit_code[:6], existing.credit_code[6:]])):
            data = registration_data(divisions["district"], credit_code=typed, username="second")
            response = client.post(reverse("portal:register"), data)
            assert response.status_code == 200, typed
            message = zh("A unit with this credit code is already registered. One unit registers once: please ask "
                         "your unit administrator to add you as a user.")
            assert response.context["form"].errors["credit_code"] == [message]
            assert escape(message) in response.content.decode()
        assert Unit.objects.count() == 1
        assert not User.objects.filter(username="second").exists()

    def test_passwords_must_match(self, client, divisions):
        response = client.post(reverse("portal:register"),
                               registration_data(divisions["district"], password2=NEW_PASSWORD + "x"))
        assert response.status_code == 200
        assert response.context["form"].errors["password2"] == [zh("The two passwords differ.")]
        assert not Unit.objects.exists()

    def test_server_side_division_suggestion_is_shown(self, client, divisions):
        data = registration_data(divisions["district"], credit_code=make_credit_code("320505"), division="")
        response = client.post(reverse("portal:register"), data)
        assert response.status_code == 200
        assert response.context["suggestion"] == divisions["district"]
        assert divisions["district"].full_name in response.content.decode()

    def test_logged_in_user_is_sent_to_workspace(self, client, unit_admin):
        client.force_login(unit_admin)
        assert client.get(reverse("portal:register")).url == reverse("review:workspace")


# --- unit users ---------------------------------------------------------------------------------

class TestUnitUsers:
    def test_admin_adds_a_user_who_can_log_in(self, client, unit_admin):
        client.force_login(unit_admin)
        response = client.post(reverse("portal:unit_users"), {
            "username": "newcolleague", "full_name": "赵六", "email": "zhao@example.com", "phone": "13900000000",
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        })
        assert response.status_code == 302
        assert response.url == reverse("portal:unit_users")
        added = User.objects.get(username="newcolleague")
        assert added.unit == unit_admin.unit
        assert added.role == Role.APPLICANT
        assert not added.is_unit_admin
        page = client.get(reverse("portal:unit_users"))
        assert "newcolleague" in page.content.decode()
        client.post(reverse("logout"))
        assert login(client, "newcolleague", NEW_PASSWORD).status_code == 302
        assert logged_in(client)

    def test_add_user_form_errors_are_shown(self, client, unit_admin):
        client.force_login(unit_admin)
        response = client.post(reverse("portal:unit_users"), {"username": "x", "password1": "a", "password2": "b"})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert 'is-invalid' in response.content.decode()

    def test_non_admin_gets_403(self, client, colleague):
        client.force_login(colleague)
        response = client.get(reverse("portal:unit_users"))
        assert response.status_code == 403
        html = response.content.decode()
        assert escape(zh("Only the unit administrator may do this.")) in html
        assert '<meta charset="utf-8">' in html
        assert client.post(reverse("portal:unit_user_toggle", args=[colleague.pk])).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("portal:unit_users"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_list_shows_users_with_confirmation_step(self, client, unit_admin, colleague):
        client.force_login(unit_admin)
        html = client.get(reverse("portal:unit_users")).content.decode()
        assert colleague.display_name in html
        assert "<details" in html
        assert reverse("portal:unit_user_toggle", args=[colleague.pk]) in html
        # No toggle for the admin himself.
        assert reverse("portal:unit_user_toggle", args=[unit_admin.pk]) not in html

    def test_disable_requires_post_and_prevents_login(self, client, unit_admin, colleague):
        client.force_login(unit_admin)
        url = reverse("portal:unit_user_toggle", args=[colleague.pk])
        assert client.get(url).status_code == 405
        colleague.refresh_from_db()
        assert colleague.is_active
        response = client.post(url)
        assert response.status_code == 302
        colleague.refresh_from_db()
        assert not colleague.is_active
        page = client.get(reverse("portal:unit_users")).content.decode()
        assert escape(zh("%(name)s is disabled and can no longer log in.", name=colleague.display_name)) in page

        other = client_class_instance()
        response = login(other, "colleague")
        assert response.status_code == 200  # the form again, with an error
        assert not logged_in(other)

        client.post(url)  # enable again
        colleague.refresh_from_db()
        assert colleague.is_active
        assert login(other, "colleague").status_code == 302
        assert logged_in(other)

    def test_disabled_user_session_ends(self, client, unit_admin, colleague):
        other = client_class_instance()
        other.force_login(colleague)
        assert other.get(reverse("review:workspace")).status_code == 200
        client.force_login(unit_admin)
        client.post(reverse("portal:unit_user_toggle", args=[colleague.pk]))
        assert other.get(reverse("review:workspace")).status_code == 302

    def test_admin_cannot_disable_himself(self, client, unit_admin):
        client.force_login(unit_admin)
        response = client.post(reverse("portal:unit_user_toggle", args=[unit_admin.pk]), follow=True)
        unit_admin.refresh_from_db()
        assert unit_admin.is_active
        assert escape(zh("You cannot disable your own account.")) in response.content.decode()
        assert 'alert-danger' in response.content.decode()

    def test_other_units_user_gives_404(self, client, unit_admin):
        stranger = UserFactory(username="stranger")
        assert stranger.unit != unit_admin.unit
        client.force_login(unit_admin)
        assert client.post(reverse("portal:unit_user_toggle", args=[stranger.pk])).status_code == 404
        stranger.refresh_from_db()
        assert stranger.is_active



# --- unit profile ---------------------------------------------------------------------------------

class TestUnitProfile:
    def test_admin_edits(self, client, unit_admin):
        client.force_login(unit_admin)
        unit = unit_admin.unit
        response = client.get(reverse("portal:unit_profile"))
        assert response.status_code == 200
        form = response.context["form"]
        data = {name: form[name].value() for name in form.fields}
        data["independent_legal_person"] = "on"
        data["address"] = "新地址88号"
        data["division"] = str(unit.division_id)
        # A root division is not selectable: give the unit a selectable one.
        child = DivisionFactory(parent=unit.division)
        data["division"] = str(child.pk)
        response = client.post(reverse("portal:unit_profile"), data)
        assert response.status_code == 302, response.context["form"].errors
        unit.refresh_from_db()
        assert unit.address == "新地址88号"

    def test_the_credit_code_cannot_be_changed_on_the_profile(self, client, unit_admin):
        """Fixed at registration: a posted code is ignored (a credit record cannot be escaped that way)."""
        client.force_login(unit_admin)
        unit = unit_admin.unit
        code = unit.credit_code
        form = client.get(reverse("portal:unit_profile")).context["form"]
        assert form.fields["credit_code"].disabled
        data = {name: form[name].value() for name in form.fields}
        data.update(independent_legal_person="on", address="新地址99号", credit_code=make_credit_code(),
                    division=str(DivisionFactory(parent=unit.division).pk))
        assert client.post(reverse("portal:unit_profile"), data).status_code == 302
        unit.refresh_from_db()
        assert unit.address == "新地址99号" and unit.credit_code == code

    def test_colleague_sees_read_only(self, client, colleague):
        client.force_login(colleague)
        response = client.get(reverse("portal:unit_profile"))
        assert response.status_code == 200
        assert "disabled" in response.content.decode()
        assert client.post(reverse("portal:unit_profile"), {"name": "x"}).status_code == 403


# --- login, logout, passwords --------------------------------------------------------------------

class TestLogin:
    def test_login_and_logout(self, client, unit_admin):
        response = login(client, "unitadmin")
        assert response.status_code == 302
        assert response.url == reverse("review:workspace")
        assert logged_in(client)
        page = client.get(reverse("review:workspace")).content.decode()
        assert unit_admin.display_name in page
        assert f'action="{reverse("logout")}"' in page
        assert client.get(reverse("logout")).status_code == 405  # Django 5: POST only
        assert logged_in(client)
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert response.url == reverse("applications:home")
        assert not logged_in(client)

    def test_wrong_password(self, client, unit_admin):
        response = login(client, "unitadmin", "wrong-password")
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not logged_in(client)

    def test_next_is_kept(self, client, unit_admin):
        page = client.get(reverse("login") + "?next=/unit/")
        assert 'name="next" value="/unit/"' in page.content.decode()
        response = client.post(reverse("login"), login_data("unitadmin", next="/unit/"))
        assert response.url == "/unit/"

    def test_password_change(self, client, unit_admin):
        client.force_login(unit_admin)
        assert client.get(reverse("password_change")).status_code == 200
        response = client.post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("password_change_done")
        assert client.get(response.url).status_code == 200
        assert logged_in(client)  # the session survives the change
        client.post(reverse("logout"))
        assert login(client, "unitadmin", PASSWORD).status_code == 200
        assert login(client, "unitadmin", NEW_PASSWORD).status_code == 302

    def test_password_reset_by_email(self, client, unit_admin):
        assert client.get(reverse("password_reset")).status_code == 200
        response = client.post(reverse("password_reset"), {"email": unit_admin.email})
        assert response.status_code == 302
        assert client.get(response.url).status_code == 200
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [unit_admin.email]
        assert message.subject == zh("Reset your password")
        assert zh("To set a new password, open this link:") in message.body
        assert unit_admin.username in message.body
        assert "&amp;" not in message.body and "&#" not in message.body
        link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", message.body).group(1)
        response = client.get(link)
        assert response.status_code == 302  # to the set-password URL, token moved into the session
        set_url = response.url
        page = client.get(set_url)
        assert page.status_code == 200
        assert page.context["validlink"]
        response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_complete")
        assert client.get(response.url).status_code == 200
        assert login(client, "unitadmin", NEW_PASSWORD).status_code == 302
        # The link works once.
        other = client_class_instance()
        response = other.get(link, follow=True)
        assert not response.context["validlink"]

    def test_password_reset_unknown_address_sends_nothing(self, client):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
        assert response.status_code == 302
        assert mail.outbox == []

    def test_locked_out_page_renders(self, rf):
        from django.template.loader import render_to_string

        request = rf.get("/accounts/login/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        html = render_to_string("registration/locked_out.html", {
            "failure_limit": 5, "username": "x", "cooloff_timedelta": datetime.timedelta(minutes=30)},
            request=request)
        assert "30" in html
        assert '<meta charset="utf-8">' in html


# --- language ------------------------------------------------------------------------------------

def test_language_switch_to_english(client):
    chinese = client.get(reverse("applications:home")).content.decode()
    assert '<html lang="zh-hans">' in chinese
    zh_login = zh("Log in")
    assert zh_login in chinese
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("applications:call_list")})
    assert response.status_code == 302
    assert response.url == reverse("applications:call_list")
    english = client.get(reverse("applications:home")).content.decode()
    assert '<html lang="en">' in english
    assert ">Log in<" in english
    if zh_login != "Log in":  # a compiled catalogue: the visible text changed
        assert zh_login not in english
    # And back.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get(reverse("applications:home")).content.decode()


def test_language_switcher_is_a_post_form_with_next(client):
    html = client.get(reverse("applications:call_list") + "?page=1").content.decode()
    form = re.search(r'<form class="language-switch[^>]*>.*?</form>', html, re.S).group(0)
    assert 'method="post"' in form
    assert f'action="{reverse("set_language")}"' in form
    assert 'name="next" value="/calls/?page=1"' in form
    assert 'value="en"' in form and 'value="zh-hans"' in form


# --- public pages ----------------------------------------------------------------------------------

@pytest.fixture
def programme(db):
    programme = ProgrammeFactory(
        summary="第一段条件。\n\n第二段条件。", contact="科技局 0512-00000000", formation_modes=["企业牵头"],
        document_number="苏科规〔2024〕1号")
    RuleFactory(programme=programme, rule_key="min_members", params={"min": 8}, severity="soft", citation="三（一）2")
    RuleFactory(programme=programme, rule_key="lead_independent_legal_person", params={}, citation="三（一）1")
    RequirementFactory(programme=programme, code="agreement", name="组建协议", description="各方盖章")
    RequirementFactory(programme=programme, code="other", name="其他材料", required=False)
    return programme


class TestPublicPages:
    def test_home_lists_open_calls(self, client, programme):
        closed = ProgrammeFactory(opens_on=timezone.localdate() - datetime.timedelta(days=60),
                                  closes_on=timezone.localdate() - datetime.timedelta(days=1))
        html = client.get(reverse("applications:home")).content.decode()
        assert programme.title in html
        assert programme.get_absolute_url() in html
        assert programme.closes_on.isoformat() in html
        assert closed.title not in html
        assert reverse("portal:register") in html and reverse("login") in html

    def test_call_list_with_statuses(self, client, programme):
        today = timezone.localdate()
        ProgrammeFactory(title="未开始的通知", opens_on=today + datetime.timedelta(days=3),
                         closes_on=today + datetime.timedelta(days=20))
        ProgrammeFactory(title="已截止的通知", opens_on=today - datetime.timedelta(days=30),
                         closes_on=today - datetime.timedelta(days=1))
        ProgrammeFactory(title="未发布的通知", published=False)
        html = client.get(reverse("applications:call_list")).content.decode()
        assert programme.title in html and "未开始的通知" in html and "已截止的通知" in html
        assert "未发布的通知" not in html
        assert "call-open" in html and "call-upcoming" in html and "call-closed" in html
        assert programme.authority.name in html

    def test_call_list_paginates(self, client):
        ProgrammeFactory.create_batch(21)
        first = client.get(reverse("applications:call_list"))
        assert len(first.context["page"].object_list) == 20
        assert "?page=2" in first.content.decode()
        assert client.get(reverse("applications:call_list") + "?page=2").status_code == 200

    def test_call_detail_for_anonymous(self, client, programme):
        html = client.get(programme.get_absolute_url()).content.decode()
        assert programme.title in html
        assert programme.guideline_title in html
        assert programme.document_number in html
        assert programme.authority.name in html
        assert "<p>第一段条件。</p>" in html
        assert "企业牵头" in html and "电子信息" in html
        with translation.override("zh-hans"):
            from applications.rules import REGISTRY

            assert f"{REGISTRY['min_members'].label}：8" in html
            assert str(REGISTRY["lead_independent_legal_person"].label) in html
        assert "severity-soft" in html and "severity-hard" in html
        assert "三（一）2" in html
        assert "组建协议" in html and "各方盖章" in html
        assert escape(zh("optional")) in html
        assert escape(zh("formal review")) in html  # a stage of the route
        assert escape(programme.status_message()) in html
        assert programme.contact in html
        assert reverse("applications:application_start", args=[programme.code]) not in html
        assert f'{reverse("login")}?next=' in html

    def test_call_detail_apply_button_for_applicant(self, client, programme, unit_admin):
        client.force_login(unit_admin)
        html = client.get(programme.get_absolute_url()).content.decode()
        assert f'action="{reverse("applications:application_start", args=[programme.code])}"' in html
        response = client.post(reverse("applications:application_start", args=[programme.code]))
        assert response.status_code == 302
        assert Application.objects.filter(unit=unit_admin.unit, programme=programme).exists()

    def test_call_detail_not_open(self, client, unit_admin):
        today = timezone.localdate()
        later = ProgrammeFactory(opens_on=today + datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=30))
        client.force_login(unit_admin)
        html = client.get(later.get_absolute_url()).content.decode()
        assert reverse("applications:application_start", args=[later.code]) not in html
        assert "call-upcoming" in html
        assert escape(later.status_message()) in html

    def test_unknown_call_404(self, client):
        response = client.get(reverse("applications:call_detail", args=["no-such-call"]))
        assert response.status_code == 404


# --- workspaces ------------------------------------------------------------------------------------

class TestWorkspaces:
    def test_applicant_workspace(self, client, unit_admin, programme):
        application = ApplicationFactory(unit=unit_admin.unit, programme=programme, created_by=unit_admin)
        client.force_login(unit_admin)
        html = client.get(reverse("review:workspace")).content.decode()
        assert application.name in html
        assert reverse("review:application_detail", args=[application.pk]) in html
        assert reverse("applications:application_edit", args=[application.pk]) in html
        assert "state-draft" in html
        assert reverse("applications:application_start", args=[programme.code]) in html
        # The programme and the last change (Beijing time) are shown; another unit's application is not.
        assert escape(programme.title) in html
        assert timezone.localtime(application.updated_at).strftime("%Y-%m-%d %H:%M") in html
        other = ApplicationFactory(programme=programme)
        assert other.name not in client.get(reverse("review:workspace")).content.decode()

    def test_applicant_workspace_empty(self, client, unit_admin):
        client.force_login(unit_admin)
        response = client.get(reverse("review:workspace"))
        assert response.status_code == 200
        assert not response.context["applications"]

    def test_submitted_application_has_no_edit_link(self, client, unit_admin, programme):
        application = ApplicationFactory(unit=unit_admin.unit, programme=programme, created_by=unit_admin)
        Application.objects.filter(pk=application.pk).update(state="district_review", submitted_at=timezone.now())
        client.force_login(unit_admin)
        html = client.get(reverse("review:workspace")).content.decode()
        assert reverse("applications:application_edit", args=[application.pk]) not in html

    def test_reviewer_workspace(self, client, programme):
        district = DistrictFactory(authority=programme.authority)
        reviewer = UserFactory(role=Role.DISTRICT, district=district, unit=None)
        waiting = ApplicationFactory(programme=programme, district=district, name="等待初审的联合体")
        ApplicationFactory(programme=programme, district=district, name="仍是草稿的联合体")
        Application.objects.filter(pk=waiting.pk).update(
            state="district_review", submitted_at=timezone.now() - datetime.timedelta(days=3))
        client.force_login(reviewer)
        response = client.get(reverse("review:workspace"))
        html = response.content.decode()
        assert "等待初审的联合体" in html
        assert "仍是草稿的联合体" not in html
        assert ">3<" in html  # days waited
        assert "state-district_review" in html
        assert "等待初审的联合体" in client.get(reverse("review:staff_list") + "?q=等待").content.decode()
        assert "等待初审的联合体" not in client.get(reverse("review:staff_list") + "?q=没有").content.decode()


# --- every page: charset, viewport, CSP-friendly markup --------------------------------------------

def _check_markup(html, url):
    assert '<meta charset="utf-8">' in html, url
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html, url
    assert not re.search(r"\sstyle=", html), url
    assert "<style" not in html, url
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, (url, tag)


def test_every_anonymous_page_declares_charset_and_viewport(client, programme):
    for name, args in [("applications:home", []), ("applications:call_list", []),
                       ("applications:call_detail", [programme.code]), ("portal:register", []),
                       ("login", []), ("password_reset", []), ("password_reset_done", []),
                       ("password_reset_complete", [])]:
        url = reverse(name, args=args)
        response = client.get(url)
        assert response.status_code == 200, url
        _check_markup(response.content.decode(), url)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _check_markup(response.content.decode(), "404")


def test_every_logged_in_page_declares_charset_and_viewport(client, unit_admin, programme):
    ApplicationFactory(unit=unit_admin.unit, programme=programme, created_by=unit_admin)
    client.force_login(unit_admin)
    for name in ("review:workspace", "portal:unit_profile", "portal:unit_users", "password_change",
                 "password_change_done", "applications:home"):
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        _check_markup(html, url)
        assert reverse("portal:unit_users") in html  # the admin's menu


def test_server_error_page_renders_without_request_context():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert '<meta charset="utf-8">' in html
    assert "viewport" in html
    assert "500" in html


@pytest.mark.chinese
def test_the_admin_is_headed_with_the_portals_name(client):
    from tests.review_factories import admin_user

    client.force_login(admin_user(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "创新联合体" in html.split("</title>")[0] and "Django" not in html.split("</header>")[0], html[:2000]


def test_staff_correct_a_credit_code_with_a_reason_on_record(client, unit_admin):
    """The correction goes through programme staff in the admin: present code, corrected code, reason;
    refused without a reason or onto another unit's code; kept on record and not editable."""
    from django.contrib.admin.models import LogEntry

    from portal.models import CreditCodeCorrection
    from tests.review_factories import staff_user

    unit = unit_admin.unit
    old = unit.credit_code
    staff = staff_user(AuthorityFactory())
    client.force_login(staff)
    url = reverse("admin:portal_creditcodecorrection_add")
    new = make_credit_code()
    other = UnitFactory()
    response = client.post(url, {"current_code": old, "corrected_code": new, "reason": ""})
    assert response.status_code == 200 and not CreditCodeCorrection.objects.exists()
    response = client.post(url, {"current_code": old, "corrected_code": other.credit_code, "reason": "营业执照变更"})
    assert response.status_code == 200 and not CreditCodeCorrection.objects.exists()
    assert f"已有其他单位以代码{other.credit_code}登记" in response.content.decode()  # the admin speaks Chinese
    response = client.post(url, {"current_code": old, "corrected_code": new, "reason": "营业执照换发，代码录入有误。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    correction = CreditCodeCorrection.objects.get()
    assert unit.credit_code == new
    assert (correction.unit, correction.old_code, correction.new_code, correction.by) == (unit, old, new, staff)
    assert LogEntry.objects.filter(object_id=str(correction.pk)).exists()
    change = reverse("admin:portal_creditcodecorrection_change", args=[correction.pk])
    client.post(change, {"reason": "改掉"})
    correction.refresh_from_db()
    assert correction.reason == "营业执照换发，代码录入有误。"


@pytest.mark.chinese
def test_a_short_password_is_refused_in_chinese():
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("ab1")
    assert refused.value.messages[0] == "密码太短：至少需要 8 个字符。"

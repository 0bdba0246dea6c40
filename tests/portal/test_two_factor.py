"""The second factor: required for every back-office role, enrolment by QR code, login with the app's code or
a recovery code (once), optional for applicants, and the admin behind it."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import SECOND_FACTOR_ROLES, Role
from tests.factories import AuthorityFactory, DistrictFactory, UnitFactory, UserFactory
from tests.twofactor import code_for

PASSWORD = "pass-word-123"


def login_data(username, password=PASSWORD, **extra):
    return {"login_view-current_step": "auth", "auth-username": username, "auth-password": password, **extra}


def token_data(code):
    return {"login_view-current_step": "token", "token-otp_token": code}


def user_of(role, **kwargs):
    scope = {Role.APPLICANT: {"unit": UnitFactory()}, Role.DISTRICT: {"district": DistrictFactory(), "unit": None},
             Role.STAFF: {"authority": AuthorityFactory(), "unit": None}}.get(role, {"unit": None})
    return UserFactory(role=role, **{**scope, **kwargs})


@pytest.fixture
def staff(db):
    return user_of(Role.STAFF, username="staffer")


def logged_in(client):
    return "_auth_user_id" in client.session


def test_every_back_office_role_needs_a_second_factor_and_applicants_do_not():
    assert SECOND_FACTOR_ROLES == {Role.DISTRICT, Role.EXPERT, Role.STAFF, Role.ADMIN, Role.EVALUATOR, Role.REGISTRAR}
    assert Role.APPLICANT not in SECOND_FACTOR_ROLES


@pytest.mark.parametrize("role", sorted(SECOND_FACTOR_ROLES))
def test_a_back_office_user_without_a_device_is_sent_to_enrolment(client, db, role):
    user = user_of(role)
    response = client.post(reverse("login"), login_data(user.username))
    assert response.status_code == 302 and logged_in(client)
    for name in ("review:workspace", "portal:alive", "notices:inbox"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url == reverse("two_factor:setup"), name
    # Public pages, the enrolment and logging out stay open.
    assert client.get(reverse("review:directory")).status_code == 200
    assert client.get(reverse("applications:home")).status_code == 200
    assert client.get(reverse("two_factor:setup")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert not logged_in(client)


def test_staff_list_is_closed_until_enrolled(client, staff):
    client.post(reverse("login"), login_data("staffer"))
    response = client.get(reverse("review:staff_list"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("two_factor:setup")
    assert b"Your account needs two-step verification. Set it up to continue." in response.content


def test_enrolment_with_the_qr_code_and_a_real_code(client, staff):
    client.post(reverse("login"), login_data("staffer"))
    url = reverse("two_factor:setup")
    assert client.get(url).status_code == 200
    page = client.post(url, {"setup_view-current_step": "welcome"})
    html = page.content.decode()
    assert 'id="setup-qr"' in html
    secret = re.search(r'id="setup-secret">([A-Z2-7]+)<', html).group(1)
    qr = client.get(reverse("two_factor:qr"))
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml") and b"<svg" in qr.content
    wrong = client.post(url, {"setup_view-current_step": "generator", "generator-token": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=staff).exists()
    code = str(totp(b32decode(secret))).zfill(6)
    response = client.post(url, {"setup_view-current_step": "generator", "generator-token": code})
    assert response.status_code == 302 and response.url == reverse("two_factor:setup_complete")
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and device.name == "default"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("review:workspace")).status_code == 200
    assert client.get(reverse("two_factor:setup_complete")).status_code == 200
    # Recovery codes are made on request and shown once made.
    codes = client.post(reverse("two_factor:backup_tokens"), follow=True)
    assert codes.status_code == 200
    assert StaticDevice.objects.get(user=staff).token_set.count() == 10


def test_login_with_password_and_code(client, staff):
    code = code_for(staff)
    page = client.post(reverse("login"), login_data("staffer"))
    assert page.status_code == 200 and not logged_in(client)
    assert b'id="step-token"' in page.content
    response = client.post(reverse("login"), token_data(code))
    assert response.status_code == 302 and response.url == reverse("review:workspace")
    assert client.get(reverse("review:workspace")).status_code == 200


def test_a_wrong_code_is_refused_and_further_tries_are_slowed(client, staff):
    code = code_for(staff)
    client.post(reverse("login"), login_data("staffer"))
    wrong = client.post(reverse("login"), token_data("123456" if code != "123456" else "654321"))
    assert wrong.status_code == 200 and not logged_in(client)
    assert b"The code is wrong or has expired. Enter the current one." in wrong.content
    # django-otp's throttle: right after a failure even the right code waits a moment.
    again = client.post(reverse("login"), token_data(code))
    assert again.status_code == 200 and not logged_in(client)
    assert b"Too many wrong codes (1). Wait a moment, then try again." in again.content


def test_a_stale_or_forged_login_step_starts_again_with_a_message(client, staff):
    response = client.post(reverse("login"), {**login_data("staffer"), "login_view-current_step": "\x1b[31m"})
    assert response.status_code == 302 and not logged_in(client)
    page = client.get(response.url)
    assert b"The login form has expired. Please log in again." in page.content
    again = client.post(reverse("login"), login_data("staffer"))  # the password step works again
    assert again.status_code == 302 and logged_in(client)


def test_a_forged_enrolment_step_starts_the_set_up_again_with_a_message(client, staff):
    assert client.post(reverse("login"), login_data("staffer")).status_code == 302  # no device yet: to enrolment
    response = client.post(reverse("two_factor:setup"), {"setup_view-current_step": "\x1b[31m"})
    assert response.status_code == 302
    page = client.get(response.url)
    assert b"The set-up form has expired. Please start again." in page.content
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_a_recovery_code_works_once(client, staff):
    code_for(staff)  # enrolled
    device = StaticDevice.objects.create(user=staff, name="backup")
    device.token_set.create(token="rescue42")
    for attempt in (1, 2):
        client.post(reverse("login"), login_data("staffer"))
        page = client.post(reverse("login"), {"login_view-current_step": "token", "wizard_goto_step": "backup"})
        assert b'id="step-backup"' in page.content
        response = client.post(reverse("login"), {"login_view-current_step": "backup", "backup-otp_token": "rescue42"})
        if attempt == 1:
            assert response.status_code == 302 and logged_in(client)
            assert client.get(reverse("review:workspace")).status_code == 200
            client.post(reverse("logout"))
        else:
            assert response.status_code == 200 and not logged_in(client)
    assert not device.token_set.exists()


def test_an_applicant_is_not_forced(client, db):
    applicant = user_of(Role.APPLICANT, username="applicant1")
    response = client.post(reverse("login"), login_data("applicant1"))
    assert response.status_code == 302 and logged_in(client)
    assert client.get(reverse("review:workspace")).status_code == 200
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    # … but may enrol, and may switch it off again.
    assert client.get(reverse("two_factor:profile")).status_code == 200


def test_back_office_users_may_not_switch_it_off(client, staff):
    client.force_login(staff)
    assert client.get(reverse("two_factor:disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_a_session_without_the_code_must_log_in_again(client, staff):
    client.force_login(staff)  # enrolled and verified (tests/conftest.py)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    response = client.get(reverse("review:workspace"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not logged_in(client)


def test_the_admin_refuses_an_unverified_administrator(client, db):
    admin = user_of(Role.ADMIN, username="root", is_staff=True, is_superuser=True)
    client.post(reverse("login"), login_data("root"))  # the password alone
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == reverse("two_factor:setup")
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = admin
    request.user.is_verified = lambda: False
    assert not django_admin.site.has_permission(request)
    client.post(reverse("logout"))
    client.force_login(admin)  # verified
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_device_deleted_by_the_administrator_ends_the_verified_session(client, staff):
    client.force_login(staff)
    assert client.get(reverse("review:workspace")).status_code == 200
    TOTPDevice.objects.filter(user=staff).delete()  # the admin's reset of a lost phone
    response = client.get(reverse("review:workspace"))
    assert response.status_code == 302 and response.url == reverse("two_factor:setup")

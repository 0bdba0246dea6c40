"""Throttles an attacker cannot aim at someone else (behind the reverse proxy), the password reset's limits,
and the back office's short session lifetime."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.clientip import client_ip
from portal.models import Role
from tests.factories import AuthorityFactory, UserFactory

PASSWORD = "pass-word-123"
PROXY = "10.0.0.2"
ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def login_data(username, password=PASSWORD):
    return {"login_view-current_step": "auth", "auth-username": username, "auth-password": password}


def post_from(client, address, data, url=None, forwarded=None):
    return client.post(url or reverse("login"), data, REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR=forwarded or address)


@pytest.fixture
def behind_one_proxy(settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_IP_FAILURE_LIMIT = 30


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


def test_the_client_address_is_the_proxy_s_entry(settings):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{OWNER}, {ATTACKER}")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == PROXY  # no trusted proxy: the header is the client's word, never believed
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == ATTACKER  # the entry the proxy appended; the client wrote the one before
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == OWNER
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == PROXY


def test_the_attacker_is_locked_and_the_owner_still_logs_in(client, behind_one_proxy, owner):
    for _ in range(4):
        response = post_from(client, ATTACKER, login_data("owner", "wrong-password"))
        assert response.status_code == 200
    assert post_from(client, ATTACKER, login_data("owner", "wrong-password")).status_code == 429  # the fifth
    locked = post_from(client, ATTACKER, login_data("owner"))  # even the right password now
    assert locked.status_code == 429
    assert b"Login temporarily locked" in locked.content
    assert "_auth_user_id" not in client.session
    # Writing the owner's address into the header does not help the attacker: the proxy's entry counts.
    assert post_from(client, ATTACKER, login_data("owner"), forwarded=f"{OWNER}, {ATTACKER}").status_code == 429
    # The owner, from their own device, is not locked out.
    response = post_from(client, OWNER, login_data("owner"))
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_password_sprayer_hits_the_ceiling_per_address(client, behind_one_proxy, owner, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for n in range(3):  # a different username each time: no username+address pair reaches its limit
        assert post_from(client, ATTACKER, login_data(f"guess{n}", "wrong")).status_code == 200
    blocked = post_from(client, ATTACKER, login_data("owner"))
    assert blocked.status_code == 429
    assert b"Too many failed logins came from your network" in blocked.content
    assert "_auth_user_id" not in client.session
    assert post_from(client, OWNER, login_data("owner")).status_code == 302


def reset(client, address, email):
    return post_from(client, address, {"email": email}, url=reverse("password_reset"))


def test_password_reset_is_throttled_per_address_and_per_e_mail(client, behind_one_proxy, owner, settings):
    settings.PASSWORD_RESET_EMAIL_LIMIT, settings.PASSWORD_RESET_IP_LIMIT = 2, 4
    assert reset(client, ATTACKER, owner.email).status_code == 302
    assert reset(client, ATTACKER, owner.email).status_code == 302
    assert len(mail.outbox) == 2
    refused = reset(client, OWNER, owner.email)  # the address's limit, whoever asks
    assert refused.status_code == 429
    assert b"Too many reset requests. Please try again in 60 minutes." in refused.content
    assert len(mail.outbox) == 2
    # An unknown address is answered alike: the limit tells nothing about which addresses have accounts.
    assert reset(client, OWNER, "nobody@example.com").status_code == 302
    assert reset(client, OWNER, "nobody@example.com").status_code == 302
    assert reset(client, OWNER, "nobody@example.com").status_code == 429
    # The per-address (client) limit: the attacker's fourth and later requests, whatever the e-mail.
    assert reset(client, ATTACKER, "a@example.com").status_code == 302
    assert reset(client, ATTACKER, "b@example.com").status_code == 302
    assert reset(client, ATTACKER, "c@example.com").status_code == 429
    assert len(mail.outbox) == 2


def test_back_office_sessions_end_after_the_idle_lifetime(client, db, settings):
    settings.BACKOFFICE_SESSION_IDLE_SECONDS = 7200
    staff = UserFactory(role=Role.STAFF, authority=AuthorityFactory(), unit=None)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(staff)
        assert client.get(reverse("review:workspace")).status_code == 200
        assert client.session.get_expiry_age() == 7200
        clock.move_to(start + datetime.timedelta(minutes=2))
        response = client.get(reverse("review:workspace"))  # renewed: a new cookie with the idle lifetime
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 7200
        clock.move_to(start + datetime.timedelta(minutes=110))  # a request within the lifetime renews it
        assert client.get(reverse("review:workspace")).status_code == 200
        clock.move_to(start + datetime.timedelta(minutes=220))
        assert client.get(reverse("review:workspace")).status_code == 200
        clock.move_to(start + datetime.timedelta(minutes=341))  # two hours and a minute idle
        response = client.get(reverse("review:workspace"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_applicants_keep_the_configured_session_age(client, db, settings):
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600
    applicant = UserFactory()
    client.force_login(applicant)
    response = client.get(reverse("review:workspace"))
    assert response.status_code == 200
    assert client.session.get_expiry_age() == 3 * 24 * 3600

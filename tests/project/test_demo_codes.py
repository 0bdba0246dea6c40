"""manage.py demo_codes: the demo keeps the second factor, and its walk needs no phone."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import Role, User
from review.management.commands.demo_data import DEMO_PASSWORD, backoffice_usernames


def codes():
    out = StringIO()
    call_command("demo_codes", stdout=out)
    return dict(re.findall(r"^\s+(\S+)\s+(\d{6})$", out.getvalue(), re.M))


@pytest.fixture
def demo(db):
    call_command("demo_data", stdout=StringIO())
    call_command("load_supervision", "--demo", stdout=StringIO())


def test_every_back_office_demo_login_is_enrolled_and_printed(demo):
    printed = codes()
    assert set(printed) == set(backoffice_usernames())
    # every demo login whose role needs a second factor (the registry keeper too) gets a code
    needing = {user.username for user in User.objects.exclude(role=Role.APPLICANT) if user.needs_second_factor}
    assert needing <= set(printed), needing - set(printed)
    assert "evaluator" in printed and "weihai_staff" in printed and "admin" in printed
    assert not any(name.endswith("_applicant") for name in printed)  # applicants log in with the password alone
    assert TOTPDevice.objects.filter(user__username__in=printed, confirmed=True).count() == len(printed)
    # A user who is not a demo login is never printed, enrolled or not.
    other = User.objects.create_user("someone", password="x-pass-word-1", role=Role.STAFF,
                                     authority=User.objects.get(username="weihai_staff").authority)
    TOTPDevice.objects.create(user=other, name="default", confirmed=True)
    assert "someone" not in codes()


def test_a_printed_code_logs_the_demo_user_in(demo, client):
    code = codes()["weihai_staff"]
    page = client.post(reverse("login"), {"login_view-current_step": "auth", "auth-username": "weihai_staff",
                                          "auth-password": DEMO_PASSWORD})
    assert page.status_code == 200 and b'id="step-token"' in page.content
    response = client.post(reverse("login"), {"login_view-current_step": "token", "token-otp_token": code})
    assert response.status_code == 302 and response.url == reverse("review:workspace")
    assert client.get(reverse("review:workspace")).status_code == 200


def test_refuses_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_codes", stdout=StringIO())

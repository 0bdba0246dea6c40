"""What the fuzzing (tests/project/test_fuzz.py) found, each pinned: malformed values in a query string or
a form are refused with a page, never a server error."""

import pytest
from django.urls import reverse

from tests.review_factories import programme, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "\u202e\u202dRTL", "-1", "1.5", "٣", "99999999999999999999999", ""])
def test_the_import_template_of_a_programme_that_is_not_a_number_is_a_404(client, seeded, value):
    weihai = programme("weihai-2026")
    client.force_login(staff_user(weihai.authority))
    assert client.get(reverse("review:import_template"), {"programme": value}).status_code == 404
    assert client.get(reverse("review:import_template"), {"programme": weihai.pk}).status_code == 200

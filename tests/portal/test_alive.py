"""The signed-in health page: 204 through every middleware, a login for anyone else."""

from django.urls import reverse

from tests.factories import UserFactory


def test_alive_answers_a_signed_in_user_with_no_content(client, db):
    response = client.get(reverse("portal:alive"))
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(UserFactory())
    response = client.get(reverse("portal:alive"))
    assert response.status_code == 204 and response.content == b""
    assert "no-store" in response["Cache-Control"]

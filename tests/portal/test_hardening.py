"""The security baseline of every response: hostile query strings refused with the portal's own 400 page
(portal.querystring), the Permissions-Policy header next to the Content-Security-Policy."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from portal.querystring import hostile_query

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "%00=1", "page=%01", "q=%7F", "q=%C2%85", "q=%0D%0A", "q=\x00"])
def test_a_control_character_in_the_query_string_is_a_400_with_the_portals_page(client, seeded, query):
    assert hostile_query(QueryDict(query))
    for name in ("review:directory", "review:publicity_list", "applications:call_list", "review:directory_csv"):
        response = client.get(f"{reverse(name)}?{query}", **EN)
        assert response.status_code == 400, name
        page = response.content.decode()
        assert 'id="bad-request"' in page and "Bad request" in page and 'id="inbox-link"' not in page


@pytest.mark.parametrize("query", ["q=%E5%A8%81%E6%B5%B7", "page=abc", "page=-1", "page=99999999999999999999",
                                   "q=%E2%80%AE%F0%9F%98%80", "q=a&q=b", "year=20x6", "q=" + "x" * 3000])
def test_ordinary_or_odd_but_printable_queries_reach_the_page(client, seeded, query):
    assert not hostile_query(QueryDict(query))
    assert client.get(f"{reverse('review:directory')}?{query}", **EN).status_code == 200


def test_a_query_string_sent_unencoded_in_utf_8_is_not_mistaken_for_control_characters(client, seeded):
    # The bytes of 等待 read as Latin-1 (as WSGI hands the query string over) hold C1 codes; decoded, none.
    assert client.get(f"{reverse('review:directory')}?q=等待", **EN).status_code == 200


def test_the_bad_request_page_is_in_chinese_by_default(client, seeded):
    response = client.get(f"{reverse('review:directory')}?q=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and 'lang="zh-hans"' in response.content.decode()


def test_permissions_policy_and_csp_on_every_page(client, seeded):
    response = client.get(reverse("review:directory"))
    policy = {part.split("=")[0]: part.split("=")[1] for part in response["Permissions-Policy"].split(", ")}
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()", feature
    assert policy["fullscreen"] == "(self)"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    bad = client.get(f"{reverse('review:directory')}?q=%00")
    assert "Permissions-Policy" in bad and "Content-Security-Policy" in bad

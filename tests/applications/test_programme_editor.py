"""The programme editor in the admin: the route (Programme.stages) edited as stage rows with typed
parameters, posted back exactly as a browser submits the change page."""

import copy

import lxml.html
import pytest
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from applications import seed
from applications.models import Programme
from tests.review_factories import admin_user, staff_user

pytestmark = pytest.mark.django_db


def page_form(response):
    """The change form's successful controls, as a browser would post them."""
    assert response.status_code == 200, response.status_code
    form = lxml.html.fromstring(response.content.decode()).get_element_by_id("programme_form")
    data = MultiValueDict()
    for name, value in form.form_values():
        if "__prefix__" not in name:
            data.appendlist(name, value)
    return data


def rows(data):
    """The stage rows of posted ``data``: index → {field: value or values}."""
    found = {}
    for name in data:
        if name.startswith("stages-") and name.split("-")[1].isdigit():
            _prefix, index, field = name.split("-", 2)
            values = data.getlist(name)
            found.setdefault(int(index), {})[field] = values if len(values) > 1 else values[0]
    return found


def post(client, url, data):
    return client.post(url, {name: data.getlist(name) for name in data})


def change_url(programme):
    return reverse("admin:applications_programme_change", args=[programme.pk])


@pytest.fixture
def superuser_client(client):
    client.force_login(admin_user(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("code", [spec["code"] for spec in seed.PROGRAMMES])
def test_each_seed_route_comes_back_unchanged_when_its_page_is_saved_as_it_is(superuser_client, seeded, code):
    programme = Programme.objects.get(code=code)
    before = copy.deepcopy(programme.stages)
    data = page_form(superuser_client.get(change_url(programme)))
    assert "stages" not in data  # no JSON textarea: rows
    assert len([r for r in rows(data).values() if r.get("key")]) == len(before)
    response = post(superuser_client, change_url(programme), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    programme.refresh_from_db()
    assert programme.stages == before
    assert programme.stages == next(spec["stages"] for spec in seed.PROGRAMMES if spec["code"] == code)


def test_the_rows_show_each_stage_s_parameters_as_typed_fields(superuser_client, seeded):
    weihai = Programme.objects.get(code="weihai-2026")
    html = superuser_client.get(change_url(weihai)).content.decode()
    doc = lxml.html.fromstring(html)
    first = doc.xpath("//tr[contains(@class, 'stage-row')]")[0]
    assert first.xpath(".//select[@name='stages-0-key']/option[@selected]")[0].get("value") == "district_review"
    assert first.xpath(".//input[@name='stages-0-peer_opinions_min']")[0].get("type") == "number"
    assert first.xpath(".//input[@name='stages-0-peer_opinions_min']")[0].get("value") == "3"
    assert first.xpath(".//input[@name='stages-0-recommendation_letter']")[0].get("type") == "checkbox"
    skip = first.xpath(".//input[@name='stages-0-skip_lead_unit_types'][@checked]")
    assert [box.get("value") for box in skip] == ["new_rd"]
    expert = doc.xpath("//tr[contains(@class, 'stage-row')]")[2]
    assert sorted(box.get("value") for box in expert.xpath(".//input[@name='stages-2-modes'][@checked]")) == [
        "defence", "material", "site_visit"]
    assert expert.xpath(".//select[@name='stages-2-aggregate']")  # a choice, not free text
    assert "applications/stage_rows.js" in html  # shows only the chosen stage's parameters


def test_staff_add_remove_and_reorder_stages_and_set_typed_parameters(superuser_client, seeded):
    zgc = Programme.objects.get(code="zgc-2026")
    data = page_form(superuser_client.get(change_url(zgc)))
    current = rows(data)
    keys = [current[i]["key"] for i in sorted(current) if current[i].get("key")]
    assert keys == ["district_review", "expert_review", "decision", "publicity", "filing"]
    # Remove the publicity, add a formal review in the empty row (typed last, moved second by its order),
    # ask for seven experts with the trimmed mean.
    data.setlist("stages-3-DELETE", ["on"])
    extra = len(keys)
    data.setlist(f"stages-{extra}-key", ["formal_review"])
    data.setlist(f"stages-{extra}-label", ["管委会形式审查"])
    data.setlist(f"stages-{extra}-ORDER", ["1.5"])  # an order is a whole number: refused first
    response = post(superuser_client, change_url(zgc), data)
    assert response.status_code == 200
    zgc.refresh_from_db()
    assert [s["key"] for s in zgc.stages] == keys  # nothing saved
    for index, row in current.items():
        if row.get("key"):
            data.setlist(f"stages-{index}-ORDER", [str((index + 1) * 10)])
    data.setlist(f"stages-{extra}-ORDER", ["15"])
    data.setlist("stages-1-experts", ["7"])
    data.setlist("stages-1-aggregate", ["trimmed_mean"])
    response = post(superuser_client, change_url(zgc), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    zgc.refresh_from_db()
    assert [s["key"] for s in zgc.stages] == ["district_review", "formal_review", "expert_review", "decision",
                                              "filing"]
    assert zgc.stages[1] == {"key": "formal_review", "label": "管委会形式审查"}
    assert zgc.stages[2] == {"key": "expert_review", "label": "专家论证", "experts": 7, "aggregate": "trimmed_mean"}
    assert zgc.stages[4]["agreement"] is True and zgc.stages[4]["act"] == "纳入"


def _row_with(html, index):
    return lxml.html.fromstring(html).xpath("//tr[contains(@class, 'stage-row')]")[index]


@pytest.mark.parametrize("change, index, field, message", [
    # A stage out of the order of the registry: the row is marked.
    ({"stages-0-ORDER": "99"}, 0, "key", "This stage must come before"),
    # A parameter of another stage (peer opinions on the decision).
    ({"stages-2-peer_opinions_min": "3"}, 2, "peer_opinions_min", "has no such parameter"),
    # A typed number.
    ({"stages-0-peer_opinions_min": "three"}, 0, "peer_opinions_min", "Enter a whole number"),
    ({"stages-1-experts": "0"}, 1, "experts", "greater than or equal to 1"),
    # The certificate's statement must say where the name goes.
    ({"stages-4-certificate_text": "予以纳入。"}, 4, "certificate_text", "{name}"),
    # Parameters without a stage.
    ({"stages-5-act": "备案"}, 5, "key", "Choose the stage"),
])
def test_a_wrong_row_is_refused_with_the_reason_next_to_it_and_nothing_is_saved(superuser_client, seeded, change,
                                                                                  index, field, message):
    zgc = Programme.objects.get(code="zgc-2026")
    before = copy.deepcopy(zgc.stages)
    data = page_form(superuser_client.get(change_url(zgc)))
    for name, value in change.items():
        data.setlist(name, [value])
    response = post(superuser_client, change_url(zgc), data)
    assert response.status_code == 200
    html = response.content.decode()
    row = _row_with(html, index)
    assert message in row.text_content(), row.text_content()[:500]
    if field != "key":
        param = row.xpath(f".//div[@data-param='{field}']")[0]
        assert "errors" in param.get("class") and message in param.text_content()
    zgc.refresh_from_db()
    assert zgc.stages == before


def test_a_route_without_filing_is_refused(superuser_client, seeded):
    suzhou = Programme.objects.get(code="suzhou-2026")
    data = page_form(superuser_client.get(change_url(suzhou)))
    data.setlist("stages-2-DELETE", ["on"])  # the filing stage
    response = post(superuser_client, change_url(suzhou), data)
    assert response.status_code == 200
    assert "Every route ends with filing." in response.content.decode()
    suzhou.refresh_from_db()
    assert suzhou.stages[-1]["key"] == "filing"


def test_programme_staff_edit_their_programme_s_route(client, seeded):
    suzhou = Programme.objects.get(code="suzhou-2026")
    client.force_login(staff_user(suzhou.authority))
    data = page_form(client.get(change_url(suzhou)))
    data.setlist("stages-0-recommendation_letter", [])
    del data["stages-0-recommendation_letter"]
    response = post(client, change_url(suzhou), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    suzhou.refresh_from_db()
    assert "recommendation_letter" not in suzhou.stages[0]
    assert suzhou.stages[0]["skip_when"] == {"lead_selected_by": ["city"]}

"""Only the programme's parts: the editor of each seed programme asks what its guideline configures."""

import pytest
from django.urls import reverse

from applications.editor import choices_for, parts_for
from applications.forms import ApplicationForm
from applications.models import Application
from applications.rules import evaluate
from portal.models import District
from tests.factories import RuleFactory
from tests.review_factories import applicant_user, make_draft, programme, unit_in

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db]

OPTIONAL = {"formation_mode", "lead_selected_by", "district", "lead_category", "lead_has_provincial_carrier",
            "lead_has_equity_fund", "operator_status", "total_investment", "fulltime_staff", "integrated_enterprises"}

# Every guideline names the kinds of lead unit it admits, held as the programme's lead categories (data):
# 北京 四（一）1, 江苏 四（一）2、3, 苏州 三（二）, 威海 三1, 中关村 第七条（一）; each is asked its own list.
EXPECTED = {
    # 京科发〔2022〕20号: five formation modes (五); no district stage (六4 goes to the 主管部门).
    "beijing-2026": {"formation_mode", "lead_category"},
    # 江苏 四（一）2、3: lead categories and their thresholds; 五（四） 设区市科技局 recommends.
    "jiangsu-2026": {"district", "lead_category"},
    # 苏州 三（二）1: carrier and fund; 四（一）: city or county selects the lead; the county reviews.
    "suzhou-2026": {"district", "lead_category", "lead_selected_by", "lead_has_provincial_carrier",
                    "lead_has_equity_fund"},
    # 威海 四2: the district office's 初审.
    "weihai-2026": {"district", "lead_category"},
    # 中关村 第七条: operating entity, enterprises integrated, staff, investment; 第十三条（一） 分园.
    "zgc-2026": {"district", "lead_category", "operator_status", "total_investment", "fulltime_staff",
                 "integrated_enterprises"},
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_parts_for_each_seed_programme(code):
    parts = parts_for(programme(code))
    assert set(parts.fields) & OPTIONAL == EXPECTED[code]
    assert {"name", "field", "goals", "lead_revenue", "lead_rd_spending", "lead_carriers"} <= set(parts.fields)
    assert parts.tables == ("members", "people", "tasks", "budget_lines", "targets")
    assert ("qualification" in parts.member_fields) == (code == "jiangsu-2026")  # 江苏 四（二）3
    assert parts.district == (code != "beijing-2026")


def test_choices_come_from_the_programmes_rules():
    jiangsu = [v for v, _label in choices_for(programme("jiangsu-2026"), "lead_category")]
    assert jiangsu == ["tech_leader", "industry_leader", "unicorn", "lab", "tech_centre", "other"]
    weihai = [v for v, _label in choices_for(programme("weihai-2026"), "person_role")]
    assert weihai == ["council_chair", "operations", "other"]  # 威海 三4
    beijing = [v for v, _label in choices_for(programme("beijing-2026"), "person_role")]
    assert beijing == ["admin_head", "tech_head", "commissioner", "other"]  # 北京 三3
    assert choices_for(programme("jiangsu-2026"), "person_role") is None  # no rule names roles: all of them


def test_a_rule_added_in_the_admin_adds_its_field():
    beijing = programme("beijing-2026")
    RuleFactory(programme=beijing, rule_key="total_investment_min", params={"min": 1000}, citation="附则")
    beijing = programme("beijing-2026")  # a fresh object: parts are worked out once per programme object
    assert "total_investment" in parts_for(beijing)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_editor_page_shows_only_the_programmes_parts(client, code):
    app = make_draft(code)
    client.force_login(app.created_by)
    page = client.get(reverse("applications:application_edit", args=[app.pk])).content.decode()
    for name in OPTIONAL:
        assert (f'id="id_{name}"' in page) == (name in EXPECTED[code]), name
    assert ('name="members-0-qualification"' in page) == (code == "jiangsu-2026")
    assert 'id="section-index"' in page and page.count('class="card mb-4 editor-section') == 8


def test_beijing_needs_no_district_office_to_be_complete_and_the_office_stays_out_of_the_post(client):
    app = make_draft("beijing-2026")
    app.district = None
    app.save()
    completeness = next(r for r in evaluate(Application.objects.for_detail().get(pk=app.pk)) if r.key == "completeness")
    assert not completeness.blocks, completeness.message
    weihai = make_draft("weihai-2026")
    weihai.district = None
    weihai.save()
    completeness = next(r for r in evaluate(Application.objects.for_detail().get(pk=weihai.pk))
                        if r.key == "completeness")
    assert completeness.blocks and "district office" in completeness.message


def test_the_office_of_the_leads_division_is_chosen_and_a_lead_outside_the_region_is_told_why(client):
    weihai = programme("weihai-2026")
    inside = unit_in("weihai-2026")
    app = Application.objects.create(programme=weihai, unit=inside, created_by=applicant_user(inside))
    form = ApplicationForm(instance=app, programme=weihai)
    office = District.suggest(weihai.authority, inside.division)
    assert form["district"].value() == office.pk and office.name in form.fields["district"].help_text
    assert set(form.fields["district"].queryset) == set(weihai.authority.districts.all())
    # 威海 三1: the lead "原则上" registered in Weihai — one from Qingdao may apply and names an office itself.
    outside = unit_in("weihai-2026", division="370200")  # 青岛市
    app = Application.objects.create(programme=weihai, unit=outside, created_by=applicant_user(outside))
    form = ApplicationForm(instance=app, programme=weihai)
    assert form["district"].value() is None
    assert "outside the area" in form.fields["district"].help_text
    assert outside.division.full_name in form.fields["district"].help_text

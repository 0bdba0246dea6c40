"""The seed programmes' rules, one passing and one failing application per loaded rule row.

Every rule row of every seed programme is a test case (parametrised from applications/seed.py,
which is exactly what ``load_programmes`` loads; a test checks the two agree).  What makes an
application pass or fail a row depends only on the rule kind and its parameters, so ``CASES``
holds one (passing, failing) pair of modifiers per rule kind: a row — or a registered rule
kind — without an entry fails loudly.
"""

import copy
import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from applications import seed
from applications.facts import Facts, MemberFacts, PersonFacts
from applications.models import (
    Application,
    Attachment,
    AttachmentRequirement,
    Field,
    Person,
    Programme,
    ProgrammeRule,
)
from applications.rules import FAIL, NA, PASS, REGISTRY, WARN, evaluate, validate_params
from applications.stages import route
from portal import creditcode
from portal.models import Authority, CreditRecord, District, Division, Role, UnitType
from tests.factories import ApplicationFactory, MemberFactory, PersonFactory, UnitFactory, UserFactory

TODAY = datetime.date(2026, 6, 15)
LEAD = "测试牵头企业有限公司"


def base_facts(programme):
    """An application that says as little as possible: each case adds what its rule looks at."""
    return Facts(
        programme=programme, lead_name=LEAD, lead_credit_code="91320500MA00000001", lead_unit_type="",
        lead_division_codes=[], lead_division_name="", lead_independent_legal_person=True, today=TODAY,
    )


def members(n, unit_type="enterprise", **kwargs):
    return [MemberFacts(f"成员单位{unit_type}{i}", unit_type, **kwargs) for i in range(n)]


def division_chain(code):
    return [d.code for d in Division.objects.get(code=code).ancestors_and_self()]


# --- one (passing, failing) pair of modifiers per rule kind ------------------------------------
# Each modifier takes (facts, params, programme) and changes the facts in place.

def _region_pass(f, p, prog):
    f.lead_division_codes = division_chain(p["divisions"][0])
    f.lead_division_name = Division.objects.get(code=p["divisions"][0]).full_name


def _region_fail(f, p, prog):
    f.lead_division_codes, f.lead_division_name = ["440300", "440000"], "广东省深圳市"


def _other_type(types):
    return next(t for t in UnitType.values if t not in types)


def _category_for(p):
    return (p.get("categories") or ["industry_leader"])[0]


def _revenue(f, p, prog, delta):
    f.lead_category = _category_for(p)
    f.lead_revenue = Decimal(str(p["min"])) + delta


def _rd(f, p, prog, delta):
    f.lead_category = _category_for(p)
    f.lead_revenue = Decimal("20000")
    f.lead_rd_spending = Decimal("20000") * Decimal(str(p["min_percent"])) / 100 + delta


def _members_min(f, p, prog, delta):
    f.members = members(p["min"] - (1 if p.get("include_lead") else 0) + delta)


def _members_of_kind(f, p, prog, delta):
    # Plenty of members of other kinds, and just enough (or one short) of the wanted ones.
    f.members = members(10, _other_type(p["member_kinds"])) + members(p["min"] + delta, p["member_kinds"][-1])


def _qualified(f, p, prog):
    f.members = members(2) + [MemberFacts("概念验证中心", p["type"], qualification=f"{p['qualification']}（2025年）")]


def _unqualified(f, p, prog):
    f.members = members(2) + [MemberFacts("某机构", p["type"], qualification="")]


def _roles(f, p, prog, roles):
    f.people = [PersonFacts(role, f"负责人{i}", LEAD) for i, role in enumerate(roles)]


def _chair(f, p, prog, unit_name):
    f.people = [PersonFacts("council_chair", "张理事长", unit_name)]


def _integrated(f, p, prog, delta):
    by_field = p.get("by_field") or {}
    f.field = next(iter(by_field)) if by_field else "某领域"
    f.integrated_enterprises = by_field.get(f.field, p["default"]) + delta


MEMBER_CODE, CORE_CODE = "91320505MA00000002", "91320505MA00000003"


def _credit(f, p, prog, hit):
    """A consortium with a member and a core member; records that do not count (another kind, one that
    has ended) and, to fail, one in force against the core member (which both credit rules check)."""
    kind = p["kinds"][0]
    other = next(k for k in CreditRecord.Kind.values if k not in p["kinds"])
    f.members = [MemberFacts("某大学", "university", credit_code=MEMBER_CODE, role="member"),
                 MemberFacts("某核心企业", "enterprise", credit_code=CORE_CODE, role="core")]
    f.credit_records = [
        CreditRecord(credit_code=f.lead_credit_code, unit_name=LEAD, kind=kind, source="本局认定", reason="已到期",
                     valid_from=TODAY.replace(year=TODAY.year - 5), valid_until=TODAY - datetime.timedelta(days=1)),
        CreditRecord(credit_code=f.lead_credit_code, unit_name=LEAD, kind=other, source="信用中国", reason="其他",
                     valid_from=TODAY),
    ]
    if hit:
        f.credit_records.append(CreditRecord(credit_code=CORE_CODE, unit_name="某核心企业", kind=kind, source="本局认定",
                                             reason="测试记录", valid_from=TODAY - datetime.timedelta(days=30)))


CASES = {
    "lead_region": (_region_pass, _region_fail),
    "lead_unit_type": (lambda f, p, prog: setattr(f, "lead_unit_type", p["types"][-1]),
                       lambda f, p, prog: setattr(f, "lead_unit_type", _other_type(p["types"]))),
    "lead_independent_legal_person": (lambda f, p, prog: setattr(f, "lead_independent_legal_person", True),
                                      lambda f, p, prog: setattr(f, "lead_independent_legal_person", False)),
    "lead_category": (lambda f, p, prog: setattr(f, "lead_category", p["categories"][-1]),
                      lambda f, p, prog: setattr(f, "lead_category", "other")),
    "lead_revenue_min": (lambda f, p, prog: _revenue(f, p, prog, Decimal("0")),
                         lambda f, p, prog: _revenue(f, p, prog, Decimal("-0.01"))),
    "lead_rd_intensity_min": (lambda f, p, prog: _rd(f, p, prog, Decimal("0")),
                              lambda f, p, prog: _rd(f, p, prog, Decimal("-0.01"))),
    "lead_flag": (lambda f, p, prog: setattr(f, "lead_" + p["flag"], True),
                  lambda f, p, prog: setattr(f, "lead_" + p["flag"], False)),
    "min_members": (lambda f, p, prog: _members_min(f, p, prog, 0),
                    lambda f, p, prog: _members_min(f, p, prog, -1)),
    "min_members_of_kind": (lambda f, p, prog: _members_of_kind(f, p, prog, 0),
                            lambda f, p, prog: _members_of_kind(f, p, prog, -1)),
    "members_independent_legal": (
        lambda f, p, prog: setattr(f, "members", members(3)),
        lambda f, p, prog: setattr(f, "members", members(2) + members(1, independent_legal_person=False))),
    "member_qualification": (_qualified, _unqualified),
    "governance_roles": (lambda f, p, prog: _roles(f, p, prog, p["roles"]),
                         lambda f, p, prog: _roles(f, p, prog, p["roles"][:-1])),
    "chair_from_lead": (lambda f, p, prog: _chair(f, p, prog, LEAD),
                        lambda f, p, prog: _chair(f, p, prog, "某大学")),
    "total_investment_min": (lambda f, p, prog: setattr(f, "total_investment", Decimal(str(p["min"]))),
                             lambda f, p, prog: setattr(f, "total_investment", Decimal(str(p["min"])) - 1)),
    "fulltime_staff_min": (lambda f, p, prog: setattr(f, "fulltime_staff", p["min"]),
                           lambda f, p, prog: setattr(f, "fulltime_staff", p["min"] - 1)),
    "integrated_enterprises_min": (lambda f, p, prog: _integrated(f, p, prog, 0),
                                   lambda f, p, prog: _integrated(f, p, prog, -1)),
    "operator_independent": (lambda f, p, prog: setattr(f, "operator_status", "separate"),
                             lambda f, p, prog: setattr(f, "operator_status", "neither")),
    "formation_mode_in": (lambda f, p, prog: setattr(f, "formation_mode", prog.formation_modes[-1]),
                          lambda f, p, prog: setattr(f, "formation_mode", "自行约定的方式")),
    "field_in": (lambda f, p, prog: setattr(f, "field", prog.field_names()[-1]),
                 lambda f, p, prog: setattr(f, "field", "不在目录中的领域")),
    "no_credit_record": (lambda f, p, prog: _credit(f, p, prog, hit=False),
                         lambda f, p, prog: _credit(f, p, prog, hit=True)),
    "disqualification_bar": (lambda f, p, prog: _credit(f, p, prog, hit=False),
                             lambda f, p, prog: _credit(f, p, prog, hit=True)),
}

SEED_ROWS = [
    pytest.param(spec["code"], (index + 1) * 10, rule["rule_key"],
                 id=f"{spec['code']}-{index + 1:02d}-{rule['rule_key']}-{rule['citation']}")
    for spec in seed.PROGRAMMES
    for index, rule in enumerate(spec["rules"])
]

SEED_ATTACHMENTS = [
    pytest.param(spec["code"], att["code"], id=f"{spec['code']}-{att['code']}")
    for spec in seed.PROGRAMMES
    for att in spec["attachments"]
]


def only(results, key):
    found = [r for r in results if r.key == key]
    assert len(found) == 1, results
    return found[0]


def run_rule(row, modifier):
    facts = base_facts(row.programme)
    modifier(facts, copy.deepcopy(row.params), row.programme)
    return only(evaluate(facts, rules=[row], requirements=[]), row.rule_key)


# --- every rule row: one application passes it, one fails it -----------------------------------

@pytest.mark.parametrize("outcome", ["passes", "fails"])
@pytest.mark.parametrize(("code", "order", "rule_key"), SEED_ROWS)
def test_seed_rule(seeded, code, order, rule_key, outcome):
    row = ProgrammeRule.objects.select_related("programme").get(programme__code=code, order=order)
    assert row.rule_key == rule_key
    assert rule_key in CASES, f"No test case for the rule kind {rule_key!r}: add one to CASES."
    passing, failing = CASES[rule_key]
    result = run_rule(row, passing if outcome == "passes" else failing)
    if outcome == "passes":
        assert result.status == PASS, result.message
    else:
        assert result.status == (WARN if row.severity == "soft" else FAIL), result.message
        assert result.blocks == (row.severity == "hard")
    guideline = row.programme.guideline_title
    assert guideline in result.message and row.citation in result.message
    assert result.message.startswith(f"{guideline}{row.citation}：")
    assert result.severity == row.severity


def test_every_loaded_rule_has_a_case(seeded):
    """A rule row whose kind has no case fails here, whatever added it."""
    missing = sorted({r.rule_key for r in ProgrammeRule.objects.all()} - set(CASES))
    assert not missing, f"Rule kinds without a test case: {missing}"


def test_every_registered_rule_kind_has_a_case():
    assert not set(REGISTRY) - set(CASES), sorted(set(REGISTRY) - set(CASES))
    assert not set(CASES) - set(REGISTRY), sorted(set(CASES) - set(REGISTRY))


def test_parametrised_rows_are_the_loaded_rows(seeded):
    loaded = set(ProgrammeRule.objects.filter(programme__code__in=[s["code"] for s in seed.PROGRAMMES])
                 .values_list("programme__code", "order", "rule_key"))
    assert loaded == {tuple(p.values) for p in SEED_ROWS}


def test_category_limited_rules_do_not_apply_to_other_categories(seeded):
    rows = list(ProgrammeRule.objects.select_related("programme").filter(
        rule_key__in=["lead_revenue_min", "lead_rd_intensity_min"]))
    assert rows, "the Jiangsu seed has category-limited thresholds"
    for row in rows:
        facts = base_facts(row.programme)
        facts.lead_category = "lab"
        assert "lab" not in row.params["categories"]
        assert only(evaluate(facts, rules=[row], requirements=[]), row.rule_key).status == NA


def test_member_qualification_without_such_member_is_not_applicable(seeded):
    for row in ProgrammeRule.objects.select_related("programme").filter(rule_key="member_qualification"):
        facts = base_facts(row.programme)
        facts.members = members(3)
        assert only(evaluate(facts, rules=[row], requirements=[]), row.rule_key).status == NA


def test_zgc_integration_threshold_depends_on_the_field(seeded):
    row = ProgrammeRule.objects.select_related("programme").get(
        programme__code="zgc-2026", rule_key="integrated_enterprises_min")
    cases = [("新一代信息技术", 30, PASS), ("新一代信息技术", 29, FAIL), ("生物健康", 10, PASS),
             ("生物健康", 9, FAIL), ("其他领域", 10, PASS)]
    for field, count, status in cases:
        facts = base_facts(row.programme)
        facts.field, facts.integrated_enterprises = field, count
        assert only(evaluate(facts, rules=[row], requirements=[]), row.rule_key).status == status, (field, count)


def test_suzhou_three_year_bar(seeded):
    row = ProgrammeRule.objects.select_related("programme").get(
        programme__code="suzhou-2026", rule_key="disqualification_bar")
    assert row.citation == "六（三）" and row.params == {"kinds": ["lead_disqualified"], "years": 3}
    # A record without end date bars for three years from the day it is in force.
    for valid_from, status in [(datetime.date(2023, 6, 16), FAIL), (datetime.date(2023, 6, 15), PASS)]:
        facts = base_facts(row.programme)
        facts.credit_records = [CreditRecord(credit_code=facts.lead_credit_code, unit_name=LEAD, source="本局认定",
                                             kind="lead_disqualified", valid_from=valid_from, reason="未履约")]
        assert only(evaluate(facts, rules=[row], requirements=[]), row.rule_key).status == status


def test_examples_from_the_brief_are_loaded(seeded):
    def has(code, rule_key, severity, citation, **params):
        rows = ProgrammeRule.objects.filter(programme__code=code, rule_key=rule_key, severity=severity,
                                            citation=citation)
        assert any(all(r.params.get(k) == v for k, v in params.items()) for r in rows), (code, rule_key, citation)

    has("suzhou-2026", "lead_region", "hard", "三（二）1", divisions=["320500"])
    has("suzhou-2026", "min_members", "soft", "三（一）2", min=8)
    has("suzhou-2026", "governance_roles", "hard", "四（二）",
        roles=["council_chair", "expert_committee", "secretariat", "chief_expert"])
    has("beijing-2026", "lead_region", "soft", "四（一）1", divisions=["110000"])
    has("jiangsu-2026", "lead_revenue_min", "soft", "四（一）2", min=100000, categories=["industry_leader"])
    has("jiangsu-2026", "lead_rd_intensity_min", "hard", "四（一）2", min_percent=3, categories=["unicorn"])
    has("jiangsu-2026", "member_qualification", "hard", "四（二）3", type="concept",
        qualification="江苏省概念验证中心建设单位")
    has("weihai-2026", "chair_from_lead", "soft", "三4")
    has("zgc-2026", "integrated_enterprises_min", "hard", "第七条（三）", default=10,
        by_field={"新一代信息技术": 30})
    has("zgc-2026", "total_investment_min", "hard", "第七条（五）", min=5000)


# --- attachment requirements --------------------------------------------------------------------

@pytest.mark.parametrize(("code", "att_code"), SEED_ATTACHMENTS)
def test_seed_attachment(seeded, code, att_code):
    req = AttachmentRequirement.objects.select_related("programme").get(programme__code=code, code=att_code)
    programme = req.programme
    when = req.required_when or {}
    facts = base_facts(programme)
    facts.lead_unit_type = (when.get("lead_unit_types") or ["enterprise"])[0]
    facts.lead_selected_by = (when.get("lead_selected_by") or [""])[0]
    key = "attachment:" + att_code
    results = [r for r in evaluate(facts, rules=[], requirements=[req]) if r.key == key]
    if not req.required:
        assert results == []
        return
    assert len(results) == 1 and results[0].status == FAIL
    assert results[0].message.startswith(f"{programme.guideline_title}{req.citation}：")
    facts.attachment_codes = {att_code}
    assert only(evaluate(facts, rules=[], requirements=[req]), key).status == PASS
    if when:  # not asked for when the condition does not hold
        facts = base_facts(programme)
        facts.lead_unit_type, facts.lead_selected_by = "enterprise", "city"
        assert not [r for r in evaluate(facts, rules=[], requirements=[req]) if r.key == key]


def test_every_programme_has_an_agreement_requirement(seeded):
    for programme in Programme.objects.filter(code__in=[s["code"] for s in seed.PROGRAMMES]):
        assert programme.attachment_requirements.filter(code="agreement").exists(), programme.code


def test_suzhou_recommendation_letter_comes_with_the_county_recommendation(seeded):
    """四（四）: the letter follows the county's review, so it never blocks the applicant's submission."""
    suzhou = Programme.objects.get(code="suzhou-2026")
    stage = suzhou.stage("district_review")
    assert stage["recommendation_letter"] is True
    assert stage["skip_when"] == {"lead_selected_by": ["city"]}
    req = suzhou.attachment_requirements.get(code="recommendation_letter")
    assert req.citation == "四（四）" and req.required_when == {"lead_selected_by": ["county"]}
    assert not req.applies_to(lead_selected_by="county") and not req.applies_to(lead_selected_by="city")


# --- the loaded rows are valid and loading is idempotent ----------------------------------------

def test_every_loaded_row_passes_full_clean(seeded):
    for model in (Division, Authority, District, Programme, ProgrammeRule, AttachmentRequirement):
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.full_clean()
    for rule in ProgrammeRule.objects.all():
        validate_params(rule.rule_key, rule.params)


def test_programmes_are_open_in_the_demo_window(seeded):
    for spec in seed.PROGRAMMES:
        assert Programme.objects.get(code=spec["code"]).is_open()


def test_real_windows_without_the_demo_flag(seeded):
    call_command("load_programmes", verbosity=0)
    weihai = Programme.objects.get(code="weihai-2026")
    assert (weihai.opens_on, weihai.closes_on) == (datetime.date(2022, 6, 29), datetime.date(2025, 6, 28))
    for spec in seed.PROGRAMMES:
        programme = Programme.objects.get(code=spec["code"])
        assert (programme.opens_on, programme.closes_on) == spec["real_window"]
        programme.full_clean()


def test_divisions_offices_and_authorities(seeded):
    assert Division.objects.get(code="320571").full_name == "江苏省苏州市苏州工业园区"
    assert Division.objects.get(code="320500").children.count() == 10
    assert Division.objects.get(code="320000").children.count() == 13
    assert Division.objects.get(code="110000").children.count() == 16
    expected = {"北京市科学技术委员会": 16, "江苏省科学技术厅": 13, "苏州市科学技术局": 10, "威海市科学技术局": 9,
                "中关村科技园区管理委员会": 16}
    for name, count in expected.items():
        authority = Authority.objects.get(name=name)
        offices = list(authority.districts.select_related("division"))
        assert len(offices) == count, name
        for office in offices:  # every office lies in its authority's region
            assert office.division.is_within(authority.region), office
    zgc = Authority.objects.get(name="中关村科技园区管理委员会")
    assert zgc.level == "park"
    assert District.suggest(zgc, Division.objects.get(code="110115")).name == "中关村科技园区大兴-亦庄园管理委员会"
    jiangsu = Authority.objects.get(name="江苏省科学技术厅")
    assert District.suggest(jiangsu, Division.objects.get(code="320583")).name == "苏州市科学技术局"
    code = "91320583MA1MXXXX0"
    assert Division.suggest_for_code(code + creditcode.check_character(code)).name == "昆山市"


def _snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Division, Authority, District, Programme, ProgrammeRule, AttachmentRequirement)
    }


def _content():
    """The loaded content without primary keys (rows may be re-created)."""
    rules = sorted((r.programme.code, r.order, r.rule_key, repr(r.params), r.severity, r.citation, r.active)
                   for r in ProgrammeRule.objects.select_related("programme"))
    atts = sorted((a.programme.code, a.code, a.name, a.required, repr(a.required_when), a.citation, a.order)
                  for a in AttachmentRequirement.objects.select_related("programme"))
    return rules, atts


def test_loading_twice_changes_nothing(seeded):
    before = _snapshot()
    counts = {name: len(rows) for name, rows in before.items()}
    call_command("load_programmes", "--demo-window", verbosity=0)
    call_command("load_programmes", "--demo-window", verbosity=0)
    after = _snapshot()
    assert {name: len(rows) for name, rows in after.items()} == counts
    assert after == before


def test_loading_reports_nothing_to_change(seeded):
    out = StringIO()
    with translation.override("en"):
        call_command("load_programmes", "--demo-window", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "created" in line]
    national = lines.pop(0)  # the national table of divisions after the seed's: every row already present
    assert national.startswith("Administrative divisions from the national table: 0 created, "), national
    # divisions, authorities, offices, fields, lead categories and member kinds, programmes, rules, attachments,
    # criteria
    assert len(lines) == 9
    assert any(line.startswith("Scoring criteria: 0 created, 0 updated, 8 unchanged") for line in lines), lines
    assert all(": 0 created, 0 updated, " in line and line.endswith(" 0 deleted") for line in lines), lines
    assert "Nothing to change" in out.getvalue()


def test_rules_and_attachments_are_replaced_to_match_the_seed(seeded):
    before = _content()
    suzhou = Programme.objects.get(code="suzhou-2026")
    rule = suzhou.rules.get(rule_key="min_members")
    rule.params, rule.severity, rule.active = {"min": 3}, "hard", False
    rule.save()
    suzhou.rules.filter(rule_key="lead_flag").first().delete()
    ProgrammeRule.objects.create(programme=suzhou, rule_key="fulltime_staff_min", params={"min": 1},
                                 citation="管理员添加", order=999)
    suzhou.attachment_requirements.filter(code="agreement").update(name="改名", citation="X")
    suzhou.attachment_requirements.filter(code="recommendation_letter").delete()
    AttachmentRequirement.objects.create(programme=suzhou, code="extra", name="额外材料")
    suzhou.title = "改过的标题"
    suzhou.save()
    call_command("load_programmes", "--demo-window", verbosity=0)
    assert _content() == before
    assert Programme.objects.get(code="suzhou-2026").title == "2026年苏州市创新联合体建设申报"


def test_a_requirement_in_use_is_kept_but_made_optional(seeded):
    suzhou = Programme.objects.get(code="suzhou-2026")
    extra = AttachmentRequirement.objects.create(programme=suzhou, code="old_form", name="旧表格")
    application = ApplicationFactory(programme=suzhou)
    Attachment.objects.create(application=application, requirement=extra)
    call_command("load_programmes", "--demo-window", verbosity=0)
    extra.refresh_from_db()
    assert extra.required is False


# --- a sixth guideline configured purely as rows -----------------------------------------------

def test_a_sixth_programme_configured_as_rows(seeded):
    """What an administrator does in the admin: authority, office, programme, rows (the divisions are
    the national table's)."""
    hangzhou = Division.objects.get(code="330100")
    xihu = Division.objects.get(code="330106", name="西湖区", parent=hangzhou)
    authority = Authority(name="杭州市科学技术局", short_name="杭州市科技局", level="city", region=hangzhou)
    authority.full_clean()
    authority.save()
    office = District(authority=authority, name="西湖区科技局", division=xihu)
    office.full_clean()
    office.save()
    today = datetime.date.today()
    programme = Programme(
        authority=authority, code="hangzhou-2027", certificate_prefix="HZCXLHT", title="2027年杭州市创新联合体申报",
        guideline_title="《杭州市创新联合体建设指引》", opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=60),
        stages=[{"key": "district_review", "peer_opinions_min": 3}, {"key": "expert_review", "modes": ["material"]},
                {"key": "decision"}, {"key": "publicity"}, {"key": "filing"}],
        publicity_working_days=7,
    )
    programme.full_clean()
    programme.save()
    programme.fields.set([Field.objects.create(name="数字经济"), Field.objects.create(name="生命健康")])
    rows = [
        ProgrammeRule(programme=programme, rule_key="lead_region", severity="hard", citation="三（一）1", order=10,
                      params={"divisions": ["330100"], "region_name": "杭州市"}),
        ProgrammeRule(programme=programme, rule_key="min_members", severity="soft", citation="三（二）", order=20,
                      params={"min": 5}),
        ProgrammeRule(programme=programme, rule_key="governance_roles", severity="hard", citation="三（三）",
                      order=30, params={"roles": ["council_chair", "tech_head"]}),
        ProgrammeRule(programme=programme, rule_key="lead_rd_intensity_min", severity="hard", citation="三（一）2",
                      order=40, params={"min_percent": 5}),
        ProgrammeRule(programme=programme, rule_key="field_in", severity="hard", citation="二", order=50),
    ]
    for row in rows:
        row.full_clean()
        row.save()
    agreement = AttachmentRequirement(programme=programme, code="agreement", name="组建协议", citation="四（二）")
    agreement.full_clean()
    agreement.save()

    unit = UnitFactory(division=xihu)
    assert District.suggest(authority, unit.division) == office
    application = ApplicationFactory(programme=programme, unit=unit, district=office, field="数字经济",
                                     lead_revenue=Decimal("50000"), lead_rd_spending=Decimal("3000"))
    for i in range(3):
        MemberFactory(application=application, order=i)
    PersonFactory(application=application, role=Person.Role.COUNCIL_CHAIR, unit_name=unit.name)

    def statuses():
        app = Application.objects.get(pk=application.pk)
        return {r.key: r for r in evaluate(app)}

    results = statuses()
    assert results["completeness"].status == PASS
    assert results["lead_region"].status == PASS
    assert results["min_members"].status == WARN
    assert results["governance_roles"].status == FAIL
    assert results["lead_rd_intensity_min"].status == PASS  # 3000 / 50000 = 6% ≥ 5%
    assert results["field_in"].status == PASS
    assert results["attachment:agreement"].status == FAIL
    for key, citation in [("min_members", "三（二）"), ("governance_roles", "三（三）"),
                          ("attachment:agreement", "四（二）")]:
        assert results[key].message.startswith(f"《杭州市创新联合体建设指引》{citation}：")

    PersonFactory(application=application, role=Person.Role.TECH_HEAD)
    for i in range(3, 5):
        MemberFactory(application=application, order=i)
    Application.objects.filter(pk=application.pk).update(lead_rd_spending=Decimal("2000"))
    results = statuses()
    assert results["governance_roles"].status == PASS
    assert results["min_members"].status == PASS
    assert results["lead_rd_intensity_min"].status == FAIL  # 4% < 5%
    assert route(Application.objects.get(pk=application.pk)) == [
        "district_review", "expert_review", "decision", "publicity", "filing"]


# --- the same, through the Django admin pages ------------------------------------------------------

class _FormValues(__import__("html.parser").parser.HTMLParser):
    """The values a browser would submit from the first form with ``id`` (defaults included: a select
    with no selected option submits its first option, as browsers do)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self._select = self._textarea = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "on")
            else:
                self.values[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select, self._chosen = name, False
            self.values.pop(name, None)
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
            self._chosen = True
        elif tag == "option" and self._select and not self._chosen and self._select not in self.values:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def test_a_seventh_programme_is_configured_in_the_admin_pages_alone(client, seeded):
    """A system administrator adds a programme with its rules, attachment and scoring sheet through
    /admin/ — the forms a browser submits — and an application of it is judged by those rows."""

    from django.urls import reverse

    from review.models import Criterion
    from tests.review_factories import admin_user

    admin = admin_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    add_url = reverse("admin:applications_programme_add")
    page = client.get(add_url)
    assert page.status_code == 200
    parser = _FormValues("programme_form")
    parser.feed(page.content.decode())
    data = parser.values
    prefixes = sorted({key.rsplit("-", 1)[0] for key in data if key.endswith("-TOTAL_FORMS")} - {"stages"})
    assert len(prefixes) == 3, prefixes  # rules, attachment requirements, criteria
    rule_prefix = next(p for p in prefixes if "rule" in p)
    requirement_prefix = next(p for p in prefixes if "requirement" in p)
    criterion_prefix = next(p for p in prefixes if "criteri" in p)
    suzhou = Programme.objects.get(code="suzhou-2026")
    today = datetime.date.today()
    data.update({
        "authority": str(suzhou.authority_id), "code": "suzhou-2027", "certificate_prefix": "SZCX",
        "title": "2027年苏州市创新联合体建设申报", "guideline_title": "《苏州市创新联合体建设实施方案（2027年修订）》",
        "opens_on": (today - datetime.timedelta(days=1)).isoformat(),
        "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
        "fields": [str(Field.objects.get(name="电子信息").pk)], "formation_modes": "[]",
        # The route as rows (applications.stage_forms): a decision, then filing.
        "stages-TOTAL_FORMS": "2", "stages-0-key": "decision", "stages-0-ORDER": "1",
        "stages-1-key": "filing", "stages-1-ORDER": "2", "publicity_working_days": "5",
        "max_members": "200", "published": "on",
        f"{rule_prefix}-TOTAL_FORMS": "2",
        f"{rule_prefix}-0-order": "10", f"{rule_prefix}-0-rule_key": "min_members",
        f"{rule_prefix}-0-params": '{"min": 6}', f"{rule_prefix}-0-severity": "soft",
        f"{rule_prefix}-0-citation": "三（一）2", f"{rule_prefix}-0-active": "on",
        f"{rule_prefix}-1-order": "20", f"{rule_prefix}-1-rule_key": "field_in", f"{rule_prefix}-1-params": "{}",
        f"{rule_prefix}-1-severity": "hard", f"{rule_prefix}-1-citation": "二", f"{rule_prefix}-1-active": "on",
        f"{requirement_prefix}-0-order": "1", f"{requirement_prefix}-0-code": "agreement",
        f"{requirement_prefix}-0-name": "创新联合体章程", f"{requirement_prefix}-0-required": "on",
        f"{requirement_prefix}-0-required_when": "{}", f"{requirement_prefix}-0-citation": "四（一）",
        f"{requirement_prefix}-0-max_mb": "20",
        f"{criterion_prefix}-0-order": "1", f"{criterion_prefix}-0-name": "建设基础",
        f"{criterion_prefix}-0-weight": "100",
    })
    # A mistyped parameter is refused with the reason, and nothing is saved.
    bad = dict(data, **{f"{rule_prefix}-0-params": '{"minimum": 6}'})
    response = client.post(add_url, bad)
    assert response.status_code == 200 and not Programme.objects.filter(code="suzhou-2027").exists()
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = Programme.objects.get(code="suzhou-2027")
    assert [(r.rule_key, r.severity, r.params) for r in programme.rules.order_by("order")] == [
        ("min_members", "soft", {"min": 6}), ("field_in", "hard", {})]
    assert programme.attachment_requirements.get().code == "agreement"
    assert Criterion.objects.filter(programme=programme, name="建设基础").exists()

    unit = UnitFactory(division=Division.objects.get(code="320505"))
    application = ApplicationFactory(programme=programme, unit=unit, field="电子信息")
    for i in range(3):
        MemberFactory(application=application, order=i)
    from applications.rules import evaluate

    results = {r.key: r for r in evaluate(Application.objects.get(pk=application.pk))}
    assert results["min_members"].status == "warn"
    assert "《苏州市创新联合体建设实施方案（2027年修订）》三（一）2" in str(results["min_members"].message)
    assert results["field_in"].status == "pass"


def test_programme_staff_configure_their_own_authoritys_programmes_and_the_holidays_in_the_admin(client, seeded):
    """Programme staff reach the admin for their configuration only: their authority's programmes
    (and rules), the expert pool and the holiday calendar — not other authorities', not applications."""
    from django.urls import reverse

    from review.calendar import WorkingCalendar
    from review.models import HolidayDay
    from tests.review_factories import staff_user

    suzhou = Programme.objects.get(code="suzhou-2026")
    beijing = Programme.objects.get(code="beijing-2026")
    staff = staff_user(suzhou.authority)
    staff.refresh_from_db()
    assert staff.is_staff and not staff.is_superuser
    client.force_login(staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:applications_programme_changelist") in index
    assert reverse("admin:review_holidayday_changelist") in index
    assert reverse("admin:applications_application_changelist") not in index
    assert reverse("admin:portal_user_changelist") not in index

    listing = client.get(reverse("admin:applications_programme_changelist")).content.decode()
    assert suzhou.title in listing and beijing.title not in listing
    assert client.get(reverse("admin:applications_programme_change", args=[suzhou.pk])).status_code == 200
    other = client.get(reverse("admin:applications_programme_change", args=[beijing.pk]))
    assert other.status_code == 302  # the admin's "does not exist" redirect: nothing of it is shown
    rules = client.get(reverse("admin:applications_programmerule_changelist")).content.decode()
    assert beijing.guideline_title not in rules
    add_page = client.get(reverse("admin:applications_programme_add")).content.decode()
    assert suzhou.authority.name in add_page and beijing.authority.name not in add_page  # only their authority
    assert client.get(reverse("admin:applications_application_changelist")).status_code == 403
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403

    # The holiday table is shared: staff see it, but only the central registry keeper enters a make-up
    # Saturday, which changes the working-day count (staff propose it: tests/review/test_pool_proposals.py).
    saturday = next(datetime.date(2031, 1, d) for d in range(1, 8) if datetime.date(2031, 1, d).weekday() == 5)
    assert not WorkingCalendar().is_workday(saturday)
    assert client.get(reverse("admin:review_holidayday_changelist")).status_code == 200
    holiday = {"date": saturday.isoformat(), "name": "调休上班", "is_workday": "on"}
    assert client.post(reverse("admin:review_holidayday_add"), holiday).status_code == 403
    assert not HolidayDay.objects.filter(date=saturday).exists()
    client.force_login(UserFactory(role=Role.REGISTRAR, unit=None))
    response = client.post(reverse("admin:review_holidayday_add"), holiday)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HolidayDay.objects.get(date=saturday).is_workday
    assert WorkingCalendar().is_workday(saturday)

    # Applicants, district reviewers and experts never reach the admin.
    from tests.review_factories import applicant_user, district_of, district_user, expert_user, unit_in

    for user in (applicant_user(unit_in("suzhou-2026")), district_user(district_of("suzhou-2026")), expert_user()):
        user.refresh_from_db()
        assert not user.is_staff
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login


def test_saving_a_programme_unchanged_in_the_admin_succeeds(client, seeded):
    """Staff open a seeded programme in the admin and press save without touching anything: it saves
    (the blank extra rows of the inlines are left alone, not refused as incomplete)."""
    from django.urls import reverse

    from tests.review_factories import admin_user

    client.force_login(admin_user(is_staff=True, is_superuser=True))
    programme = Programme.objects.get(code="weihai-2026")
    url = reverse("admin:applications_programme_change", args=[programme.pk])
    parser = _FormValues("programme_form")
    parser.feed(client.get(url).content.decode())
    rules_before = list(programme.rules.values_list("rule_key", "params", "severity", "citation"))
    response = client.post(url, parser.values)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(programme.rules.values_list("rule_key", "params", "severity", "citation")) == rules_before

"""Lead categories and member kinds held as data: what each programme offers, the rule that counts
members by kind, the names shown for stored codes, who keeps the entries, and the data migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from applications.forms import ApplicationForm, MemberForm
from applications.models import Application, Field, LeadCategory, Member, MemberKind, Programme, ProgrammeRule
from applications.rules import WARN, evaluate
from tests.applications.test_applications import editor_data, member_row
from tests.review_factories import admin_user, make_draft, staff_user

pytestmark = pytest.mark.django_db


def offered(form, name):
    return {value for value, _label in form.fields[name].choices if value}


def test_each_programme_offers_its_guideline_s_lead_categories(seeded):
    weihai, jiangsu = Programme.objects.get(code="weihai-2026"), Programme.objects.get(code="jiangsu-2026")
    # 威海 三1: 骨干企业或具有较强行业影响力的新型研发机构 — the programme's own entries, citing the article.
    own = {e.code: e for e in LeadCategory.objects.filter(programme=weihai)}
    assert {e.name for e in own.values()} == {"骨干企业", "具有较强行业影响力的新型研发机构"}
    assert {e.citation for e in own.values()} == {"三1"}
    assert offered(ApplicationForm(programme=weihai), "lead_category") == set(own) | {"other"}
    # 江苏 四（一）2、3: the shared national/provincial categories, and none of Weihai's.
    assert offered(ApplicationForm(programme=jiangsu), "lead_category") == {
        "tech_leader", "industry_leader", "unicorn", "lab", "tech_centre", "other"}


def test_a_programme_s_own_member_kind_is_offered_to_it_alone(seeded):
    zgc, beijing = Programme.objects.get(code="zgc-2026"), Programme.objects.get(code="beijing-2026")
    service = MemberKind.objects.get(programme=zgc)
    assert (service.name, service.citation) == ("服务企业", "第七条（三）")
    assert service.code in offered(MemberForm(programme=zgc), "unit_type")
    assert service.code not in offered(MemberForm(programme=beijing), "unit_type")
    assert {"enterprise", "university", "research"} <= offered(MemberForm(programme=beijing), "unit_type")


def test_at_least_n_members_of_a_kind_is_a_rule_citing_its_article(seeded):
    """A guideline saying 「3 家上下游企业」 is one rule row: min_members_of_kind with its article."""
    app = make_draft("weihai-2026", members=3)  # one enterprise, one university, one research institute
    weihai = app.programme
    rule = ProgrammeRule(programme=weihai, rule_key="min_members_of_kind",
                         params={"member_kinds": ["enterprise", "zgc_service_firm"], "min": 3},
                         severity="soft", citation="三3", order=999)
    rule.full_clean()
    rule.save()
    result = [r for r in evaluate(Application.objects.get(pk=app.pk)) if r.key == "min_members_of_kind"][-1]
    assert result.status == WARN
    assert result.message == ("《威海市创新联合体备案工作指引》三3：members should in principle include at least 3 of: "
                              "产业链上下游企业、服务企业，currently 1")
    for i in range(2):
        Member.objects.create(application=app, name=f"上下游企业{i}", unit_type="enterprise", order=10 + i)
    result = [r for r in evaluate(Application.objects.get(pk=app.pk)) if r.key == "min_members_of_kind"][-1]
    assert result.status == "pass"


def test_the_seed_rules_count_members_by_kind_where_the_guidelines_do(seeded):
    rows = ProgrammeRule.objects.filter(rule_key="min_members_of_kind")
    assert {(r.programme.code, r.citation, tuple(r.params["member_kinds"])) for r in rows} == {
        ("beijing-2026", "三2", ("enterprise",)), ("beijing-2026", "三2", ("university", "research")),
        ("jiangsu-2026", "四（二）", ("university", "research")),
        ("weihai-2026", "三3", ("enterprise",)), ("weihai-2026", "三3", ("university", "research", "new_rd"))}
    assert not ProgrammeRule.objects.filter(rule_key="min_members_of_type").exists()


def test_the_editor_saves_a_programme_s_own_kind_and_keeps_a_value_no_longer_offered(client, seeded):
    app = make_draft("zgc-2026", members=0)
    Application.objects.filter(pk=app.pk).update(lead_category="industry_leader")  # not offered by ZGC
    client.force_login(app.created_by)
    url = reverse("applications:application_edit", args=[app.pk])
    page = client.get(url)
    assert "服务企业" in page.content.decode() and "三级甲等医疗机构" in page.content.decode()
    data = editor_data(app, [member_row(1, unit_type="zgc_service_firm"), member_row(2, unit_type="unknown")],
                       lead_category="industry_leader", field="新材料")
    response = client.post(url, data)
    assert response.status_code == 200  # an unknown kind is refused, the row kept with its error
    assert not app.members.exists()
    data["members-1-unit_type"] = "university"
    assert client.post(url, data).status_code == 302
    app.refresh_from_db()
    assert app.lead_category == "industry_leader" and app.get_lead_category_display() == "行业龙头企业"
    assert [(m.unit_type, m.get_unit_type_display()) for m in app.members.all()] == [
        ("zgc_service_firm", "服务企业"), ("university", "高校")]


def test_a_renamed_entry_shows_its_new_name_at_once(seeded):
    app = make_draft("jiangsu-2026", members=1)
    assert app.get_lead_category_display() == "行业龙头企业"
    entry = LeadCategory.objects.get(code="industry_leader")
    entry.name = "行业龙头企业（年销售收入10亿元以上）"
    entry.save()
    assert Application.objects.get(pk=app.pk).get_lead_category_display() == entry.name


def test_programme_staff_add_their_programme_s_entries_and_only_see_the_shared_ones(client, seeded):
    weihai, beijing = Programme.objects.get(code="weihai-2026"), Programme.objects.get(code="beijing-2026")
    client.force_login(staff_user(weihai.authority))
    add = reverse("admin:applications_memberkind_add")
    form = {"code": "wh_chain_master", "name": "链主企业", "citation": "三3", "order": "5"}
    for programme in ("", str(beijing.pk)):  # shared, or another authority's programme: refused
        assert client.post(add, dict(form, programme=programme)).status_code == 200
    assert not MemberKind.objects.filter(code="wh_chain_master").exists()
    assert client.post(add, dict(form, programme=str(weihai.pk))).status_code == 302
    assert MemberKind.objects.get(code="wh_chain_master").programme == weihai
    listing = client.get(reverse("admin:applications_memberkind_changelist"))
    body = listing.content.decode()
    assert "链主企业" in body and "产业链上下游企业" in body and "服务企业" not in body  # not ZGC's own
    shared = MemberKind.objects.get(code="enterprise")
    response = client.post(reverse("admin:applications_memberkind_change", args=[shared.pk]),
                           {"code": "enterprise", "name": "企业", "order": "10", "citation": ""})
    assert response.status_code == 403
    assert MemberKind.objects.get(code="enterprise").name == "产业链上下游企业"
    # The field taxonomy is shared: staff add a field, administrators keep it.
    assert client.post(reverse("admin:applications_field_add"), {"name": "海洋生物", "order": "0"}).status_code == 302
    field = Field.objects.get(name="海洋生物")
    assert client.get(reverse("admin:applications_field_change", args=[field.pk])).status_code == 200  # view only
    client.force_login(admin_user(is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:applications_field_change", args=[field.pk]),
                           {"name": "海洋生物", "parent": str(Field.objects.get(name="医药健康").pk), "order": "0"})
    assert response.status_code == 302 and Field.objects.get(pk=field.pk).parent.name == "医药健康"


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_keeps_every_row_s_meaning(seeded):
    """Before 0008: enums, JSON lists of fields, min_members_of_type rows.  After it: the same codes with
    their entries, the programmes' and experts' fields matched by name, the rules converted."""
    executor = MigrationExecutor(connection)
    before = [("applications", "0007_scale_indexes"), ("review", "0008_export_jobs")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    authority = old.get_model("portal", "Authority").objects.first()  # the seed's
    programme = old.get_model("applications", "Programme").objects.create(
        authority_id=authority.pk, code="migrated", certificate_prefix="MIG", title="迁移测试", guideline_title="《迁移》",
        opens_on="2026-01-01", closes_on="2026-12-31", fields=["电子信息", "自填领域"], stages=[{"key": "filing"}])
    old.get_model("applications", "ProgrammeRule").objects.create(
        programme=programme, rule_key="min_members_of_type", params={"types": ["enterprise"], "min": 3},
        severity="soft", citation="三2")
    old.get_model("review", "Expert").objects.create(name="迁移专家", title="研究员", affiliation="某研究院",
                                                     fields=["电子信息", "专家自填"])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from review.models import Expert

    programme = Programme.objects.get(code="migrated")
    assert programme.field_names() == ["电子信息", "自填领域"]
    assert set(Expert.objects.get(name="迁移专家").fields.values_list("name", flat=True)) == {"电子信息", "专家自填"}
    rule = programme.rules.get()
    assert (rule.rule_key, rule.params) == ("min_members_of_kind", {"member_kinds": ["enterprise"], "min": 3})
    assert LeadCategory.objects.get(code="industry_leader", programme=None).name == "行业龙头企业"
    assert MemberKind.objects.get(code="enterprise", programme=None).name == "产业链上下游企业"


def test_an_entry_that_applications_use_cannot_be_deleted(client, seeded):
    make_draft("jiangsu-2026", members=1)  # an industry leader with an enterprise member
    client.force_login(admin_user(is_staff=True, is_superuser=True))
    used, unused = LeadCategory.objects.get(code="industry_leader"), LeadCategory.objects.get(code="lab")
    assert used.in_use() and not unused.in_use() and MemberKind.objects.get(code="enterprise").in_use()
    assert client.post(reverse("admin:applications_leadcategory_delete", args=[used.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:applications_leadcategory_delete", args=[unused.pk]),
                       {"post": "yes"}).status_code == 302
    assert set(LeadCategory.objects.filter(code__in=["industry_leader", "lab"]).values_list("code", flat=True)) == {
        "industry_leader"}

"""The national table of administrative divisions: what it holds, how it is loaded, and a unit
anywhere in China registering with it."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications.models import Application
from portal import divisions
from portal.models import District, Division, Unit
from tests.factories import ProgrammeFactory, UserFactory, make_credit_code
from tests.portal.test_accounts import registration_data

pytestmark = pytest.mark.django_db


def counties():
    """Divisions at county level: below a prefecture, or directly below a municipality / as 省直辖县级."""
    below_prefecture = Division.objects.filter(parent__parent__isnull=False, parent__parent__parent__isnull=True)
    below_province = Division.objects.filter(parent__isnull=False, parent__parent__isnull=True).exclude(
        code__endswith="00")
    return below_prefecture.count() + below_province.count()


def drop_below(province_code):
    """Remove a province's cities and counties (as if the table had not been loaded there yet)."""
    Division.objects.filter(parent__parent__code=province_code).delete()
    Division.objects.filter(parent__code=province_code).delete()


class TestTheTable:
    def test_all_provinces_and_the_counties_are_there(self, seeded):
        provinces = Division.objects.filter(parent__isnull=True)
        assert provinces.count() == 31
        assert {"安徽省", "西藏自治区", "新疆维吾尔自治区", "海南省", "重庆市"} <= set(provinces.values_list("name", flat=True))
        assert counties() >= 2800
        assert 3100 <= Division.objects.count() <= 3500
        assert Division.objects.get(code="340104").full_name == "安徽省合肥市蜀山区"
        # No 市辖区 level: a municipality's districts hang under it, as the seed's do.
        assert Division.objects.get(code="500101").full_name == "重庆市万州区"
        assert not Division.objects.filter(name__in=["市辖区", "县", "省直辖县级行政区划"]).exists()
        # 省直辖县级行政区划 directly under the province; a city without counties is one row.
        assert Division.objects.get(code="429004").full_name == "湖北省仙桃市"
        assert Division.objects.get(code="441900").full_name == "广东省东莞市"
        assert not Division.objects.filter(parent__code="441900").exists()

    def test_the_seed_rows_and_their_offices_are_kept(self, seeded):
        # The seed's own codes stay (units, offices and demo credit codes point at them) ...
        park = Division.objects.get(code="320571")
        assert park.full_name == "江苏省苏州市苏州工业园区"
        assert District.objects.get(name="苏州工业园区科技创新委员会").division == park
        assert Division.objects.filter(code__in=["371091", "371092"]).count() == 2
        # ... and the table's code for the same place is left out, so that it is offered once.
        assert not Division.objects.filter(code="320576").exists()
        assert Division.objects.get(code="320500").children.count() == 10

    def test_loading_again_changes_nothing(self, seeded):
        before = list(Division.objects.values_list("pk", "code", "name", "parent_id"))
        result = divisions.load_table()
        assert result.created == 0
        assert result.kept == len(divisions.read_table()) - len(result.skipped_duplicates)
        assert list(Division.objects.values_list("pk", "code", "name", "parent_id")) == before

    def test_the_command_reports_and_is_idempotent(self, seeded, capsys):
        drop_below("540000")
        call_command("load_divisions")
        out = capsys.readouterr().out
        assert "created" in out and "苏州工业园区 320576" in out
        assert Division.objects.get(code="540102").full_name == "西藏自治区拉萨市城关区"
        call_command("load_divisions", verbosity=0)
        assert Division.objects.filter(code="540102").count() == 1

    def test_bulk_and_quick(self, seeded, django_assert_max_num_queries):
        drop_below("650000")
        with django_assert_max_num_queries(12):
            result = divisions.load_table()
        assert result.created > 100


def write_table(path, provinces, cities, areas):
    for name, rows in (("provinces", provinces), ("cities", cities), ("areas", areas)):
        (path / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def test_reading_the_source_format(tmp_path):
    """The package's three files: pseudo prefectures (市辖区, 县, 省直辖县级行政区划) are left out and
    their counties hang under the province; a county that repeats its city is the city."""
    write_table(
        tmp_path,
        [{"code": "50", "name": "重庆市"}, {"code": "41", "name": "河南省"}, {"code": "44", "name": "广东省"}],
        [{"code": "5001", "name": "市辖区", "provinceCode": "50"}, {"code": "5002", "name": "县", "provinceCode": "50"},
         {"code": "4101", "name": "郑州市", "provinceCode": "41"},
         {"code": "4190", "name": "省直辖县级行政区划", "provinceCode": "41"},
         {"code": "4419", "name": "东莞市", "provinceCode": "44"}],
        [{"code": "500101", "name": "万州区", "cityCode": "5001", "provinceCode": "50"},
         {"code": "500229", "name": "城口县", "cityCode": "5002", "provinceCode": "50"},
         {"code": "410102", "name": "中原区", "cityCode": "4101", "provinceCode": "41"},
         {"code": "419001", "name": "济源市", "cityCode": "4190", "provinceCode": "41"},
         {"code": "441900", "name": "东莞市", "cityCode": "4419", "provinceCode": "44"}],
    )
    assert divisions.read_table(tmp_path) == [
        ("500000", "重庆市", None), ("410000", "河南省", None), ("440000", "广东省", None),
        ("410100", "郑州市", "410000"), ("441900", "东莞市", "440000"),
        ("500101", "万州区", "500000"), ("500229", "城口县", "500000"), ("410102", "中原区", "410100"),
        ("419001", "济源市", "410000"),
    ]


def test_a_missing_table_says_how_to_install_it(tmp_path, settings):
    settings.DIVISION_TABLE_DIR = tmp_path / "absent"
    with pytest.raises(CommandError, match="scripts/setup.sh"):
        call_command("load_divisions")
    with pytest.raises(divisions.TableMissing):
        divisions.read_table()


# --- registering anywhere -------------------------------------------------------------------------

def test_a_unit_in_anhui_registers(client, seeded):
    shushan = Division.objects.get(code="340104")
    data = registration_data(shushan, name="合肥测试科技有限公司", address="安徽省合肥市蜀山区测试路1号",
                             username="hefei-admin")
    page = client.get(reverse("portal:register")).content.decode()
    assert f'value="{shushan.pk}" data-code="340104" data-parent="340100"' in page
    assert '<optgroup label="安徽省">' in page and ">合肥市蜀山区</option>" in page
    response = client.post(reverse("portal:register"), data)
    assert response.status_code == 302, response.context["form"].errors
    unit = Unit.objects.get(credit_code=data["credit_code"])
    assert unit.division == shushan
    assert Division.suggest_for_code(unit.credit_code) == shushan


def test_the_code_suggests_the_city_when_the_county_is_unknown(seeded):
    assert Division.suggest_for_code(make_credit_code("340199")) == Division.objects.get(code="340100")
    assert Division.suggest_for_code(make_credit_code("549999")) == Division.objects.get(code="540000")


@pytest.mark.sqlite
def test_registration_with_the_whole_table_on_any_database(client, seeded, django_assert_max_num_queries):
    """The demo's SQLite too: the page lists every division in one query and a unit in Tibet registers."""
    with django_assert_max_num_queries(8):
        page = client.get(reverse("portal:register"))
    assert page.content.decode().count("data-code=") > 3000
    chengguan = Division.objects.get(code="540102")
    data = registration_data(chengguan, name="拉萨测试科技有限公司", username="lhasa-admin")
    response = client.post(reverse("portal:register"), data)
    assert response.status_code == 302
    assert Unit.objects.get(credit_code=data["credit_code"]).division == chengguan


def test_an_office_less_division_is_explained_when_the_application_starts(client, seeded):
    """A unit in a division that none of the authority's offices covers: the draft starts without an
    office and the applicant is told to choose one (the programme's region rule says whether it may apply)."""
    programme = ProgrammeFactory(code="zgc-like")
    applicant = UserFactory(unit__division=Division.objects.get(code="340104"), is_unit_admin=True)
    client.force_login(applicant)
    response = client.post(reverse("applications:application_start", args=[programme.code]), follow=True)
    application = Application.objects.get(unit=applicant.unit)
    assert application.district is None
    html = response.content.decode()
    assert "No district office of" in html and "安徽省合肥市蜀山区" in html
    assert "outside the area of" in html  # the editor's office field says so too

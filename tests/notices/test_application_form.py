"""The printable 申报书 as offices print it: the cover page, every field the programme asks (the lead unit's
figures too), one 承诺/盖章 page per unit, and user text of any length laid out completely.

Rendered through the production path (the registered template and context of the APPLICATION_FORM kind,
``notices.documents.render_pdf``) and read back with poppler's ``pdftotext``.
"""

import re
import subprocess

import pytest
from django.utils import timezone, translation

from notices import documents
from notices.models import Job
from notices.templatetags.papers import cn_date
from tests.review_factories import make_draft

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db]

FOOTER = re.compile(r"—\s*\d+\s*—|页码\s*\d+\s*/\s*\d+")  # the page number at the foot


def render(app):
    job = Job(kind=Job.Kind.APPLICATION_FORM, key=f"form-test-{app.pk}", subject=app)
    return documents.render_pdf(documents.template_of(job.kind), documents.context_for(job))


def pages(data, layout=True):
    """The text of each page (``pdftotext`` separates pages with form feeds)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    text = subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()
    return text.split("\f")[:-1]


def flat(text):
    return "".join(text.split())


def test_the_cover_carries_the_number_the_lead_to_seal_the_office_and_the_chinese_date():
    app = make_draft("suzhou-2026")
    assert app.reference and app.reference.startswith("SZCXLHTSB")
    cover = pages(render(app))[0]
    assert "申报编号：" + app.reference in flat(cover)
    assert app.programme.title in flat(cover) and "申报书" in flat(cover)
    sealed = next(line for line in cover.splitlines() if "牵头单位（盖章）" in line)
    assert app.unit.name in sealed, sealed  # the lead's name on the line it is stamped over
    assert app.district and "推荐单位" + app.district.name in flat(cover)
    assert app.name in flat(cover)
    assert flat(f"联系人/电话{app.unit.contact_name}{app.unit.contact_phone}") in flat(cover)
    assert "填报日期" + cn_date(timezone.localdate()) in flat(cover)
    assert re.search(r"二〇[一二三四五六七八九〇]{2}年[一二三四五六七八九十]+月[一二三四五六七八九十]+日", cover)


def test_every_field_of_the_beijing_form_with_the_leads_figures_under_official_headings():
    app = make_draft("beijing-2026")
    text = flat("".join(pages(render(app))))
    # The lead's figures (make_draft: 200000 revenue, 12000 R&D, so 6% intensity; 8000 investment …).
    for label, value in (("上年度营业收入（万元）", "200000.00"), ("上年度研发投入（万元）", "12000.00"),
                         ("研发投入强度（%）", "6.00"), ("组建方式", app.formation_mode), ("所属领域", app.field)):
        assert label + value in text, label
    # What the Beijing editor does not ask (applications.editor.parts_for) is not printed either: Suzhou's
    # carrier and fund, 中关村's operating entity and figures, an office (no district stage).
    for label in ("建有省级以上创新载体", "拥有股权投资基金", "运营主体情况", "总投资额（万元）",
                  "专职人员（人）", "整合上下游企业（家）", "推荐单位"):
        assert label not in text, label
    assert "省级企业技术中心" in text  # the carriers
    assert "牵头单位确定方式" not in text  # Beijing's editor does not ask it
    for heading in ("一、基本信息", "（一）建设目标与定位", "二、牵头单位情况", "（二）主要指标", "三、成员单位",
                    "四、组织架构", "五、重点任务", "（一）关键核心技术攻关", "1.主要内容与目标", "六、资金筹措",
                    "七、年度目标", "八、附件清单"):
        assert heading in text, heading
    for member in app.members.all():
        assert member.name in text and member.credit_code in text
    for person in app.people.all():
        assert person.name in text
    assert "创新联合体组建协议" in text and "诚信承诺书" in text  # the attachment slots


def test_suzhou_prints_how_its_lead_was_selected():
    text = flat("".join(pages(render(make_draft("suzhou-2026", lead_selected_by="county")))))
    assert "牵头单位确定方式" in text and "组建方式" not in text


def test_one_commitment_and_seal_page_per_unit():
    app = make_draft("weihai-2026", members=4)
    sheets = pages(render(app))
    lead_pages = [p for p in sheets if "牵头单位承诺书" in p]
    member_pages = [p for p in sheets if "成员单位承诺书" in p]
    assert len(lead_pages) == 1 and app.unit.name in lead_pages[0]
    members = list(app.members.all())
    assert len(member_pages) == len(members) == 4
    for member, page in zip(members, member_pages, strict=True):
        body = flat(page)
        with translation.override("zh-hans"):
            role = str(member.get_role_display())  # 核心成员 / 成员
        assert member.name in body and member.credit_code in body and "在联合体中的角色" + role in body
        assert "本单位自愿加入" in body and "真实、准确、完整" in body
        assert "单位（盖章）：" in body and "法定代表人（签字）：" in body and "年月日" in body
        assert "申报编号：" + app.reference in body
        # Its own page: no other member is named on it.
        assert not any(other.name in body for other in members if other != member)
    # The seal pages come last, lead first, and each starts a page.
    assert sheets[-5:] == lead_pages + member_pages


def test_a_long_paragraph_comes_back_complete():
    sentences, i = [], 0
    while sum(map(len, sentences)) < 8000:
        i += 1
        sentences.append(f"第{i}句：创新联合体围绕产业链关键核心技术开展联合攻关，推动成果转化")
    goals = "".join(sentences)[:8000]
    app = make_draft("zgc-2026")
    app.goals = goals
    app.save(update_fields=["goals"])
    sheets = pages(render(app), layout=False)
    text = FOOTER.sub("", flat("".join(sheets)))
    assert flat(goals) in text
    assert len(sheets) >= 6  # 8 000 characters take several pages of the form


def test_zgc_prints_its_platform_figures_and_its_sub_park():
    app = make_draft("zgc-2026")
    text = flat("".join(pages(render(app))))
    for label, value in (("总投资额（万元）", "8000.00"), ("专职人员（人）", "25"), ("整合上下游企业（家）", "60"),
                         ("运营主体情况", "独立法人实体"), ("推荐单位", app.district.name)):
        assert label + value in text, label
    assert "拥有股权投资基金" not in text and "组建方式" not in text

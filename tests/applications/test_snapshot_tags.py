"""The review pages' snapshot and eligibility results written by template tags (applications.templatetags): the same
HTML as the template loops they replace, for awkward values (none, several lines, numbers, markup to escape)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from applications.rules import FAIL, PASS, WARN, Result, Severity

LOOPS = {
    "definitions": '{% for label, value in pairs %}<dt class="col-sm-4">{{ label }}</dt><dd class="col-sm-8 '
                   'text-break">{{ value }}</dd>{% endfor %}',
    "lines": '{% for label, value in pairs %}<dt class="col-sm-4">{{ label }}</dt><dd class="col-sm-8 text-break">'
             '{{ value|linebreaksbr }}</dd>{% endfor %}',
    "members": '{% for m in members %}<tr><td>{{ forloop.counter }}</td><td>{{ m.name }}<br><span class="small '
               'text-body-secondary text-nowrap">{{ m.credit_code }}</span></td><td>{{ m.unit_type }}</td><td>'
               '{{ m.region }}</td><td>{{ m.role }}</td><td>{{ m.division_of_work }}</td><td class="text-end '
               'text-nowrap">{{ m.committed_input|default_if_none:"" }}</td></tr>{% endfor %}',
}
PAIRS = [("名称", "<b>联合体</b> & 伙伴"), ("目标", "第一行\r\n第二行\n第三行"), ("金额", Decimal("1234.50")),
         ("人数", 12), ("空", None), ("是否", True)]
MEMBERS = [{"name": "甲大学", "credit_code": "12100000400000624D", "unit_type": "高校", "region": "江苏省南京市",
            "role": "成员", "division_of_work": "算法<研发>", "committed_input": Decimal("300.00")},
           {"name": "乙公司", "credit_code": "", "unit_type": "企业", "region": None, "role": "成员",
            "committed_input": None}]


def render(source, **context):
    return Template(source).render(Context(context))


@pytest.mark.sqlite
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_tags_write_what_the_loops_wrote(language, settings):
    from django.utils import translation

    with translation.override(language):
        assert render("{% load application_tags %}{% definitions pairs %}", pairs=PAIRS) == render(
            LOOPS["definitions"], pairs=PAIRS)
        assert render("{% load application_tags %}{% definitions pairs lines=True %}", pairs=PAIRS) == render(
            LOOPS["lines"], pairs=PAIRS)
        assert render("{% load application_tags %}{% member_rows members %}", members=MEMBERS) == render(
            LOOPS["members"], members=MEMBERS)


@pytest.mark.sqlite
def test_the_eligibility_results_one_line_each_with_their_status_and_soft_warning():
    results = [Result("min_members", PASS, "成员 5 家 ≥ 3", Severity.HARD),
               Result("lead_revenue", WARN, "营收<1亿", Severity.SOFT),
               Result("credit", FAIL, "失信", Severity.HARD)]
    html = render("{% load application_tags %}{% eligibility_results results %}", results=results)
    assert html.count("<li ") == 3 and html.count("soft condition") == 1
    assert ('<li class="eligibility-item border-start border-3 border-warning ps-2 mb-2" data-status="warn" '
            'data-key="lead_revenue"><span class="badge text-bg-warning">') in html
    assert "营收&lt;1亿" in html and 'data-status="fail" data-key="credit"' in html

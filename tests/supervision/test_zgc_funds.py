"""A Zhongguancun platform through two yearly 考核评估: the first year's support is paid at admission, each later
year's only after a passed evaluation of the year before (第十条, at most 1000万元 a year and 30% of the
investment); a 弄虚作假 finding revokes it, recovers every yuan paid and records the fraud (第十五条)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from notices import outbox
from notices.models import Document, Job
from portal.lifecycle import ActionRefused
from portal.models import CreditRecord
from supervision import services
from supervision.choices import FundKind, Grade, RevocationGround
from supervision.selectors import funds_by_year

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ARTICLE_10 = "《中关村国家自主创新示范区高精尖产业协同创新平台建设管理办法（试行）》第十条"


def at(*args):
    return time_machine.travel(datetime.datetime(*args, 10, 0, tzinfo=SHANGHAI), tick=False)


def grant(app, year, amount, on, number):
    return services.record_funds(app.pk, app.staff, year, FundKind.GRANT, Decimal(amount), on, number)


def test_zgc_platform_paid_by_result_and_recovered_after_fraud(make_consortium):
    app = make_consortium("zgc-2026", filed_on=datetime.date(2026, 1, 15), total_investment=Decimal("6000"))
    assert app.programme.guideline_title in ARTICLE_10
    with at(2026, 2, 1):
        grant(app, 2026, "1000", datetime.date(2026, 2, 1), "中科园发〔2026〕8号")
        with pytest.raises(ActionRefused, match=f"at most 1000.00 .*{ARTICLE_10}"):
            grant(app, 2026, "1", datetime.date(2026, 2, 2), "中科园发〔2026〕9号")
    with at(2027, 3, 1):
        with pytest.raises(ActionRefused, match=f"passed evaluation of 2026.*{ARTICLE_10}"):
            grant(app, 2027, "800", datetime.date(2027, 3, 1), "中科园发〔2027〕5号")
        first = services.save_evaluation(app.pk, app.staff, 2026, Decimal("76"), "绩效目标基本完成")
        assert services.confirm_evaluation(first.pk, app.staff).grade == Grade.PASS
        grant(app, 2027, "800", datetime.date(2027, 3, 2), "中科园发〔2027〕5号")
    with at(2028, 3, 1):
        second = services.save_evaluation(app.pk, app.staff, 2027, Decimal("52"), "产业带动不足")
        assert services.confirm_evaluation(second.pk, app.staff).grade == Grade.FAIL
        with pytest.raises(ActionRefused, match="passed evaluation of 2027"):
            grant(app, 2028, "500", datetime.date(2028, 3, 1), "中科园发〔2028〕2号")
        revocation = services.propose_revocation(app.pk, app.staff, RevocationGround.FRAUD,
                                                 "虚报自筹资金投入骗取支持资金")
        assert revocation.citation.endswith("第十五条")
        services.confirm_revocation(revocation.pk, app.staff, "主任办公会决定解除协议、追回资金、取消平台资格")

    years, entries = funds_by_year(app)
    assert years == [(2026, Decimal("1000"), Decimal("1000"), 0), (2027, Decimal("800"), Decimal("800"), 0)]
    recoveries = [e for e in entries if e.kind == FundKind.RECOVERY]
    assert [(e.year, e.amount, e.on) for e in recoveries] == [(2026, Decimal("1000"), datetime.date(2028, 3, 1)),
                                                                (2027, Decimal("800"), datetime.date(2028, 3, 1))]
    record = CreditRecord.objects.get(credit_code=app.unit.credit_code)
    assert record.kind == CreditRecord.Kind.FRAUD and "第十五条" in record.reason
    app.refresh_from_db()
    assert app.revoked_on == datetime.date(2028, 3, 1)
    # the official notice of the decision, signed by the 管委会, names the article, the credit record and the recovery
    job = Job.objects.get(kind=Job.Kind.REVOCATION_NOTICE, subject_id=app.pk)
    assert outbox.run(job.pk) == "done"
    text = "".join(page.extract_text() for page in PdfReader(Document.objects.get(job=job).file.open()).pages)
    text = "".join(text.split())
    for words in ("关于取消平台资格的通知", "第十五条", "二〇二八年三月一日", "追回2026年度已拨付资金1000.00万元",
                  "追回2027年度已拨付资金800.00万元", app.programme.authority.name):
        assert words in text, words
    with pytest.raises(ActionRefused, match="revoked"):
        grant(app, 2028, "1", datetime.date(2028, 3, 2), "x")


def test_zgc_support_is_at_most_30_percent_of_the_investment(make_consortium):
    app = make_consortium("zgc-2026", filed_on=datetime.date(2026, 1, 15), total_investment=Decimal("2000"))
    with at(2026, 2, 1):
        with pytest.raises(ActionRefused, match="at most 30% of the total investment, 600.00"):
            grant(app, 2026, "700", datetime.date(2026, 2, 1), "中科园发〔2026〕8号")
        grant(app, 2026, "600", datetime.date(2026, 2, 1), "中科园发〔2026〕8号")
        with pytest.raises(ActionRefused, match="More is recovered than was paid"):
            services.record_funds(app.pk, app.staff, 2026, FundKind.RECOVERY, Decimal("601"), datetime.date(2026, 3, 1),
                                  "中科园发〔2026〕20号")

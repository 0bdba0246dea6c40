"""Render time of the printable 申报书 against the length of one paragraph the applicant typed.

    .venv/bin/python bench/print.py [--runs 3] [--no-marks] [--out /tmp/form.pdf]

The form goes through the production path — the template of the APPLICATION_FORM kind and
``notices.documents.render_pdf`` — with an application built in memory (unsaved model instances, so
the choice labels and the R&D intensity are the models' own), whose 建设目标与定位 is one paragraph
of 2 000, 8 000 and 32 000 Chinese characters (sentences of ideographs with ， and 。; ``--no-marks``:
no punctuation at all, so every piece is cut at the filter's bound).  Prints the median seconds of
each and ends with ``growth X`` = time(32k) ÷ time(8k).  Target ≤ 5 (linear is 4; the fixed cost
of the other pages makes it lower); a layout quadratic in the paragraph's length gives about 16.
"""

import argparse
import datetime
import io
import statistics
import time
from decimal import Decimal

import _setup  # noqa: F401
from pypdf import PdfReader

from applications.models import (
    Application,
    AttachmentRequirement,
    BudgetLine,
    Member,
    Person,
    Programme,
    Target,
    Task,
)
from notices import documents
from notices.models import Job
from portal.models import Authority, District, Division, Unit, UnitType

SIZES = (2000, 8000, 32000)
SENTENCE = "创新联合体围绕产业链关键核心技术开展联合攻关，推动科技成果转化和产业化应用，形成协同创新的良好生态。"
PLAIN = "创新联合体围绕产业链关键核心技术开展联合攻关推动科技成果转化和产业化应用形成协同创新的良好生态"


def paragraph(n, marks=True):
    base = SENTENCE if marks else PLAIN
    return (base * (n // len(base) + 1))[:n]


def context(goals):
    """What ``applications.documents.application_form_context`` gives the template, built in memory."""
    beijing = Division(code="110000", name="北京市")
    authority = Authority(name="北京市科学技术委员会", short_name="北京市科委", level="city", region=beijing)
    programme = Programme(code="beijing-2026", certificate_prefix="BJCXLHT", title="2026年北京市创新联合体组建申报",
                          guideline_title="《北京市创新联合体组建工作指引》", document_number="京科发〔2022〕20号",
                          authority=authority, fields=["集成电路"], formation_modes=["领军企业牵头"])
    haidian = Division(code="110108", name="海淀区", parent=beijing)
    unit = Unit(name="北京示范集成电路有限公司", credit_code="91110108MA00000001", unit_type=UnitType.ENTERPRISE,
                legal_representative="张三", address="北京市海淀区示范路1号", division=haidian, contact_name="李四",
                contact_phone="010-12345678", contact_email="contact@example.com")
    district = District(name="海淀区科学技术和信息化局", authority=authority, division=haidian)
    app = Application(programme=programme, unit=unit, district=district, reference="BJCXLHTSB20260001",
                      name="北京市集成电路创新联合体", field="集成电路", industry_chain="设计—制造—封测",
                      formation_mode="领军企业牵头", goals=goals,
                      lead_category="industry_leader", lead_revenue=Decimal("200000"),
                      lead_rd_spending=Decimal("12000"), lead_carriers="国家企业技术中心\n北京市重点实验室",
                      lead_has_provincial_carrier=True, lead_has_equity_fund=True,
                      operator_status=Application.OperatorStatus.LEGAL_ENTITY, total_investment=Decimal("8000"),
                      fulltime_staff=25, integrated_enterprises=60)
    kinds = [UnitType.ENTERPRISE, UnitType.UNIVERSITY, UnitType.RESEARCH]
    members = [Member(name=f"成员单位{i + 1}", credit_code=f"9111010800000000{i:02d}", unit_type=kinds[i % 3],
                      region="北京市", role=Member.Role.CORE if i == 0 else Member.Role.MEMBER,
                      division_of_work="协同攻关", committed_input=Decimal("500")) for i in range(8)]
    people = [Person(role=role, name=f"负责人{i}", title="高级工程师", unit_name=unit.name, phone="13800000000")
              for i, role in enumerate(("admin_head", "tech_head", "commissioner"))]
    tasks = [Task(title="关键核心技术攻关", description="攻关内容与目标。", responsible=unit.name, budget=Decimal("3000"))]
    budget = [BudgetLine(source=BudgetLine.Source.LEAD, amount=Decimal("5000"))]
    targets = [Target(year=2027, indicator="发明专利", value="20件")]
    slots = [(AttachmentRequirement(code="agreement", name="创新联合体组建协议", citation="六3"), []),
             (AttachmentRequirement(code="integrity", name="诚信承诺书", citation="八3"), [])]
    return {"payload": {}, "issued_on": datetime.date(2026, 12, 2), "number": "", "issuer": "",
            "application": app, "programme": programme, "authority": authority, "members": members,
            "people": people, "tasks": tasks, "budget_lines": budget, "targets": targets, "attachments": [],
            "slots": slots, "shows_lead_selection": False,
            "budget_total": sum((b.amount for b in budget), Decimal(0)),
            "committed_total": sum((m.committed_input for m in members), Decimal(0))}


def measure(n, runs, marks):
    template = documents.template_of(Job.Kind.APPLICATION_FORM)
    ctx = context(paragraph(n, marks))
    times, data = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        data = documents.render_pdf(template, ctx)
        times.append(time.perf_counter() - started)
    return statistics.median(times), data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-marks", action="store_true", help="paragraphs without any punctuation")
    parser.add_argument("--out", help="write the PDF of the 2 000-character form here")
    args = parser.parse_args()
    measure(200, 1, True)  # warm-up: fonts, templates
    seconds = {}
    for n in SIZES:
        seconds[n], data = measure(n, args.runs, not args.no_marks)
        pages = len(PdfReader(io.BytesIO(data)).pages)
        print(f"{n:>6} characters: {seconds[n]:.2f} s, {pages} pages, {len(data) / 1024:.0f} KB", flush=True)
        if args.out and n == SIZES[0]:
            with open(args.out, "wb") as handle:
                handle.write(data)
    print(f"growth {seconds[32000] / seconds[8000]:.2f}")


if __name__ == "__main__":
    main()

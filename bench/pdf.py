"""Render time and size of the landscape certificate, in three cases measured in one run:

* **Latin floor**: the same template and layout with its Chinese wording turned into English and
  Latin-only names, in DejaVu Serif: no CJK font at all, and not signed;
* **Chinese, GB 2312 names**: the certificate as issued (portal font, seal, PAdES signature);
* **Chinese, rare names**: the same with names outside GB 2312 and CJK Extension B/E characters
  (山东堃喆珺昇瑄玥科技有限公司, 刘𬱖, 𡒄), signed as in production.

    .venv/bin/python bench/pdf.py [--runs 15] [--out DIR]

Prints the median time, size and embedded fonts of each case; the last line is
``time ratio X, size ratio Y`` for the WORST Chinese case against the floor.  Targets: time ≤ 1.5,
size ≤ 3 (signing included).  ``--out DIR`` keeps the PDFs rendered (the Chinese ones signed).
"""

import argparse
import datetime
import io
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import _setup  # noqa: F401
from django.template import engines
from django.template.loader import get_template
from pypdf import PdfReader

from notices import signing
from notices.documents import qr_data_uri, render

TEMPLATE = "documents/certificate.html"
URL = "http://127.0.0.1:8000/verify/SZCXLHT20260001/0123456789abcdef/"

# The certificate's own wording, for the Latin twin of its template.
LATIN_WORDING = {
    "证书编号：": "Certificate No. ", "（第": " (edition ", "版）": ")", "牵头单位：": "Lead unit: ",
    "成员单位（": "Member units (", "家）：": "): ", "（依据": " (under ", "（统一社会信用代码 ": " (credit code ", "）": ")",
    "所属领域：": "Field: ", "申报批次：": "Programme: ", "换发原因：": "Reason: ", "|join:\"、\"": "|join:\", \"",
    "扫码核验本证书，或访问：": "Scan to verify, or visit:",
    "也可在该页面上传本证书的电子文件，核验其是否为签发原件。": "The file can be checked there too.",
    "|cn_date": "|date:\"j F Y\"", "|cn_numeral": "",
}


def latin_template():
    source = Path(get_template(TEMPLATE).origin.name).read_text()
    for chinese, latin in LATIN_WORDING.items():
        source = source.replace(chinese, latin)
    leftover = re.findall(r"[\u3000-\u9fff\uff00-\uffef]", source)
    assert not leftover, f"the Latin twin still has CJK text: {''.join(leftover)}"
    return engines["django"].from_string(source)


def context(case):
    members = {
        "latin": [f"Suzhou Precision Equipment Technology Co. {i + 1}" for i in range(20)],
        "gb2312": [f"苏州第{i + 1}精密智能装备科技有限公司" for i in range(20)],
        "rare": [f"山东堃喆珺昇瑄玥第{i + 1}科技有限公司" for i in range(18)] + ["刘𬱖精密仪器有限公司", "𡒄山新材料有限公司"],
    }[case]
    if case == "latin":
        name, lead, issuer = ("Suzhou Intelligent Equipment Innovation Consortium", "Suzhou Demonstration Equipment Ltd",
                              "Suzhou Science and Technology Bureau")
        title, statement, programme = ("Innovation Consortium Certificate", "The consortium is approved for construction.",
                                       "Suzhou Innovation Consortia 2026")
    else:
        name = "苏州市智能装备（高端装备）创新联合体" if case == "gb2312" else "山东堃喆珺昇瑄玥智能装备创新联合体"
        lead = "苏州示范智能装备有限公司" if case == "gb2312" else "山东堃喆珺昇瑄玥科技有限公司"
        issuer, title, programme = "苏州市科学技术局", "苏州市创新联合体立项证书", "2026年苏州市创新联合体建设申报"
        statement = f"经苏州市科学技术局审定，“{name}”批准立项建设。"
    certificate = {"number": "SZCXLHT20260001", "edition": 1, "name": name, "lead_name": lead,
                   "lead_credit_code": "91320506MA1XYZ0001", "members": members, "programme_title": programme,
                   "reason": ""}
    guideline = "Suzhou Implementation Plan" if case == "latin" else "《苏州市创新联合体建设实施方案》"
    return {"application": {"field": "Equipment" if case == "latin" else "装备制造"}, "certificate": certificate,
            "programme": {"guideline_title": guideline},
            "wording": {"certificate_title": title}, "statement": statement, "qr": qr_data_uri(URL),
            "verify_url": URL, "issuer": issuer, "issued_on": datetime.date(2026, 11, 20)}


def produce(case, template):
    ctx = context(case)
    if case == "latin":
        return render(template, ctx, language="en", font_family='"DejaVu Serif", serif').pdf
    rendered = render(template, ctx)
    return signing.sign(rendered.pdf, ctx["issuer"], rendered.seal)


def fonts_of(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["pdffonts", handle.name], capture_output=True, text=True).stdout.splitlines()[2:]
    return sorted({line.split()[0].split("+")[-1] for line in out if line.strip()})


def measure(case, template, runs):
    produce(case, template)  # warm-up: templates, fonts, the signing key
    times, data = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        data = produce(case, template)
        times.append(time.perf_counter() - started)
    return statistics.median(times), data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, help="keep the rendered PDFs in this directory")
    args = parser.parse_args()
    cases = {"latin": latin_template(), "gb2312": TEMPLATE, "rare": TEMPLATE}
    labels = {"latin": "Latin floor (no CJK font, unsigned)", "gb2312": "Chinese, GB 2312 names, signed",
              "rare": "Chinese, rare names (Ext B/E), signed"}
    results = {}
    for case, template in cases.items():
        seconds, data = measure(case, template, args.runs)
        results[case] = (seconds, len(data))
        pages = len(PdfReader(io.BytesIO(data)).pages)
        print(f"{labels[case]:40s} median {seconds:.3f} s, {len(data) / 1024:.1f} KB, {pages} page(s), "
              f"fonts: {', '.join(fonts_of(data)) or 'none'}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"certificate-{case}.pdf").write_bytes(data)
    floor_time, floor_size = results["latin"]
    time_ratio = max(results[c][0] for c in ("gb2312", "rare")) / floor_time
    size_ratio = max(results[c][1] for c in ("gb2312", "rare")) / floor_size
    print(f"time ratio {time_ratio:.2f}, size ratio {size_ratio:.2f}")


if __name__ == "__main__":
    main()

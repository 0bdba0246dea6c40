"""Median render time and size of a one-page certificate (20-row member table): Chinese text in
the project's serif CJK font versus the same layout with Latin-only text in DejaVu Serif.

    .venv/bin/python bench/pdf.py [--runs 15]

Last line: ``time ratio X, size ratio Y`` (Chinese ÷ Latin).  Targets: time ≤ 1.5, size ≤ 3.
"""

import argparse
import datetime
import statistics
import time

import _setup  # noqa: F401
from pypdf import PdfReader

from notices.documents import font_faces, qr_data_uri, render_pdf


def context(chinese: bool):
    if chinese:
        members = [{"name": f"苏州第{i + 1}精密智能装备科技有限公司", "get_unit_type_display": "企业", "region": "江苏省苏州市"}
                   for i in range(20)]
        app = {"certificate_number": "SZCXLHT20260001", "name": "苏州市智能装备（高端装备）创新联合体",
               "unit": {"name": "苏州示范智能装备有限公司", "credit_code": "91320506MA1XYZ0001"},
               "field": "装备制造", "filed_on": datetime.date(2026, 11, 20)}
        programme = {"title": "2026年度苏州市创新联合体建设", "guideline_title": "《苏州市创新联合体建设实施方案》"}
        authority = {"name": "苏州市科学技术局"}
    else:
        members = [{"name": f"Suzhou Precision Equipment Technology Co. {i + 1}", "get_unit_type_display": "enterprise",
                    "region": "Suzhou, Jiangsu"} for i in range(20)]
        app = {"certificate_number": "SZCXLHT20260001", "name": "Suzhou Intelligent Equipment Innovation Consortium",
               "unit": {"name": "Suzhou Demonstration Equipment Ltd", "credit_code": "91320506MA1XYZ0001"},
               "field": "Equipment", "filed_on": datetime.date(2026, 11, 20)}
        programme = {"title": "Suzhou Innovation Consortia 2026", "guideline_title": "Suzhou Implementation Plan"}
        authority = {"name": "Suzhou Science and Technology Bureau"}
    url = "http://127.0.0.1:8000/verify/SZCXLHT20260001/0123456789abcdef/"
    return {"application": app, "programme": programme, "authority": authority, "members": members,
            "qr": qr_data_uri(url), "verify_url": url}


def measure(chinese, runs):
    language = "zh-hans" if chinese else "en"
    family = None if chinese else '"DejaVu Serif", serif'
    ctx = context(chinese)
    render_pdf("documents/certificate.html", ctx, language=language, font_family=family)  # warm-up
    times, data = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        data = render_pdf("documents/certificate.html", ctx, language=language, font_family=family)
        times.append(time.perf_counter() - started)
    import io

    pages = len(PdfReader(io.BytesIO(data)).pages)
    return statistics.median(times), len(data), pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print("embedded font rules:", "built GB 2312 cut" if font_faces() else "none (system fonts)")
    zh_time, zh_size, zh_pages = measure(True, args.runs)
    en_time, en_size, en_pages = measure(False, args.runs)
    print(f"Chinese certificate: median {zh_time:.3f} s, {zh_size / 1024:.1f} KB, {zh_pages} page(s)")
    print(f"Latin certificate:   median {en_time:.3f} s, {en_size / 1024:.1f} KB, {en_pages} page(s)")
    print(f"time ratio {zh_time / en_time:.2f}, size ratio {zh_size / en_size:.2f}")


if __name__ == "__main__":
    main()

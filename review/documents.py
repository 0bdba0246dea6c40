"""The papers the review issues about many applications at once, registered with the notices app:
the 公示 with its list and the channels for objections, the 公告 of the filed list, and the district
office's 推荐函 with its 推荐汇总表 (the table also as an Excel file, :func:`summary_workbook`)."""

import io

from django.utils import timezone

from applications.documents import wording
from applications.models import Application, Programme
from notices.documents import kind
from notices.models import Job
from portal.spreadsheets import append_row

from .models import RecommendationBatch


@kind(Job.Kind.PUBLICITY_LIST, "documents/publicity_list.html")
def publicity_list_context(job):
    batch = job.subject
    programme = batch.programme
    words = wording(programme)
    title = batch.title if batch.title.startswith("关于") else f"关于{programme.title}拟{words['act']}名单的公示"
    return {"batch": batch, "programme": programme, "authority": programme.authority, "wording": words,
            "title": title,
            "entries": [e.application for e in batch.entries.select_related("application__unit").order_by("pk")]}


@kind(Job.Kind.FILING_ANNOUNCEMENT, "documents/filing_announcement.html")
def filing_announcement_context(job):
    programme = Programme.objects.select_related("authority").get(pk=job.payload["programme"])
    words = wording(programme)
    return {"programme": programme, "authority": programme.authority, "wording": words,
            "title": f"关于公布{programme.title}{words['act']}名单的公告",
            "entries": list(Application.objects.filter(pk__in=job.payload["applications"]).select_related(
                "unit").prefetch_related("certificates").order_by("certificate_number"))}


@kind(Job.Kind.RECOMMENDATION_BATCH, "documents/recommendation_batch.html")
def recommendation_batch_context(job):
    batch = RecommendationBatch.objects.select_related("district", "programme__authority").get(pk=job.subject_id)
    programme = batch.programme
    entries = list(batch.entries.order_by("rank"))
    return {"batch": batch, "programme": programme, "authority": programme.authority,
            "title": f"关于推荐{len(entries)}家创新联合体的函", "entries": entries}


#: The 推荐汇总表's columns (an official table: in Chinese, as the papers are) and their widths.
SUMMARY_COLUMNS = (("排名", 6), ("申报编号", 20), ("创新联合体名称", 36), ("牵头单位", 32), ("成员单位数", 10),
                   ("领域", 16), ("推荐意见", 48))


def summary_workbook(batch, number="") -> bytes:
    """The batch's 推荐汇总表 as an .xlsx file: a title, the office, the programme, the 文号 and date of the
    letter, then one row per recommended application in rank order (from what was recommended, frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "推荐汇总表"
    append_row(sheet, [f"{batch.programme.title}推荐汇总表"])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [f"推荐单位：{batch.district.name}", None, None, f"文号：{number or '（待编号）'}", None, None,
                       f"推荐日期：{timezone.localtime(batch.at):%Y-%m-%d}"])
    append_row(sheet, [label for label, _width in SUMMARY_COLUMNS])
    for index, (_label, width) in enumerate(SUMMARY_COLUMNS, start=1):
        sheet.cell(row=3, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    for entry in batch.entries.order_by("rank"):
        append_row(sheet, [entry.rank, entry.reference, entry.name, entry.lead_name, entry.member_count, entry.field,
                           entry.opinion])
        sheet.cell(row=sheet.max_row, column=len(SUMMARY_COLUMNS)).alignment = Alignment(wrap_text=True,
                                                                                        vertical="top")
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

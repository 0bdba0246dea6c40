"""Filters for official papers (GB/T 9704-2012): dates in Chinese form, Chinese heading numerals,
and user text cut into pieces that lay out in linear time."""

import datetime
import re

from django import template
from django.utils.dateparse import parse_date

register = template.Library()

DIGITS = "〇一二三四五六七八九"


def _small(n: int) -> str:
    """一 … 九十九 as written in Chinese headings and dates (十, 十一, 二十, 二十一)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


@register.filter
def cn_date(value) -> str:
    """二〇二六年十二月二日: the 成文日期 of a document (year digit by digit, month and day in words)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = parse_date(value[:10])
    if isinstance(value, datetime.datetime):
        value = value.date()
    year = "".join(DIGITS[int(d)] for d in str(value.year))
    return f"{year}年{_small(value.month)}月{_small(value.day)}日"


@register.filter
def cn_numeral(value) -> str:
    """1 → 一, 12 → 十二 (headings 一、 and （一）)."""
    n = int(value)
    if not 0 < n < 100:
        return str(n)
    return _small(n)


# A paragraph is laid out line by line; WeasyPrint hands the rest of the text box to Pango for each
# line, so one long run costs the square of its length.  Cut into pieces of bounded length (after a
# sentence mark where there is one), each piece is its own text box and each line costs a constant.
PIECE = 120
_SENTENCE = re.compile(r"(?<=[。！？；;!?])")


def pieces(text: str, size: int = PIECE) -> list[str]:
    out = []
    for sentence in _SENTENCE.split(text):
        while len(sentence) > size:
            out.append(sentence[:size])
            sentence = sentence[size:]
        if sentence:
            out.append(sentence)
    return out


@register.filter
def paragraphs(text) -> str:
    """User text as paragraphs (one per line), each cut into spans that lay out in linear time."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    out = []
    for line in str(text or "").splitlines():
        line = line.strip()
        if line:
            out.append("<p>" + "".join(f"<span>{conditional_escape(p)}</span>" for p in pieces(line)) + "</p>")
    return mark_safe("\n".join(out))

"""The printed seal (印章) of an issuer: a red circle, a five-pointed star, the issuer's name along the
upper arc — drawn as inline SVG, 42 mm across as a government body's seal is.  The template places it
over the 发文机关署名 and 成文日期 (GB/T 9704-2012 7.3.5.1) with ``id="seal"``; the digital signature's
appearance is put on the same box (:mod:`notices.signing`)."""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

SIZE_MM = 42
RED = "#d40000"


def _star(cx, cy, outer, inner):
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.radians(-90 + 36 * k)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def seal_svg(name: str, font_family: str = "serif") -> str:
    """The seal of ``name`` as inline SVG markup (user units are tenths of a millimetre)."""
    size = SIZE_MM * 10
    c = size / 2
    ring = 12
    chars = [ch for ch in name if not ch.isspace()]
    n = max(len(chars), 1)
    font = min(62, max(34, 700 / n))
    radius = c - ring - font * 0.75
    span = min(250, 20 + n * 21)
    parts = [f'<circle cx="{c}" cy="{c}" r="{c - ring / 2 - 2}" fill="none" stroke="{RED}" stroke-width="{ring}"/>',
             f'<polygon points="{_star(c, c, 70, 27)}" fill="{RED}"/>']
    for i, ch in enumerate(chars):
        theta = -90 - span / 2 + span * (i + 0.5) / n
        x = c + radius * math.cos(math.radians(theta))
        y = c + radius * math.sin(math.radians(theta))
        parts.append(f'<text transform="translate({x:.1f},{y:.1f}) rotate({theta + 90:.1f})" x="0" y="{font * 0.36:.1f}" '
                     f'text-anchor="middle" font-size="{font:.0f}" font-weight="bold" fill="{RED}">{escape(ch)}</text>')
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{SIZE_MM}mm" height="{SIZE_MM}mm" '
        f'font-family=\'{escape(font_family)}\'>' + "".join(parts) + "</svg>")

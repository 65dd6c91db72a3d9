"""Static SVG charts, drawn at build time: horizontal bars and year columns.

Written by hand rather than taken from a library. The charts are few and
simple, and must be what the site's Content-Security-Policy allows and its two
colour schemes need: no script, no ``style`` attribute or element, every
colour from a class of dvk.css (Material's palette variables), so a chart
follows the reader's light or dark scheme. matplotlib writes ``style=``
on every shape, pygal a ``<style>`` element and fixed colours, and the
JavaScript libraries (Vega, Chart.js) need script and draw nothing without it.

Each chart is ``<svg role="img">`` named by its ``<title>`` and described by
its ``<desc>`` (every label and value in words); the page puts a real table
of the same numbers beside it, which also carries the links. Sizes are in
viewBox units: the chart scales to its box (``width: 100%``, capped in CSS),
and text sizes come from CSS classes. Labels sit above their bars so that long
Vietnamese names ("Xây dựng hệ thống chính trị") keep the full width of a
360 px phone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from generator.core.text import vi_number

WIDTH = 400
"""Width of every chart, in viewBox units (CSS caps the box near this width in px)."""
LABEL_CHARS = 44
"""Longer labels are cut with an ellipsis (the table beside the chart has them whole)."""
ROW = 46
"""Height of one bar with its label above it."""
BAR = 16
VALUE_ROOM = 64
"""Room right of the longest bar for its value (up to "24.250")."""
PLOT = 150
"""Height of the columns' area of a column chart."""
COLUMN_LABEL_ROOM = 40
"""Horizontal room a year label needs; fewer labels are shown when columns are narrower."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar or column: its label and its value."""

    label: str
    value: int


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def describe(bars: Sequence[Bar], unit: str = "mô hình") -> str:
    """The chart in words: "Kinh tế: 3 mô hình; Văn hóa - xã hội: 1 mô hình"."""
    return "; ".join(f"{b.label}: {vi_number(b.value)} {unit}" for b in bars) + "."


def _open(chart_id: str, title: str, desc: str, height: int, kind: str) -> list[str]:
    return [
        f'<svg class="dvk-chart__svg dvk-chart__svg--{kind}" xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{chart_id}-title"'
        f' aria-describedby="{chart_id}-desc">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(desc)}</desc>',
    ]


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], desc: str = "") -> str:
    """Horizontal bars, each with its label above it and its value after it."""
    height = max(1, len(bars)) * ROW + 4
    top = max((b.value for b in bars), default=0)
    room = WIDTH - VALUE_ROOM
    parts = _open(chart_id, title, desc or describe(bars), height, "bars")
    for index, bar in enumerate(bars):
        y = index * ROW
        width = round(room * bar.value / top, 1) if top else 0
        parts.append(f'<text class="dvk-chart__label" x="0" y="{y + 17}">'
                     f"{_text(_short(bar.label))}</text>")
        if width:
            parts.append(f'<rect class="dvk-chart__bar" x="0" y="{y + 24}" width="{width}"'
                         f' height="{BAR}" rx="2"/>')
        parts.append(f'<text class="dvk-chart__value" x="{width + 6}" y="{y + 37}">'
                     f"{vi_number(bar.value)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def column_chart(chart_id: str, title: str, bars: Sequence[Bar], desc: str = "") -> str:
    """Vertical columns in order (years, oldest first), values above and labels below."""
    count = max(1, len(bars))
    slot = WIDTH / count
    column = min(slot * 0.7, 48)
    values_shown = slot >= 30
    step = ceil(COLUMN_LABEL_ROOM / slot)
    top = max((b.value for b in bars), default=0)
    head, foot = 22, 24
    height = head + PLOT + foot
    base = head + PLOT
    parts = _open(chart_id, title, desc or describe(bars), height, "columns")
    parts.append(f'<line class="dvk-chart__axis" x1="0" y1="{base + 0.5}" x2="{WIDTH}"'
                 f' y2="{base + 0.5}"/>')
    last = len(bars) - 1
    for index, bar in enumerate(bars):
        middle = round(slot * index + slot / 2, 1)
        size = round(PLOT * bar.value / top, 1) if top else 0
        if size:
            parts.append(f'<rect class="dvk-chart__bar" x="{round(middle - column / 2, 1)}"'
                         f' y="{round(base - size, 1)}" width="{round(column, 1)}"'
                         f' height="{size}" rx="2"/>')
        if values_shown:
            above = round(base - size - 6, 1)
            parts.append(f'<text class="dvk-chart__value" x="{middle}" y="{above}"'
                         f' text-anchor="middle">{vi_number(bar.value)}</text>')
        if (last - index) % step == 0:  # the newest year always has its label
            parts.append(f'<text class="dvk-chart__label" x="{middle}" y="{base + 18}"'
                         f' text-anchor="middle">{_text(bar.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)

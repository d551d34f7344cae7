"""The timeline of instruments, drawn at build time as SVG (no chart library in the browser).

One lane per jurisdiction; each instrument is a dot at its adoption date (filled when binding,
hollow when not) with its short title, and for Chinese instruments the Chinese title, on a
label row chosen so that labels never overlap. Years before 1970 are compressed behind a
visible break so that the dense recent decades stay readable.
"""

from __future__ import annotations

import datetime as dt
import posixpath

from markupsafe import Markup, escape

from .model import Instrument, KnowledgeBase

WIDTH = 1200
LEFT = 190  # lane names
RIGHT = 30
ROW = 34  # height of one label row
FONT = "system-ui, 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
BREAK_YEAR = 1970
ZH_LABEL_CHARS = 16


def _fraction(date: str) -> float:
    day = dt.date.fromisoformat(date)
    return day.year + (day.timetuple().tm_yday - 1) / 366


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(c) > 0x2E80 else size * 0.62 for c in text)


class _Scale:
    def __init__(self, first: float, last: float):
        self.plot = WIDTH - LEFT - RIGHT
        self.first, self.last = first, last
        self.broken = first < BREAK_YEAR - 5

    def x(self, year: float) -> float:
        if not self.broken:
            return LEFT + (year - self.first) / (self.last - self.first) * self.plot
        early, gap = 0.07 * self.plot, 0.03 * self.plot
        if year <= BREAK_YEAR:
            return LEFT + (year - self.first) / (BREAK_YEAR - self.first) * early
        return LEFT + early + gap + (year - BREAK_YEAR) / (self.last - BREAK_YEAR) * (self.plot - early - gap)

    def ticks(self) -> list[int]:
        start = BREAK_YEAR if self.broken else int(self.first) + 1
        late = [y for y in range(start, int(self.last) + 1) if y % 5 == 0]
        return ([int(self.first) + 1] if self.broken else []) + late


LABELLED_LANE_LIMIT = 60  # a lane with more instruments draws a bar per year (counts on hover)


def _labels(instrument: Instrument) -> list[str]:
    lines = [f"{instrument.short_title}"]
    if instrument.title.zh:
        zh = instrument.title.zh
        lines.append(zh if len(zh) <= ZH_LABEL_CHARS else zh[: ZH_LABEL_CHARS - 1] + "…")
    return lines


def timeline_svg(kb: KnowledgeBase, edition: str, relative_to: str) -> Markup:
    instruments = kb.instruments
    if not instruments:
        return Markup("")
    last_year = int((edition or max(i.adopted for i in instruments))[:4]) + 1
    scale = _Scale(min(_fraction(i.adopted) for i in instruments) - 1, last_year)
    base = posixpath.dirname(relative_to)
    parts: list[str] = []
    y = 40
    lanes = kb.by_jurisdiction()
    for jurisdiction, members in lanes:
        rows: list[list[tuple[float, float]]] = []  # occupied label spans in each row
        placed = []
        labelled = len(members) <= LABELLED_LANE_LIMIT
        if not labelled:
            # Too many to label: one bar per year, as tall as the number of instruments adopted.
            per_year: dict[int, int] = {}
            for instrument in members:
                per_year[int(instrument.adopted[:4])] = per_year.get(int(instrument.adopted[:4]), 0) + 1
            tallest = max(per_year.values())
            height = 30 + 3 * ROW
            axis = y + 12
            parts.append(f'<g class="kb-lane"><text x="8" y="{axis + 4:.0f}" font-weight="700" font-size="13">'
                         f'{escape(jurisdiction.name.en)}</text>')
            for year, count in sorted(per_year.items()):
                x = scale.x(year + 0.5)
                bar = 8 + (3 * ROW - 16) * count / tallest
                parts.append(f'<rect x="{x - 2:.1f}" y="{axis + 3 * ROW - bar:.1f}" width="4" height="{bar:.1f}" class="kb-bar">'
                             f'<title>{year}: {count} instrument{"s" if count > 1 else ""}</title></rect>')
            parts.append(f'<line x1="{LEFT}" y1="{axis + 3 * ROW}" x2="{WIDTH - RIGHT}" y2="{axis + 3 * ROW}" class="kb-axis"/></g>')
            y += height + 20
            continue
        for instrument in sorted(members, key=lambda i: i.adopted):
            x = scale.x(_fraction(instrument.adopted))
            width = max(_text_width(line, 11) for line in _labels(instrument)) + 6
            # Labels run right of the dot, or left of it near the right edge of the chart.
            flip = x + width > WIDTH - RIGHT
            span = (x - width, x) if flip else (x, x + width)
            free = (n for n, spans in enumerate(rows) if all(span[1] + 8 < a or span[0] > b + 8 for a, b in spans))
            row = next(free, len(rows))
            if row == len(rows):
                rows.append([])
            rows[row].append(span)
            placed.append((instrument, x, row, flip))
        height = 30 + ROW * max(len(rows), 1)
        axis = y + 12
        parts.append(f'<g class="kb-lane"><text x="8" y="{axis + 4:.0f}" font-weight="700" font-size="13">'
                     f'{escape(jurisdiction.name.en)}</text>')
        if jurisdiction.name.zh:
            parts.append(f'<text x="8" y="{axis + 20:.0f}" font-size="12" lang="zh-Hans">{escape(jurisdiction.name.zh)}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{axis}" x2="{WIDTH - RIGHT}" y2="{axis}" class="kb-axis"/>')
        for instrument, x, n, flip in placed:
            label_y = axis + 22 + n * ROW
            href = posixpath.relpath(f"instruments/{instrument.id}/", base or ".") + "/"
            binding = instrument.legal_force.id == "binding"
            lines = _labels(instrument)
            tx, anchor = (x - 3, ' text-anchor="end"') if flip else (x + 3, "")
            parts.append(
                f'<a href="{escape(href)}" class="kb-event">'
                f'<title>{escape(instrument.title.en)} ({escape(instrument.adopted)}, {escape(instrument.legal_force.label.en.lower())})</title>'
                f'<line x1="{x:.1f}" y1="{axis}" x2="{x:.1f}" y2="{label_y - 10:.0f}" class="kb-tick"/>'
                f'<circle cx="{x:.1f}" cy="{axis}" r="5" class="{"kb-dot" if binding else "kb-dot kb-dot--hollow"}"/>'
                f'<text x="{tx:.1f}" y="{label_y:.0f}" font-size="11"{anchor}>{escape(lines[0])}</text>'
            )
            if len(lines) > 1:
                parts.append(f'<text x="{tx:.1f}" y="{label_y + 13:.0f}" font-size="11" lang="zh-Hans"{anchor}>{escape(lines[1])}</text>')
            parts.append("</a>")
        parts.append("</g>")
        y += height + 20
    axis_y = y
    parts.append(f'<line x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" y2="{axis_y}" class="kb-axis"/>')
    for year in scale.ticks():
        x = scale.x(year)
        parts.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 6}" class="kb-axis"/>'
                     f'<text x="{x:.1f}" y="{axis_y + 20}" font-size="11" text-anchor="middle">{year}</text>')
    if scale.broken:
        x = scale.x(BREAK_YEAR) - 0.015 * scale.plot
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 5}" font-size="14" text-anchor="middle" aria-hidden="true">≈</text>')
    total = axis_y + 36
    legend = (f'<g font-size="11"><circle cx="{LEFT + 6}" cy="18" r="5" class="kb-dot"/><text x="{LEFT + 16}" y="22">binding</text>'
              f'<circle cx="{LEFT + 86}" cy="18" r="5" class="kb-dot kb-dot--hollow"/><text x="{LEFT + 96}" y="22">non-binding</text>'
              f'<text x="{LEFT + 190}" y="22">Years before {BREAK_YEAR} are compressed (≈).</text></g>' if scale.broken else "")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {total}" width="{WIDTH}" height="{total}" '
           f'role="group" aria-labelledby="kb-timeline-title" font-family="{FONT}" class="kb-timeline-svg">'
           f'<title id="kb-timeline-title">Timeline of {len(instruments)} instruments by date adopted, one lane per jurisdiction; '
           f'the list below gives the same information.</title>'
           + legend + "".join(parts) + "</svg>")
    return Markup(svg)

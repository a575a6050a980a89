"""A report's table as a PDF a person can read: heading, period, the table, its notes.

Landscape A4, DejaVu embedded (as in the appeal bundle) so that every language
prints as written, the column headings repeated on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace, XPos, YPos

from core.bundle import document
from core.bundle.document import FAMILY, clean, font_paths

#: Units written in capitals in a heading: ``redress_paid_gbp`` -> "Redress paid GBP".
_UNITS = {"gbp": "GBP", "usd": "USD", "eur": "EUR", "pct": "%"}
_BODY = 8.5
_SMALL = 7.5


class ReportDocument(FPDF):
    """Landscape A4 with the report's title and organisation on every page, and page X of Y."""

    def __init__(self, *, title: str, organisation: str, font_dir: Path) -> None:
        super().__init__(orientation="landscape", format="A4", unit="mm")
        self.report_title = title
        self.organisation = organisation
        for style, path in font_paths(font_dir).items():
            self.add_font(FAMILY, style, path)
        self.set_margins(15, 20, 15)
        self.set_auto_page_break(True, margin=15)

    def header(self) -> None:
        """The report's title left, the organisation right, a rule below."""
        self.set_font(FAMILY, "", _SMALL)
        self.set_text_color(90)
        self.set_xy(self.l_margin, 8)
        self.cell(self.epw / 2, 5, clean(self.report_title))
        self.cell(self.epw / 2, 5, clean(self.organisation), align="R")
        self.set_draw_color(170)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_text_color(0)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        """Page X of Y, centred."""
        self.set_y(-11)
        self.set_font(FAMILY, "", _SMALL)
        self.set_text_color(90)
        self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


def render_table(
    *,
    title: str,
    organisation: str,
    period: tuple[date, date],
    timezone: str,
    generated_at: datetime,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    notes: Sequence[str] = (),
    font_dir: Path | None = None,
) -> bytes:
    """The table as a PDF: numbers right-aligned, headings on every page, notes below."""
    pdf = ReportDocument(
        title=title, organisation=organisation, font_dir=font_dir or document.FONT_DIR
    )
    pdf.set_title(clean(title))
    pdf.set_author(clean(organisation))
    pdf.set_lang("en")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, clean(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", _BODY)
    first, last = period
    pdf.multi_cell(
        0,
        5,
        clean(
            f"{organisation} · {first.isoformat()} to {last.isoformat()} (both days included,"
            f" {timezone}) · produced {generated_at.strftime('%Y-%m-%d %H:%M %Z')}"
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    numeric = [all(_is_number(row[i]) for row in rows if i < len(row)) for i in range(len(columns))]
    pdf.set_font(FAMILY, "", _SMALL if len(columns) > 8 else _BODY)
    with pdf.table(
        col_widths=_widths(columns, rows, numeric),
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        line_height=4.5,
        repeat_headings=1,
        text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
    ) as table:
        heading = table.row()
        for name in columns:
            heading.cell(clean(_heading(name)))
        for values in rows:
            row = table.row()
            for i in range(len(columns)):
                row.cell(clean(_shown(values[i] if i < len(values) else "")))
    if notes:
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", _BODY)
        pdf.cell(0, 5, "Notes", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, "", _BODY)
        for note in notes:
            pdf.multi_cell(0, 4.5, clean(f"• {note}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _widths(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool]
) -> tuple[float, ...]:
    """Relative column widths: a column of numbers narrow, text as wide as its longest word run.

    Text columns get room for their longest value up to a limit, so that codes and
    labels wrap at spaces rather than inside words where it can be helped.
    """
    widths = []
    for i, name in enumerate(columns):
        if numeric[i]:
            # Room for the heading's longest word, so that it never breaks inside one.
            widths.append(max(1.0, max(len(w) for w in _heading(name).split()) / 8 + 0.25))
            continue
        longest = max((len(_shown(row[i])) for row in rows if i < len(row)), default=len(name))
        widths.append(min(max(longest, len(name), 6) / 8, 4.0))
    return tuple(widths)


def _heading(name: str) -> str:
    """A column's name as people read it: ``closed_within_8_weeks`` -> "Closed within 8 weeks"."""
    words = [_UNITS.get(w, w) for w in name.replace("_", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)

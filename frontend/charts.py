"""Bar charts drawn on the server as inline SVG: no script, no image request, no style.

A chart is a picture of numbers a table beside it also gives (the table is what a
screen reader reads in full); the SVG carries ``role="img"`` and a ``<title>``
naming what it shows. Every text in it is escaped here, so the result can be put
into a page as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

#: The drawing's size in user units; it scales to the width of its box.
WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 90
ROW = 30
BAR = 20
#: Dark blue on white (contrast 9.4:1) and near-black text (contrast 17:1).
BAR_FILL = "#1d4f91"
TEXT_FILL = "#1a1a1a"
#: Longer labels are cut, with an ellipsis; the table beside the chart gives them whole.
LABEL_CHARACTERS = 26


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value (None: nothing to measure), and the value as shown."""

    label: str
    value: float | None
    shown: str


def bar_chart(key: str, title: str, bars: Sequence[Bar]) -> Markup:
    """A horizontal bar chart of ``bars``, longest bar for the largest value.

    ``key`` makes the ids inside it unique on the page. Negative values are drawn
    as no bar. An empty chart still has its title.
    """
    ident = escape(key, quote=True)
    largest = max((b.value for b in bars if b.value is not None and b.value > 0), default=0.0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(ROW, ROW * len(bars)) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' aria-labelledby="{ident}-title" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}-title">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        top = 5 + index * ROW
        middle = top + ROW // 2
        length = 0.0
        if bar.value is not None and bar.value > 0 and largest > 0:
            length = round(room * bar.value / largest, 1)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end"'
            f' dominant-baseline="middle" fill="{TEXT_FILL}" font-size="14">'
            f"{escape(_cut(bar.label))}</text>"
        )
        if length:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top + (ROW - BAR) // 2}" width="{length}"'
                f' height="{BAR}" fill="{BAR_FILL}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" dominant-baseline="middle"'
            f' fill="{TEXT_FILL}" font-size="14">{escape(bar.shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"

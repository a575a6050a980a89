"""The page furniture of an appeal bundle: fonts, running header and footer, text blocks.

DejaVu is embedded (and subset) rather than relying on the PDF core fonts,
which know only Latin-1: letters in Russian or Estonian must print as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF, FontFace, TextStyle, XPos, YPos
from fpdf.outline import OutlineSection

from core.errors import QuerelaError

#: Where Debian's fonts-dejavu-core puts the fonts (`make fonts` installs it).
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"

#: Points; the body size, and the size of SHA-256 values, which must fit on one line.
BODY = 9.5
SMALL = 8
LINE = 5.0
LABEL_WIDTH = 38.0

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class BundleFontMissing(QuerelaError):
    """A font the appeal bundle embeds is not installed."""


def font_paths(font_dir: Path) -> dict[str, Path]:
    """The DejaVu files by style, or BundleFontMissing naming the first one that is absent."""
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise BundleFontMissing(
                f"the appeal bundle needs the font {path}; install Debian's fonts-dejavu-core"
                " (`make fonts`) or point core.bundle.document.FONT_DIR at the DejaVu fonts"
            )
    return paths


def clean(text: str) -> str:
    """Text as a PDF can show it: normalised, tabs as spaces, no control characters."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text.replace("\t", "    "))


class BundleDocument(FPDF):
    """An A4 document with the case reference in every page's header and "page X of Y"."""

    def __init__(
        self,
        *,
        reference: str,
        organisation: str,
        zone: ZoneInfo,
        font_dir: Path,
        audience: str = "",
    ) -> None:
        super().__init__(format="A4", unit="mm")
        self.reference = reference
        #: Who the bundle is for, in every page's header ("For the regulator").
        self.audience = audience
        self.organisation = organisation
        self.zone = zone
        for style, path in font_paths(font_dir).items():
            self.add_font(FAMILY, style, path)
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_section_title_styles(
            TextStyle(font_family=FAMILY, font_style="B", font_size_pt=15, t_margin=2, b_margin=4),
            TextStyle(font_family=FAMILY, font_style="B", font_size_pt=11, t_margin=4, b_margin=1),
        )

    def header(self) -> None:
        """The reference and audience left, the organisation right, a rule below."""
        self.set_font(FAMILY, "", SMALL)
        self.set_text_color(90)
        self.set_xy(self.l_margin, 10)
        audience = f" · {self.audience}" if self.audience else ""
        self.cell(self.epw / 2, 5, f"Appeal bundle {self.reference}{audience}")
        self.cell(self.epw / 2, 5, self.organisation, align="R")
        self.set_draw_color(170)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        """Page X of Y, centred."""
        self.set_y(-13)
        self.set_font(FAMILY, "", SMALL)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.reference} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)

    # -- text blocks --------------------------------------------------------------------

    def when(self, moment: datetime | None, missing: str = "—") -> str:
        """A time in the tenant's zone, to the minute."""
        if moment is None:
            return missing
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def section(self, title: str, *, new_page: bool = True) -> None:
        """A top-level section: a new page, a heading, an entry in contents and outline."""
        if new_page:
            self.add_page()
        self.start_section(title, level=0)
        self.set_font(FAMILY, "", BODY)

    def subsection(self, title: str) -> None:
        """A heading inside a section, also a bookmark in the PDF's outline."""
        if self.will_page_break(4 * LINE):
            self.add_page()
        self.start_section(clean(title), level=1)
        self.set_font(FAMILY, "", BODY)

    def field(self, label: str, value: str, *, size: float = BODY) -> None:
        """A label and its value on one line, the value wrapping under itself."""
        if self.will_page_break(LINE):
            self.add_page()
        self.set_font(FAMILY, "B", BODY)
        self.cell(LABEL_WIDTH, LINE, label)
        self.set_font(FAMILY, "", size)
        self.flow(clean(value) or "—", indent=LABEL_WIDTH)
        self.set_font(FAMILY, "", BODY)

    def paragraph(self, body: str) -> None:
        """A block of free text, such as a letter."""
        self.set_font(FAMILY, "", BODY)
        self.flow(clean(body) or "—")
        self.ln(2)

    def flow(self, text: str, *, indent: float = 0) -> None:
        """Set ``text`` line by line from ``indent`` to the right margin.

        fpdf2's ``multi_cell`` measures a line again for every character it adds,
        which made a case with fifty letters take seconds; this measures each word once.
        """
        x = self.l_margin + indent
        for line in self.wrap(text, self.epw - indent):
            self.set_x(x)
            self.cell(self.epw - indent, LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rows(self, widths: Sequence[float], heading: Sequence[str], body: list[list[str]]) -> None:
        """A table whose heading row repeats on every page it runs over."""
        self.set_font(FAMILY, "", SMALL)
        with self.table(
            col_widths=tuple(widths),
            text_align="LEFT",
            line_height=1.35 * self.font_size,
            headings_style=FontFace(emphasis="BOLD", fill_color=235),
            padding=1,
        ) as table:
            table.row([*heading])
            for values in body:
                table.row([clean(v) for v in values])
        self.set_font(FAMILY, "", BODY)
        self.ln(2)

    def wrap(self, text: str, width: float) -> Iterator[str]:
        """The lines ``text`` breaks into in a cell ``width`` wide, in the current font.

        Breaks at spaces, and inside a word only when the word alone is wider than
        the line (a long URL); the text's own line breaks are kept.
        """
        font = self.current_font
        assert font is not None, "a font is set before text is measured"
        size_pt, k = self.font_size_pt, self.k

        def measure(chars: str) -> float:
            return font.get_text_width(chars, size_pt, None)[1] / k

        width -= 2 * self.c_margin
        space = measure(" ")
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                size = measure(word)
                if line and used + space + size > width:
                    yield " ".join(line)
                    line, used = [], 0.0
                while size > width:
                    head = _longest_prefix(word, width, measure)
                    yield head
                    word = word[len(head) :]
                    size = measure(word)
                used += size + (space if line else 0)
                line.append(word)
            yield " ".join(line)


def _longest_prefix(word: str, width: float, measure: Callable[[str], float]) -> str:
    used = 0.0
    for end, character in enumerate(word):
        used += measure(character)
        if used > width:
            return word[: max(end, 1)]
    return word


def contents(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """The table of contents: the top-level sections, each linked to its page."""
    pdf.ln(6)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, "Contents", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", BODY)
    for entry in outline:
        if entry.level:
            continue
        link = pdf.add_link(page=entry.page_number)
        pdf.cell(pdf.epw - 20, 6, entry.name, link=link)
        pdf.cell(20, 6, str(entry.page_number), align="R", link=link)
        pdf.ln(6)

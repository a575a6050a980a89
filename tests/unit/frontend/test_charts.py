"""The server-drawn bar chart: a picture with a name, bars in proportion, text escaped."""

from __future__ import annotations

import re

from frontend.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, Bar, bar_chart


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]


def test_bars_are_in_proportion_to_their_values():
    svg = bar_chart("c", "Cases", [Bar("Ada", 10, "10"), Bar("Bea", 5, "5"), Bar("Cy", 2.5, "2.5")])

    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    assert widths(svg) == [room, room / 2, room / 4]


def test_the_chart_is_an_image_named_by_its_title():
    svg = bar_chart("kpi-1", "Cases received, by person", [Bar("Ada", 3, "3")])

    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    assert 'aria-labelledby="kpi-1-title"' in svg
    assert '<title id="kpi-1-title">Cases received, by person</title>' in svg
    assert ">Ada</text>" in svg and ">3</text>" in svg


def test_nothing_to_measure_draws_no_bar_but_says_so():
    svg = bar_chart("c", "Median", [Bar("Ada", None, "–"), Bar("Bea", 0, "0"), Bar("Cy", -1, "-1")])

    assert widths(svg) == []
    assert ">–</text>" in svg


def test_an_empty_chart_keeps_its_title():
    svg = bar_chart("c", "Nothing yet", [])

    assert "<title" in svg and "<rect" not in svg


def test_hostile_labels_titles_and_keys_are_escaped():
    hostile = '<script>alert("x")</script>'
    svg = bar_chart('k"><script>', hostile, [Bar(hostile, 1, hostile)])

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'id="k&quot;&gt;&lt;script&gt;-title"' in svg


def test_long_labels_are_cut_with_an_ellipsis():
    svg = bar_chart("c", "T", [Bar("A very long name of a person or of a team", 1, "1")])

    label = re.search(r'text-anchor="end"[^>]*>([^<]+)</text>', svg)
    assert label and label.group(1).endswith("…") and len(label.group(1)) <= 26


def test_no_style_attribute_is_used():
    assert "style=" not in bar_chart("c", "T", [Bar("A", 1, "1")])

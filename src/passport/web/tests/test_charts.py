"""The chart helper: accessible SVG that keeps the strict CSP, its table, and safe CSV."""

from __future__ import annotations

import csv
import io
import re

import altair as alt
import pytest
from django.template import engines
from lxml import etree

from passport.web.charts import (
    ChartError,
    csv_cell,
    csv_response,
    render_chart,
    safe_filename,
    sanitised_svg,
)

ROWS = [
    {"kind": "Speech and language therapy", "pounds": 12400},
    {"kind": "Educational psychology", "pounds": 6500},
    {"kind": "Occupational therapy", "pounds": 3400},
]


def spend_chart() -> alt.Chart:
    return (
        alt.Chart(alt.Data(values=ROWS))
        .mark_bar()
        .encode(x=alt.X("pounds:Q", title="Spent (£)"), y=alt.Y("kind:N", title=None))
        .properties(
            title="Spend by kind of support",
            description="Bar chart: speech and language therapy is the largest spend, £12,400.",
        )
    )


def rendered(**kwargs):
    return render_chart(
        spend_chart(),
        headers=["Kind of support", "Spent (£)"],
        rows=[(row["kind"], row["pounds"]) for row in ROWS],
        chart_id="spend",
        **kwargs,
    )


def test_the_svg_is_an_image_named_by_its_title_and_described() -> None:
    chart = rendered()
    root = etree.fromstring(str(chart.svg).encode())

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "spend-title spend-desc"
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.find("svg:title", ns).text == "Spend by kind of support"
    assert root.find("svg:desc", ns).text.startswith("Bar chart: speech and language")
    assert root[0].get("id") == "spend-title"  # the title comes first, as SVG 2 asks


def test_the_svg_has_nothing_the_content_security_policy_would_block() -> None:
    svg = str(rendered().svg)

    assert "<script" not in svg and "<style" not in svg and "foreignObject" not in svg
    assert not re.search(r"\sstyle=", svg)
    assert not re.search(r"\son[a-z]+=", svg)


def test_sanitising_removes_script_style_handlers_and_links() -> None:
    hostile = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        "<style>rect{fill:red}</style><script>alert(1)</script>"
        '<rect style="fill:red" onclick="alert(2)" width="5"/>'
        '<a xlink:href="javascript:alert(3)"><text>kept</text></a>'
        "<foreignObject><div>html</div></foreignObject></svg>"
    )

    cleaned = etree.tostring(sanitised_svg(hostile), encoding="unicode")

    for banned in ("<style", "<script", "style=", "onclick", "javascript:", "foreignObject"):
        assert banned not in cleaned
    assert "kept" in cleaned and 'width="5"' in cleaned


def test_a_chart_scales_with_its_column() -> None:
    root = etree.fromstring(str(rendered().svg).encode())

    assert root.get("width") == "100%" and root.get("height") is None and root.get("viewBox")


def test_a_vega_lite_dict_works_too_and_a_title_in_an_object_is_read() -> None:
    spec = spend_chart().to_dict()
    spec["title"] = {"text": "Spend", "subtitle": "This year"}
    del spec["description"]

    chart = render_chart(spec, headers=["Kind", "£"], rows=[])

    assert chart.title == "Spend"
    assert chart.description == "Spend. The table beside the chart gives the figures."
    assert chart.id.startswith("chart-")


def test_a_chart_without_a_title_is_refused() -> None:
    untitled = alt.Chart(alt.Data(values=ROWS)).mark_bar().encode(x="pounds:Q", y="kind:N")

    with pytest.raises(ChartError, match="title"):
        render_chart(untitled, headers=["Kind", "£"], rows=[])


def test_a_spec_vl_convert_cannot_draw_is_a_chart_error() -> None:
    with pytest.raises(ChartError, match="could not be drawn"):
        render_chart({"title": "Broken", "mark": "no-such-mark"}, headers=[], rows=[])


def test_rows_must_fit_the_headers() -> None:
    with pytest.raises(ChartError, match="2 cells"):
        render_chart(spend_chart(), headers=["Kind", "£"], rows=[("Only one",)])


def test_the_table_right_aligns_numbers_with_separators() -> None:
    chart = rendered(numeric_columns=[1])

    assert [(c.text, c.numeric) for c in chart.rows[0]] == [
        ("Speech and language therapy", False),
        ("12,400", True),
    ]


def test_the_template_shows_figure_caption_table_and_csv_link() -> None:
    template = engines["jinja2"].from_string(
        '{% from "chart.html" import chart_with_table %}'
        "{{ chart_with_table(chart, csv_url=csv_url) }}"
    )
    html = template.render({"chart": rendered(), "csv_url": "/reports/spend.csv"})

    assert "<figure" in html and "<figcaption" in html and "<svg" in html
    assert '<th scope="row" class="govuk-table__header">Speech and language therapy</th>' in html
    assert 'class="govuk-table__cell govuk-table__cell--numeric">12,400</td>' in html
    assert 'href="/reports/spend.csv" download' in html
    assert "<script" not in html and "style=" not in html


def test_the_svg_text_is_escaped_when_titles_hold_markup() -> None:
    spec = spend_chart().to_dict()
    spec["title"] = "Spend <script>alert(1)</script>"

    chart = render_chart(spec, headers=["Kind", "£"], rows=[])

    assert "<script>" not in str(chart.svg)
    assert "&lt;script&gt;" in str(chart.svg)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 117 000", "'+44 117 000"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Speech and language therapy", "Speech and language therapy"),
        (-1250, -1250),
        (None, ""),
    ],
)
def test_csv_cells_that_look_like_formulas_are_quoted(value, written) -> None:
    assert csv_cell(value) == written


def test_csv_response_is_a_safe_utf8_download() -> None:
    response = csv_response(
        "Spend 2026/27 £ <group>.csv",
        ["Kind", "Spent (£)"],
        [('=HYPERLINK("http://x")', 12400), ("Occupational therapy", -50)],
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Spend-2026-27-group.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [
        ["Kind", "Spent (£)"],
        ['\'=HYPERLINK("http://x")', "12400"],
        ["Occupational therapy", "-50"],
    ]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "etc-passwd.csv"),
        ('spend"; filename=evil.exe', "spend-filename-evil.exe.csv"),
        ("", "download.csv"),
        ("Café report", "Cafe-report.csv"),
        ("x" * 300, "x" * 100 + ".csv"),
    ],
)
def test_file_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_only_the_whole_chart_is_an_image_even_when_it_has_nothing_to_draw() -> None:
    empty = {
        "title": "Cost per child",
        "data": {"values": []},
        "mark": "bar",
        "encoding": {"x": {"field": "pounds", "type": "quantitative"}},
    }
    for chart in (rendered(), render_chart(empty, headers=["Group"], rows=[], chart_id="empty")):
        root = etree.fromstring(str(chart.svg).encode())
        inner = [element for element in root.iter() if element is not root]
        assert not [element for element in inner if element.get("role")]
        assert not [element for element in inner if element.get("aria-label")]

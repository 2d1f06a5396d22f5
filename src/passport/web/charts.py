"""Charts for dashboards: an accessible SVG, the table of figures behind it, and a CSV download.

A chart is drawn on the server with vl-convert (Vega-Lite to SVG) and embedded inline in the
page. Why inline and not `<img src="data:...">` or a separate SVG address:

- The page's Content-Security-Policy allows no inline style or script (`style-src 'self'`,
  `script-src 'self' 'nonce-...'`). vl-convert's SVG has neither: it draws with presentation
  attributes (`fill`, `font-size`...), which CSP does not govern. `sanitised_svg` still removes
  anything that could run or style (script, foreignObject, style elements and attributes,
  event handlers, links), so a future vl-convert cannot loosen the policy; the tests check it.
- Inline SVG takes part in the page's accessibility tree: `role="img"` with `aria-labelledby`
  pointing at its own `<title>` and `<desc>` gives screen readers a name and a description. An
  `<img>` would need the same text again in `alt`, and a separate URL would need its own access
  check for figures that may be about a school group's money.

Every chart comes with its figures as a GOV.UK table (the accessible equivalent, and what a
screen reader user reads) and as CSV (`csv_response`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

import vl_convert
from django.http import HttpResponse
from django.utils.crypto import get_random_string
from lxml import etree
from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that can run code, load content or carry CSS: none belongs in a drawn chart.
FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "style",
        "foreignObject",
        "iframe",
        "object",
        "embed",
        "image",
        "use",
        "set",
        "animate",
        "animateMotion",
        "animateTransform",
        "handler",
        "listener",
    }
)
# Cells a spreadsheet would read as a formula (OWASP CSV injection), and tab or CR, which some
# spreadsheets skip before looking for one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ChartError(ValueError):
    """The chart cannot be drawn accessibly (no title) or vl-convert refused the spec."""


class SupportsToDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class RenderedChart:
    """What the chart template needs: the SVG, its words, and its figures as a table."""

    id: str
    svg: Markup
    title: str
    description: str
    headers: list[str]
    rows: list[list[Cell]]


def _text_of(title: Any) -> str:
    if isinstance(title, str):
        return title
    if isinstance(title, Mapping):
        return _text_of(title.get("text", ""))
    if isinstance(title, Sequence):
        return " ".join(_text_of(part) for part in title)
    return ""


def _spec(chart: SupportsToDict | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(chart, Mapping):
        return dict(chart)
    return chart.to_dict()


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def sanitised_svg(svg: str) -> etree._Element:
    """Parse SVG safely and remove everything that could run, load or style."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(svg.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise ChartError(f"vl-convert returned SVG that cannot be read: {exc}") from exc
    if _local(root.tag) != "svg":
        raise ChartError("vl-convert did not return an SVG document")
    for element in list(root.iter()):
        if _local(element.tag) == "a":
            element.tag = f"{{{SVG_NS}}}g"  # keep what a link wraps, drop the link
        if element is not root and (
            not isinstance(element.tag, str) or _local(element.tag) in FORBIDDEN_ELEMENTS
        ):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        for name in list(element.attrib):
            local = _local(name).lower()
            if local.startswith("on") or local in ("style", "href", "target"):
                del element.attrib[name]
    return root


def _accessible(root: etree._Element, chart_id: str, title: str, description: str) -> str:
    for old in [child for child in root if _local(child.tag) in ("title", "desc")]:
        root.remove(old)
    title_element = etree.Element(f"{{{SVG_NS}}}title", id=f"{chart_id}-title")
    title_element.text = title
    desc_element = etree.Element(f"{{{SVG_NS}}}desc", id=f"{chart_id}-desc")
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # The chart is one image, named by its title and description, with its figures in the table
    # beside it. Vega also labels each mark and group; inside role="img" those are presentational,
    # and a group with nothing to label (a chart whose figures are all withheld) would be an
    # unnamed image to assistive technology, so they go.
    for element in root.iter():
        if element is not root:
            for attribute in ("role", "aria-roledescription", "aria-label"):
                element.attrib.pop(attribute, None)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("focusable", "false")
    root.set("id", chart_id)
    # Scale with its column: the viewBox keeps the shape, the width follows the page.
    if root.get("viewBox") and root.get("width"):
        root.set("width", "100%")
        root.attrib.pop("height", None)
    return etree.tostring(root, encoding="unicode")


def _cell(value: Any, numeric: bool) -> Cell:
    if value is None:
        return Cell("", numeric)
    if isinstance(value, bool):
        return Cell("Yes" if value else "No", False)
    if isinstance(value, int | Decimal) or (isinstance(value, float) and value == value):
        return Cell(f"{value:,}", True)
    return Cell(str(value), numeric)


@lru_cache(maxsize=64)
def _draw(spec_json: str) -> str:
    # vl-convert takes 0.2 to 0.3 s a chart (2 s for the first in a process): a dashboard
    # redrawn with the same figures reuses the SVG.
    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def render_chart(
    chart: SupportsToDict | Mapping[str, Any],
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    numeric_columns: Iterable[int] = (),
    chart_id: str | None = None,
) -> RenderedChart:
    """Draw an Altair chart (or a Vega-Lite dict) as accessible SVG, with its figures as a table.

    The chart must have a title; its `description` becomes the SVG's `<desc>` (a default says the
    table beside it holds the figures). Numbers in `rows` are right-aligned and given thousands
    separators; mark text columns that hold numbers (like "£1,200") with `numeric_columns`.
    """
    spec = _spec(chart)
    title = _text_of(spec.get("title")).strip()
    if not title:
        raise ChartError("Give the chart a title: it is the name a screen reader announces")
    description = str(spec.get("description") or "").strip() or (
        f"{title}. The table beside the chart gives the figures."
    )
    try:
        svg = _draw(json.dumps(spec, sort_keys=True, default=str))
    except Exception as exc:  # vl-convert raises plain ValueError/RuntimeError on a bad spec
        raise ChartError(f"The chart could not be drawn: {exc}") from exc
    chart_id = chart_id or f"chart-{get_random_string(8).lower()}"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", chart_id):
        raise ChartError("A chart id must be letters, digits, - or _, starting with a letter")
    numeric = set(numeric_columns)
    table = [[_cell(value, index in numeric) for index, value in enumerate(row)] for row in rows]
    width = len(headers)
    if any(len(row) != width for row in table):
        raise ChartError(f"Every row must have {width} cells, one for each header")
    markup = _accessible(sanitised_svg(svg), chart_id, title, description)
    return RenderedChart(
        id=chart_id,
        svg=Markup(markup),  # noqa: S704 - built by lxml from the sanitised tree; text is escaped
        title=title,
        description=description,
        headers=list(headers),
        rows=table,
    )


def safe_filename(name: str, extension: str = ".csv") -> str:
    """Return a download file name with nothing a browser or shell could misread."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = ascii_name.removesuffix(extension)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:100].strip(".-_")
    return f"{stem or 'download'}{extension}"


def csv_cell(value: Any) -> Any:
    """Return a cell a spreadsheet shows as text, never runs: formula-like text gets a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return value  # a number cannot be a formula
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """Return the rows as a CSV download (UTF-8 with a byte order mark, which Excel needs for £)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(header) for header in headers])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

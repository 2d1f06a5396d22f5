"""Printable documents: a page's own template rendered with the print layout and made into a
tagged PDF (PDF/UA-1) by WeasyPrint, for the passport, its essentials and the EHC plan.

WeasyPrint needs Pango and HarfBuzz from the system; it is imported only when a PDF is asked for,
so a server without them still serves every page and says plainly that PDFs are unavailable.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from passport.children.models import Child
from passport.core.dates import today

PRINT_LAYOUT = "passports/print_layout.html"
PRINT_STYLESHEET = "passport/print.css"

# What a printed page leaves out: a sheet of paper changes nothing, so no change or add links.
PRINTED_COPY = {
    "print_layout": PRINT_LAYOUT,
    "may_write": False,
    "may_contribute": False,
    "may_consent": False,
    "may_share": False,
    "may_export": False,
    "may_print": False,
    "may_edit": False,
}


class PdfUnavailable(Exception):
    """This server cannot make PDFs (WeasyPrint or its system libraries are missing)."""


def file_name(child: Child, document: str) -> str:
    """Return a safe file name: letters, digits and hyphens only, whatever the child is called,
    and no more of the name than the reader may see (Child.name_for)."""
    decision = getattr(child, "access_decision", None)
    name = child.name_for(decision.sections) if decision is not None else child.full_name
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "child"
    return f"{document}-{stem[:40]}-{today():%Y-%m-%d}.pdf"


@cache
def _print_css() -> str:
    found = finders.find(PRINT_STYLESHEET)
    if not found:
        raise PdfUnavailable(f"The print stylesheet {PRINT_STYLESHEET} is missing")
    return Path(str(found)).read_text(encoding="utf-8")


def pdf_from_html(html: str) -> bytes:
    """Make a tagged PDF/UA-1 document from a whole HTML page.

    The title comes from the page's <title> and the language from <html lang>. Nothing is
    fetched: the page's only stylesheet is ours, passed in, and every URL is refused.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or its friends are not installed
        raise PdfUnavailable(str(exc)) from exc
    # Its progress messages ("Step 5 - Creating layout") say nothing an operator needs.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    refuse_every_url = weasyprint.URLFetcher(allowed_protocols=())
    document = weasyprint.HTML(string=html, url_fetcher=refuse_every_url)
    pdf: bytes = document.write_pdf(
        stylesheets=[weasyprint.CSS(string=_print_css(), url_fetcher=refuse_every_url)],
        pdf_variant="pdf/ua-1",
        finisher=_finish_structure,
    )
    return pdf


def pdf_response(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    child: Child,
    document: str,
    title: str,
) -> HttpResponse:
    """Render a page's template as a printed copy and send it as a PDF download.

    The caller has already authorised the reader and chosen what they may see; the context is
    the page's own, with the change links taken out.
    """
    html = render_to_string(
        template, {**context, **PRINTED_COPY, "document_title": title}, request=request
    )
    try:
        pdf = pdf_from_html(html)
    except PdfUnavailable:
        return render(
            request, "passports/pdf_unavailable.html", {"child": child, "title": title}, status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name(child, document)}"'
    return response


def _finish_structure(document: Any, pdf: Any) -> None:
    """Mend two things WeasyPrint's structure tree leaves short of PDF/UA.

    A table header gets its /Scope (ISO 14289-1 7.5; Matterhorn checkpoint 15-003): a header
    in the table head heads its column, one in the body heads its row, as in our templates.
    A GOV.UK summary list is <dl> of <div> rows of <dt> and <dd>; WeasyPrint tags it L > Div >
    LI > LBody, and a list may hold only list items (ISO 32000-1 14.8.4.3.3), so each row becomes
    one LI whose key is its Lbl and whose value is its LBody.
    """
    elements: dict[bytes, Any] = {}
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem":
            element: Any = obj
            elements[element.reference] = element

    def kind(reference: Any) -> str:
        element = elements.get(reference)
        return str(element["S"]) if element is not None else ""

    for struct in list(elements.values()):
        tag = struct["S"]
        if tag == "/TH":
            row = elements.get(struct["P"])
            head = row is not None and kind(row["P"]) == "/THead"
            struct["A"]["Scope"] = "/Column" if head else "/Row"
        elif tag == "/Div" and kind(struct["P"]) == "/L":
            _list_row_as_item(struct, elements)


def _list_row_as_item(row: Any, elements: dict[bytes, Any]) -> None:
    # Only a row made of dt and dd wrappers: its kids are all LI elements, no marked content.
    items = [elements[kid] for kid in row["K"] if isinstance(kid, bytes) and kid in elements]
    if not items or len(items) != len(row["K"]) or any(item["S"] != "/LI" for item in items):
        return
    kids = [kid for item in items for kid in item["K"]]
    for position, kid in enumerate(kids):
        body = elements.get(kid)
        if body is not None:
            body["P"] = row.reference
            if position == 0 and body["S"] == "/LBody":
                body["S"] = "/Lbl"
    row["S"] = "/LI"
    row["K"].clear()
    row["K"].extend(kids)

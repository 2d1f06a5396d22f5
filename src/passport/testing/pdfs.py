"""Reading our PDFs back in tests, as a screen reader or a copy-and-paste would: the words
through each font's ToUnicode map, the structure tree's tags, the title and the language."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

import pikepdf


@dataclass
class ReadPdf:
    pdf: pikepdf.Pdf
    text: str
    tags: Counter[str]
    header_scopes: list[str]

    @property
    def title(self) -> str:
        return str(self.pdf.docinfo.get("/Title", ""))

    @property
    def xmp(self) -> dict[str, str]:
        with self.pdf.open_metadata() as meta:
            return {key: str(value) for key, value in meta.items()}


def read_pdf(data: bytes) -> ReadPdf:
    pdf = pikepdf.open(io.BytesIO(data))
    tags: Counter[str] = Counter()
    scopes: list[str] = []
    if "/StructTreeRoot" in pdf.Root:  # an untagged PDF (a browser's print) has none
        _walk(pdf.Root.StructTreeRoot, tags, scopes, set())
    return ReadPdf(pdf, _text(pdf), tags, scopes)


def _walk(
    node: pikepdf.Object, tags: Counter[str], scopes: list[str], seen: set[tuple[int, int]]
) -> None:
    if isinstance(node, pikepdf.Array):
        for kid in node:
            _walk(kid, tags, scopes, seen)
        return
    if not isinstance(node, pikepdf.Dictionary):
        return
    if node.is_indirect:
        if node.objgen in seen:
            return
        seen.add(node.objgen)
    if "/S" in node:
        tag = str(node.S)[1:]
        tags[tag] += 1
        if tag == "TH":
            attributes = node.get("/A")
            scope = attributes.get("/Scope") if attributes is not None else None
            scopes.append(str(scope)[1:] if scope is not None else "")
    if "/K" in node:
        _walk(node.K, tags, scopes, seen)


def _text(pdf: pikepdf.Pdf) -> str:
    """Every page's words in drawing order, one run of text a line."""
    lines: list[str] = []
    for page in pdf.pages:
        maps = {
            str(name): _unicode_map(font) for name, font in page.Resources.get("/Font", {}).items()
        }
        current: dict[int, str] = {}
        for instruction in pikepdf.parse_content_stream(page):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            operands, operator = instruction.operands, instruction.operator
            if str(operator) == "Tf":
                current = maps.get(str(operands[0]), {})
            elif str(operator) in ("Tj", "TJ"):
                pieces = operands[0] if str(operator) == "TJ" else [operands[0]]
                codes = b"".join(
                    bytes(piece) for piece in pieces if isinstance(piece, pikepdf.String)
                )
                lines.append(
                    "".join(
                        current.get(int.from_bytes(codes[i : i + 2], "big"), "")
                        for i in range(0, len(codes) - 1, 2)
                    )
                )
    return "\n".join(lines)


def _unicode_map(font: pikepdf.Object) -> dict[int, str]:
    """Read a font's ToUnicode CMap (bfchar and bfrange entries) into code -> text."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    found: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, end, text in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int(text, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                found[code] = chr(first + offset)
    return found

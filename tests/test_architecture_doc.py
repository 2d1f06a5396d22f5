"""docs/architecture.md shows the rooms exactly as the import contract the build enforces."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MARKER = '<!-- rooms: kept equal to [tool.importlinter] contract "rooms"'


def contract_layers() -> list[str]:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    rooms = next(c for c in contracts if c["id"] == "rooms")
    return [" ".join(layer.split()) for layer in rooms["layers"]]


def documented_layers(text: str) -> list[str]:
    start = text.index(MARKER)
    block = re.search(r"```text\n(.*?)```", text[start:], re.DOTALL)
    assert block, "the rooms block after the marker is missing"
    return [" ".join(line.split()) for line in block.group(1).splitlines() if line.strip()]


def test_the_documented_rooms_are_the_enforced_rooms() -> None:
    doc = (PROJECT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert documented_layers(doc) == contract_layers()


def test_every_room_of_the_package_is_in_the_contract() -> None:
    named = {room for layer in contract_layers() for room in re.split(r"[|:]", layer)}
    named = {room.strip() for room in named}
    packages = {
        path.parent.name
        for path in (PROJECT / "src" / "passport").glob("*/__init__.py")
        if path.parent.name not in {"static", "jinja2"}
    }
    assert packages == named


def test_a_reordered_document_would_be_caught() -> None:
    doc = (PROJECT / "docs" / "architecture.md").read_text(encoding="utf-8")
    swapped = doc.replace("\naccess\naudit\n", "\naudit\naccess\n")
    assert swapped != doc
    assert documented_layers(swapped) != contract_layers()

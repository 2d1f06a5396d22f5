"""Read a Common Transfer File (CTF 25) safely and a pupil at a time.

Hostile files are refused before lxml sees them: a size limit, then any DOCTYPE (a CTF has no
DTD, and a DTD is how entity expansion and external entities get in). lxml then parses with
entities unresolved, no network, no DTD and no huge-tree mode, as defusedxml would configure it
(defusedxml.lxml itself is deprecated and cannot stream). Pupils are read with iterparse and
each element is cleared once read, so memory stays bounded whatever the number of pupils.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from defusedxml import DTDForbidden
from django.conf import settings
from lxml import etree

CTF_VERSION = "25"
# The DfE convention for a destination that is not known.
UNKNOWN_LEA = "MMM"
UNKNOWN_ESTAB = "MMMM"

_PROLOG_BYTES = 64 * 1024
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_LEA = re.compile(r"^\d{3}$")
_ESTAB = re.compile(r"^\d{4}$")

Source = bytes | str | Path | IO[bytes]


class CtfError(Exception):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass(frozen=True)
class CtfHeader:
    """Who sent the file, to whom, and when."""

    document_name: str
    version: str
    generated_at: dt.datetime
    qualifier: str
    source_lea: str
    source_estab: str
    source_name: str
    academic_year: str
    dest_lea: str
    dest_estab: str

    @property
    def destination_known(self) -> bool:
        return (self.dest_lea, self.dest_estab) != (UNKNOWN_LEA, UNKNOWN_ESTAB)


@dataclass(frozen=True)
class CtfSen:
    """One period of SEN provision: E (EHC plan), K (SEN support) or N (no SEN), or a code
    retired in 2014 (A, P, S) in an older pupil's history."""

    start_date: dt.date
    provision: str


@dataclass(frozen=True)
class CtfNeed:
    """One ranked need type (rank 1 is the primary need)."""

    need_type: str
    rank: int


@dataclass
class CtfPupil:
    """One pupil as the file describes them, with what is wrong with the record, if anything."""

    position: int
    upn: str
    surname: str
    forename: str
    date_of_birth: dt.date | None
    sex: str
    sen_history: list[CtfSen] = field(default_factory=list)
    needs: list[CtfNeed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # What was read but should be fixed at source, like needs in the pre-CTF 25 place.
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}".strip()


def max_bytes() -> int:
    """Return the largest CTF accepted (setting PASSPORT_CTF_MAX_BYTES)."""
    return int(settings.PASSPORT_CTF_MAX_BYTES)


def _open(source: Source) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        return Path(source).open("rb")
    return source


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _check_prolog(stream: IO[bytes]) -> None:
    """Refuse a file that is empty, not UTF-8, or has a DOCTYPE, before any XML parsing."""
    head = stream.read(_PROLOG_BYTES)
    stream.seek(0)
    if not head.strip():
        raise CtfError("The file is empty: choose the CTF file the other school sent")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CtfError("The file is in UTF-16: a CTF must be UTF-8. Export it again as UTF-8")
    declared = _DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).decode("ascii").upper().replace("_", "-") not in {
        "UTF-8",
        "UTF8",
    }:
        raise CtfError(
            f"The file says it is encoded as {declared.group(1).decode('ascii')}: a CTF must be "
            "UTF-8. Export it again as UTF-8"
        )
    root = _ROOT_START.search(head)
    if root is None:
        raise CtfError("The file is not a CTF: it has no CTfile element at the start")
    if _DOCTYPE.search(head, 0, root.start()):
        raise DTDForbidden(None, None, None)


def _parser_events(stream: IO[bytes]) -> etree.iterparse:
    # Only the elements read are reported: lxml builds the rest of the tree in C, without a
    # Python call per element.
    return etree.iterparse(
        stream,
        events=("end",),
        tag=("Header", "Pupil"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _text(element: etree._Element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _date(value: str) -> dt.date | None:
    if not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _header(element: etree._Element) -> CtfHeader:
    """Read and check the Header: a fault here stops the whole file."""
    required = {
        "DocumentName": "DocumentName",
        "CTFversion": "CTFversion",
        "DateTime": "DateTime",
        "SourceSchool/LEA": "SourceSchool LEA",
        "SourceSchool/Estab": "SourceSchool Estab",
        "DestSchool/LEA": "DestSchool LEA",
        "DestSchool/Estab": "DestSchool Estab",
    }
    missing = [label for path, label in required.items() if not _text(element, path)]
    if missing:
        raise CtfError(f"The CTF header has no {', '.join(missing)}: ask the sender for a new file")
    version = _text(element, "CTFversion")
    if version.split(".")[0] != CTF_VERSION:
        raise CtfError(
            f"The file is CTF version {version}: this service reads CTF {CTF_VERSION}. "
            "Ask the sender to export it as CTF 25"
        )
    stamp = _text(element, "DateTime")
    try:
        generated_at = dt.datetime.fromisoformat(stamp) if _DATETIME.match(stamp) else None
    except ValueError:
        generated_at = None
    if generated_at is None:
        raise CtfError(
            f"The CTF header DateTime {stamp[:40]!r} is not a date and time like 2025-07-18T10:30:00"
        )
    source_lea, source_estab = (
        _text(element, "SourceSchool/LEA"),
        _text(element, "SourceSchool/Estab"),
    )
    if not (_LEA.match(source_lea) and _ESTAB.match(source_estab)):
        raise CtfError(
            "The source school's LEA must be 3 digits and Estab 4 digits, like 801 and 2000"
        )
    dest_lea, dest_estab = _text(element, "DestSchool/LEA"), _text(element, "DestSchool/Estab")
    unknown = (dest_lea, dest_estab) == (UNKNOWN_LEA, UNKNOWN_ESTAB)
    if not unknown and not (_LEA.match(dest_lea) and _ESTAB.match(dest_estab)):
        raise CtfError(
            "The destination school's LEA must be 3 digits and Estab 4 digits, like 801 and "
            "4000 (or MMM and MMMM when the destination is not known)"
        )
    return CtfHeader(
        document_name=_text(element, "DocumentName"),
        version=version,
        generated_at=generated_at,
        qualifier=_text(element, "DocumentQualifier"),
        source_lea=source_lea,
        source_estab=source_estab,
        source_name=_text(element, "SourceSchool/SchoolName"),
        academic_year=_text(element, "SourceSchool/AcademicYear"),
        dest_lea=dest_lea,
        dest_estab=dest_estab,
    )


# CTF 25 keeps a pupil's needs in Pupil > SENhistory > SENneeds. This service's exports wrote them
# beside SENhistory before it followed the specification: such files are still read, with this.
OLD_NEEDS_WARNING = (
    "SENneeds is outside SENhistory, the shape of this service's exports before it followed "
    "CTF 25 (Pupil > SENhistory > SENneeds): the needs were read anyway. Files from a school's "
    "MIS keep them inside SENhistory"
)


def _needs(element: etree._Element, problems: list[str]) -> list[CtfNeed]:
    needs: list[CtfNeed] = []
    for need in element.iterfind("SENneed"):
        need_type, raw_rank = _text(need, "SENtype"), _text(need, "SENtypeRank")
        if not need_type:
            problems.append(f"A SENneed has no SENtype (SENtypeRank {raw_rank[:10] or 'empty'})")
        elif not raw_rank.isdigit():
            problems.append(
                f"SENtypeRank {raw_rank[:10] or 'empty'} for {need_type[:10]} is not a rank: "
                "ranks are 1 (primary) and 2 (secondary)"
            )
        else:
            needs.append(CtfNeed(need_type[:10], int(raw_rank)))
    return needs


def _pupil(element: etree._Element, position: int) -> CtfPupil:
    """Read one Pupil; what is wrong with it goes in `problems`, so the rest of the file goes on.

    Each problem names the element and the value, so the sending school can find and fix it.
    Codes are kept as written: whether they are current, retired or unknown is for the importer,
    which reads the policy pack.
    """
    problems: list[str] = []
    warnings: list[str] = []
    upn = _text(element, "UPN")
    if not upn:
        problems.append("UPN is missing: a CTF pupil is matched by UPN")
    surname, forename = _text(element, "Surname"), _text(element, "Forename")
    if not surname:
        problems.append("Surname is missing")
    if not forename:
        problems.append("Forename is missing")
    raw_dob = _text(element, "DOB")
    dob = _date(raw_dob)
    if dob is None:
        problems.append(f"DOB {raw_dob[:20] or 'empty'} is not a date like 2014-03-21")
    history: list[CtfSen] = []
    for sen in element.iterfind("SENhistory/SEN"):
        raw_start, provision = _text(sen, "StartDate"), _text(sen, "SENprovision")
        start = _date(raw_start)
        if start is None:
            problems.append(
                f"SEN StartDate {raw_start[:20] or 'empty'} is not a date like 2021-09-01"
            )
        if not provision:
            problems.append(
                f"SEN record starting {raw_start[:20] or '(no date)'} has no SENprovision"
            )
        if start is not None and provision:
            history.append(CtfSen(start, provision[:10]))
    needs: list[CtfNeed] = []
    inside = element.find("SENhistory/SENneeds")
    outside = element.find("SENneeds")
    if inside is not None:
        needs = _needs(inside, problems)
        if outside is not None and len(outside):
            warnings.append(
                "SENneeds appears both inside and outside SENhistory: only the one inside "
                "SENhistory (CTF 25) was read"
            )
    elif outside is not None:
        needs = _needs(outside, problems)
        if needs:
            warnings.append(OLD_NEEDS_WARNING)
    return CtfPupil(
        position=position,
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=dob,
        sex=_text(element, "Sex"),
        sen_history=history,
        needs=needs,
        problems=problems,
        warnings=warnings,
    )


def _syntax_message(exc: etree.XMLSyntaxError, stream: IO[bytes]) -> str:
    text = str(exc)
    if "not proper UTF-8" in text or "encoding" in text.lower():
        return "The file is not valid UTF-8 text: export it again from the MIS as UTF-8"
    stream.seek(max(0, _size(stream) - 64))
    if not stream.read().rstrip().endswith(b"</CTfile>"):
        return f"The file ends too early: it may have been cut off when it was copied ({text})"
    return f"The file is not well-formed XML: {text}"


def _check_root(root: etree._Element) -> None:
    if root.tag != "CTfile":
        raise CtfError(
            f"The file's first element is {str(root.tag)[:40]}, not CTfile: "
            "it is not a Common Transfer File"
        )


class CtfReader:
    """Read a CTF: check it is safe, then give its header and its pupils one at a time."""

    def __init__(self, source: Source) -> None:
        self._stream = _open(source)
        self._owns_stream = isinstance(source, str | Path)
        size = _size(self._stream)
        limit = max_bytes()
        if size > limit:
            self.close()
            raise CtfError(
                f"The file is {size / 1_048_576:.1f} MB: the largest CTF accepted is "
                f"{limit / 1_048_576:.0f} MB. Split it into smaller files"
            )
        try:
            _check_prolog(self._stream)
        except DTDForbidden as exc:
            self.close()
            raise CtfError(
                "The file has a DOCTYPE: a CTF never has one, and it can hide entity expansion "
                "or external entities. Export the file again from the MIS"
            ) from exc
        except CtfError:
            self.close()
            raise

    def close(self) -> None:
        if self._owns_stream:
            self._stream.close()

    def __enter__(self) -> CtfReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _elements(self) -> Iterator[etree._Element]:
        """Yield the Header element, then each Pupil element (cleared once the caller is done
        with it); raise CtfError if the file is not a sound CTF."""
        self._stream.seek(0)
        header_seen = False
        events = _parser_events(self._stream)
        root_checked = False
        try:
            for _, element in events:
                if not root_checked:
                    _check_root(element.getroottree().getroot())
                    root_checked = True
                parent = element.getparent()
                if element.tag == "Header" and parent is not None and parent.getparent() is None:
                    yield element
                    header_seen = True
                elif element.tag == "Pupil" and parent is not None and parent.tag == "CTFpupilData":
                    if not header_seen:
                        raise CtfError("The file's pupils come before its Header: it is not a CTF")
                    yield element
                    element.clear()
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            raise CtfError(_syntax_message(exc, self._stream)) from exc
        if not header_seen:
            if events.root is not None:
                _check_root(events.root)
            raise CtfError("The file has no Header: it is not a Common Transfer File")

    def read(self) -> Iterator[CtfHeader | CtfPupil]:
        """Yield the header, then each pupil; raise CtfError if the file is not a sound CTF."""
        position = 0
        for element in self._elements():
            if element.tag == "Header":
                yield _header(element)
            else:
                position += 1
                yield _pupil(element, position)


@dataclass(frozen=True)
class Survey:
    """What a first pass over the file found: its header, how many pupils, repeated UPNs."""

    header: CtfHeader
    pupils: int
    repeated_upns: frozenset[str]


def survey(reader: CtfReader) -> Survey:
    """Read the whole file once, so a broken or truncated file is refused before anything is written."""
    header: CtfHeader | None = None
    seen: set[str] = set()
    repeated: set[str] = set()
    count = 0
    # Only the header and each UPN: the pupils are read in full when they are imported.
    for element in reader._elements():
        if element.tag == "Header":
            header = _header(element)
            continue
        count += 1
        key = "".join(_text(element, "UPN").split()).upper()
        if key in seen:
            repeated.add(key)
        seen.add(key)
    assert header is not None  # read() raises when there is none
    return Survey(header, count, frozenset(repeated - {""}))

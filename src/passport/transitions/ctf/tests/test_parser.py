"""Reading a CTF: the sample reads whole, and every hostile or broken file is refused clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from passport.transitions.ctf.builder import build_ctf
from passport.transitions.ctf.parser import CtfError, CtfHeader, CtfPupil, CtfReader, survey
from passport.transitions.ctf.tests.conftest import ctf, header, pupil

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "leavers_801_2001_to_801_4001.xml"
UPN = "M873200100001"


def read_all(source) -> tuple[CtfHeader, list[CtfPupil]]:
    with CtfReader(source) as reader:
        items = list(reader.read())
    return items[0], items[1:]  # type: ignore[return-value]


def refusal(source) -> str:
    with pytest.raises(CtfError) as caught, CtfReader(source) as reader:
        survey(reader)
    return str(caught.value)


def test_the_sample_file_reads_with_its_header_and_sen_data() -> None:
    head, pupils = read_all(SAMPLE)

    assert (head.source_lea, head.source_estab, head.dest_lea, head.dest_estab) == (
        "801",
        "2001",
        "801",
        "4001",
    )
    assert head.generated_at == dt.datetime(2025, 7, 18, 10, 30)
    assert [p.upn for p in pupils] == ["F801200100001", "V801200100002", "J801200100003"]
    maya = pupils[0]
    assert [(s.start_date, s.provision) for s in maya.sen_history] == [
        (dt.date(2019, 9, 4), "K"),
        (dt.date(2022, 2, 14), "E"),
    ]
    assert [(n.need_type, n.rank) for n in maya.needs] == [("ASD", 1), ("SLCN", 2)]
    assert not any(p.problems for p in pupils)


def test_what_the_builder_writes_reads_back_the_same() -> None:
    written = pupil(UPN, provision="E", needs=[("ASD", 1), ("HI", 2)])

    head, pupils = read_all(build_ctf(header(), [written]))

    assert head == header()
    assert (pupils[0].upn, pupils[0].sen_history, pupils[0].needs) == (
        UPN,
        written.sen_history,
        written.needs,
    )


def test_a_file_read_from_disk_is_the_same_as_from_bytes(tmp_path: Path) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil(UPN)))

    assert read_all(path) == read_all(path.read_bytes())


def test_malformed_xml_is_refused() -> None:
    assert "not well-formed XML" in refusal(b"<CTfile><Header></CTfile>")


def test_a_truncated_file_is_refused_as_cut_off() -> None:
    whole = ctf(pupil(UPN), pupil("B873200100002"))

    assert "ends too early" in refusal(whole[: len(whole) // 2])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CTfile><Header><DocumentName>&lol3;</DocumentName></Header></CTfile>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><Header><DocumentName>&secret;</DocumentName></Header></CTfile>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile SYSTEM "http://example.invalid/ctf.dtd">
<CTfile/>"""


@pytest.mark.parametrize(
    "content", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["laughs", "entity", "dtd"]
)
def test_a_file_with_a_doctype_is_refused_before_parsing(content: bytes) -> None:
    assert "has a DOCTYPE" in refusal(content)


def test_an_undeclared_entity_is_refused_not_expanded() -> None:
    content = ctf(pupil(UPN)).replace(b"<Surname>Hughes", b"<Surname>&secret;")

    assert "not well-formed XML" in refusal(content)


def test_a_file_over_the_size_limit_is_refused_before_reading(settings) -> None:
    settings.PASSPORT_CTF_MAX_BYTES = 1000
    content = ctf(*(pupil(UPN) for _ in range(20)))

    assert "the largest CTF accepted" in refusal(content)


def test_a_file_declaring_another_encoding_is_refused() -> None:
    content = ctf(pupil(UPN)).replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'")

    assert "ISO-8859-1" in refusal(content)


def test_a_utf16_file_is_refused() -> None:
    content = ctf(pupil(UPN)).decode().replace("UTF-8", "UTF-16").encode("utf-16")

    assert "UTF-16" in refusal(content)


def test_a_file_that_is_not_utf8_is_refused() -> None:
    content = ctf(pupil(UPN, surname="Zoe")).replace(b"Zoe", b"Zo\xe9")

    assert "not valid UTF-8" in refusal(content)


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refusal(b"   ")


def test_a_file_that_is_not_a_ctf_is_refused() -> None:
    assert "not a Common Transfer File" in refusal(b"<html><body/></html>")


def test_a_header_missing_its_destination_is_refused() -> None:
    content = (
        ctf(pupil(UPN))
        .replace(b"<DestSchool>", b"<Elsewhere>")
        .replace(b"</DestSchool>", b"</Elsewhere>")
    )

    assert "DestSchool LEA" in refusal(content)


def test_another_ctf_version_is_refused() -> None:
    content = build_ctf(header(version="18.0"), [pupil(UPN)])

    assert "CTF version 18.0" in refusal(content)


def test_a_pupil_with_a_bad_date_is_read_with_the_problem_noted() -> None:
    content = ctf(pupil(UPN)).replace(b"2014-03-21", b"21/03/2014")

    _, pupils = read_all(content)

    assert pupils[0].problems == ["DOB 21/03/2014 is not a date like 2014-03-21"]


def test_the_first_pass_finds_repeated_upns() -> None:
    with CtfReader(ctf(pupil(UPN), pupil("B873200100002"), pupil(UPN))) as reader:
        found = survey(reader)

    assert (found.pupils, found.repeated_upns) == (3, frozenset({UPN}))

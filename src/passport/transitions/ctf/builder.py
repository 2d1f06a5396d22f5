"""Write a Common Transfer File (CTF 25) from plain records: no database here.

Both SEN blocks sit inside SENhistory, where a receiving MIS reads them:
Pupil > SENhistory > SEN {StartDate, SENprovision} and Pupil > SENhistory > SENneeds > SENneed
{SENtype, SENtypeRank}.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree
from lxml.builder import E

from passport.transitions.ctf.parser import CTF_VERSION, CtfHeader, CtfPupil

DOCUMENT_NAME = "Common Transfer File"


def _pupil(pupil: CtfPupil) -> etree._Element:
    element = E.Pupil(
        E.UPN(pupil.upn),
        E.Surname(pupil.surname),
        E.Forename(pupil.forename),
        E.DOB(pupil.date_of_birth.isoformat() if pupil.date_of_birth else ""),
    )
    if pupil.sex:
        element.append(E.Sex(pupil.sex))
    if pupil.sen_history or pupil.needs:
        # CTF 25: the needs sit inside SENhistory, after the SEN records.
        history = E.SENhistory(
            *(
                E.SEN(E.StartDate(sen.start_date.isoformat()), E.SENprovision(sen.provision))
                for sen in pupil.sen_history
            )
        )
        if pupil.needs:
            history.append(
                E.SENneeds(
                    *(
                        E.SENneed(E.SENtype(need.need_type), E.SENtypeRank(str(need.rank)))
                        for need in sorted(pupil.needs, key=lambda n: n.rank)
                    )
                )
            )
        element.append(history)
    return element


def build_ctf(header: CtfHeader, pupils: Iterable[CtfPupil]) -> bytes:
    """Return the CTF as pretty-printed UTF-8 XML with an XML declaration."""
    document = E.CTfile(
        E.Header(
            E.DocumentName(header.document_name or DOCUMENT_NAME),
            E.CTFversion(header.version or CTF_VERSION),
            E.DateTime(header.generated_at.replace(microsecond=0).isoformat()),
            E.DocumentQualifier(header.qualifier or "partial"),
            E.SourceSchool(
                E.LEA(header.source_lea),
                E.Estab(header.source_estab),
                E.SchoolName(header.source_name),
                E.AcademicYear(header.academic_year),
            ),
            E.DestSchool(E.LEA(header.dest_lea), E.Estab(header.dest_estab)),
        ),
        E.CTFpupilData(*(_pupil(pupil) for pupil in pupils)),
    )
    return etree.tostring(document, pretty_print=True, xml_declaration=True, encoding="UTF-8")

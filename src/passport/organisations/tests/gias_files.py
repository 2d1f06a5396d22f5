"""Register files written as GIAS publishes them: Windows-1252, CRLF, every field quoted, dates
dd-mm-yyyy, the full set of about 130 columns of the all establishments extract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

# The header of edubasealldataYYYYMMDD.csv, in its order.
GIAS_HEADER = (
    "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (code),"
    "TypeOfEstablishment (name),EstablishmentTypeGroup (code),EstablishmentTypeGroup (name),"
    "EstablishmentStatus (code),EstablishmentStatus (name),ReasonEstablishmentOpened (code),"
    "ReasonEstablishmentOpened (name),OpenDate,ReasonEstablishmentClosed (code),"
    "ReasonEstablishmentClosed (name),CloseDate,PhaseOfEducation (code),PhaseOfEducation (name),"
    "StatutoryLowAge,StatutoryHighAge,Boarders (code),Boarders (name),NurseryProvision (name),"
    "OfficialSixthForm (code),OfficialSixthForm (name),Gender (code),Gender (name),"
    "ReligiousCharacter (code),ReligiousCharacter (name),ReligiousEthos (name),Diocese (code),"
    "Diocese (name),AdmissionsPolicy (code),AdmissionsPolicy (name),SchoolCapacity,"
    "SpecialClasses (code),SpecialClasses (name),CensusDate,NumberOfPupils,NumberOfBoys,"
    "NumberOfGirls,PercentageFSM,TrustSchoolFlag (code),TrustSchoolFlag (name),Trusts (code),"
    "Trusts (name),SchoolSponsorFlag (name),SchoolSponsors (name),FederationFlag (name),"
    "Federations (code),Federations (name),UKPRN,FEHEIdentifier,FurtherEducationType (name),"
    "OfstedLastInsp,OfstedSpecialMeasures (code),OfstedSpecialMeasures (name),LastChangedDate,"
    "Street,Locality,Address3,Town,County (name),Postcode,SchoolWebsite,TelephoneNum,"
    "HeadTitle (name),HeadFirstName,HeadLastName,HeadPreferredJobTitle,"
    "BSOInspectorateName (name),InspectorateReport,DateOfLastInspectionVisit,"
    "NextInspectionVisit,TeenMoth (name),TeenMothPlaces,CCF (name),SENPRU (name),EBD (name),"
    "PlacesPRU,FTProv (name),EdByOther (name),Section41Approved (name),"
    + ",".join(f"SEN{n} (name)" for n in range(1, 14))
    + ",TypeOfResourcedProvision (name),ResourcedProvisionOnRoll,ResourcedProvisionCapacity,"
    "SenUnitOnRoll,SenUnitCapacity,GOR (code),GOR (name),DistrictAdministrative (code),"
    "DistrictAdministrative (name),AdministrativeWard (code),AdministrativeWard (name),"
    "ParliamentaryConstituency (code),ParliamentaryConstituency (name),UrbanRural (code),"
    "UrbanRural (name),GSSLACode (name),Easting,Northing,CensusAreaStatisticWard (name),"
    "MSOA (name),LSOA (name),InspectorateName (name),SENStat,SENNoStat,"
    "BoardingEstablishment (name),PropsName,PreviousLA (code),PreviousLA (name),"
    "PreviousEstablishmentNumber,OfstedRating (name),RSCRegion (name),Country (name),UPRN,"
    "SiteName,QABName (code),QABName (name),EstablishmentAccredited (code),"
    "EstablishmentAccredited (name),QABReport,CHNumber,MSOA (code),LSOA (code)"
).split(",")

# What a typical open community primary school in Birmingham (LA 330) says.
SCHOOL = {
    "LA (code)": "330",
    "LA (name)": "Birmingham",
    "EstablishmentNumber": "2001",
    "TypeOfEstablishment (code)": "01",
    "TypeOfEstablishment (name)": "Community school",
    "EstablishmentTypeGroup (name)": "Local authority maintained schools",
    "EstablishmentStatus (code)": "1",
    "EstablishmentStatus (name)": "Open",
    "OpenDate": "",
    "CloseDate": "",
    "PhaseOfEducation (name)": "Primary",
    "StatutoryLowAge": "3",
    "StatutoryHighAge": "11",
    "UKPRN": "",
    "TypeOfResourcedProvision (name)": "Not applicable",
    "Town": "Birmingham",
    "Postcode": "B1 1AA",
    "Country (name)": "United Kingdom",
}


def gias_row(urn: str, name: str, **columns: str) -> dict[str, str]:
    """Return a row of the extract: SCHOOL's values, with the columns given (spaces and
    brackets in a column name are written as underscores: LA__code_ for "LA (code)")."""
    row = dict(SCHOOL, URN=urn, EstablishmentName=name)
    for key, value in columns.items():
        row[_column(key)] = value
    return row


def _column(key: str) -> str:
    names = {
        name.replace(" ", "_").replace("(", "_").replace(")", "_"): name for name in GIAS_HEADER
    }
    names.update({"EarlyYearsType": "ProviderType (name)"})
    return names.get(key, key)


def write_published(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    *,
    encoding: str = "cp1252",
) -> Path:
    """Write a CSV as GIAS publishes it: every field quoted, CRLF, in Windows-1252."""

    def line(values: Sequence[str]) -> str:
        return ",".join('"' + value.replace('"', '""') + '"' for value in values) + "\r\n"

    text = line(header) + "".join(line([row.get(name, "") for name in header]) for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def write_gias(path: Path, rows: Sequence[Mapping[str, str]], **kwargs: str) -> Path:
    return write_published(path, GIAS_HEADER, rows, **kwargs)


LINKS_HEADER = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]


def write_links(path: Path, links: Sequence[tuple[str, str, str, str, str]]) -> Path:
    """Write a links file: (URN, LinkURN, LinkName, LinkType, LinkEstablishedDate) rows."""
    return write_published(
        path, LINKS_HEADER, [dict(zip(LINKS_HEADER, link, strict=True)) for link in links]
    )


EARLY_YEARS_HEADER = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentName",
    "ProviderType (name)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Postcode",
]

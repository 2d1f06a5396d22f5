"""How a directory service is said in Open Referral UK, both ways (docs/directory.md has the table).

The ORUK profile has no field for "what kind of support" or "price per session", so:

- the support kind is an attribute linking the service to a term of our own taxonomy,
  `SUPPORT_KIND_TAXONOMY`, whose `term` is the policy pack's code;
- the price is a cost option: `amount` in pounds (the profile has no currency field; an imported
  `currency`, if present, must be GBP) and `amount_description` "per session" or "per hour";
- the provider's kind is an attribute of the organization in `PROVIDER_KIND_TAXONOMY`, and its
  NHS ODS code an organization identifier.

Ids of the objects we generate (cost option, attributes, terms) are derived from the service or
organization id with UUID5, so exporting twice gives the same document.
"""

from __future__ import annotations

import uuid

SUPPORT_KIND_TAXONOMY = "Support Passport support kinds"
PROVIDER_KIND_TAXONOMY = "Support Passport provider kinds"
ODS_IDENTIFIER_TYPE = "NHS Organisation Data Service (ODS) code"
# Our namespace for UUID5 ids of generated objects and taxonomy terms.
NAMESPACE = uuid.UUID("6a0c2f64-2b1e-5d0a-9a43-5c6e0f7d1b20")

UNIT_WORDS = {"session": "per session", "hour": "per hour"}
UNITS_BY_WORDS = {words: unit for unit, words in UNIT_WORDS.items()}
COST_OPTION_CONDITION = "Commissioned by a school, school group or local authority"


def derived_id(owner: uuid.UUID, what: str) -> uuid.UUID:
    """Return the stable id of an object we generate for `owner`, like its cost option."""
    return uuid.uuid5(owner, what)


def term_id(taxonomy: str, code: str) -> uuid.UUID:
    """Return the stable id of a term in one of our taxonomies."""
    return uuid.uuid5(NAMESPACE, f"{taxonomy}:{code}")


def taxonomy_id(taxonomy: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, taxonomy)

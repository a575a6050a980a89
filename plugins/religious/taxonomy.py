"""What a concern is, and the kinds of abuse it raises: the terms the fields and reports use.

Kind ``concern_type``: a safeguarding concern, a complaint about a member of the
clergy's conduct, a report under Vos estis lux mundi, or any other complaint; the
rules that apply follow from it. Kind ``abuse_type``: the kinds of abuse the
safeguarding statistics count (a concern may raise several).

Neither is a ``category``, so the plugin does not restrict the categories a case
may be filed under. Codes are lower case and stable: stored cases and the
plugin's reports refer to them.
"""

from __future__ import annotations

from core.sdk import TaxonomyEntry

CONCERN_TYPE = "concern_type"
ABUSE_TYPE = "abuse_type"

SAFEGUARDING = "safeguarding"
CLERGY_CONDUCT = "clergy_conduct"
VEL_REPORT = "vel_report"
COMPLAINT = "complaint"


def _terms(kind: str, *pairs: tuple[str, str]) -> tuple[TaxonomyEntry, ...]:
    return tuple(TaxonomyEntry(code, label, kind=kind) for code, label in pairs)


CONCERN_TYPES = _terms(
    CONCERN_TYPE,
    (SAFEGUARDING, "Safeguarding concern"),
    (CLERGY_CONDUCT, "Complaint about a member of the clergy's conduct"),
    (VEL_REPORT, "Report under Vos estis lux mundi (Catholic Church)"),
    (COMPLAINT, "Other complaint"),
)

ABUSE_TYPES = _terms(
    ABUSE_TYPE,
    ("physical", "Physical"),
    ("sexual", "Sexual"),
    ("emotional", "Emotional or psychological"),
    ("neglect", "Neglect"),
    ("spiritual", "Spiritual"),
    ("domestic", "Domestic"),
    ("financial", "Financial or material"),
    ("online", "Online"),
    ("other", "Other"),
)


def taxonomy() -> tuple[TaxonomyEntry, ...]:
    """The concern types and the kinds of abuse."""
    return (*CONCERN_TYPES, *ABUSE_TYPES)

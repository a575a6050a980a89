"""Every complaint to a health provider is restricted: it carries health information.

A complaint about care says, or lets one infer, something about a person's
health. The core keeps a "restricted" case from staff who do not handle it and
audits every read of it with the part read, which is what the minimum-necessary
and need-to-know rules ask for:

- US: HIPAA's minimum necessary standard (45 CFR 164.502(b)) and audit controls
  over systems holding electronic health information (45 CFR 164.312(b));
- England: health data is special category data (UK GDPR Art. 9), and the
  Caldicott principles ask for the minimum necessary confidential information
  (principle 3), accessed on a strict need-to-know basis (principle 4).
"""

from __future__ import annotations

from core.sdk import ConfidentialityLevel, ConfidentialityMinimum

LEVEL: ConfidentialityLevel = "restricted"
REASONS = {
    "england": "health information: special category data (UK GDPR Art. 9); Caldicott"
    " principles 3 and 4: the minimum necessary, on a strict need-to-know basis",
    "us": "protected health information: the minimum necessary (HIPAA, 45 CFR 164.502(b)),"
    " every access logged (45 CFR 164.312(b))",
}
FALLBACK_REASON = "health information: the minimum necessary, on a need-to-know basis"


def minimums(jurisdiction: str) -> tuple[ConfidentialityMinimum, ...]:
    """The level every case of a health provider has at least, with the rule that asks for it."""
    return (ConfidentialityMinimum(LEVEL, REASONS.get(jurisdiction, FALLBACK_REASON)),)

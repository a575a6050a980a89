"""What an insurer files complaints under, as its regulator counts them.

UK: the product groupings and causes of the FCA complaints return (DISP 1.10,
DISP 1 Annex 1R). US: the functions of the NAIC complaint register (as in
Connecticut regs 38a-819-53/56) and, under each, reason codes in the style of
the NAIC complaint-reason list; and the lines of insurance and dispositions the
register records, which staff choose while handling a case (``handling.py``).
"""

from __future__ import annotations

from core.sdk import TaxonomyEntry

#: DISP 1.10 product groupings.
UK_PRODUCTS = (
    TaxonomyEntry("banking_credit_cards", "Banking & credit cards", kind="product"),
    TaxonomyEntry("home_finance", "Home finance", kind="product"),
    TaxonomyEntry("insurance_pure_protection", "Insurance & pure protection", kind="product"),
    TaxonomyEntry("decumulation_pensions", "Decumulation & pensions", kind="product"),
    TaxonomyEntry("investments", "Investments", kind="product"),
)

#: DISP 1.10 causes.
UK_CAUSES = (
    TaxonomyEntry("advising_selling_arranging", "Advising, selling & arranging", kind="cause"),
    TaxonomyEntry("terms_disputed_sums", "Terms and disputed sums/charges", kind="cause"),
    TaxonomyEntry("general_admin", "General admin/customer service", kind="cause"),
    TaxonomyEntry("arrears_related", "Arrears related", kind="cause"),
    TaxonomyEntry("other", "Other", kind="cause"),
)

#: The functions of the NAIC complaint register.
US_FUNCTIONS = (
    TaxonomyEntry("underwriting", "Underwriting", kind="function"),
    TaxonomyEntry("marketing_sales", "Marketing & Sales", kind="function"),
    TaxonomyEntry("claims", "Claims", kind="function"),
    TaxonomyEntry("policyholder_service", "Policyholder Service", kind="function"),
    TaxonomyEntry("miscellaneous", "Miscellaneous", kind="function"),
)


def _reason(code: str, label: str, function: str) -> TaxonomyEntry:
    return TaxonomyEntry(f"{function}.{code}", label, kind="reason", parent=function)


#: Reason codes in the NAIC complaint-reason style, each under its function. The
#: code carries the function so that "delays" under claims and under service differ.
US_REASONS = (
    _reason("delays", "Claim handling delays", "claims"),
    _reason("denial", "Denial of claim", "claims"),
    _reason("unsatisfactory_settlement", "Unsatisfactory settlement or offer", "claims"),
    _reason("cancellation", "Cancellation or non-renewal", "underwriting"),
    _reason("premium_rating", "Premium and rating", "underwriting"),
    _reason("misrepresentation", "Misrepresentation", "marketing_sales"),
    _reason("delays", "Delays or no response", "policyholder_service"),
    _reason("premium_refund", "Premium refund", "policyholder_service"),
    _reason("other", "Other", "miscellaneous"),
)


#: Lines of insurance of the complaint register (Conn. Agencies Regs. 38a-819-56, column C),
#: grouped as the NAIC complaint database groups types of coverage. Choices of the
#: ``line_of_insurance`` handling field, not taxonomy terms: a case is not filed under them.
US_LINES = (
    TaxonomyEntry("auto", "Private passenger automobile", kind="line_of_insurance"),
    TaxonomyEntry("homeowners", "Homeowners and farmowners", kind="line_of_insurance"),
    TaxonomyEntry("life", "Life and annuities", kind="line_of_insurance"),
    TaxonomyEntry("health", "Accident and health", kind="line_of_insurance"),
    TaxonomyEntry("commercial", "Commercial lines", kind="line_of_insurance"),
    TaxonomyEntry("other", "Other", kind="line_of_insurance"),
)

#: How a complaint was disposed of (column D of the register). Connecticut gives examples
#: only and lets a company use its own codes; these follow the dispositions of the NAIC
#: complaint database as state departments publish them (Washington's OIC, for one).
US_DISPOSITIONS = (
    TaxonomyEntry("company_position_upheld", "Company position upheld", kind="disposition"),
    TaxonomyEntry("company_position_overturned", "Company position overturned", kind="disposition"),
    TaxonomyEntry(
        "compromised_settlement", "Compromised settlement or resolution", kind="disposition"
    ),
    TaxonomyEntry("claim_paid", "Claim paid or settled", kind="disposition"),
    TaxonomyEntry("policy_reinstated", "Policy issued, restored or reinstated", kind="disposition"),
    TaxonomyEntry("premium_refunded", "Premium refunded", kind="disposition"),
    TaxonomyEntry("no_action_requested", "No action requested or required", kind="disposition"),
    TaxonomyEntry("withdrawn", "Complaint withdrawn", kind="disposition"),
    TaxonomyEntry("other", "Other", kind="disposition"),
)


def taxonomy(jurisdiction: str) -> tuple[TaxonomyEntry, ...]:
    """The terms complaints are filed under in ``jurisdiction`` ("uk" or "us")."""
    if jurisdiction == "uk":
        return UK_PRODUCTS + UK_CAUSES
    if jurisdiction == "us":
        return US_FUNCTIONS + US_REASONS
    return ()

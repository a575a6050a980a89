"""What an insurer files complaints under, as its regulator counts them.

UK: the product groupings and causes of the FCA complaints return (DISP 1.10,
DISP 1 Annex 1R). US: the functions of the NAIC complaint register (as in
Connecticut regs 38a-819-53/56) and, under each, reason codes in the style of
the NAIC complaint-reason list.
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


def taxonomy(jurisdiction: str) -> tuple[TaxonomyEntry, ...]:
    """The terms complaints are filed under in ``jurisdiction`` ("uk" or "us")."""
    if jurisdiction == "uk":
        return UK_PRODUCTS + UK_CAUSES
    if jurisdiction == "us":
        return US_FUNCTIONS + US_REASONS
    return ()

"""What an insurer's letters must say, and letters that say it.

DISP 1.6.2R (FCA Handbook): a final response tells the complainant that they may
refer the complaint to the Financial Ombudsman Service, gives the service's
website, and explains that the referral must be made within six months of the
final response (the explanation of DISP 1 Annex 3). A summary resolution
communication (DISP 1.5.4R) tells them the same right and website. These apply
to tenants in the UK jurisdiction; US tenants follow their state's rules.

The letters below are written for Querela's letter variables (``reference``,
``complainant``, ``organisation``, ``received_date``, ``subject``, ``outcome``,
``redress``, ``actions``, ``response``); a tenant copies and edits them.
"""

from __future__ import annotations

from core.sdk import LetterTemplate, RequiredContent

FOS_WEBSITE = "www.financial-ombudsman.org.uk"
#: DISP 1.6.2R: what every final response to a UK complainant must carry.
FINAL_RESPONSE_CONTENT = (
    RequiredContent(
        code="fos_referral_right",
        description="that the complainant may refer the complaint to the Financial Ombudsman"
        " Service (DISP 1.6.2R)",
        phrases=("Financial Ombudsman Service",),
    ),
    RequiredContent(
        code="fos_website",
        description=f"the Financial Ombudsman Service's website, {FOS_WEBSITE} (DISP 1.6.2R)",
        phrases=("financial-ombudsman.org.uk",),
    ),
    RequiredContent(
        code="fos_time_limit",
        description="that the referral must be made within six months of the final response"
        " (DISP 1 Annex 3)",
        phrases=("within six months", "within 6 months"),
    ),
)


def required_content(jurisdiction: str, response_kind: str) -> tuple[RequiredContent, ...]:
    """What a response of ``response_kind`` must say under ``jurisdiction``'s rules."""
    if jurisdiction == "uk" and response_kind == "final":
        return FINAL_RESPONSE_CONTENT
    return ()


_REFERRAL = (
    "If you are not satisfied with our answer, you may refer your complaint to the"
    " Financial Ombudsman Service, a free and independent service, at "
    + FOS_WEBSITE
    + " or on 0800 023 4567. You must do so within six months of the date of this"
    " letter; after that, the Ombudsman may only consider it in exceptional circumstances"
    " or with our consent. Referring to the Ombudsman does not affect your right to go"
    " to court.\n"
)

TEMPLATES = (
    LetterTemplate(
        code="insurance-acknowledgement-uk",
        kind="acknowledgement",
        language="en",
        subject="Your complaint {{ reference }}: received",
        body="Dear {{ complainant }},\n\n"
        'thank you for your complaint of {{ received_date }} about "{{ subject }}". We have'
        " registered it under the reference {{ reference }}.\n\n"
        "We aim to resolve it quickly. If we cannot, we will send you our final response,"
        " or a letter explaining why we need more time, by the end of eight weeks from the"
        " day we received your complaint.\n\n"
        "{{ organisation }}\n",
    ),
    LetterTemplate(
        code="insurance-final-response-uk",
        kind="final_response",
        language="en",
        subject="Our final response to your complaint {{ reference }}",
        body="Dear {{ complainant }},\n\n"
        "this is our final response to your complaint {{ reference }}.\n\n"
        "{{ response }}\n\n"
        "Our decision: your complaint is {{ outcome }}.\n"
        "{% if redress %}What we will do to put things right: {{ redress }}\n{% endif %}\n"
        + _REFERRAL
        + "\n{{ organisation }}\n",
    ),
)

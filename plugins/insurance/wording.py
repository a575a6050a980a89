"""What an insurer's letters must say, and letters that say it.

DISP 1.6.2R (FCA Handbook): a final response, and a holding response sent when
the firm cannot answer within eight weeks, tell the complainant that they may
refer the complaint to the Financial Ombudsman Service, give the service's
website, and explain the six-month time limit for referring (the wording of
DISP 1 Annex 3). A summary resolution communication (DISP 1.5.4R) carries the
same right, website and time-limit wording. These apply to tenants in the UK
jurisdiction; US tenants follow their state's rules.

The letters below are written for Querela's letter variables (``reference``,
``complainant``, ``organisation``, ``received_date``, ``subject``, ``outcome``,
``redress``, ``actions``, ``response``); a tenant copies and edits them. The
holding response and the summary resolution communication are offered under the
kinds ``holding_response`` and ``summary_resolution``.
"""

from __future__ import annotations

from core.sdk import LetterTemplate, RequiredContent

FOS_WEBSITE = "www.financial-ombudsman.org.uk"


def _ombudsman_content(rule: str, answer: str) -> tuple[RequiredContent, ...]:
    """The referral right, website and time limit, citing ``rule`` that asks for them."""
    return (
        RequiredContent(
            code="fos_referral_right",
            description="that the complainant may refer the complaint to the Financial"
            f" Ombudsman Service ({rule})",
            phrases=("Financial Ombudsman Service",),
        ),
        RequiredContent(
            code="fos_website",
            description=f"the Financial Ombudsman Service's website, {FOS_WEBSITE} ({rule})",
            phrases=("financial-ombudsman.org.uk",),
        ),
        RequiredContent(
            code="fos_time_limit",
            description=f"that the referral must be made within six months of {answer}"
            " (DISP 1 Annex 3)",
            phrases=("within six months", "within 6 months"),
        ),
    )


#: DISP 1.6.2R(1): what every final response to a UK complainant must carry.
FINAL_RESPONSE_CONTENT = _ombudsman_content("DISP 1.6.2R", "the final response")
#: DISP 1.6.2R(2): a holding response gives the same, so the complainant may refer at once.
HOLDING_RESPONSE_CONTENT = _ombudsman_content("DISP 1.6.2R", "the final response")
#: DISP 1.5.4R: a summary resolution communication gives the same.
SUMMARY_RESOLUTION_CONTENT = _ombudsman_content(
    "DISP 1.5.4R", "the summary resolution communication"
)
_CONTENT_BY_KIND = {
    "final": FINAL_RESPONSE_CONTENT,
    "holding": HOLDING_RESPONSE_CONTENT,
    "summary_resolution": SUMMARY_RESOLUTION_CONTENT,
}


def required_content(jurisdiction: str, response_kind: str) -> tuple[RequiredContent, ...]:
    """What a response of ``response_kind`` must say under ``jurisdiction``'s rules."""
    if jurisdiction != "uk":
        return ()
    return _CONTENT_BY_KIND.get(response_kind, ())


_REFERRAL = (
    "If you are not satisfied with our answer, you may refer your complaint to the"
    " Financial Ombudsman Service, a free and independent service, at "
    + FOS_WEBSITE
    + " or on 0800 023 4567. You must do so within six months of the date of this"
    " letter; after that, the Ombudsman may only consider it in exceptional circumstances"
    " or with our consent. Referring to the Ombudsman does not affect your right to go"
    " to court.\n"
)

_REFERRAL_NOW = (
    "You do not have to wait for our final response. You may refer your complaint now to"
    " the Financial Ombudsman Service, a free and independent service, at "
    + FOS_WEBSITE
    + " or on 0800 023 4567. If you wait for our final response instead, you may refer it"
    " to the Ombudsman within six months of the date of that response; after that, the"
    " Ombudsman may only consider it in exceptional circumstances or with our consent.\n"
)

_REFERRAL_LATER = (
    "If you later feel that your complaint has not been put right, you may be able to refer"
    " it to the Financial Ombudsman Service, a free and independent service. You must do so"
    " within six months of the date of this letter; after that, the Ombudsman may only"
    " consider it in exceptional circumstances or with our consent. You will find more"
    " about the Ombudsman and how to refer a complaint at " + FOS_WEBSITE + ".\n"
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
    # DISP 1.6.2R(2): why there is no final response yet, when to expect one, and the
    # right to go to the Ombudsman now. Staff write the first two in the response text.
    LetterTemplate(
        code="insurance-holding-response-uk",
        kind="holding_response",
        language="en",
        subject="Your complaint {{ reference }}: we need more time",
        body="Dear {{ complainant }},\n\n"
        "we are still looking into your complaint {{ reference }}, which we received on"
        " {{ received_date }}, and we are not yet able to send you our final response.\n\n"
        "Why we need more time, and when we expect to send our final response:\n"
        "{{ response }}\n\n" + _REFERRAL_NOW + "\n{{ organisation }}\n",
    ),
    # DISP 1.5.4R: the complaint was resolved to the complainant's satisfaction by the end
    # of the third business day after it was received.
    LetterTemplate(
        code="insurance-summary-resolution-uk",
        kind="summary_resolution",
        language="en",
        subject="Your complaint {{ reference }} is resolved",
        body="Dear {{ complainant }},\n\n"
        'thank you for your complaint of {{ received_date }} about "{{ subject }}". You'
        " have told us that you accept how we resolved it, so we now consider your"
        " complaint {{ reference }} resolved.\n\n"
        "{{ response }}\n\n" + _REFERRAL_LATER + "\n{{ organisation }}\n",
    ),
)

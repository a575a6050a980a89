"""What a health provider's letters must say, and letters that say it.

England (SI 2009/309): the response to a complaint (reg. 14) gives the
complainant's right to take it to the Parliamentary and Health Service
Ombudsman; the plugin asks for the Ombudsman's name and website in every final
response to a complaint under the regulations. The NHS has no internal appeal,
so nothing is asked of an appeal answer. A complaint outside the regulations
(reg. 8(1)(c)) needs neither.

US: the answer to a grievance about quality of care tells the enrollee that
they may complain in writing to the Quality Improvement Organization (42 CFR
422.564(e), 423.564(e) for Part D).

The letters are written for Querela's letter variables (``reference``,
``complainant``, ``organisation``, ``received_date``, ``subject``, ``outcome``,
``redress``, ``actions``, ``response``); a tenant copies and edits them, and
puts the responsible person's name under the English final response.
"""

from __future__ import annotations

from core.sdk import CaseView, LetterTemplate, RequiredContent
from plugins.healthcare.handling import GRIEVANCE_TYPE
from plugins.healthcare.intake import is_accounting_request, outside_regulations
from plugins.healthcare.us import citation

PHSO = "Parliamentary and Health Service Ombudsman"
PHSO_WEBSITE = "www.ombudsman.org.uk"
PHSO_PHONE = "0345 015 4033"
QIO = "Quality Improvement Organization"
QUALITY_OF_CARE = "quality_of_care"

#: SI 2009/309 reg. 14: what every English final response must carry.
ENGLAND_FINAL_CONTENT = (
    RequiredContent(
        code="phso_referral_right",
        description=f"the complainant's right to take the complaint to the {PHSO}"
        " (SI 2009/309 reg. 14)",
        phrases=(PHSO,),
    ),
    RequiredContent(
        code="phso_website",
        description=f"the Ombudsman's website, {PHSO_WEBSITE}",
        phrases=("ombudsman.org.uk",),
    ),
)


def qio_content(plan_type: str) -> tuple[RequiredContent, ...]:
    """The right to complain to the QIO, citing the plan's part of 42 CFR."""
    return (
        RequiredContent(
            code="qio_complaint_right",
            description=f"the enrollee's right to file a written complaint with the {QIO}"
            f" about the quality of care ({citation(plan_type, 'e')})",
            phrases=(QIO,),
        ),
    )


def required_content(
    jurisdiction: str, plan_type: str, response_kind: str, case: CaseView
) -> tuple[RequiredContent, ...]:
    """What a response of ``response_kind`` on ``case`` must say under ``jurisdiction``'s rules."""
    if response_kind != "final":
        return ()
    if jurisdiction == "england":
        return () if outside_regulations(case) else ENGLAND_FINAL_CONTENT
    if jurisdiction == "us":
        quality = case.fields.get(GRIEVANCE_TYPE) == QUALITY_OF_CARE
        return qio_content(plan_type) if quality and not is_accounting_request(case) else ()
    return ()


_PHSO_RIGHT = (
    f"If you are not satisfied with our response, you may ask the {PHSO} to look into your"
    " complaint. The Ombudsman is independent of the NHS and of government, and its service"
    f" is free. You can contact the Ombudsman at {PHSO_WEBSITE} or on {PHSO_PHONE}. You"
    " should normally do so within 12 months of becoming aware of the problem.\n"
)

_QIO_RIGHT = (
    "If your grievance is about the quality of the care you received, you also have the right"
    f" to file a written complaint with the {QIO} (QIO) for your state, whether or not you"
    " have filed a grievance with us. To find your QIO, call 1-800-MEDICARE (1-800-633-4227),"
    " 24 hours a day, 7 days a week; TTY users call 1-877-486-2048.\n"
)

ENGLAND_TEMPLATES = (
    # reg. 13: acknowledge within 3 working days and offer to discuss how the complaint
    # will be handled and the period within which the response is likely to be sent.
    LetterTemplate(
        code="healthcare-acknowledgement-england",
        kind="acknowledgement",
        language="en",
        subject="Your complaint {{ reference }}: received",
        body="Dear {{ complainant }},\n\n"
        'thank you for your complaint of {{ received_date }} about "{{ subject }}". We have'
        " registered it under the reference {{ reference }}; please quote it whenever you"
        " write to us.\n\n"
        "We would like to discuss with you, at a time that suits you, how we will handle your"
        " complaint and the period within which we expect to finish looking into it and to"
        " send you our response. Please contact us to arrange this.\n\n"
        "We expect to send you our written response within six months of the day we received"
        " your complaint, and sooner where we can. If you would rather not discuss it, we will"
        " write to tell you when you can expect our response.\n\n"
        "{{ organisation }}\n",
    ),
    # reg. 14: how the complaint was considered, the conclusions, the action taken or
    # proposed, the right to go to the Ombudsman; signed by the responsible person.
    LetterTemplate(
        code="healthcare-final-response-england",
        kind="final_response",
        language="en",
        subject="Our response to your complaint {{ reference }}",
        body="Dear {{ complainant }},\n\n"
        "this is our response to your complaint {{ reference }}, which we received on"
        " {{ received_date }}.\n\n"
        "How we looked into your complaint, and what we concluded:\n"
        "{{ response }}\n\n"
        "Our conclusion: your complaint is {{ outcome }}.\n"
        "{% if actions %}What we have done, or will do, as a result: {{ actions }}\n{% endif %}"
        "{% if redress %}To put things right: {{ redress }}\n{% endif %}\n"
        + _PHSO_RIGHT
        + "\nYours sincerely,\n\n"
        "The responsible person for complaints\n"
        "{{ organisation }}\n",
    ),
    # reg. 14: when the response cannot be sent within the 6 months (or the longer period
    # agreed), the complainant is told so in writing, with the reason.
    LetterTemplate(
        code="healthcare-holding-response-england",
        kind="holding_response",
        language="en",
        subject="Your complaint {{ reference }}: our response will take longer",
        body="Dear {{ complainant }},\n\n"
        "we are sorry that we are not able to send you our response to your complaint"
        " {{ reference }}, which we received on {{ received_date }}, within six months of that"
        " day (or within the longer period we agreed with you).\n\n"
        "Why our response is delayed:\n"
        "{{ response }}\n\n"
        "We will send you our written response as soon as we reasonably can, and keep you"
        " informed of our progress until then. If you are unhappy with the delay, you can"
        f" contact the {PHSO} at {PHSO_WEBSITE} or on {PHSO_PHONE}.\n\n"
        "{{ organisation }}\n",
    ),
)

US_TEMPLATES = (
    LetterTemplate(
        code="healthcare-final-response-us",
        kind="final_response",
        language="en",
        subject="Our decision on your grievance {{ reference }}",
        body="Dear {{ complainant }},\n\n"
        "we have reviewed your grievance {{ reference }}, which we received on"
        " {{ received_date }}.\n\n"
        "{{ response }}\n\n"
        "Our decision: your grievance is {{ outcome }}.\n"
        "{% if actions %}What we are doing about it: {{ actions }}\n{% endif %}"
        "{% if redress %}{{ redress }}\n{% endif %}\n" + _QIO_RIGHT + "\nSincerely,\n\n"
        "{{ organisation }}\n",
    ),
    # 42 CFR 422.564(e) / 423.564(e): an extension of up to 14 days, with the reasons in
    # writing at once; 45 CFR 164.528(c)(1)(ii): one of up to 30 days for an accounting,
    # with a written statement of the reasons and the date it will be provided.
    LetterTemplate(
        code="healthcare-holding-response-us",
        kind="holding_response",
        language="en",
        subject="Your request {{ reference }}: we are taking more time",
        body="Dear {{ complainant }},\n\n"
        "we are taking more time to answer your request {{ reference }}, which we received on"
        " {{ received_date }}.\n\n"
        "Why we need more time, and the date by which we will send you our answer:\n"
        "{{ response }}\n\n"
        "For a grievance we may take up to 14 more days. For a request for an accounting of"
        " disclosures of your health information we may take up to 30 more days, once.\n\n"
        "Sincerely,\n\n"
        "{{ organisation }}\n",
    ),
)


def templates(jurisdiction: str) -> tuple[LetterTemplate, ...]:
    """The letters offered in ``jurisdiction`` ("england" or "us")."""
    if jurisdiction == "england":
        return ENGLAND_TEMPLATES
    if jurisdiction == "us":
        return US_TEMPLATES
    return ()

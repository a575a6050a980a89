"""The letters a correctional agency sends: the receipt for every filing, and the answers.

The acknowledgement is the receipt: whatever the channel (a paper form from the
complaints box, a kiosk, a letter from family), the person gets the reference
and the day it was logged, from which the answer's time is counted. Tenants copy
these under Letter templates and adapt them; the core keeps its own otherwise.

US (28 CFR 542.18; 115.52(d)(4)): the receipt and each answer say that no answer
in time may be taken as a denial at that level; the Warden's answer names the
BP-10 and its 20 days (542.15(a)), an appeal answer the next level. England and
Wales: the COMP1 receipt gives the reply target; the final reply (COMP1A or
COMP2) names the Prisons and Probation Ombudsman, ppo.gov.uk and the 3 months.
"""

from __future__ import annotations

from core.sdk import LetterTemplate
from plugins.prisons.englandwales import PPO, PPO_WEBSITE

_SILENCE = (
    "If you do not receive a response within the time allotted for reply, including any"
    " extension we tell you of in writing, you may consider the absence of a response to be a"
    " denial at that level (28 CFR 542.18).\n"
)

US_TEMPLATES = (
    LetterTemplate(
        code="prisons-receipt-us",
        kind="acknowledgement",
        language="en",
        subject="Receipt: your grievance {{ reference }}",
        body="{{ complainant }}\n\n"
        'Your grievance "{{ subject }}" was logged on {{ received_date }} under the number'
        " {{ reference }}. Keep this receipt: the time for our response is counted from the"
        " day your grievance was logged.\n\n"
        + _SILENCE
        + "\nNo one may punish you for filing a grievance in good faith.\n\n"
        "{{ organisation }}\n",
    ),
    LetterTemplate(
        code="prisons-response-us",
        kind="final_response",
        language="en",
        subject="Response to your grievance {{ reference }}",
        body="{{ complainant }}\n\n"
        "Response to your grievance {{ reference }} of {{ received_date }}.\n\n"
        "{{ response }}\n\n"
        "Decision: your grievance is {{ outcome }}.\n"
        "{% if redress %}Action taken: {{ redress }}\n{% endif %}\n"
        "If you are not satisfied with this response, you may appeal to the Regional Director"
        " (BP-10) within 20 calendar days of the date of this response (28 CFR 542.15(a)).\n\n"
        "{{ organisation }}\n",
    ),
    LetterTemplate(
        code="prisons-appeal-response-us",
        kind="appeal_response",
        language="en",
        subject="Response to your appeal {{ reference }} (level {{ appeal_level }})",
        body="{{ complainant }}\n\n"
        "Response to your appeal, level {{ appeal_level }}, on grievance {{ reference }}.\n\n"
        "{{ response }}\n\n"
        "Decision: your appeal is {{ outcome }}.\n"
        "{% if redress %}Action taken: {{ redress }}\n{% endif %}\n"
        "{% if appeal_level|int == 1 %}If you are not satisfied, you may appeal to the General"
        " Counsel (BP-11) within 30 calendar days of the date of this response (28 CFR"
        " 542.15(a)).{% else %}This is the final decision of the agency.{% endif %}\n\n"
        "{{ organisation }}\n",
    ),
)

ENGLAND_WALES_TEMPLATES = (
    LetterTemplate(
        code="prisons-receipt-ew",
        kind="acknowledgement",
        language="en",
        subject="Your complaint {{ reference }} has been received",
        body="{{ complainant }}\n\n"
        'Your complaint "{{ subject }}" was received on {{ received_date }} and logged as'
        " {{ reference }}. You should normally have a reply within 5 working days; if it will"
        " take longer, we will tell you why and when to expect it.\n\n"
        "You will not be treated unfairly for making a complaint.\n\n"
        "{{ organisation }}\n",
    ),
    LetterTemplate(
        code="prisons-reply-ew",
        kind="final_response",
        language="en",
        subject="Reply to your complaint {{ reference }}",
        body="{{ complainant }}\n\n"
        "Reply to your complaint {{ reference }} of {{ received_date }}.\n\n"
        "{{ response }}\n\n"
        "Your complaint is {{ outcome }}.\n\n"
        "If you are not satisfied with this reply, you may appeal on a COMP1A form within 7"
        " days. If this was a confidential access complaint (COMP2), this is the final reply:"
        f" you may complain to the {PPO} within 3 months (www.{PPO_WEBSITE}).\n\n"
        "{{ organisation }}\n",
    ),
    LetterTemplate(
        code="prisons-appeal-reply-ew",
        kind="appeal_response",
        language="en",
        subject="Reply to your appeal {{ reference }}",
        body="{{ complainant }}\n\n"
        "Reply to your COMP1A appeal on complaint {{ reference }}.\n\n"
        "{{ response }}\n\n"
        "Your appeal is {{ outcome }}.\n\n"
        f"This is the final reply. If you are not satisfied, you may complain to the {PPO}"
        f" within 3 months of this reply: www.{PPO_WEBSITE}.\n\n"
        "{{ organisation }}\n",
    ),
)


def templates(jurisdiction: str) -> tuple[LetterTemplate, ...]:
    """The letters offered in ``jurisdiction`` ("us" or "england-wales")."""
    if jurisdiction == "us":
        return US_TEMPLATES
    if jurisdiction == "england-wales":
        return ENGLAND_WALES_TEMPLATES
    return ()

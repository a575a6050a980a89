"""The letters a church sends: acknowledgements and the final response, in English.

Tenants copy these under Letter templates and adapt them; a tenant has one
acknowledgement in use, so the plugin offers one for safeguarding concerns and
Vos estis reports and, in England, one for complaints about a member of the
clergy (the Clergy Discipline Measure 2003 time limit; reword it when the Clergy
Conduct Measure comes into force).

The safeguarding acknowledgement says how to reach the police (999 or 911) and,
positively, that the person is free to talk about what they reported: no duty of
silence is imposed on them (Vos estis lux mundi art. 4 §3 makes that Church law
for reports under it; it is right for every safeguarding concern). It says too
that what they told is shared only with those who need to know. The final
response repeats that they remain free to speak.
"""

from __future__ import annotations

from core.sdk import LetterTemplate
from plugins.religious.vel import NO_SILENCE_CITATION

_SHARING = (
    "We take every concern seriously. What you have told us is shared only with those who need"
    " to know it to keep people safe: our safeguarding lead, {advisers}, and the {authorities}"
    " where safety or the law requires it.\n\n"
)
_FREE_TO_SPEAK = (
    "You are free to talk about what you have reported, with anyone you choose, including the"
    " {authorities}. We do not ask you to keep it secret, and nobody may require you to stay"
    " silent about it. For reports under Vos estis lux mundi this is the law of the Catholic"
    f" Church: no obligation to keep silent may be imposed on you ({NO_SILENCE_CITATION}).\n\n"
)


def _safeguarding_acknowledgement(jurisdiction: str) -> LetterTemplate:
    if jurisdiction == "england":
        danger = (
            "If you or anyone else is in immediate danger, call the police on 999 now: do not wait"
            " for us. To report a crime that is not an emergency, call the police on 101; you can"
            " also contact children's or adult social care at your local council.\n\n"
        )
        advisers = "the Diocesan Safeguarding Adviser"
        authorities = "police or social care"
    else:
        danger = (
            "If you or anyone else is in immediate danger, call 911 now: do not wait for us. You"
            " can also report abuse to your local police or to child or adult protective"
            " services.\n\n"
        )
        advisers = "those our procedure names"
        authorities = "police or protective services"
    return LetterTemplate(
        code=f"religious-safeguarding-acknowledgement-{jurisdiction}",
        kind="acknowledgement",
        language="en",
        subject="We have received your concern {{ reference }}",
        body="{{ complainant }}\n\n"
        'Thank you for telling us about your concern "{{ subject }}". We received it on'
        " {{ received_date }} and it is recorded under the reference {{ reference }}.\n\n"
        + danger
        + _SHARING.format(advisers=advisers, authorities=authorities)
        + _FREE_TO_SPEAK.format(authorities=authorities)
        + "No one may treat you unfairly for raising a concern. We will tell you what happens"
        " next.\n\n"
        "{{ organisation }}\n",
    )


CLERGY_CONDUCT_ACKNOWLEDGEMENT = LetterTemplate(
    code="religious-clergy-conduct-acknowledgement-england",
    kind="acknowledgement",
    language="en",
    subject="Your complaint {{ reference }} has been received",
    body="{{ complainant }}\n\n"
    'Your complaint about the conduct of a member of the clergy, "{{ subject }}", was received'
    " on {{ received_date }} and recorded under the reference {{ reference }}.\n\n"
    "Under the Clergy Discipline Measure 2003 a complaint is normally made within one year of"
    " the misconduct, or of the last act if there was more than one. If it is later, the"
    " president of tribunals decides whether it may go ahead, and will ask why it could not be"
    " made sooner. There is no time limit for a complaint of sexual misconduct towards a child"
    " or a vulnerable adult.\n\n"
    "The person you complain about will not handle your complaint. We will tell you what happens"
    " next and when.\n\n"
    "If anyone is in immediate danger, call the police on 999 now.\n\n"
    "{{ organisation }}\n",
)


def _final_response(jurisdiction: str) -> LetterTemplate:
    number = "999" if jurisdiction == "england" else "911"
    return LetterTemplate(
        code=f"religious-final-response-{jurisdiction}",
        kind="final_response",
        language="en",
        subject="Our response to your concern {{ reference }}",
        body="{{ complainant }}\n\n"
        "Our response to your concern or complaint {{ reference }} of {{ received_date }}.\n\n"
        "{{ response }}\n\n"
        "Outcome: {{ outcome }}.\n"
        "{% if redress %}What we will put right: {{ redress }}\n{% endif %}"
        "{% if actions %}What we are changing: {{ actions }}\n{% endif %}\n"
        "You remain free to talk about your concern with anyone you choose. If anyone is in"
        f" immediate danger, call {number} now.\n\n"
        "If you are not satisfied with this response, reply quoting {{ reference }} and someone"
        " senior who has not been involved will review it.\n\n"
        "{{ organisation }}\n",
    )


ENGLAND_TEMPLATES = (
    _safeguarding_acknowledgement("england"),
    CLERGY_CONDUCT_ACKNOWLEDGEMENT,
    _final_response("england"),
)
US_TEMPLATES = (_safeguarding_acknowledgement("us"), _final_response("us"))


def templates(jurisdiction: str) -> tuple[LetterTemplate, ...]:
    """The letters offered in ``jurisdiction`` ("england" or "us"); none for another."""
    if jurisdiction == "england":
        return ENGLAND_TEMPLATES
    if jurisdiction == "us":
        return US_TEMPLATES
    return ()

"""Complaints about payment services and e-money: 15 business days, 35 in exceptional cases.

FCA DISP 1.6.2AR (carrying out regulation 101 of the Payment Services Regulations
2017 and the Electronic Money Regulations 2011): a complaint about rights and
obligations under those rules gets its final response by the end of the 15th
business day after the day of receipt. In exceptional situations, beyond the
firm's control, a holding reply by then says why and when the final response
will come, which must be no later than the end of the 35th business day.

Which complaints these are is a fact staff record when they register it (the
form field below); the deadlines are set from it when the case is registered.
"""

from __future__ import annotations

from datetime import datetime

from core.sdk import CaseView, DeadlineRule, IntakeField
from plugins.insurance.deadlines import ENGLAND_AND_WALES, LONDON

FIELD = "payment_service"
#: Business days after the day of receipt: the final response, and the longest it may
#: take after a holding reply in exceptional situations.
FINAL_BUSINESS_DAYS = 15
EXCEPTIONAL_BUSINESS_DAYS = 35
CITATION = "FCA DISP 1.6.2AR (Payment Services Regulations 2017, reg. 101)"

PAYMENT_FIELD = IntakeField(
    name=FIELD,
    type="boolean",
    label="About a payment service or e-money (15 business days)",
    help="Tick when the complaint concerns rights or obligations under the Payment Services"
    " Regulations 2017 or the Electronic Money Regulations 2011: the final response is due"
    " within 15 business days, or 35 after a holding reply in exceptional situations.",
    # Staff judge this when they register the complaint; the public form does not ask.
    channels=("phone", "letter", "in_person", "email", "api"),
    labels={
        "de": "Betrifft einen Zahlungsdienst oder E-Geld (15 Geschäftstage)",
        "ru": "Касается платёжной услуги или электронных денег (15 рабочих дней)",
        "et": "Puudutab makseteenust või e-raha (15 tööpäeva)",
    },
    helps={
        "de": "Ankreuzen, wenn die Beschwerde Rechte oder Pflichten nach den Payment Services"
        " Regulations 2017 oder den Electronic Money Regulations 2011 betrifft: Die"
        " abschließende Antwort ist binnen 15 Geschäftstagen fällig, nach einer"
        " Zwischennachricht in Ausnahmefällen binnen 35.",
        "ru": "Отметьте, если жалоба касается прав или обязанностей по Payment Services"
        " Regulations 2017 или Electronic Money Regulations 2011: окончательный ответ нужно"
        " дать в течение 15 рабочих дней, а в исключительных случаях после промежуточного"
        " ответа — в течение 35.",
        "et": "Märkige, kui kaebus puudutab õigusi või kohustusi Payment Services Regulations"
        " 2017 või Electronic Money Regulations 2011 alusel: lõplik vastus tuleb anda 15"
        " tööpäeva jooksul, erandjuhul pärast vahevastust 35 tööpäeva jooksul.",
    },
)


def is_payment_service(case: CaseView) -> bool:
    """Whether staff recorded the complaint as one about a payment service or e-money."""
    return case.fields.get(FIELD) is True


def business_days_due(received_at: datetime, days: int) -> datetime:
    """The end of the ``days``-th England and Wales business day after the day of receipt."""
    if received_at.tzinfo is None:
        raise ValueError("received_at needs a time zone")
    received = received_at.astimezone(LONDON).date()
    return ENGLAND_AND_WALES.end_of_day(ENGLAND_AND_WALES.add_business_days(received, days))


def deadlines(case: CaseView) -> tuple[DeadlineRule, ...]:
    """The 15-business-day final response and the 35-day outer limit after a holding reply."""
    return (
        DeadlineRule(
            kind="final_response",
            label="Send the final response (or, in exceptional situations, a holding reply)",
            due_at=business_days_due(case.received_at, FINAL_BUSINESS_DAYS),
            citation=CITATION,
            counting="end of the 15th business day after the day of receipt, England and Wales",
            pausable=False,
            met_by=("final_response", "holding_response"),
        ),
        DeadlineRule(
            kind="payment_service_final",
            label="Send the final response at the latest (after a holding reply)",
            due_at=business_days_due(case.received_at, EXCEPTIONAL_BUSINESS_DAYS),
            citation="FCA DISP 1.6.2AR(2)",
            counting="end of the 35th business day after the day of receipt, England and Wales",
            pausable=False,
            met_by=("final_response", "summary_resolution"),
        ),
    )

"""What the complaint form asks, and how the plugin reads the answers off a case.

These fields are asked when a complaint comes in, because the deadlines and
flags are set then, from them; a field set later does not move a deadline.

England: when the matter happened and when the complainant learnt of it (the
12-month limit of reg. 12, on every channel), and, for a complaint made orally,
whether it was resolved to the complainant's satisfaction by the next working
day (reg. 8(1)(c): then it is outside the regulations).
US: what is asked for (a grievance, or an accounting of disclosures under
HIPAA), the date of the event (the 60-day filing window), whether the grievance
is expedited and, for Part D, whether the drug has been obtained.
Both: the patient's NHS number or member ID, and clinical details, asked only on
the channels where staff register a complaint, and marked sensitive.
"""

from __future__ import annotations

from core.sdk import CaseView, IntakeField
from plugins.healthcare.fields import ORAL_CHANNELS, STAFF_CHANNELS, field, translated

EVENT_DATE = "event_date"
AWARE_DATE = "aware_date"
RESOLVED_NEXT_WORKING_DAY = "resolved_next_working_day"
PATIENT_IDENTIFIER = "patient_identifier"
CLINICAL_DETAILS = "clinical_details"
REQUEST_TYPE = "request_type"
EXPEDITED = "expedited"
DRUG_OBTAINED = "drug_obtained"

GRIEVANCE = "grievance"
ACCOUNTING_OF_DISCLOSURES = "accounting_of_disclosures"

_HEALTH_DATA = {
    "en": "Health information: kept out of logs and audit details.",
    "de": "Gesundheitsdaten: werden nicht in Protokollen und Audit-Details gespeichert.",
    "ru": "Медицинские данные: не попадают в журналы и сведения аудита.",
    "et": "Terviseandmed: neid ei salvestata logidesse ega auditi üksikasjadesse.",
}

ENGLAND_EVENT_FIELD = field(
    EVENT_DATE,
    "date",
    "Date of what you are complaining about",
    {
        "de": "Datum des Vorfalls, über den Sie sich beschweren",
        "ru": "Дата события, на которое вы жалуетесь",
        "et": "Kaebuse aluseks oleva sündmuse kuupäev",
    },
    "The day it happened, or the last day if it went on for some time. Complaints are normally"
    " made within 12 months of this date, or of the day you found out about it if that was"
    " later.",
    {
        "de": "Der Tag, an dem es geschah, oder der letzte Tag, wenn es länger andauerte."
        " Beschwerden werden in der Regel innerhalb von 12 Monaten nach diesem Datum erhoben"
        " oder nach dem Tag, an dem Sie davon erfahren haben, wenn das später war.",
        "ru": "День, когда это произошло, или последний день, если это продолжалось какое-то"
        " время. Жалобу обычно подают в течение 12 месяцев с этой даты или со дня, когда вы"
        " об этом узнали, если это было позже.",
        "et": "Päev, mil see juhtus, või viimane päev, kui see kestis mõnda aega. Kaebus"
        " esitatakse tavaliselt 12 kuu jooksul sellest kuupäevast või päevast, mil te sellest"
        " teada saite, kui see oli hiljem.",
    },
)

AWARE_FIELD = field(
    AWARE_DATE,
    "date",
    "Date you found out about it",
    {
        "de": "Datum, an dem Sie davon erfahren haben",
        "ru": "Дата, когда вы об этом узнали",
        "et": "Kuupäev, mil te sellest teada saite",
    },
    "Only if you found out later than the day it happened, for example when you read your records.",
    {
        "de": "Nur wenn Sie erst nach dem Tag des Vorfalls davon erfahren haben, zum Beispiel"
        " beim Lesen Ihrer Unterlagen.",
        "ru": "Только если вы узнали об этом позже, чем это произошло, например прочитав свою"
        " медицинскую документацию.",
        "et": "Ainult siis, kui saite sellest teada hiljem kui sündmuse päeval, näiteks oma"
        " dokumente lugedes.",
    },
)

RESOLVED_FIELD = field(
    RESOLVED_NEXT_WORKING_DAY,
    "boolean",
    "Resolved to the complainant's satisfaction by the next working day",
    {
        "de": "Bis zum nächsten Arbeitstag zur Zufriedenheit der beschwerdeführenden Person gelöst",
        "ru": "Решена к удовлетворению заявителя не позднее следующего рабочего дня",
        "et": "Lahendatud kaebaja rahuloluks hiljemalt järgmisel tööpäeval",
    },
    "Tick for an oral complaint resolved to the complainant's satisfaction no later than the"
    " next working day after it was made. It is then outside the NHS complaints regulations"
    " (reg. 8(1)(c)): its deadlines are shown but not chased, and the KO41a return leaves it"
    " out. Deadlines are set when the complaint is registered.",
    {
        "de": "Ankreuzen bei einer mündlichen Beschwerde, die spätestens am nächsten Arbeitstag"
        " nach ihrer Erhebung zur Zufriedenheit der beschwerdeführenden Person gelöst wurde."
        " Sie fällt dann nicht unter die NHS-Beschwerdeverordnung (reg. 8(1)(c)): Ihre Fristen"
        " werden angezeigt, aber nicht überwacht, und die KO41a-Meldung lässt sie aus. Die"
        " Fristen werden bei der Registrierung gesetzt.",
        "ru": "Отметьте для устной жалобы, решённой к удовлетворению заявителя не позднее"
        " следующего рабочего дня после её подачи. Тогда на неё не распространяются правила"
        " NHS о жалобах (reg. 8(1)(c)): её сроки показываются, но не отслеживаются, а отчёт"
        " KO41a её не учитывает. Сроки устанавливаются при регистрации жалобы.",
        "et": "Märkige suulise kaebuse puhul, mis lahendati kaebaja rahuloluks hiljemalt"
        " järgmisel tööpäeval pärast selle esitamist. Siis ei kohaldu sellele NHS-i kaebuste"
        " määrus (reg. 8(1)(c)): selle tähtajad kuvatakse, kuid neid ei jälgita, ning KO41a"
        " aruanne jätab selle välja. Tähtajad määratakse kaebuse registreerimisel.",
    },
    channels=ORAL_CHANNELS,
)

NHS_NUMBER_FIELD = field(
    PATIENT_IDENTIFIER,
    "string",
    "NHS number",
    {"de": "NHS-Nummer", "ru": "Номер NHS", "et": "NHS-i number"},
    "The patient's 10-digit NHS number, if known. " + _HEALTH_DATA["en"],
    {
        "de": "Die 10-stellige NHS-Nummer der Patientin oder des Patienten, falls bekannt. "
        + _HEALTH_DATA["de"],
        "ru": "10-значный номер NHS пациента, если он известен. " + _HEALTH_DATA["ru"],
        "et": "Patsiendi 10-kohaline NHS-i number, kui see on teada. " + _HEALTH_DATA["et"],
    },
    channels=STAFF_CHANNELS,
    sensitive=True,
)

MEMBER_ID_FIELD = field(
    PATIENT_IDENTIFIER,
    "string",
    "Member ID",
    {"de": "Mitgliedsnummer", "ru": "Идентификатор участника плана", "et": "Liikme ID"},
    "The member's ID on their plan card. " + _HEALTH_DATA["en"],
    {
        "de": "Die Mitgliedsnummer auf der Karte des Plans. " + _HEALTH_DATA["de"],
        "ru": "Идентификатор участника, указанный на карте плана. " + _HEALTH_DATA["ru"],
        "et": "Liikme ID plaani kaardil. " + _HEALTH_DATA["et"],
    },
    channels=STAFF_CHANNELS,
    sensitive=True,
)

CLINICAL_FIELD = field(
    CLINICAL_DETAILS,
    "text",
    "Clinical details",
    {"de": "Klinische Angaben", "ru": "Клинические сведения", "et": "Kliinilised andmed"},
    "The treatment, diagnosis or medication the complaint concerns, only as far as handling it"
    " needs (the minimum necessary). " + _HEALTH_DATA["en"],
    {
        "de": "Behandlung, Diagnose oder Medikation, um die es in der Beschwerde geht, nur soweit"
        " für die Bearbeitung nötig (das notwendige Minimum). " + _HEALTH_DATA["de"],
        "ru": "Лечение, диагноз или лекарства, которых касается жалоба, только в объёме,"
        " необходимом для её рассмотрения (необходимый минимум). " + _HEALTH_DATA["ru"],
        "et": "Ravi, diagnoos või ravimid, mida kaebus puudutab, ainult menetlemiseks vajalikus"
        " ulatuses (vajalik miinimum). " + _HEALTH_DATA["et"],
    },
    channels=STAFF_CHANNELS,
    sensitive=True,
)

US_EVENT_FIELD = field(
    EVENT_DATE,
    "date",
    "Date of the event your grievance is about",
    {
        "de": "Datum des Ereignisses, das Ihre Beschwerde betrifft",
        "ru": "Дата события, которого касается ваша жалоба",
        "et": "Kaebuse aluseks oleva sündmuse kuupäev",
    },
    "The day it happened. A grievance is filed within 60 days of the event.",
    {
        "de": "Der Tag, an dem es geschah. Eine Beschwerde wird innerhalb von 60 Tagen nach dem"
        " Ereignis eingereicht.",
        "ru": "День, когда это произошло. Жалоба подаётся в течение 60 дней после события.",
        "et": "Päev, mil see juhtus. Kaebus esitatakse 60 päeva jooksul pärast sündmust.",
    },
)

REQUEST_TYPE_FIELD = field(
    REQUEST_TYPE,
    "choice",
    "What you are asking for",
    {"de": "Worum Sie bitten", "ru": "О чём вы просите", "et": "Mida te taotlete"},
    "A grievance is a complaint about our plan, its services or the care you received. An"
    " accounting of disclosures lists who we gave your health information to in the six years"
    " before your request (HIPAA); we act on it within 60 days.",
    {
        "de": "Eine Beschwerde betrifft unseren Plan, seine Leistungen oder die erhaltene"
        " Versorgung. Eine Auflistung der Offenlegungen nennt, an wen wir Ihre Gesundheitsdaten"
        " in den sechs Jahren vor Ihrer Anfrage weitergegeben haben (HIPAA); wir bearbeiten"
        " sie innerhalb von 60 Tagen.",
        "ru": "Жалоба касается нашего плана, его услуг или полученной вами помощи. Перечень"
        " раскрытий показывает, кому мы передавали ваши медицинские данные за шесть лет до"
        " вашего запроса (HIPAA); мы выполняем его в течение 60 дней.",
        "et": "Kaebus puudutab meie plaani, selle teenuseid või saadud ravi. Avalikustamiste"
        " aruanne näitab, kellele andsime teie terviseandmeid teie taotlusele eelnenud kuue"
        " aasta jooksul (HIPAA); täidame selle 60 päeva jooksul.",
    },
    choice_labels={
        "en": {
            GRIEVANCE: "A grievance (a complaint)",
            ACCOUNTING_OF_DISCLOSURES: "An accounting of disclosures of my health information",
        },
        **translated(
            (GRIEVANCE, ACCOUNTING_OF_DISCLOSURES),
            de=("Eine Beschwerde", "Eine Auflistung der Offenlegungen meiner Gesundheitsdaten"),
            ru=("Жалоба", "Перечень раскрытий моих медицинских данных"),
            et=("Kaebus", "Minu terviseandmete avalikustamiste aruanne"),
        ),
    },
)

EXPEDITED_FIELD = field(
    EXPEDITED,
    "boolean",
    "Fast (expedited) grievance",
    {
        "de": "Eilbeschwerde (beschleunigt)",
        "ru": "Срочная (ускоренная) жалоба",
        "et": "Kiirendatud kaebus",
    },
    "Tick if your grievance is about our refusal to make a fast decision on a coverage request"
    " or appeal, or about our decision to take extra time on one. We answer it within 24"
    " hours.",
    {
        "de": "Ankreuzen, wenn sich Ihre Beschwerde dagegen richtet, dass wir über einen Antrag"
        " auf Kostenübernahme oder einen Widerspruch nicht beschleunigt entscheiden oder dafür"
        " mehr Zeit in Anspruch nehmen. Wir antworten innerhalb von 24 Stunden.",
        "ru": "Отметьте, если ваша жалоба касается нашего отказа быстро принять решение по"
        " запросу о покрытии или апелляции либо нашего решения взять на него дополнительное"
        " время. Мы ответим в течение 24 часов.",
        "et": "Märkige, kui teie kaebus puudutab meie keeldumist teha kiiret otsust kattetaotluse"
        " või edasikaebuse kohta või meie otsust võtta selleks lisaaega. Vastame 24 tunni"
        " jooksul.",
    },
)

DRUG_OBTAINED_FIELD = field(
    DRUG_OBTAINED,
    "boolean",
    "I already have the drug",
    {
        "de": "Ich habe das Arzneimittel bereits",
        "ru": "У меня уже есть это лекарство",
        "et": "Mul on ravim juba olemas",
    },
    "For a fast grievance about a prescription drug: tick if you have already bought or"
    " received the drug. The grievance is then answered within the usual 30 days.",
    {
        "de": "Bei einer Eilbeschwerde zu einem verschreibungspflichtigen Arzneimittel:"
        " ankreuzen, wenn Sie es bereits gekauft oder erhalten haben. Dann wird die Beschwerde"
        " innerhalb der üblichen 30 Tage beantwortet.",
        "ru": "Для срочной жалобы о рецептурном лекарстве: отметьте, если вы уже купили или"
        " получили его. Тогда ответ будет дан в обычный срок — 30 дней.",
        "et": "Retseptiravimi kohta esitatud kiirendatud kaebuse puhul: märkige, kui olete"
        " ravimi juba ostnud või kätte saanud. Siis vastatakse kaebusele tavapärase 30 päeva"
        " jooksul.",
    },
)

ENGLAND_FIELDS = (
    ENGLAND_EVENT_FIELD,
    AWARE_FIELD,
    RESOLVED_FIELD,
    NHS_NUMBER_FIELD,
    CLINICAL_FIELD,
)


def intake_fields(jurisdiction: str, plan_type: str) -> tuple[IntakeField, ...]:
    """The fields asked when a complaint comes in under ``jurisdiction`` and ``plan_type``."""
    if jurisdiction == "england":
        return ENGLAND_FIELDS
    if jurisdiction == "us":
        drug = (DRUG_OBTAINED_FIELD,) if plan_type == "part_d" else ()
        return (
            REQUEST_TYPE_FIELD,
            US_EVENT_FIELD,
            EXPEDITED_FIELD,
            *drug,
            MEMBER_ID_FIELD,
            CLINICAL_FIELD,
        )
    return ()


# -- reading the answers ---------------------------------------------------------------------


def outside_regulations(case: CaseView) -> bool:
    """An oral complaint resolved to the complainant's satisfaction by the next working day.

    SI 2009/309 reg. 8(1)(c) takes it out of the regulations. Only a complaint
    made orally (phone, in person) can be one; the tick on any other is ignored.
    """
    return case.channel in ORAL_CHANNELS and case.fields.get(RESOLVED_NEXT_WORKING_DAY) is True


def is_accounting_request(case: CaseView) -> bool:
    """A HIPAA request for an accounting of disclosures; anything else is a grievance."""
    return case.fields.get(REQUEST_TYPE) == ACCOUNTING_OF_DISCLOSURES


def asks_expedited(case: CaseView) -> bool:
    """Whether the grievance was registered as expedited."""
    return case.fields.get(EXPEDITED) is True


def drug_obtained(case: CaseView) -> bool:
    """Whether the enrollee has already bought or received the drug (Part D)."""
    return case.fields.get(DRUG_OBTAINED) is True


def nhs_number_problem(value: object) -> str | None:
    """Why ``value`` is not an NHS number, or None when it is one (or is empty).

    Ten digits, spaces allowed between them, whose last digit is the modulus 11
    check digit of the first nine (weights 10 down to 2).
    """
    if value is None or value == "":
        return None
    digits = str(value).replace(" ", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return "must be a 10-digit NHS number"
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return "is not a valid NHS number (its check digit does not match)"
    return None

"""What staff are asked when they register a grievance, and how the plugin reads the answers.

Grievances reach a prison on paper (the complaints box), through a kiosk, by
phone, letter or e-mail from family and advocates, or through another system's
API; staff enter them, so every field is asked on the staff channels only.
The deadlines, flags, sealing and exclusions are set from these fields when the
case is registered.

Both jurisdictions: the person's number, the facility, the unit, who filed the
grievance, the work e-mail of the member of staff it is about (refused when it
is not an e-mail) and the date of the incident.
US: whether it alleges sexual abuse or sexual harassment (PREA, 28 CFR 115.52),
whether it is an emergency (115.52(f)) and, for a filing by someone else,
whether the alleged victim agrees to it being processed (115.52(e)(2)).
England and Wales: the form, COMP1 or COMP2 (confidential access to the Governor).
"""

from __future__ import annotations

import re
from datetime import date

from core.sdk import (
    PERSONAL_DATA,
    CaseView,
    IntakeField,
    IntakeSubmission,
    ValidationIssue,
    date_field,
    personal,
    ticked,
)
from plugins.prisons.fields import field, translated

INMATE_NUMBER = "inmate_number"
FACILITY = "facility"
UNIT = "unit"
FILED_BY = "filed_by"
VICTIM_AGREES = "victim_agrees"
PREA = "prea"
EMERGENCY = "emergency"
STAFF_NAMED = "staff_named"
INCIDENT_DATE = "incident_date"
FORM = "form"
SENSITIVE = "sensitive"
INFORMAL = "informal_resolution"
#: 28 CFR 542.13: informal resolution (BP-8) tried and failed, not tried, or not needed.
INFORMAL_TRIED = "attempted"
INFORMAL_NOT_TRIED = "not_attempted"
INFORMAL_WAIVED = "not_required"

FILERS = ("self", "other_inmate", "family", "attorney", "advocate", "staff_on_behalf")
#: 28 CFR 115.52(e)(1): fellow inmates, staff, family, attorneys and outside advocates.
THIRD_PARTIES = frozenset(FILERS) - {"self"}
COMP1 = "comp1"
COMP2 = "comp2"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# -- both jurisdictions, worded for each -------------------------------------------------------

US_INMATE_NUMBER_FIELD = field(
    INMATE_NUMBER,
    "string",
    "Inmate register number",
    {
        "de": "Registernummer der inhaftierten Person",
        "ru": "Регистрационный номер заключённого",
        "et": "Kinnipeetava registreerimisnumber",
    },
    "The register or booking number of the person in custody. " + PERSONAL_DATA["en"],
    personal(
        {
            "de": "Die Register- oder Aufnahmenummer der inhaftierten Person.",
            "ru": "Регистрационный номер или номер при поступлении лица, находящегося под стражей.",
            "et": "Vahi all oleva isiku registreerimis- või vastuvõtunumber.",
        }
    ),
    sensitive=True,
)

EW_INMATE_NUMBER_FIELD = field(
    INMATE_NUMBER,
    "string",
    "Prison number",
    {
        "de": "Gefangenennummer (prison number)",
        "ru": "Номер заключённого (prison number)",
        "et": "Vangi number (prison number)",
    },
    "The prisoner's prison number, for example A1234BC. " + PERSONAL_DATA["en"],
    personal(
        {
            "de": "Die Gefangenennummer der Person, zum Beispiel A1234BC.",
            "ru": "Тюремный номер заключённого, например A1234BC.",
            "et": "Vangi number, näiteks A1234BC.",
        }
    ),
    sensitive=True,
)

US_FACILITY_FIELD = field(
    FACILITY,
    "string",
    "Facility",
    {"de": "Einrichtung", "ru": "Учреждение", "et": "Asutus"},
    "The facility where the person is held, or was held when it happened.",
    {
        "de": "Die Einrichtung, in der die Person inhaftiert ist oder zum Zeitpunkt des"
        " Vorfalls inhaftiert war.",
        "ru": "Учреждение, в котором содержится лицо или содержалось в момент происшествия.",
        "et": "Asutus, kus isikut kinni peetakse või peeti juhtumi ajal.",
    },
)

EW_FACILITY_FIELD = field(
    FACILITY,
    "string",
    "Prison",
    {"de": "Justizvollzugsanstalt", "ru": "Тюрьма", "et": "Vangla"},
    "The prison (establishment) where the prisoner is held.",
    {
        "de": "Die Anstalt (establishment), in der die gefangene Person untergebracht ist.",
        "ru": "Тюрьма (учреждение), в которой содержится заключённый.",
        "et": "Vangla (asutus), kus vangi kinni peetakse.",
    },
)

US_UNIT_FIELD = field(
    UNIT,
    "string",
    "Housing unit",
    {"de": "Wohneinheit", "ru": "Жилой блок", "et": "Eluüksus"},
    "The housing unit, block or dormitory.",
    {
        "de": "Die Wohneinheit, der Block oder der Schlafsaal.",
        "ru": "Жилой блок, корпус или общая спальня.",
        "et": "Eluüksus, plokk või ühismagala.",
    },
)

EW_UNIT_FIELD = field(
    UNIT,
    "string",
    "Wing or unit",
    {"de": "Flügel oder Abteilung", "ru": "Крыло или отделение", "et": "Tiib või osakond"},
    "The wing or unit the prisoner lives on.",
    {
        "de": "Der Flügel oder die Abteilung, in dem bzw. der die gefangene Person lebt.",
        "ru": "Крыло или отделение, в котором живёт заключённый.",
        "et": "Tiib või osakond, kus vang elab.",
    },
)

_FILER_WORDS = {
    "en": {
        "self": "The person in custody themselves",
        "other_inmate": "Another person in custody",
        "family": "A family member",
        "attorney": "An attorney",
        "advocate": "An outside advocate",
        "staff_on_behalf": "A member of staff on their behalf",
    },
    **translated(
        FILERS,
        de=(
            "Die inhaftierte Person selbst",
            "Eine andere inhaftierte Person",
            "Ein Familienmitglied",
            "Eine Anwältin oder ein Anwalt",
            "Eine externe Interessenvertretung",
            "Ein Mitglied des Personals in ihrem Namen",
        ),
        ru=(
            "Само лицо, находящееся под стражей",
            "Другое лицо, находящееся под стражей",
            "Член семьи",
            "Адвокат",
            "Внешний правозащитник",
            "Сотрудник от его имени",
        ),
        et=(
            "Vahi all olev isik ise",
            "Teine vahi all olev isik",
            "Pereliige",
            "Advokaat",
            "Väline huvikaitsja",
            "Töötaja tema nimel",
        ),
    ),
}
_FILED_BY_LABELS = {"de": "Eingereicht von", "ru": "Кем подана", "et": "Esitaja"}
_FILED_BY_HELP = {
    "en": "Who made the grievance: the person in custody, or someone on their behalf.",
    "de": "Wer die Beschwerde eingereicht hat: die inhaftierte Person selbst oder jemand in"
    " ihrem Namen.",
    "ru": "Кто подал жалобу: само лицо, находящееся под стражей, или кто-то от его имени.",
    "et": "Kes kaebuse esitas: vahi all olev isik ise või keegi tema nimel.",
}
_PREA_THIRD_PARTY = {
    "en": "For a PREA grievance filed by someone else, also record whether the alleged victim"
    " agrees to it being processed.",
    "de": "Bei einer PREA-Beschwerde, die jemand anderes eingereicht hat, auch erfassen, ob das"
    " mutmaßliche Opfer mit ihrer Bearbeitung einverstanden ist.",
    "ru": "Для жалобы PREA, поданной другим лицом, также укажите, согласна ли предполагаемая"
    " жертва на её рассмотрение.",
    "et": "Kellegi teise esitatud PREA-kaebuse puhul märkige ka, kas väidetav ohver nõustub"
    " selle menetlemisega.",
}

US_FILED_BY_FIELD = field(
    FILED_BY,
    "choice",
    "Filed by",
    _FILED_BY_LABELS,
    f"{_FILED_BY_HELP['en']} {_PREA_THIRD_PARTY['en']}",
    {
        language: f"{_FILED_BY_HELP[language]} {_PREA_THIRD_PARTY[language]}"
        for language in _FILED_BY_LABELS
    },
    choice_labels=_FILER_WORDS,
)

EW_FILED_BY_FIELD = field(
    FILED_BY,
    "choice",
    "Filed by",
    _FILED_BY_LABELS,
    _FILED_BY_HELP["en"],
    {language: _FILED_BY_HELP[language] for language in _FILED_BY_LABELS},
    choice_labels=_FILER_WORDS,
)

_STAFF_LABELS = {
    "de": "Personalmitglied, gegen das sich die Beschwerde richtet (dienstliche E-Mail)",
    "ru": "Сотрудник, на которого подана жалоба (рабочая эл. почта)",
    "et": "Töötaja, kelle kohta kaebus on esitatud (tööalane e-post)",
}

US_STAFF_FIELD = field(
    STAFF_NAMED,
    "string",
    "Member of staff the grievance is about (work e-mail)",
    _STAFF_LABELS,
    "If the grievance is about a particular member of staff, their work e-mail address. The"
    " case is flagged for a retaliation watch; a PREA grievance is never shown to, or handled"
    " by, that person (28 CFR 115.52(c)). " + PERSONAL_DATA["en"],
    personal(
        {
            "de": "Wenn sich die Beschwerde gegen ein bestimmtes Personalmitglied richtet, dessen"
            " dienstliche E-Mail-Adresse. Der Fall wird zur Beobachtung auf Vergeltung markiert;"
            " eine PREA-Beschwerde wird dieser Person nie gezeigt und nie von ihr bearbeitet"
            " (28 CFR 115.52(c)).",
            "ru": "Если жалоба касается конкретного сотрудника, укажите его рабочий адрес"
            " электронной почты. Дело помечается для наблюдения за возможной местью; жалоба"
            " PREA никогда не показывается этому сотруднику и не передаётся ему на рассмотрение"
            " (28 CFR 115.52(c)).",
            "et": "Kui kaebus puudutab konkreetset töötajat, märkige tema tööalane e-posti"
            " aadress. Juhtum märgitakse kättemaksu jälgimiseks; PREA-kaebust ei näidata sellele"
            " töötajale ega anta talle menetleda (28 CFR 115.52(c)).",
        }
    ),
    sensitive=True,
)

EW_STAFF_FIELD = field(
    STAFF_NAMED,
    "string",
    "Member of staff the complaint is about (work e-mail)",
    _STAFF_LABELS,
    "If the complaint is about a particular member of staff, their work e-mail address. "
    + PERSONAL_DATA["en"],
    personal(
        {
            "de": "Wenn sich die Beschwerde gegen ein bestimmtes Personalmitglied richtet, dessen"
            " dienstliche E-Mail-Adresse.",
            "ru": "Если жалоба касается конкретного сотрудника, укажите его рабочий адрес"
            " электронной почты.",
            "et": "Kui kaebus puudutab konkreetset töötajat, märkige tema tööalane e-posti"
            " aadress.",
        }
    ),
    sensitive=True,
)

_INCIDENT_LABELS = {"de": "Datum des Vorfalls", "ru": "Дата происшествия", "et": "Juhtumi kuupäev"}

US_INCIDENT_FIELD = field(
    INCIDENT_DATE,
    "date",
    "Date of the incident",
    _INCIDENT_LABELS,
    "The day it happened. A Request for Administrative Remedy (BP-9) is due within 20 calendar"
    " days of it; a grievance alleging sexual abuse has no time limit.",
    {
        "de": "Der Tag, an dem es geschah. Ein Antrag auf Abhilfe (BP-9) ist innerhalb von 20"
        " Kalendertagen danach einzureichen; für eine Beschwerde wegen sexuellen Missbrauchs"
        " gilt keine Frist.",
        "ru": "День, когда это произошло. Запрос об административной защите (BP-9) подаётся в"
        " течение 20 календарных дней после него; для жалобы о сексуальном насилии срок не"
        " ограничен.",
        "et": "Päev, mil see juhtus. Haldusliku õiguskaitse taotlus (BP-9) tuleb esitada 20"
        " kalendripäeva jooksul; seksuaalse väärkohtlemise kaebusel tähtaega ei ole.",
    },
)

EW_INCIDENT_FIELD = field(
    INCIDENT_DATE,
    "date",
    "Date of the incident",
    _INCIDENT_LABELS,
    "The day it happened, or the last day if it went on for some time.",
    {
        "de": "Der Tag, an dem es geschah, oder der letzte Tag, wenn es länger andauerte.",
        "ru": "День, когда это произошло, или последний день, если это продолжалось какое-то"
        " время.",
        "et": "Päev, mil see juhtus, või viimane päev, kui see kestis mõnda aega.",
    },
)

# -- US: PREA ----------------------------------------------------------------------------------

PREA_FIELD = field(
    PREA,
    "boolean",
    "PREA: alleges sexual abuse or sexual harassment",
    {
        "de": "PREA: Vorwurf sexuellen Missbrauchs oder sexueller Belästigung",
        "ru": "PREA: заявление о сексуальном насилии или сексуальных домогательствах",
        "et": "PREA: väide seksuaalse väärkohtlemise või ahistamise kohta",
    },
    "Tick when the grievance alleges sexual abuse or sexual harassment (Prison Rape Elimination"
    " Act, 28 CFR 115.52). The case is then sealed and kept from the member of staff it names;"
    " it has no filing time limit, and the final decision is due within 90 days.",
    {
        "de": "Ankreuzen, wenn die Beschwerde sexuellen Missbrauch oder sexuelle Belästigung"
        " vorwirft (Prison Rape Elimination Act, 28 CFR 115.52). Der Fall wird dann versiegelt"
        " und vor dem darin genannten Personalmitglied verborgen; es gilt keine"
        " Einreichungsfrist, und die abschließende Entscheidung ist innerhalb von 90 Tagen fällig.",
        "ru": "Отметьте, если в жалобе заявлено о сексуальном насилии или сексуальных"
        " домогательствах (Prison Rape Elimination Act, 28 CFR 115.52). Тогда дело"
        " засекречивается и скрывается от названного в нём сотрудника; срок подачи не"
        " ограничен, а окончательное решение должно быть принято в течение 90 дней.",
        "et": "Märkige, kui kaebus väidab seksuaalset väärkohtlemist või seksuaalset ahistamist"
        " (Prison Rape Elimination Act, 28 CFR 115.52). Juhtum pitseeritakse ja seda ei näe"
        " selles nimetatud töötaja; esitamisel tähtaega ei ole ja lõplik otsus tuleb teha 90"
        " päeva jooksul.",
    },
)

EMERGENCY_FIELD = field(
    EMERGENCY,
    "boolean",
    "Emergency: substantial risk of imminent sexual abuse",
    {
        "de": "Notfall: erhebliches Risiko unmittelbar drohenden sexuellen Missbrauchs",
        "ru": "Экстренная: существенный риск неминуемого сексуального насилия",
        "et": "Kiireloomuline: märkimisväärne vahetu seksuaalse väärkohtlemise oht",
    },
    "Tick when the grievance says the person is at substantial risk of imminent sexual abuse"
    " (28 CFR 115.52(f)). The duty supervisor is paged at once; an initial response is due"
    " within 48 hours and the final decision within 5 calendar days.",
    {
        "de": "Ankreuzen, wenn die Beschwerde angibt, dass der Person mit erheblichem Risiko"
        " unmittelbar sexueller Missbrauch droht (28 CFR 115.52(f)). Die diensthabende Aufsicht"
        " wird sofort alarmiert; eine erste Antwort ist innerhalb von 48 Stunden fällig, die"
        " abschließende Entscheidung innerhalb von 5 Kalendertagen.",
        "ru": "Отметьте, если в жалобе говорится, что лицу грозит существенный риск неминуемого"
        " сексуального насилия (28 CFR 115.52(f)). Дежурный руководитель получает оповещение"
        " немедленно; первоначальный ответ должен быть дан в течение 48 часов, окончательное"
        " решение — в течение 5 календарных дней.",
        "et": "Märkige, kui kaebuse järgi ähvardab isikut märkimisväärne vahetu seksuaalse"
        " väärkohtlemise oht (28 CFR 115.52(f)). Valves olevat juhti teavitatakse kohe;"
        " esialgne vastus tuleb anda 48 tunni ja lõplik otsus 5 kalendripäeva jooksul.",
    },
)

VICTIM_AGREES_FIELD = field(
    VICTIM_AGREES,
    "boolean",
    "The alleged victim agrees to the grievance being processed",
    {
        "de": "Das mutmaßliche Opfer ist mit der Bearbeitung der Beschwerde einverstanden",
        "ru": "Предполагаемая жертва согласна на рассмотрение жалобы",
        "et": "Väidetav ohver nõustub kaebuse menetlemisega",
    },
    "For a PREA grievance filed by someone else: whether the alleged victim agrees to have it"
    " filed and processed on their behalf (28 CFR 115.52(e)(2)). If they decline, their"
    " decision is documented (115.52(e)(3)).",
    {
        "de": "Bei einer PREA-Beschwerde, die jemand anderes eingereicht hat: ob das mutmaßliche"
        " Opfer damit einverstanden ist, dass sie in seinem Namen eingereicht und bearbeitet"
        " wird (28 CFR 115.52(e)(2)). Lehnt es ab, wird seine Entscheidung dokumentiert"
        " (115.52(e)(3)).",
        "ru": "Для жалобы PREA, поданной другим лицом: согласна ли предполагаемая жертва, чтобы"
        " жалоба была подана и рассмотрена от её имени (28 CFR 115.52(e)(2)). Если она"
        " отказывается, её решение документируется (115.52(e)(3)).",
        "et": "Kellegi teise esitatud PREA-kaebuse puhul: kas väidetav ohver nõustub, et kaebus"
        " esitatakse ja menetletakse tema nimel (28 CFR 115.52(e)(2)). Kui ta keeldub,"
        " dokumenteeritakse tema otsus (115.52(e)(3)).",
    },
)

# -- England and Wales -------------------------------------------------------------------------

FORM_FIELD = field(
    FORM,
    "choice",
    "Complaint form",
    {"de": "Beschwerdeformular", "ru": "Форма жалобы", "et": "Kaebuse vorm"},
    "COMP1: an ordinary complaint, with a COMP1A appeal. COMP2: confidential access to the"
    " Governor (or Director) on a serious or sensitive matter; the case is restricted to those"
    " handling it. Left empty: COMP1.",
    {
        "de": "COMP1: eine gewöhnliche Beschwerde, mit Widerspruch über COMP1A. COMP2:"
        " vertraulicher Zugang zur Anstaltsleitung (Governor oder Director) in einer ernsten oder"
        " heiklen Angelegenheit; der Fall ist auf die Bearbeitenden beschränkt. Leer: COMP1.",
        "ru": "COMP1: обычная жалоба с апелляцией по форме COMP1A. COMP2: конфиденциальное"
        " обращение к начальнику тюрьмы (Governor или Director) по серьёзному или деликатному"
        " вопросу; доступ к делу есть только у тех, кто его рассматривает. Не заполнено: COMP1.",
        "et": "COMP1: tavaline kaebus, mille saab edasi kaevata vormil COMP1A. COMP2:"
        " konfidentsiaalne pöördumine vangla juhi (Governor või Director) poole tõsises või"
        " tundlikus asjas; juhtumit näevad ainult selle menetlejad. Tühi: COMP1.",
    },
    choice_labels={
        "en": {COMP1: "COMP1 (complaint)", COMP2: "COMP2 (confidential access to the Governor)"},
        **translated(
            (COMP1, COMP2),
            de=("COMP1 (Beschwerde)", "COMP2 (vertraulicher Zugang zur Anstaltsleitung)"),
            ru=("COMP1 (жалоба)", "COMP2 (конфиденциальное обращение к начальнику тюрьмы)"),
            et=("COMP1 (kaebus)", "COMP2 (konfidentsiaalne pöördumine vangla juhi poole)"),
        ),
    },
)

SENSITIVE_FIELD = field(
    SENSITIVE,
    "boolean",
    "Sensitive: filed directly with the Regional Director",
    {
        "de": "Heikel: direkt bei der Regionaldirektion eingereicht",
        "ru": "Деликатная: подана непосредственно региональному директору",
        "et": "Tundlik: esitatud otse piirkonna direktorile",
    },
    "Tick when the Request was sent straight to the Regional Director because the inmate"
    " would be endangered if it became known at the institution, and the region accepted it"
    " as sensitive (28 CFR 542.14(d)(1)). The Regional Director answers within 30 days; the"
    " next appeal is to the General Counsel (BP-11).",
    {
        "de": "Ankreuzen, wenn der Antrag direkt an die Regionaldirektion ging, weil die Person"
        " gefährdet wäre, würde er in der Anstalt bekannt, und die Region ihn als heikel"
        " angenommen hat (28 CFR 542.14(d)(1)). Die Regionaldirektion antwortet binnen 30"
        " Tagen; das nächste Rechtsmittel geht an den General Counsel (BP-11).",
        "ru": "Отметьте, если запрос направлен прямо региональному директору, потому что лицу"
        " угрожала бы опасность, стань он известен в учреждении, и регион принял его как"
        " деликатный (28 CFR 542.14(d)(1)). Региональный директор отвечает в течение 30 дней;"
        " следующая жалоба подаётся главному юрисконсульту (BP-11).",
        "et": "Märkige, kui taotlus saadeti otse piirkonna direktorile, sest isik oleks ohus,"
        " kui see asutuses teatavaks saaks, ja piirkond võttis selle tundlikuna vastu (28 CFR"
        " 542.14(d)(1)). Piirkonna direktor vastab 30 päeva jooksul; järgmine kaebus esitatakse"
        " peajuristile (BP-11).",
    },
)

INFORMAL_FIELD = field(
    INFORMAL,
    "choice",
    "Informal resolution (BP-8)",
    {
        "de": "Informelle Klärung (BP-8)",
        "ru": "Неформальное урегулирование (BP-8)",
        "et": "Mitteametlik lahendamine (BP-8)",
    },
    "Whether staff tried to resolve the issue informally before the Request (28 CFR 542.13(a))."
    " Not required for a grievance alleging sexual abuse, a sensitive or emergency Request, or"
    " where the Warden waived it (542.13(b)).",
    {
        "de": "Ob das Personal vor dem Antrag eine informelle Klärung versucht hat (28 CFR"
        " 542.13(a)). Nicht nötig bei einer Beschwerde wegen sexuellen Missbrauchs, einem heiklen"
        " oder dringenden Antrag oder wenn die Anstaltsleitung darauf verzichtet hat"
        " (542.13(b)).",
        "ru": "Пытался ли персонал урегулировать вопрос неформально до подачи запроса (28 CFR"
        " 542.13(a)). Не требуется для жалобы о сексуальном насилии, деликатного или срочного"
        " запроса, а также если начальник учреждения освободил от этого (542.13(b)).",
        "et": "Kas töötajad püüdsid küsimust enne taotlust mitteametlikult lahendada (28 CFR"
        " 542.13(a)). Pole nõutav seksuaalse väärkohtlemise kaebuse, tundliku või kiireloomulise"
        " taotluse puhul ega siis, kui asutuse juht sellest loobus (542.13(b)).",
    },
    choice_labels={
        "en": {
            INFORMAL_TRIED: "Attempted, not resolved",
            INFORMAL_NOT_TRIED: "Not attempted",
            INFORMAL_WAIVED: "Not required or waived",
        },
        **translated(
            (INFORMAL_TRIED, INFORMAL_NOT_TRIED, INFORMAL_WAIVED),
            de=("Versucht, nicht geklärt", "Nicht versucht", "Nicht nötig oder erlassen"),
            ru=("Предпринято, не урегулировано", "Не предпринималось", "Не требуется или отменено"),
            et=("Püüti, ei lahendatud", "Ei püütud", "Pole nõutav või loobuti"),
        ),
    },
)

US_FIELDS = (
    US_INMATE_NUMBER_FIELD,
    US_FACILITY_FIELD,
    US_UNIT_FIELD,
    US_FILED_BY_FIELD,
    PREA_FIELD,
    EMERGENCY_FIELD,
    VICTIM_AGREES_FIELD,
    US_STAFF_FIELD,
    US_INCIDENT_FIELD,
    SENSITIVE_FIELD,
    INFORMAL_FIELD,
)
ENGLAND_WALES_FIELDS = (
    EW_INMATE_NUMBER_FIELD,
    EW_FACILITY_FIELD,
    EW_UNIT_FIELD,
    FORM_FIELD,
    EW_FILED_BY_FIELD,
    EW_STAFF_FIELD,
    EW_INCIDENT_FIELD,
)


def intake_fields(jurisdiction: str) -> tuple[IntakeField, ...]:
    """The fields asked when a grievance is registered in ``jurisdiction``; none for another."""
    if jurisdiction == "us":
        return US_FIELDS
    if jurisdiction == "england-wales":
        return ENGLAND_WALES_FIELDS
    return ()


# -- reading the answers -----------------------------------------------------------------------


def is_emergency(case: CaseView) -> bool:
    """An emergency grievance: a substantial risk of imminent sexual abuse (115.52(f))."""
    return ticked(case, EMERGENCY)


def is_sensitive(case: CaseView) -> bool:
    """A Request the region accepted straight from the inmate (28 CFR 542.14(d)(1))."""
    return ticked(case, SENSITIVE)


def is_prea(case: CaseView) -> bool:
    """A grievance alleging sexual abuse or sexual harassment, or an emergency one.

    An emergency grievance is a PREA grievance even when ``prea`` was not ticked: a
    grievance alleging fear of imminent sexual abuse is one "regarding" sexual
    abuse (DOJ PREA FAQ on 115.52(a) and (b)).
    """
    return ticked(case, PREA) or is_emergency(case)


def filed_by_third_party(case: CaseView) -> bool:
    """Filed by someone other than the person in custody (115.52(e)(1))."""
    return case.fields.get(FILED_BY) in THIRD_PARTIES


def victim_agreement(case: CaseView) -> bool | None:
    """Whether the alleged victim agrees to the filing; None while it is not recorded."""
    value = case.fields.get(VICTIM_AGREES)
    return value if isinstance(value, bool) else None


def named_staff(source: CaseView | IntakeSubmission) -> str | None:
    """The e-mail address of the member of staff the grievance names, trimmed, or None."""
    value = source.fields.get(STAFF_NAMED)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def form(case: CaseView) -> str:
    """The England and Wales form the complaint came on; not recorded is read as COMP1."""
    return COMP2 if case.fields.get(FORM) == COMP2 else COMP1


def problems(submission: IntakeSubmission, today: date) -> tuple[ValidationIssue, ...]:
    """A named member of staff who is not an e-mail address, or an incident after ``today``.

    A value that is not an e-mail address could keep nobody away from a PREA case.
    """
    found: list[ValidationIssue] = []
    email = named_staff(submission)
    if email is not None and not _EMAIL.fullmatch(email):
        found.append(ValidationIssue(f"fields.{STAFF_NAMED}", "must be an e-mail address"))
    incident = date_field(submission.fields, INCIDENT_DATE)
    if incident is not None and incident > today:
        found.append(
            ValidationIssue(
                f"fields.{INCIDENT_DATE}", "must not be later than the day the grievance is made"
            )
        )
    return tuple(found)

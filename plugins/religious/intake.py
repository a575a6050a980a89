"""What a concern is registered with, the names of every field, and how a case is read.

The rules are set from these fields when the case is registered: the concern type
(missing: a complaint), immediate danger, a religious community, the person it is
about (their role, and their work e-mail, which keeps them away from the case), the
date of the misconduct and whether it was sexual misconduct towards a child or a
vulnerable adult (the Clergy Discipline Measure's time limit), and, for Vos estis,
a conflict of interest of the receiving authority. The diocese and the group at
risk are counted in the statistics. What staff record later is in ``handling.py``.

England: the religious community and the clergy time limit. US: the state, on
which the duty to report depends.
"""

from __future__ import annotations

import re
from datetime import date

from core.sdk import CaseView, IntakeField, IntakeSubmission, ValidationIssue, date_field, ticked
from plugins.religious.fields import (
    PERSONAL_DATA,
    PUBLIC_CHANNELS,
    choices_of,
    field,
    personal,
    translated,
)
from plugins.religious.taxonomy import (
    COMPLAINT,
    CONCERN_TYPES,
    SAFEGUARDING,
    VEL_REPORT,
)
from plugins.religious.us import STATES

CONCERN_TYPE = "concern_type"
IMMEDIATE_RISK = "immediate_risk"
RELIGIOUS_COMMUNITY = "religious_community"
DIOCESE = "diocese"
VICTIM_GROUP = "victim_group"
ABUSE_TYPE = "abuse_type"
ACCUSED_STAFF = "accused_staff"
ACCUSED_ROLE = "accused_role"
MISCONDUCT_DATE = "misconduct_date"
SEXUAL_MISCONDUCT = "sexual_misconduct_child_or_vulnerable"
LATE_PERMISSION = "late_permission"
LATE_PERMISSION_REASON = "late_permission_reason"
CONFLICT_OF_INTEREST = "conflict_of_interest"
SERIOUS_INCIDENT = "serious_incident"
POLICE_REFERENCE = "police_reference"
REFERRED_STATUTORY_ON = "referred_statutory_on"
REFERRED_DSA_ON = "referred_dsa_on"
US_STATE = "us_state"

VICTIM_GROUPS = ("child", "vulnerable_adult", "adult", "not_known")
ACCUSED_ROLES = ("clergy", "religious", "lay_minister", "employee", "volunteer", "other")
GRANTED = "granted"
REFUSED = "refused"

_CONCERN_CODES = frozenset(t.code for t in CONCERN_TYPES)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# -- asked when the concern comes in -----------------------------------------------------------

CONCERN_TYPE_FIELD = field(
    CONCERN_TYPE,
    "choice",
    "Type of concern",
    {"de": "Art des Anliegens", "ru": "Тип обращения", "et": "Pöördumise liik"},
    "A safeguarding concern (someone may be at risk of harm or abuse), a complaint about the"
    " conduct of a member of the clergy, a report under Vos estis lux mundi (Catholic Church:"
    " abuse by a bishop or religious superior, or its cover-up), or any other complaint. Left"
    " empty: another complaint.",
    {
        "de": "Ein Anliegen zum Schutz vor Missbrauch (jemand könnte Schaden oder Missbrauch"
        " ausgesetzt sein), eine Beschwerde über das Verhalten eines Geistlichen, eine Meldung"
        " nach Vos estis lux mundi (katholische Kirche: Missbrauch durch einen Bischof oder"
        " Ordensoberen oder seine Vertuschung) oder eine sonstige Beschwerde. Leer: eine"
        " sonstige Beschwerde.",
        "ru": "Сообщение об угрозе безопасности (кому-то может грозить вред или насилие), жалоба"
        " на поведение священнослужителя, сообщение по Vos estis lux mundi (Католическая"
        " церковь: насилие со стороны епископа или настоятеля ордена либо его сокрытие) или"
        " другая жалоба. Не заполнено: другая жалоба.",
        "et": "Kaitsmisalane mure (kedagi võib ohustada kahju või väärkohtlemine), kaebus"
        " vaimuliku käitumise kohta, teade Vos estis lux mundi alusel (katoliku kirik:"
        " piiskopi või ordu ülema toime pandud väärkohtlemine või selle varjamine) või muu"
        " kaebus. Tühi: muu kaebus.",
    },
    choice_labels=choices_of(
        CONCERN_TYPES,
        de=(
            "Anliegen zum Schutz vor Missbrauch (Safeguarding)",
            "Beschwerde über das Verhalten eines Geistlichen",
            "Meldung nach Vos estis lux mundi (katholische Kirche)",
            "Sonstige Beschwerde",
        ),
        ru=(
            "Сообщение об угрозе безопасности (safeguarding)",
            "Жалоба на поведение священнослужителя",
            "Сообщение по Vos estis lux mundi (Католическая церковь)",
            "Другая жалоба",
        ),
        et=(
            "Kaitsmisalane mure (safeguarding)",
            "Kaebus vaimuliku käitumise kohta",
            "Teade Vos estis lux mundi alusel (katoliku kirik)",
            "Muu kaebus",
        ),
    ),
    channels=PUBLIC_CHANNELS,
)


def _immediate_risk_field(number: str) -> IntakeField:
    return field(
        IMMEDIATE_RISK,
        "boolean",
        "Someone is in immediate danger",
        {
            "de": "Jemand ist in unmittelbarer Gefahr",
            "ru": "Кто-то находится в непосредственной опасности",
            "et": "Keegi on vahetus ohus",
        },
        f"Tick if anyone is in immediate danger or needs urgent medical help. Call {number} now:"
        " do not wait for us. The safeguarding lead is paged at once.",
        {
            "de": "Ankreuzen, wenn jemand in unmittelbarer Gefahr ist oder dringend ärztliche"
            f" Hilfe braucht. Rufen Sie sofort {number} an: Warten Sie nicht auf uns. Die"
            " Ansprechperson für Schutz vor Missbrauch wird sofort alarmiert.",
            "ru": "Отметьте, если кто-то находится в непосредственной опасности или нуждается в"
            f" срочной медицинской помощи. Немедленно звоните {number}: не ждите нас."
            " Ответственный за безопасность получает оповещение сразу.",
            "et": "Märkige, kui keegi on vahetus ohus või vajab kiiresti arstiabi. Helistage"
            f" kohe {number}: ärge oodake meid. Kaitsmise eest vastutajat teavitatakse kohe.",
        },
        channels=PUBLIC_CHANNELS,
    )


ENGLAND_IMMEDIATE_RISK_FIELD = _immediate_risk_field("999")
US_IMMEDIATE_RISK_FIELD = _immediate_risk_field("911")

RELIGIOUS_COMMUNITY_FIELD = field(
    RELIGIOUS_COMMUNITY,
    "boolean",
    "Held by a religious community",
    {
        "de": "Liegt bei einer Ordensgemeinschaft",
        "ru": "Находится в ведении религиозной общины",
        "et": "On usukogukonna käes",
    },
    "Tick when a religious community (an order or community under vows) holds the concern. The"
    " community tells the Diocesan Safeguarding Adviser within 24 hours, not counting weekends"
    " and bank holidays, instead of within one working day.",
    {
        "de": "Ankreuzen, wenn eine Ordensgemeinschaft (ein Orden oder eine Gemeinschaft mit"
        " Gelübden) das Anliegen bearbeitet. Die Gemeinschaft informiert die diözesane"
        " Fachkraft für Schutz vor Missbrauch innerhalb von 24 Stunden, Wochenenden und"
        " gesetzliche Feiertage nicht mitgezählt, statt innerhalb eines Arbeitstages.",
        "ru": "Отметьте, если обращение находится в ведении религиозной общины (ордена или"
        " общины, давшей обеты). Община сообщает епархиальному советнику по безопасности в"
        " течение 24 часов без учёта выходных и официальных праздников, а не в течение"
        " одного рабочего дня.",
        "et": "Märkige, kui muret käsitleb usukogukond (ordu või tõotuste all elav kogukond)."
        " Kogukond teavitab piiskopkonna kaitsmisnõunikku 24 tunni jooksul, arvestamata"
        " nädalavahetusi ja riigipühi, mitte ühe tööpäeva jooksul.",
    },
)

DIOCESE_FIELD = field(
    DIOCESE,
    "string",
    "Diocese, province or region",
    {
        "de": "Diözese, Provinz oder Region",
        "ru": "Епархия, провинция или регион",
        "et": "Piiskopkond, provints või piirkond",
    },
    "The diocese, province, district or region the concern belongs to: the annual statistics"
    " are kept by it.",
    {
        "de": "Die Diözese, Provinz, der Bezirk oder die Region, zu der das Anliegen gehört:"
        " Danach wird die Jahresstatistik geführt.",
        "ru": "Епархия, провинция, округ или регион, к которому относится обращение: по ним"
        " ведётся годовая статистика.",
        "et": "Piiskopkond, provints, ringkond või piirkond, kuhu pöördumine kuulub: selle järgi"
        " peetakse aastastatistikat.",
    },
)

VICTIM_GROUP_FIELD = field(
    VICTIM_GROUP,
    "choice",
    "Who may be at risk",
    {
        "de": "Wer gefährdet sein könnte",
        "ru": "Кто может быть в опасности",
        "et": "Kes võib olla ohus",
    },
    "Who was harmed or may be at risk: a child, an adult who may be vulnerable, another adult,"
    " or not known.",
    {
        "de": "Wer geschädigt wurde oder gefährdet sein könnte: ein Kind, ein möglicherweise"
        " schutzbedürftiger Erwachsener, ein anderer Erwachsener oder unbekannt.",
        "ru": "Кто пострадал или может быть в опасности: ребёнок, взрослый, который может быть"
        " уязвим, другой взрослый или неизвестно.",
        "et": "Kes sai kahju või võib olla ohus: laps, täiskasvanu, kes võib olla abivajav, muu"
        " täiskasvanu või teadmata.",
    },
    choice_labels={
        "en": dict(
            zip(
                VICTIM_GROUPS,
                (
                    "A child (under 18)",
                    "An adult at risk (vulnerable adult)",
                    "An adult",
                    "Not known",
                ),
                strict=True,
            )
        ),
        **translated(
            VICTIM_GROUPS,
            de=(
                "Ein Kind (unter 18)",
                "Ein schutzbedürftiger Erwachsener",
                "Ein Erwachsener",
                "Unbekannt",
            ),
            ru=("Ребёнок (до 18 лет)", "Уязвимый взрослый", "Взрослый", "Неизвестно"),
            et=("Laps (alla 18-aastane)", "Abivajav täiskasvanu", "Täiskasvanu", "Teadmata"),
        ),
    },
    channels=PUBLIC_CHANNELS,
)

ACCUSED_ROLE_FIELD = field(
    ACCUSED_ROLE,
    "choice",
    "Role of the person it is about",
    {
        "de": "Funktion der Person, um die es geht",
        "ru": "Роль лица, о котором идёт речь",
        "et": "Isiku roll, keda see puudutab",
    },
    "If the concern or complaint is about someone, their role in the church.",
    {
        "de": "Wenn sich das Anliegen oder die Beschwerde auf eine Person bezieht, deren"
        " Funktion in der Kirche.",
        "ru": "Если обращение или жалоба касается кого-то, его роль в церкви.",
        "et": "Kui mure või kaebus puudutab kedagi, tema roll kirikus.",
    },
    choice_labels={
        "en": dict(
            zip(
                ACCUSED_ROLES,
                (
                    "Clergy (bishop, priest, deacon, minister)",
                    "Member of a religious order",
                    "Lay minister (for example a reader)",
                    "Employee",
                    "Volunteer",
                    "Other",
                ),
                strict=True,
            )
        ),
        **translated(
            ACCUSED_ROLES,
            de=(
                "Geistliche Person (Bischof, Priester, Diakon, Pfarrerin oder Pfarrer)",
                "Mitglied eines Ordens",
                "Person im Laiendienst (zum Beispiel Lektor)",
                "Angestellte Person",
                "Ehrenamtliche Person",
                "Sonstige",
            ),
            ru=(
                "Духовенство (епископ, священник, диакон, пастор)",
                "Член монашеского ордена",
                "Мирянин-служитель (например, чтец)",
                "Сотрудник",
                "Волонтёр",
                "Другое",
            ),
            et=(
                "Vaimulik (piiskop, preester, diakon, õpetaja)",
                "Ordu liige",
                "Ilmikteenija (näiteks lugeja)",
                "Töötaja",
                "Vabatahtlik",
                "Muu",
            ),
        ),
    },
    channels=PUBLIC_CHANNELS,
)

ACCUSED_STAFF_FIELD = field(
    ACCUSED_STAFF,
    "string",
    "Member of staff it is about (work e-mail)",
    {
        "de": "Personalmitglied, um das es geht (dienstliche E-Mail)",
        "ru": "Сотрудник, о котором идёт речь (рабочая эл. почта)",
        "et": "Töötaja, keda see puudutab (tööalane e-post)",
    },
    "If the concern or complaint is about one of the organisation's own clergy or staff, their"
    " work e-mail address. They never handle or see the case. " + PERSONAL_DATA["en"],
    personal(
        {
            "de": "Wenn sich das Anliegen oder die Beschwerde auf eine geistliche Person oder ein"
            " Personalmitglied der Organisation bezieht, deren dienstliche E-Mail-Adresse. Diese"
            " Person bearbeitet den Fall nie und sieht ihn nie.",
            "ru": "Если обращение или жалоба касается священнослужителя или сотрудника самой"
            " организации, укажите его рабочий адрес электронной почты. Этот человек никогда не"
            " рассматривает дело и не видит его.",
            "et": "Kui mure või kaebus puudutab organisatsiooni enda vaimulikku või töötajat,"
            " märkige tema tööalane e-posti aadress. Tema ei menetle juhtumit ega näe seda"
            " kunagi.",
        }
    ),
    sensitive=True,
)

_MISCONDUCT_LABELS = {
    "de": "Datum des Fehlverhaltens",
    "ru": "Дата проступка",
    "et": "Väärkäitumise kuupäev",
}
_MISCONDUCT_HELP = {
    "en": "The day it happened, or the last day if it happened more than once.",
    "de": "Der Tag, an dem es geschah, oder der letzte Tag, wenn es mehrmals geschah.",
    "ru": "День, когда это произошло, или последний день, если это повторялось.",
    "et": "Päev, mil see juhtus, või viimane päev, kui see juhtus mitu korda.",
}
_CLERGY_LIMIT = {
    "en": "A complaint about a member of the clergy is normally made within one year of it;"
    " there is no time limit for sexual misconduct towards a child or a vulnerable adult.",
    "de": "Eine Beschwerde über einen Geistlichen wird in der Regel innerhalb eines Jahres"
    " danach erhoben; für sexuelles Fehlverhalten gegenüber einem Kind oder einem"
    " schutzbedürftigen Erwachsenen gilt keine Frist.",
    "ru": "Жалоба на священнослужителя обычно подаётся в течение года после этого; для"
    " сексуальных проступков в отношении ребёнка или уязвимого взрослого срок не ограничен.",
    "et": "Kaebus vaimuliku kohta esitatakse tavaliselt ühe aasta jooksul; seksuaalse"
    " väärkäitumise puhul lapse või abivajava täiskasvanu suhtes tähtaega ei ole.",
}

ENGLAND_MISCONDUCT_FIELD = field(
    MISCONDUCT_DATE,
    "date",
    "Date of the misconduct",
    _MISCONDUCT_LABELS,
    f"{_MISCONDUCT_HELP['en']} {_CLERGY_LIMIT['en']}",
    {
        language: f"{_MISCONDUCT_HELP[language]} {_CLERGY_LIMIT[language]}"
        for language in _MISCONDUCT_LABELS
    },
    channels=PUBLIC_CHANNELS,
)

US_MISCONDUCT_FIELD = field(
    MISCONDUCT_DATE,
    "date",
    "Date of the misconduct",
    _MISCONDUCT_LABELS,
    _MISCONDUCT_HELP["en"],
    {language: _MISCONDUCT_HELP[language] for language in _MISCONDUCT_LABELS},
    channels=PUBLIC_CHANNELS,
)

SEXUAL_MISCONDUCT_FIELD = field(
    SEXUAL_MISCONDUCT,
    "boolean",
    "Sexual misconduct towards a child or a vulnerable adult",
    {
        "de": "Sexuelles Fehlverhalten gegenüber einem Kind oder einem schutzbedürftigen"
        " Erwachsenen",
        "ru": "Сексуальный проступок в отношении ребёнка или уязвимого взрослого",
        "et": "Seksuaalne väärkäitumine lapse või abivajava täiskasvanu suhtes",
    },
    "Tick when a complaint about a member of the clergy is of sexual misconduct towards a child,"
    " or towards an adult who was vulnerable at the time. There is then no time limit; for an"
    " adult, the president of tribunals decides whether they were vulnerable.",
    {
        "de": "Ankreuzen, wenn eine Beschwerde über einen Geistlichen sexuelles Fehlverhalten"
        " gegenüber einem Kind betrifft oder gegenüber einem Erwachsenen, der damals"
        " schutzbedürftig war. Dann gilt keine Frist; bei einem Erwachsenen entscheidet der"
        " Präsident der Disziplinargerichte (president of tribunals), ob er schutzbedürftig war.",
        "ru": "Отметьте, если жалоба на священнослужителя касается сексуального проступка в"
        " отношении ребёнка или взрослого, который в то время был уязвим. Тогда срок не"
        " ограничен; для взрослого председатель трибуналов (president of tribunals) решает,"
        " был ли он уязвим.",
        "et": "Märkige, kui kaebus vaimuliku kohta puudutab seksuaalset väärkäitumist lapse või"
        " täiskasvanu suhtes, kes oli tol ajal abivajav. Siis tähtaega ei ole; täiskasvanu"
        " puhul otsustab tribunalide esimees (president of tribunals), kas ta oli abivajav.",
    },
    channels=PUBLIC_CHANNELS,
)

CONFLICT_OF_INTEREST_FIELD = field(
    CONFLICT_OF_INTEREST,
    "boolean",
    "Conflict of interest: the receiving authority is conflicted or accused",
    {
        "de": "Interessenkonflikt: die zuständige Autorität ist befangen oder beschuldigt",
        "ru": "Конфликт интересов: получающий орган заинтересован или сам обвиняется",
        "et": "Huvide konflikt: vastuvõttev võimukandja on erapoolik või süüdistatav",
    },
    "Reports under Vos estis lux mundi: tick when the authority who would receive the report"
    " (the metropolitan) is the person accused or has a conflict of interest. The case then goes"
    " to the next authority (the senior suffragan bishop by promotion), and the conflicted"
    " authority withdraws.",
    {
        "de": "Meldungen nach Vos estis lux mundi: ankreuzen, wenn die Autorität, die die Meldung"
        " erhalten würde (der Metropolit), selbst beschuldigt oder befangen ist. Der Fall geht"
        " dann an die nächste Autorität (den dienstältesten Suffraganbischof), und die befangene"
        " Autorität zieht sich zurück.",
        "ru": "Сообщения по Vos estis lux mundi: отметьте, если орган, который должен получить"
        " сообщение (митрополит), сам обвиняется или имеет конфликт интересов. Тогда дело"
        " передаётся следующему органу (старейшему по назначению епископу-суффрагану), а"
        " заинтересованный орган устраняется.",
        "et": "Teated Vos estis lux mundi alusel: märkige, kui võimukandja, kes teate saaks"
        " (metropoliit), on ise süüdistatav või tal on huvide konflikt. Juhtum läheb siis"
        " järgmisele võimukandjale (ametiaja järgi vanimale sufragaanpiiskopile) ja erapoolik"
        " võimukandja taandub.",
    },
)

US_STATE_FIELD = field(
    US_STATE,
    "choice",
    "State",
    {"de": "Bundesstaat", "ru": "Штат", "et": "Osariik"},
    "The state where it happened: whether clergy must report abuse to the civil authorities"
    " depends on the state.",
    {
        "de": "Der Bundesstaat, in dem es geschah: Ob Geistliche Missbrauch den staatlichen"
        " Behörden melden müssen, hängt vom Bundesstaat ab.",
        "ru": "Штат, в котором это произошло: обязаны ли священнослужители сообщать о насилии"
        " гражданским властям, зависит от штата.",
        "et": "Osariik, kus see juhtus: kas vaimulikud peavad väärkohtlemisest"
        " tsiviilvõimudele teatama, sõltub osariigist.",
    },
    choice_labels={
        language: {row[0]: row[column] for row in STATES}
        for column, language in enumerate(("en", "de", "ru", "et"), start=1)
    },
    channels=PUBLIC_CHANNELS,
)

ENGLAND_FIELDS = (
    CONCERN_TYPE_FIELD,
    ENGLAND_IMMEDIATE_RISK_FIELD,
    RELIGIOUS_COMMUNITY_FIELD,
    DIOCESE_FIELD,
    VICTIM_GROUP_FIELD,
    ACCUSED_ROLE_FIELD,
    ACCUSED_STAFF_FIELD,
    ENGLAND_MISCONDUCT_FIELD,
    SEXUAL_MISCONDUCT_FIELD,
    CONFLICT_OF_INTEREST_FIELD,
)
US_FIELDS = (
    CONCERN_TYPE_FIELD,
    US_IMMEDIATE_RISK_FIELD,
    DIOCESE_FIELD,
    VICTIM_GROUP_FIELD,
    ACCUSED_ROLE_FIELD,
    ACCUSED_STAFF_FIELD,
    US_MISCONDUCT_FIELD,
    CONFLICT_OF_INTEREST_FIELD,
    US_STATE_FIELD,
)


def intake_fields(jurisdiction: str) -> tuple[IntakeField, ...]:
    """The fields asked when a concern is registered in ``jurisdiction``; none for another."""
    if jurisdiction == "england":
        return ENGLAND_FIELDS
    if jurisdiction == "us":
        return US_FIELDS
    return ()


# -- reading the answers -----------------------------------------------------------------------


def concern_type(case: CaseView) -> str:
    """The concern type recorded; missing (or not one of the plugin's) is a complaint."""
    value = case.fields.get(CONCERN_TYPE)
    return value if isinstance(value, str) and value in _CONCERN_CODES else COMPLAINT


def is_safeguarding(case: CaseView) -> bool:
    """A safeguarding concern."""
    return concern_type(case) == SAFEGUARDING


def is_vel_report(case: CaseView) -> bool:
    """A report under Vos estis lux mundi."""
    return concern_type(case) == VEL_REPORT


def in_immediate_danger(case: CaseView) -> bool:
    """Someone is in immediate danger, whatever the concern type."""
    return ticked(case, IMMEDIATE_RISK)


def accused_staff(source: CaseView | IntakeSubmission) -> str | None:
    """The work e-mail of the member of staff the case is about, trimmed, or None."""
    value = source.fields.get(ACCUSED_STAFF)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def problems(submission: IntakeSubmission, today: date) -> tuple[ValidationIssue, ...]:
    """A member of staff who is not an e-mail address, or misconduct after ``today``.

    A value that is not an e-mail address could keep nobody away from the case.
    """
    found: list[ValidationIssue] = []
    email = accused_staff(submission)
    if email is not None and not _EMAIL.fullmatch(email):
        found.append(ValidationIssue(f"fields.{ACCUSED_STAFF}", "must be an e-mail address"))
    misconduct = date_field(submission.fields, MISCONDUCT_DATE)
    if misconduct is not None and misconduct > today:
        found.append(
            ValidationIssue(
                f"fields.{MISCONDUCT_DATE}",
                "must not be later than the day the concern is raised",
            )
        )
    return tuple(found)

"""What staff record on a concern while handling it, for the rules, the returns and the record.

No form asks for these (``at_intake=False``): the reporter cannot know them, and
nobody has done them yet when the concern comes in. Staff set them on the case:
the kinds of abuse as the safeguarding lead assesses them (the statistics count
each), the referrals made (the police reference, the day of the referral to the
police or social care, in England the day the Diocesan Safeguarding Adviser was
told), and in England the president of tribunals' decision on a late clergy
complaint and whether the trustees must report a serious incident to the Charity
Commission.

Recording a referral's day (or the police's crime reference) meets its deadline
(``met_by_fields``, see ``safeguarding.py``).
"""

from __future__ import annotations

from core.sdk import IntakeField
from plugins.religious.fields import PERSONAL_DATA, choices_of, field, personal, translated
from plugins.religious.intake import (
    ABUSE_TYPE,
    GRANTED,
    LATE_PERMISSION,
    LATE_PERMISSION_REASON,
    POLICE_REFERENCE,
    REFERRED_DSA_ON,
    REFERRED_STATUTORY_ON,
    REFUSED,
    SERIOUS_INCIDENT,
)
from plugins.religious.taxonomy import ABUSE_TYPES

ABUSE_TYPE_FIELD = field(
    ABUSE_TYPE,
    "multichoice",
    "Kinds of abuse",
    {"de": "Formen des Missbrauchs", "ru": "Виды насилия", "et": "Väärkohtlemise liigid"},
    "Every kind of abuse or harm the concern raises, as the safeguarding lead assesses it; the"
    " statistics count each.",
    {
        "de": "Jede Form von Missbrauch oder Schaden, die das Anliegen betrifft, wie die"
        " Ansprechperson für Schutz vor Missbrauch sie einschätzt; die Statistik zählt jede.",
        "ru": "Каждый вид насилия или вреда, о котором идёт речь, по оценке ответственного за"
        " безопасность; статистика учитывает каждый.",
        "et": "Iga väärkohtlemise või kahju liik, mida mure puudutab, kaitsmise eest vastutaja"
        " hinnangul; statistika loeb igaüht.",
    },
    choice_labels=choices_of(
        ABUSE_TYPES,
        de=(
            "Körperlich",
            "Sexuell",
            "Emotional oder psychisch",
            "Vernachlässigung",
            "Geistlich (spiritueller Missbrauch)",
            "Häusliche Gewalt",
            "Finanziell oder materiell",
            "Online",
            "Sonstige",
        ),
        ru=(
            "Физическое",
            "Сексуальное",
            "Эмоциональное или психологическое",
            "Пренебрежение",
            "Духовное",
            "Домашнее насилие",
            "Финансовое или материальное",
            "В интернете",
            "Другое",
        ),
        et=(
            "Füüsiline",
            "Seksuaalne",
            "Emotsionaalne või psühholoogiline",
            "Hooletussejätmine",
            "Vaimne (usuline)",
            "Lähisuhtevägivald",
            "Rahaline või materiaalne",
            "Veebis",
            "Muu",
        ),
    ),
    at_intake=False,
)

LATE_PERMISSION_FIELD = field(
    LATE_PERMISSION,
    "choice",
    "Permission to complain out of time",
    {
        "de": "Erlaubnis für eine verspätete Beschwerde",
        "ru": "Разрешение на подачу жалобы после срока",
        "et": "Luba kaevata pärast tähtaega",
    },
    "For a complaint about a member of the clergy made after the one-year limit: the president"
    " of tribunals' decision on permission to bring it late. Recording it clears the out-of-time"
    " notice; a refusal closes nothing by itself: answer the complainant and close the case.",
    {
        "de": "Bei einer Beschwerde über einen Geistlichen nach Ablauf der Jahresfrist: die"
        " Entscheidung des Präsidenten der Disziplinargerichte über die Erlaubnis, sie verspätet"
        " zu erheben. Die Erfassung entfernt den Hinweis auf die Fristüberschreitung; eine"
        " Ablehnung schließt nichts von selbst: Antworten Sie und schließen Sie den Fall.",
        "ru": "Для жалобы на священнослужителя, поданной после истечения годичного срока:"
        " решение председателя трибуналов о разрешении подать её с опозданием. Запись решения"
        " снимает уведомление о пропуске срока; отказ сам ничего не закрывает: ответьте"
        " заявителю и закройте дело.",
        "et": "Vaimuliku kohta pärast üheaastast tähtaega esitatud kaebuse puhul: tribunalide"
        " esimehe otsus loa kohta see hiljem esitada. Otsuse märkimine eemaldab tähtaja"
        " ületamise teate; keeldumine ise midagi ei sulge: vastake kaebajale ja sulgege juhtum.",
    },
    choice_labels={
        "en": {GRANTED: "Granted", REFUSED: "Refused"},
        **translated(
            (GRANTED, REFUSED),
            de=("Erteilt", "Verweigert"),
            ru=("Предоставлено", "Отказано"),
            et=("Antud", "Keelatud"),
        ),
    },
    at_intake=False,
)

LATE_PERMISSION_REASON_FIELD = field(
    LATE_PERMISSION_REASON,
    "text",
    "Reasons for the decision on a late complaint",
    {
        "de": "Gründe der Entscheidung über die verspätete Beschwerde",
        "ru": "Основания решения по жалобе, поданной после срока",
        "et": "Hilinenud kaebuse kohta tehtud otsuse põhjused",
    },
    "The president of tribunals' reasons for granting or refusing permission, as given. "
    + PERSONAL_DATA["en"],
    personal(
        {
            "de": "Die Gründe des Präsidenten der Disziplinargerichte für die Erteilung oder"
            " Verweigerung der Erlaubnis, wie angegeben.",
            "ru": "Основания председателя трибуналов для предоставления разрешения или отказа в"
            " нём, как они были изложены.",
            "et": "Tribunalide esimehe esitatud põhjused loa andmiseks või sellest keeldumiseks.",
        }
    ),
    sensitive=True,
    at_intake=False,
)

SERIOUS_INCIDENT_FIELD = field(
    SERIOUS_INCIDENT,
    "boolean",
    "Serious incident to report to the Charity Commission",
    {
        "de": "Schwerwiegender Vorfall, der der Charity Commission zu melden ist",
        "ru": "Серьёзный инцидент, о котором нужно сообщить в Charity Commission",
        "et": "Tõsine juhtum, millest tuleb teatada Charity Commissionile",
    },
    "Tick when the trustees must report it to the Charity Commission as a serious incident:"
    " actual or alleged harm to people, or loss, damage or harm to the charity's reputation."
    " They report it promptly, fully and frankly.",
    {
        "de": "Ankreuzen, wenn das Leitungsgremium (trustees) es der Charity Commission als"
        " schwerwiegenden Vorfall melden muss: tatsächlicher oder behaupteter Schaden für"
        " Menschen oder Verlust, Schaden oder Rufschaden der Organisation. Es meldet ihn"
        " umgehend, vollständig und offen.",
        "ru": "Отметьте, если попечители (trustees) должны сообщить об этом в Charity"
        " Commission как о серьёзном инциденте: фактический или предполагаемый вред людям либо"
        " потери, ущерб или вред репутации организации. Они сообщают сразу, полно и откровенно.",
        "et": "Märkige, kui usaldusisikud (trustees) peavad sellest Charity Commissionile"
        " teatama kui tõsisest juhtumist: tegelik või väidetav kahju inimestele või"
        " organisatsiooni kaotus, kahju või mainekahju. Nad teatavad viivitamata, täielikult ja"
        " avameelselt.",
    },
    at_intake=False,
)

POLICE_REFERENCE_FIELD = field(
    POLICE_REFERENCE,
    "string",
    "Police reference",
    {"de": "Aktenzeichen der Polizei", "ru": "Номер дела в полиции", "et": "Politsei viitenumber"},
    "The crime or incident reference the police gave when the matter was reported to them. "
    + PERSONAL_DATA["en"],
    personal(
        {
            "de": "Das Aktenzeichen, das die Polizei bei der Meldung vergeben hat.",
            "ru": "Номер преступления или происшествия, присвоенный полицией при сообщении.",
            "et": "Kuriteo või juhtumi number, mille politsei teatamisel andis.",
        }
    ),
    sensitive=True,
    at_intake=False,
)

_REFERRED_LABELS = {
    "en": "Referred to the police or social care on",
    "de": "An Polizei oder Sozialdienste gemeldet am",
    "ru": "Дата передачи в полицию или социальные службы",
    "et": "Politseile või sotsiaalhoolekandele edastatud",
}

ENGLAND_REFERRED_STATUTORY_FIELD = field(
    REFERRED_STATUTORY_ON,
    "date",
    _REFERRED_LABELS["en"],
    {language: _REFERRED_LABELS[language] for language in ("de", "ru", "et")},
    "The day the concern was referred to the police or to children's or adult social care: due"
    " within one working day of the disclosure.",
    {
        "de": "Der Tag, an dem das Anliegen an die Polizei oder an die Kinder- oder"
        " Erwachsenensozialdienste gemeldet wurde: fällig innerhalb eines Arbeitstages nach der"
        " Offenlegung.",
        "ru": "День, когда обращение было передано в полицию или в социальные службы для детей"
        " или взрослых: срок — один рабочий день после раскрытия.",
        "et": "Päev, mil mure edastati politseile või laste või täiskasvanute"
        " sotsiaalhoolekandele: tähtaeg on üks tööpäev pärast avalikustamist.",
    },
    at_intake=False,
)

US_REFERRED_STATUTORY_FIELD = field(
    REFERRED_STATUTORY_ON,
    "date",
    "Reported to the civil authorities on",
    {
        "de": "An die staatlichen Behörden gemeldet am",
        "ru": "Дата сообщения гражданским властям",
        "et": "Tsiviilvõimudele teatatud",
    },
    "The day the concern was reported to child or adult protective services or to law enforcement.",
    {
        "de": "Der Tag, an dem das Anliegen dem Kinder- oder Erwachsenenschutz oder den"
        " Strafverfolgungsbehörden gemeldet wurde.",
        "ru": "День, когда о проблеме сообщили в службу защиты детей или взрослых либо в"
        " правоохранительные органы.",
        "et": "Päev, mil murest teatati laste- või täiskasvanukaitseteenistusele või"
        " õiguskaitseasutustele.",
    },
    at_intake=False,
)

REFERRED_DSA_FIELD = field(
    REFERRED_DSA_ON,
    "date",
    "Diocesan Safeguarding Adviser told on",
    {
        "de": "Diözesane Fachkraft für Schutz vor Missbrauch informiert am",
        "ru": "Дата сообщения епархиальному советнику по безопасности",
        "et": "Piiskopkonna kaitsmisnõunikku teavitatud",
    },
    "The day the Diocesan Safeguarding Adviser (or the church's safeguarding officer) was told:"
    " due within one working day, or for a religious community within 24 hours not counting"
    " weekends and bank holidays.",
    {
        "de": "Der Tag, an dem die diözesane Fachkraft für Schutz vor Missbrauch (oder die"
        " zuständige Stelle der Kirche) informiert wurde: fällig innerhalb eines Arbeitstages,"
        " bei einer Ordensgemeinschaft innerhalb von 24 Stunden ohne Wochenenden und"
        " gesetzliche Feiertage.",
        "ru": "День, когда сообщили епархиальному советнику по безопасности (или ответственному"
        " за безопасность в церкви): срок — один рабочий день, для религиозной общины — 24 часа"
        " без учёта выходных и официальных праздников.",
        "et": "Päev, mil teavitati piiskopkonna kaitsmisnõunikku (või kiriku kaitsmise eest"
        " vastutajat): tähtaeg on üks tööpäev, usukogukonna puhul 24 tundi, arvestamata"
        " nädalavahetusi ja riigipühi.",
    },
    at_intake=False,
)

ENGLAND_FIELDS = (
    ABUSE_TYPE_FIELD,
    LATE_PERMISSION_FIELD,
    LATE_PERMISSION_REASON_FIELD,
    SERIOUS_INCIDENT_FIELD,
    POLICE_REFERENCE_FIELD,
    ENGLAND_REFERRED_STATUTORY_FIELD,
    REFERRED_DSA_FIELD,
)
US_FIELDS = (ABUSE_TYPE_FIELD, POLICE_REFERENCE_FIELD, US_REFERRED_STATUTORY_FIELD)


def handling_fields(jurisdiction: str) -> tuple[IntakeField, ...]:
    """The fields staff record while handling a concern in ``jurisdiction``; none for another."""
    if jurisdiction == "england":
        return ENGLAND_FIELDS
    if jurisdiction == "us":
        return US_FIELDS
    return ()

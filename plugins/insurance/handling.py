"""What staff record about an insurance complaint while handling it, for the regulator's counts.

The complaint form does not ask for these: the complainant cannot know which
product grouping or cause the regulator counts a complaint under, nor how it was
disposed of. Staff fill them in on the case, and the plugin's reports read them.

UK (FCA DISP 1.10 and, from 2027, the consolidated return of PS25/19): product
grouping, cause, redress paid, and the two vulnerability data points.
US (complaint register, Conn. Agencies Regs. 38a-819-56): function, reason, line
of insurance, disposition, whether a state department of insurance sent it, and
the state it came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.sdk import FieldType, IntakeField, TaxonomyEntry, translated, translated_field
from plugins.insurance.taxonomy import (
    UK_CAUSES,
    UK_PRODUCTS,
    US_DISPOSITIONS,
    US_FUNCTIONS,
    US_LINES,
    US_REASONS,
)

PRODUCT = "product"
CAUSE = "cause"
REDRESS_PAID = "redress_paid"
CUSTOMER_VULNERABLE = "customer_vulnerable"
VULNERABILITY_FAILURE = "vulnerability_failure"

FUNCTION = "function"
REASON = "reason"
LINE_OF_INSURANCE = "line_of_insurance"
DISPOSITION = "disposition"
FROM_DEPARTMENT = "from_department"
STATE_OF_ORIGIN = "state_of_origin"

Words = Mapping[str, str]


def _field(
    name: str,
    kind: FieldType,
    label: str,
    labels: Words,
    help: str,
    helps: Words,
    entries: Sequence[TaxonomyEntry] = (),
    choice_words: Mapping[str, Words] | None = None,
) -> IntakeField:
    """A field staff fill in on the case, never asked on the complaint form.

    Each English text comes with its translations (``labels``, ``helps``); a choice
    field's English choice labels are its terms' own, ``choice_words`` the others.
    """
    english = {"en": {e.code: e.label for e in entries}} if entries else {}
    return translated_field(
        name,
        kind,
        label,
        labels,
        help,
        helps,
        choice_labels={**english, **(choice_words or {})},
        at_intake=False,
    )


_RETURN = {"de": "FCA-Beschwerdemeldung", "ru": "отчёт FCA о жалобах", "et": "FCA kaebuste aruanne"}
_REGISTER = {"de": "Beschwerderegister", "ru": "реестр жалоб", "et": "kaebuste register"}

PRODUCT_FIELD = _field(
    PRODUCT,
    "choice",
    "Product grouping (FCA complaints return)",
    {
        "de": f"Produktgruppe ({_RETURN['de']})",
        "ru": f"Группа продуктов ({_RETURN['ru']})",
        "et": f"Tooterühm ({_RETURN['et']})",
    },
    "The product grouping the FCA counts this complaint under.",
    {
        "de": "Die Produktgruppe, unter der die FCA diese Beschwerde zählt.",
        "ru": "Группа продуктов, по которой FCA учитывает эту жалобу.",
        "et": "Tooterühm, mille all FCA seda kaebust arvestab.",
    },
    UK_PRODUCTS,
    translated(
        [e.code for e in UK_PRODUCTS],
        de=(
            "Bankgeschäfte & Kreditkarten",
            "Immobilienfinanzierung",
            "Versicherung & reine Risikoabsicherung",
            "Entsparen & Altersvorsorge",
            "Geldanlagen",
        ),
        ru=(
            "Банковские услуги и кредитные карты",
            "Ипотечное финансирование",
            "Страхование и чистая защита",
            "Пенсии и выплата накоплений",
            "Инвестиции",
        ),
        et=(
            "Pangandus ja krediitkaardid",
            "Eluasemefinantseerimine",
            "Kindlustus ja puhas riskikaitse",
            "Pensionid ja kogumiste väljamaksed",
            "Investeeringud",
        ),
    ),
)

CAUSE_FIELD = _field(
    CAUSE,
    "choice",
    "Cause of the complaint (FCA complaints return)",
    {
        "de": f"Beschwerdeursache ({_RETURN['de']})",
        "ru": f"Причина жалобы ({_RETURN['ru']})",
        "et": f"Kaebuse põhjus ({_RETURN['et']})",
    },
    "The main cause of the complaint, as the FCA counts causes.",
    {
        "de": "Die Hauptursache der Beschwerde, wie die FCA Ursachen zählt.",
        "ru": "Основная причина жалобы в классификации FCA.",
        "et": "Kaebuse peamine põhjus FCA liigituse järgi.",
    },
    UK_CAUSES,
    translated(
        [e.code for e in UK_CAUSES],
        de=(
            "Beratung, Verkauf & Vermittlung",
            "Bedingungen und strittige Beträge/Gebühren",
            "Allgemeine Verwaltung/Kundenservice",
            "Zahlungsrückstände",
            "Sonstiges",
        ),
        ru=(
            "Консультирование, продажа и оформление",
            "Условия и оспариваемые суммы/сборы",
            "Общее администрирование/обслуживание клиентов",
            "Связано с задолженностью",
            "Другое",
        ),
        et=(
            "Nõustamine, müük ja vahendamine",
            "Tingimused ja vaidlustatud summad/tasud",
            "Üldhaldus/klienditeenindus",
            "Võlgnevustega seotud",
            "Muu",
        ),
    ),
)

REDRESS_FIELD = _field(
    REDRESS_PAID,
    "integer",
    "Redress paid to the complainant (whole pounds)",
    {
        "de": "An die beschwerdeführende Person gezahlte Entschädigung (volle Pfund)",
        "ru": "Компенсация, выплаченная заявителю (целые фунты)",
        "et": "Kaebajale makstud hüvitis (täisnaelades)",
    },
    "What the firm paid the complainant to put things right, rounded to whole pounds.",
    {
        "de": "Was das Unternehmen zur Wiedergutmachung gezahlt hat, auf volle Pfund gerundet.",
        "ru": "Сумма, выплаченная компанией для исправления ситуации, округлённая до фунтов.",
        "et": "Ettevõtte poolt heastamiseks makstud summa, ümardatud täisnaelteni.",
    },
)

VULNERABLE_FIELD = _field(
    CUSTOMER_VULNERABLE,
    "boolean",
    "The customer is in vulnerable circumstances",
    {
        "de": "Die Kundin oder der Kunde befindet sich in einer verletzlichen Lage",
        "ru": "Клиент находится в уязвимом положении",
        "et": "Klient on haavatavas olukorras",
    },
    "However the firm learnt of it: health, a life event, low resilience or low capability.",
    {
        "de": "Gleich, wie das Unternehmen davon erfahren hat: Gesundheit, ein Lebensereignis,"
        " geringe Belastbarkeit oder geringe Fähigkeiten.",
        "ru": "Как бы компания об этом ни узнала: здоровье, жизненное событие, низкая"
        " устойчивость или ограниченные возможности.",
        "et": "Sõltumata sellest, kuidas ettevõte sellest teada sai: tervis, elusündmus,"
        " vähene toimetulekuvõime või piiratud võimekus.",
    },
)

VULNERABILITY_FAILURE_FIELD = _field(
    VULNERABILITY_FAILURE,
    "boolean",
    "The complaint was caused by a failure to consider the customer's vulnerability",
    {
        "de": "Die Beschwerde beruht darauf, dass die verletzliche Lage der Kundin oder des"
        " Kunden nicht berücksichtigt wurde",
        "ru": "Жалоба вызвана тем, что уязвимость клиента не была учтена",
        "et": "Kaebuse põhjustas see, et kliendi haavatavust ei arvestatud",
    },
    "The firm failed to consider or respond to the customer's vulnerability, and that is"
    " what the complaint is about.",
    {
        "de": "Das Unternehmen hat die verletzliche Lage nicht berücksichtigt oder nicht darauf"
        " reagiert, und darum geht es in der Beschwerde.",
        "ru": "Компания не учла уязвимость клиента или не отреагировала на неё, и жалоба"
        " именно об этом.",
        "et": "Ettevõte ei arvestanud kliendi haavatavusega või ei reageerinud sellele ning"
        " kaebus puudutab just seda.",
    },
)

FUNCTION_FIELD = _field(
    FUNCTION,
    "choice",
    "Function of the company involved (complaint register)",
    {
        "de": f"Betroffener Unternehmensbereich ({_REGISTER['de']})",
        "ru": f"Затронутая функция компании ({_REGISTER['ru']})",
        "et": f"Asjaomane ettevõtte funktsioon ({_REGISTER['et']})",
    },
    "The part of the company's work the complaint is about.",
    {
        "de": "Der Bereich des Unternehmens, den die Beschwerde betrifft.",
        "ru": "Направление работы компании, к которому относится жалоба.",
        "et": "Ettevõtte tegevusvaldkond, mida kaebus puudutab.",
    },
    US_FUNCTIONS,
    translated(
        [e.code for e in US_FUNCTIONS],
        de=(
            "Risikoprüfung",
            "Marketing & Vertrieb",
            "Schadenbearbeitung",
            "Service für Versicherungsnehmer",
            "Sonstiges",
        ),
        ru=(
            "Андеррайтинг",
            "Маркетинг и продажи",
            "Урегулирование убытков",
            "Обслуживание страхователей",
            "Прочее",
        ),
        et=(
            "Riskihindamine",
            "Turundus ja müük",
            "Kahjukäsitlus",
            "Kindlustusvõtjate teenindus",
            "Muu",
        ),
    ),
)

REASON_FIELD = _field(
    REASON,
    "choice",
    "Reason for the complaint (complaint register)",
    {
        "de": f"Beschwerdegrund ({_REGISTER['de']})",
        "ru": f"Причина жалобы ({_REGISTER['ru']})",
        "et": f"Kaebuse põhjus ({_REGISTER['et']})",
    },
    "What the complaint is about, under the function chosen above.",
    {
        "de": "Worum es in der Beschwerde geht, innerhalb des oben gewählten Bereichs.",
        "ru": "Суть жалобы в рамках выбранной выше функции.",
        "et": "Millest kaebus räägib, eespool valitud funktsiooni piires.",
    },
    US_REASONS,
    translated(
        [e.code for e in US_REASONS],
        de=(
            "Verzögerungen bei der Schadenbearbeitung",
            "Ablehnung des Schadens",
            "Unbefriedigende Regulierung oder unbefriedigendes Angebot",
            "Kündigung oder Nichtverlängerung",
            "Prämie und Tarifierung",
            "Irreführende Darstellung",
            "Verzögerungen oder keine Antwort",
            "Prämienerstattung",
            "Sonstiges",
        ),
        ru=(
            "Задержки в урегулировании убытков",
            "Отказ в выплате",
            "Неудовлетворительное урегулирование или предложение",
            "Расторжение или непродление",
            "Страховая премия и тарифы",
            "Введение в заблуждение",
            "Задержки или отсутствие ответа",
            "Возврат премии",
            "Другое",
        ),
        et=(
            "Viivitused kahjukäsitluses",
            "Kahjunõude tagasilükkamine",
            "Rahuldamatu hüvitis või pakkumine",
            "Lõpetamine või pikendamata jätmine",
            "Kindlustusmakse ja tariifid",
            "Eksitav esitlus",
            "Viivitused või vastamata jätmine",
            "Kindlustusmakse tagastamine",
            "Muu",
        ),
    ),
)

LINE_FIELD = _field(
    LINE_OF_INSURANCE,
    "choice",
    "Line of insurance",
    {"de": "Versicherungssparte", "ru": "Вид страхования", "et": "Kindlustusliik"},
    "The kind of policy the complaint concerns.",
    {
        "de": "Die Art der Versicherung, um die es in der Beschwerde geht.",
        "ru": "Вид полиса, к которому относится жалоба.",
        "et": "Poliisi liik, mida kaebus puudutab.",
    },
    US_LINES,
    translated(
        [e.code for e in US_LINES],
        de=(
            "Privat-Kfz",
            "Wohngebäude und Landwirtschaft",
            "Leben und Rentenversicherungen",
            "Unfall und Krankheit",
            "Gewerbliche Sparten",
            "Sonstige",
        ),
        ru=(
            "Личные автомобили",
            "Жильё и фермерские хозяйства",
            "Страхование жизни и аннуитеты",
            "Несчастные случаи и здоровье",
            "Коммерческое страхование",
            "Другое",
        ),
        et=(
            "Eraisikute sõidukid",
            "Kodu- ja taluomanikud",
            "Elukindlustus ja annuiteedid",
            "Õnnetusjuhtumi- ja tervisekindlustus",
            "Ärikindlustus",
            "Muu",
        ),
    ),
)

DISPOSITION_FIELD = _field(
    DISPOSITION,
    "choice",
    "Disposition of the complaint (complaint register)",
    {
        "de": f"Erledigung der Beschwerde ({_REGISTER['de']})",
        "ru": f"Итог рассмотрения жалобы ({_REGISTER['ru']})",
        "et": f"Kaebuse lahend ({_REGISTER['et']})",
    },
    "How the complaint was disposed of. Left empty, the register derives it from the"
    " approved outcome.",
    {
        "de": "Wie die Beschwerde erledigt wurde. Bleibt das Feld leer, leitet das Register"
        " es aus der genehmigten Entscheidung ab.",
        "ru": "Чем закончилось рассмотрение жалобы. Если поле пустое, реестр выводит итог"
        " из утверждённого решения.",
        "et": "Kuidas kaebus lahendati. Kui väli on tühi, tuletab register selle kinnitatud"
        " otsusest.",
    },
    US_DISPOSITIONS,
    translated(
        [e.code for e in US_DISPOSITIONS],
        de=(
            "Position des Unternehmens bestätigt",
            "Position des Unternehmens aufgegeben",
            "Vergleich oder Kompromisslösung",
            "Schaden bezahlt oder reguliert",
            "Vertrag ausgestellt oder wieder in Kraft gesetzt",
            "Prämie erstattet",
            "Keine Maßnahme verlangt oder erforderlich",
            "Beschwerde zurückgezogen",
            "Sonstiges",
        ),
        ru=(
            "Позиция компании подтверждена",
            "Позиция компании изменена",
            "Компромиссное урегулирование",
            "Требование оплачено или урегулировано",
            "Полис выдан или восстановлен",
            "Премия возвращена",
            "Действий не требовалось",
            "Жалоба отозвана",
            "Другое",
        ),
        et=(
            "Ettevõtte seisukoht jäi kehtima",
            "Ettevõtte seisukoht muudeti",
            "Kompromisslahendus",
            "Kahjunõue makstud või lahendatud",
            "Poliis väljastatud või taastatud",
            "Kindlustusmakse tagastatud",
            "Meetmeid ei taotletud ega vajatud",
            "Kaebus võeti tagasi",
            "Muu",
        ),
    ),
)

FROM_DEPARTMENT_FIELD = _field(
    FROM_DEPARTMENT,
    "boolean",
    "Received through a state department of insurance",
    {
        "de": "Über eine staatliche Versicherungsaufsicht eingegangen",
        "ru": "Поступила через департамент страхования штата",
        "et": "Saabus osariigi kindlustusjärelevalve kaudu",
    },
    "The complaint came to the company from a state department of insurance.",
    {
        "de": "Die Beschwerde wurde dem Unternehmen von einer staatlichen Versicherungsaufsicht"
        " zugeleitet.",
        "ru": "Жалоба поступила в компанию из департамента страхования штата.",
        "et": "Kaebus jõudis ettevõttesse osariigi kindlustusjärelevalve kaudu.",
    },
)

STATE_FIELD = _field(
    STATE_OF_ORIGIN,
    "string",
    "State the complaint came from (two-letter code)",
    {
        "de": "Herkunftsstaat der Beschwerde (Zwei-Buchstaben-Code)",
        "ru": "Штат, из которого поступила жалоба (двухбуквенный код)",
        "et": "Osariik, kust kaebus pärineb (kahetäheline kood)",
    },
    "Usually the state the complainant lives in, e.g. CT.",
    {
        "de": "In der Regel der Bundesstaat, in dem die beschwerdeführende Person wohnt, z. B. CT.",
        "ru": "Обычно штат проживания заявителя, например CT.",
        "et": "Tavaliselt kaebaja elukohaosariik, näiteks CT.",
    },
)

UK_FIELDS = (
    PRODUCT_FIELD,
    CAUSE_FIELD,
    REDRESS_FIELD,
    VULNERABLE_FIELD,
    VULNERABILITY_FAILURE_FIELD,
)
US_FIELDS = (
    FUNCTION_FIELD,
    REASON_FIELD,
    LINE_FIELD,
    DISPOSITION_FIELD,
    FROM_DEPARTMENT_FIELD,
    STATE_FIELD,
)


def handling_fields(jurisdiction: str) -> tuple[IntakeField, ...]:
    """The fields staff record in ``jurisdiction`` ("uk" or "us"); none for any other."""
    if jurisdiction == "uk":
        return UK_FIELDS
    if jurisdiction == "us":
        return US_FIELDS
    return ()

"""What a prison files grievances under, and the field staff record it in.

US, kind ``grievance_type``: the broad subjects a grievance office sorts by, with
sexual abuse and sexual harassment apart, as PREA's incident data (28 CFR
115.87) counts them separately.

England and Wales, kind ``complaint_subject``: the subjects prisons record
complaints under (adjudications, property, staff conduct, ...), following the
complaint categories HMPPS uses as the plugin knows them; verify against the
establishment's current list, which is local.

None is a ``category``, so the plugin does not restrict the categories a case may
be filed under. Codes are lower case and stable: stored cases refer to them.
"""

from __future__ import annotations

from core.sdk import IntakeField, TaxonomyEntry
from plugins.prisons.fields import choices_of, field

GRIEVANCE_TYPE = "grievance_type"
COMPLAINT_SUBJECT = "complaint_subject"


def _terms(kind: str, *pairs: tuple[str, str]) -> tuple[TaxonomyEntry, ...]:
    return tuple(TaxonomyEntry(code, label, kind=kind) for code, label in pairs)


GRIEVANCE_TYPES = _terms(
    GRIEVANCE_TYPE,
    ("prea_sexual_abuse", "PREA: sexual abuse"),
    ("prea_sexual_harassment", "PREA: sexual harassment"),
    ("staff_conduct", "Staff conduct"),
    ("medical", "Medical care"),
    ("conditions", "Conditions of confinement"),
    ("property", "Property"),
    ("discipline", "Discipline"),
    ("other", "Other"),
)

#: Verify against the establishment's list: the categories are HMPPS's, kept locally.
COMPLAINT_SUBJECTS = _terms(
    COMPLAINT_SUBJECT,
    ("adjudications", "Adjudications"),
    ("canteen", "Canteen and facilities list"),
    ("categorisation", "Categorisation"),
    ("equality", "Equality and diversity"),
    ("education_work", "Education, training and work"),
    ("finance", "Finance and private cash"),
    ("food", "Food"),
    ("incentives", "Incentives scheme"),
    ("correspondence", "Legal and general correspondence"),
    ("visits_phones", "Visits and telephones"),
    ("property", "Property"),
    ("release", "Release, sentence calculation and home detention curfew"),
    ("resettlement", "Resettlement and offender management"),
    ("segregation", "Segregation"),
    ("staff_conduct", "Staff conduct"),
    ("transfers", "Transfers"),
    ("use_of_force", "Use of force"),
    ("healthcare", "Healthcare"),
    ("other", "Other"),
)

GRIEVANCE_TYPE_FIELD = field(
    GRIEVANCE_TYPE,
    "choice",
    "Grievance type",
    {"de": "Art der Beschwerde", "ru": "Тип жалобы", "et": "Kaebuse liik"},
    "What the grievance is mainly about.",
    {
        "de": "Worum es in der Beschwerde hauptsächlich geht.",
        "ru": "Чего в основном касается жалоба.",
        "et": "Mida kaebus peamiselt puudutab.",
    },
    choice_labels=choices_of(
        GRIEVANCE_TYPES,
        de=(
            "PREA: sexueller Missbrauch",
            "PREA: sexuelle Belästigung",
            "Verhalten des Personals",
            "Medizinische Versorgung",
            "Haftbedingungen",
            "Eigentum",
            "Disziplinarmaßnahmen",
            "Sonstiges",
        ),
        ru=(
            "PREA: сексуальное насилие",
            "PREA: сексуальные домогательства",
            "Поведение персонала",
            "Медицинская помощь",
            "Условия содержания",
            "Имущество",
            "Дисциплинарные меры",
            "Другое",
        ),
        et=(
            "PREA: seksuaalne väärkohtlemine",
            "PREA: seksuaalne ahistamine",
            "Töötajate käitumine",
            "Arstiabi",
            "Kinnipidamistingimused",
            "Vara",
            "Distsiplinaarasjad",
            "Muu",
        ),
    ),
    at_intake=False,
)

COMPLAINT_SUBJECT_FIELD = field(
    COMPLAINT_SUBJECT,
    "choice",
    "Complaint subject",
    {"de": "Gegenstand der Beschwerde", "ru": "Предмет жалобы", "et": "Kaebuse teema"},
    "What the complaint is mainly about. The Prisons and Probation Ombudsman does not"
    " investigate healthcare complaints.",
    {
        "de": "Worum es in der Beschwerde hauptsächlich geht. Der Prisons and Probation"
        " Ombudsman untersucht keine Beschwerden über die Gesundheitsversorgung.",
        "ru": "Чего в основном касается жалоба. Омбудсмен по делам тюрем и пробации (Prisons"
        " and Probation Ombudsman) не рассматривает жалобы на медицинскую помощь.",
        "et": "Mida kaebus peamiselt puudutab. Vanglate ja kriminaalhoolduse ombudsman (Prisons"
        " and Probation Ombudsman) ei uuri tervishoiukaebusi.",
    },
    choice_labels=choices_of(
        COMPLAINT_SUBJECTS,
        de=(
            "Disziplinarverfahren (adjudications)",
            "Anstaltskaufladen und Bestellliste",
            "Einstufung (Kategorisierung)",
            "Gleichstellung und Vielfalt",
            "Bildung, Ausbildung und Arbeit",
            "Finanzen und Eigengeld",
            "Verpflegung",
            "Anreizsystem",
            "Rechts- und allgemeine Korrespondenz",
            "Besuche und Telefon",
            "Eigentum",
            "Entlassung, Strafzeitberechnung und Hausarrest mit elektronischer Überwachung",
            "Wiedereingliederung und Vollzugsplanung",
            "Absonderung",
            "Verhalten des Personals",
            "Verlegungen",
            "Anwendung von Zwang",
            "Gesundheitsversorgung",
            "Sonstiges",
        ),
        ru=(
            "Дисциплинарные разбирательства",
            "Тюремный магазин и список товаров",
            "Категоризация",
            "Равенство и многообразие",
            "Образование, обучение и работа",
            "Финансы и личные средства",
            "Питание",
            "Система поощрений",
            "Юридическая и общая переписка",
            "Свидания и телефонные звонки",
            "Имущество",
            "Освобождение, расчёт срока и домашний арест с электронным контролем",
            "Ресоциализация и работа с осуждёнными",
            "Раздельное содержание (сегрегация)",
            "Поведение персонала",
            "Переводы",
            "Применение силы",
            "Медицинская помощь",
            "Другое",
        ),
        et=(
            "Distsiplinaarmenetlused",
            "Vanglapood ja tellimisnimekiri",
            "Kategoriseerimine",
            "Võrdsus ja mitmekesisus",
            "Haridus, koolitus ja töö",
            "Rahaasjad ja isiklikud vahendid",
            "Toit",
            "Soodustuste süsteem",
            "Õigusalane ja üldine kirjavahetus",
            "Kokkusaamised ja telefon",
            "Vara",
            "Vabanemine, karistusaja arvestus ja elektrooniline koduarest",
            "Taasühiskonnastamine ja süüdimõistetu juhtimine",
            "Eraldamine",
            "Töötajate käitumine",
            "Üleviimised",
            "Jõu kasutamine",
            "Tervishoid",
            "Muu",
        ),
    ),
    at_intake=False,
)


def taxonomy(jurisdiction: str) -> tuple[TaxonomyEntry, ...]:
    """The terms grievances are filed under in ``jurisdiction``; none for another."""
    if jurisdiction == "us":
        return GRIEVANCE_TYPES
    if jurisdiction == "england-wales":
        return COMPLAINT_SUBJECTS
    return ()


def handling_fields(jurisdiction: str) -> tuple[IntakeField, ...]:
    """The field staff record the term in while handling the case (never asked at intake)."""
    if jurisdiction == "us":
        return (GRIEVANCE_TYPE_FIELD,)
    if jurisdiction == "england-wales":
        return (COMPLAINT_SUBJECT_FIELD,)
    return ()

"""What staff record about a health complaint while handling it, for the returns and rules.

The complaint form does not ask for these (``at_intake=False``): the complainant
cannot know the service area or profession the return counts the complaint
under, nor has anyone decided yet whether a late complaint is accepted. Staff set
them on the case, and the plugin's reports read them.

England: the KO41a sections (service area, subject areas, profession,
complainant status, patient age), whether the complainant went to the
Parliamentary and Health Service Ombudsman (for the reg. 18 annual report), and
the decision on a complaint made after the 12-month time limit (reg. 12).
US: the CMS grievance category.
"""

from __future__ import annotations

from core.sdk import IntakeField
from plugins.healthcare.fields import choices_of, field, translated
from plugins.healthcare.taxonomy import (
    AGE_BANDS,
    COMPLAINANT_STATUSES,
    GRIEVANCE_TYPES,
    PROFESSIONS,
    SERVICE_AREAS,
    SUBJECTS,
)

SERVICE_AREA = "service_area"
#: The KO41a subject areas of the complaint: every aspect it raises.
ASPECTS = "subjects"
PROFESSION = "profession"
COMPLAINANT_STATUS = "complainant_status"
PATIENT_AGE_BAND = "patient_age_band"
REFERRED_TO_OMBUDSMAN = "referred_to_ombudsman"
LATE_DECISION = "late_decision"
LATE_DECISION_REASON = "late_decision_reason"
GRIEVANCE_TYPE = "grievance_type"

ACCEPTED = "accepted"
NOT_ACCEPTED = "not_accepted"

_KO41A = {"de": "KO41a", "ru": "KO41a", "et": "KO41a"}

SERVICE_AREA_FIELD = field(
    SERVICE_AREA,
    "choice",
    "Service area (KO41a)",
    {
        "de": f"Leistungsbereich ({_KO41A['de']})",
        "ru": f"Область услуг ({_KO41A['ru']})",
        "et": f"Teenusvaldkond ({_KO41A['et']})",
    },
    "The service the complaint is about, as the KO41a return counts service areas.",
    {
        "de": "Der Dienst, den die Beschwerde betrifft, so wie die KO41a-Meldung"
        " Leistungsbereiche zählt.",
        "ru": "Услуга, которой касается жалоба, по классификации отчёта KO41a.",
        "et": "Teenus, mida kaebus puudutab, KO41a aruande teenusvaldkondade järgi.",
    },
    choice_labels=choices_of(
        SERVICE_AREAS,
        de=(
            "Stationäre Versorgung",
            "Ambulante Versorgung",
            "Notaufnahme",
            "Geburtshilfe",
            "Psychische Gesundheit",
            "Lernbehinderungen",
            "Gemeindenahe Dienste, einschließlich Gemeindekrankenhäuser",
            "Rettungsdienst",
            "Zahnmedizinische Dienste (Krankenhaus und gemeindenah)",
            "Sonstiges",
        ),
        ru=(
            "Стационарная помощь",
            "Амбулаторная помощь",
            "Неотложная помощь",
            "Родовспоможение",
            "Психическое здоровье",
            "Нарушения обучаемости",
            "Услуги по месту жительства, включая местные больницы",
            "Скорая помощь",
            "Стоматология (больничная и по месту жительства)",
            "Другое",
        ),
        et=(
            "Statsionaarne ravi",
            "Ambulatoorne ravi",
            "Erakorralise meditsiini osakond",
            "Sünnitusabi",
            "Vaimne tervis",
            "Õpiraskused",
            "Kogukonnateenused, sh kogukonnahaiglad",
            "Kiirabi",
            "Hambaravi (haiglas ja kogukonnas)",
            "Muu",
        ),
    ),
    at_intake=False,
)

ASPECTS_FIELD = field(
    ASPECTS,
    "multichoice",
    "Subject areas: the complaint's aspects (KO41a)",
    {
        "de": f"Themenbereiche: die Aspekte der Beschwerde ({_KO41A['de']})",
        "ru": f"Тематические области: аспекты жалобы ({_KO41A['ru']})",
        "et": f"Teemavaldkonnad: kaebuse aspektid ({_KO41A['et']})",
    },
    "Every aspect the complaint raises. The KO41a counts the complaint once in its total and"
    " once under each aspect.",
    {
        "de": "Jeder Aspekt, den die Beschwerde anspricht. Die KO41a zählt die Beschwerde einmal"
        " in der Gesamtzahl und einmal unter jedem Aspekt.",
        "ru": "Каждый аспект, который затрагивает жалоба. KO41a учитывает жалобу один раз в"
        " общем итоге и по одному разу в каждом аспекте.",
        "et": "Iga aspekt, mida kaebus tõstatab. KO41a arvestab kaebust üks kord koguarvus ja"
        " üks kord iga aspekti all.",
    },
    choice_labels=choices_of(
        SUBJECTS,
        de=(
            "Zugang zu Behandlung oder Arzneimitteln",
            "Aufnahmen, Entlassungen und Verlegungen",
            "Termine, einschließlich Verzögerungen und Absagen",
            "Klinische Behandlung",
            "Beauftragung von Leistungen (Commissioning)",
            "Kommunikation",
            "Beschwerdebearbeitung",
            "Einwilligung",
            "Versorgung am Lebensende",
            "Einrichtungen und Ausstattung",
            "Integrierte Versorgung, einschließlich verzögerter Entlassung",
            "Mental Health Act (Gesetz über psychische Gesundheit)",
            "Patientenversorgung, einschließlich Ernährung und Flüssigkeitszufuhr",
            "Verschreibung",
            "Privatsphäre, Würde und Wohlbefinden",
            "Fixierung und Zwangsmaßnahmen",
            "Personalausstattung",
            "Transport (Krankenwagen und andere)",
            "Verwaltung, Richtlinien und Verfahren der Einrichtung sowie Akten",
            "Werte und Verhalten (Personal)",
            "Wartezeiten",
            "Sonstiges",
        ),
        ru=(
            "Доступ к лечению или лекарствам",
            "Госпитализация, выписка и перевод",
            "Приёмы, включая задержки и отмены",
            "Лечение",
            "Закупка услуг (commissioning)",
            "Коммуникация",
            "Рассмотрение жалоб",
            "Согласие",
            "Помощь в конце жизни",
            "Помещения и оснащение",
            "Интегрированная помощь, включая задержку выписки",
            "Закон о психическом здоровье (Mental Health Act)",
            "Уход за пациентом, включая питание и питьевой режим",
            "Назначение лекарств",
            "Неприкосновенность частной жизни, достоинство и благополучие",
            "Меры стеснения",
            "Численность персонала",
            "Транспорт (скорая помощь и другой)",
            "Администрация, правила и процедуры учреждения, документация",
            "Ценности и поведение (персонал)",
            "Время ожидания",
            "Другое",
        ),
        et=(
            "Juurdepääs ravile või ravimitele",
            "Vastuvõtt, väljakirjutamine ja üleviimine",
            "Vastuvõtuajad, sh viivitused ja tühistamised",
            "Kliiniline ravi",
            "Teenuste tellimine (commissioning)",
            "Suhtlus",
            "Kaebuste menetlemine",
            "Nõusolek",
            "Elulõpuravi",
            "Ruumid ja rajatised",
            "Integreeritud ravi, sh viivitusega väljakirjutamine",
            "Vaimse tervise seadus (Mental Health Act)",
            "Patsiendi hooldus, sh toitmine ja joogirežiim",
            "Ravimite väljakirjutamine",
            "Privaatsus, väärikus ja heaolu",
            "Ohjeldamine",
            "Töötajate arv",
            "Transport (kiirabi ja muu)",
            "Asutuse haldus, põhimõtted ja menetlused ning dokumendid",
            "Väärtused ja käitumine (töötajad)",
            "Ooteajad",
            "Muu",
        ),
    ),
    at_intake=False,
)

PROFESSION_FIELD = field(
    PROFESSION,
    "choice",
    "Profession concerned (KO41a)",
    {
        "de": f"Betroffene Berufsgruppe ({_KO41A['de']})",
        "ru": f"Затронутая профессиональная группа ({_KO41A['ru']})",
        "et": f"Asjaomane kutserühm ({_KO41A['et']})",
    },
    "The staff group the complaint is mainly about.",
    {
        "de": "Die Berufsgruppe, die die Beschwerde hauptsächlich betrifft.",
        "ru": "Группа персонала, которой в основном касается жалоба.",
        "et": "Töötajate rühm, keda kaebus peamiselt puudutab.",
    },
    choice_labels=choices_of(
        PROFESSIONS,
        de=(
            "Ärztlicher Dienst (einschließlich Chirurgie)",
            "Pflege, Hebammenwesen und Gesundheitsbesuchsdienst",
            "Gesundheitsfachberufe (Allied Health Professionals)",
            "Wissenschaftliche, therapeutische und technische Berufe",
            "Rettungsdienstpersonal",
            "Verwaltungspersonal und Vorstand der Einrichtung",
            "Sonstiges",
        ),
        ru=(
            "Врачи (включая хирургов)",
            "Сестринское дело, акушерство и патронаж",
            "Смежные медицинские специальности",
            "Научный, терапевтический и технический персонал",
            "Персонал скорой помощи",
            "Административный персонал и члены правления",
            "Другое",
        ),
        et=(
            "Arstid (sh kirurgid)",
            "Õendus, ämmaemandus ja koduõendus",
            "Tervishoiu tugierialad",
            "Teadus-, teraapia- ja tehnikatöötajad",
            "Kiirabitöötajad",
            "Asutuse haldustöötajad ja juhatuse liikmed",
            "Muu",
        ),
    ),
    at_intake=False,
)

COMPLAINANT_STATUS_FIELD = field(
    COMPLAINANT_STATUS,
    "choice",
    "Complainant's status (KO41a)",
    {
        "de": f"Stellung der beschwerdeführenden Person ({_KO41A['de']})",
        "ru": f"Статус заявителя ({_KO41A['ru']})",
        "et": f"Kaebaja staatus ({_KO41A['et']})",
    },
    "Whether the patient complained, or someone on their behalf.",
    {
        "de": "Ob die Patientin oder der Patient selbst oder jemand in deren Namen die"
        " Beschwerde erhoben hat.",
        "ru": "Подал ли жалобу сам пациент или кто-то от его имени.",
        "et": "Kas kaebuse esitas patsient ise või keegi tema nimel.",
    },
    choice_labels=choices_of(
        COMPLAINANT_STATUSES,
        de=(
            "Patientin oder Patient",
            "Angehörige oder pflegende Person",
            "Andere Person im Namen der Patientin oder des Patienten",
        ),
        ru=("Пациент", "Родственник или опекун", "Другое лицо от имени пациента"),
        et=("Patsient", "Lähedane või hooldaja", "Muu isik patsiendi nimel"),
    ),
    at_intake=False,
)

PATIENT_AGE_BAND_FIELD = field(
    PATIENT_AGE_BAND,
    "choice",
    "Patient's age (KO41a)",
    {
        "de": f"Alter der Patientin oder des Patienten ({_KO41A['de']})",
        "ru": f"Возраст пациента ({_KO41A['ru']})",
        "et": f"Patsiendi vanus ({_KO41A['et']})",
    },
    "The patient's age when the complaint was received.",
    {
        "de": "Das Alter der Patientin oder des Patienten bei Eingang der Beschwerde.",
        "ru": "Возраст пациента на момент получения жалобы.",
        "et": "Patsiendi vanus kaebuse saabumise ajal.",
    },
    choice_labels=choices_of(
        AGE_BANDS,
        de=("0 bis 17", "18 bis 64", "65 und älter", "Unbekannt"),
        ru=("от 0 до 17", "от 18 до 64", "65 и старше", "Неизвестно"),
        et=("0 kuni 17", "18 kuni 64", "65 ja vanemad", "Teadmata"),
    ),
    at_intake=False,
)

REFERRED_FIELD = field(
    REFERRED_TO_OMBUDSMAN,
    "boolean",
    "Referred to the Parliamentary and Health Service Ombudsman",
    {
        "de": "An den Parliamentary and Health Service Ombudsman weitergeleitet",
        "ru": "Передана Парламентскому омбудсмену по вопросам здравоохранения (PHSO)",
        "et": "Edastatud parlamendi ja tervishoiuteenuste ombudsmanile (PHSO)",
    },
    "Tick when you learn that the complainant has taken the complaint to the Ombudsman. The"
    " annual complaints report counts these (reg. 18).",
    {
        "de": "Ankreuzen, sobald Sie erfahren, dass die beschwerdeführende Person sich an den"
        " Ombudsman gewandt hat. Der jährliche Beschwerdebericht zählt diese Fälle (reg. 18).",
        "ru": "Отметьте, когда узнаете, что заявитель обратился с жалобой к омбудсмену."
        " Годовой отчёт о жалобах учитывает такие случаи (reg. 18).",
        "et": "Märkige, kui saate teada, et kaebaja on pöördunud ombudsmani poole. Iga-aastane"
        " kaebuste aruanne arvestab neid juhtumeid (reg. 18).",
    },
    at_intake=False,
)

LATE_DECISION_FIELD = field(
    LATE_DECISION,
    "choice",
    "Decision on a late complaint (reg. 12)",
    {
        "de": "Entscheidung über eine verspätete Beschwerde (reg. 12)",
        "ru": "Решение по жалобе, поданной с опозданием (reg. 12)",
        "et": "Otsus hilinenud kaebuse kohta (reg. 12)",
    },
    "For a complaint made after the 12-month time limit: whether it is accepted. It may be"
    " accepted when the complainant had good reasons for the delay and it can still be"
    " investigated effectively and fairly.",
    {
        "de": "Bei einer Beschwerde nach Ablauf der 12-Monats-Frist: ob sie angenommen wird. Sie"
        " kann angenommen werden, wenn die beschwerdeführende Person gute Gründe für die"
        " Verspätung hatte und sie sich noch wirksam und fair untersuchen lässt.",
        "ru": "Для жалобы, поданной после 12-месячного срока: принята ли она. Её можно принять,"
        " если у заявителя были веские причины для задержки и её всё ещё можно расследовать"
        " эффективно и справедливо.",
        "et": "Pärast 12-kuulist tähtaega esitatud kaebuse puhul: kas see võetakse menetlusse."
        " Selle võib menetlusse võtta, kui kaebajal olid hilinemiseks mõjuvad põhjused ja"
        " seda saab endiselt tõhusalt ja õiglaselt uurida.",
    },
    choice_labels={
        "en": {ACCEPTED: "Accepted", NOT_ACCEPTED: "Not accepted"},
        **translated(
            (ACCEPTED, NOT_ACCEPTED),
            de=("Angenommen", "Nicht angenommen"),
            ru=("Принята", "Не принята"),
            et=("Menetlusse võetud", "Menetlusse võtmata"),
        ),
    },
    at_intake=False,
)

LATE_DECISION_REASON_FIELD = field(
    LATE_DECISION_REASON,
    "text",
    "Reasons for the decision on the late complaint",
    {
        "de": "Gründe für die Entscheidung über die verspätete Beschwerde",
        "ru": "Причины решения по жалобе, поданной с опозданием",
        "et": "Hilinenud kaebuse kohta tehtud otsuse põhjused",
    },
    "Why it was or was not accepted: the complainant's reasons for the delay, and whether it"
    " can still be investigated effectively and fairly.",
    {
        "de": "Warum sie angenommen wurde oder nicht: die Gründe der beschwerdeführenden Person"
        " für die Verspätung und ob sie sich noch wirksam und fair untersuchen lässt.",
        "ru": "Почему она принята или не принята: причины задержки, названные заявителем, и"
        " можно ли её всё ещё расследовать эффективно и справедливо.",
        "et": "Miks see menetlusse võeti või ei võetud: kaebaja hilinemise põhjused ja kas"
        " seda saab endiselt tõhusalt ja õiglaselt uurida.",
    },
    # The complainant's reasons for the delay are often about their health.
    sensitive=True,
    at_intake=False,
)

GRIEVANCE_TYPE_FIELD = field(
    GRIEVANCE_TYPE,
    "choice",
    "Grievance type (CMS reporting)",
    {
        "de": "Art der Beschwerde (CMS-Berichterstattung)",
        "ru": "Тип жалобы (отчётность CMS)",
        "et": "Kaebuse liik (CMS-i aruandlus)",
    },
    "The category CMS counts the grievance under. An answer to a quality-of-care grievance"
    " must state the right to complain to the Quality Improvement Organization.",
    {
        "de": "Die Kategorie, unter der CMS die Beschwerde zählt. Eine Antwort auf eine"
        " Beschwerde zur Versorgungsqualität muss auf das Recht hinweisen, sich an die"
        " Quality Improvement Organization zu wenden.",
        "ru": "Категория, по которой CMS учитывает жалобу. Ответ на жалобу о качестве помощи"
        " должен сообщать о праве обратиться в Quality Improvement Organization.",
        "et": "Kategooria, mille all CMS kaebust arvestab. Ravi kvaliteedi kaebuse vastus peab"
        " nimetama õigust pöörduda Quality Improvement Organizationi poole.",
    },
    choice_labels=choices_of(
        GRIEVANCE_TYPES,
        de=(
            "Ein- und Austritt",
            "Planleistungen",
            "Zugang zu Leistungserbringern, Apotheken oder Leistungen",
            "Marketing",
            "Kundenservice",
            "Verfahren für Kostenübernahme-Entscheidungen und Widersprüche",
            "Qualität der Versorgung",
            "Angelegenheiten von CMS",
            "Sonstiges",
        ),
        ru=(
            "Вступление в план и выход из него",
            "Льготы плана",
            "Доступ к поставщикам, аптекам или услугам",
            "Маркетинг",
            "Обслуживание клиентов",
            "Процедура решений о покрытии и апелляций",
            "Качество медицинской помощи",
            "Вопросы, связанные с CMS",
            "Другое",
        ),
        et=(
            "Liitumine ja lahkumine",
            "Plaani hüvitised",
            "Juurdepääs teenuseosutajatele, apteekidele või teenustele",
            "Turundus",
            "Klienditeenindus",
            "Katteotsuste ja edasikaebuste menetlus",
            "Ravi kvaliteet",
            "CMS-iga seotud küsimused",
            "Muu",
        ),
    ),
    at_intake=False,
)

ENGLAND_FIELDS = (
    SERVICE_AREA_FIELD,
    ASPECTS_FIELD,
    PROFESSION_FIELD,
    COMPLAINANT_STATUS_FIELD,
    PATIENT_AGE_BAND_FIELD,
    REFERRED_FIELD,
    LATE_DECISION_FIELD,
    LATE_DECISION_REASON_FIELD,
)
US_FIELDS = (GRIEVANCE_TYPE_FIELD,)


def handling_fields(jurisdiction: str) -> tuple[IntakeField, ...]:
    """The fields staff record in ``jurisdiction`` ("england" or "us"); none for any other."""
    if jurisdiction == "england":
        return ENGLAND_FIELDS
    if jurisdiction == "us":
        return US_FIELDS
    return ()

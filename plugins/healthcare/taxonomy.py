"""What a health provider files complaints under, as the return it makes counts them.

England: the sections of the KO41a return (NHS England's Hospital and Community
Health Services complaints collection, published as "Data on Written Complaints
in the NHS"): the patient's age, the complainant's status, the service area, the
subject areas (a complaint's aspects) and the profession concerned. The lists
follow the KO41a as the plugin knows it (2015 revision, annual since 2022-23);
verify against the current KO41a guidance and data items lookup, which NHS
England revises.

US: the grievance categories of the CMS Medicare Part C and Part D Reporting
Requirements, with the two plan-specific ones merged (access to providers or
pharmacies; the organization or coverage determination process).

Codes are lower case and stable: stored cases and the reports refer to them.
"""

from __future__ import annotations

from core.sdk import TaxonomyEntry


def _terms(kind: str, *pairs: tuple[str, str]) -> tuple[TaxonomyEntry, ...]:
    return tuple(TaxonomyEntry(code, label, kind=kind) for code, label in pairs)


#: KO41a "age of patient" (verify the bands against the current guidance).
AGE_BANDS = _terms(
    "age_band",
    ("0_17", "0 to 17"),
    ("18_64", "18 to 64"),
    ("65_plus", "65 and over"),
    ("not_known", "Not known"),
)

#: KO41a "status of complainant".
COMPLAINANT_STATUSES = _terms(
    "complainant_status",
    ("patient", "Patient"),
    ("relative_carer", "Relative or carer"),
    ("other", "Other, on the patient's behalf"),
)

#: KO41a "service area" (verify against the current guidance).
SERVICE_AREAS = _terms(
    "service_area",
    ("inpatient", "Inpatient services"),
    ("outpatient", "Outpatient services"),
    ("accident_emergency", "Accident and emergency"),
    ("maternity", "Maternity"),
    ("mental_health", "Mental health"),
    ("learning_disabilities", "Learning disabilities"),
    ("community_services", "Community services, including community hospitals"),
    ("ambulance", "Ambulance services"),
    ("dental", "Dental services (hospital and community)"),
    ("other", "Other"),
)

#: KO41a "subject area": the aspects a complaint is about. One complaint may have several.
SUBJECTS = _terms(
    "subject",
    ("access_to_treatment_or_drugs", "Access to treatment or drugs"),
    ("admissions_discharges_transfers", "Admissions, discharges and transfers"),
    ("appointments", "Appointments, including delays and cancellations"),
    ("clinical_treatment", "Clinical treatment"),
    ("commissioning", "Commissioning"),
    ("communications", "Communications"),
    ("complaints_handling", "Complaints handling"),
    ("consent", "Consent"),
    ("end_of_life_care", "End of life care"),
    ("facilities", "Facilities"),
    ("integrated_care", "Integrated care, including delayed discharge"),
    ("mental_health_act", "Mental Health Act"),
    ("patient_care", "Patient care, including nutrition and hydration"),
    ("prescribing", "Prescribing"),
    ("privacy_dignity_wellbeing", "Privacy, dignity and wellbeing"),
    ("restraint", "Restraint"),
    ("staff_numbers", "Staff numbers"),
    ("transport", "Transport (ambulances and other)"),
    ("trust_administration", "Trust administration, policies and procedures, and records"),
    ("values_behaviours", "Values and behaviours (staff)"),
    ("waiting_times", "Waiting times"),
    ("other", "Other"),
)

#: KO41a "profession": the staff group the complaint concerns.
PROFESSIONS = _terms(
    "profession",
    ("medical", "Medical (including surgical)"),
    ("nursing_midwifery_health_visiting", "Nursing, midwifery and health visiting"),
    ("allied_health_professionals", "Allied health professionals"),
    ("scientific_therapeutic_technical", "Scientific, therapeutic and technical"),
    ("ambulance", "Ambulance staff"),
    ("administrative", "Trust administrative staff and members of the board"),
    ("other", "Other"),
)

#: CMS Part C and Part D grievance categories (verify against the current Reporting
#: Requirements): "access" covers providers (Part C) and pharmacies (Part D),
#: "determination_process" the organization (Part C) or coverage (Part D) determination
#: and appeal process.
GRIEVANCE_TYPES = _terms(
    "grievance_type",
    ("enrollment_disenrollment", "Enrollment and disenrollment"),
    ("plan_benefit", "Plan benefit"),
    ("access", "Access to providers, pharmacies or services"),
    ("marketing", "Marketing"),
    ("customer_service", "Customer service"),
    ("determination_process", "Coverage decision and appeal process"),
    ("quality_of_care", "Quality of care"),
    ("cms_issues", "Issues related to CMS"),
    ("other", "Other"),
)

ENGLAND = AGE_BANDS + COMPLAINANT_STATUSES + SERVICE_AREAS + SUBJECTS + PROFESSIONS
US = GRIEVANCE_TYPES


def taxonomy(jurisdiction: str) -> tuple[TaxonomyEntry, ...]:
    """The terms complaints are filed under in ``jurisdiction`` ("england" or "us")."""
    if jurisdiction == "england":
        return ENGLAND
    if jurisdiction == "us":
        return US
    return ()


def labels(entries: tuple[TaxonomyEntry, ...]) -> dict[str, str]:
    """Each term's label by its code."""
    return {e.code: e.label for e in entries}

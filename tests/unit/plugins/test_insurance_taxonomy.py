"""An insurer files complaints under its regulator's terms, and no one handles one about them."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

import plugins.insurance
from core.sdk import CaseView, IntakeSubmission, TaxonomyEntry, TenantView
from plugins.insurance.impartiality import FIELD, STAFF_FIELD
from tests.unit.plugins.views import case_view, tenant_view

CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")


def tenant(**settings: Any) -> TenantView:
    return tenant_view("insurance", **settings)


def terms(jurisdiction: str | None) -> list[TaxonomyEntry]:
    settings = {} if jurisdiction is None else {"jurisdiction": jurisdiction}
    return list(plugins.insurance.querela_register_taxonomy(tenant(**settings)))


def labels(entries: list[TaxonomyEntry], kind: str) -> list[str]:
    return [e.label for e in entries if e.kind == kind]


@pytest.mark.parametrize("jurisdiction", ["uk", None], ids=["uk", "default"])
def test_a_uk_insurer_files_under_the_disp_1_10_products_and_causes(
    jurisdiction: str | None,
) -> None:
    found = terms(jurisdiction)

    assert {e.kind for e in found} == {"product", "cause"}
    assert labels(found, "product") == [
        "Banking & credit cards",
        "Home finance",
        "Insurance & pure protection",
        "Decumulation & pensions",
        "Investments",
    ]
    assert labels(found, "cause") == [
        "Advising, selling & arranging",
        "Terms and disputed sums/charges",
        "General admin/customer service",
        "Arrears related",
        "Other",
    ]
    assert all(e.parent is None for e in found)


def test_a_us_insurer_files_under_the_naic_functions_and_reasons() -> None:
    found = terms("us")

    assert {e.kind for e in found} == {"function", "reason"}
    assert labels(found, "function") == [
        "Underwriting",
        "Marketing & Sales",
        "Claims",
        "Policyholder Service",
        "Miscellaneous",
    ]
    reasons = {(e.parent, e.label) for e in found if e.kind == "reason"}
    assert {
        ("claims", "Claim handling delays"),
        ("claims", "Denial of claim"),
        ("claims", "Unsatisfactory settlement or offer"),
        ("underwriting", "Cancellation or non-renewal"),
        ("underwriting", "Premium and rating"),
        ("marketing_sales", "Misrepresentation"),
        ("policyholder_service", "Delays or no response"),
    } <= reasons


@pytest.mark.parametrize("jurisdiction", ["uk", "us"])
def test_codes_are_stable_lower_case_unique_and_parents_exist(jurisdiction: str) -> None:
    found = terms(jurisdiction)
    functions = {e.code for e in found if e.kind == "function"}

    assert found
    assert all(CODE.fullmatch(e.code) for e in found), [e.code for e in found]
    duplicates = Counter((e.kind, e.code) for e in found)
    assert [key for key, n in duplicates.items() if n > 1] == []
    assert all(e.parent in functions for e in found if e.kind == "reason")
    assert all(e.parent is None for e in found if e.kind != "reason")


def test_uk_and_us_terms_do_not_mix() -> None:
    uk = {(e.kind, e.code) for e in terms("uk")}
    us = {(e.kind, e.code) for e in terms("us")}

    assert not uk & us
    assert ("product", "insurance_pure_protection") in uk
    assert ("function", "claims") in us


def view(**fields: Any) -> CaseView:
    return case_view(**fields)


def submission(**fields: object) -> IntakeSubmission:
    case = view()
    return IntakeSubmission(
        channel=case.channel,
        subject=case.subject,
        description=case.description,
        category=None,
        severity=case.severity,
        language="en",
        received_at=case.received_at,
        fields=fields,
    )


@pytest.mark.parametrize(
    ("jurisdiction", "fields", "expected"),
    [
        pytest.param(
            "uk",
            {FIELD: " adjuster@insurer.example "},
            [("adjuster@insurer.example", "the complaint is about them (FCA DISP 1.4.1R)")],
            id="uk",
        ),
        pytest.param(
            "us",
            {FIELD: "adjuster@insurer.example"},
            [("adjuster@insurer.example", "the complaint is about them (impartial handling)")],
            id="us",
        ),
        pytest.param("uk", {FIELD: ""}, [], id="blank"),
        pytest.param("uk", {}, [], id="nobody-named"),
    ],
)
def test_the_person_complained_about_is_excluded(
    jurisdiction: str, fields: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    excluded = plugins.insurance.querela_register_excluded_staff(
        tenant(jurisdiction=jurisdiction), view(**fields)
    )

    assert [(e.email, e.reason) for e in excluded] == expected


@pytest.mark.parametrize(
    ("value", "refused"),
    [("adjuster@insurer.example", False), ("", False), ("Mr Smith", True), ("a@b", True)],
)
def test_the_person_complained_about_is_named_by_e_mail(value: str, refused: bool) -> None:
    problems = plugins.insurance.querela_register_intake_problems(
        tenant(), submission(**{FIELD: value})
    )

    assert [p.field for p in problems] == ([f"fields.{FIELD}"] if refused else [])


def test_the_form_asks_in_every_language_the_product_speaks() -> None:
    found = plugins.insurance.querela_register_intake_fields(tenant())
    # The other fields are recorded by staff while handling the case, not asked at intake.
    [field] = [f for f in found if f.name == FIELD]
    assert field.at_intake

    assert field is STAFF_FIELD
    assert (field.name, field.type, field.required) == (FIELD, "string", False)
    assert set(field.labels) == set(field.helps) == {"de", "ru", "et"}

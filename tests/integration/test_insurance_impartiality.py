"""The member of staff a complaint is about never handles or sees it (FCA DISP 1.4.1R).

Also: an insurer's DISP 1.10 products and causes are in its taxonomy.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import host
from tests.fixtures.staff import StaffUser, TenantHandle
from tests.integration.test_insurance_deadlines import installed, insure

__all__ = ["installed"]  # a fixture, used by name

DISP_REASON = "the complaint is about them (FCA DISP 1.4.1R)"


def on(tenant: TenantHandle, person: StaffUser) -> dict[str, str]:
    return {**host(tenant), **person.bearer}


async def register(
    client: httpx.AsyncClient, tenant: TenantHandle, **fields: str
) -> dict[str, Any]:
    body = {
        "subject": "Rude claims adjuster",
        "description": "The adjuster handling my claim shouted at me on the phone.",
        "channel": "letter",
        "complainant": {"name": "Ada Example", "email": "ada@example.org"},
        "fields": fields,
    }
    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))
    assert response.status_code == 201, response.text
    case: dict[str, Any] = response.json()
    return case


async def listed(client: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    response = await client.get("/api/v1/cases", params={"limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_the_person_complained_about_never_handles_or_sees_the_case(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    adjuster = await tenant.add_staff(("handler",))
    colleague = await tenant.add_staff(("handler",))

    case = await register(client, tenant, staff_complained_about=adjuster.email.upper())
    other = await register(client, tenant)

    assert case["assignee_staff_id"] != str(adjuster.staff_id)
    refused = await client.post(
        f"/api/v1/cases/{case['id']}/assign",
        json={"staff_email": adjuster.email},
        headers=host(tenant),
    )
    assert refused.status_code == 409, refused.text
    assert DISP_REASON in refused.json()["detail"]
    assert case["id"] not in await listed(client, on(tenant, adjuster))
    assert other["id"] in await listed(client, on(tenant, adjuster))
    hidden = await client.get(f"/api/v1/cases/{case['id']}", headers=on(tenant, adjuster))
    assert hidden.status_code == 404
    assert case["id"] in await listed(client, on(tenant, colleague))
    seen = await client.get(f"/api/v1/cases/{case['id']}", headers=on(tenant, colleague))
    assert seen.status_code == 200, seen.text
    exclusions = await client.get(f"/api/v1/cases/{case['id']}/exclusions", headers=host(tenant))
    assert exclusions.status_code == 200, exclusions.text
    assert [(e["staff_id"], DISP_REASON in e["reason"]) for e in exclusions.json()] == [
        (str(adjuster.staff_id), True)
    ]


async def test_a_colleague_not_named_may_be_assigned(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant)
    adjuster = await tenant.add_staff(("handler",))
    colleague = await tenant.add_staff(("handler",))
    case = await register(client, tenant, staff_complained_about=adjuster.email)

    assigned = await client.post(
        f"/api/v1/cases/{case['id']}/assign",
        json={"staff_email": colleague.email},
        headers=host(tenant),
    )

    assert assigned.status_code == 200, assigned.text
    assert assigned.json()[-1]["assignee_email"] == colleague.email


async def test_a_name_that_is_not_an_e_mail_address_is_refused(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant)
    body = {
        "subject": "Rude claims adjuster",
        "description": "Mr Smith shouted at me.",
        "fields": {"staff_complained_about": "Mr Smith"},
    }

    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))

    assert response.status_code == 400, response.text
    assert "staff_complained_about" in response.text


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        (
            "product",
            [
                "banking_credit_cards",
                "decumulation_pensions",
                "home_finance",
                "insurance_pure_protection",
                "investments",
            ],
        ),
        (
            "cause",
            [
                "advising_selling_arranging",
                "arrears_related",
                "general_admin",
                "other",
                "terms_disputed_sums",
            ],
        ),
    ],
)
async def test_a_uk_insurers_taxonomy_has_the_disp_1_10_terms(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None, kind: str, codes: list[str]
) -> None:
    await insure(tenant, jurisdiction="uk")

    response = await client.get("/api/v1/taxonomy", params={"kind": kind}, headers=host(tenant))

    assert response.status_code == 200, response.text
    terms = [t for t in response.json() if t["source"] == "insurance"]
    assert sorted(t["code"] for t in terms) == codes
    assert {t["kind"] for t in terms} == {kind}


async def test_a_us_insurer_gets_the_naic_functions_and_reasons_not_the_disp_terms(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="us")

    response = await client.get("/api/v1/taxonomy", headers=host(tenant))
    reasons = await client.get("/api/v1/taxonomy?kind=reason", headers=host(tenant))

    assert response.status_code == 200, response.text
    terms = [t for t in response.json() if t["source"] == "insurance"]
    assert {t["kind"] for t in terms} == {"function", "reason"}
    functions = {t["code"] for t in terms if t["kind"] == "function"}
    assert functions == {
        "underwriting",
        "marketing_sales",
        "claims",
        "policyholder_service",
        "miscellaneous",
    }
    assert reasons.status_code == 200
    listed = [t for t in reasons.json() if t["source"] == "insurance"]
    assert listed and all(t["kind"] == "reason" and t["parent"] in functions for t in listed)
    assert {"claims.denial", "underwriting.cancellation"} <= {t["code"] for t in listed}

"""How long the appeal bundle of a long case takes: rendering alone, and the whole request.

Run with `make bench`. Prints figures; asserts only that the bundle was made.
"""

from __future__ import annotations

import io
import statistics
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pypdf import PdfReader

from core.bundle.render import render_bundle
from core.bundle.services import gather_bundle
from core.cases.tables import Correspondence
from core.ids import uuid7
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

pytestmark = pytest.mark.bench

LETTERS = 50
#: About a page of text per letter, in the languages tenants write in.
LETTER = (
    "Thank you for your letter about the delay of your claim. "
    "Vielen Dank für Ihre Geduld; wir prüfen den Vorgang. "
    "Спасибо за ваше письмо, мы рассматриваем жалобу. "
    "Täname kirja eest, vaatame kaebuse läbi. "
) * 8
RUNS = 5


async def test_bundle_of_a_case_with_fifty_letters(client: httpx.AsyncClient, tenant: TenantHandle):
    case = (
        await client.post(
            "/api/v1/cases",
            json={"subject": "Long case", "description": LETTER},
            headers=tenant.headers,
        )
    ).json()
    start = datetime.now(UTC) - timedelta(days=LETTERS)
    async with tenant_transaction(tenant_id=tenant.id):
        for n in range(LETTERS - 1):
            await Correspondence.insert(
                Correspondence(
                    id=uuid7(),
                    tenant_id=tenant.id,
                    case_id=case["id"],
                    direction="outbound" if n % 2 else "inbound",
                    channel="email",
                    body=f"Letter {n}.\n\n{LETTER}",
                    occurred_at=start + timedelta(days=n),
                )
            )
    async with tenant_transaction(tenant_id=tenant.id):
        bundle = await gather_bundle(case["id"])
    assert len(bundle.correspondence) == LETTERS

    renders, requests, size, pages = [], [], 0, 0
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf = render_bundle(bundle)
        renders.append(time.perf_counter() - started)
        started = time.perf_counter()
        response = await client.get(
            f"/api/v1/cases/{case['id']}/appeal-bundle", headers=tenant.headers
        )
        requests.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        size, pages = len(pdf), len(PdfReader(io.BytesIO(response.content)).pages)
    print(
        f"\nappeal bundle, {LETTERS} letters: render median"
        f" {statistics.median(renders) * 1000:.0f} ms, request median"
        f" {statistics.median(requests) * 1000:.0f} ms, {size / 1024:.0f} KiB, {pages} pages"
    )

"""The appeal bundle of a case walked to appeal through the API: one PDF, complete, audited."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from core.attachments.services import AttachmentPolicy, store_attachment
from core.attachments.storage import storage_for
from core.audit.tables import AuditEvent
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient

SECRET_NAME = "Ada Verborgen"
STATEMENT = "The file was waiting for a loss adjuster for three weeks."
RESPONSE = "We are sorry for the delay; Ihr Anspruch wird erstattet."
DESCRIPTION = (
    "My claim has waited three months. Жду ответа три месяца. Ootan vastust kolm kuud.\n"
    f"Please do not pass my name on. {SECRET_NAME}"
)
RECORDING = hashlib.sha256(b"call recording of 2 November").hexdigest()
NOTE = b"Witness note: the adjuster was on leave.\n"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


@pytest.fixture
async def appealed(client: Client, tenant: TenantHandle, tmp_path: Path) -> dict:
    """A case of an anonymous complainant, investigated, decided, answered and appealed."""
    supervisor = await tenant.add_staff(roles=("supervisor",))
    email = f"ada-{tenant.slug}@example.org"
    registered = await client.post(
        "/api/v1/cases",
        json={
            "subject": "Claim delayed",
            "description": DESCRIPTION,
            "channel": "letter",
            "complainant": {"name": SECRET_NAME, "email": email, "anonymous": True},
        },
        headers=tenant.headers,
    )
    assert registered.status_code == 201, registered.text
    case = registered.json()

    async def step(action: str, headers: dict[str, str] | None = None, **body: str) -> None:
        response = await client.post(
            f"/api/v1/cases/{case['id']}/actions/{action}",
            json=body,
            headers=headers or tenant.headers,
        )
        assert response.status_code == 200, (action, response.text)

    async def record(**body: str) -> None:
        response = await client.post(
            f"/api/v1/cases/{case['id']}/records", json=body, headers=tenant.headers
        )
        assert response.status_code == 201, response.text

    await step("acknowledge")
    await step("start_investigation")
    await record(kind="statement", title="Claims handler", person="J. Handler", body=STATEMENT)
    await record(kind="evidence", title="Call recording", sha256=RECORDING, visibility="shared")
    async with tenant_transaction(tenant_id=tenant.id):
        stored = await store_attachment(
            uuid.UUID(case["id"]),
            "adjuster-note.txt",
            "text/plain",
            chunks(NOTE),
            "public",
            policy=AttachmentPolicy(storage=storage_for(tmp_path), max_bytes=1 << 20),
        )
    await step(
        "propose_decision",
        outcome="partly_upheld",
        redress="EUR 150",
        root_cause="No adjuster capacity",
    )
    await step("approve_decision", {"host": f"{tenant.slug}.localhost", **supervisor.bearer})
    await step("respond", response=RESPONSE)
    await step("open_appeal", reason="EUR 150 does not cover my costs.")
    return {**case, "email": email, "attachment_sha256": stored.sha256}


async def test_the_bundle_holds_what_an_appeal_needs(
    client: Client, tenant: TenantHandle, appealed: dict
):
    response = await client.get(
        f"/api/v1/cases/{appealed['id']}/appeal-bundle", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert (
        f'filename="{appealed["reference"]}-appeal-bundle.pdf"'
        in (response.headers["content-disposition"])
    )
    assert response.headers["x-querela-sha256"] == hashlib.sha256(response.content).hexdigest()

    text = text_of(response.content)
    for expected in (
        appealed["reference"],
        "Claim delayed",
        "partly upheld",
        "No adjuster capacity",
        STATEMENT,
        "J. Handler",
        RECORDING,
        appealed["attachment_sha256"],
        "adjuster-note.txt",
        RESPONSE,
        "Жду ответа три месяца",
        "Ootan vastust kolm kuud",
        "EUR 150 does not cover my costs.",
        "Appeal level 1",
        "organisation policy",
        "Decided by role",
        "Complaint registered by letter",
        "Proposed decision approved",
        "Anonymous: identity withheld",
    ):
        assert expected in text, expected
    # The anonymous complainant is named nowhere, not even where they signed their letter.
    assert SECRET_NAME not in text
    assert "Verborgen" not in text
    assert appealed["email"] not in text
    assert "Please do not pass my name on. [withheld]" in text


async def test_the_export_is_audited_with_the_pdfs_hash(
    client: Client, tenant: TenantHandle, appealed: dict
):
    response = await client.get(
        f"/api/v1/cases/{appealed['reference']}/appeal-bundle", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    async with tenant_transaction(tenant_id=tenant.id):
        events = (
            await AuditEvent.select(AuditEvent.actor, AuditEvent.detail)
            .where(
                (AuditEvent.case_id == appealed["id"])
                & (AuditEvent.action == "case.bundle_exported")
            )
            .output(load_json=True)
        )
    [event] = events
    assert event["actor"] == f"staff:{tenant.staff.staff_id}"
    assert event["detail"]["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert event["detail"]["bytes"] == len(response.content)


async def test_an_unknown_case_is_404(client: Client, tenant: TenantHandle):
    for key in ("Q-2000-999999", str(uuid.uuid4())):
        response = await client.get(f"/api/v1/cases/{key}/appeal-bundle", headers=tenant.headers)
        assert response.status_code == 404, key


async def test_another_tenants_case_is_404(
    client: Client, tenant: TenantHandle, other_tenant: TenantHandle
):
    registered = await client.post(
        "/api/v1/cases", json={"subject": "s", "description": "d"}, headers=tenant.headers
    )
    case = registered.json()
    for key in (case["id"], case["reference"]):
        response = await client.get(
            f"/api/v1/cases/{key}/appeal-bundle", headers=other_tenant.headers
        )
        assert response.status_code == 404, key
        assert b"%PDF" not in response.content


async def test_it_needs_a_staff_member(client: Client, tenant: TenantHandle):
    outsider = await tenant.add_staff(roles=())
    response = await client.get(
        f"/api/v1/cases/{uuid.uuid4()}/appeal-bundle",
        headers={"host": f"{tenant.slug}.localhost", **outsider.bearer},
    )
    assert response.status_code == 403

"""Attachments and evidence through the API: checks, hashes, custody, isolation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.app import create_app
from core.attachments.tables import Attachment
from core.audit.tables import AuditEvent
from core.settings import Settings
from core.telemetry import build_tracer_provider
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient

#: Above the JSON body limit of the test settings (64 KiB), so uploads must bypass it.
LIMIT = 256 * 1024

PDF = b"%PDF-1.7\n" + b"% padding to a realistic size\n" * 5000 + b"%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
TEXT = "Witness statement: the door was locked at 21:40. — Ünïcödé\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/cases')</script></body></html>"


@pytest.fixture(scope="module")
def attachments_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("attachments")


@pytest.fixture(scope="module")
async def files(
    client: Client,  # opens the database pool and builds the suite's app first
    app: Litestar,
    settings: Settings,
    spans: InMemorySpanExporter,
    attachments_dir: Path,
) -> AsyncIterator[Client]:
    """A client of the app configured with its own attachment directory and limit."""
    files_app = create_app(
        replace(settings, attachments_dir=attachments_dir, max_attachment_bytes=LIMIT),
        tracer_provider=build_tracer_provider("none", exporter=spans),
    )
    transport = httpx.ASGITransport(app=files_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


async def new_case(files: Client, tenant: TenantHandle) -> dict:
    response = await files.post(
        "/api/v1/cases",
        json={"subject": "Locked door", "description": "The exit was locked.", "channel": "phone"},
        headers=tenant.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def upload(
    files: Client,
    tenant: TenantHandle,
    case_key: str,
    name: str,
    content: bytes,
    declared: str = "application/octet-stream",
    **params: str,
) -> httpx.Response:
    return await files.post(
        f"/api/v1/cases/{case_key}/attachments",
        files={"file": (name, content, declared)},
        params=params,
        headers=tenant.headers,
    )


async def stored_rows(tenant: TenantHandle) -> list[dict]:
    async with tenant_transaction(tenant_id=tenant.id):
        return await Attachment.select().order_by(Attachment.uploaded_at)


async def audit_trail(tenant: TenantHandle) -> list[dict]:
    async with tenant_transaction(tenant_id=tenant.id):
        events = await AuditEvent.select().order_by(AuditEvent.seq)
    return [{**event, "detail": json.loads(event["detail"])} for event in events]


def files_of(root: Path, tenant: TenantHandle) -> list[Path]:
    return sorted(p for p in (root / str(tenant.id)).rglob("*") if p.is_file())


def exists(path: Path) -> bool:
    return path.exists()


def found_anywhere(root: Path, pattern: str) -> list[Path]:
    return list(root.rglob(pattern))


async def test_pdf_png_and_text_are_stored_with_their_sha256(
    files: Client, tenant: TenantHandle, attachments_dir: Path
):
    case = await new_case(files, tenant)
    uploads = [
        ("complaint letter.pdf", PDF, "application/pdf", "application/pdf"),
        ("door.png", PNG, "image/png", "image/png"),
        ("statement.txt", TEXT, "text/plain", "text/plain"),
    ]

    for name, content, declared, media_type in uploads:
        response = await upload(files, tenant, case["reference"], name, content, declared)
        assert response.status_code == 201, response.text
        stored = response.json()
        assert stored["sha256"] == hashlib.sha256(content).hexdigest()
        assert stored["size"] == len(content)
        assert stored["media_type"] == media_type
        assert stored["filename"] == name
        assert stored["purpose"] == "attachment"
        assert stored["uploaded_by"].startswith("staff:")
        assert stored["case_id"] == case["id"]

    listed = await files.get(f"/api/v1/cases/{case['id']}/attachments", headers=tenant.headers)
    assert listed.status_code == 200
    assert [a["filename"] for a in listed.json()["items"]] == [u[0] for u in uploads]
    assert len(files_of(attachments_dir, tenant)) == 3
    events = [e for e in await audit_trail(tenant) if e["action"] == "attachment.stored"]
    assert [e["detail"]["sha256"] for e in events] == [
        hashlib.sha256(u[1]).hexdigest() for u in uploads
    ]
    assert "complaint letter" not in str(events)  # file names stay out of the log


async def test_evidence_is_recorded_as_such(files: Client, tenant: TenantHandle):
    case = await new_case(files, tenant)

    response = await upload(files, tenant, case["id"], "cctv.png", PNG, purpose="evidence")
    wrong = await upload(files, tenant, case["id"], "cctv.png", PNG, purpose="exhibit")

    assert response.status_code == 201, response.text
    assert response.json()["purpose"] == "evidence"
    assert wrong.status_code == 400
    assert [row["purpose"] for row in await stored_rows(tenant)] == ["evidence"]


async def test_a_pdf_name_on_png_content_is_refused(
    files: Client, tenant: TenantHandle, attachments_dir: Path
):
    case = await new_case(files, tenant)

    response = await upload(files, tenant, case["id"], "invoice.pdf", PNG, "application/pdf")

    assert response.status_code == 415, response.text
    assert "image/png" in response.json()["extra"][0]["message"]
    assert await stored_rows(tenant) == []
    assert files_of(attachments_dir, tenant) == []


@pytest.mark.parametrize(
    ("name", "content", "declared", "reason"),
    [
        ("setup.exe", EXE, "application/x-msdownload", "malware"),
        ("invoice.pdf", EXE, "application/pdf", "malware"),
        ("page.html", HTML, "text/html", "XSS"),
        ("notes.txt", HTML, "text/plain", "XSS"),
    ],
    ids=["exe", "exe-named-pdf", "html", "html-named-txt"],
)
async def test_programs_and_html_are_refused(
    files: Client,
    tenant: TenantHandle,
    attachments_dir: Path,
    name: str,
    content: bytes,
    declared: str,
    reason: str,
):
    case = await new_case(files, tenant)

    response = await upload(files, tenant, case["id"], name, content, declared)

    assert response.status_code == 415, response.text
    assert reason in response.json()["extra"][0]["message"]
    assert await stored_rows(tenant) == []
    assert files_of(attachments_dir, tenant) == []


@pytest.mark.parametrize("size", [LIMIT + 1, 4 * LIMIT], ids=["just-over", "far-over"])
async def test_an_oversized_file_is_refused_with_413_and_nothing_stored(
    files: Client, tenant: TenantHandle, attachments_dir: Path, size: int
):
    case = await new_case(files, tenant)
    content = b"%PDF-1.7\n" + b"x" * (size - 9)

    response = await upload(files, tenant, case["id"], "huge.pdf", content)

    assert response.status_code == 413, response.text
    assert await stored_rows(tenant) == []
    assert files_of(attachments_dir, tenant) == []
    assert found_anywhere(attachments_dir, "*.partial") == []
    assert "attachment.stored" not in [e["action"] for e in await audit_trail(tenant)]


async def test_a_file_at_the_limit_is_accepted(files: Client, tenant: TenantHandle):
    case = await new_case(files, tenant)
    content = b"%PDF-1.7\n" + b"x" * (LIMIT - 9)

    response = await upload(files, tenant, case["id"], "big.pdf", content)

    assert response.status_code == 201, response.text
    assert response.json()["size"] == LIMIT


async def test_download_returns_the_same_bytes_and_is_audited(files: Client, tenant: TenantHandle):
    case = await new_case(files, tenant)
    stored = (await upload(files, tenant, case["id"], "Beschwerde über Tür.pdf", PDF)).json()

    response = await files.get(
        f"/api/v1/cases/{case['reference']}/attachments/{stored['id']}", headers=tenant.headers
    )

    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == (
        'attachment; filename="Beschwerde uber Tur.pdf";'
        " filename*=UTF-8''Beschwerde%20%C3%BCber%20T%C3%BCr.pdf"
    )
    downloads = [e for e in await audit_trail(tenant) if e["action"] == "attachment.downloaded"]
    assert len(downloads) == 1
    assert downloads[0]["detail"] == {"attachment_id": stored["id"], "sha256": stored["sha256"]}
    assert str(downloads[0]["case_id"]) == case["id"]


async def test_verify_detects_a_file_changed_or_lost_on_disk(
    files: Client, tenant: TenantHandle, attachments_dir: Path
):
    case = await new_case(files, tenant)
    stored = (await upload(files, tenant, case["id"], "statement.txt", TEXT)).json()
    verify = f"/api/v1/cases/{case['id']}/attachments/{stored['id']}/verify"

    intact = await files.post(verify, headers=tenant.headers)
    [path] = files_of(attachments_dir, tenant)
    content = bytearray(path.read_bytes())  # stored encrypted: change one byte of it
    content[-20] ^= 1
    path.write_bytes(bytes(content))
    tampered = await files.post(verify, headers=tenant.headers)
    path.unlink()
    lost = await files.post(verify, headers=tenant.headers)

    assert intact.status_code == 200
    assert intact.json()["intact"] is True
    assert intact.json()["actual_sha256"] == stored["sha256"]
    assert tampered.json()["intact"] is False
    assert tampered.json()["expected_sha256"] == stored["sha256"]
    assert tampered.json()["actual_sha256"] is None  # it no longer opens at all
    assert lost.json()["intact"] is False
    assert lost.json()["actual_sha256"] is None
    checks = [
        e["detail"]["intact"]
        for e in await audit_trail(tenant)
        if e["action"] == ("attachment.verified")
    ]
    assert checks == [True, False, False]


async def test_another_tenant_cannot_list_download_or_verify(
    files: Client, tenant: TenantHandle, other_tenant: TenantHandle
):
    case = await new_case(files, tenant)
    stored = (await upload(files, tenant, case["id"], "door.png", PNG)).json()
    own_case = await new_case(files, other_tenant)
    base = f"/api/v1/cases/{case['id']}/attachments"
    across = f"/api/v1/cases/{own_case['id']}/attachments/{stored['id']}"

    attempts = [
        await files.get(base, headers=other_tenant.headers),
        await files.get(f"{base}/{stored['id']}", headers=other_tenant.headers),
        await files.post(f"{base}/{stored['id']}/verify", headers=other_tenant.headers),
        await files.get(across, headers=other_tenant.headers),
        await upload(files, other_tenant, case["id"], "door.png", PNG),
    ]

    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert PNG not in b"".join(r.content for r in attempts)
    assert "attachment.downloaded" not in [e["action"] for e in await audit_trail(tenant)]
    assert await stored_rows(other_tenant) == []


@pytest.mark.parametrize(
    "name", ["../../../../../../tmp/escaped.txt", "..\\..\\escaped.txt", "/etc/escaped.txt"]
)
async def test_a_file_name_with_a_path_in_it_is_harmless(
    files: Client, tenant: TenantHandle, attachments_dir: Path, name: str
):
    case = await new_case(files, tenant)

    response = await upload(files, tenant, case["id"], name, TEXT, "text/plain")

    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "escaped.txt"
    [path] = files_of(attachments_dir, tenant)
    assert path.name == response.json()["id"]
    assert TEXT not in path.read_bytes(), "the content is stored encrypted"
    assert found_anywhere(attachments_dir.parent, "escaped.txt") == []
    assert not any(exists(Path(p)) for p in ("/tmp/escaped.txt", "/etc/escaped.txt"))
    download = await files.get(
        f"/api/v1/cases/{case['id']}/attachments/{response.json()['id']}", headers=tenant.headers
    )
    assert download.headers["content-disposition"].startswith('attachment; filename="escaped.txt"')
    assert download.content == TEXT


async def test_uploads_need_a_staff_member_a_known_case_and_a_form(
    files: Client, tenant: TenantHandle
):
    case = await new_case(files, tenant)
    anonymous = {"host": tenant.headers["host"]}

    signed_out = await files.post(
        f"/api/v1/cases/{case['id']}/attachments",
        files={"file": ("a.txt", TEXT, "text/plain")},
        headers=anonymous,
    )
    unknown_case = await upload(files, tenant, "Q-1999-000001", "a.txt", TEXT)
    not_a_form = await files.post(
        f"/api/v1/cases/{case['id']}/attachments", content=TEXT, headers=tenant.headers
    )
    no_file = await files.post(
        f"/api/v1/cases/{case['id']}/attachments",
        data={"purpose": "evidence"},
        files={"other": ("a.txt", TEXT, "text/plain")},
        headers=tenant.headers,
    )

    assert signed_out.status_code == 401
    assert unknown_case.status_code == 404
    assert not_a_form.status_code == 400
    assert no_file.status_code == 400
    assert await stored_rows(tenant) == []

"""Follow-up without an account: the satisfaction survey (by receipt or e-mailed link) and
files sent later through the receipt."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
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
from core.cases.tables import Correspondence
from core.crypto.fields import opened
from core.errors import InvalidInput
from core.letters.services import save_template
from core.mail.tables import OutboxMessage
from core.receipts.api import RESPONSE_FLOOR_SECONDS
from core.receipts.files import PUBLIC_MAX_BYTES, public_policy
from core.receipts.services import new_receipt
from core.receipts.survey import WITHHELD_LINK, invite_to_survey
from core.settings import Settings
from core.telemetry import build_tracer_provider
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

#: The staff limit of this module's app; the public limit is the lower of it and 10 MiB.
LIMIT = 256 * 1024
REFUSED = "No complaint matches this receipt. Check it and try again."
LINK_REFUSED = "This survey link does not work (any more). It can be used only once."
COMPLAINT = {
    "subject": "Broken lift",
    "description": "The lift at the east entrance has been out of order for a month.",
    "anonymous": False,
    "name": "Ada Example",
    "email": "ada@example.org",
}
SURVEY_LINK = re.compile(r"https?://[^/\s]+/s/([A-Za-z0-9_-]+)")

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.7\n" + b"% page of a letter\n" * 200 + b"%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/cases')</script></body></html>"


@pytest.fixture(scope="module")
def attachments_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("public-files")


@pytest.fixture(scope="module")
def followup_app(
    client: httpx.AsyncClient,  # opens the database pool and builds the suite's app first
    settings: Settings,
    spans: InMemorySpanExporter,
    attachments_dir: Path,
) -> Litestar:
    """The app with its own attachment directory and a small attachment limit."""
    return create_app(
        replace(settings, attachments_dir=attachments_dir, max_attachment_bytes=LIMIT),
        tracer_provider=build_tracer_provider("none", exporter=spans),
    )


@pytest.fixture(scope="module")
async def staff(followup_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=followup_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


@pytest.fixture
async def public(followup_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A caller without credentials from an address of its own (limits count per address)."""
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    transport = httpx.ASGITransport(app=followup_app, client=(address, 50_000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


def on(tenant: TenantHandle) -> dict[str, str]:
    """The tenant's host, and no bearer token."""
    return {"host": f"{tenant.slug}.localhost"}


async def submit(http: httpx.AsyncClient, tenant: TenantHandle, **changes: object) -> dict:
    """Submit a complaint publicly; return its reference, receipt and case id."""
    answer = await http.post(
        "/public/v1/complaints", json={**COMPLAINT, **changes}, headers=on(tenant)
    )
    assert answer.status_code == 201, answer.text
    submitted: dict = answer.json()
    async with tenant_transaction(tenant_id=tenant.id) as (_, transaction):
        submitted["id"] = await transaction.connection.fetchval(
            "SELECT id FROM cases WHERE reference = $1", submitted["reference"]
        )
    return submitted


async def close(staff: httpx.AsyncClient, tenant: TenantHandle, case_id: object) -> None:
    """Walk the case to closed through the lifecycle API, with a second person approving."""
    supervisor = await tenant.add_staff(roles=("supervisor",))
    boss = {**on(tenant), **supervisor.bearer}
    for action, headers, body in [
        ("acknowledge", tenant.headers, {}),
        ("start_investigation", tenant.headers, {}),
        ("propose_decision", tenant.headers, {"outcome": "upheld"}),
        ("approve_decision", boss, {}),
        ("respond", tenant.headers, {"response": "The lift is repaired; we are sorry."}),
        ("close", tenant.headers, {}),
    ]:
        response = await staff.post(
            f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=headers
        )
        assert response.status_code == 200, (action, response.text)


async def follow_up(http: httpx.AsyncClient, tenant: TenantHandle, receipt: str) -> dict:
    response = await http.post("/public/v1/followup", json={"receipt": receipt}, headers=on(tenant))
    assert response.status_code == 200, response.text
    seen: dict = response.json()
    return seen


async def survey_score(staff: httpx.AsyncClient, tenant: TenantHandle, case_id: object) -> int:
    response = await staff.get(f"/api/v1/cases/{case_id}/file", headers=tenant.headers)
    assert response.status_code == 200, response.text
    score: int = response.json()["survey_score"]
    return score


async def audit_trail(tenant: TenantHandle) -> list[dict]:
    async with tenant_transaction(tenant_id=tenant.id):
        events = await AuditEvent.select().order_by(AuditEvent.seq)
    return [{**event, "detail": json.loads(event["detail"])} for event in events]


async def table_dump(tenant: TenantHandle, table: str) -> str:
    """Every row of the tenant's ``table`` as JSON text, as the database holds it."""
    async with tenant_transaction(tenant_id=tenant.id) as (_, transaction):
        dump: str = await transaction.connection.fetchval(
            f"SELECT coalesce(string_agg(row_to_json(t)::text, ''), '') FROM {table} t"
        )
    return dump


async def invite(tenant: TenantHandle, case_id: object) -> bool:
    """What the close step does: send the survey link, in a transaction of the tenant."""
    async with tenant_transaction(tenant_id=tenant.id):
        invited: bool = await invite_to_survey(case_id, actor="system")  # type: ignore[arg-type]
    return invited


async def survey_mail(tenant: TenantHandle) -> list[dict]:
    async with tenant_transaction(tenant_id=tenant.id):
        return await opened(
            "outbox_message",
            await OutboxMessage.select()
            .where(OutboxMessage.kind == "survey_invitation")
            .order_by(OutboxMessage.created_at),
        )


def token_of(mail: dict) -> str:
    match = SURVEY_LINK.search(mail["body"])
    assert match, mail["body"]
    return match.group(1)


# -- the survey through the receipt ---------------------------------------------------------


async def test_survey_by_receipt_opens_when_the_case_closes_and_takes_one_answer(
    staff: httpx.AsyncClient, public: httpx.AsyncClient, tenant: TenantHandle
):
    case = await submit(public, tenant, anonymous=True)
    answer = {"receipt": case["receipt"], "score": 4, "comment": "Slow, but fixed in the end."}

    while_open = await public.post("/public/v1/followup/survey", json=answer, headers=on(tenant))
    assert while_open.status_code == 409, while_open.text
    assert (await follow_up(public, tenant, case["receipt"]))["survey_open"] is False

    await close(staff, tenant, case["id"])
    assert (await follow_up(public, tenant, case["receipt"]))["survey_open"] is True
    answered = await public.post("/public/v1/followup/survey", json=answer, headers=on(tenant))
    again = await public.post(
        "/public/v1/followup/survey", json={**answer, "score": 1}, headers=on(tenant)
    )

    assert answered.status_code == 201, answered.text
    assert answered.json()["survey_open"] is False
    assert again.status_code == 409
    assert "answered already" in again.json()["detail"]
    assert await survey_score(staff, tenant, case["id"]) == 4
    events = [e for e in await audit_trail(tenant) if e["action"] == "case.survey_answered"]
    assert [(e["actor"], str(e["case_id"])) for e in events] == [("public", str(case["id"]))]


@pytest.mark.parametrize(
    ("change", "named"),
    [({"score": 0}, "score"), ({"score": 6}, "score"), ({"comment": "x" * 5_001}, "comment")],
    ids=["score-0", "score-6", "comment-too-long"],
)
async def test_bad_survey_answer_is_a_clear_400(
    public: httpx.AsyncClient, tenant: TenantHandle, change: dict, named: str
):
    case = await submit(public, tenant, anonymous=True)

    response = await public.post(
        "/public/v1/followup/survey",
        json={"receipt": case["receipt"], "score": 3, **change},
        headers=on(tenant),
    )

    assert response.status_code == 400, response.text
    assert named in response.text


async def test_wrong_receipt_for_the_survey_is_the_same_404_after_the_same_time(
    public: httpx.AsyncClient, tenant: TenantHandle
):
    started = time.perf_counter()
    response = await public.post(
        "/public/v1/followup/survey",
        json={"receipt": new_receipt(), "score": 5},
        headers=on(tenant),
    )

    assert time.perf_counter() - started >= RESPONSE_FLOOR_SECONDS
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": REFUSED}


# -- the survey through an e-mailed link ----------------------------------------------------


async def test_closing_sends_a_survey_link_that_works_once_and_is_stored_as_a_hash(
    staff: httpx.AsyncClient, public: httpx.AsyncClient, tenant: TenantHandle
):
    case = await submit(public, tenant)
    await close(staff, tenant, case["id"])

    # Closing the case sent the link.
    [mail] = await survey_mail(tenant)
    token = token_of(mail)
    assert mail["to_address"] == COMPLAINT["email"]
    assert case["reference"] in mail["subject"]
    assert mail["body"].startswith("Dear Ada Example,")
    answer = {"token": token, "score": 5, "comment": "Quick and kind."}
    first = await public.post("/public/v1/survey", json=answer, headers=on(tenant))
    second = await public.post("/public/v1/survey", json=answer, headers=on(tenant))
    wrong = await public.post(
        "/public/v1/survey", json={**answer, "token": secrets.token_urlsafe(32)}, headers=on(tenant)
    )

    assert first.status_code == 201, first.text
    assert first.json() == {"message": "Thank you for telling us how we did."}
    assert second.status_code == wrong.status_code == 404
    assert second.json() == wrong.json() == {"status_code": 404, "detail": LINK_REFUSED}
    assert await survey_score(staff, tenant, case["id"]) == 5
    stored = await table_dump(tenant, "survey_invitation")
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    for table in ("survey_invitation", "correspondence", "audit_event", "case_survey"):
        assert token[:16] not in await table_dump(tenant, table), table
    # The case's timeline has the letter, with the link withheld.
    async with tenant_transaction(tenant_id=tenant.id):
        letters = [
            letter
            for letter in await opened("correspondence", await Correspondence.select())
            if WITHHELD_LINK in letter["body"]
        ]
    assert len(letters) == 1
    actions = [e["action"] for e in await audit_trail(tenant)]
    assert "case.survey_invited" in actions and "case.survey_links_ended" in actions


async def test_survey_link_page_is_a_plain_form_that_posts_the_token_in_the_body(
    staff: httpx.AsyncClient, public: httpx.AsyncClient, tenant: TenantHandle
):
    case = await submit(public, tenant)
    await close(staff, tenant, case["id"])
    token = token_of((await survey_mail(tenant))[0])

    page = await public.get(f"/s/{token}", headers=on(tenant))
    no_score = await public.post("/s", data={"token": token}, headers=on(tenant))
    answered = await public.post(
        "/s", data={"token": token, "score": "2", "comment": "Too slow."}, headers=on(tenant)
    )
    replayed = await public.post("/s", data={"token": token, "score": "5"}, headers=on(tenant))

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert '<form method="post" action="/s">' in page.text
    assert f'<input type="hidden" name="token" value="{token}">' in page.text
    assert "<script" not in page.text
    assert no_score.status_code == 400 and 'role="alert"' in no_score.text
    assert answered.status_code == 200, answered.text
    assert "Thank you" in answered.text
    assert replayed.status_code == 404 and "only once" in replayed.text
    assert await survey_score(staff, tenant, case["id"]) == 2


async def test_no_link_without_an_address_or_once_answered_and_an_answer_ends_the_link(
    staff: httpx.AsyncClient, public: httpx.AsyncClient, tenant: TenantHandle
):
    anonymous = await submit(public, tenant, anonymous=True)
    identified = await submit(public, tenant)
    await close(staff, tenant, anonymous["id"])
    await close(staff, tenant, identified["id"])

    # Closing sent a link to the complainant who left an address, and only to them.
    [mail] = await survey_mail(tenant)
    assert mail["to_address"] == COMPLAINT["email"]
    token = token_of(mail)
    by_receipt = await public.post(
        "/public/v1/followup/survey",
        json={"receipt": identified["receipt"], "score": 3},
        headers=on(tenant),
    )
    by_link = await public.post(
        "/public/v1/survey", json={"token": token, "score": 5}, headers=on(tenant)
    )

    assert by_receipt.status_code == 201, by_receipt.text
    assert by_link.status_code == 404
    assert await invite(tenant, identified["id"]) is False
    assert len(await survey_mail(tenant)) == 1


async def test_wrong_survey_tokens_count_as_guesses(
    public: httpx.AsyncClient, tenant: TenantHandle
):
    answers = [
        await public.post(
            "/public/v1/survey",
            json={"token": secrets.token_urlsafe(32), "score": 5},
            headers=on(tenant),
        )
        for _ in range(11)
    ]

    assert [a.status_code for a in answers] == [404] * 10 + [429]


async def test_a_tenants_own_survey_letter_must_keep_the_link(tenant: TenantHandle):
    async with tenant_transaction(tenant_id=tenant.id):
        with pytest.raises(InvalidInput) as refused:
            await save_template(
                "survey_invitation", "en", "Survey", "Please rate us.", actor="staff:x"
            )
        await save_template(
            "survey_invitation", "en", "Survey", "Rate us: {{ survey_link }}", actor="staff:x"
        )

    assert refused.value.field == "body"
    assert "survey_link" in refused.value.reason


# -- files through the receipt --------------------------------------------------------------


async def send_file(
    public: httpx.AsyncClient,
    tenant: TenantHandle,
    receipt: str | None,
    name: str,
    content: bytes,
    declared: str = "application/octet-stream",
    message: str | None = None,
) -> httpx.Response:
    fields = {"receipt": receipt} if receipt is not None else {}
    if message is not None:
        fields["message"] = message
    return await public.post(
        "/public/v1/followup/files",
        data=fields,
        files={"file": (name, content, declared)},
        headers=on(tenant),
    )


async def stored(tenant: TenantHandle, attachments_dir: Path) -> dict[str, int]:
    async with tenant_transaction(tenant_id=tenant.id):
        rows = {
            "attachments": await Attachment.count(),
            "correspondence": await Correspondence.count(),
            "audit": await AuditEvent.count(),
        }
    return {**rows, "files on disk": len(found(attachments_dir / str(tenant.id)))}


def found(root: Path, pattern: str = "*") -> list[Path]:
    return [path for path in root.rglob(pattern) if path.is_file()]


async def test_file_sent_with_the_receipt_reaches_the_staff_with_its_sha256(
    staff: httpx.AsyncClient, public: httpx.AsyncClient, tenant: TenantHandle
):
    case = await submit(public, tenant, anonymous=True)

    response = await send_file(
        public, tenant, case["receipt"], "lift.png", PNG, "image/png", message="The lift today."
    )

    assert response.status_code == 201, response.text
    sha256 = hashlib.sha256(PNG).hexdigest()
    [mine] = response.json()["files"]
    assert (mine["filename"], mine["size"], mine["sha256"]) == ("lift.png", len(PNG), sha256)
    latest = response.json()["correspondence"][-1]
    assert (latest["direction"], latest["channel"]) == ("inbound", "web")
    assert latest["body"].startswith("The lift today.") and sha256 in latest["body"]
    listed = await staff.get(f"/api/v1/cases/{case['id']}/attachments", headers=tenant.headers)
    [item] = listed.json()["items"]
    assert (item["sha256"], item["uploaded_by"], item["media_type"]) == (
        sha256,
        "public",
        "image/png",
    )
    download = await staff.get(
        f"/api/v1/cases/{case['id']}/attachments/{item['id']}", headers=tenant.headers
    )
    assert download.content == PNG
    events = {e["action"]: e for e in await audit_trail(tenant)}
    assert events["attachment.stored"]["actor"] == "public"
    assert events["case.message_added"]["detail"]["attachment_ids"] == [item["id"]]


async def test_follow_up_lists_the_complainants_files_but_never_the_staffs(
    staff: httpx.AsyncClient, public: httpx.AsyncClient, tenant: TenantHandle
):
    case = await submit(public, tenant, anonymous=True)
    internal = await staff.post(
        f"/api/v1/cases/{case['id']}/attachments",
        files={"file": ("investigator notes.pdf", PDF, "application/pdf")},
        headers=tenant.headers,
    )
    assert internal.status_code == 201, internal.text

    sent = await send_file(public, tenant, case["receipt"], "letter.pdf", PDF, "application/pdf")
    seen = await follow_up(public, tenant, case["receipt"])

    assert sent.status_code == 201, sent.text
    assert [f["filename"] for f in seen["files"]] == ["letter.pdf"]
    assert "investigator notes" not in json.dumps(seen)


@pytest.mark.parametrize(
    ("name", "content", "declared", "status"),
    [
        ("setup.exe", EXE, "application/x-msdownload", 415),
        ("photo.png", HTML, "image/png", 415),
        ("notes.txt", HTML, "text/plain", 415),
        ("huge.pdf", b"%PDF-1.7\n" + b"x" * LIMIT, "application/pdf", 413),
    ],
    ids=["exe", "html-named-png", "html-named-txt", "over-the-limit"],
)
async def test_refused_file_is_a_clear_4xx_and_nothing_is_written(
    public: httpx.AsyncClient,
    tenant: TenantHandle,
    attachments_dir: Path,
    name: str,
    content: bytes,
    declared: str,
    status: int,
):
    case = await submit(public, tenant, anonymous=True)
    before = await stored(tenant, attachments_dir)

    response = await send_file(public, tenant, case["receipt"], name, content, declared)

    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert await stored(tenant, attachments_dir) == before
    assert found(attachments_dir, "*.partial") == []


async def test_wrong_receipt_for_a_file_is_the_same_404_and_nothing_is_written(
    public: httpx.AsyncClient, tenant: TenantHandle, attachments_dir: Path
):
    await submit(public, tenant, anonymous=True)
    before = await stored(tenant, attachments_dir)

    started = time.perf_counter()
    response = await send_file(public, tenant, new_receipt(), "lift.png", PNG, "image/png")

    assert time.perf_counter() - started >= RESPONSE_FLOOR_SECONDS
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": REFUSED}
    assert await stored(tenant, attachments_dir) == before


async def test_receipt_must_travel_in_the_form_before_the_file_never_in_the_url(
    public: httpx.AsyncClient, tenant: TenantHandle, attachments_dir: Path
):
    case = await submit(public, tenant, anonymous=True)
    before = await stored(tenant, attachments_dir)

    in_the_url = await public.post(
        "/public/v1/followup/files",
        params={"receipt": case["receipt"]},
        files={"file": ("lift.png", PNG, "image/png")},
        headers=on(tenant),
    )
    after_the_file = await public.post(
        "/public/v1/followup/files",
        files=[
            ("file", ("lift.png", PNG, "image/png")),
            ("receipt", (None, case["receipt"])),
        ],
        headers=on(tenant),
    )

    for response in (in_the_url, after_the_file):
        assert response.status_code == 400, response.text
        assert response.json()["extra"][0]["key"] == "receipt"
    assert await stored(tenant, attachments_dir) == before


def test_public_uploads_have_a_lower_size_limit_than_staff_uploads():
    staff_limit = Settings().max_attachment_bytes

    assert public_policy(Settings()).max_bytes == PUBLIC_MAX_BYTES < staff_limit
    assert public_policy(Settings(max_attachment_bytes=LIMIT)).max_bytes == LIMIT


# -- an appeal through the receipt ----------------------------------------------------------


async def test_the_complainant_appeals_with_the_receipt_alone(
    staff: httpx.AsyncClient, public: httpx.AsyncClient, tenant: TenantHandle
):
    case = await submit(public, tenant, anonymous=True)
    appeal = {"receipt": case["receipt"], "reason": "The lift broke again the next day."}
    too_early = await public.post("/public/v1/followup/appeal", json=appeal, headers=on(tenant))
    before = await follow_up(public, tenant, case["receipt"])
    await close(staff, tenant, case["id"])
    offered = await follow_up(public, tenant, case["receipt"])
    appealed = await public.post("/public/v1/followup/appeal", json=appeal, headers=on(tenant))
    blank = await public.post(
        "/public/v1/followup/appeal", json={**appeal, "reason": "  "}, headers=on(tenant)
    )
    wrong = await public.post(
        "/public/v1/followup/appeal", json={**appeal, "receipt": new_receipt()}, headers=on(tenant)
    )

    assert too_early.status_code == 409
    assert "once the organisation has answered" in too_early.json()["detail"]
    assert "allowed_actions" not in too_early.json()
    assert before["appeal_possible"] is False
    assert offered["appeal_possible"] is True
    assert appealed.status_code == 201, appealed.text
    assert appealed.json()["status"] == "appealed"
    assert blank.status_code in (400, 409)
    assert wrong.status_code == 404
    file = (await staff.get(f"/api/v1/cases/{case['id']}/file", headers=tenant.headers)).json()
    [level] = file["appeals"]
    assert (level["level"], level["opened_by"]) == (1, "public")
    assert level["reason"] == "The lift broke again the next day."

"""The case page's forms: acknowledge, notes, tasks, propose / approve / return a decision,
answer in writing with the plugins' required content checked, escalate; each through the
same services as the API, refused with the reason beside the form, never half done."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from markupsafe import escape

from core.audit.tables import AuditEvent
from core.cases.tables import Case, Correspondence
from core.lifecycle.tables import CaseDecision, CaseRecord
from core.mail.tables import OutboxMessage
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import CaseView, PluginInfo, RequiredContent, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from frontend import csrf
from tests.conftest import host
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
async def handler(client: Client, tenant: TenantHandle) -> Browser:
    return await browser_of(client, tenant, tenant.staff)


@pytest.fixture
async def supervisor(client: Client, tenant: TenantHandle) -> Browser:
    return await browser_of(client, tenant, await tenant.add_staff(("supervisor",)))


async def register(client: Client, tenant: TenantHandle, **changes: Any) -> dict[str, Any]:
    body = {
        "subject": "Claim payment delayed",
        "description": "I sent my claim in October and have heard nothing.",
        "channel": "letter",
        "complainant": {"name": "Ada Example", "email": "ada@example.org"},
        **changes,
    }
    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))
    assert response.status_code == 201, response.text
    return response.json()


async def status_of(tenant: TenantHandle, case: dict[str, Any]) -> str:
    async with tenant_transaction(slug=tenant.slug):
        row = await Case.select(Case.status).where(Case.id == case["id"]).first()
    assert row is not None
    return str(row["status"])


async def actions_of(tenant: TenantHandle, case: dict[str, Any]) -> list[str]:
    async with tenant_transaction(slug=tenant.slug):
        rows = await AuditEvent.select(AuditEvent.action).where(AuditEvent.case_id == case["id"])
    return [r["action"] for r in rows]


def page_path(case: dict[str, Any]) -> str:
    return f"/staff/cases/{case['reference']}"


def done(response: httpx.Response, notice: str) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith(f"?done={notice}")


async def to_investigating(handler: Browser, case: dict[str, Any]) -> None:
    done(await handler.post(page_path(case) + "/actions/acknowledge"), "action_acknowledge")
    done(
        await handler.post(page_path(case) + "/actions/start_investigation"),
        "action_start_investigation",
    )


async def to_approved(
    handler: Browser, supervisor: Browser, case: dict[str, Any], outcome: str
) -> None:
    """From a new case to one whose decision (proposed by ``handler``) is approved."""
    await to_investigating(handler, case)
    done(
        await handler.post(page_path(case) + "/actions/propose_decision", {"outcome": outcome}),
        "action_propose_decision",
    )
    done(
        await supervisor.post(page_path(case) + "/actions/approve_decision"),
        "action_approve_decision",
    )


async def test_acknowledging_from_the_page_sends_the_letter_and_says_so(
    client: Client, tenant: TenantHandle, handler: Browser
):
    case = await register(client, tenant)
    page = await handler.get(page_path(case))
    assert page.status_code == 200
    assert 'id="do-acknowledge"' in page.text
    # Every form carries the browser's token (a new browser gets one with the page).
    forms = page.text.count('<form method="post"')
    assert forms > 3 and page.text.count(f'name="{csrf.FIELD}" value="{handler.token}"') == forms
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]

    answer = await handler.post(page_path(case) + "/actions/acknowledge")
    done(answer, "action_acknowledge")
    assert await status_of(tenant, case) == "acknowledged"
    async with tenant_transaction(slug=tenant.slug):
        mail = await OutboxMessage.count().where(
            (OutboxMessage.case_id == case["id"]) & (OutboxMessage.kind == "acknowledgement")
        )
    assert mail == 1
    after = await handler.get(answer.headers["location"])
    assert "The acknowledgement is on its way to the complainant." in after.text
    assert 'id="do-acknowledge"' not in after.text  # not twice


async def test_a_form_without_its_token_changes_nothing(
    client: Client, tenant: TenantHandle, handler: Browser
):
    case = await register(client, tenant)
    refused = await handler.post(page_path(case) + "/actions/acknowledge", token="")
    assert refused.status_code == 403
    other = await handler.post(page_path(case) + "/actions/acknowledge", token="x" * 43)
    assert other.status_code == 403
    assert await status_of(tenant, case) == "received"
    assert "case.acknowledge" not in await actions_of(tenant, case)


async def test_notes_are_added_and_a_bad_one_comes_back_with_the_text_kept(
    client: Client, tenant: TenantHandle, handler: Browser
):
    case = await register(client, tenant)
    missing_title = await handler.post(
        page_path(case) + "/notes", {"title": "", "body": "Called the branch manager."}
    )
    assert missing_title.status_code == 400
    assert "Give a title (up to 200 characters)." in missing_title.text
    assert "Called the branch manager." in missing_title.text
    assert 'aria-invalid="true" aria-describedby="note-title-error"' in missing_title.text
    async with tenant_transaction(slug=tenant.slug):
        assert await CaseRecord.count().where(CaseRecord.case_id == case["id"]) == 0

    done(
        await handler.post(
            page_path(case) + "/notes",
            {"title": "Phone call", "body": XSS, "visibility": "internal"},
        ),
        "note_added",
    )
    page = await handler.get(page_path(case))
    assert "Phone call" in page.text
    assert XSS not in page.text
    assert str(escape(XSS)) in page.text


async def test_tasks_are_added_and_marked_done(
    client: Client, tenant: TenantHandle, handler: Browser
):
    case = await register(client, tenant)
    bad_date = await handler.post(
        page_path(case) + "/tasks", {"title": "Ask for CCTV", "due_on": "next week"}
    )
    assert bad_date.status_code == 400
    assert "Give the date as YYYY-MM-DD." in bad_date.text
    assert 'value="Ask for CCTV"' in bad_date.text
    done(
        await handler.post(
            page_path(case) + "/tasks", {"title": "Ask for CCTV", "due_on": "2030-01-15"}
        ),
        "task_added",
    )
    page = await handler.get(page_path(case))
    match = re.search(r'action="(/staff/cases/[^"]+/tasks/[0-9a-f-]+/done)"', page.text)
    assert match, page.text
    done(await handler.post(match.group(1)), "task_done")
    page = await handler.get(page_path(case))
    assert "No open tasks." in page.text


async def test_propose_approve_and_answer_in_writing(
    client: Client, tenant: TenantHandle, handler: Browser, supervisor: Browser
):
    case = await register(client, tenant)
    await to_investigating(handler, case)

    no_outcome = await handler.post(
        page_path(case) + "/actions/propose_decision", {"redress": "A refund of £40"}
    )
    assert no_outcome.status_code == 400
    assert "Choose the outcome." in no_outcome.text
    assert "A refund of £40" in no_outcome.text
    assert await status_of(tenant, case) == "investigating"

    done(
        await handler.post(
            page_path(case) + "/actions/propose_decision",
            {"outcome": "upheld", "redress": "A refund of £40", "root_cause": "Lost post"},
        ),
        "action_propose_decision",
    )
    # The person who proposed it cannot approve it: no form, and the service refuses.
    own = await handler.get(page_path(case))
    assert "someone else must review it" in own.text
    assert 'id="do-approve_decision"' not in own.text
    refused = await handler.post(page_path(case) + "/actions/approve_decision")
    assert refused.status_code == 403
    assert await status_of(tenant, case) == "decision_proposed"

    review = await supervisor.get(page_path(case))
    assert "A refund of £40" in review.text and 'id="do-approve_decision"' in review.text
    no_comment = await supervisor.post(page_path(case) + "/actions/return_decision")
    assert no_comment.status_code == 400
    assert "Say why the decision goes back." in no_comment.text
    done(
        await supervisor.post(
            page_path(case) + "/actions/approve_decision", {"comment": "Agreed."}
        ),
        "action_approve_decision",
    )
    assert await status_of(tenant, case) == "decision_approved"

    # The answer is shown as the letter before it can be sent.
    compose = await handler.get(page_path(case))
    assert 'id="do-preview"' in compose.text and 'id="do-respond"' not in compose.text
    preview = await handler.post(
        page_path(case) + "/response",
        {"intent": "preview", "response": "We will refund you £40 within 5 days."},
    )
    assert preview.status_code == 200
    assert "The letter as it will be sent" in preview.text
    assert "We will refund you £40 within 5 days." in preview.text
    assert "Ada Example" in preview.text  # the template greets the complainant
    assert 'id="do-respond"' in preview.text
    assert await status_of(tenant, case) == "decision_approved"

    empty = await handler.post(page_path(case) + "/response", {"intent": "send", "response": ""})
    assert empty.status_code == 400
    assert await status_of(tenant, case) == "decision_approved"

    done(
        await handler.post(
            page_path(case) + "/response",
            {"intent": "send", "response": "We will refund you £40 within 5 days."},
        ),
        "action_respond",
    )
    assert await status_of(tenant, case) == "responded"
    async with tenant_transaction(slug=tenant.slug):
        sent = await OutboxMessage.count().where(
            (OutboxMessage.case_id == case["id"]) & (OutboxMessage.kind == "final_response")
        )
    assert sent == 1


async def test_escalating_needs_a_reason(client: Client, tenant: TenantHandle, handler: Browser):
    case = await register(client, tenant)
    no_reason = await handler.post(page_path(case) + "/actions/escalate", {"reason": "  "})
    assert no_reason.status_code == 400
    assert "Give a reason." in no_reason.text
    done(
        await handler.post(
            page_path(case) + "/actions/escalate", {"reason": "Threatens self-harm"}
        ),
        "action_escalate",
    )
    assert await status_of(tenant, case) == "escalated"
    page = await handler.get(page_path(case))
    assert 'id="do-resume"' in page.text


async def test_an_action_the_status_does_not_allow_is_refused_with_what_is_possible(
    client: Client, tenant: TenantHandle, handler: Browser
):
    case = await register(client, tenant)
    answer = await handler.post(page_path(case) + "/actions/close")
    assert answer.status_code == 409
    assert "cannot close" in answer.text
    unknown = await handler.post(page_path(case) + "/actions/respond", {"response": "x"})
    assert unknown.status_code == 404
    assert await status_of(tenant, case) == "received"


async def test_a_case_the_person_may_not_see_takes_no_action(
    client: Client, tenant: TenantHandle, handler: Browser
):
    case = await register(client, tenant)
    async with tenant_transaction(slug=tenant.slug):
        await Case.update({Case.confidentiality: "sealed", Case.assignee_staff_id: None}).where(
            Case.id == case["id"]
        )
    outsider = await browser_of(handler.client, tenant, await tenant.add_staff(("handler",)))
    answer = await outsider.post(page_path(case) + "/actions/acknowledge")
    assert answer.status_code == 404
    assert await status_of(tenant, case) == "received"


class Ombudsman:
    """Requires the final response to name the ombudsman, and a call to be vouched for."""

    def __init__(self) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"ombudsman-{uuid.uuid4().hex[:6]}", version="1", description="wording"
        )

    @hookimpl
    def querela_register_required_content(
        self, tenant: TenantView, case: CaseView, response_kind: str
    ) -> list[RequiredContent]:
        if response_kind != "final":
            return []
        return [
            RequiredContent(
                code="ombudsman",
                description="the right to refer the complaint to the Ombudsman",
                phrases=("Financial Ombudsman Service", "the Ombudsman"),
            ),
            RequiredContent(code="called", description="the complainant was called first"),
        ]


@pytest.fixture
def ombudsman() -> Iterator[Ombudsman]:
    plugin = Ombudsman()
    plugin_host().register(plugin)
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


async def test_a_letter_without_the_plugins_required_content_is_not_sent(
    client: Client,
    tenant: TenantHandle,
    handler: Browser,
    supervisor: Browser,
    ombudsman: Ombudsman,
):
    async with tenant_transaction(slug=tenant.slug):
        await enable_plugin(ombudsman.PLUGIN_INFO.name, actor="test")
    case = await register(client, tenant)
    await to_approved(handler, supervisor, case, "not_upheld")
    bare = "We found no fault."
    preview = await handler.post(
        page_path(case) + "/response", {"intent": "preview", "response": bare}
    )
    assert preview.status_code == 200
    assert "What the letter must say" in preview.text
    assert "Missing" in preview.text and "Financial Ombudsman Service" in preview.text
    assert 'name="vouched" value="called"' in preview.text

    refused = await handler.post(
        page_path(case) + "/response", {"intent": "send", "response": bare}
    )
    assert refused.status_code == 400
    assert "the right to refer the complaint to the Ombudsman" in refused.text
    assert bare in refused.text
    assert await status_of(tenant, case) == "decision_approved"

    worded = bare + " You may refer your complaint to the Financial Ombudsman Service."
    not_vouched = await handler.post(
        page_path(case) + "/response", {"intent": "send", "response": worded}
    )
    assert not_vouched.status_code == 400
    assert "the complainant was called first" in not_vouched.text

    done(
        await handler.post(
            page_path(case) + "/response",
            {"intent": "send", "response": worded, "vouched": "called"},
        ),
        "action_respond",
    )
    async with tenant_transaction(slug=tenant.slug):
        event = (
            await AuditEvent.select(AuditEvent.detail)
            .where((AuditEvent.case_id == case["id"]) & (AuditEvent.action == "case.respond"))
            .first()
        )
    assert event is not None
    detail = (
        event["detail"]
        if isinstance(event["detail"], dict)
        else __import__("json").loads(event["detail"])
    )
    assert detail["required_content"] == ["ombudsman", "called"]
    assert detail["vouched"] == ["called"]


async def test_the_response_draft_api_lists_requirements(
    client: Client,
    tenant: TenantHandle,
    handler: Browser,
    supervisor: Browser,
    ombudsman: Ombudsman,
):
    async with tenant_transaction(slug=tenant.slug):
        await enable_plugin(ombudsman.PLUGIN_INFO.name, actor="test")
    case = await register(client, tenant)
    await to_approved(handler, supervisor, case, "upheld")
    draft = await client.post(
        f"/api/v1/cases/{case['reference']}/response-draft",
        json={"response": "Refer it to the Ombudsman if you wish.", "vouched": ["called"]},
        headers=tenant.headers,
    )
    assert draft.status_code == 200, draft.text
    body = draft.json()
    assert body["kind"] == "final_response" and body["ready"] is True
    assert {r["code"]: r["met"] for r in body["requirements"]} == {
        "ombudsman": True,
        "called": True,
    }
    assert "Refer it to the Ombudsman if you wish." in body["body"]
    async with tenant_transaction(slug=tenant.slug):
        assert (
            await Correspondence.count().where(
                (Correspondence.case_id == case["id"]) & (Correspondence.direction == "outbound")
            )
            == 1
        )  # the acknowledgement only; a draft sends nothing
        assert await CaseDecision.count().where(CaseDecision.case_id == case["id"]) == 1


async def test_an_appeal_is_opened_reviewed_and_answered_from_the_page(
    client: Client, tenant: TenantHandle, handler: Browser, supervisor: Browser
):
    case = await register(client, tenant)
    await to_approved(handler, supervisor, case, "not_upheld")
    done(
        await handler.post(
            page_path(case) + "/response", {"intent": "send", "response": "No fault found."}
        ),
        "action_respond",
    )
    page = await handler.get(page_path(case))
    # The documents an appeal needs are a link away, one per audience.
    assert f"/api/v1/cases/{case['reference']}/appeal-bundle?audience=regulator" in page.text
    bundle = await handler.client.get(
        f"/api/v1/cases/{case['reference']}/appeal-bundle",
        params={"audience": "internal"},
        headers=handler.headers,
    )
    assert bundle.status_code == 200 and bundle.content.startswith(b"%PDF")

    done(
        await handler.post(
            page_path(case) + "/actions/open_appeal", {"reason": "The complainant disagrees."}
        ),
        "action_open_appeal",
    )
    assert await status_of(tenant, case) == "appealed"
    done(
        await supervisor.post(page_path(case) + "/actions/start_appeal_review"),
        "action_start_appeal_review",
    )
    done(
        await supervisor.post(
            page_path(case) + "/actions/propose_decision", {"outcome": "partly_upheld"}
        ),
        "action_propose_decision",
    )
    pending = await handler.get(page_path(case))
    assert "Partly upheld" in pending.text
    assert "appeal_level" not in pending.text
    assert await status_of(tenant, case) == "decision_proposed"


async def test_evidence_is_uploaded_listed_and_downloaded(
    client: Client, tenant: TenantHandle, handler: Browser
):
    case = await register(client, tenant)
    statement = b"Witness statement of the branch clerk, 3 November.\n"
    form = {csrf.FIELD: handler.token, "purpose": "evidence"}
    answer = await client.post(
        page_path(case) + "/files",
        data=form,
        files={"file": ("statement.txt", statement, "text/plain")},
        headers=handler.headers,
    )
    done(answer, "file_added")
    page = await handler.get(page_path(case))
    assert "statement.txt" in page.text
    assert hashlib.sha256(statement).hexdigest() in page.text
    link = re.search(r'href="(/api/v1/cases/[^"]+/attachments/[^"]+)" download', page.text)
    assert link, page.text
    download = await client.get(link.group(1), headers=handler.headers)
    assert download.status_code == 200 and download.content == statement

    script = await client.post(
        page_path(case) + "/files",
        data=form,
        files={"file": ("run.html", b"<html><script>alert(1)</script></html>", "text/html")},
        headers=handler.headers,
    )
    assert script.status_code == 400
    assert "Files and evidence" in script.text
    nothing = await client.post(page_path(case) + "/files", data=form, headers=handler.headers)
    assert nothing.status_code == 400
    listed = await client.get(f"/api/v1/cases/{case['id']}/attachments", headers=tenant.headers)
    assert [f["filename"] for f in listed.json()["items"]] == ["statement.txt"]

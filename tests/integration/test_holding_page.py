"""The case page prompts a holding response as a limit it meets comes near, shows it as a
letter before it goes, and offers the summary resolution letter while its window is open
(an insurer under the FCA's rules: DISP 1.6.2R and DISP 1.5)."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
from markupsafe import escape

from core import clock
from core.letters.services import offered_templates, save_template
from core.tenancy.context import tenant_transaction
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import TenantHandle
from tests.integration.test_insurance_deadlines import deadlines, installed, insure, london
from tests.integration.test_staff_actions import done, page_path, register, to_approved

__all__ = ["installed"]  # the fixture, used by name below

WHY = "We are waiting for the loss adjuster's report; we expect to answer by 20 March."


async def use_plugin_letters(tenant: TenantHandle) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        for offer in await offered_templates():
            await save_template(offer.kind, offer.language, offer.subject, offer.body, actor="t")


async def test_the_page_prompts_a_holding_response_near_the_eighth_week_and_sends_it(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    handler: Browser = await browser_of(client, tenant, tenant.staff)
    with clock.frozen(london(2026, 1, 12, 9)):
        case = await register(client, tenant, received_at=london(2026, 1, 5, 9).isoformat())
        early = await handler.get(page_path(case))
    assert early.status_code == 200
    assert 'id="holding-prompt"' not in early.text  # seven weeks to go: no prompt yet
    assert 'id="holding"' in early.text  # the form is there all the same

    with clock.frozen(london(2026, 2, 26, 9)):
        near = await handler.get(page_path(case))
        assert 'id="holding-prompt"' in near.text
        assert str(escape("Send the final response (or a holding response)")) in near.text
        # The organisation's own holding letter lacks what DISP asks for: refused, shown why.
        refused = await handler.post(
            page_path(case) + "/holding", {"intent": "send", "response": WHY}
        )
        assert refused.status_code == 400
        assert "Financial Ombudsman Service" in refused.text
        assert str(escape(WHY)) in refused.text  # what was typed is kept

        await use_plugin_letters(tenant)
        preview = await handler.post(
            page_path(case) + "/holding", {"intent": "preview", "response": WHY}
        )
        assert preview.status_code == 200
        assert 'id="do-holding"' in preview.text and "financial-ombudsman.org.uk" in preview.text
        done(
            await handler.post(page_path(case) + "/holding", {"intent": "send", "response": WHY}),
            "holding_sent",
        )
        after = await handler.get(page_path(case))
        found = await deadlines(client, tenant, case["id"])

    assert 'id="holding-prompt"' not in after.text  # the limit is met
    assert datetime.fromisoformat(found["final_response"]["met_at"]) == london(2026, 2, 26, 9)


async def test_the_page_says_when_the_limit_has_passed(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    handler = await browser_of(client, tenant, tenant.staff)
    with clock.frozen(london(2026, 3, 4, 9)):
        case = await register(client, tenant, received_at=london(2026, 1, 5, 9).isoformat())
        page = await handler.get(page_path(case))
    assert 'id="holding-prompt"' in page.text
    assert "without delay" in page.text


async def test_an_answer_within_three_business_days_may_go_out_as_a_summary_resolution(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    await use_plugin_letters(tenant)
    handler = await browser_of(client, tenant, tenant.staff)
    supervisor = await browser_of(client, tenant, await tenant.add_staff(("supervisor",)))
    with clock.frozen(london(2026, 1, 6, 11)):
        case = await register(client, tenant, received_at=london(2026, 1, 5, 9).isoformat())
        await to_approved(handler, supervisor, case, "upheld")
        page = await handler.get(page_path(case))
        assert 'id="letter-src"' in page.text
        text = "You told us on the phone that the refund settles it."
        preview = await handler.post(
            page_path(case) + "/response",
            {"intent": "preview", "response": text, "letter": "summary_resolution"},
        )
        assert preview.status_code == 200
        assert 'value="summary_resolution" aria-describedby="letter-src-hint" checked' in (
            preview.text
        )
        done(
            await handler.post(
                page_path(case) + "/response",
                {"intent": "send", "response": text, "letter": "summary_resolution"},
            ),
            "action_respond",
        )
        found = await deadlines(client, tenant, case["id"])
        shown = await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)

    assert found["summary_resolution"]["met_at"] is not None
    assert found["final_response"]["met_at"] is not None
    letters = [c["body"] for c in shown.json()["correspondence"] if c["direction"] == "outbound"]
    [sent] = [b for b in letters if text in b]
    async with tenant_transaction(tenant_id=tenant.id):
        [offer] = [o for o in await offered_templates() if o.kind == "summary_resolution"]
    # The letter is the plugin's summary resolution, not its final response.
    wording = max(re.split(r"{[{%].*?[}%]}", offer.body), key=len).strip()
    assert wording and wording in sent


async def test_after_the_window_the_summary_resolution_is_not_offered(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await insure(tenant, jurisdiction="uk")
    handler = await browser_of(client, tenant, tenant.staff)
    supervisor = await browser_of(client, tenant, await tenant.add_staff(("supervisor",)))
    with clock.frozen(london(2026, 1, 20, 11)):
        case = await register(client, tenant, received_at=london(2026, 1, 5, 9).isoformat())
        await to_approved(handler, supervisor, case, "upheld")
        page = await handler.get(page_path(case))
    assert 'id="letter-src"' not in page.text
    assert 'id="do-preview"' in page.text

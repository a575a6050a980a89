"""The case page's facts: every field the tenant's plugins define, listed with its value, and
recorded, refused beside the field or cleared by those who triage; never written by others,
never with a sensitive value in the audit, and in every language of the pages."""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import IntakeField, PluginInfo, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from frontend.i18n import TEXTS
from tests.conftest import host
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
EN = TEXTS["en"]


class HandlingFacts:
    """A sector plugin's two facts that staff record while handling a case."""

    def __init__(self) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"facts-{uuid.uuid4().hex[:8]}", version="1", description="handling facts"
        )

    @hookimpl
    def querela_register_intake_fields(self, tenant: TenantView) -> list[IntakeField]:
        return [
            IntakeField(
                name="product",
                type="choice",
                label="Product line",
                help="The line of business the complaint is about.",
                choices=("motor", "household"),
                at_intake=False,
                labels={"de": "Sparte", "ru": "Направление", "et": "Tooteliin"},
                helps={
                    "de": "Die Sparte, die die Beschwerde betrifft.",
                    "ru": "Направление, которого касается жалоба.",
                    "et": "Tooteliin, mida kaebus puudutab.",
                },
                choice_labels={
                    "en": {"motor": "Motor cover", "household": "Household cover"},
                    "de": {"motor": "Kraftfahrt", "household": "Hausrat"},
                    "ru": {"motor": "Автострахование", "household": "Страхование жилья"},
                    "et": {"motor": "Liikluskindlustus", "household": "Kodukindlustus"},
                },
            ),
            IntakeField(
                name="redress_paid",
                type="integer",
                label="Redress paid in euros",
                sensitive=True,
                at_intake=False,
                labels={
                    "de": "Gezahlte Entschädigung in Euro",
                    "ru": "Выплаченная компенсация в евро",
                    "et": "Makstud hüvitis eurodes",
                },
            ),
        ]


@pytest.fixture
def facts_plugin() -> Iterator[HandlingFacts]:
    plugin = HandlingFacts()
    plugin_host().register(plugin)
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


@pytest.fixture
async def with_facts(tenant: TenantHandle, facts_plugin: HandlingFacts) -> HandlingFacts:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(facts_plugin.PLUGIN_INFO.name, actor="test")
    return facts_plugin


@pytest.fixture
async def handler(client: Client, tenant: TenantHandle) -> Browser:
    return await browser_of(client, tenant, tenant.staff)


async def register(client: Client, tenant: TenantHandle) -> dict[str, Any]:
    body = {
        "subject": "Claim payment delayed",
        "description": "I sent my claim in October and have heard nothing.",
        "channel": "letter",
    }
    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))
    assert response.status_code == 201, response.text
    return dict(response.json())


def page_path(case: dict[str, Any]) -> str:
    return f"/staff/cases/{case['reference']}"


def version_on(page: httpx.Response) -> str:
    found = re.search(r'name="version" value="(\d+)"', page.text)
    assert found, "the facts form carries the version it was read at"
    return found.group(1)


def fact_shown(page: httpx.Response, label: str) -> str:
    """What the facts list says for ``label``."""
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", page.text, re.S)
    assert found, f"no fact {label!r} on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


async def stored_fields(client: Client, tenant: TenantHandle, case: dict[str, Any]) -> Any:
    response = await client.get(f"/api/v1/cases/{case['reference']}", headers=host(tenant))
    assert response.status_code == 200, response.text
    return response.json()["fields"]


async def audit_of(tenant: TenantHandle, case: dict[str, Any]) -> list[dict[str, Any]]:
    async with tenant_transaction(tenant_id=tenant.id):
        return await (
            AuditEvent.select(AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.case_id == case["id"])
            .order_by(AuditEvent.seq)
        )


async def test_facts_are_recorded_refused_beside_the_field_and_cleared(
    client: Client, tenant: TenantHandle, handler: Browser, with_facts: HandlingFacts
) -> None:
    case = await register(client, tenant)
    page = await handler.get(page_path(case))
    assert page.status_code == 200, page.text
    assert '<h2 id="facts-title">Case facts</h2>' in page.text
    assert fact_shown(page, "Product line") == "Not recorded"
    assert fact_shown(page, "Redress paid in euros").startswith("Not recorded")
    assert '<option value="motor">Motor cover</option>' in page.text
    assert re.search(r'name="field.redress_paid" type="number"[^>]*inputmode="numeric"', page.text)
    assert 'aria-describedby="fact-1-hint"' in page.text

    saved = await handler.post(
        page_path(case) + "/facts",
        {"version": version_on(page), "field.product": "motor", "field.redress_paid": "250"},
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith(f"{page_path(case)}?done=facts_saved")
    assert await stored_fields(client, tenant, case) == {"product": "motor", "redress_paid": 250}
    page = await handler.get(page_path(case) + "?done=facts_saved")
    assert "The case facts are saved." in page.text
    assert fact_shown(page, "Product line") == "Motor cover"
    assert fact_shown(page, "Redress paid in euros").startswith("250")
    assert '<option value="motor" selected>Motor cover</option>' in page.text

    refused = await handler.post(
        page_path(case) + "/facts",
        {"version": version_on(page), "field.product": "boat", "field.redress_paid": "300"},
    )
    assert refused.status_code == 400, refused.text
    error = re.search(r'<p class="field-error" id="fact-1-error">(.*?)</p>', refused.text)
    assert error and error.group(1) == "Choose one of the options offered."
    assert re.search(
        r'<select id="fact-1" name="field.product" aria-describedby="fact-1-hint fact-1-error"'
        r' aria-invalid="true">',
        refused.text,
    )
    assert 'name="field.redress_paid" type="number" step="1" inputmode="numeric" value="300"' in (
        refused.text
    )
    assert '<details class="work-form" id="facts-form" open>' in refused.text
    assert await stored_fields(client, tenant, case) == {"product": "motor", "redress_paid": 250}

    unchanged = await handler.post(
        page_path(case) + "/facts",
        {"version": version_on(page), "field.product": "motor", "field.redress_paid": "250"},
    )
    assert unchanged.headers["location"].endswith("?done=facts_unchanged")

    cleared = await handler.post(
        page_path(case) + "/facts",
        {"version": version_on(page), "field.product": "", "field.redress_paid": ""},
    )
    assert cleared.status_code == 303, cleared.text
    assert await stored_fields(client, tenant, case) == {}
    page = await handler.get(page_path(case))
    assert fact_shown(page, "Product line") == "Not recorded"

    updates = [e for e in await audit_of(tenant, case) if e["action"] == "case.updated"]
    assert len(updates) == 2  # saved and cleared; refused and unchanged wrote nothing
    for event in updates:
        detail = (
            event["detail"] if isinstance(event["detail"], dict) else json.loads(event["detail"])
        )
        assert detail["plugin_fields"] == ["product", "redress_paid"]
        assert "250" not in json.dumps(detail)


async def test_a_case_changed_meanwhile_is_not_overwritten(
    client: Client, tenant: TenantHandle, handler: Browser, with_facts: HandlingFacts
) -> None:
    case = await register(client, tenant)
    page = await handler.get(page_path(case))
    stale = version_on(page)
    first = await handler.post(
        page_path(case) + "/facts", {"version": stale, "field.product": "household"}
    )
    assert first.status_code == 303

    second = await handler.post(
        page_path(case) + "/facts",
        {"version": stale, "field.product": "motor", "field.redress_paid": "75"},
    )

    assert second.status_code == 409, second.text
    assert "Someone changed this case since you opened it." in second.text
    assert 'value="75"' in second.text
    assert await stored_fields(client, tenant, case) == {"product": "household"}
    bad_version = await handler.post(
        page_path(case) + "/facts", {"version": "latest", "field.product": "motor"}
    )
    assert bad_version.status_code == 400
    assert "The form is incomplete." in bad_version.text


async def test_someone_who_does_not_triage_sees_the_facts_but_no_form(
    client: Client, tenant: TenantHandle, handler: Browser, with_facts: HandlingFacts
) -> None:
    case = await register(client, tenant)
    page = await handler.get(page_path(case))
    await handler.post(
        page_path(case) + "/facts", {"version": version_on(page), "field.product": "motor"}
    )
    auditor = await browser_of(client, tenant, await tenant.add_staff(("auditor",)))

    seen = await auditor.get(page_path(case))
    tried = await auditor.post(
        page_path(case) + "/facts", {"version": version_on(page), "field.product": "household"}
    )

    assert seen.status_code == 200, seen.text
    assert fact_shown(seen, "Product line") == "Motor cover"
    assert "/facts" not in seen.text and 'name="field.product"' not in seen.text
    assert tried.status_code == 403
    assert await stored_fields(client, tenant, case) == {"product": "motor"}


async def test_a_tenant_without_plugin_fields_has_no_facts_section(
    client: Client, tenant: TenantHandle, handler: Browser, facts_plugin: HandlingFacts
) -> None:
    case = await register(client, tenant)  # the plugin is installed, not enabled here

    page = await handler.get(page_path(case))

    assert page.status_code == 200
    assert "facts-title" not in page.text and 'name="version"' not in page.text


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_the_facts_are_translated(
    client: Client, tenant: TenantHandle, handler: Browser, with_facts: HandlingFacts, lang: str
) -> None:
    english, translated = EN, TEXTS[lang]
    case = await register(client, tenant)
    page = await handler.get(page_path(case))
    await handler.post(
        page_path(case) + "/facts",
        {"version": version_on(page), "field.product": "household", "field.redress_paid": "9"},
    )
    refused = await handler.post(
        page_path(case) + "/facts?lang=" + lang,
        {"version": version_on(page), "field.product": "boat"},
    )
    shown = await handler.get(page_path(case), lang=lang, done="facts_saved")

    for response in (shown, refused):
        assert f'<html lang="{lang}">' in response.text
        visible = html.unescape(re.sub(r"<[^>]+>", "\n", response.text))
        lines = {line.strip() for line in visible.splitlines()}
        untranslated = [
            english[k]
            for k in english
            if english[k] != translated[k]
            and "{" not in english[k]
            and (english[k] in lines or f"{english[k]}:" in visible)
        ]
        assert not untranslated, f"English left in {lang}: {untranslated}"
        for english_word in ("Product line", "Household cover", "Redress paid in euros"):
            assert english_word not in response.text
    assert translated["facts_title"] in shown.text
    assert translated["done_facts_saved"] in shown.text
    assert refused.status_code == 400
    assert translated["facts_err_choice"] in refused.text

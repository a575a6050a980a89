"""The administrator's setup pages: plugins (enable, disable, a settings form drawn from the
plugin's fields) and letter templates (edit, preview, refuse a broken one, back to the
default, copy a plugin's offer); administrators only, token-checked, escaped, translated."""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.letters.tables import LetterTemplate
from core.plugins.host import plugin_host
from core.plugins.tables import TenantPlugin
from core.sdk import LetterTemplate as OfferedLetter
from core.sdk import PluginInfo, SettingField, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from frontend import csrf
from frontend.i18n import TEXTS as ADMIN_SETUP_MESSAGES
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
EN = ADMIN_SETUP_MESSAGES["en"]


@pytest.fixture
async def admin(client: Client, tenant: TenantHandle) -> Browser:
    return await browser_of(client, tenant, await tenant.add_staff(("tenant-admin",)))


@pytest.fixture
async def handler(client: Client, tenant: TenantHandle) -> Browser:
    return await browser_of(client, tenant, tenant.staff)


class SetupPlugin:
    """A plugin with a setting of every kind, and a letter template on offer."""

    SETTINGS = (
        SettingField(
            name="regulator",
            type="string",
            label="Regulator",
            help="Who oversees your complaints.",
            required=True,
        ),
        SettingField(name="days", type="integer", label="Days", default=56, minimum=1, maximum=90),
        SettingField(name="notify", type="boolean", label="Notify the regulator", default=False),
        SettingField(name="tier", type="choice", label="Tier", choices=("gold", "silver")),
        SettingField(
            name="region",
            type="choice",
            label="Region",
            required=True,
            default="north",
            choices=("north", "south", "east", "west", "centre"),
        ),
        SettingField(name="footer", type="text", label="Footer", help="Printed under letters."),
    )

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="2.3.4", description=f"Setup {XSS}")

    @hookimpl
    def querela_register_settings(self) -> Sequence[SettingField]:
        return list(self.SETTINGS)

    @hookimpl
    def querela_register_letter_templates(self, tenant: TenantView) -> Sequence[OfferedLetter]:
        return [
            OfferedLetter(
                code="ack-formal",
                kind="acknowledgement",
                language="en",
                subject="Formal receipt of {{ reference }}",
                body="We confirm receipt of {{ reference }}.\n\n{{ organisation }}\n",
            )
        ]


@pytest.fixture
async def plugin() -> AsyncIterator[str]:
    installed = SetupPlugin(f"setup-{uuid.uuid4().hex[:10]}")
    plugin_host().register(installed)
    try:
        yield installed.PLUGIN_INFO.name
    finally:
        plugin_host().unregister(installed.PLUGIN_INFO.name)


async def plugin_row(tenant: TenantHandle, name: str) -> dict[str, Any] | None:
    async with tenant_transaction(slug=tenant.slug):
        return await TenantPlugin.select().where(TenantPlugin.plugin == name).first()


async def audited(tenant: TenantHandle, action: str) -> list[dict[str, Any]]:
    async with tenant_transaction(slug=tenant.slug):
        rows = await AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == action)
    return [
        {"detail": json.loads(r["detail"]) if isinstance(r["detail"], str) else r["detail"]}
        for r in rows
    ]


async def own_templates(tenant: TenantHandle) -> list[dict[str, Any]]:
    async with tenant_transaction(slug=tenant.slug):
        return await LetterTemplate.select(
            LetterTemplate.kind, LetterTemplate.language, LetterTemplate.body
        )


def done(response: httpx.Response, path: str, notice: str) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{path}?done={notice}"


def error_beside(response: httpx.Response, field_id: str) -> str:
    """The message tied to a field by aria-describedby."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', response.text
    )
    assert match, f"no error beside {field_id}"
    assert re.search(rf'aria-describedby="[^"]*{re.escape(field_id)}-error', response.text)
    return html.unescape(match.group(1))


# -- who may ------------------------------------------------------------------------------


async def test_only_administrators_reach_the_setup_pages(
    admin: Browser, handler: Browser, tenant: TenantHandle, plugin: str
):
    for path in (
        "/staff/admin/plugins",
        f"/staff/admin/plugins/{plugin}",
        "/staff/admin/templates",
        "/staff/admin/templates/acknowledgement/en",
        "/staff/admin/branding",
    ):
        refused = await handler.get(path)
        assert refused.status_code == 403, path
        assert "tenant administrator" in refused.text
        assert (await admin.get(path)).status_code == 200, path

    enable = await handler.post(f"/staff/admin/plugins/{plugin}/enable")
    assert enable.status_code == 403
    saved = await handler.post(
        "/staff/admin/templates/acknowledgement/en", {"subject": "S", "body": "B"}
    )
    assert saved.status_code == 403
    assert await plugin_row(tenant, plugin) is None
    assert await own_templates(tenant) == []


async def test_anonymous_visitors_are_sent_to_sign_in(client: Client, tenant: TenantHandle):
    response = await client.get(
        "/staff/admin/plugins", headers={"host": f"{tenant.slug}.localhost"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/login?next=/staff/admin/plugins"


# -- plugins ------------------------------------------------------------------------------


async def test_plugins_are_listed_and_enabled_and_disabled_from_the_page(
    admin: Browser, tenant: TenantHandle, plugin: str
):
    listed = await admin.get("/staff/admin/plugins")
    assert listed.status_code == 200
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a[^>]*>{plugin}</a>.*?</tr>", listed.text, re.S)
    assert row, listed.text
    assert "2.3.4" in row.group(0) and EN["setup_plugin_disabled"] in row.group(0)
    assert EN["setup_vendor_unknown"] in row.group(0)
    # The built-in sector plugins come from Querela's own distribution.
    assert re.search(r"insurance</a></th>\s*<td>[^<]+</td>\s*<td>querela</td>", listed.text)

    done(
        await admin.post(f"/staff/admin/plugins/{plugin}/enable"),
        "/staff/admin/plugins",
        "plugin_enabled",
    )
    row_after = await plugin_row(tenant, plugin)
    assert row_after is not None and row_after["enabled"] is True
    shown = await admin.get("/staff/admin/plugins", done="plugin_enabled")
    assert EN["done_plugin_enabled"] in shown.text
    assert re.search(rf"{plugin}</a></th>.*?{EN['setup_plugin_enabled']}", shown.text, re.S)

    done(
        await admin.post(f"/staff/admin/plugins/{plugin}/disable"),
        "/staff/admin/plugins",
        "plugin_disabled",
    )
    row_after = await plugin_row(tenant, plugin)
    assert row_after is not None and row_after["enabled"] is False
    assert [e["detail"]["plugin"] for e in await audited(tenant, "plugin.enabled")] == [plugin]
    assert [e["detail"]["plugin"] for e in await audited(tenant, "plugin.disabled")] == [plugin]

    missing = await admin.post("/staff/admin/plugins/no-such-plugin/enable")
    assert missing.status_code == 404


async def test_the_settings_form_draws_every_kind_of_field(admin: Browser, plugin: str):
    page = await admin.get(f"/staff/admin/plugins/{plugin}")
    assert page.status_code == 200
    text = page.text
    # A required text field with its label, help and marker.
    assert re.search(r'<label for="s-regulator">Regulator <span class="required">', text)
    assert '<p class="hint" id="s-regulator-hint">Who oversees your complaints.</p>' in text
    assert re.search(
        r'<input id="s-regulator" name="regulator" type="text" value="" required', text
    )
    # A number with its bounds and its default as the current value.
    assert re.search(
        r'name="days" type="number" inputmode="numeric" min="1" max="90" value="56"', text
    )
    # A boolean as a checkbox, a short choice as radios, a long one as a select.
    assert re.search(r'id="s-notify" name="notify" type="checkbox" value="on"', text)
    assert re.search(r'name="tier" type="radio" value="gold"', text)
    assert '<select id="s-region" name="region" required' in text
    assert re.search(r'<option value="north" selected>north</option>', text)
    assert re.search(r'<textarea id="s-footer" name="footer"', text)
    # The plugin's own text is data: escaped.
    assert "<script>alert" not in text and "&lt;script&gt;" in text


async def test_bad_settings_are_refused_beside_their_fields_and_kept(
    admin: Browser, tenant: TenantHandle, plugin: str
):
    typed = {
        "regulator": "",
        "days": "500",
        "tier": "platinum",
        "region": "south",
        "footer": f"Kept {XSS}",
    }
    response = await admin.post(f"/staff/admin/plugins/{plugin}", typed)

    assert response.status_code == 400
    assert error_beside(response, "s-regulator") == EN["setup_error_required"]
    assert error_beside(response, "s-days") == EN["setup_error_max"].format(maximum=90)
    assert error_beside(response, "s-tier") == EN["setup_error_choice"].format(
        choices="gold, silver"
    )
    assert 'aria-invalid="true"' in response.text
    assert 'value="500"' in response.text  # what was typed stays
    assert '<option value="south" selected>' in response.text
    assert "Kept &lt;script&gt;" in response.text and "<script>alert" not in response.text
    assert await plugin_row(tenant, plugin) is None

    not_a_number = await admin.post(f"/staff/admin/plugins/{plugin}", {**typed, "days": "ten"})
    assert error_beside(not_a_number, "s-days") == EN["setup_error_number"]
    assert 'value="ten"' in not_a_number.text


async def test_good_settings_are_stored_and_shown_again(
    admin: Browser, tenant: TenantHandle, plugin: str
):
    response = await admin.post(
        f"/staff/admin/plugins/{plugin}",
        {"regulator": "Ombudsman", "days": "30", "notify": "on", "tier": "gold", "region": "west"},
    )
    done(response, f"/staff/admin/plugins/{plugin}", "plugin_configured")
    row = await plugin_row(tenant, plugin)
    assert row is not None
    settings = row["settings"]
    stored = settings if isinstance(settings, dict) else json.loads(settings)
    assert stored == {
        "regulator": "Ombudsman",
        "days": 30,
        "notify": True,
        "tier": "gold",
        "region": "west",
    }
    page = await admin.get(f"/staff/admin/plugins/{plugin}")
    assert 'value="Ombudsman"' in page.text and 'value="30"' in page.text
    assert re.search(r'name="notify" type="checkbox" value="on" checked', page.text)
    assert await audited(tenant, "plugin.configured")


async def test_a_form_without_its_token_changes_nothing(
    admin: Browser, tenant: TenantHandle, plugin: str
):
    for path, data in (
        (f"/staff/admin/plugins/{plugin}/enable", {}),
        (f"/staff/admin/plugins/{plugin}", {"regulator": "Ombudsman"}),
        ("/staff/admin/templates/acknowledgement/en", {"subject": "S", "body": "B"}),
    ):
        response = await admin.post(path, data, token="x" * 43)
        assert response.status_code == 403, path
    assert await plugin_row(tenant, plugin) is None
    assert await own_templates(tenant) == []


# -- letter templates ---------------------------------------------------------------------


async def test_templates_list_every_kind_and_language_with_its_source(admin: Browser):
    page = await admin.get("/staff/admin/templates")
    assert page.status_code == 200
    for kind in ("acknowledgement", "final_response", "appeal_response", "survey_invitation"):
        assert EN[f"setup_letter_{kind}"] in page.text
        for lang in ("en", "de", "ru", "et"):
            assert f'href="/staff/admin/templates/{kind}/{lang}"' in page.text
    assert EN["setup_source_own"] not in page.text
    assert EN["setup_source_default"] in page.text
    assert EN["setup_no_offers"] in page.text


async def test_preview_renders_sample_values_and_saves_nothing(
    admin: Browser, tenant: TenantHandle
):
    path = "/staff/admin/templates/acknowledgement/en"
    response = await admin.post(
        path,
        {
            "intent": "preview",
            "subject": "About {{ reference }}",
            "body": "Dear {{ complainant }}, " + XSS + "\n{{ organisation }}",
        },
    )
    assert response.status_code == 200
    assert EN["setup_preview_heading"] in response.text
    assert "About Q-2026-000123" in response.text
    assert "Dear Ada Example" in response.text and tenant.name in response.text
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text
    # The text stays in the form, and nothing is stored.
    assert "About {{ reference }}</" not in response.text
    assert 'value="About {{ reference }}"' in response.text
    assert await own_templates(tenant) == []


async def test_a_broken_template_is_refused_with_the_reason_and_kept(
    admin: Browser, tenant: TenantHandle
):
    broken = await admin.post(
        "/staff/admin/templates/final_response/de",
        {"subject": "Antwort", "body": "Guten Tag {% if outcome %} ohne Ende"},
    )
    assert broken.status_code == 400
    reason = error_beside(broken, "body")
    assert reason.startswith(EN["setup_template_syntax"].split("{")[0])
    assert "endif" in reason or "end of template" in reason
    assert "Guten Tag {% if outcome %} ohne Ende</textarea>" in broken.text

    no_link = await admin.post(
        "/staff/admin/templates/survey_invitation/en",
        {"subject": "Tell us", "body": "How did we do on {{ reference }}?"},
    )
    assert no_link.status_code == 400
    assert error_beside(no_link, "body") == "This letter needs the variable {{ survey_link }}."

    empty = await admin.post(
        "/staff/admin/templates/survey_invitation/en", {"subject": "", "body": "x"}
    )
    assert error_beside(empty, "subject") == EN["setup_template_empty"]
    assert await own_templates(tenant) == []


async def test_saving_then_going_back_to_the_default(admin: Browser, tenant: TenantHandle):
    path = "/staff/admin/templates/acknowledgement/et"
    body = "Tere {{ complainant }}, saime kaebuse {{ reference }} kätte.\n{{ organisation }}\n"
    done(
        await admin.post(
            path, {"intent": "save", "subject": "Kaebus {{ reference }}", "body": body}
        ),
        path,
        "template_saved",
    )
    assert [(r["kind"], r["language"], r["body"]) for r in await own_templates(tenant)] == [
        ("acknowledgement", "et", body)
    ]
    page = await admin.get(path)
    assert EN["setup_template_is_own"] in page.text
    assert f'action="{path}/default"' in page.text
    listing = await admin.get("/staff/admin/templates")
    assert EN["setup_source_own"] in listing.text

    done(await admin.post(f"{path}/default"), path, "template_reset")
    assert await own_templates(tenant) == []
    page = await admin.get(path)
    assert EN["setup_template_is_default"] in page.text
    assert f'action="{path}/default"' not in page.text
    assert [e["detail"] for e in await audited(tenant, "letter_template.saved")] == [
        {"kind": "acknowledgement", "language": "et"}
    ]
    assert [e["detail"] for e in await audited(tenant, "letter_template.reset")] == [
        {"kind": "acknowledgement", "language": "et"}
    ]
    assert (await admin.get("/staff/admin/templates/complaint/en")).status_code == 404
    assert (await admin.get("/staff/admin/templates/acknowledgement/fr")).status_code == 404


async def test_a_plugins_template_can_be_copied_into_the_tenants_own(
    admin: Browser, tenant: TenantHandle, plugin: str
):
    done(
        await admin.post(f"/staff/admin/plugins/{plugin}/enable"),
        "/staff/admin/plugins",
        "plugin_enabled",
    )
    listing = await admin.get("/staff/admin/templates")
    assert "Formal receipt of {{ reference }}" in listing.text
    offer = f"{plugin}:ack-formal"
    link = f"/staff/admin/templates/acknowledgement/en?offer={offer}"
    assert html.escape(link).replace("%3A", ":") in listing.text.replace("%3A", ":")

    copied = await admin.get("/staff/admin/templates/acknowledgement/en", offer=offer)
    assert copied.status_code == 200
    assert 'value="Formal receipt of {{ reference }}"' in copied.text
    assert "We confirm receipt of {{ reference }}." in copied.text
    assert await own_templates(tenant) == []  # copying fills the form; saving stores it
    unknown = await admin.get("/staff/admin/templates/acknowledgement/en", offer="x:y")
    assert unknown.status_code == 404


# -- languages ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_setup_pages_are_translated(admin: Browser, plugin: str, lang: str):
    english, translated = ADMIN_SETUP_MESSAGES["en"], ADMIN_SETUP_MESSAGES[lang]
    assert translated.keys() == english.keys()
    assert not [k for k, v in translated.items() if not v.strip()]

    broken = await admin.client.post(
        f"/staff/admin/templates/final_response/en?lang={lang}",
        data={csrf.FIELD: admin.token, "subject": "", "body": "{% if %}"},
        headers=admin.headers,
    )
    bad_settings = await admin.client.post(
        f"/staff/admin/plugins/{plugin}?lang={lang}",
        data={csrf.FIELD: admin.token, "regulator": "", "days": "ten"},
        headers=admin.headers,
    )
    pages = [broken, bad_settings]
    for path in (
        "/staff/admin/plugins",
        f"/staff/admin/plugins/{plugin}",
        "/staff/admin/templates",
        "/staff/admin/templates/survey_invitation/et",
        "/staff/admin/branding",
    ):
        pages.append(await admin.get(path, lang=lang))
    for response in pages:
        assert response.status_code in (200, 400), response.text
        visible = html.unescape(re.sub(r"<[^>]+>", "\n", response.text))
        lines = {line.strip() for line in visible.splitlines()}
        untranslated = [
            english[k]
            for k in english
            if english[k] != translated[k]
            and "{" not in english[k]
            and (english[k] in lines or f"{english[k]}:" in visible)
        ]
        assert not untranslated, f"English left on {response.url} in {lang}: {untranslated}"
        assert f'<html lang="{lang}">' in response.text

"""The staff page that registers a complaint received by telephone, letter, in person or e-mail:
the case it makes is the one typed in, at the local time typed in; a refusal is named beside its
field with everything typed kept and nothing written; the plugins' intake fields are asked for
the channels they are for; only staff may use it, and it speaks every language of the pages."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from core import clock
from core.cases.tables import Case
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.sdk import (
    CaseView,
    ConfidentialityMinimum,
    IntakeField,
    IntakeSubmission,
    PluginInfo,
    TenantView,
    ValidationIssue,
    hookimpl,
)
from core.tenancy.context import tenant_transaction
from frontend import csrf
from frontend.i18n import TEXTS
from tests.conftest import host
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
EN = TEXTS["en"]
PAGE = "/staff/cases/new"
ZONE = "Europe/Tallinn"
TALLINN = ZoneInfo(ZONE)


class IntakeExtras:
    """A sector plugin asking a policy number of complaints by phone or letter, one question of
    web complaints only, and recording a root cause while the case is handled; it seals a case
    whose subject says so."""

    def __init__(self) -> None:
        self.PLUGIN_INFO = PluginInfo(
            name=f"intake-{uuid.uuid4().hex[:8]}", version="1", description="intake fields"
        )

    @hookimpl
    def querela_register_intake_fields(self, tenant: TenantView) -> list[IntakeField]:
        return [
            IntakeField(
                name="policy_number",
                type="string",
                label="Policy number",
                help="As printed on the policy schedule.",
                required=True,
                channels=("phone", "letter"),
                labels={"de": "Policennummer", "ru": "Номер полиса", "et": "Poliisi number"},
                helps={
                    "de": "Wie im Versicherungsschein angegeben.",
                    "ru": "Как указано в полисе.",
                    "et": "Nagu poliisil kirjas.",
                },
            ),
            IntakeField(
                name="cookie_consent", type="boolean", label="Web visitor", channels=("web",)
            ),
            IntakeField(name="root_cause", type="string", label="Root cause", at_intake=False),
        ]

    @hookimpl
    def querela_register_intake_problems(
        self, tenant: TenantView, submission: IntakeSubmission
    ) -> list[ValidationIssue]:
        number = submission.fields.get("policy_number")
        if number and not str(number).startswith("POL-"):
            return [ValidationIssue("fields.policy_number", "starts with POL-")]
        return []

    @hookimpl
    def querela_register_confidentiality_minimums(
        self, tenant: TenantView, case: CaseView
    ) -> list[ConfidentialityMinimum]:
        if case.subject.startswith("Sealed:"):
            return [ConfidentialityMinimum(level="sealed", reason="the board's own conduct")]
        return []


@pytest.fixture
def extras() -> Iterator[IntakeExtras]:
    plugin = IntakeExtras()
    plugin_host().register(plugin)
    try:
        yield plugin
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


@pytest.fixture
async def office(tenant: TenantHandle, extras: IntakeExtras, owner: asyncpg.Connection) -> None:
    """The tenant works in Tallinn and has the plugin enabled."""
    await owner.execute("UPDATE tenant SET timezone = $1 WHERE id = $2", ZONE, tenant.id)
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin(extras.PLUGIN_INFO.name, actor="test")


@pytest.fixture
async def coordinator(client: Client, tenant: TenantHandle) -> Browser:
    return await browser_of(client, tenant, tenant.staff)


def a_phone_call(**changes: str) -> dict[str, str]:
    """The form as a coordinator fills it in for a call received yesterday at 14:30 local time."""
    yesterday = clock.now().astimezone(TALLINN).date() - timedelta(days=1)
    return {
        "channel": "phone",
        "received_on": yesterday.isoformat(),
        "received_time": "14:30",
        "arrival_note": "Call to the Tartu branch, taken by the front desk",
        "subject": "Claim payment delayed",
        "description": "The caller sent the claim in October and has heard nothing since.",
        "identity": "identified",
        "name": "Ada Example",
        "email": "",
        "phone": "+372 5555 0101",
        "language": "et",
        "representative_name": "Bert Example",
        "representative_email": "bert@example.org",
        "subjects": "Carl Cashier\n\n  Dora Desk  \n",
        "witnesses": "",
        "severity": "high",
        "field.policy_number": "POL-123",
        **changes,
    }


async def case_count(tenant: TenantHandle) -> int:
    async with tenant_transaction(tenant_id=tenant.id):
        return await Case.count()


async def case_by(client: Client, tenant: TenantHandle, reference: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/cases/{reference}", headers=host(tenant))
    assert response.status_code == 200, response.text
    return dict(response.json())


def error_beside(page: httpx.Response, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field)}-error">(.*?)</p>', page.text)
    assert found, f"no error beside {field!r}"
    return html.unescape(found.group(1))


def registered(response: httpx.Response) -> str:
    """The reference of the case a registration went to."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    found = re.fullmatch(r"/staff/cases/([^?]+)\?done=case_registered", location)
    assert found, location
    return found.group(1)


async def test_a_phone_complaint_is_registered_as_typed_at_local_time(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None
) -> None:
    form = await coordinator.get(PAGE)
    assert form.status_code == 200, form.text
    forms = form.text.count('<form method="post"')  # this one, and signing out
    assert forms == 2 == form.text.count(f'name="{csrf.FIELD}" value="{coordinator.token}"')
    assert '<form method="post" action="/staff/cases/new" class="intake" novalidate>' in form.text
    assert "<h1>Register a complaint</h1>" in form.text
    assert '<a href="/staff/cases/new" aria-current="page">Register a complaint</a>' in form.text
    now = clock.now().astimezone(TALLINN)
    assert f'name="received_on" type="date" required value="{now.date().isoformat()}"' in form.text
    assert f"time zone ({ZONE})" in form.text
    assert 'name="field.policy_number"' in form.text
    assert "Needed for complaints received by: Telephone, Letter." in form.text
    assert 'Policy number <span class="required">' not in form.text  # not on every channel
    assert 'name="field.root_cause"' not in form.text and "Root cause" not in form.text
    assert 'name="field.cookie_consent"' not in form.text
    for legend in ("How and when it arrived", "The complaint", "The complainant"):
        assert f"<legend>{legend}</legend>" in form.text

    answer = await coordinator.post(PAGE, a_phone_call())

    reference = registered(answer)
    case = await case_by(client, tenant, reference)
    yesterday = now.date() - timedelta(days=1)
    expected = datetime.combine(yesterday, time(14, 30), tzinfo=TALLINN)
    assert datetime.fromisoformat(case["received_at"]) == expected
    assert case["channel"] == "phone"
    assert case["subject"] == "Claim payment delayed"
    assert case["severity"] == "high" and case["language"] == "et"
    assert case["arrival_note"] == "Call to the Tartu branch, taken by the front desk"
    assert case["fields"] == {"policy_number": "POL-123"}
    assert case["entered_by"] == f"staff:{tenant.staff.staff_id}"
    parties = {(p["role"], p["name"], p["email"], p["phone"]) for p in case["parties"]}
    assert parties == {
        ("complainant", "Ada Example", None, "+372 5555 0101"),
        ("representative", "Bert Example", "bert@example.org", None),
        ("subject", "Carl Cashier", None, None),
        ("subject", "Dora Desk", None, None),
    }
    letters = case["correspondence"]
    assert [(c["channel"], c["body"]) for c in letters][:1] == [
        ("phone", "The caller sent the claim in October and has heard nothing since.")
    ]
    shown = await coordinator.get(answer.headers["location"])
    assert shown.status_code == 200
    assert "The complaint is registered." in shown.text and reference in shown.text


async def test_a_time_in_the_future_is_refused_beside_it_with_everything_kept(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None
) -> None:
    before = await case_count(tenant)
    tomorrow = (clock.now().astimezone(TALLINN) + timedelta(days=1)).date().isoformat()

    answer = await coordinator.post(PAGE, a_phone_call(received_on=tomorrow))

    assert answer.status_code == 400, answer.text
    assert await case_count(tenant) == before
    assert error_beside(answer, "received_at") == EN["intake_err_received"]
    assert (
        f'name="received_on" type="date" required value="{tomorrow}"'
        ' aria-describedby="received-hint received_at-error" aria-invalid="true">'
    ) in answer.text
    assert '<a href="#received_on">' in answer.text  # the summary leads to the field
    assert 'value="phone" required checked' in answer.text
    for kept in ("Claim payment delayed", "Ada Example", "+372 5555 0101", "POL-123"):
        assert f'value="{kept}"' in answer.text
    assert "The caller sent the claim in October and has heard nothing since.</textarea>" in (
        answer.text
    )
    assert "Carl Cashier\n\n  Dora Desk</textarea>" in answer.text
    assert '<option value="et" lang="et" selected>' in answer.text
    assert '<option value="high" selected>' in answer.text
    assert f'name="{csrf.FIELD}" value="{coordinator.token}"' in answer.text


async def test_malformed_addresses_are_all_refused_at_once(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None
) -> None:
    before = await case_count(tenant)

    answer = await coordinator.post(
        PAGE, a_phone_call(email="ada@", representative_email="bert at example.org")
    )

    assert answer.status_code == 400, answer.text
    assert await case_count(tenant) == before
    assert error_beside(answer, "email") == EN["err_email"]
    assert error_beside(answer, "representative_email") == EN["err_email"]
    assert 'value="ada@" aria-describedby="email-error" aria-invalid="true">' in answer.text
    summary = answer.text.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.index('href="#email"') < summary.index('href="#representative_email"')


async def test_a_plugin_field_is_required_only_for_its_channels_and_kept_for_others(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None
) -> None:
    missing = await coordinator.post(PAGE, a_phone_call(**{"field.policy_number": ""}))
    assert missing.status_code == 400, missing.text
    assert error_beside(missing, "field.policy_number") == EN["intake_err_required"]
    assert re.search(
        r'name="field.policy_number" type="text" maxlength="10000" value=""'
        r' aria-describedby="field.policy_number-hint field.policy_number-channels'
        r' field.policy_number-error" aria-invalid="true">',
        missing.text,
    )

    visit = await coordinator.post(
        PAGE, a_phone_call(channel="in_person", **{"field.policy_number": ""})
    )
    by_mail = await coordinator.post(PAGE, a_phone_call(channel="email"))

    wrong = await coordinator.post(PAGE, a_phone_call(**{"field.policy_number": "123"}))
    assert wrong.status_code == 400, wrong.text
    assert error_beside(wrong, "field.policy_number") == EN["intake_err_rule"].format(
        reason="starts with POL-"
    )
    assert (await case_by(client, tenant, registered(visit)))["fields"] == {}
    mailed = await case_by(client, tenant, registered(by_mail))
    assert mailed["channel"] == "email"
    assert mailed["fields"] == {"policy_number": "POL-123"}  # given, so kept


async def test_the_complainants_identity_is_asked_plainly(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None
) -> None:
    before = await case_count(tenant)
    anonymous_with_name = await coordinator.post(PAGE, a_phone_call(identity="anonymous"))
    nobody = await coordinator.post(PAGE, a_phone_call(name="", phone=""))
    assert anonymous_with_name.status_code == nobody.status_code == 400
    assert error_beside(anonymous_with_name, "identity") == EN["intake_err_anonymous"]
    assert error_beside(nobody, "name") == EN["intake_err_no_contact"]
    assert await case_count(tenant) == before

    protected = await coordinator.post(PAGE, a_phone_call(identity="protected"))
    anonymous = await coordinator.post(
        PAGE, a_phone_call(identity="anonymous", name="", phone="", channel="letter")
    )

    [kept] = [
        p
        for p in (await case_by(client, tenant, registered(protected)))["parties"]
        if p["role"] == "complainant"
    ]
    assert kept["protected"] and kept["name"] != "Ada Example"  # staff see a pseudonym
    [unknown] = [
        p
        for p in (await case_by(client, tenant, registered(anonymous)))["parties"]
        if p["role"] == "complainant"
    ]
    assert unknown["anonymous"] and unknown["phone"] is None


async def test_a_case_its_registrar_may_not_see_is_registered_all_the_same(
    client: Client, tenant: TenantHandle, office: None
) -> None:
    clerk = await browser_of(client, tenant, await tenant.add_staff(("investigator",)))
    before = await case_count(tenant)

    answer = await clerk.post(PAGE, a_phone_call(subject="Sealed: the chair's expenses"))

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/staff?done=case_registered_unseen"
    assert await case_count(tenant) == before + 1
    queue = await clerk.get(answer.headers["location"])
    assert EN["done_case_registered_unseen"] in html.unescape(queue.text)


async def test_someone_without_a_role_here_is_refused(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None
) -> None:
    roleless = await tenant.add_staff(roles=())
    headers = {
        **host(tenant),
        **roleless.bearer,
        "cookie": f"{csrf.COOKIE}={coordinator.token}",
    }
    before = await case_count(tenant)

    seen = await client.get(PAGE, headers=headers)
    tried = await client.post(
        PAGE, data={csrf.FIELD: coordinator.token, **a_phone_call()}, headers=headers
    )

    for answer in (seen, tried):
        assert answer.status_code == 403, answer.text
        assert "You have no role in" in answer.text
        assert 'name="subject"' not in answer.text
    assert await case_count(tenant) == before
    signed_out = await client.get(PAGE, headers={"host": f"{tenant.slug}.localhost"})
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/auth/login?next=/staff/cases/new")


async def test_a_form_without_its_token_writes_nothing(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None
) -> None:
    before = await case_count(tenant)

    answer = await coordinator.post(PAGE, a_phone_call(), token="not-the-token")

    assert answer.status_code == 403
    assert await case_count(tenant) == before


async def test_a_suspended_organisation_takes_no_complaint(
    client: Client,
    tenant: TenantHandle,
    coordinator: Browser,
    office: None,
    owner: asyncpg.Connection,
) -> None:
    await owner.execute("UPDATE tenant SET status = 'suspended' WHERE id = $1", tenant.id)
    before = await case_count(tenant)

    shown = await coordinator.get(PAGE)
    tried = await coordinator.post(PAGE, a_phone_call())

    assert shown.status_code == 200
    assert "complaints cannot be submitted here until it resumes" in shown.text
    assert 'name="subject"' not in shown.text
    assert tried.status_code == 403
    assert await case_count(tenant) == before


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_the_page_is_translated(
    client: Client, tenant: TenantHandle, coordinator: Browser, office: None, lang: str
) -> None:
    english, translated = EN, TEXTS[lang]
    shown = await coordinator.get(PAGE, lang=lang)
    refused = await coordinator.post(
        f"{PAGE}?lang={lang}", a_phone_call(email="ada@", received_time="25:00")
    )
    # The plugins' rules are the core's to apply, once the form itself is right.
    unanswered = await coordinator.post(
        f"{PAGE}?lang={lang}", a_phone_call(**{"field.policy_number": ""})
    )
    answer = await coordinator.post(f"{PAGE}?lang={lang}", a_phone_call())
    assert answer.headers["location"].endswith(f"?done=case_registered&lang={lang}")
    done = await coordinator.get(answer.headers["location"])

    assert refused.status_code == unanswered.status_code == 400
    for response in (shown, refused, unanswered):
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
        for english_words in ("Policy number", "As printed on the policy schedule"):
            assert english_words not in response.text
        assert translated["intake_title"] in response.text
    channels = ", ".join(translated[f"admin_channel_{c}"] for c in ("phone", "letter"))
    assert html.escape(translated["intake_field_needed"].format(channels=channels)) in shown.text
    assert html.escape(translated["intake_err_received"]) in refused.text
    assert html.escape(translated["intake_err_required"]) in unanswered.text
    assert html.escape(translated["err_email"]) in refused.text
    assert html.escape(translated["done_case_registered"]) in done.text

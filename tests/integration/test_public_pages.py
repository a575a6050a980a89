"""The public pages of a tenant: a complaint through a plain form, then follow-up with the receipt.

Every request goes as a browser without JavaScript sends it: a GET for the form
(which sets the form-token cookie), then the form posted back with its token.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from html.parser import HTMLParser

import httpx
import pytest
from litestar import Litestar

from core.app import create_app
from core.cases.tables import Case, Correspondence, Party
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.receipts.services import ADVICE
from core.receipts.tables import CaseReceipt
from core.sdk import IntakeField, PluginInfo, TenantView, hookimpl
from core.settings import Settings
from core.taxonomy.services import TermIn, save_term
from core.tenancy.context import tenant_transaction
from frontend import FrontendPlugin
from frontend.csrf import COOKIE
from frontend.i18n import LANGUAGES
from tests.conftest import host
from tests.fixtures.staff import TenantHandle
from tests.integration.test_public_followup import close

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
FORM = {
    "subject": "Rude reception",
    "description": "The person at the front desk shouted at me on Monday.",
    "identity": "identified",
    "name": "Ada Example",
    "email": "ada@example.org",
    "phone": "+44 20 7946 0000",
    "language": "en",
}
RECEIPT = re.compile(r'<p class="receipt" id="receipt"[^>]*>([0-9A-Z-]+)</p>')
REFERENCE = re.compile(r'<dd id="reference">([^<]+)</dd>')


def browser(app: Litestar, tenant: TenantHandle) -> httpx.AsyncClient:
    """A browser on the tenant's host, from an address of its own (limits count per address)."""
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    transport = httpx.ASGITransport(app=app, client=(address, 50_000))
    return httpx.AsyncClient(
        transport=transport,
        base_url="http://localhost",
        headers={"host": f"{tenant.slug}.localhost"},
    )


def token_in(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "the form carries its token"
    return match.group(1)


async def post_form(
    http: httpx.AsyncClient, path: str, fields: dict[str, str], **kwargs: object
) -> httpx.Response:
    """Open the page the form is on, then send the form with the page's token."""
    page = await http.get("/complain" if path == "/complain" else "/follow-up")
    return await http.post(path, data={"csrf_token": token_in(page), **fields}, **kwargs)  # type: ignore[arg-type]


async def complain(http: httpx.AsyncClient, **changes: str) -> tuple[str, str, httpx.Response]:
    """File a complaint through the form; return its reference, its receipt and the page."""
    page = await post_form(http, "/complain", {**FORM, **changes})
    assert page.status_code == 200, page.text
    reference, receipt = REFERENCE.search(page.text), RECEIPT.search(page.text)
    assert reference and receipt, page.text
    return reference.group(1), receipt.group(1), page


async def case_page(http: httpx.AsyncClient, receipt: str) -> httpx.Response:
    return await post_form(http, "/follow-up", {"receipt": receipt})


async def counts(tenant: TenantHandle) -> tuple[int, int, int, int]:
    async with tenant_transaction(slug=tenant.slug):
        return (
            await Case.count(),
            await Party.count(),
            await Correspondence.count(),
            await CaseReceipt.count(),
        )


class _Text(HTMLParser):
    """The text a person reads or hears on a page: text nodes and accessible attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        self.parts += [v.strip() for k, v in attrs if k in ("aria-label", "title", "alt") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def texts_of(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return set(parser.parts)


# -- the complaint form ---------------------------------------------------------------------


async def test_form_is_plain_accessible_html_under_a_strict_policy(
    app: Litestar, tenant: TenantHandle
):
    async with browser(app, tenant) as http:
        home = await http.get("/")
        page = await http.get("/complain")

    assert 'href="/complain?lang=en"' in home.text, "the tenant's page links to the form"
    assert page.status_code == 200
    assert "<script" not in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert "script-src" not in policy, "no script from anywhere"
    assert COOKIE in page.headers["set-cookie"] and "httponly" in page.headers["set-cookie"].lower()
    assert '<html lang="en">' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    for name in ("subject", "description", "name", "email", "phone", "language", "file"):
        assert f'<label for="{name}">' in page.text, name
        assert f'id="{name}"' in page.text, name
    assert "<fieldset" in page.text and page.text.count("<legend>") >= 2
    for choice in ("anonymous", "identified", "protected"):
        assert f'<label for="identity-{choice}">' in page.text
    assert 'class="skip" href="#main"' in page.text


async def test_a_complaint_with_a_file_gives_a_receipt_and_a_case_staff_can_read(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    async with browser(app, tenant) as http:
        reference, receipt, page = await complain_with_file(http)
        followed = await case_page(http, receipt)

    assert ADVICE in page.text
    assert "Your contact details were stored with your complaint" in page.text
    assert 'href="/follow-up?lang=en"' in page.text
    assert page.headers["cache-control"] == "no-store"
    staff = await client.get(f"/api/v1/cases/{reference}", headers=host(tenant))
    case = staff.json()
    assert (case["subject"], case["channel"]) == (FORM["subject"], "web")
    [party] = case["parties"]
    assert (party["name"], party["email"]) == ("Ada Example", "ada@example.org")
    assert followed.status_code == 200
    assert "evidence.txt" in followed.text, "the file came with the complaint"


async def complain_with_file(http: httpx.AsyncClient) -> tuple[str, str, httpx.Response]:
    form = await http.get("/complain")
    page = await http.post(
        "/complain",
        data={"csrf_token": token_in(form), **FORM},
        files={"file": ("evidence.txt", b"What the receptionist said.\n", "text/plain")},
    )
    assert page.status_code == 200, page.text
    reference, receipt = REFERENCE.search(page.text), RECEIPT.search(page.text)
    assert reference and receipt
    return reference.group(1), receipt.group(1), page


async def test_a_protected_complainant_is_a_pseudonym_to_staff(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    async with browser(app, tenant) as http:
        reference, _, page = await complain(http, identity="protected")

    assert "pseudonym" in page.text
    case = (await client.get(f"/api/v1/cases/{reference}", headers=host(tenant))).json()
    [party] = case["parties"]
    assert party["protected"] and party["pseudonym"].startswith("Complainant ")
    assert party["name"] == party["pseudonym"] and party["email"] is None


async def test_an_anonymous_complaint_keeps_no_contact_details(app: Litestar, tenant: TenantHandle):
    async with browser(app, tenant) as http:
        _, _, page = await complain(http, identity="anonymous")

    assert "You chose to stay anonymous" in page.text
    async with tenant_transaction(slug=tenant.slug):
        [party] = await Party.select()
    assert party["anonymous"] and (party["display_name"], party["email"]) == (None, None)


async def test_bad_input_shows_the_form_again_with_values_and_errors(
    app: Litestar, tenant: TenantHandle
):
    before = await counts(tenant)
    async with browser(app, tenant) as http:
        page = await post_form(
            http, "/complain", {**FORM, "subject": "", "email": "nobody", "identity": ""}
        )

    assert page.status_code == 400
    assert 'role="alert"' in page.text
    summary = page.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor in ("#subject", "#email", "#identity-anonymous"):
        assert f'href="{anchor}"' in summary, anchor
    for field in ("subject", "email"):
        tag = page.text.split(f'id="{field}"', 1)[1].split(">", 1)[0]
        assert 'aria-invalid="true"' in tag and f"{field}-error" in tag, field
        assert f'id="{field}-error"' in page.text
    assert 'value="nobody"' in page.text and FORM["description"] in page.text
    assert 'value="Ada Example"' in page.text
    assert await counts(tenant) == before


async def test_a_category_outside_the_taxonomy_is_marked(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    async with tenant_transaction(slug=tenant.slug):
        await save_term("category", "waiting", TermIn(label="Waiting times"), actor="test")
    async with browser(app, tenant) as http:
        form = await http.get("/complain")
        assert '<option value="waiting"' in form.text and "Waiting times" in form.text
        page = await post_form(http, "/complain", {**FORM, "category": "piracy"})
        good, _, _ = await complain(http, category="waiting")

    assert page.status_code == 400
    assert 'id="category-error"' in page.text
    case = (await client.get(f"/api/v1/cases/{good}", headers=host(tenant))).json()
    assert case["category"] == "waiting"


# -- hostile text ---------------------------------------------------------------------------


async def test_an_xss_payload_is_shown_inert_on_every_page(app: Litestar, tenant: TenantHandle):
    async with browser(app, tenant) as http:
        _, receipt, received = await complain(
            http, subject=XSS[:150], description=XSS, name=XSS[:150]
        )
        refused = await post_form(http, "/complain", {**FORM, "subject": XSS, "email": "bad"})
        sent = await post_form(http, "/follow-up/message", {"receipt": receipt, "message": XSS})
        followed = await case_page(http, receipt)

    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    for page in (received, refused, sent, followed):
        assert "<script" not in page.text and "<img" not in page.text
    assert escaped in refused.text, "the refused form keeps the text, escaped"
    assert escaped in followed.text, "the message shows, escaped"


# -- the form token -------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_a_form_without_its_token_is_refused_and_nothing_is_stored(
    app: Litestar, tenant: TenantHandle, token: str | None
):
    before = await counts(tenant)
    async with browser(app, tenant) as http:
        await http.get("/complain")  # the browser holds a cookie; the form lacks its match
        fields = {**FORM} if token is None else {**FORM, "csrf_token": "x" * 43}
        page = await http.post("/complain", data=fields)
        _, receipt, _ = await complain(http)
        message = await http.post(
            "/follow-up/message", data={"receipt": receipt, "message": "Hi", "csrf_token": "y"}
        )

    assert page.status_code == 403
    assert "nothing was stored" in page.text
    assert message.status_code == 403
    after = await counts(tenant)
    assert after[0] == before[0] + 1, "only the complaint sent with its token was stored"
    assert (
        after[2] == before[2] + 1 or after[2] == before[2] + 2
    )  # its own, maybe an acknowledgement


async def test_a_token_from_another_browser_is_refused(app: Litestar, tenant: TenantHandle):
    async with browser(app, tenant) as one, browser(app, tenant) as other:
        stolen = token_in(await one.get("/complain"))
        await other.get("/complain")
        page = await other.post("/complain", data={**FORM, "csrf_token": stolen})
    assert page.status_code == 403


# -- follow-up ------------------------------------------------------------------------------


async def test_a_wrong_receipt_gets_a_clear_message(app: Litestar, tenant: TenantHandle):
    async with browser(app, tenant) as http:
        page = await case_page(http, "0000-0000-0000-0000")
    assert page.status_code == 404
    assert "No complaint matches this receipt" in page.text
    assert 'value="0000-0000-0000-0000"' in page.text


async def test_the_receipt_never_travels_in_a_url(app: Litestar, tenant: TenantHandle):
    async with browser(app, tenant) as http:
        _, receipt, _ = await complain(http)
        page = await case_page(http, receipt)
    assert page.status_code == 200
    for action in re.findall(r'action="([^"]+)"', page.text):
        assert receipt not in action
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"


async def test_a_message_sent_through_the_form_shows_on_reload(app: Litestar, tenant: TenantHandle):
    async with browser(app, tenant) as http:
        _, receipt, _ = await complain(http)
        sent = await post_form(
            http, "/follow-up/message", {"receipt": receipt, "message": "Any news, please?"}
        )
        empty = await post_form(http, "/follow-up/message", {"receipt": receipt, "message": ""})
        again = await case_page(http, receipt)

    assert sent.status_code == 200 and "Your message has been added." in sent.text
    assert "Any news, please?" in again.text
    assert empty.status_code == 400 and 'id="message-error"' in empty.text


# -- languages ------------------------------------------------------------------------------


async def _every_page(http: httpx.AsyncClient, lang: str, receipt: str) -> dict[str, str]:
    """Each public page as a person sees it in ``lang``, the same data in every language."""
    form = await http.get(f"/complain?lang={lang}")
    token = token_in(form)
    refused = await http.post(
        f"/complain?lang={lang}", data={**FORM, "subject": "", "csrf_token": token}
    )
    received = await http.post(
        f"/complain?lang={lang}", data={**FORM, "identity": "protected", "csrf_token": token}
    )
    lookup = await http.get(f"/follow-up?lang={lang}")
    unknown = await http.post(
        f"/follow-up?lang={lang}", data={"receipt": "0000", "csrf_token": token}
    )
    case = await http.post(
        f"/follow-up?lang={lang}", data={"receipt": receipt, "csrf_token": token}
    )
    forged = await http.post(f"/complain?lang={lang}", data=FORM)
    pages = {
        "form": form,
        "form with errors": refused,
        "receipt": received,
        "follow-up": lookup,
        "unknown receipt": unknown,
        "case": case,
        "refused token": forged,
    }
    assert [p.status_code for p in pages.values()] == [200, 400, 200, 200, 404, 200, 403]
    return {
        name: re.sub(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){12}", "", page.text)
        for name, page in pages.items()
    }


#: Words the same in English and the language named (proper names, loanwords).
SAME_IN: dict[str, set[str]] = {
    "de": {"Name (freiwillig)"},
    "ru": set(),
    "et": set(),
}


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_every_public_page_is_fully_translated(
    app: Litestar, tenant: TenantHandle, lang: str
):
    async with browser(app, tenant) as http:
        _, receipt, _ = await complain(http)
        await post_form(http, "/follow-up/message", {"receipt": receipt, "message": "Hello"})
        english = await _every_page(http, "en", receipt)
        translated = await _every_page(http, lang, receipt)

    # Whatever text the English page shows that the data does not explain must change.
    data = {
        *LANGUAGES.values(),
        tenant.info.name,
        FORM["description"],
        "Hello",
        "SHA-256",
        "–",
        *SAME_IN[lang],
    }
    for name, page in translated.items():
        assert f'<html lang="{lang}">' in page, name
        shared = texts_of(english[name]) & texts_of(page)
        untranslated = {
            text
            for text in shared - data
            if re.search(r"[A-Za-z]{2}", text)
            and not re.fullmatch(r"[A-Z]+-[\d-]+|[\d :.-]+", text)
        }
        assert not untranslated, f"{name} in {lang} shows English: {sorted(untranslated)}"
    # That no text of the catalogue is left in English: tests/unit/frontend/test_catalogues.py.


async def test_the_browser_language_is_used_and_the_switch_overrides_it(
    app: Litestar, tenant: TenantHandle
):
    async with browser(app, tenant) as http:
        german = await http.get("/complain", headers={"accept-language": "de-DE,de;q=0.9"})
        russian = await http.get("/complain?lang=ru", headers={"accept-language": "de"})
        estonian = await http.get("/follow-up", headers={"accept-language": "fr, et;q=0.5"})

    assert '<html lang="de">' in german.text and "Beschwerde absenden" in german.text
    assert 'href="?lang=et"' in german.text, "the switch offers every language"
    assert '<html lang="ru">' in russian.text and "Отправить жалобу" in russian.text
    assert '<html lang="et">' in estonian.text and "Näita minu kaebust" in estonian.text


# -- the plugins' intake fields -------------------------------------------------------------


class WardIntake:
    """Asks which ward it was on and since when; refuses a ward that does not exist."""

    def __init__(self, name: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1", description="ward fields")

    @hookimpl
    def querela_register_intake_fields(self, tenant: TenantView) -> list[IntakeField]:
        return [
            IntakeField(
                name="ward",
                type="choice",
                label="Ward",
                choices=("north", "south"),
                labels={"de": "Station", "et": "Osakond"},
                choice_labels={"en": {"north": "North wing"}, "de": {"north": "Nordflügel"}},
            ),
            IntakeField(
                name="nights",
                type="integer",
                label="Nights on the ward",
                help="0-99",
                helps={"de": "0 bis 99"},
            ),
            IntakeField(name="kiosk_id", type="integer", label="Kiosk", channels=("kiosk",)),
        ]


@pytest.fixture
async def ward_tenant(tenant: TenantHandle) -> AsyncIterator[TenantHandle]:
    plugin = WardIntake(f"ward-intake-{uuid.uuid4().hex[:6]}")
    plugin_host().register(plugin)
    try:
        async with tenant_transaction(tenant_id=tenant.id):
            await enable_plugin(plugin.PLUGIN_INFO.name, actor="test")
        yield tenant
    finally:
        plugin_host().unregister(plugin.PLUGIN_INFO.name)


async def test_the_plugins_fields_are_on_the_form_and_reach_the_case(
    app: Litestar, client: httpx.AsyncClient, ward_tenant: TenantHandle
):
    async with browser(app, ward_tenant) as http:
        form = await http.get("/complain")
        refused = await post_form(
            http, "/complain", {**FORM, "field.ward": "east", "field.nights": "3"}
        )
        reference, _, _ = await complain(http, **{"field.ward": "south", "field.nights": "3"})

    assert '<label for="field.ward">Ward</label>' in form.text
    assert 'id="field.nights" name="field.nights" type="number"' in form.text
    assert "Kiosk" not in form.text, "a field of another channel stays off the web form"
    assert refused.status_code == 400
    assert 'id="field.ward-error"' in refused.text and 'href="#field.ward"' in refused.text
    assert 'value="3"' in refused.text, "what was typed is kept"
    case = (await client.get(f"/api/v1/cases/{reference}", headers=host(ward_tenant))).json()
    assert case["fields"] == {"ward": "south", "nights": 3}


async def test_the_plugins_fields_speak_the_pages_language(
    app: Litestar, ward_tenant: TenantHandle
):
    async with browser(app, ward_tenant) as http:
        german = await http.get("/complain", params={"lang": "de"})
        english = await http.get("/complain", params={"lang": "en"})
        russian = await http.get("/complain", params={"lang": "ru"})

    assert '<label for="field.ward">Station</label>' in german.text
    assert '<option value="north">Nordflügel</option>' in german.text
    assert '<option value="south">south</option>' in german.text  # no words given: the code
    assert ">0 bis 99</p>" in german.text
    assert '<option value="north">North wing</option>' in english.text
    # A language the plugin did not translate into gets the plugin's own words.
    assert '<label for="field.ward">Ward</label>' in russian.text
    assert '<option value="north">North wing</option>' in russian.text


# -- limits ---------------------------------------------------------------------------------


async def test_the_form_shares_the_public_apis_limit_and_says_so_on_a_page(
    settings: Settings, tenant: TenantHandle
):
    throttled = create_app(
        replace(settings, public_submissions_per_10_min=2), extensions=[FrontendPlugin()]
    )
    async with browser(throttled, tenant) as http:
        json_sent = await http.post(
            "/public/v1/complaints",
            json={"subject": "By API", "description": "Sent as JSON.", "anonymous": True},
        )
        refused = await post_form(http, "/complain", {**FORM, "subject": ""})
        sent = await post_form(http, "/complain", FORM)
        held = await post_form(http, "/complain", FORM)

    assert json_sent.status_code == 201
    assert refused.status_code == 400, "bad input does not count against the limit"
    assert sent.status_code == 200
    assert held.status_code == 429
    assert held.headers["content-type"].startswith("text/html")
    assert "Too many requests came from here" in held.text
    assert int(held.headers["retry-after"]) > 0


# -- survey and appeal ----------------------------------------------------------------------


async def test_a_closed_case_takes_the_survey_and_an_appeal_through_the_page(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    async with browser(app, tenant) as http:
        reference, receipt, _ = await complain(http)
        before = await case_page(http, receipt)
        case = (await client.get(f"/api/v1/cases/{reference}", headers=host(tenant))).json()
        await close(client, tenant, case["id"])
        closed = await case_page(http, receipt)
        no_score = await post_form(http, "/follow-up/survey", {"receipt": receipt})
        answered = await post_form(
            http, "/follow-up/survey", {"receipt": receipt, "score": "4", "comment": "Fine."}
        )
        no_reason = await post_form(http, "/follow-up/appeal", {"receipt": receipt, "reason": ""})
        appealed = await post_form(
            http, "/follow-up/appeal", {"receipt": receipt, "reason": "You missed my point."}
        )

    assert 'action="/follow-up/survey' not in before.text, "no survey while the case is open"
    assert "The lift is repaired; we are sorry." in closed.text, "the answer shows"
    assert 'action="/follow-up/survey' in closed.text and 'action="/follow-up/appeal' in closed.text
    assert no_score.status_code == 400 and 'id="score-error"' in no_score.text
    assert answered.status_code == 200 and "Thank you for telling us how we did." in answered.text
    assert 'action="/follow-up/survey' not in answered.text, "the survey takes one answer"
    assert no_reason.status_code == 400 and 'id="reason-error"' in no_reason.text
    assert appealed.status_code == 200, appealed.text
    assert "Your appeal has been registered." in appealed.text and "under appeal" in appealed.text

"""A tenant's branding: colours refused below 4.5:1 against white (saying the ratio), logos
judged by their bytes (no SVG, no text under a .png name), the stylesheet and the logo served
with their headers, shown on the tenant's public pages and on no other tenant's."""

from __future__ import annotations

import html
import json
import re
import secrets
import struct
import zlib
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.auth.sessions import SESSION_COOKIE, start_session
from core.branding.services import contrast_with_white, shown_ratio
from core.branding.tables import TenantBranding
from core.tenancy.context import tenant_transaction
from frontend import csrf
from frontend.i18n import TEXTS as ADMIN_SETUP_MESSAGES
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
EN = ADMIN_SETUP_MESSAGES["en"]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png(width: int = 2, height: int = 1) -> bytes:
    """A real PNG image of grey pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Admin:
    """An administrator's browser on the tenant's host."""

    def __init__(self, client: Client, tenant: TenantHandle, secret: str) -> None:
        self.client = client
        self.tenant = tenant
        self.token = secrets.token_urlsafe(32)
        self.headers = {
            "host": f"{tenant.slug}.localhost",
            "cookie": f"{SESSION_COOKIE}={secret}; {csrf.COOKIE}={self.token}",
        }

    async def save(self, token: str | None = None, **fields: str) -> httpx.Response:
        data = {csrf.FIELD: token or self.token, **fields}
        return await self.client.post("/staff/admin/branding", data=data, headers=self.headers)

    async def upload(
        self, name: str, content: bytes, declared: str, token: str | None = None
    ) -> httpx.Response:
        return await self.client.post(
            "/staff/admin/branding/logo",
            data={csrf.FIELD: token or self.token},
            files={"file": (name, content, declared)},
            headers=self.headers,
        )


async def admin_of(client: Client, tenant: TenantHandle) -> Admin:
    staff = await tenant.add_staff(("tenant-admin",))
    assert staff.staff_id is not None
    async with tenant_transaction(slug=tenant.slug):
        secret = await start_session(staff.staff_id, id_token=None)
    return Admin(client, tenant, secret)


@pytest.fixture
async def admin(client: Client, tenant: TenantHandle) -> Admin:
    return await admin_of(client, tenant)


async def stored(tenant: TenantHandle) -> dict[str, Any] | None:
    async with tenant_transaction(slug=tenant.slug):
        return await TenantBranding.select().first()


def public(tenant: TenantHandle) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost"}


def error_of(response: httpx.Response, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', response.text)
    assert match, f"no error beside {field}: {response.text}"
    return html.unescape(match.group(1))


def test_contrast_follows_wcag():
    assert shown_ratio(contrast_with_white("#000000")) == "21.00"
    assert shown_ratio(contrast_with_white("#ffffff")) == "1.00"
    # #767676 is the lightest grey that passes; #777777 just fails.
    assert contrast_with_white("#767676") >= 4.5 > contrast_with_white("#777777")


async def test_a_low_contrast_colour_is_refused_with_its_ratio(admin: Admin, tenant: TenantHandle):
    response = await admin.save(
        display_name="Acme Care", primary_colour="#777777", accent_colour="#FFFF00"
    )

    assert response.status_code == 400
    assert error_of(response, "primary_colour") == EN["branding_error_contrast"].format(
        ratio="4.47", needed=4.5
    )
    assert "1.07:1" in error_of(response, "accent_colour")
    assert 'value="#777777"' in response.text and 'value="Acme Care"' in response.text
    assert 'aria-describedby="primary_colour-hint primary_colour-error"' in response.text
    assert await stored(tenant) is None

    bad_form = await admin.save(primary_colour="blue")
    assert error_of(bad_form, "primary_colour") == EN["branding_error_colour"]


async def test_name_and_colours_are_saved_and_served_as_a_stylesheet(
    admin: Admin, tenant: TenantHandle, client: Client
):
    response = await admin.save(
        display_name="Acme Care", primary_colour="#0B4F9C", accent_colour="#7a0019"
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/staff/admin/branding?done=branding_saved"
    row = await stored(tenant)
    assert row is not None
    assert (row["display_name"], row["primary_colour"], row["accent_colour"]) == (
        "Acme Care",
        "#0b4f9c",
        "#7a0019",
    )
    async with tenant_transaction(slug=tenant.slug):
        events = await AuditEvent.select(AuditEvent.detail).where(
            AuditEvent.action == "branding.changed"
        )
    detail = events[0]["detail"]
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert detail["changed"] == ["display_name", "primary_colour", "accent_colour"]

    css = await client.get("/branding.css", headers=public(tenant))
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.text == ":root {\n  --brand: #0b4f9c;\n  --accent: #7a0019;\n}\n"
    assert "max-age" in css.headers["cache-control"]
    again = await client.get(
        "/branding.css", headers={**public(tenant), "if-none-match": css.headers["etag"]}
    )
    assert again.status_code == 304

    cleared = await admin.save(display_name="", primary_colour="", accent_colour="")
    assert cleared.status_code == 303
    plain = await client.get("/branding.css", headers=public(tenant))
    assert "--brand" not in plain.text and plain.headers["etag"] != css.headers["etag"]


async def test_logos_are_judged_by_their_bytes(admin: Admin, tenant: TenantHandle):
    svg = await admin.upload("logo.svg", SVG, "image/svg+xml")
    assert svg.status_code == 400
    assert error_of(svg, "file") == EN["branding_error_logo_type"]
    disguised = await admin.upload("logo.png", b"Just some text, not an image.\n", "image/png")
    assert error_of(disguised, "file") == EN["branding_error_logo_type"]
    svg_as_png = await admin.upload("logo.png", SVG, "image/png")
    assert svg_as_png.status_code == 400
    too_big = await admin.upload("big.png", png() + b"\x00" * (512 * 1024), "image/png")
    assert error_of(too_big, "file") == EN["branding_error_logo_size"].format(size=512)
    assert await stored(tenant) is None


async def test_a_real_png_is_served_with_its_type_and_shown_on_the_public_pages(
    admin: Admin, tenant: TenantHandle, other_tenant: TenantHandle, client: Client
):
    image = png()
    # The declared type is a claim: the bytes decide.
    response = await admin.upload("logo.bin", image, "application/octet-stream")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/staff/admin/branding?done=logo_saved"
    assert (await admin.save(display_name=f"Acme {XSS}")).status_code == 303

    logo = await client.get("/branding/logo", headers=public(tenant))
    assert logo.status_code == 200
    assert logo.content == image
    assert logo.headers["content-type"] == "image/png"
    assert logo.headers["x-content-type-options"] == "nosniff"
    assert logo.headers["content-disposition"] == "inline"
    assert logo.headers["etag"]

    for path in ("/complain", "/"):
        page = await client.get(path, headers=public(tenant))
        assert page.status_code == 200
        assert '<link rel="stylesheet" href="/branding.css">' in page.text
        img = re.search(
            r'<img class="brand-logo" src="(/branding/logo\?v=\d+)" alt="([^"]*)">', page.text
        )
        assert img, page.text
        assert html.unescape(img.group(2)) == f"Acme {XSS}"
        assert "<script>alert" not in page.text

    # Another tenant shows none of it, and cannot load it.
    other = await client.get("/complain", headers=public(other_tenant))
    assert other.status_code == 200
    assert "brand-logo" not in other.text and "Acme" not in other.text
    assert (await client.get("/branding/logo", headers=public(other_tenant))).status_code == 404
    other_css = await client.get("/branding.css", headers=public(other_tenant))
    assert "--brand" not in other_css.text
    # The platform's own host has no branding at all.
    assert (await client.get("/branding.css", headers={"host": "localhost"})).status_code == 404

    removed = await admin.save(display_name="Acme", remove_logo="on")
    assert removed.status_code == 303
    assert (await client.get("/branding/logo", headers=public(tenant))).status_code == 404


async def test_a_form_without_its_token_changes_nothing(admin: Admin, tenant: TenantHandle):
    refused = await admin.save(token="y" * 43, display_name="Forged", primary_colour="#000000")
    assert refused.status_code == 403
    upload = await admin.upload("logo.png", png(), "image/png", token="y" * 43)
    assert upload.status_code == 403
    assert await stored(tenant) is None


async def test_only_administrators_change_the_branding(client: Client, tenant: TenantHandle):
    assert tenant.staff.staff_id is not None
    async with tenant_transaction(slug=tenant.slug):
        secret = await start_session(tenant.staff.staff_id, id_token=None)
    handler = Admin(client, tenant, secret)
    assert (await handler.save(display_name="Mine")).status_code == 403
    assert (await handler.upload("logo.png", png(), "image/png")).status_code == 403
    api = await client.put(
        "/api/v1/branding", json={"display_name": "Mine"}, headers=tenant.headers
    )
    assert api.status_code == 403
    assert await stored(tenant) is None


async def test_the_api_shares_the_rules(client: Client, tenant: TenantHandle):
    admin = await tenant.add_staff(("tenant-admin",))
    headers = {"host": f"{tenant.slug}.localhost", **admin.bearer}
    light = await client.put(
        "/api/v1/branding", json={"primary_colour": "#aaaaaa"}, headers=headers
    )
    assert light.status_code == 400
    assert "2.32:1" in light.text
    saved = await client.put(
        "/api/v1/branding",
        json={"display_name": "Acme", "primary_colour": "#1b1b1b"},
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["primary_colour"] == "#1b1b1b" and saved.json()["logo_url"] is None
    svg = await client.put(
        "/api/v1/branding/logo",
        files={"file": ("logo.svg", SVG, "image/svg+xml")},
        headers=headers,
    )
    assert svg.status_code == 400
    logo = await client.put(
        "/api/v1/branding/logo", files={"file": ("logo.png", png(), "image/png")}, headers=headers
    )
    assert logo.status_code == 200, logo.text
    assert logo.json()["logo_type"] == "image/png"
    read = await client.get("/api/v1/branding", headers=headers)
    assert read.json()["display_name"] == "Acme" and read.json()["logo_url"]


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_refusals_are_translated(admin: Admin, lang: str):
    response = await admin.client.post(
        f"/staff/admin/branding?lang={lang}",
        data={csrf.FIELD: admin.token, "primary_colour": "#777777", "accent_colour": "red"},
        headers=admin.headers,
    )
    assert response.status_code == 400
    translated = ADMIN_SETUP_MESSAGES[lang]
    assert error_of(response, "primary_colour") == translated["branding_error_contrast"].format(
        ratio="4.47", needed=4.5
    )
    assert error_of(response, "accent_colour") == translated["branding_error_colour"]
    for key in ("branding_title", "branding_save", "branding_upload"):
        assert EN[key] not in response.text and translated[key] in response.text

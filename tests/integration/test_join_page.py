"""Organisations sign themselves up through a plain HTML form."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tenants.keycloak import KeycloakControlPlane
from tenants.provisioning import get_tenant
from tests.fixtures.smtp import Mailbox

PLATFORM = {"host": "localhost:8000"}


def form(**overrides: str) -> dict[str, str]:
    slug = f"join{uuid.uuid4().hex[:8]}"
    return {
        "name": f"Join {slug}",
        "slug": slug,
        "admin_email": f"boss@{slug}.example.org",
        "sector": "healthcare",
        **overrides,
    }


async def test_form_is_plain_accessible_html(client: httpx.AsyncClient):
    page = await client.get("/join", headers=PLATFORM)
    assert page.status_code == 200
    assert "<script" not in page.text
    for name in ("name", "slug", "admin_email", "sector"):
        assert f'<label for="{name}">' in page.text
        assert f'id="{name}"' in page.text


async def test_signup_through_the_form_creates_the_tenant_and_invites(
    client: httpx.AsyncClient, control_plane: KeycloakControlPlane, mailbox: Mailbox
):
    fields = form()
    page = await client.post("/join", data=fields, headers=PLATFORM)

    assert page.status_code == 200, page.text
    assert f"http://{fields['slug']}.localhost:8000" in page.text
    tenant = await get_tenant(fields["slug"])
    assert tenant.status == "active"
    assert tenant.sector == "healthcare"
    assert mailbox.wait_for(fields["admin_email"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "Not A Host"}, "slug"),
        ({"admin_email": "nobody"}, "admin_email"),
        ({"sector": "piracy"}, "sector"),
        ({"name": ""}, "name"),
    ],
)
async def test_bad_input_shows_the_form_again_with_the_field_marked(
    client: httpx.AsyncClient, overrides: dict[str, str], field: str
):
    fields = form(**overrides)
    page = await client.post("/join", data=fields, headers=PLATFORM)

    assert page.status_code == 400
    assert 'role="alert"' in page.text
    assert f'id="{field}"' in page.text
    marked = page.text.split(f'id="{field}"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in marked
    if field != "slug":
        assert fields["slug"] in page.text, "what the person typed is kept"


async def test_taken_address_is_refused(client: httpx.AsyncClient, tenant):
    page = await client.post("/join", data=form(slug=tenant.slug), headers=PLATFORM)
    assert page.status_code == 409
    assert "taken" in page.text


async def test_form_speaks_german(client: httpx.AsyncClient):
    page = await client.get("/join?lang=de", headers=PLATFORM)
    assert '<html lang="de">' in page.text
    assert "Organisation anmelden" in page.text

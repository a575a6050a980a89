"""Every form on every page of the staff workspace carries the browser's own form token,
and every page answers under the workspace's policy: scripts from the site only."""

from __future__ import annotations

import re
import secrets

import httpx
import pytest

from core.auth.sessions import SESSION_COOKIE, start_session
from core.tenancy.context import tenant_transaction
from frontend import csrf
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
PAGES = (
    "/staff",
    "/staff/cases/{reference}",
    "/staff/reviews",
    "/staff/supervision",
    "/staff/supervision/kpis",
    "/staff/supervision/quality",
    "/staff/admin",
    "/staff/admin/people",
    "/staff/admin/teams",
    "/staff/admin/routing",
    "/staff/admin/retention",
    "/staff/admin/plugins",
    "/staff/admin/templates",
    "/staff/admin/branding",
)
_POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


@pytest.fixture
async def everyone(tenant: TenantHandle) -> dict[str, str]:
    """A browser of a person holding every role, with a form token of its own."""
    person = await tenant.add_staff(("handler", "supervisor", "tenant-admin"))
    assert person.staff_id is not None
    async with tenant_transaction(slug=tenant.slug):
        secret = await start_session(person.staff_id, id_token=None)
    token = secrets.token_urlsafe(32)
    return {
        "host": f"{tenant.slug}.localhost",
        "cookie": f"{SESSION_COOKIE}={secret}; {csrf.COOKIE}={token}",
        "token": token,
    }


async def test_every_post_form_carries_the_token(
    client: Client, tenant: TenantHandle, everyone: dict[str, str]
):
    case = await client.post(
        "/api/v1/cases",
        json={"subject": "Forms", "description": "Every form.", "channel": "letter"},
        headers=host(tenant),
    )
    assert case.status_code == 201, case.text
    token = everyone.pop("token")
    forms_seen = 0
    for path in PAGES:
        page = await client.get(path.format(**case.json()), headers=everyone)
        assert page.status_code == 200, f"{path}: {page.status_code}"
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe" not in policy, path
        for body in _POST_FORM.findall(page.text):
            forms_seen += 1
            assert f'name="{csrf.FIELD}" value="{token}"' in body, f"{path}: a form without it"
    assert forms_seen > 20

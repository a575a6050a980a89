"""A tenant with staff who sign in with a password, made in a process of its own.

Playwright's synchronous API holds an event loop in the test's thread for as long
as the browser is open, so the suite's async fixtures cannot run beside it; the
browser tests make their tenants here instead. ``python -m tests.e2e.people ROLES...``
prints the tenant and one person per argument (roles joined by ``+``) as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass

from core.db import engine
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.staff import new_tenant


@dataclass(frozen=True)
class Person:
    email: str
    password: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Tenant:
    slug: str
    name: str
    people: tuple[Person, ...]


def make_tenant(database_app_dsn: str, keycloak_url: str, *roles: str) -> Tenant:
    """Run this module in a fresh process and read what it made."""
    env = {**os.environ, "QUERELA_E2E_DSN": database_app_dsn, "KEYCLOAK_URL": keycloak_url}
    made = subprocess.run(
        [sys.executable, "-m", "tests.e2e.people", *roles],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    answer = json.loads(made.stdout.strip().splitlines()[-1])
    people = tuple(Person(p["email"], p["password"], tuple(p["roles"])) for p in answer["people"])
    return Tenant(answer["slug"], answer["name"], people)


async def _main(roles: list[str]) -> dict[str, object]:
    await engine.connect(os.environ["QUERELA_E2E_DSN"])
    try:
        keycloak = KeycloakInstance(url=os.environ["KEYCLOAK_URL"])
        first, *others = [tuple(r.split("+")) for r in roles]
        tenant = await new_tenant(keycloak, roles=first)
        people = [(tenant.staff, first)]
        for more in others:
            people.append((await tenant.add_staff(more), more))
        return {
            "slug": tenant.slug,
            "name": tenant.name,
            "people": [
                {"email": p.email, "password": p.password, "roles": list(r)} for p, r in people
            ],
        }
    finally:
        await engine.disconnect()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(sys.argv[1:]))))

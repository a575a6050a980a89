"""Kill the app after a case commits and before its e-mail goes: the outbox sends it later.

The app runs as operators run it (`querela serve`, its own process) and is
killed with SIGKILL, so nothing of it gets a chance to clean up or flush.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid

import httpx

from core.db.servers import DatabaseTarget
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.processes import QUERELA, ready_server
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import TenantHandle


def querela_env(database: DatabaseTarget, keycloak: KeycloakInstance, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "QUERELA_"))}
    env.update(
        DATABASE_URL=database.owner_dsn,
        QUERELA_APP_DATABASE_URL=database.app_dsn,
        KEYCLOAK_URL=keycloak.url,
        **extra,
    )
    return env


def send_pending(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QUERELA, "mail", "send-pending"], env=env, capture_output=True, text=True, timeout=120
    )


async def test_mail_of_a_case_committed_before_a_crash_is_sent_once_after_it(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    database: DatabaseTarget,
    keycloak: KeycloakInstance,
    smtp: tuple[Mailbox, int],
):
    mailbox, port = smtp
    admin = await tenant.add_staff(("tenant-admin",))
    policy = await client.patch(
        "/api/v1/policy",
        json={"auto_acknowledge": True},
        headers={"host": f"{tenant.slug}.localhost", **admin.bearer},
    )
    assert policy.status_code == 200, policy.text
    to = f"crash-{uuid.uuid4().hex[:10]}@example.org"
    env = querela_env(database, keycloak, QUERELA_SMTP_RELAY_PORT=str(port))

    with ready_server("serve", env) as (base, process):
        created = await asyncio.to_thread(
            httpx.post,
            f"{base}/api/v1/cases",
            json={
                "subject": "Lost parcel",
                "description": "It never came.",
                "complainant": {"name": "Ada Example", "email": to},
            },
            headers=tenant.headers,
            timeout=30,
        )
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "acknowledged"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert not [m for m in mailbox.messages if to in str(m["to"])]

    first = await asyncio.to_thread(send_pending, env)
    again = await asyncio.to_thread(send_pending, env)

    assert first.returncode == 0, first.stdout + first.stderr
    assert again.returncode == 0, again.stdout + again.stderr
    mailbox.wait_for(to)
    [acknowledgement] = [m for m in mailbox.messages if to in str(m["to"])]
    assert created.json()["reference"] in str(acknowledgement["subject"])

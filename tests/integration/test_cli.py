"""The `querela` command as a user runs it, in its own process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from core.db.servers import DatabaseTarget
from tenants.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.fixtures.keycloak import KeycloakInstance, free_port
from tests.fixtures.processes import ready_server

QUERELA = str(Path(sys.executable).with_name("querela"))


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QUERELA, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def db_env(database: DatabaseTarget) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database.owner_dsn,
        "QUERELA_APP_DATABASE_URL": database.app_dsn,
    }


def test_migrate_is_idempotent(db_env):
    result = run("db", "migrate", env=db_env)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_tenants_create_and_list(db_env):
    slug = f"cli{uuid.uuid4().hex[:8]}"
    created = run("tenants", "create", slug, "--name", "Cli Org", "--prefix", "CLI", env=db_env)
    listed = run("tenants", "list", "--json", env=db_env)
    duplicate = run("tenants", "create", slug, "--name", "Again", env=db_env)
    bad = run("tenants", "create", "Not A Slug", "--name", "X", env=db_env)

    assert created.returncode == 0, created.stderr
    tenants = [json.loads(line) for line in listed.stdout.splitlines()]
    mine = [t for t in tenants if t["slug"] == slug]
    assert mine and mine[0]["name"] == "Cli Org" and mine[0]["reference_prefix"] == "CLI"
    assert duplicate.returncode == 2 and "taken" in duplicate.stderr
    assert bad.returncode == 2 and "slug" in bad.stderr


@contextmanager
def querela_dev(data_dir: Path, keycloak: KeycloakInstance) -> Iterator[str]:
    """Run `querela dev` as the README says, on a free port; yield its base URL.

    It uses the suite's Keycloak rather than starting a second one, and is
    stopped with Ctrl+C as a developer stops it.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "QUERELA_"))}
    env["QUERELA_DATA_DIR"] = str(data_dir)
    env["QUERELA_DEV_KEYCLOAK"] = "0"
    env["KEYCLOAK_URL"] = keycloak.url
    # Its mail catcher on a port of its own, not one a catcher of the machine may hold.
    env["QUERELA_SMTP_RELAY_PORT"] = str(free_port())
    with ready_server("dev", env, timeout=90) as (base, process):
        try:
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_mail(directory: Path, text: str, timeout: float = 40) -> str:
    """The first kept message that contains ``text``, waiting for the worker to send it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(directory.glob("*.eml")):
            content = path.read_text(errors="replace")
            if text in content:
                return content
        time.sleep(0.5)
    raise AssertionError(f"no mail with {text!r} in {directory} after {timeout:.0f} s")


def test_dev_serves_the_api_and_keeps_data_across_restarts(
    tmp_path: Path, keycloak: KeycloakInstance
):
    with querela_dev(tmp_path / "data", keycloak) as base:
        # The demo staff member that `querela dev` prints signs in with Keycloak.
        token = keycloak.password_token(DEMO_EMAIL, DEMO_PASSWORD)["access_token"]
        demo = {"host": "demo.localhost", "authorization": f"Bearer {token}"}
        seeded = httpx.get(f"{base}/api/v1/cases", headers=demo).json()["items"]
        created = httpx.post(
            f"{base}/api/v1/cases",
            json={"subject": "From the README", "description": "Does it work?"},
            headers=demo,
        )
        page = httpx.get(f"{base}/", headers={"host": "demo.localhost"})
        plugins = httpx.get(f"{base}/api/v1/plugins", headers=demo).json()["items"]
        windows = httpx.get(f"{base}/api/v1/cases/{seeded[-1]['id']}/deadlines", headers=demo)
        reports = httpx.get(f"{base}/api/v1/reports", headers=demo).json()
        # Its worker sends mail, and its mail catcher keeps what was sent as files.
        policy = httpx.patch(f"{base}/api/v1/policy", json={"auto_acknowledge": True}, headers=demo)
        acknowledged = httpx.post(
            f"{base}/api/v1/cases",
            json={
                "subject": "Please write back",
                "description": "By e-mail.",
                "complainant": {"name": "Ada Example", "email": "ada@example.org"},
            },
            headers=demo,
        )
        kept = wait_for_mail(tmp_path / "data" / "mail", acknowledged.json()["reference"])
    assert policy.status_code == 200, policy.text
    assert "ada@example.org" in kept
    assert len(seeded) == 3
    assert created.status_code == 201
    assert created.json()["reference"].startswith("DEMO-")
    assert "Demo Organisation" in page.text
    # The demo is an insurer: its plugin's windows are on its cases, its return is due.
    assert [p["enabled"] for p in plugins if p["name"] == "insurance"] == [True]
    assert {"summary_resolution", "final_response"} <= {
        d["kind"] for d in windows.json()["deadlines"]
    }
    [disp] = [r for r in reports if r["code"] == "disp-1.10-return"]
    assert disp["due"] and disp["source"] == "insurance"

    with querela_dev(tmp_path / "data", keycloak) as base:
        again = httpx.get(f"{base}/api/v1/cases/{created.json()['id']}", headers=demo)
        listed = httpx.get(f"{base}/api/v1/cases", headers=demo).json()["items"]
    assert again.status_code == 200
    assert again.json()["subject"] == "From the README"
    assert len(listed) == 5, "the demo tenant is seeded once, not on every start"

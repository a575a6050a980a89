"""A real server process and a real Chromium, for tests that go through the browser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from core.db.servers import DatabaseTarget
from tests.fixtures.keycloak import KeycloakInstance, free_port

CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Server:
    port: int

    def url(self, slug: str | None = None) -> str:
        host = f"{slug}.localhost" if slug else "localhost"
        return f"http://{host}:{self.port}"


@pytest.fixture(scope="session")
def server(database: DatabaseTarget, keycloak: KeycloakInstance) -> Iterator[Server]:
    """`querela serve` on a free port, against the suite's database and Keycloak."""
    port = free_port()
    public = f"http://localhost:{port}"
    [web] = keycloak.admin("GET", "/clients", params={"clientId": "querela-web"}).json()
    web["redirectUris"] = [*web.get("redirectUris", []), f"{public}/*"]
    attributes = web.setdefault("attributes", {})
    logout_uris = attributes.get("post.logout.redirect.uris", "")
    attributes["post.logout.redirect.uris"] = "##".join(filter(None, [logout_uris, f"{public}/*"]))
    keycloak.admin("PUT", f"/clients/{web['id']}", json=web)

    env = {
        **os.environ,
        "DATABASE_URL": database.owner_dsn,
        "QUERELA_APP_DATABASE_URL": database.app_dsn,
        "KEYCLOAK_URL": keycloak.url,
        "QUERELA_PUBLIC_URL": public,
        # The browser and the suite's in-process clients all send from 127.0.0.1, and the
        # submission limit counts per address in the shared database.
        "QUERELA_PUBLIC_SUBMISSIONS_PER_10_MIN": "100000",
    }
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"querela-e2e-{port}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("querela")), "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{public}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield Server(port)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs it (Debian package chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            yield chromium
        finally:
            chromium.close()

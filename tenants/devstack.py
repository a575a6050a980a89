"""What `querela dev` runs beside the app.

Keycloak (deploy/keycloak/keycloak.sh), a mail catcher that keeps every outgoing
message as a file, and a deadline worker.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from core.db.servers import DatabaseTarget
from core.settings import Settings

log = logging.getLogger(__name__)

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "keycloak" / "keycloak.sh"


class LocalKeycloak:
    """Starts the development Keycloak with its state under the data directory."""

    def __init__(self, settings: Settings) -> None:
        parts = urlsplit(settings.keycloak_url)
        self.env = {
            **os.environ,
            "QUERELA_STATE": str(settings.data_dir),
            "KEYCLOAK_PORT": str(parts.port or 8180),
            "KEYCLOAK_BIND": parts.hostname or "127.0.0.1",
        }
        self.started = False

    def start(self) -> None:
        """Fetch Keycloak if needed and start it; a running one is reused."""
        if not SCRIPT.exists():
            raise RuntimeError(f"{SCRIPT} is missing: run `querela dev` from a source checkout")
        subprocess.run(["bash", str(SCRIPT), "start"], env=self.env, check=True, timeout=600)
        self.started = True

    def stop(self) -> None:
        """Stop the Keycloak this object started."""
        if self.started:
            subprocess.run(["bash", str(SCRIPT), "stop"], env=self.env, check=False, timeout=120)
            self.started = False


class MailCatcher:
    """An SMTP server on the relay port that writes each message to ``<directory>/*.eml``.

    Development has no mail relay; with this, acknowledgements, reminders and pages
    the worker sends can be read as files (any mail client opens ``.eml``). If the
    port is taken (a catcher of the developer's own), that one is used instead.
    """

    def __init__(self, settings: Settings) -> None:
        self.host, self.port = settings.smtp_relay_host, settings.smtp_relay_port
        self.directory = settings.data_dir / "mail"
        self._controller: Controller | None = None

    def start(self) -> bool:
        """Listen, unless something already does; return whether this one listens."""
        with socket.socket() as probe:
            if probe.connect_ex((self.host, self.port)) == 0:
                return False
        self.directory.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(_Keeper(self.directory), hostname=self.host, port=self.port)
        self._controller.start()
        return True

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class _Keeper:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}.eml"
        path.write_bytes(content)
        subject = message_from_bytes(content).get("subject", "")
        log.info("mail to %s: %s (%s)", ", ".join(envelope.rcpt_tos), subject, path.name)
        return "250 kept"


def start_worker(settings: Settings, target: DatabaseTarget) -> subprocess.Popen[bytes]:
    """Run `querela worker` on the database `querela dev` started, until stopped."""
    env = {
        **os.environ,
        "DATABASE_URL": target.owner_dsn,
        "QUERELA_APP_DATABASE_URL": target.app_dsn,
        "QUERELA_SMTP_RELAY_HOST": settings.smtp_relay_host,
        "QUERELA_SMTP_RELAY_PORT": str(settings.smtp_relay_port),
        # A developer's webhook receiver listens on this machine.
        "QUERELA_WEBHOOK_PRIVATE_NETWORKS": "1",
    }
    command = [sys.executable, "-c", "from tenants.cli import main; main()", "worker"]
    return subprocess.Popen([*command, "--interval", "5"], env=env)


def stop_worker(worker: subprocess.Popen[bytes] | None) -> None:
    """Stop the worker; a pass it was in rolls back and the next run fires it."""
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()

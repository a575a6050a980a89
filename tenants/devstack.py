"""The local Keycloak that `querela dev` runs beside the app (deploy/keycloak/keycloak.sh)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from core.settings import Settings

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

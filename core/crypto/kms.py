"""Key managers: where the keys that wrap the tenants' data keys live.

Each tenant has its own key-encryption key, named ``tenant-<tenant id>``, kept in
a key manager and never in the database. The database holds only the tenant's
data keys *wrapped* by it (``tenant_key``). Destroying the key-encryption key
therefore makes every copy of the tenant's data unreadable, backups included:
they hold wrapped data keys that nothing can unwrap any more.

``FileKeyManager`` keeps the keys as files (development, single host). A
production key manager (a cloud KMS, an HSM, Vault's transit engine) implements
the same five methods; ``QUERELA_KEY_MANAGER=package.module:factory`` names a
factory that takes the settings and returns one.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import os
import secrets
import struct
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.settings import Settings

#: Wrapped blobs start with this, then the key version (4 bytes), the nonce, the ciphertext.
_WRAP_MAGIC = b"QW1"
_NONCE = 12


class KeyUnavailable(LookupError):
    """The key manager has no such key (never made, or destroyed), or refused to unwrap."""


@runtime_checkable
class KeyManager(Protocol):
    """What Querela needs from a place that keeps key-encryption keys."""

    def create(self, name: str) -> None:
        """Make the key ``name`` unless it exists; making it twice changes nothing."""
        ...

    def wrap(self, name: str, plaintext: bytes, context: bytes) -> bytes:
        """Encrypt a data key under the current version of ``name``, bound to ``context``."""
        ...

    def unwrap(self, name: str, wrapped: bytes, context: bytes) -> bytes:
        """Return the data key; raise ``KeyUnavailable`` when the key is gone or it fails."""
        ...

    def rotate(self, name: str) -> int:
        """Add a new version of ``name`` for future wraps; old versions still unwrap."""
        ...

    def destroy(self, name: str) -> None:
        """Destroy every version of ``name``; what it wrapped can never be unwrapped again."""
        ...


class FileKeyManager:
    """Key-encryption keys as files (mode 0600) in one directory.

    A key file holds every version of one key as JSON; a new version is written
    to a temporary file and renamed over the old, so a crash leaves one or the
    other. Destroying overwrites the file before unlinking it (on copy-on-write or
    journalled file systems the old blocks may survive; a production key manager
    does not have that weakness).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        if not name.replace("-", "").isalnum():
            raise ValueError(f"not a key name: {name!r}")
        return self.directory / f"{name}.key"

    def _read(self, name: str) -> dict[str, object]:
        try:
            data: dict[str, object] = json.loads(self._path(name).read_text())
        except FileNotFoundError:
            raise KeyUnavailable(f"no key {name!r}") from None
        return data

    def _write(self, name: str, data: dict[str, object], *, new: bool = False) -> None:
        """Write the key file whole; ``new`` refuses (FileExistsError) if it exists."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(name)
        temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                json.dump(data, file)
                file.flush()
                os.fsync(file.fileno())
            if new:
                # A link fails if the name exists: of two processes making the same key,
                # one wins and the other uses the winner's, never a key that was replaced.
                os.link(temporary, path)
            else:
                temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)

    def _version(self, name: str, version: int) -> AESGCM:
        versions = self._read(name)["versions"]
        assert isinstance(versions, dict)
        try:
            return AESGCM(base64.b64decode(versions[str(version)]))
        except KeyError:
            raise KeyUnavailable(f"key {name!r} has no version {version}") from None

    def create(self, name: str) -> None:
        """Make the key unless it exists."""
        if self._path(name).exists():
            return
        with contextlib.suppress(FileExistsError):
            self._write(name, {"current": 1, "versions": {"1": _new_key()}}, new=True)

    def wrap(self, name: str, plaintext: bytes, context: bytes) -> bytes:
        """Encrypt under the key's current version."""
        current = int(str(self._read(name)["current"]))
        nonce = os.urandom(_NONCE)
        sealed = self._version(name, current).encrypt(nonce, plaintext, context)
        return _WRAP_MAGIC + struct.pack(">I", current) + nonce + sealed

    def unwrap(self, name: str, wrapped: bytes, context: bytes) -> bytes:
        """Decrypt with the version the blob names."""
        if not wrapped.startswith(_WRAP_MAGIC) or len(wrapped) < 3 + 4 + _NONCE + 16:
            raise KeyUnavailable("not a wrapped key")
        (version,) = struct.unpack(">I", wrapped[3:7])
        nonce, sealed = wrapped[7 : 7 + _NONCE], wrapped[7 + _NONCE :]
        try:
            return self._version(name, version).decrypt(nonce, sealed, context)
        except InvalidTag:
            raise KeyUnavailable(f"key {name!r} does not open this data key") from None

    def rotate(self, name: str) -> int:
        """Add a version; wraps use it from now on."""
        data = self._read(name)
        versions = data["versions"]
        assert isinstance(versions, dict)
        current = max(int(v) for v in versions) + 1
        versions[str(current)] = _new_key()
        self._write(name, {"current": current, "versions": versions})
        return current

    def destroy(self, name: str) -> None:
        """Overwrite the key file, then remove it."""
        path = self._path(name)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return
        with path.open("r+b") as file:
            file.write(os.urandom(size))
            file.flush()
            os.fsync(file.fileno())
        path.unlink()


def _new_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


def key_manager_for(settings: Settings) -> KeyManager:
    """The key manager the settings name: ``file``, or ``package.module:factory``."""
    if settings.key_manager == "file":
        return FileKeyManager(settings.key_directory)
    module_name, _, attribute = settings.key_manager.partition(":")
    if not attribute:
        raise ValueError("QUERELA_KEY_MANAGER must be 'file' or 'package.module:factory'")
    factory = getattr(importlib.import_module(module_name), attribute)
    manager = factory(settings)
    if not isinstance(manager, KeyManager):
        raise TypeError(f"{settings.key_manager} did not return a key manager")
    return manager

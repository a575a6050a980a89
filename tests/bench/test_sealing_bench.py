"""What sealing costs: encrypting and opening fields, and reading a case's sealed rows.

Run with `make bench`. Prints figures; asserts only that what was sealed opens again.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.cases.sealed_rows import letters_of, parties_of
from core.cases.tables import Case
from core.crypto.files import new_file_key, opened_chunks, sealed_chunks
from core.crypto.keyring import Keyring
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

pytestmark = pytest.mark.bench

VALUES = {
    "e-mail": "someone.with.a.long.name@example.org",
    "letter (2 KB)": "A complaint of ordinary length. " * 64,
    "statement (20 KB)": "What the witness saw, at length. " * 620,
}


@pytest.mark.parametrize("what", list(VALUES))
def test_sealing_and_opening_speed(what: str):
    ring = Keyring(uuid.uuid4(), 1, {1: AESGCM(AESGCM.generate_key(bit_length=256))}, b"k" * 32)
    value, row_id, rounds = VALUES[what], uuid.uuid4(), 20_000
    started = time.perf_counter()
    sealed = [ring.seal(value, "correspondence.body", row_id) for _ in range(rounds)]
    sealing = time.perf_counter() - started
    started = time.perf_counter()
    opened = [ring.open(text, "correspondence.body", row_id) for text in sealed]
    opening = time.perf_counter() - started

    assert opened == [value] * rounds
    print(
        f"\n{what}: seal {rounds / sealing:,.0f}/s ({sealing / rounds * 1e6:.1f} µs),"
        f" open {rounds / opening:,.0f}/s ({opening / rounds * 1e6:.1f} µs),"
        f" {len(sealed[0]) / len(value.encode()):.2f}× the plain size"
    )


async def test_reading_a_case_with_its_sealed_rows(client: httpx.AsyncClient, tenant: TenantHandle):
    response = await client.post(
        "/api/v1/cases",
        json={
            "subject": "Benchmark",
            "description": VALUES["letter (2 KB)"],
            "complainant": {"name": "Bench Mark", "email": "bench@example.org"},
            "parties": [{"role": "witness", "name": f"Witness {n}"} for n in range(5)],
        },
        headers=tenant.headers,
    )
    case_id = uuid.UUID(response.json()["id"])
    rounds = 300
    async with tenant_transaction(tenant_id=tenant.id):
        started = time.perf_counter()
        for _ in range(rounds):
            await Case.select().where(Case.id == case_id).first()
        plain = (time.perf_counter() - started) / rounds
        started = time.perf_counter()
        for _ in range(rounds):
            parties, letters = await parties_of(case_id), await letters_of(case_id)
        sealed = (time.perf_counter() - started) / rounds

    assert len(parties) == 6 and letters[0]["body"] == VALUES["letter (2 KB)"].strip()
    print(
        f"\nreading a case row: {plain * 1e3:.2f} ms; its 6 parties and letter, opened:"
        f" {sealed * 1e3:.2f} ms"
    )


async def test_sealing_and_opening_a_file():
    content, key = os.urandom(20 * 1024 * 1024), new_file_key()

    async def pieces(data: bytes) -> AsyncIterator[bytes]:
        for start in range(0, len(data), 64 * 1024):
            yield data[start : start + 64 * 1024]

    started = time.perf_counter()
    stored = b"".join([c async for c in sealed_chunks(key, "bench/file", pieces(content))])
    sealing = time.perf_counter() - started
    started = time.perf_counter()
    opened = b"".join([c async for c in opened_chunks(key, "bench/file", pieces(stored))])
    opening = time.perf_counter() - started

    assert opened == content
    mib = len(content) / 2**20
    print(
        f"\na 20 MiB file: sealed at {mib / sealing:,.0f} MiB/s,"
        f" opened at {mib / opening:,.0f} MiB/s"
    )

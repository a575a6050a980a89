"""Receipts cannot be guessed: a wrong one looks and takes exactly like an unknown one,
works on no other tenant, and repeated guessing is refused per address and per tenant."""

from __future__ import annotations

import asyncio
import secrets
import statistics
import time
from datetime import timedelta

import httpx
import pytest
from litestar import Litestar

from core.receipts.api import RESPONSE_FLOOR_SECONDS
from core.receipts.guessing import GuessLimiter, GuessLimits, TooManyGuesses
from core.receipts.services import new_receipt
from tests.fixtures.staff import TenantHandle

COMPLAINT = {
    "subject": "Missing property",
    "description": "My coat was not returned after my visit.",
    "anonymous": True,
}
REFUSED = "No complaint matches this receipt. Check it and try again."


def random_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def public_client(app: Litestar, address: str | None = None) -> httpx.AsyncClient:
    """A caller without credentials from ``address`` (a fresh one unless given)."""
    transport = httpx.ASGITransport(app=app, client=(address or random_address(), 50_000))
    return httpx.AsyncClient(transport=transport, base_url="http://localhost")


def public(tenant: TenantHandle) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost"}


async def submit(client: httpx.AsyncClient, tenant: TenantHandle) -> str:
    response = await client.post("/public/v1/complaints", json=COMPLAINT, headers=public(tenant))
    assert response.status_code == 201, response.text
    receipt: str = response.json()["receipt"]
    return receipt


async def follow_up(http: httpx.AsyncClient, tenant: TenantHandle, receipt: str) -> httpx.Response:
    return await http.post("/public/v1/followup", json={"receipt": receipt}, headers=public(tenant))


async def test_wrong_malformed_and_unknown_receipts_get_one_and_the_same_404(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    right = await submit(client, tenant)
    one_off = right[:-1] + ("1" if right[-1] != "1" else "2")

    async with public_client(app) as http:
        answers = [
            await follow_up(http, tenant, guess)
            for guess in (one_off, new_receipt(), "not a receipt at all", "0" * 64)
        ]
        messages = [
            await http.post(
                "/public/v1/followup/messages",
                json={"receipt": one_off, "message": "Let me in."},
                headers=public(tenant),
            )
        ]

    for answer in answers + messages:
        assert answer.status_code == 404
        assert answer.json() == {"status_code": 404, "detail": REFUSED}


async def test_receipt_of_one_tenant_opens_nothing_on_another(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle, other_tenant: TenantHandle
):
    receipt = await submit(client, tenant)

    async with public_client(app) as http:
        on_other_host = await follow_up(http, other_tenant, receipt)
        by_header = await http.post(
            "/public/v1/followup",
            json={"receipt": receipt},
            headers={"x-querela-tenant": other_tenant.slug},
        )
        on_own_host = await follow_up(http, tenant, receipt)

    assert on_other_host.status_code == by_header.status_code == 404
    assert on_other_host.json()["detail"] == by_header.json()["detail"] == REFUSED
    assert on_own_host.status_code == 200


async def test_receipt_in_the_url_is_not_accepted(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    receipt = await submit(client, tenant)

    async with public_client(app) as http:
        response = await http.get(
            "/public/v1/followup", params={"receipt": receipt}, headers=public(tenant)
        )

    assert response.status_code == 405


async def test_wrong_receipt_takes_as_long_as_a_right_one(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    receipt = await submit(client, tenant)
    right: list[float] = []
    wrong: list[float] = []

    # Interleaved, so that drift of the machine's load affects both series alike.
    async with public_client(app) as right_http, public_client(app) as wrong_http:
        for _ in range(10):
            for http, guess, times, status in (
                (right_http, receipt, right, 200),
                (wrong_http, new_receipt(), wrong, 404),
            ):
                started = time.perf_counter()
                response = await follow_up(http, tenant, guess)
                times.append(time.perf_counter() - started)
                assert response.status_code == status

    # Both paths wait for the floor; without it the right path (more queries) is slower.
    assert min(right + wrong) >= RESPONSE_FLOOR_SECONDS
    assert abs(statistics.median(right) - statistics.median(wrong)) < 0.02
    assert abs(statistics.quantiles(right)[2] - statistics.quantiles(wrong)[2]) < 0.05


async def test_eleventh_wrong_guess_is_refused_but_the_owner_elsewhere_gets_in(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    receipt = await submit(client, tenant)

    async with public_client(app) as guesser:
        guesses = [await follow_up(guesser, tenant, new_receipt()) for _ in range(11)]
        right_from_guesser = await follow_up(guesser, tenant, receipt)
    async with public_client(app) as owner:
        right_from_owner = await follow_up(owner, tenant, receipt)

    assert [g.status_code for g in guesses] == [404] * 10 + [429]
    retry_after = int(guesses[-1].headers["retry-after"])
    assert 0 < retry_after <= 600
    assert right_from_guesser.status_code == 429
    assert right_from_owner.status_code == 200


async def test_successful_lookups_do_not_count_as_guesses(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    receipt = await submit(client, tenant)

    async with public_client(app) as http:
        for _ in range(9):
            assert (await follow_up(http, tenant, new_receipt())).status_code == 404
        for _ in range(5):
            assert (await follow_up(http, tenant, receipt)).status_code == 200
        last_allowed = await follow_up(http, tenant, new_receipt())
        over = await follow_up(http, tenant, new_receipt())

    assert last_allowed.status_code == 404
    assert over.status_code == 429


async def test_limiter_counts_are_shared_and_atomic_across_limiters(client: httpx.AsyncClient):
    """Two limiters stand for two app processes; twenty parallel guesses fit a limit of ten."""
    limits = GuessLimits(window=timedelta(minutes=10), per_client=10, per_tenant=1000)
    processes = [GuessLimiter(limits), GuessLimiter(limits)]
    address, slug = random_address(), f"limit-{secrets.token_hex(4)}"

    async def guess(limiter: GuessLimiter) -> bool:
        try:
            reservation = await limiter.reserve(client=address, tenant=slug)
        except TooManyGuesses:
            return False
        await limiter.settle(reservation, refused=True)
        return True

    outcomes = await asyncio.gather(*(guess(processes[i % 2]) for i in range(20)))

    assert outcomes.count(True) == 10


async def test_tenant_limit_stops_guesses_spread_over_many_addresses(client: httpx.AsyncClient):
    limiter = GuessLimiter(GuessLimits(per_client=10, per_tenant=5))
    slug = f"limit-{secrets.token_hex(4)}"

    for _ in range(5):
        reservation = await limiter.reserve(client=random_address(), tenant=slug)
        await limiter.settle(reservation, refused=True)

    with pytest.raises(TooManyGuesses) as refused:
        await limiter.reserve(client=random_address(), tenant=slug)
    assert 0 < refused.value.retry_after <= 600

"""The KO41a return of a seeded financial year, checked against counts made here.

About two hundred written complaints are received over two years and handled through
the public API on a stopped clock: registered with their time of receipt, their KO41a
facts recorded (age band, complainant status, service area, profession and, often,
several subject areas), then answered with an outcome, withdrawn, or left open. A few
are oral complaints resolved by the next working day, which the regulations leave out.
The expected figures are counted below from what the test itself chose, by the rules
of the sector rules file (a complaint with several aspects counts once in the total and
once under each aspect), not with the plugin's code.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from core import clock
from core.letters.services import offered_templates, save_template
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import StaffUser, TenantHandle
from tests.integration.test_healthcare import care, installed

__all__ = ["installed"]  # the fixture, used by name below

LONDON = ZoneInfo("Europe/London")
YEAR = (date(2025, 4, 1), date(2026, 3, 31))
CASES = 200
BREAKDOWNS = {
    "age_band": ("patient_age_band", ("0_17", "18_64", "65_plus", "not_known")),
    "complainant_status": ("complainant_status", ("patient", "relative_carer", "other")),
    "service_area": ("service_area", ("inpatient", "outpatient", "maternity", "ambulance")),
    "profession": ("profession", ("medical", "nursing_midwifery_health_visiting", "other")),
}
SUBJECTS = ("clinical_treatment", "communications", "waiting_times", "values_behaviours")
COUNTED = (
    "brought_forward",
    "new",
    "resolved",
    "upheld",
    "partly_upheld",
    "not_upheld",
    "withdrawn",
    "carried_forward",
)


@dataclass
class Seeded:
    received_at: datetime
    #: answered | withdrawn | open
    ending: str
    ended_at: datetime | None
    outcome: str
    facts: dict[str, object] = field(default_factory=dict)
    oral: bool = False


def seeded(rng: random.Random) -> Iterator[Seeded]:
    start = datetime(2024, 10, 1, 9, tzinfo=LONDON)
    for _ in range(CASES):
        received = start + timedelta(minutes=rng.randrange(0, 600 * 24 * 60))
        roll = rng.random()
        ending = "open" if roll < 0.2 else "withdrawn" if roll < 0.3 else "answered"
        ended = None if ending == "open" else received + timedelta(days=rng.randrange(2, 200))
        facts: dict[str, object] = {}
        for _section, (name, codes) in BREAKDOWNS.items():
            if rng.random() < 0.9:  # now and then a fact is not recorded
                facts[name] = rng.choice(codes)
        aspects = rng.sample(SUBJECTS, rng.choice((0, 1, 1, 2, 3)))
        if aspects:
            facts["subjects"] = aspects
        yield Seeded(
            received_at=received,
            ending=ending,
            ended_at=ended,
            outcome=rng.choice(("upheld", "partly_upheld", "not_upheld")),
            facts=facts,
            oral=rng.random() < 0.05,
        )


def expected(cases: list[Seeded]) -> dict[tuple[str, str], dict[str, int]]:
    first, last = YEAR
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for case in cases:
        if case.oral:
            continue  # outside the regulations (SI 2009/309 reg. 8(1)(c))
        received = case.received_at.astimezone(LONDON).date()
        ended = case.ended_at.astimezone(LONDON).date() if case.ended_at else None
        counts: Counter[str] = Counter()
        counts["brought_forward"] += received < first and (ended is None or ended >= first)
        counts["new"] += first <= received <= last
        if ended is not None and first <= ended <= last:
            if case.ending == "answered":
                counts["resolved"] += 1
                counts[case.outcome] += 1
            else:
                counts["withdrawn"] += 1
        counts["carried_forward"] += received <= last and (ended is None or ended > last)
        rows[("total", "total")].update(counts)
        for section, (name, _codes) in BREAKDOWNS.items():
            rows[(section, str(case.facts.get(name, "not_recorded")))].update(counts)
        aspects = case.facts.get("subjects")
        for aspect in aspects if isinstance(aspects, list) and aspects else ["not_recorded"]:
            rows[("subject", str(aspect))].update(counts)
    return {key: {c: rows[key][c] for c in COUNTED} for key in rows}


async def handle(
    client: httpx.AsyncClient, tenant: TenantHandle, reviewer: StaffUser, case: Seeded
) -> None:
    with clock.frozen(case.received_at + timedelta(minutes=5)):
        made = await client.post(
            "/api/v1/cases",
            json={
                "subject": "Care on the ward",
                "description": "My mother was left without water overnight.",
                "channel": "phone" if case.oral else "letter",
                "received_at": case.received_at.isoformat(),
                "fields": {"resolved_next_working_day": True} if case.oral else {},
            },
            headers=host(tenant),
        )
        assert made.status_code == 201, made.text
        case_id, version = made.json()["id"], made.json()["version"]
        if case.facts:
            patched = await client.patch(
                f"/api/v1/cases/{case_id}",
                json={"version": version, "fields": case.facts},
                headers=tenant.headers,
            )
            assert patched.status_code == 200, patched.text
    if case.ended_at is None:
        return
    steps: list[tuple[str, dict[str, str], StaffUser]] = [
        ("withdraw", {"reason": "The complainant withdrew it by phone."}, tenant.staff)
    ]
    if case.ending == "answered":
        steps = [
            ("acknowledge", {}, tenant.staff),
            ("start_investigation", {}, tenant.staff),
            ("propose_decision", {"outcome": case.outcome}, tenant.staff),
            ("approve_decision", {}, reviewer),
            ("respond", {"response": "We have looked into what happened."}, tenant.staff),
        ]
    with clock.frozen(case.ended_at):
        for action, body, who in steps:
            done = await client.post(
                f"/api/v1/cases/{case_id}/actions/{action}",
                json=body,
                headers={**host(tenant), **who.bearer},
            )
            assert done.status_code == 200, (action, done.text)


async def use_plugin_letters(tenant: TenantHandle) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        for offer in await offered_templates():
            await save_template(offer.kind, offer.language, offer.subject, offer.body, actor="t")


async def test_the_ko41a_return_of_a_seeded_year_adds_up_with_every_aspect_counted(
    client: httpx.AsyncClient, tenant: TenantHandle, installed: None
) -> None:
    await care(tenant, jurisdiction="england")
    await use_plugin_letters(tenant)
    reviewer = await tenant.add_staff(("supervisor",))
    cases = list(seeded(random.Random(20260401)))
    for case in cases:
        await handle(client, tenant, reviewer, case)
    want = expected(cases)
    total = want[("total", "total")]
    assert all(total[c] > 0 for c in COUNTED), total  # every rule is reached by some case
    subject_new = sum(want.get(("subject", s), {}).get("new", 0) for s in SUBJECTS)
    assert subject_new > total["new"], "some complaints have several aspects"

    got = await client.get(
        "/api/v1/reports/ko41a-return",
        params={"from": YEAR[0].isoformat(), "to": YEAR[1].isoformat()},
        headers=tenant.headers,
    )

    assert got.status_code == 200, got.text
    report = got.json()
    columns = report["columns"]
    assert columns[:3] == ["section", "code", "label"] and columns[3:] == list(COUNTED)
    rows = {(r[0], r[1]): dict(zip(columns[3:], r[3:], strict=True)) for r in report["rows"]}
    zero = dict.fromkeys(COUNTED, 0)
    assert rows[("total", "total")] == total
    for section, (_name, codes) in BREAKDOWNS.items():
        for code in (*codes, "not_recorded"):
            assert rows.get((section, code), zero) == want.get((section, code), zero), (
                section,
                code,
            )
    for code in (*SUBJECTS, "not_recorded"):
        assert rows.get(("subject", code), zero) == want.get(("subject", code), zero), code
    assert any("aspect" in note for note in report["notes"])

    wrong = await client.get(
        "/api/v1/reports/ko41a-return",
        params={"from": "2025-01-01", "to": "2025-12-31"},
        headers=tenant.headers,
    )
    assert wrong.status_code == 400 and "1 April" in wrong.text

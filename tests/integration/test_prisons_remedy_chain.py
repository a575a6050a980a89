"""The Bureau of Prisons' administrative remedy, level after level, through the public API.

28 CFR 542.18: "If the inmate does not receive a response within the time allotted
for reply, including extension, the inmate may consider the absence of a response to
be a denial at that level." 542.15(a): the BP-10 goes to the Regional Director
within 20 calendar days of the Warden's response; the Regional Director answers
within 30 days, the General Counsel (BP-11, within 30 days) within 40. The dates
below are counted by hand in the tenant's zone (UTC here); every period ends at the
end of its last day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest

import plugins.prisons
from core import clock
from core.letters.services import offered_templates, save_template
from core.plugins.host import plugin_host
from core.plugins.services import configure_plugin, enable_plugin
from core.tenancy.context import tenant_transaction
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.staff import TenantHandle

BP10 = "BP-10 appeal to the Regional Director"
BP11 = "BP-11 appeal to the General Counsel"


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
async def bureau(tenant: TenantHandle) -> Iterator[None]:
    host_ = plugin_host()
    registered = "prisons" not in host_.infos
    if registered:
        host_.register(plugins.prisons)
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin("prisons", actor="test")
        await configure_plugin("prisons", {"jurisdiction": "us"}, actor="test")
    try:
        yield
    finally:
        if registered:
            host_.unregister("prisons")


class Remedy:
    """One inmate's Request, moved along on a stopped clock."""

    def __init__(self, client: httpx.AsyncClient, tenant: TenantHandle) -> None:
        self.client = client
        self.tenant = tenant
        self.id = ""

    async def file(self, logged: datetime, **fields: Any) -> dict[str, Any]:
        body = {
            "subject": "Request for Administrative Remedy",
            "description": "My property was not returned after the transfer.",
            "channel": "kiosk",
            "received_at": logged.isoformat(),
            "fields": {"inmate_number": "12345-678", "facility": "FCI North", **fields},
        }
        with clock.frozen(logged + timedelta(minutes=1)):
            made = await self.client.post("/api/v1/cases", json=body, headers=self.tenant.headers)
        assert made.status_code == 201, made.text
        self.id = made.json()["id"]
        return dict(made.json())

    async def act(self, when: datetime, action: str, **body: Any) -> httpx.Response:
        headers = self.tenant.headers
        if action == "approve_decision":  # not by the person who proposed it
            reviewer = await self.tenant.add_staff(("supervisor", "tenant-admin"))
            headers = {"host": f"{self.tenant.slug}.localhost", **reviewer.bearer}
        with clock.frozen(when):
            return await self.client.post(
                f"/api/v1/cases/{self.id}/actions/{action}", json=body, headers=headers
            )

    async def steps(self, when: datetime, *actions: tuple[str, dict[str, Any]]) -> None:
        for action, body in actions:
            done = await self.act(when, action, **body)
            assert done.status_code == 200, (action, done.text)

    async def state(self, when: datetime) -> dict[str, Any]:
        with clock.frozen(when):
            got = await self.client.get(
                f"/api/v1/cases/{self.id}/file", headers=self.tenant.headers
            )
        assert got.status_code == 200, got.text
        return dict(got.json())

    async def deadlines(self) -> dict[str, dict[str, Any]]:
        got = await self.client.get(
            f"/api/v1/cases/{self.id}/deadlines", headers=self.tenant.headers
        )
        assert got.status_code == 200, got.text
        return {d["kind"]: d for d in got.json()["deadlines"]}


def due(found: dict[str, dict[str, Any]], kind: str) -> datetime:
    return datetime.fromisoformat(found[kind]["due_at"])


async def test_a_bp9_not_answered_in_time_is_a_denial_and_the_bp10_opens_with_its_window(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    remedy = Remedy(client, tenant)
    await remedy.file(at(3, 6, 9))  # logged Friday 6 March 2026
    await remedy.steps(at(3, 9), ("acknowledge", {}), ("start_investigation", {}))
    # The Warden's 20 days: to the end of 26 March.
    assert due(await remedy.deadlines(), "final_response") == end_of(date(2026, 3, 26))

    # The last day: still the Warden's to answer; no appeal yet.
    before = await remedy.state(at(3, 26, 23))
    assert "open_appeal" not in before["state"]["allowed_actions"]
    assert before["state"]["next_appeal"] is None
    refused = await remedy.act(at(3, 26, 23), "open_appeal", reason="No answer")
    assert refused.status_code == 409, refused.text

    # The next morning the silence is a denial at the Warden's level: the BP-10 may be
    # filed within 20 days of it, to the end of 15 April.
    after = (await remedy.state(at(3, 27)))["state"]
    assert after["status"] == "investigating"
    assert "open_appeal" in after["allowed_actions"]
    assert after["next_appeal"] == {
        "level": 1,
        "name": BP10,
        "window_closes_at": end_of(date(2026, 4, 15)).isoformat().replace("+00:00", "Z"),
        "deemed_denial_at": end_of(date(2026, 3, 26)).isoformat().replace("+00:00", "Z"),
    }

    # The inmate files the BP-10 on 14 April: the Regional Director has 30 days.
    opened = await remedy.act(at(4, 14), "open_appeal", reason="The Warden never answered.")
    assert opened.status_code == 200, opened.text
    assert (opened.json()["status"], opened.json()["appeal_level"]) == ("appealed", 1)
    assert due(await remedy.deadlines(), "appeal_level_1") == end_of(date(2026, 5, 14))
    file = await remedy.state(at(4, 14, 11))
    [deemed] = [d for d in file["decisions"] if d["level"] == 0]
    assert (deemed["state"], deemed["outcome"]) == ("deemed", "not_upheld")
    assert file["appeals"][0]["name"] == BP10

    # The Regional Director does not answer either: by 15 May the BP-11 is open, to 14 June.
    await remedy.steps(at(4, 15), ("start_appeal_review", {}))
    chain = (await remedy.state(at(5, 15)))["state"]
    assert chain["next_appeal"]["name"] == BP11
    assert chain["next_appeal"]["window_closes_at"].startswith("2026-06-13T23:59:59")
    second = await remedy.act(at(6, 1), "open_appeal", reason="No answer from the region.")
    assert second.status_code == 200, second.text
    # The General Counsel's 40 days from 1 June: the end of 11 July.
    assert due(await remedy.deadlines(), "appeal_level_2") == end_of(date(2026, 7, 11))


async def test_a_bp10_filed_after_its_window_is_refused_with_the_day_it_closed(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    remedy = Remedy(client, tenant)
    await remedy.file(at(3, 6, 9))

    late = await remedy.act(at(4, 16), "open_appeal", reason="No answer")

    assert late.status_code == 409, late.text
    assert "closed on 2026-04-15" in late.json()["detail"]


async def test_a_late_answer_from_the_warden_starts_the_bp10_window_again(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    remedy = Remedy(client, tenant)
    await remedy.file(at(3, 6, 9))
    # Answered on 30 March, four days late: the BP-10 is due within 20 days of the
    # Warden's signed response (542.15(a)), to the end of 19 April.
    await remedy.steps(
        at(3, 30),
        ("acknowledge", {}),
        ("start_investigation", {}),
        ("propose_decision", {"outcome": "not_upheld"}),
        ("approve_decision", {}),
        ("respond", {"response": "Your property was returned to storage; request denied."}),
    )

    state = (await remedy.state(at(4, 1)))["state"]

    assert state["status"] == "responded"
    assert state["next_appeal"]["window_closes_at"].startswith("2026-04-19T23:59:59")
    opened = await remedy.act(at(4, 19, 20), "open_appeal", reason="The property is damaged.")
    assert opened.status_code == 200, opened.text


async def test_a_sensitive_request_goes_to_the_region_and_then_only_to_the_general_counsel(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    remedy = Remedy(client, tenant)
    await remedy.file(at(3, 6, 9), sensitive=True)
    # The Regional Director's 30 days (542.14(d)(1), 542.18): to the end of 5 April.
    assert due(await remedy.deadlines(), "final_response") == end_of(date(2026, 4, 5))

    state = (await remedy.state(at(4, 6)))["state"]

    assert state["next_appeal"]["name"] == BP11
    assert state["next_appeal"]["window_closes_at"].startswith("2026-05-05T23:59:59")


async def test_a_bp9_on_hold_before_its_deadline_is_not_denied_by_silence(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    remedy = Remedy(client, tenant)
    await remedy.file(at(3, 6, 9), prea=True)
    # PREA: 90 days; the inmate preparing an appeal is not counted: on hold from day 80.
    await remedy.steps(at(3, 26), ("put_on_hold", {"reason": "Inmate preparing an appeal"}))

    state = (await remedy.state(at(6, 20)))["state"]

    assert state["status"] == "on_hold"
    assert "open_appeal" not in state["allowed_actions"]


async def test_a_kiosk_filing_gets_the_plugins_receipt_when_acknowledged(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        for offer in await offered_templates():
            if offer.kind == "acknowledgement":
                await save_template(
                    offer.kind, offer.language, offer.subject, offer.body, actor="test"
                )
    remedy = Remedy(client, tenant)
    made = await remedy.file(at(3, 6, 9))
    assert made["channel"] == "kiosk"

    await remedy.steps(at(3, 6, 11), ("acknowledge", {}))

    got = await client.get(f"/api/v1/cases/{remedy.id}", headers=tenant.headers)
    [receipt] = [c for c in got.json()["correspondence"] if c["direction"] == "outbound"]
    assert receipt["channel"] == "letter"  # no e-mail in custody: printed and handed over
    assert made["reference"] in receipt["body"]
    assert "2026-03-06" in receipt["body"]
    assert "542.18" in receipt["body"]


async def extend(remedy: Remedy, kind: str, to: datetime) -> httpx.Response:
    with clock.frozen(at(3, 10)):
        return await remedy.client.post(
            f"/api/v1/cases/{remedy.id}/deadlines/{kind}/extend",
            json={"due_at": to.isoformat(), "reason": "Written notice sent to the inmate."},
            headers=remedy.tenant.headers,
        )


async def test_extensions_stay_within_what_the_rules_allow(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    # BP-9: once, by up to 20 days (542.18): due 26 March, so at most to 15 April.
    request = Remedy(client, tenant)
    await request.file(at(3, 6, 9))
    too_far = await extend(request, "final_response", end_of(date(2026, 4, 16)))
    assert too_far.status_code == 400, too_far.text
    assert "more than 20 days" in too_far.text and "2026-04-15" in too_far.text
    assert (await extend(request, "final_response", end_of(date(2026, 4, 5)))).status_code == 200
    again = await extend(request, "final_response", end_of(date(2026, 4, 10)))
    assert again.status_code == 409, again.text
    assert "extended once" in again.json()["detail"]

    # PREA: up to 70 days in all (115.52(d)(3)), in more than one step: due 4 June.
    prea = Remedy(client, tenant)
    await prea.file(at(3, 6, 9), prea=True)
    assert due(await prea.deadlines(), "final_response") == end_of(date(2026, 6, 4))
    assert (await extend(prea, "final_response", end_of(date(2026, 7, 4)))).status_code == 200
    # 4 June + 70 days = 13 August.
    assert (await extend(prea, "final_response", end_of(date(2026, 8, 14)))).status_code == 400
    assert (await extend(prea, "final_response", end_of(date(2026, 8, 13)))).status_code == 200

    # An emergency grievance's 48 hours and 5 days are not extended.
    emergency = Remedy(client, tenant)
    await emergency.file(at(3, 6, 9), prea=True, emergency=True)
    for kind in ("initial_response", "final_response"):
        refused = await extend(emergency, kind, end_of(date(2026, 3, 20)))
        assert refused.status_code == 409, refused.text
        assert "may not be extended" in refused.json()["detail"]


async def test_the_case_page_offers_the_appeal_a_silence_opened_with_its_window(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    remedy = Remedy(client, tenant)
    made = await remedy.file(at(3, 6, 9))
    await remedy.steps(at(3, 9), ("acknowledge", {}), ("start_investigation", {}))
    handler: Browser = await browser_of(client, tenant, tenant.staff)
    path = f"/staff/cases/{made['reference']}"

    with clock.frozen(at(3, 20)):
        before = await handler.get(path)
    with clock.frozen(at(3, 27)):
        after = await handler.get(path)
        filed = await handler.post(
            f"{path}/actions/open_appeal", {"reason": "The Warden did not answer."}
        )

    assert before.status_code == 200 and after.status_code == 200
    assert 'id="open_appeal"' not in before.text and 'id="deemed-denial"' not in before.text
    assert 'id="open_appeal"' in after.text
    deemed = re.search(r'id="deemed-denial">([^<]*)<', after.text)
    window = re.search(r'id="appeal-window">([^<]*)<', after.text)
    assert deemed and "26" in deemed.group(1) and "denial" in deemed.group(1)
    assert window and BP10 in window.group(1) and "15" in window.group(1)
    assert filed.status_code in (200, 303), filed.text
    state = (await remedy.state(at(3, 27, 12)))["state"]
    assert (state["status"], state["appeal_level"]) == ("appealed", 1)


async def test_an_appeal_nobody_took_up_is_denied_by_silence_too(
    client: httpx.AsyncClient, tenant: TenantHandle, bureau: None
) -> None:
    remedy = Remedy(client, tenant)
    await remedy.file(at(3, 6, 9))
    filed = await remedy.act(at(4, 14), "open_appeal", reason="The Warden never answered.")
    assert filed.status_code == 200, filed.text

    # Nobody started the region's review; its 30 days ended on 14 May.
    state = (await remedy.state(at(5, 15)))["state"]

    assert state["status"] == "appealed"
    assert state["next_appeal"]["name"] == BP11
    opened = await remedy.act(at(5, 20), "open_appeal", reason="No answer from the region.")
    assert opened.status_code == 200, opened.text
    assert opened.json()["appeal_level"] == 2

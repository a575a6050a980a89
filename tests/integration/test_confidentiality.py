"""Who sees a case, by role and confidentiality level: reading it, finding it in lists and
searches, reading its parts, exporting it, counting it in reports. A case someone may not
see does not exist for them, in counts too."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg
import httpx
import pytest

from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
LEVELS = ("standard", "restricted", "sealed")
#: The roles of each member of staff. The subject is a handler who audits too: their roles
#: alone would let them read standard cases and count them in reports.
ROLES = {
    "assignee": ("handler",),
    "handler": ("handler",),
    "investigator": ("investigator",),
    "supervisor": ("supervisor",),
    "tenant-admin": ("tenant-admin",),
    "auditor": ("auditor",),
    "subject": ("handler", "auditor"),
}
#: Who sees a case at each level (the assignee is a handler).
SEES = {
    "assignee": {"standard", "restricted", "sealed"},
    "handler": {"standard"},
    "investigator": {"standard"},
    "supervisor": {"standard", "restricted"},
    "tenant-admin": {"standard"},
    "auditor": {"standard"},
    "subject": set(),
    "api-key": {"standard"},
}
#: Parts of a case, each read on its own route.
PARTS = ("", "/deadlines", "/routing", "/file", "/attachments")
#: Who may export the internal appeal bundle: every member of staff (an API key is refused
#: whatever the case), and who may run the case report (core/reports/api.py).
EXPORTERS = set(ROLES)
REPORTERS = {
    v for v, roles in ROLES.items() if {"supervisor", "tenant-admin", "auditor"} & set(roles)
}
REPORT = "/api/v1/reports/cases"


@dataclass
class Scene:
    tenant: TenantHandle
    viewers: dict[str, dict[str, str]]
    cases: dict[str, dict]
    emails: dict[str, str]


def on(tenant: TenantHandle, headers: dict[str, str]) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **headers}


async def register(client: Client, scene_tenant: TenantHandle, by: StaffUser, subject: StaffUser):
    response = await client.post(
        "/api/v1/cases",
        json={
            "subject": f"Conduct of a colleague {uuid.uuid4().hex[:6]}",
            "description": "Shouted at me in the corridor.",
            "complainant": {"name": "Ada Example", "email": "ada@example.org"},
            "parties": [{"role": "subject", "name": "The colleague", "email": subject.email}],
        },
        headers=on(scene_tenant, by.bearer),
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def scene(client: Client, tenant: TenantHandle) -> Scene:
    people = {viewer: await tenant.add_staff(roles) for viewer, roles in ROLES.items()}
    assignee, supervisor = people["assignee"], people["supervisor"]
    viewers = {role: person.bearer for role, person in people.items()}
    key = await client.post(
        "/api/v1/api-keys",
        json={"name": "CRM", "scopes": ["cases:read"]},
        headers=on(tenant, people["tenant-admin"].bearer),
    )
    assert key.status_code == 201, key.text
    viewers["api-key"] = {"authorization": f"ApiKey {key.json()['secret']}"}
    cases = {}
    for level in LEVELS:
        case = await register(client, tenant, assignee, people["subject"])
        assigned = await client.post(
            f"/api/v1/cases/{case['id']}/assign",
            json={"staff_email": assignee.email},
            headers=on(tenant, supervisor.bearer),
        )
        assert assigned.status_code == 200, assigned.text
        if level != "standard":
            raised = await client.patch(
                f"/api/v1/cases/{case['id']}",
                json={"version": case["version"], "confidentiality": level},
                headers=on(tenant, assignee.bearer),
            )
            assert raised.status_code == 200, raised.text
        cases[level] = case
    return Scene(tenant, viewers, cases, {role: p.email for role, p in people.items()})


@pytest.mark.parametrize("viewer", list(SEES))
async def test_each_role_sees_the_levels_it_may_and_nothing_else(
    client: Client, scene: Scene, viewer: str
):
    headers = on(scene.tenant, scene.viewers[viewer])
    listed = await client.get("/api/v1/cases", params={"limit": 200}, headers=headers)
    assert listed.status_code == 200, listed.text
    in_list = {item["id"] for item in listed.json()["items"]}
    searched = await client.get(
        "/api/v1/cases", params={"limit": 200, "q": "COLLEAGUE conduct"}, headers=headers
    )
    assert searched.status_code == 200, searched.text
    found = {item["id"] for item in searched.json()["items"]}
    report = await client.get(REPORT, headers=headers)
    assert report.status_code == (200 if viewer in REPORTERS else 403), (viewer, report.text)
    counted = {c["value"]: c["count"] for c in report.json().get("confidentiality", [])}

    for level, case in scene.cases.items():
        may = level in SEES[viewer]
        assert (case["id"] in in_list) is may, f"{viewer} listing a {level} case"
        assert (case["id"] in found) is may, f"{viewer} searching for a {level} case"
        by_search = await client.get(
            "/api/v1/cases", params={"q": case["reference"]}, headers=headers
        )
        assert [item["id"] for item in by_search.json()["items"]] == ([case["id"]] if may else [])
        by_reference = await client.get(f"/api/v1/cases/{case['reference']}", headers=headers)
        assert by_reference.status_code == (200 if may else 404), (viewer, level)
        if viewer in REPORTERS:  # counted in the report only by whom it is visible to
            assert counted.get(level, 0) == (1 if may else 0), f"{viewer} counting a {level} case"
        exported = await client.get(f"/api/v1/cases/{case['id']}/appeal-bundle", headers=headers)
        missing = await client.get(f"/api/v1/cases/{uuid.uuid4()}/appeal-bundle", headers=headers)
        if viewer not in EXPORTERS:  # refused for what it is, whichever case it names
            assert (exported.status_code, missing.status_code) == (403, 403), (viewer, level)
        else:
            assert exported.status_code == (200 if may else 404), (viewer, level, "export")
            if not may:
                assert exported.json()["detail"] == missing.json()["detail"]
        if viewer == "api-key":
            continue  # a key reads the case itself, not its parts
        for part in PARTS:
            answer = await client.get(f"/api/v1/cases/{case['id']}{part}", headers=headers)
            assert answer.status_code == (200 if may else 404), (viewer, level, part)
            if not may:  # indistinguishable from a case that does not exist
                missing = await client.get(f"/api/v1/cases/{uuid.uuid4()}{part}", headers=headers)
                assert answer.json()["detail"] == missing.json()["detail"]


async def test_the_subject_of_a_complaint_sees_nothing_of_it_even_in_counts(
    client: Client, scene: Scene
):
    everyone = on(scene.tenant, scene.viewers["handler"])
    subject = on(scene.tenant, scene.viewers["subject"])
    theirs = (await client.get("/api/v1/cases", params={"limit": 200}, headers=subject)).json()
    others = (await client.get("/api/v1/cases", params={"limit": 200}, headers=everyone)).json()

    ids = {case["id"] for case in scene.cases.values()}
    assert ids.isdisjoint(item["id"] for item in theirs["items"])
    assert len(others["items"]) - len(theirs["items"]) >= 1  # the standard one, at least
    found = await client.get("/api/v1/cases", params={"q": "colleague"}, headers=subject)
    assert found.json()["items"] == []
    # An auditor counts the standard case; the subject, an auditor too, counts none of theirs.
    auditor = on(scene.tenant, scene.viewers["auditor"])
    their_report = (await client.get(REPORT, headers=subject)).json()
    auditors_report = (await client.get(REPORT, headers=auditor)).json()
    assert their_report["total"]["count"] == 0
    assert their_report["confidentiality"] == []
    assert auditors_report["total"]["count"] == 1
    for case in scene.cases.values():
        exported = await client.get(f"/api/v1/cases/{case['id']}/appeal-bundle", headers=subject)
        assert exported.status_code == 404


async def test_reading_a_restricted_or_sealed_case_is_audited_with_the_part(
    client: Client, scene: Scene, owner: asyncpg.Connection
):
    supervisor = on(scene.tenant, scene.viewers["supervisor"])
    restricted = scene.cases["restricted"]
    assert (
        await client.get(f"/api/v1/cases/{restricted['id']}/file", headers=supervisor)
    ).is_success
    assert (
        await client.get(f"/api/v1/cases/{scene.cases['standard']['id']}/file", headers=supervisor)
    ).is_success

    async with owner.transaction():
        await owner.execute(
            "SELECT set_config('querela.tenant_id', $1, true)", str(scene.tenant.id)
        )
        reads = await owner.fetch(
            "SELECT case_id, actor, detail FROM audit_event WHERE action = 'case.read'"
        )
    assert [(str(r["case_id"]), r["detail"]) for r in reads] == [
        (restricted["id"], '{"part": "file", "level": "restricted"}')
    ]
    assert reads[0]["actor"].startswith("staff:")


async def test_break_glass_opens_a_sealed_case_for_a_while_and_tells_the_supervisors(
    client: Client, scene: Scene
):
    sealed = scene.cases["sealed"]
    handler = on(scene.tenant, scene.viewers["handler"])
    assert (await client.get(f"/api/v1/cases/{sealed['id']}", headers=handler)).status_code == 404

    vague = await client.post(
        f"/api/v1/cases/{sealed['reference']}/break-glass", json={"reason": "need"}, headers=handler
    )
    opened = await client.post(
        f"/api/v1/cases/{sealed['reference']}/break-glass",
        json={"reason": "The complainant is on the phone and in danger."},
        headers=handler,
    )
    read = await client.get(f"/api/v1/cases/{sealed['id']}", headers=handler)
    supervisor = on(scene.tenant, scene.viewers["supervisor"])
    notices = (await client.get("/api/v1/notifications", headers=supervisor)).json()["items"]

    assert vague.status_code == 400
    assert opened.status_code == 201, opened.text
    assert read.status_code == 200
    [notice] = [n for n in notices if n["kind"] == "break_glass"]
    assert notice["urgent"] and sealed["reference"] in notice["subject"]
    assert "in danger" in notice["body"]


async def test_the_subject_cannot_break_the_glass_on_their_own_case(client: Client, scene: Scene):
    subject = on(scene.tenant, scene.viewers["subject"])
    sealed = scene.cases["sealed"]

    response = await client.post(
        f"/api/v1/cases/{sealed['id']}/break-glass",
        json={"reason": "I would like to read what they say about me."},
        headers=subject,
    )

    assert response.status_code == 404


async def test_only_a_supervisor_lowers_confidentiality(client: Client, scene: Scene):
    restricted = scene.cases["restricted"]
    assignee = on(scene.tenant, scene.viewers["assignee"])
    supervisor = on(scene.tenant, scene.viewers["supervisor"])
    current = (await client.get(f"/api/v1/cases/{restricted['id']}", headers=assignee)).json()

    refused = await client.patch(
        f"/api/v1/cases/{restricted['id']}",
        json={"version": current["version"], "confidentiality": "standard"},
        headers=assignee,
    )
    lowered = await client.patch(
        f"/api/v1/cases/{restricted['id']}",
        json={"version": current["version"], "confidentiality": "standard"},
        headers=supervisor,
    )

    assert refused.status_code == 403
    assert lowered.status_code == 200, lowered.text
    assert lowered.json()["confidentiality"] == "standard"


async def test_an_exclusion_is_lifted_only_with_a_reason_and_a_second_persons_approval(
    client: Client, scene: Scene, tenant: TenantHandle, owner: asyncpg.Connection
):
    case = scene.cases["standard"]
    supervisor = on(scene.tenant, scene.viewers["supervisor"])
    admin = on(scene.tenant, scene.viewers["tenant-admin"])
    subject = on(scene.tenant, scene.viewers["subject"])
    listed = await client.get(f"/api/v1/cases/{case['id']}/exclusions", headers=supervisor)
    assert listed.status_code == 200, listed.text
    [excluded] = listed.json()
    assert excluded["reason"] == "named as a subject of the complaint"
    override = f"/api/v1/cases/{case['id']}/exclusions/{excluded['staff_id']}/override"

    vague = await client.post(override, json={"reason": "ok"}, headers=supervisor)
    asked = await client.post(
        override, json={"reason": "The only Welsh speaker on the team."}, headers=supervisor
    )
    own_approval = await client.post(f"{override}/approve", headers=supervisor)
    subjects_approval = await client.post(f"{override}/approve", headers=subject)
    still_hidden = await client.get(f"/api/v1/cases/{case['id']}", headers=subject)
    approved = await client.post(f"{override}/approve", headers=admin)
    seen = await client.get(f"/api/v1/cases/{case['id']}", headers=subject)

    assert vague.status_code == 400
    assert asked.status_code == 200, asked.text
    assert own_approval.status_code == 403
    assert subjects_approval.status_code == 403
    assert still_hidden.status_code == 404
    assert approved.status_code == 200, approved.text
    assert approved.json()[0]["overridden_at"] is not None
    assert seen.status_code == 200
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        actions = [
            r["action"]
            for r in await owner.fetch(
                "SELECT action FROM audit_event WHERE case_id = $1 ORDER BY seq",
                uuid.UUID(case["id"]),
            )
        ]
    overrides = [a for a in actions if a.startswith("case.exclusion_overrid")]
    assert overrides == ["case.exclusion_override_requested", "case.exclusion_overridden"]
    assert actions[-1] == "case.viewed"  # the subject's read, after the approval


async def test_whoever_handles_a_sealed_case_names_the_people_who_may_see_it(
    client: Client, scene: Scene, owner: asyncpg.Connection
):
    sealed = scene.cases["sealed"]
    access = f"/api/v1/cases/{sealed['id']}/access"
    assignee = on(scene.tenant, scene.viewers["assignee"])
    investigator = on(scene.tenant, scene.viewers["investigator"])
    outsider = on(scene.tenant, scene.viewers["handler"])
    people = await client.get(
        f"/api/v1/cases/{sealed['id']}/exclusions",
        headers=on(scene.tenant, scene.viewers["supervisor"]),
    )
    assert people.status_code == 404  # a supervisor not on the sealed case sees nothing of it
    investigator_email = scene.emails["investigator"]

    not_theirs = await client.post(
        access,
        json={"staff_email": investigator_email, "reason": "They should read it too."},
        headers=outsider,
    )
    the_subject = await client.post(
        access,
        json={"staff_email": scene.emails["subject"], "reason": "To hear their side of it."},
        headers=assignee,
    )
    named = await client.post(
        access,
        json={"staff_email": investigator_email, "reason": "Interviews the witnesses."},
        headers=assignee,
    )
    read = await client.get(f"/api/v1/cases/{sealed['id']}", headers=investigator)
    listed = await client.get("/api/v1/cases", params={"limit": 200}, headers=investigator)
    [grant] = named.json()
    revoked = await client.post(f"{access}/{grant['staff_id']}/revoke", headers=assignee)
    after = await client.get(f"/api/v1/cases/{sealed['id']}", headers=investigator)

    assert not_theirs.status_code == 404
    assert the_subject.status_code == 409
    assert named.status_code == 201, named.text
    assert (grant["kind"], grant["expires_at"]) == ("named", None)
    assert read.status_code == 200
    assert sealed["id"] in {item["id"] for item in listed.json()["items"]}
    assert revoked.status_code == 200 and revoked.json() == []
    assert after.status_code == 404
    async with owner.transaction():
        await owner.execute(
            "SELECT set_config('querela.tenant_id', $1, true)", str(scene.tenant.id)
        )
        actions = await owner.fetch(
            "SELECT action FROM audit_event WHERE case_id = $1 AND action LIKE 'case.access%'"
            " ORDER BY seq",
            uuid.UUID(sealed["id"]),
        )
    assert [a["action"] for a in actions] == ["case.access_granted", "case.access_revoked"]


async def test_a_sealed_case_nobody_holds_is_seen_by_supervisors_until_they_give_it_away(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    supervisor = await tenant.add_staff(roles=("supervisor",))
    handler = await tenant.add_staff(roles=("handler",))
    created = await client.post(
        "/api/v1/cases",
        json={"subject": "Sealed from the start", "description": "Nobody holds it yet."},
        headers=on(tenant, handler.bearer),
    )
    assert created.status_code == 201, created.text
    case = created.json()
    sealed = await client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"version": case["version"], "confidentiality": "sealed"},
        headers=on(tenant, handler.bearer),
    )
    assert sealed.status_code == 200, sealed.text
    assert sealed.json()["assignee_staff_id"] is None

    # Unassigned and sealed: not lost in the queue, a supervisor sees it; a handler does not.
    seen = await client.get(f"/api/v1/cases/{case['id']}", headers=on(tenant, supervisor.bearer))
    assert seen.status_code == 200
    unseen = await client.get(f"/api/v1/cases/{case['id']}", headers=on(tenant, handler.bearer))
    assert unseen.status_code == 404

    given = await client.post(
        f"/api/v1/cases/{case['id']}/assign",
        json={"staff_email": handler.email},
        headers=on(tenant, supervisor.bearer),
    )
    assert given.status_code == 200, given.text
    assert given.json()[-1]["assignee_email"] == handler.email
    # Given away, it is the handler's alone.
    mine = await client.get(f"/api/v1/cases/{case['id']}", headers=on(tenant, handler.bearer))
    assert mine.status_code == 200
    gone = await client.get(f"/api/v1/cases/{case['id']}", headers=on(tenant, supervisor.bearer))
    assert gone.status_code == 404

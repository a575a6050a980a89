"""Where the bad-input sweep works: its tenant, its callers, the real things its requests
name, a census of everything stored, and how a refusal must look.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import quote

import asyncpg
import httpx
import jwt
from litestar import Litestar

from core.access.tables import CaseAccess, CaseExclusion
from core.auth.tables import StaffMember
from core.notify.services import notify
from core.notify.tables import Notification
from core.receipts import survey
from core.tenancy.context import tenant_transaction
from tenants.provisioning import create_tenant
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.staff import TenantHandle
from tests.security.sweep_probes import Upload
from tests.security.sweep_routes import Endpoint

#: Seconds before the app would refuse a token at which the sweep takes a fresh one.
TOKEN_MARGIN = 10
#: The statuses a case passes on its way to an answer, and the step into each (after the first).
CASE_STEPS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("investigating", "start_investigation", {}, "staff"),
    # The reviewer proposes, so that the sweep's own caller may review.
    ("decision_proposed", "propose_decision", {"outcome": "upheld"}, "reviewer"),
    ("decision_approved", "approve_decision", {}, "staff"),
    ("responded", "respond", {"response": "We agree with you."}, "staff"),
    ("closed", "close", {}, "staff"),
)

User = tuple[str, str]


@dataclass
class Sweep:
    """The tenant the sweep works in, its callers, and the real things requests refer to.

    Real things (a case in some status, a task, a closed case's receipt, ...) are
    made on first use and reused while requests change nothing; ``forget`` drops
    them after a request that did change something, so no probe sees another's leftovers.
    """

    app: Litestar
    keycloak: KeycloakInstance
    tenant: TenantHandle
    staff: User
    reviewer: User
    platform_admin: User
    plugin: str
    #: Where attachment content is kept, a directory per tenant.
    files: Path
    #: How long after its expiry the app still takes a token.
    leeway: int
    receipt: str = ""
    _made: dict[str, Any] = field(default_factory=dict)
    _tokens: dict[str, tuple[float, str]] = field(default_factory=dict)

    # -- calling ---------------------------------------------------------------------------

    @property
    def host(self) -> dict[str, str]:
        return {"host": f"{self.tenant.slug}.localhost"}

    def bearer(self, user: User, scope: str = "openid organization") -> dict[str, str]:
        """A token of ``user``, fresh enough that no probe is refused for its age."""
        usable_until, token = self._tokens.get(user[0], (0.0, ""))
        if time.time() > usable_until - TOKEN_MARGIN:
            token = self.keycloak.password_token(*user, scope=scope)["access_token"]
            expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
            self._tokens[user[0]] = (expiry + self.leeway, token)
        return {"authorization": f"Bearer {token}"}

    def headers(self, endpoint: Endpoint) -> dict[str, str]:
        """The tenant's host; all tenant roles on /api and /staff, a platform admin on /platform."""
        if endpoint.path.startswith("/api/"):
            return {**self.host, **self.bearer(self.staff)}
        if endpoint.path.startswith("/platform/"):
            # The platform's own host: its API and its pages belong to no tenant.
            return {"host": "localhost", **self.bearer(self.platform_admin, "openid")}
        if endpoint.path.startswith("/staff"):  # the workspace's pages, as a signed-in member
            return {**self.host, **self.bearer(self.staff)}
        return dict(self.host)

    async def send(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """A request from an address of its own: no probe counts against another's limits."""
        client = (f"198.51.100.{random.randint(1, 254)}", random.randint(1024, 65535))
        transport = httpx.ASGITransport(app=self.app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            return await http.request(method, path, headers=headers, params=params, content=content)

    async def call(
        self, method: str, path: str, body: Any = None, *, as_: User | None = None, **headers: str
    ) -> Any:
        """A request of the set-up, which must succeed; returns the answer's JSON."""
        who = {} if as_ is None else self.bearer(as_)
        content = json.dumps(body).encode() if isinstance(body, dict) else body
        kind = {"content-type": "application/json"} if isinstance(body, dict) else {}
        response = await self.send(
            method, path, {**self.host, **who, **kind, **headers}, content=content
        )
        assert response.status_code < 300, f"setting up: {method} {path}: {response.text}"
        return response.json()

    # -- the real things, each made on first use --------------------------------------------

    async def made(self, what: str, make: Callable[[], Awaitable[Any]]) -> Any:
        if what not in self._made:
            self._made[what] = await make()
        return self._made[what]

    def forget(self) -> None:
        self._made.clear()

    @property
    def tenant_ids(self) -> list[uuid.UUID]:
        """The tenants whose rows requests may touch: the sweep's, and one made for /platform."""
        made = self._made.get("tenant")
        return [self.tenant.id, *([made.id] if made else [])]

    async def case(self, status: str = "received") -> dict[str, Any]:
        """A case registered by staff and taken to ``status``."""
        return await self.made(f"case {status}", lambda: self._case_at(status))

    async def _case_at(self, status: str) -> dict[str, Any]:
        body = {"subject": "Swept", "description": "A complaint."}
        case = await self.call("POST", "/api/v1/cases", body, as_=self.staff)
        await self.take(case["id"], status)
        return dict(case)

    async def take(self, case_id: str, status: str) -> None:
        """Walk a received case through its answer until it is in ``status``."""
        if status == "received":
            return
        for reached, action, body, who in CASE_STEPS:
            user = self.staff if who == "staff" else self.reviewer
            path = f"/api/v1/cases/{case_id}/actions/{action}"
            await self.call("POST", path, body, as_=user)
            if reached == status:
                return
        raise ValueError(f"no way to a case that is {status}")

    async def task_id(self) -> str:
        async def make() -> str:
            path = f"/api/v1/cases/{(await self.case())['id']}/tasks"
            task = await self.call("POST", path, {"title": "Call back"}, as_=self.staff)
            return str(task["id"])

        return str(await self.made("task", make))

    async def attachment_id(self) -> str:
        async def make() -> str:
            upload = Upload().payload()
            path = f"/api/v1/cases/{(await self.case())['id']}/attachments"
            kind = {"content-type": upload.content_type or ""}
            stored = await self.call("POST", path, upload.content, as_=self.staff, **kind)
            return str(stored["id"])

        return str(await self.made("attachment", make))

    async def api_key_id(self) -> str:
        body = {"name": "Sweep", "scopes": ["cases:read"]}
        key = await self.made(
            "api key", lambda: self.call("POST", "/api/v1/api-keys", body, as_=self.staff)
        )
        return str(key["id"])

    async def notification_id(self) -> str:
        """A notice to the sweep's staff member (nothing in the API makes one on request)."""

        async def make() -> str:
            case_id = uuid.UUID(str((await self.case())["id"]))
            async with tenant_transaction(tenant_id=self.tenant.id):
                me = await StaffMember.select(StaffMember.id).where(
                    StaffMember.email == self.staff[0]
                )
                await notify(
                    recipients=[me[0]["id"]],
                    kind="swept",
                    subject="Swept",
                    body="A notice.",
                    case_id=case_id,
                    actor="sweep",
                )
                made = (
                    await Notification.select(Notification.id)
                    .where(Notification.staff_id == me[0]["id"])
                    .order_by(Notification.id, ascending=False)
                    .first()
                )
            assert made is not None
            return str(made["id"])

        return str(await self.made("notification", make))

    async def excluded_staff_id(self, *, awaiting_approval: bool) -> str:
        """A member of staff excluded from the received case; with ``awaiting_approval``, an
        override of the exclusion asked for by someone else (so the sweep's staff may approve)."""

        async def make() -> str:
            staff_id = uuid.uuid4()
            async with tenant_transaction(tenant_id=self.tenant.id):
                await StaffMember.insert(
                    StaffMember(
                        id=staff_id,
                        tenant_id=self.tenant.id,
                        email=f"excluded-{staff_id.hex[:10]}@example.org",
                        roles=["handler"],
                    )
                )
            return str(staff_id)

        staff_id = str(await self.made("excluded staff", make))
        case_id = (await self.case())["id"]
        asked_by = f"staff:{uuid.uuid4()}" if awaiting_approval else None
        async with tenant_transaction(tenant_id=self.tenant.id):
            await CaseExclusion.raw(
                """
                INSERT INTO case_exclusion (tenant_id, id, case_id, staff_id, reason, source,
                                            override_reason, override_requested_by,
                                            override_requested_at)
                VALUES ({}, {}, {}, {}, 'swept', 'core', {}, {}, now())
                ON CONFLICT (tenant_id, case_id, staff_id) DO UPDATE
                SET overridden_at = NULL, override_approved_by = NULL,
                    override_reason = EXCLUDED.override_reason,
                    override_requested_by = EXCLUDED.override_requested_by
                """,
                self.tenant.id,
                uuid.uuid4(),
                uuid.UUID(str(case_id)),
                uuid.UUID(staff_id),
                "swept override" if awaiting_approval else None,
                asked_by,
            )
        return staff_id

    async def named_staff_id(self) -> str:
        """A member of staff named on the received case (so that the access can be revoked)."""
        staff_id = uuid.UUID(await self.excluded_staff_id(awaiting_approval=False))
        case_id = uuid.UUID(str((await self.case())["id"]))
        async with tenant_transaction(tenant_id=self.tenant.id):
            await CaseExclusion.delete().where(
                (CaseExclusion.case_id == case_id) & (CaseExclusion.staff_id == staff_id)
            )
            await CaseAccess.insert(
                CaseAccess(
                    id=uuid.uuid4(),
                    tenant_id=self.tenant.id,
                    case_id=case_id,
                    staff_id=staff_id,
                    kind="named",
                    reason="swept",
                )
            )
        return str(staff_id)

    async def protected_case(self) -> dict[str, Any]:
        """A case whose complainant's identity is in escrow, with the sweep's staff holding
        an approved request to see it (so reading the identity is a valid request)."""

        async def make() -> dict[str, Any]:
            person = {"name": "Swept Person", "email": "swept@example.org", "protected": True}
            body = {"subject": "Swept", "description": "A complaint.", "complainant": person}
            case = await self.call("POST", "/api/v1/cases", body, as_=self.staff)
            requests = f"/api/v1/cases/{case['id']}/identity/requests"
            reason = {"party_id": case["parties"][0]["id"], "reason": "Swept: the police ask."}
            asked = await self.call("POST", requests, reason, as_=self.staff)
            note = {"approve": True, "note": "Swept: approved for the police."}
            await self.call("POST", f"{requests}/{asked['id']}/decision", note, as_=self.reviewer)
            return dict(case)

        return dict(await self.made("protected case", make))

    async def reveal_request_id(self) -> str:
        """A pending request on the protected case, asked by the reviewer (staff decide it)."""
        case = await self.protected_case()
        requests = f"/api/v1/cases/{case['id']}/identity/requests"
        reason = {"party_id": case["parties"][0]["id"], "reason": "Swept: a second request."}
        asked = await self.made(
            "reveal request", lambda: self.call("POST", requests, reason, as_=self.reviewer)
        )
        return str(asked["id"])

    async def webhook_id(self) -> str:
        body = {"url": "http://127.0.0.1:9/swept", "events": ["case.escalated"]}
        hook = await self.made(
            "webhook", lambda: self.call("POST", "/api/v1/webhooks", body, as_=self.staff)
        )
        return str(hook["id"])

    async def tenant_slug(self) -> str:
        """A tenant of its own for the platform routes to act on."""
        slug = f"s{uuid.uuid4().hex[:12]}"
        made = await self.made("tenant", lambda: create_tenant(slug, "Swept organisation"))
        return str(made.slug)

    async def closed_case(self) -> dict[str, str]:
        """A public complaint taken to closed: its receipt, and a survey link's token."""
        return dict(await self.made("closed case", self._close_a_case))

    async def _close_a_case(self) -> dict[str, str]:
        email = f"swept-{uuid.uuid4().hex[:8]}@example.org"
        complaint = {"subject": "Swept", "description": "A complaint.", "anonymous": False}
        submitted = await self.call("POST", "/public/v1/complaints", {**complaint, "email": email})
        case = await self.call("GET", f"/api/v1/cases/{submitted['reference']}", as_=self.staff)
        await self.take(case["id"], "closed")
        return {"receipt": submitted["receipt"], "token": await self._survey_link(case["id"])}

    async def _survey_link(self, case_id: str) -> str:
        """The token of a fresh survey link for a closed case, as its e-mail would carry it."""
        issued: list[str] = []
        make_token = survey.new_survey_token

        def issue() -> str:
            issued.append(make_token())
            return issued[-1]

        with mock.patch.object(survey, "new_survey_token", side_effect=issue):
            async with tenant_transaction(tenant_id=self.tenant.id):
                assert await survey.invite_to_survey(uuid.UUID(case_id), actor="sweep")
        return issued[0]


# -- what is stored -------------------------------------------------------------------------

Census = dict[str, tuple[int, str]]


async def census(
    owner: asyncpg.Connection, tenant_ids: list[uuid.UUID], files: Path, ignored: Iterable[str]
) -> Census:
    """Row count and a digest of every table's contents, tenant tables per tenant, and the
    files each tenant has in the attachment storage.

    The owner is under forced row-level security too, so each tenant's rows are
    counted in a transaction scoped to that tenant.
    """
    tables = await owner.fetch(
        "SELECT c.relname AS name, c.relrowsecurity AS per_tenant FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relname = ANY($1)"
        " ORDER BY c.relname",
        list(ignored),
    )
    found: Census = {}
    for row in await owner.fetch(_count([t["name"] for t in tables if not t["per_tenant"]])):
        found[row["name"]] = (row["rows"], row["digest"])
    per_tenant = _count([t["name"] for t in tables if t["per_tenant"]])
    for tenant_id in tenant_ids:
        async with owner.transaction():
            await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant_id))
            for row in await owner.fetch(per_tenant):
                found[f"{row['name']} of tenant {tenant_id}"] = (row["rows"], row["digest"])
        names = sorted(str(p) for p in (files / str(tenant_id)).rglob("*") if p.is_file())
        found[f"stored files of tenant {tenant_id}"] = (len(names), "\n".join(names))
    return found


def _count(tables: list[str]) -> str:
    return " UNION ALL ".join(
        f"SELECT '{name}' AS name, count(*) AS rows,"
        " coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') AS digest"
        f' FROM public."{name}" AS t'
        for name in tables
    )


def changes(before: Census, after: Census) -> list[str]:
    """What differs between two censuses, one line per table."""
    found = []
    for table in sorted(before.keys() | after.keys()):
        (was, old), (now, new) = before.get(table, (0, "")), after.get(table, (0, ""))
        unit = "files" if table.startswith("stored files") else "rows"
        if was != now:
            found.append(f"{table}: {was} {unit} -> {now} {unit}")
        elif old != new:
            found.append(f"{table}: {now} {unit}, but their contents changed")
    return found


# -- what a refusal must look like ------------------------------------------------------------

#: Words that betray an internal error rather than an explanation.
_INTERNALS = ("Traceback", "Internal Server Error", "asyncpg", "object at 0x", "Exception")


def refusal_faults(endpoint: Endpoint, response: httpx.Response) -> list[str]:
    """What is wrong with ``response`` as the refusal of a bad request."""
    status = response.status_code
    if status in (401, 403):
        return [f"{status}: the sweep's caller was refused, so the input was never looked at"]
    faults = [] if 400 <= status < 500 else [f"status {status}, expected a 4xx"]
    content_type = response.headers.get("content-type", "")
    if endpoint.page and content_type.startswith("text/html"):
        return faults + ([] if response.text.strip() else ["an empty error page"])
    try:
        body = response.json()
    except ValueError:
        return [*faults, f"the answer is not JSON but {content_type or 'untyped'}"]
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or len(detail.strip()) < 5 or _internal(detail):
        faults.append(f"no human-readable `detail`: {detail!r}")
    elif body.get("status_code") != status:
        faults.append(f"`status_code` {body.get('status_code')!r} differs from the status")
    return faults


def _internal(detail: str) -> bool:
    return any(word in detail for word in _INTERNALS)


@dataclass
class Sent:
    """A request as the sweep sent it."""

    method: str
    path: str
    params: dict[str, str]
    content: bytes | None
    content_type: str | None


def report(
    endpoint: Endpoint, what: str, sent: Sent, response: httpx.Response, faults: list[str]
) -> str:
    """A failure as a bug report: the request, the response, and what is wrong with it."""
    query = "&".join(f"{k}={quote(v)[:80]}" for k, v in sent.params.items())
    text = (sent.content or b"")[:300].decode("utf-8", "backslashreplace")
    body = "".join(c if c.isprintable() or c == "\n" else ascii(c)[1:-1] for c in text)
    lines = [
        f"{endpoint.name} with {what} (handled in {endpoint.module})",
        f"  request:  {sent.method} {sent.path[:200]}{'?' + query if query else ''}"
        f"  ({sent.content_type or 'no body'})",
        *([f"            {body}"] if body else []),
        f"  response: {response.status_code} {response.headers.get('content-type', '')}",
        f"            {response.text[:300]}",
        "  wrong:",
        *(f"    - {fault}" for fault in faults),
    ]
    return "\n".join(lines)

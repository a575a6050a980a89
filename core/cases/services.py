"""Registering, reading and triaging cases.

Every function runs inside the caller's tenant transaction (see
``core.tenancy.context.tenant_transaction``) and writes its audit event there,
so the change and its record commit or vanish together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any
from uuid import UUID

from piccolo.columns.combination import WhereRaw
from piccolo.query import OrderByRaw, SelectRaw

from core import clock
from core.access import services as access
from core.audit import services as audit
from core.cases.contributions import Contributions
from core.cases.duplicates import Sender, link_duplicates
from core.cases.schemas import (
    CaseChanges,
    CaseDetail,
    CaseLinkOut,
    CasePage,
    CaseSummary,
    CorrespondenceOut,
    DeadlineOut,
    FlagOut,
    NewCase,
    PartyOut,
)
from core.cases.sealed_rows import first_letter, letters_of, parties_of
from core.cases.tables import (
    Case,
    CaseFlag,
    CaseLink,
    Correspondence,
    Deadline,
    Party,
    ReferenceCounter,
)
from core.cases.views import (
    DEADLINES_COLUMN,
    LEVELS_COLUMN,
    deadlines_of,
    levels_of,
    recorded,
)
from core.crypto.fields import seal_with
from core.crypto.keyring import keyring
from core.db.rows import as_structs
from core.deadlines.services import meet_by_fields as deadlines_by_fields
from core.deadlines.services import register_deadlines
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.escrow import services as escrow
from core.escrow.services import escrowed
from core.ids import uuid7
from core.lifecycle.policy import current_policy
from core.notify.paging import page_risk_flags, page_supervisors
from core.routing import services as routing
from core.sdk import CaseView, IntakeSubmission, PartyView
from core.taxonomy.services import check_category
from core.tenancy.context import TenantContext, current_tenant
from core.text import CONTROL_CHARACTERS, has_control_characters
from core.webhooks.services import emit

#: A letter may be registered days after it arrived, but not dated in the future.
_CLOCK_SKEW = timedelta(minutes=5)
#: Older records come from a legacy system's import, not from registration.
_OLDEST_RECEIPT = timedelta(days=3653)

_SUMMARY_COLUMNS = (
    Case.id,
    Case.reference,
    Case.status,
    Case.channel,
    Case.subject,
    Case.category,
    Case.severity,
    Case.received_at,
    Case.updated_at,
    Case.version,
    Case.team_id,
    Case.assignee_staff_id,
)


async def register_case(new: NewCase, *, actor: str) -> CaseDetail:
    """Register a complaint: give it a reference, record its parties and text, audit it."""
    tenant = current_tenant()
    now = clock.now()
    received_at = _received_at(new.received_at, now)
    subject = _required_text("subject", new.subject)
    description = _required_text("description", new.description)
    language = new.language or tenant.default_language
    contributions = await Contributions.of_tenant()
    fields = await contributions.check_submission(
        IntakeSubmission(
            channel=new.channel,
            subject=subject,
            description=description,
            category=new.category,
            severity=new.severity,
            language=language,
            received_at=received_at,
            fields=new.fields,
        )
    )
    await check_category(new.category)
    reference = await _next_reference(tenant, received_at)
    case_id = uuid7()

    await Case.insert(
        Case(
            id=case_id,
            tenant_id=tenant.id,
            reference=reference,
            status="received",
            channel=new.channel,
            subject=subject,
            category=new.category,
            severity=new.severity,
            confidentiality="standard",
            language=language,
            received_at=received_at,
            created_at=now,
            updated_at=now,
            version=1,
            fields=json.dumps(fields),
            entered_by=actor,
            arrival_note=(new.arrival_note or "").strip() or None,
        )
    )
    parties: list[dict[str, Any]] = []
    if new.complainant is not None:
        person = new.complainant
        parties.append(
            {
                "role": "complainant",
                "display_name": person.name,
                "email": person.email,
                "phone": person.phone,
                "anonymous": person.anonymous,
                "protected": person.protected,
            }
        )
    for other in new.parties:
        parties.append(
            {
                "role": other.role,
                "display_name": _required_text("parties.name", other.name),
                "email": other.email,
                "phone": other.phone,
                "anonymous": False,
                "protected": False,
            }
        )
    ring = await keyring()
    rows = [
        seal_with(ring, "party", {"id": uuid7(), "tenant_id": tenant.id, "case_id": case_id, **p})
        for p in parties
    ]
    if rows:
        await Party.insert(*(Party(**row, created_at=now) for row in rows))
    await Correspondence.insert(
        Correspondence(
            **seal_with(
                ring,
                "correspondence",
                {
                    "id": uuid7(),
                    "tenant_id": tenant.id,
                    "case_id": case_id,
                    "direction": "inbound",
                    "channel": new.channel,
                    "body": description,
                    "occurred_at": received_at,
                    "created_at": now,
                },
            )
        )
    )
    await audit.record(
        "case.registered",
        actor=actor,
        case_id=case_id,
        detail={"reference": reference, "channel": new.channel, "entered_by": actor},
    )
    if new.complainant is not None and not new.complainant.anonymous:
        policy = await current_policy()
        await link_duplicates(
            case_id,
            sender=Sender(email=new.complainant.email, phone=new.complainant.phone),
            text=f"{subject}\n{description}",
            received_at=received_at,
            window=timedelta(hours=policy.duplicate_window_hours),
            actor=actor,
        )
    if contributions.plugins.enabled:
        await contributions.apply_to(await case_view(case_id))
    await register_deadlines(case_id)
    if contributions.plugins.enabled:  # a referral already made when it is registered
        await deadlines_by_fields(case_id, fields)
    await routing.route_case(case_id, actor)
    await contributions.record_failures(case_id)
    await emit("case.registered", case_id, {"reference": reference, "channel": new.channel})
    await page_risk_flags(case_id)
    return await case_detail(case_id)


async def case_view(case_id: UUID) -> CaseView:
    """The case as plugins see it: a read-only copy."""
    rows = await Case.raw(_CASE_VIEW, case_id)
    if not rows:
        raise NotFound("no such case")
    case = rows[0]
    parties = await parties_of(case_id)
    first = await first_letter(case_id)
    levels = levels_of(case)
    values = _json(case["fields"])
    return CaseView(
        id=case["id"],
        reference=case["reference"],
        status=case["status"],
        channel=case["channel"],
        subject=case["subject"],
        description=first["body"] if first else "",
        category=case["category"],
        severity=case["severity"],
        confidentiality=case["confidentiality"],
        language=case["language"],
        received_at=case["received_at"],
        parties=tuple(
            PartyView(
                id=p["id"],
                role=p["role"],
                name=None if escrowed(p) else p["display_name"],
                anonymous=p["anonymous"],
            )
            for p in parties
        ),
        fields=MappingProxyType(values),
        appeal_level=case["appeal_level"],
        answered_at=case["answered_at"],
        closed_at=case["closed_at"],
        outcome=levels[0].outcome,
        levels=levels,
        deadlines=deadlines_of(case),
        recorded=recorded(values),
    )


#: The case with the decision and answer of each level, in one round trip: plugins are
#: shown the case on every hook, registration included.
_CASE_VIEW = f"""
SELECT cases.*, {LEVELS_COLUMN.strip()}, {DEADLINES_COLUMN.strip()}
  FROM cases WHERE cases.id = {{}}
"""


async def add_answer_deadlines(case_id: UUID) -> list[str]:
    """Deadlines the tenant's plugins start when the case is answered; the kinds added.

    E.g. the complainant's time to go to an ombudsman. Called in the transaction
    that sends the answer; a plugin that fails becomes a flag on the case.
    """
    contributions = await Contributions.of_tenant()
    if not contributions.plugins.enabled:
        return []
    added = await contributions.add_deadlines(
        await case_view(case_id), "querela_register_answer_deadlines"
    )
    await contributions.record_failures(case_id)
    return added


async def read_case(key: str, *, actor: str) -> CaseDetail:
    """Return a case by id or reference, and audit that it was read."""
    case_id = await find_case_id(key, part=None)  # audited here, at every level
    detail = await case_detail(case_id)
    await audit.record("case.viewed", actor=actor, case_id=case_id)
    return detail


async def list_cases(
    *,
    limit: int = 50,
    before: str | None = None,
    assignee: UUID | None = None,
    team: UUID | None = None,
    q: str | None = None,
    teams: Sequence[UUID] | None = None,
    status: str | None = None,
    severity: str | None = None,
    category: str | None = None,
    order: str = "registered",
) -> CasePage:
    """Return the newest cases first, ``limit`` at a time.

    ``assignee`` and ``team`` narrow the list to one person's cases ("my cases")
    or one team's queue, ``teams`` to the queues of several. ``q`` searches: each of its
    words must occur, in any case, in the reference, the subject or the category. The
    complaint's own text is not searched: it is sealed (``core.crypto``). ``order`` is
    one of ``ORDERS``; ``before`` is the ``next`` of the previous page in that order.
    """
    if not 1 <= limit <= 200:
        raise InvalidInput("limit", "must be between 1 and 200")
    if order not in ORDERS:
        raise InvalidInput("order", f"is one of {', '.join(ORDERS)}")
    query = Case.select(*_SUMMARY_COLUMNS)
    if order == "registered":
        query = query.order_by(Case.id, ascending=False).limit(limit + 1)
        if before is not None:
            query = query.where(Case.id < _parse_uuid("before", before))
    elif order != "deadline":
        key, ascending = _ORDER_KEYS[order]
        query = query.columns(SelectRaw(f"{key} AS sort_key")).limit(limit + 1)
        query = query.order_by(OrderByRaw(key), ascending=ascending)
        query = query.order_by(Case.id, ascending=ascending)
        if before is not None:
            position, after_id = _parse_cursor(before)
            query = query.where(
                WhereRaw(
                    f"({key}, cases.id) {'>' if ascending else '<'} ({{}}, {{}})",
                    position,
                    after_id,
                )
            )
    if (seen := access.visible()) is not None:
        query = query.where(seen)
    if assignee is not None:
        query = query.where(Case.assignee_staff_id == assignee)
    if team is not None:
        query = query.where(Case.team_id == team)
    if teams is not None:
        query = query.where(Case.team_id.is_in(list(teams)) if teams else WhereRaw("false"))
    if status is not None:
        query = query.where(Case.status == status)
    if severity is not None:
        query = query.where(Case.severity == severity)
    if category is not None:
        query = query.where(Case.category == category)
    for word in _search_words(q):
        query = query.where(_mentions(word))
    rows = await (query if order != "deadline" else _by_next_deadline(query, before, limit))
    keys = [row.pop("sort_key", None) for row in rows]
    items = [CaseSummary(**row) for row in rows[:limit]]
    if not (len(rows) > limit and items):
        return CasePage(items=items, next=None)
    if order == "registered":
        return CasePage(items=items, next=str(items[-1].id))
    return CasePage(items=items, next=_cursor(keys[limit - 1], items[-1].id))


#: The orders a list comes in: as registered (the API's), by date of receipt, by next deadline.
ORDERS = ("registered", "received_newest", "received_oldest", "deadline")
_ORDER_KEYS = {
    "received_newest": ("cases.received_at", False),
    "received_oldest": ("cases.received_at", True),
}


def _by_next_deadline(cases: Any, before: str | None, limit: int) -> Any:
    """``cases`` (a filtered select) by next running deadline, a case without one last.

    The deadlines are aggregated once and joined, rather than looked up case by case:
    with 100,000 cases the lookups alone take most of a page's time budget.
    """
    after = WhereRaw("true")
    if before is not None:
        position, after_id = _parse_cursor(before)
        after = WhereRaw("(sort_key, s.id) > ({}, {})", position, after_id)
    return Case.raw(
        "SELECT * FROM ("
        " SELECT s.*, coalesce(n.next_due, 'infinity'::timestamptz) AS sort_key"
        " FROM ({}) AS s LEFT JOIN ("
        "  SELECT case_id, min(due_at) AS next_due FROM deadline"
        "  WHERE met_at IS NULL AND watched AND paused_since IS NULL GROUP BY case_id"
        " ) AS n ON n.case_id = s.id"
        ") AS s WHERE {} ORDER BY sort_key, s.id LIMIT {}",
        cases.querystrings[0],
        after.querystring,
        limit + 1,
    )


def _cursor(position: datetime, case_id: UUID) -> str:
    """Where the next page starts: the sort key (microseconds since 1970, or "end") and id."""
    if position.year == datetime.max.year:  # PostgreSQL's infinity: no deadline runs
        return f"end~{case_id}"
    since = position - datetime(1970, 1, 1, tzinfo=UTC)
    return f"{since // timedelta(microseconds=1)}~{case_id}"


def _parse_cursor(value: str) -> tuple[datetime, UUID]:
    position, _, case_id = value.partition("~")
    try:
        at = (
            datetime.max.replace(tzinfo=UTC)
            if position == "end"
            else datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(position))
        )
        return at, UUID(case_id)
    except (ValueError, OverflowError):
        raise InvalidInput("before", "is not the next page of this list") from None


@dataclass(frozen=True, slots=True)
class DeadlineState:
    """How a case stands with its open deadlines, as a queue shows it."""

    #: "breached" (a running deadline past due), "due_soon" (within ``DUE_SOON``),
    #: "paused" (a clock stopped), or None; the most urgent of them.
    badge: str | None
    #: The next running deadline, if any.
    next_due_at: datetime | None


#: A running deadline this close counts as due soon.
DUE_SOON = timedelta(hours=48)


async def deadline_states(case_ids: Sequence[UUID]) -> dict[UUID, DeadlineState]:
    """The deadline state of each of ``case_ids`` that has an open deadline, in one query."""
    if not case_ids:
        return {}
    now = clock.now()
    rows = await Deadline.raw(
        """
        SELECT case_id,
               bool_or(paused_since IS NULL AND due_at < {}) AS breached,
               bool_or(paused_since IS NULL AND due_at >= {} AND due_at < {}) AS due_soon,
               bool_or(paused_since IS NOT NULL) AS paused,
               min(due_at) FILTER (WHERE paused_since IS NULL) AS next_due_at
          FROM deadline
         WHERE case_id = ANY({}) AND met_at IS NULL AND watched
         GROUP BY case_id
        """,
        now,
        now,
        now + DUE_SOON,
        list(case_ids),
    )
    return {
        row["case_id"]: DeadlineState(
            badge=next((b for b in ("breached", "due_soon", "paused") if row[b]), None),
            next_due_at=row["next_due_at"],
        )
        for row in rows
    }


async def update_case(
    key: str, changes: CaseChanges, *, actor: str, supervisor: bool = False
) -> CaseDetail:
    """Apply triage changes, refusing them if the case changed since the client read it.

    Confidentiality may be raised by anyone who triages and lowered only by a
    ``supervisor``, never below the case's floor (what its plugins require).
    """
    case_id = await find_case_id(key, part=None)
    values: dict[Any, Any] = {}
    if changes.confidentiality is not None:
        values.update(await _confidentiality(case_id, changes.confidentiality, supervisor, actor))
    if changes.subject is not None:
        values[Case.subject] = _required_text("subject", changes.subject)
    if changes.category is not None:
        await check_category(changes.category)
        values[Case.category] = changes.category
    if changes.severity is not None:
        values[Case.severity] = changes.severity
    changed_fields: list[str] = []
    merged: dict[str, Any] = {}
    contributions: Contributions | None = None
    if changes.fields:
        contributions = await Contributions.of_tenant()
        merged = await _changed_fields(case_id, changes.fields, contributions)
        values[Case.fields] = json.dumps(merged)
        changed_fields = sorted(changes.fields)
    if not values:
        raise InvalidInput("body", "names no field to change")
    values[Case.updated_at] = datetime.now(UTC)
    values[Case.version] = changes.version + 1
    updated = await (
        Case.update(values)
        .where((Case.id == case_id) & (Case.version == changes.version))
        .returning(Case.id)
    )
    if not updated:
        raise Conflict(f"the case has changed since version {changes.version}; reload it")
    met: list[str] = []
    if contributions is not None and contributions.plugins.enabled:
        # Only plugins' rules are met by fields, and only they can see more in them.
        met = await deadlines_by_fields(case_id, {k: merged.get(k) for k in changed_fields})
        await _reconsider(case_id, actor, contributions)
    await audit.record(
        "case.updated",
        actor=actor,
        case_id=case_id,
        detail={
            "fields": sorted(c._meta.name for c in values if c is not Case.updated_at),
            # Names only: a value may be personal.
            **({"plugin_fields": changed_fields} if changed_fields else {}),
            **({"deadlines_met": met} if met else {}),
        },
    )
    return await case_detail(case_id)


async def _reconsider(case_id: UUID, actor: str, contributions: Contributions) -> None:
    """Ask the tenant's plugins again about a case whose recorded facts changed.

    A new flag is raised (and paged if it asks), confidentiality may rise, and
    whoever the case is now about is excluded from it, and taken off it if they
    held it: staff often learn whom a concern is about after it came in.
    """
    view = await case_view(case_id)
    for flag in await contributions.reconsider(view):
        if flag.urgency == "page":
            await page_supervisors(
                case_id,
                reference=view.reference,
                code=flag.code,
                message=flag.message,
                actor=actor,
            )
    excluded = await routing.excluded_staff(case_id, contributions, view)
    await access.record_exclusions(case_id, excluded)
    holder = await Case.select(Case.assignee_staff_id).where(Case.id == case_id).first()
    if holder is not None and holder["assignee_staff_id"] in excluded:
        await Case.update({Case.assignee_staff_id: None}).where(Case.id == case_id)
        await audit.record(
            "case.unassigned",
            actor=actor,
            case_id=case_id,
            detail={"reason": excluded[holder["assignee_staff_id"]][:300]},
        )
    await contributions.record_failures(case_id)


async def _changed_fields(
    case_id: UUID, changes: dict[str, Any], contributions: Contributions
) -> dict[str, Any]:
    row = await Case.select(Case.fields).where(Case.id == case_id).first()
    if row is None:
        raise NotFound("no such case")
    return await contributions.changed_fields(_json(row["fields"]), changes)


async def _confidentiality(
    case_id: UUID, wanted: str, supervisor: bool, actor: str
) -> dict[Any, Any]:
    row = (
        await Case.select(Case.confidentiality, Case.confidentiality_floor)
        .where(Case.id == case_id)
        .first()
    )
    if row is None:
        raise NotFound("no such case")
    now, floor = row["confidentiality"], row["confidentiality_floor"]
    if wanted == now:
        return {}
    order = access.LEVELS
    if order.index(wanted) < order.index(now):
        if not supervisor:
            raise Forbidden("only a supervisor lowers a case's confidentiality")
        if order.index(wanted) < order.index(floor):
            raise Conflict(f"the case's rules keep it at least {floor}")
    await audit.record(
        "case.confidentiality_changed",
        actor=actor,
        case_id=case_id,
        detail={"from": now, "to": wanted},
    )
    return {Case.confidentiality: wanted}


async def _next_reference(tenant: TenantContext, received_at: datetime) -> str:
    """Hand out the next gap-free number for the tenant and the year of receipt.

    The counter row is updated in the registering transaction: if registration
    fails, the number is given back with everything else.
    """
    year = received_at.astimezone(tenant.zone).year
    rows = await ReferenceCounter.raw(
        """
        INSERT INTO reference_counter (tenant_id, id, scope, period, value)
        VALUES ({}, {}, 'case', {}, 1)
        ON CONFLICT (tenant_id, scope, period)
        DO UPDATE SET value = reference_counter.value + 1
        RETURNING value
        """,
        tenant.id,
        uuid7(),
        year,
    )
    return f"{tenant.reference_prefix}-{year}-{rows[0]['value']:06d}"


async def find_case_key(key: str) -> UUID:
    """The id of the case ``key`` names, whoever may see it: for break-glass only."""
    try:
        condition = Case.id == UUID(key)
    except ValueError:
        condition = Case.reference == key.strip().upper()
    row = await Case.select(Case.id).where(condition).first()
    if row is None:
        raise NotFound("no such case")
    case_id: UUID = row["id"]
    return case_id


async def find_case_id(key: str, *, part: str | None) -> UUID:
    """The id of the case ``key`` names (its id or its reference) in the current tenant.

    Only a case the caller may see is found (``core.access``): any other is "no such
    case". ``part`` names what the caller reads of it, which is audited for a
    restricted or sealed case; None when the caller changes it instead.
    """
    return await access.checked(await find_case_key(key), part)


async def case_detail(case_id: UUID) -> CaseDetail:
    """The case with everything staff see on it (no audit event: callers record why)."""
    case = await Case.select().where(Case.id == case_id).first()
    if case is None:
        raise NotFound("no such case")
    parties = await parties_of(case_id)
    letters = await letters_of(case_id)
    hide = escrow.withholder(parties)  # letters repeat what an escrowed party wrote or is called
    deadlines = (
        await Deadline.select()
        .where(Deadline.case_id == case_id)
        .order_by(Deadline.due_at)
        .order_by(Deadline.kind)
    )
    flags = (
        await CaseFlag.select()
        .where((CaseFlag.case_id == case_id) & CaseFlag.cleared_at.is_null())
        .order_by(CaseFlag.raised_at)
        .order_by(CaseFlag.id)
    )
    return CaseDetail(
        id=case["id"],
        reference=case["reference"],
        status=case["status"],
        channel=case["channel"],
        subject=case["subject"],
        category=case["category"],
        severity=case["severity"],
        received_at=case["received_at"],
        updated_at=case["updated_at"],
        version=case["version"],
        confidentiality=case["confidentiality"],
        language=case["language"],
        created_at=case["created_at"],
        entered_by=case["entered_by"],
        arrival_note=case["arrival_note"],
        team_id=case["team_id"],
        assignee_staff_id=case["assignee_staff_id"],
        escalated_to_staff_id=case["escalated_to_staff_id"],
        escalation_reason=case["escalation_reason"],
        retention_floor_days=case["retention_floor_days"],
        kept_for_good=case["kept_for_good"],
        retention_reason=case["retention_reason"],
        parties=[
            PartyOut(
                id=p["id"],
                role=p["role"],
                name=p["display_name"],
                email=p["email"],
                phone=p["phone"],
                anonymous=p["anonymous"],
                protected=p["protected"],
                pseudonym=p["pseudonym"],
            )
            for p in map(escrow.shown, parties)
        ],
        correspondence=as_structs(
            CorrespondenceOut, [{**c, "body": hide(c["body"])} for c in letters]
        ),
        fields=_json(case["fields"]),
        deadlines=as_structs(DeadlineOut, deadlines),
        flags=as_structs(FlagOut, flags),
        links=await _links(case_id),
    )


async def _links(case_id: UUID) -> list[CaseLinkOut]:
    rows = await CaseLink.raw(
        """
        SELECT other.id AS case_id, other.reference, l.kind, l.similarity,
               l.case_id = {} AS outgoing
          FROM case_link l
          JOIN cases other
            ON other.id = CASE WHEN l.case_id = {} THEN l.linked_case_id ELSE l.case_id END
         WHERE l.case_id = {} OR l.linked_case_id = {}
         ORDER BY l.created_at, l.id
        """,
        case_id,
        case_id,
        case_id,
        case_id,
    )
    return [
        CaseLinkOut(
            case_id=row["case_id"],
            reference=row["reference"],
            relation=(
                "related"
                if row["kind"] == "related"
                else "possible_duplicate_of"
                if row["outgoing"]
                else "possible_duplicate_by"
            ),
            # Stored as a 4-byte float; three places are all it ever meant.
            similarity=None if row["similarity"] is None else round(row["similarity"], 3),
        )
        for row in rows
    ]


def _json(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded or {})


def _received_at(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if value.tzinfo is None:
        raise InvalidInput("received_at", "needs a time zone, e.g. 2026-11-24T09:30:00+00:00")
    if value > now + _CLOCK_SKEW:
        raise InvalidInput("received_at", "lies in the future")
    if value < now - _OLDEST_RECEIPT:
        raise InvalidInput("received_at", "lies more than ten years back")
    return value.astimezone(UTC)


def _required_text(field: str, value: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(field, "must not be blank")
    return text


#: At most this many words are searched for at once.
_SEARCH_WORDS = 8


def _search_words(q: str | None) -> list[str]:
    if q is None:
        return []
    if has_control_characters(q, multiline=False):
        raise InvalidInput("q", CONTROL_CHARACTERS)
    words = q.split()
    if not words:
        raise InvalidInput("q", "say what to search for")
    if len(words) > _SEARCH_WORDS:
        raise InvalidInput("q", f"searches for at most {_SEARCH_WORDS} words")
    return words


def _mentions(word: str) -> WhereRaw:
    """Cases whose reference, subject or category contains ``word``, in any case."""
    return WhereRaw(
        "(strpos(lower(cases.reference), lower({})) > 0"
        " OR strpos(lower(cases.subject), lower({})) > 0"
        " OR strpos(lower(coalesce(cases.category, '')), lower({})) > 0)",
        word,
        word,
        word,
    )


def _parse_uuid(field: str, value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInput(field, "is not a case id") from None

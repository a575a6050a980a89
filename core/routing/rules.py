"""Routing rules: whether a case matches one, and the ordered list a tenant admin edits.

``matches`` is a pure function, so a rule's meaning can be read and tested
without a database. Every edit is audited with the rule's id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec

from core.audit import services as audit
from core.auth.tables import StaffMember
from core.errors import InvalidInput, NotFound
from core.ids import uuid7
from core.routing.schemas import Conditions, RuleChanges, RuleIn, RuleOrder, RuleOut
from core.routing.tables import RoutingRule
from core.routing.teams import team_id_of
from core.tenancy.context import current_tenant


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What rules may look at in a case."""

    category: str | None
    channel: str
    severity: str
    language: str
    subject: str
    description: str
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class Rule:
    """A stored rule, ready to be tried against a case."""

    id: UUID
    position: int
    name: str
    conditions: Conditions
    team_id: UUID
    assignee_staff_id: UUID | None


def matches(conditions: Conditions, case: CaseFacts) -> bool:
    """Whether ``case`` meets every condition given; a rule with none matches every case."""
    return not unmet(conditions, case)


def unmet(conditions: Conditions, case: CaseFacts) -> list[str]:
    """The conditions ``case`` does not meet, by name (``Conditions``' fields); empty: a match.

    Routing and its dry run (``core.routing.services.explain_route``) both decide here.
    """
    text = f"{case.subject}\n{case.description}".casefold()
    verdicts = {
        "categories": _any_of(conditions.categories, case.category),
        "channels": _any_of(conditions.channels, case.channel),
        "severities": _any_of(conditions.severities, case.severity),
        "languages": _any_of(conditions.languages, case.language),
        "keywords": not conditions.keywords
        or any(k.casefold() in text for k in conditions.keywords),
        "flags": not conditions.flags or bool(case.flags.intersection(conditions.flags)),
    }
    return [name for name, met in verdicts.items() if not met]


def _any_of(allowed: Iterable[str], value: str | None) -> bool:
    wanted = list(allowed)
    return not wanted or value in wanted


# -- the tenant admin's list ----------------------------------------------------------------


async def active_rules() -> list[Rule]:
    """The rules in force, in the order they are tried."""
    rows = (
        await RoutingRule.select()
        .where(RoutingRule.active.eq(True))
        .order_by(RoutingRule.position)
        .order_by(RoutingRule.id)
    )
    return [
        Rule(
            id=row["id"],
            position=row["position"],
            name=row["name"],
            conditions=_conditions(row["conditions"]),
            team_id=row["team_id"],
            assignee_staff_id=row["assignee_staff_id"],
        )
        for row in rows
    ]


async def list_rules() -> list[RuleOut]:
    """Every rule, active or not, in the order they are tried."""
    rows = await RoutingRule.raw(
        """
        SELECT r.id, r.position, r.name, r.conditions, t.name AS team,
               s.email AS assignee_email, r.active
          FROM routing_rule r
          JOIN team t ON t.id = r.team_id
          LEFT JOIN staff_member s ON s.id = r.assignee_staff_id
         ORDER BY r.position, r.id
        """
    )
    return [RuleOut(**{**row, "conditions": _conditions(row["conditions"])}) for row in rows]


async def create_rule(data: RuleIn, *, actor: str) -> RuleOut:
    """Add a rule at ``position`` (1-based), or last; the rules after it move down one."""
    team_id = await team_id_of(data.team)
    assignee = await _assignee(data.assignee_email)
    rules = await _ordered_ids()
    at = len(rules) if data.position is None else min(data.position - 1, len(rules))
    rule_id = uuid7()
    await RoutingRule.insert(
        RoutingRule(
            id=rule_id,
            tenant_id=current_tenant().id,
            position=at + 1,
            name=data.name.strip(),
            conditions=msgspec.json.encode(data.conditions).decode(),
            team_id=team_id,
            assignee_staff_id=assignee,
            active=data.active,
            updated_by=actor,
            updated_at=datetime.now(UTC),
        )
    )
    await _renumber([*rules[:at], rule_id, *rules[at:]])
    await audit.record("routing_rule.created", actor=actor, detail={"rule": str(rule_id)})
    return await _rule_out(rule_id)


async def update_rule(rule_id: UUID, data: RuleChanges, *, actor: str) -> RuleOut:
    """Change a rule's name, team, conditions, assignee or whether it is in force."""
    await _existing(rule_id)
    values: dict[Any, Any] = {}
    if data.name is not None:
        values[RoutingRule.name] = data.name.strip()
    if data.team is not None:
        values[RoutingRule.team_id] = await team_id_of(data.team)
    if data.conditions is not None:
        values[RoutingRule.conditions] = msgspec.json.encode(data.conditions).decode()
    if data.assignee_email is not None and data.clear_assignee:
        raise InvalidInput("clear_assignee", "cannot go with an assignee_email")
    if data.assignee_email is not None:
        values[RoutingRule.assignee_staff_id] = await _assignee(data.assignee_email)
    if data.clear_assignee:
        values[RoutingRule.assignee_staff_id] = None
    if data.active is not None:
        values[RoutingRule.active] = data.active
    if not values:
        raise InvalidInput("body", "names nothing to change")
    changed = sorted(column._meta.name for column in values)
    values[RoutingRule.updated_by] = actor
    values[RoutingRule.updated_at] = datetime.now(UTC)
    await RoutingRule.update(values).where(RoutingRule.id == rule_id)
    await audit.record(
        "routing_rule.updated", actor=actor, detail={"rule": str(rule_id), "changed": changed}
    )
    return await _rule_out(rule_id)


async def delete_rule(rule_id: UUID, *, actor: str) -> None:
    """Remove a rule; those after it move up. Past decisions keep the rule's id."""
    await _existing(rule_id)
    await RoutingRule.delete().where(RoutingRule.id == rule_id)
    await _renumber(await _ordered_ids())
    await audit.record("routing_rule.deleted", actor=actor, detail={"rule": str(rule_id)})


async def reorder_rules(order: RuleOrder, *, actor: str) -> list[RuleOut]:
    """Put the rules in the order given; it must name every rule exactly once."""
    current = await _ordered_ids()
    if len(set(order.rule_ids)) != len(order.rule_ids) or set(order.rule_ids) != set(current):
        raise InvalidInput("rule_ids", "must name every routing rule exactly once")
    await _renumber(order.rule_ids)
    await audit.record(
        "routing_rule.reordered", actor=actor, detail={"order": [str(r) for r in order.rule_ids]}
    )
    return await list_rules()


async def move_rule(rule_id: UUID, step: int, *, actor: str) -> list[RuleOut]:
    """Move a rule one place earlier (``step`` -1) or later (+1); at either end it stays."""
    order = await _ordered_ids()
    if rule_id not in order:
        raise NotFound("no such routing rule")
    here = order.index(rule_id)
    there = here + (1 if step > 0 else -1)
    if not 0 <= there < len(order):
        return await list_rules()
    order[here], order[there] = order[there], order[here]
    return await reorder_rules(RuleOrder(rule_ids=order), actor=actor)


async def _ordered_ids() -> list[UUID]:
    rows = (
        await RoutingRule.select(RoutingRule.id)
        .order_by(RoutingRule.position)
        .order_by(RoutingRule.id)
    )
    return [row["id"] for row in rows]


async def _renumber(ids: list[UUID]) -> None:
    for position, rule_id in enumerate(ids, start=1):
        await RoutingRule.update({RoutingRule.position: position}).where(
            (RoutingRule.id == rule_id) & (RoutingRule.position != position)
        )


async def _existing(rule_id: UUID) -> None:
    if not await RoutingRule.exists().where(RoutingRule.id == rule_id):
        raise NotFound("no such routing rule")


async def _assignee(email: str | None) -> UUID | None:
    if email is None:
        return None
    rows = await StaffMember.raw(
        "SELECT id FROM staff_member WHERE lower(email) = lower({}) AND active", email
    )
    if not rows:
        raise InvalidInput("assignee_email", "is not an active staff member of this organisation")
    staff_id: UUID = rows[0]["id"]
    return staff_id


async def _rule_out(rule_id: UUID) -> RuleOut:
    return next(rule for rule in await list_rules() if rule.id == rule_id)


def _conditions(value: Any) -> Conditions:
    loaded = json.loads(value) if isinstance(value, str) else value
    return msgspec.convert(loaded or {}, Conditions)

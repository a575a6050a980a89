"""What a person can do on a case page, worked out once for the template.

The state machine (``core.lifecycle.machine``) says which actions the case's
status allows and who may take them; this only sorts them into the forms the
page shows. The services check everything again when a form comes in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core import clock
from core.auth.principal import Principal
from core.lifecycle.machine import OPEN, TRANSITIONS
from core.lifecycle.services import HOLDING, SUMMARY_RESOLUTION

#: Actions that need nothing but a press of a button.
BUTTONS = ("acknowledge", "start_investigation", "start_appeal_review", "resume", "close")
#: Actions that need a reason in words.
REASONED = ("escalate", "put_on_hold", "open_appeal", "withdraw", "reopen")
#: How long before a limit that a holding response meets the page suggests one.
HOLDING_PROMPT = timedelta(days=7)
#: Outcomes a decision can have, in the order the form offers them.
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")


@dataclass(slots=True)
class CaseWork:
    """The forms the case page offers this person now."""

    buttons: list[str] = field(default_factory=list)
    reasoned: list[str] = field(default_factory=list)
    propose: bool = False
    review: bool = False
    respond: bool = False
    #: Notes and tasks can be added while the case is being worked on.
    notes: bool = False
    #: The decision waiting for review, and the approved one a response answers with.
    pending: Any = None
    approved: Any = None
    proposer: str | None = None
    #: The person proposed the pending decision, so someone else must review it.
    own_proposal: bool = False
    open_tasks: list[Any] = field(default_factory=list)
    outcomes: tuple[str, ...] = OUTCOMES
    #: The answer may go out as a summary resolution: a window for one is still open.
    summary_resolution: bool = False
    #: A holding response can be sent (the case is open and not yet answered).
    holding: bool = False
    #: The unmet limit a holding response meets that is near or past: the page says so.
    holding_due: Any = None
    holding_overdue: bool = False
    #: The level an appeal would open now, its window, and a denial by silence if any.
    next_appeal: Any = None


def case_work(
    principal: Principal,
    case: Any,
    investigation: Any,
    names: Mapping[str, str],
    deadlines: Sequence[Any] = (),
) -> CaseWork:
    """Sort the actions the status allows and the person may take into the page's forms.

    The case's ``deadlines`` say which letters help now: a summary resolution while
    its window is open, a holding response as a limit it meets comes near.
    """
    # The case's state says what is allowed now, e.g. an appeal because no answer came in time.
    allowed = investigation.state.allowed_actions
    mine = [a for a in allowed if principal.holds(*TRANSITIONS[a].roles)]
    level = investigation.state.appeal_level
    decisions = [d for d in investigation.decisions if d.level == level]
    pending = next((d for d in reversed(decisions) if d.state == "proposed"), None)
    approved = next((d for d in reversed(decisions) if d.state == "approved"), None)
    work = CaseWork(
        buttons=[a for a in BUTTONS if a in mine],
        reasoned=[a for a in REASONED if a in mine],
        propose="propose_decision" in mine,
        review="approve_decision" in mine and pending is not None,
        respond="respond" in mine and approved is not None,
        notes=case.status in OPEN and principal.holds(*TRANSITIONS["acknowledge"].roles),
        pending=pending,
        approved=approved,
        open_tasks=[task for task in investigation.tasks if task.done_at is None],
        next_appeal=investigation.state.next_appeal if "open_appeal" in mine else None,
    )
    if pending is not None:
        work.proposer = names.get(pending.proposed_by, pending.proposed_by)
        work.own_proposal = pending.proposed_by == principal.actor
    now = clock.now()
    work.summary_resolution = (
        work.respond and level == 0 and bool(_open_for(deadlines, SUMMARY_RESOLUTION, now))
    )
    work.holding = case.status in OPEN and principal.holds(*TRANSITIONS["respond"].roles)
    if work.holding:
        near = [d for d in _open_for(deadlines, HOLDING, None) if d.due_at - now < HOLDING_PROMPT]
        work.holding_due = min(near, key=lambda d: d.due_at, default=None)
        work.holding_overdue = work.holding_due is not None and work.holding_due.due_at < now
    return work


def _open_for(deadlines: Sequence[Any], letter: str, now: datetime | None) -> list[Any]:
    """Unmet deadlines a ``letter`` meets; with ``now``, only those not yet due."""
    return [
        d
        for d in deadlines
        if d.met_at is None and letter in d.met_by and (now is None or d.due_at >= now)
    ]

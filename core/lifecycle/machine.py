"""The one state machine of a case. Every change of status goes through ``check``.

States: received -> acknowledged -> investigating -> decision_proposed ->
decision_approved -> responded -> closed, plus on_hold and escalated (paused,
back to where the case was), withdrawn, appealed (by level), and reopening.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import Conflict

OPEN = ("received", "acknowledged", "investigating", "decision_proposed", "decision_approved")
#: Roles that may work a case; supervisors and tenant admins may also review decisions.
WORKERS = ("handler", "investigator", "supervisor", "tenant-admin")
REVIEWERS = ("supervisor", "tenant-admin")


@dataclass(frozen=True, slots=True)
class Transition:
    """An action: the states it may start from, where it leads, and who may take it."""

    sources: tuple[str, ...]
    #: None: back to the status the case had before it was paused.
    target: str | None
    roles: tuple[str, ...]
    #: Where the action leads instead when the tenant does not require approval.
    target_without_approval: str | None = None


TRANSITIONS: dict[str, Transition] = {
    "acknowledge": Transition(("received",), "acknowledged", WORKERS),
    "start_investigation": Transition(("received", "acknowledged"), "investigating", WORKERS),
    "propose_decision": Transition(
        ("investigating",),
        "decision_proposed",
        WORKERS,
        target_without_approval="decision_approved",
    ),
    "return_decision": Transition(("decision_proposed",), "investigating", REVIEWERS),
    "approve_decision": Transition(("decision_proposed",), "decision_approved", REVIEWERS),
    "respond": Transition(("decision_approved",), "responded", WORKERS),
    "close": Transition(("responded",), "closed", WORKERS),
    "open_appeal": Transition(("responded", "closed"), "appealed", WORKERS),
    "start_appeal_review": Transition(("appealed",), "investigating", WORKERS),
    "put_on_hold": Transition((*OPEN,), "on_hold", WORKERS),
    "escalate": Transition((*OPEN,), "escalated", WORKERS),
    "resume": Transition(("on_hold", "escalated"), None, WORKERS),
    "withdraw": Transition((*OPEN, "on_hold", "escalated", "appealed"), "withdrawn", WORKERS),
    "reopen": Transition(("closed", "withdrawn"), "investigating", REVIEWERS),
}


_DECISION = frozenset({"outcome", "redress", "actions", "root_cause", "measures"})
_REASON = frozenset({"reason"})
#: What each action reads from the request body. Anything else sent with it is refused,
#: so that a comment never vanishes because it went with the wrong action.
READS: dict[str, frozenset[str]] = {
    "acknowledge": frozenset(),
    "start_investigation": frozenset(),
    "propose_decision": _DECISION,
    "return_decision": frozenset({"comment"}),
    "approve_decision": frozenset({"comment"}),
    "respond": frozenset({"response", "vouched", "letter"}),
    "close": frozenset(),
    "open_appeal": frozenset({"reason", "handler_email"}),
    "start_appeal_review": frozenset(),
    "put_on_hold": _REASON,
    "escalate": _REASON,
    "resume": frozenset(),
    "withdraw": _REASON,
    "reopen": _REASON,
}


class IllegalTransition(Conflict):
    """The action is not possible from the case's status; ``allowed`` says what is."""

    def __init__(self, action: str, status: str, allowed: list[str]) -> None:
        super().__init__(
            f"a case that is {status} cannot {action.replace('_', ' ')};"
            f" possible now: {', '.join(allowed) or 'nothing'}"
        )
        self.action = action
        self.status = status
        self.allowed = allowed


#: Where an appeal may also be opened from when no answer came in time and the level's
#: deadline counts that as a denial (``Deadline.deemed_denial``): the case is still open,
#: or an appeal lies unreviewed past its own deadline.
DEEMED_APPEAL_FROM = (*OPEN, "on_hold", "escalated", "appealed")


def allowed_actions(status: str, *, deemed: bool = False) -> list[str]:
    """The actions possible from ``status``, in a stable order.

    ``deemed``: the case's level passed its deadline unanswered, which counts as a
    denial, so it may be appealed from an open status as well.
    """
    return [name for name, t in TRANSITIONS.items() if status in _sources(name, t, deemed)]


def _sources(action: str, transition: Transition, deemed: bool) -> tuple[str, ...]:
    if deemed and action == "open_appeal":
        return (*transition.sources, *DEEMED_APPEAL_FROM)
    return transition.sources


def destination(transition: Transition, *, paused_from: str | None, approval_required: bool) -> str:
    """The status an allowed transition leads to, given the case and the tenant's policy."""
    if transition.target is None:
        return paused_from or "investigating"
    if not approval_required and transition.target_without_approval:
        return transition.target_without_approval
    return transition.target


def check(action: str, status: str, *, deemed: bool = False) -> Transition:
    """Return the transition for ``action`` from ``status``, or raise IllegalTransition."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in _sources(action, transition, deemed):
        raise IllegalTransition(action, status, allowed_actions(status, deemed=deemed))
    return transition


assert set(READS) == set(TRANSITIONS), "every action says what it reads"

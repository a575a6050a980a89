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


TRANSITIONS: dict[str, Transition] = {
    "acknowledge": Transition(("received",), "acknowledged", WORKERS),
    "start_investigation": Transition(("received", "acknowledged"), "investigating", WORKERS),
    "propose_decision": Transition(("investigating",), "decision_proposed", WORKERS),
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


def allowed_actions(status: str) -> list[str]:
    """The actions possible from ``status``, in a stable order."""
    return [name for name, t in TRANSITIONS.items() if status in t.sources]


def check(action: str, status: str) -> Transition:
    """Return the transition for ``action`` from ``status``, or raise IllegalTransition."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise IllegalTransition(action, status, allowed_actions(status))
    return transition

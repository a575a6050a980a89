"""Audit events in words, for the chronology of an appeal bundle.

The audit log names actions for machines (``case.approve_decision``); an appeal
reviewer reads "Decision approved (status: decision proposed → decision
approved)". An action without a phrase here is still shown, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Detail = Mapping[str, Any]


def _words(value: Any) -> str:
    return str(value).replace("_", " ")


def _outcome(detail: Detail) -> str:
    return f": {_words(detail['outcome'])}" if detail.get("outcome") else ""


def _by(detail: Detail) -> str:
    return f" by {_words(detail['channel'])}" if detail.get("channel") else ""


_PHRASES: dict[str, Callable[[Detail], str]] = {
    "case.registered": lambda d: f"Complaint registered{_by(d)} as {d.get('reference', '')}",
    "case.viewed": lambda d: "Case read",
    "case.updated": lambda d: f"Triage changed: {', '.join(map(_words, d.get('fields', [])))}",
    "case.acknowledge": lambda d: f"Complaint acknowledged, letter sent{_by(d)}",
    "case.start_investigation": lambda d: "Investigation started",
    "case.propose_decision": lambda d: f"Decision proposed{_outcome(d)}",
    "case.return_decision": lambda d: "Proposed decision returned for more work",
    "case.approve_decision": lambda d: "Proposed decision approved",
    "case.respond": lambda d: f"Response sent{_by(d)}{_outcome(d)}",
    "case.close": lambda d: "Case closed",
    "case.open_appeal": lambda d: f"Appeal opened (level {d.get('level', '?')})",
    "case.start_appeal_review": lambda d: "Appeal review started",
    "case.put_on_hold": lambda d: "Case put on hold",
    "case.escalate": lambda d: "Case escalated",
    "case.resume": lambda d: "Case resumed",
    "case.withdraw": lambda d: "Complaint withdrawn",
    "case.reopen": lambda d: "Case reopened",
    "case.task_added": lambda d: "Investigation task added",
    "case.task_done": lambda d: "Investigation task completed",
    "case.record_added": lambda d: (
        f"{_words(d.get('kind', 'record')).capitalize()} recorded"
        f" ({_words(d.get('visibility', 'internal'))})"
    ),
    "case.message_added": lambda d: f"Message from the complainant received{_by(d)}",
    "case.receipt_issued": lambda d: "Receipt issued to the complainant",
    "case.survey_answered": lambda d: "Satisfaction survey answered",
    "case.confidentiality_raised": lambda d: (
        f"Confidentiality raised to {_words(d.get('level', '?'))}"
    ),
    "case.risk_flagged": lambda d: f"Risk flagged: {_words(d.get('code', '?'))}",
    "case.bundle_exported": lambda d: (
        f"Appeal bundle exported ({_words(d.get('audience', 'internal'))})"
    ),
    "attachment.stored": lambda d: f"File stored ({_words(d.get('purpose', 'attachment'))})",
    "attachment.downloaded": lambda d: "File downloaded",
    "attachment.verified": lambda d: (
        "File checked against its hash: " + ("intact" if d.get("intact") else "NOT intact")
    ),
    "mail.queued": lambda d: f"E-mail queued ({_words(d.get('kind', 'message'))})",
    "mail.sent": lambda d: f"E-mail delivered ({_words(d.get('kind', 'message'))})",
    "plugin.failed": lambda d: f"A plugin failed in {d.get('hook', '?')}",
}


def describe(action: str, detail: Detail) -> str:
    """One line saying what happened, with the change of status if there was one."""
    phrase = _PHRASES.get(action)
    text = phrase(detail) if phrase else _words(action).replace(".", ": ", 1).capitalize()
    if "from" in detail and "to" in detail and detail["from"] != detail["to"]:
        text += f" (status: {_words(detail['from'])} → {_words(detail['to'])})"
    return text

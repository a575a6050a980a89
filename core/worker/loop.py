"""The worker's loop: fire due deadlines, then run the delivery jobs, then sleep.

Workers are stateless: run as many as the load needs. Deadline firing is safe
side by side (see ``core.worker.deadlines``), and so is each job here (the mail
sender leases what it sends).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from opentelemetry import trace

from core.audit.checkpoints import sign_due
from core.mail.sender import send_pending
from core.retention.purge import purge_expired
from core.settings import Settings
from core.webhooks.sender import deliver_due
from core.worker.deadlines import PassReport, fire_all_due

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("querela.worker")

#: A delivery job: runs once per loop with the process settings.
Job = Callable[[Settings], Awaitable[object]]


async def deliver_mail(settings: Settings) -> object:
    """Send the outbox's due mail, including what the deadline pass just queued."""
    return await send_pending(settings)


async def deliver_webhooks(settings: Settings) -> object:
    """Post the due webhook deliveries, including events the deadline pass just emitted."""
    return await deliver_due(settings)


#: What each loop runs after the deadlines, in order; adding a job is one line here.
JOBS: list[tuple[str, Job]] = [
    ("mail", deliver_mail),
    ("webhooks", deliver_webhooks),
    ("retention", purge_expired),
    ("audit checkpoints", sign_due),
]


async def run_once(settings: Settings, *, batch: int = 500, lanes: int = 2) -> PassReport:
    """Fire every due deadline, batch by batch, then run each job once."""
    total = await fire_all_due(batch=batch, lanes=lanes)
    for name, job in JOBS:
        with _tracer.start_as_current_span(f"querela.worker.job.{name}"):
            try:
                await job(settings)
            except Exception:
                # One failing job must not stop the deadlines or the other jobs.
                log.exception("worker job %s failed", name)
    return total


async def run_forever(
    settings: Settings, *, interval: float = 10.0, batch: int = 500, lanes: int = 2
) -> None:
    """Loop until cancelled, waiting ``interval`` seconds between loops."""
    while True:
        try:
            report = await run_once(settings, batch=batch, lanes=lanes)
        except Exception:
            # The database may be away for a moment; the next loop tries again.
            log.exception("worker loop failed")
        else:
            if report.claimed:
                log.info(
                    "fired %d reminders, %d breaches (%d failed)",
                    report.reminders,
                    report.breaches,
                    report.failed,
                )
        await asyncio.sleep(interval)

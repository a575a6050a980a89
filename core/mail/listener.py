"""The SMTP listener (aiosmtpd) through which tenants receive complaints by email.

The listener runs in its own thread and event loop (aiosmtpd's ``Controller``);
database work is handed to the loop that owns the connection pool, since asyncpg
connections belong to the loop that opened them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, AnyStr, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from core.errors import InvalidInput
from core.mail.addresses import TenantMailbox, parse_recipient
from core.mail.inbound import MailboxClosed, mailbox_state, receive_email
from core.mail.parsing import MalformedEmail, parse_email
from core.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

ACCEPTED = "250 2.0.0 Message accepted"
RECIPIENT_OK = "250 2.1.5 OK"
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox"
MAILBOX_CLOSED = "450 4.2.1 Mailbox temporarily closed"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
TOO_BIG = "552 5.3.4 Message too big"
TRY_LATER = "451 4.3.0 Temporary failure, try again later"

#: A complaint goes to one organisation, sometimes a few; more is a mass mailing.
MAX_RECIPIENTS = 10


class IntakeHandler:
    """aiosmtpd handler: accepts mail for tenants' addresses and hands it to intake."""

    def __init__(
        self,
        *,
        mail_domain: str,
        max_bytes: int,
        database_loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.mail_domain = mail_domain.lower()
        self.max_bytes = max_bytes
        self._database_loop = database_loop

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        """Accept a recipient only if it is the address of a tenant that takes mail now."""
        mailbox = parse_recipient(address, self.mail_domain)
        if mailbox is None:
            return NO_SUCH_MAILBOX
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        try:
            state = await self._on_database(mailbox_state(mailbox.slug))
        except Exception:
            log.exception("looking up a mailbox failed")
            return TRY_LATER
        if state == "unknown":
            return NO_SUCH_MAILBOX
        if state == "closed":
            # Temporary: the sender's server retries, and the mail arrives once resumed.
            return MAILBOX_CLOSED
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return RECIPIENT_OK

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Store the message for each tenant addressed; answer 250 only once all committed."""
        raw = envelope.original_content
        if raw is None:
            content = envelope.content or b""
            raw = content if isinstance(content, bytes) else content.encode("utf-8")
        if len(raw) > self.max_bytes:
            return TOO_BIG
        try:
            message = parse_email(raw)
        except MalformedEmail as exc:
            return f"550 5.6.0 Malformed message: {exc}"
        for mailbox in _mailboxes(envelope.rcpt_tos, self.mail_domain):
            try:
                await self._on_database(receive_email(mailbox, message))
            except MailboxClosed:
                return MAILBOX_CLOSED
            except InvalidInput as exc:
                return f"550 5.6.0 The complaint was refused: {exc}"
            except Exception:
                # Nothing of this tenant was committed; the sender retries, and any
                # tenant already done recognises the Message-ID then.
                log.exception("storing an inbound email failed")
                return TRY_LATER
        return ACCEPTED

    async def _on_database(self, work: Coroutine[Any, Any, T]) -> T:
        loop = self._database_loop
        if loop is None or loop is asyncio.get_running_loop():
            return await work
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, loop))


class IntakeSMTP(SMTP):
    """aiosmtpd's SMTP session, answering an oversized message with an enhanced status code."""

    async def push(self, status: AnyStr) -> None:
        """Send a reply line; aiosmtpd's own size refusals are reworded."""
        text = status.decode() if isinstance(status, bytes) else status
        if text.startswith("552 Error"):
            text = TOO_BIG
        await super().push(text)


class IntakeController(Controller):
    """Runs the intake listener in a thread of its own."""

    def __init__(self, handler: IntakeHandler, *, hostname: str, port: int) -> None:
        super().__init__(
            handler,
            hostname=hostname,
            port=port,
            server_hostname=handler.mail_domain,
            data_size_limit=handler.max_bytes,
            ident="Querela",
        )

    def factory(self) -> SMTP:
        """Build the SMTP session for a connection."""
        return IntakeSMTP(self.handler, **self.SMTP_kwargs)


def start_listener(settings: Settings, *, port: int | None = None) -> IntakeController:
    """Start the listener; database work runs on the calling thread's event loop.

    Call it from a coroutine on the loop that owns the database pool, and stop
    the returned controller with ``stop()``.
    """
    handler = IntakeHandler(
        mail_domain=settings.mail_domain,
        max_bytes=settings.max_email_bytes,
        database_loop=asyncio.get_running_loop(),
    )
    controller = IntakeController(
        handler,
        hostname=settings.smtp_listen_host,
        port=settings.smtp_listen_port if port is None else port,
    )
    controller.start()
    return controller


async def serve(settings: Settings) -> None:
    """Receive mail until cancelled."""
    controller = start_listener(settings)
    log.info(
        "receiving mail for *@%s on %s:%s",
        settings.mail_domain,
        settings.smtp_listen_host,
        settings.smtp_listen_port,
    )
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


def _mailboxes(recipients: list[str], mail_domain: str) -> list[TenantMailbox]:
    """One mailbox per tenant addressed, preferring an address that names a case."""
    chosen: dict[str, TenantMailbox] = {}
    for address in recipients:
        mailbox = parse_recipient(address, mail_domain)
        if mailbox is None:
            continue
        known = chosen.get(mailbox.slug)
        if known is None or (known.reply_token is None and mailbox.reply_token is not None):
            chosen[mailbox.slug] = mailbox
    return list(chosen.values())

"""Reading an inbound email into what intake needs: sender, subject, text, identity."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

#: Subjects longer than a case subject may be are cut, not refused.
SUBJECT_LIMIT = 200
NAME_LIMIT = 200
ADDRESS_LIMIT = 320
#: Message-IDs longer than this are replaced by their digest, to keep the index small.
MESSAGE_ID_LIMIT = 250
NO_SUBJECT = "(no subject)"

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
)
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title"})


class MalformedEmail(ValueError):
    """The message cannot become a complaint: no sender, no readable text, or no body."""


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    """An inbound message reduced to what intake stores."""

    message_id: str
    sender_email: str
    sender_name: str | None
    subject: str
    text: str
    size_bytes: int


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse a message as received over SMTP; raise ``MalformedEmail`` if it is unusable."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # guaranteed by policy.default
    sender_email, sender_name = _sender(message)
    return ParsedEmail(
        message_id=_message_id(message, raw),
        sender_email=sender_email,
        sender_name=sender_name,
        subject=_subject(message),
        text=_text(message),
        size_bytes=len(raw),
    )


def html_to_text(html: str) -> str:
    """Turn HTML into readable plain text: tags dropped, blocks on their own lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _sender(message: EmailMessage) -> tuple[str, str | None]:
    try:
        header = message["from"]
        addresses: tuple[Address, ...] = header.addresses if header is not None else ()
    except (HeaderParseError, AttributeError, IndexError, ValueError):
        addresses = ()
    if not addresses or not addresses[0].username or not addresses[0].domain:
        raise MalformedEmail("the message names no sender (From)")
    address = addresses[0]
    email = f"{address.username}@{address.domain}".lower()
    if len(email) > ADDRESS_LIMIT:
        raise MalformedEmail("the sender's address is too long")
    name = " ".join(address.display_name.split())[:NAME_LIMIT] or None
    return email, name


def _message_id(message: EmailMessage, raw: bytes) -> str:
    value = " ".join(str(message.get("message-id", "")).split())
    if not value or len(value) > MESSAGE_ID_LIMIT:
        # Without a usable Message-ID the content itself identifies a re-delivery.
        return "sha256:" + hashlib.sha256(value.encode() if value else raw).hexdigest()
    return value


def _subject(message: EmailMessage) -> str:
    try:
        subject = " ".join(str(message.get("subject", "")).split())
    except (HeaderParseError, ValueError):
        subject = ""
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[: SUBJECT_LIMIT - 1].rstrip() + "…"
    return subject or NO_SUBJECT


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise MalformedEmail("the message has no text body")
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, ValueError, KeyError) as exc:
        raise MalformedEmail("the message text cannot be decoded") from exc
    if not isinstance(content, str):
        raise MalformedEmail("the message text cannot be decoded")
    text = html_to_text(content) if body.get_content_subtype() == "html" else content
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise MalformedEmail("the message body is empty")
    return text


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

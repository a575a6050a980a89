"""Reading one uploaded file out of a ``multipart/form-data`` body as it arrives.

The framework's own form parsing collects every part before the handler runs;
an attachment instead flows straight from the request into the checks and the
storage, so that no more than one chunk of it is ever held in memory and a
file that is too big or of the wrong type is stopped at the first bytes that
show it.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Collection, Mapping
from dataclasses import dataclass, field

from multipart import (
    MultipartError,
    MultipartSegment,
    ParserLimitReached,
    PushMultipartParser,
    parse_options_header,
)

from core.attachments.services import AttachmentTooLarge
from core.errors import InvalidInput

#: The form field that carries the file.
FILE_FIELD = "file"

#: Room for boundaries, part headers and small form fields around the file itself.
FORM_OVERHEAD = 64 * 1024

_MAX_PARTS = 16
#: Longest text field read before the file; what it holds is short (a receipt, a note).
FIELD_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """The file part of a form: the uploader's claims, and its content still to be read."""

    filename: str
    declared_type: str | None
    chunks: AsyncIterator[bytes]
    #: The text fields asked for that came before the file, decoded as UTF-8.
    fields: Mapping[str, str] = field(default_factory=dict)


def check_form(content_type: str | None, content_length: int | None, max_bytes: int) -> bytes:
    """Return the form's boundary, refusing bodies that are not forms or announce too much."""
    media_type, options = parse_options_header(content_type or "")
    if media_type != "multipart/form-data" or not options.get("boundary"):
        raise InvalidInput(
            "body", f"send the file as multipart/form-data in a field {FILE_FIELD!r}"
        )
    if content_length is not None and content_length > max_bytes + FORM_OVERHEAD:
        raise AttachmentTooLarge(max_bytes)
    boundary: str = options["boundary"]
    return boundary.encode("latin-1")


async def read_file(
    body: AsyncIterable[bytes],
    boundary: bytes,
    max_bytes: int,
    *,
    fields: Collection[str] = (),
) -> UploadedFile:
    """Read the form up to its file field, and return that file with its content to come.

    The text fields named in ``fields`` are kept if they come before the file,
    so that they can be checked before any of the file is read; other fields
    are skipped, and whatever follows the file is not read. The whole body may
    not exceed ``max_bytes`` plus ``FORM_OVERHEAD``.
    """
    events = _events(body, boundary, max_bytes + FORM_OVERHEAD)
    found: dict[str, str] = {}
    reading: str | None = None
    value = bytearray()
    async for event in events:
        if isinstance(event, MultipartSegment) and event.name == FILE_FIELD:
            if not event.filename:
                raise InvalidInput(FILE_FIELD, "the field carries no file name; send a file")
            return UploadedFile(
                filename=event.filename,
                declared_type=event.content_type,
                chunks=_file_content(events),
                fields=found,
            )
        if isinstance(event, MultipartSegment):
            reading = event.name if event.name in fields and not event.filename else None
            if reading in found:
                raise InvalidInput(event.name, "is in the form more than once")
            value.clear()
        elif reading is not None and isinstance(event, bytes):
            value += event
            if len(value) > FIELD_BYTES:
                raise InvalidInput(reading, f"is longer than {FIELD_BYTES} bytes")
        elif reading is not None and event is None:
            found[reading] = _text(reading, bytes(value))
            reading = None
    raise InvalidInput(FILE_FIELD, "the form has no file in it")


def _text(name: str, value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(name, "is not UTF-8 text") from None


async def _file_content(
    events: AsyncIterator[MultipartSegment | bytes | None],
) -> AsyncIterator[bytes]:
    async for event in events:
        if event is None:
            return
        if isinstance(event, bytes):
            yield event
    raise InvalidInput(FILE_FIELD, "the upload ended before the file did")


async def _events(
    body: AsyncIterable[bytes], boundary: bytes, limit: int
) -> AsyncIterator[MultipartSegment | bytes | None]:
    """Parser events of the body: a segment's headers, chunks of its content, its end."""
    received = 0
    try:
        parser = PushMultipartParser(boundary, max_segment_count=_MAX_PARTS)
        async for chunk in body:
            received += len(chunk)
            if received > limit:
                raise AttachmentTooLarge(limit - FORM_OVERHEAD)
            if not chunk:
                continue
            for event in parser.parse(chunk):
                yield event
            if parser.closed:
                return
        for event in parser.parse(b""):
            yield event
    except ParserLimitReached:
        raise InvalidInput("body", f"the form has more than {_MAX_PARTS} parts") from None
    except MultipartError as exc:
        raise InvalidInput("body", f"not valid multipart/form-data: {exc}") from None

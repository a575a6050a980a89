"""The attachment API: files and evidence on a case, and their chain of custody."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ClientException, InternalServerException
from litestar.params import FromPath, FromQuery
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
)

from core.attachments import services
from core.attachments.schemas import AttachmentList, AttachmentOut, Purpose, Verification
from core.attachments.upload import check_form, read_file
from core.auth.guards import principal_of, staff_required
from core.cases.services import find_case_id
from core.settings import Settings

#: Headers every download carries: never rendered in the browser, never re-sniffed.
_DOWNLOAD_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cache-control": "private, no-store",
}


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    assert principal is not None, "the staff_required guard lets no anonymous request in"
    return principal.actor


def _policy(request: Request[Any, Any, Any]) -> services.AttachmentPolicy:
    settings: Settings = request.app.state["settings"]
    return services.policy_for(settings)


@contextmanager
def file_refusals() -> Iterator[None]:
    """Answer a file that is too big with 413 and one of a refused type with 415.

    Every upload route uses it, so that the public one refuses files exactly as
    the staff one does.
    """
    try:
        yield
    except services.AttachmentTooLarge as exc:
        raise ClientException(str(exc), status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE) from None
    except services.UnacceptableFile as exc:
        raise ClientException(
            "The file was refused.",
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            extra=[{"key": exc.field, "message": exc.reason}],
        ) from None


def content_length(request: Request[Any, Any, Any]) -> int | None:
    """The length the request announces, if it announces one."""
    value = request.headers.get("content-length")
    return int(value) if value and value.isdigit() else None


def content_disposition(filename: str) -> str:
    """An ``attachment`` disposition naming ``filename``, safe for every browser.

    The plain ``filename`` is an ASCII stand-in without quotes or separators;
    ``filename*`` carries the real name, percent-encoded (RFC 6266).
    """
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c.isalnum() or c in "._- ()" else "_" for c in ascii_name)
    ascii_name = ascii_name.strip(" .") or "attachment"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class AttachmentController(Controller):
    """Upload, list, download and verify the files on a case of the request's tenant."""

    path = "/cases/{case_key:str}/attachments"
    tags = ["attachments"]
    guards = [staff_required]

    @post(
        status_code=HTTP_201_CREATED,
        summary="Upload a file to a case",
        description=(
            "Send the file as multipart/form-data in the field `file`. Its content decides"
            " its type; a name or declared type that disagrees is refused (415), and so are"
            " programs, scripts, HTML and SVG. Files over the size limit are refused (413)."
        ),
        # The size limit of attachments is enforced while the file streams, not by the
        # framework's limit for JSON bodies.
        request_max_body_size=None,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        case_key: FromPath[str],
        purpose: FromQuery[Purpose] = "attachment",
    ) -> AttachmentOut:
        """Store a file (or, with ``purpose=evidence``, an item of evidence) on a case."""
        policy = _policy(request)
        with file_refusals():
            boundary = check_form(
                request.headers.get("content-type"), content_length(request), policy.max_bytes
            )
            case_id = await find_case_id(case_key, part=None)
            upload = await read_file(request.stream(), boundary, policy.max_bytes)
            return await services.store_attachment(
                case_id,
                upload.filename,
                upload.declared_type,
                upload.chunks,
                _actor(request),
                purpose,
                policy=policy,
            )

    @get(summary="List the files on a case")
    async def list_attachments(self, case_key: FromPath[str]) -> AttachmentList:
        """Return the case's files and their hashes, oldest first."""
        return await services.list_attachments(case_key)

    @get("/{attachment_id:str}", summary="Download a file", status_code=HTTP_200_OK)
    async def download(
        self, request: Request[Any, Any, Any], case_key: FromPath[str], attachment_id: FromPath[str]
    ) -> Response[bytes]:
        """Send the file's content as stored; the download is an audit event."""
        try:
            download = await services.open_attachment(
                case_key, attachment_id, actor=_actor(request), policy=_policy(request)
            )
        except services.AttachmentContentMissing as exc:
            raise InternalServerException(str(exc)) from None
        # The tenant transaction holds a response back until it commits, and a streamed
        # response waits for the client to finish first: the content is sent whole instead.
        content = b"".join([chunk async for chunk in download.chunks])
        return Response(
            content,
            media_type=download.content_type,
            headers={
                **_DOWNLOAD_HEADERS,
                "content-disposition": content_disposition(download.attachment.filename),
                "x-querela-sha256": download.attachment.sha256,
            },
        )

    @post(
        "/{attachment_id:str}/verify",
        summary="Check a file against its recorded hash",
        status_code=HTTP_200_OK,
    )
    async def verify(
        self, request: Request[Any, Any, Any], case_key: FromPath[str], attachment_id: FromPath[str]
    ) -> Verification:
        """Recompute the SHA-256 of the stored content and report whether it still matches."""
        return await services.verify_attachment(
            case_key, attachment_id, actor=_actor(request), policy=_policy(request)
        )

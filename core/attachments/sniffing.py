"""What a file really is, judged by its first bytes rather than by its name.

A name and a declared content type are claims made by whoever uploads the file;
the content decides. A claim that disagrees with the content is refused, and so
is anything a browser or an operating system would run: programs and scripts
(a way to deliver malware to the staff who open them), HTML, SVG and XML (a
browser runs scripts inside them, so opening one could act with the staff
member's session: stored XSS).
"""

from __future__ import annotations

import codecs
import re
import struct
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["document", "image", "audio", "video", "text", "email"]

#: What a tenant accepts unless it narrows the list.
DEFAULT_ALLOWED_KINDS: frozenset[Kind] = frozenset(
    {"document", "image", "audio", "video", "text", "email"}
)

#: How many leading bytes ``identify`` wants; a zip's first entry names must fit in it.
SNIFF_BYTES = 64 * 1024

#: Declared types that claim nothing in particular, sent by clients that do not know better.
_NEUTRAL_DECLARATIONS = frozenset({"", "application/octet-stream", "binary/octet-stream"})


@dataclass(frozen=True, slots=True)
class FileType:
    """A type Querela accepts: its canonical media type and the claims that agree with it."""

    media_type: str
    kind: Kind
    #: Extensions (lower case, with the dot) that name this type.
    extensions: frozenset[str]
    #: Declared content types that mean this type; the canonical one is always included.
    declared: frozenset[str] = field(default_factory=frozenset)
    #: The content must be valid UTF-8 without NUL bytes, all of it, not only its head.
    textual: bool = False
    #: A more general type the same content also is (an email is also plain text).
    also: FileType | None = None

    def accepts_extension(self, extension: str) -> bool:
        """Whether a file name ending in ``extension`` may hold this type."""
        return extension in self.extensions

    def accepts_declaration(self, declared: str) -> bool:
        """Whether a client's declared content type agrees with this type."""
        return declared == self.media_type or declared in self.declared

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` a download of this type is served with."""
        return f"{self.media_type}; charset=utf-8" if self.textual else self.media_type


class RefusedContent(ValueError):
    """The content is of a kind Querela never stores, or disagrees with its claims."""


def _type(
    media_type: str,
    kind: Kind,
    extensions: str,
    declared: str = "",
    *,
    textual: bool = False,
    also: FileType | None = None,
) -> FileType:
    return FileType(
        media_type=media_type,
        kind=kind,
        extensions=frozenset(extensions.split()),
        declared=frozenset(declared.split()),
        textual=textual,
        also=also,
    )


PDF = _type("application/pdf", "document", ".pdf", "application/x-pdf")
DOCX = _type(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", ".docx"
)
XLSX = _type(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document", ".xlsx"
)
PPTX = _type(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "document",
    ".pptx",
)
ODT = _type("application/vnd.oasis.opendocument.text", "document", ".odt")
ODS = _type("application/vnd.oasis.opendocument.spreadsheet", "document", ".ods")
ODP = _type("application/vnd.oasis.opendocument.presentation", "document", ".odp")
PNG = _type("image/png", "image", ".png")
JPEG = _type("image/jpeg", "image", ".jpg .jpeg .jpe .jfif", "image/jpg image/pjpeg")
GIF = _type("image/gif", "image", ".gif")
WEBP = _type("image/webp", "image", ".webp")
TIFF = _type("image/tiff", "image", ".tif .tiff", "image/tif")
MP3 = _type("audio/mpeg", "audio", ".mp3", "audio/mp3 audio/mpeg3 audio/x-mpeg")
M4A = _type("audio/mp4", "audio", ".m4a", "audio/x-m4a audio/m4a")
WAV = _type("audio/wav", "audio", ".wav", "audio/x-wav audio/wave audio/vnd.wave")
MP4 = _type("video/mp4", "video", ".mp4 .m4v", "video/x-m4v")
TEXT = _type(
    "text/plain", "text", ".txt .text .log .csv .md", "text/csv text/markdown", textual=True
)
EMAIL = _type("message/rfc822", "email", ".eml", textual=True, also=TEXT)

#: Every type Querela can recognise, for messages and documentation.
KNOWN_TYPES: tuple[FileType, ...] = (
    PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, PNG, JPEG, GIF, WEBP, TIFF,
    MP3, M4A, WAV, MP4, TEXT, EMAIL,
)  # fmt: skip

_BY_MEDIA_TYPE = {file_type.media_type: file_type for file_type in KNOWN_TYPES}


def content_type_of(media_type: str) -> str:
    """The ``Content-Type`` to serve content of a recorded media type with."""
    known = _BY_MEDIA_TYPE.get(media_type)
    return known.content_type if known else "application/octet-stream"


_EXECUTABLE = "executable programs are refused: an attachment must never carry malware"
_SCRIPT = "scripts are refused: an attachment must never be something a computer runs"
_MARKUP = (
    "HTML, SVG and XML are refused: a browser runs scripts inside them, so opening one"
    " could act with the reader's session (stored XSS)"
)
_ARCHIVE = "archives are refused: their contents cannot be checked; send the documents themselves"

#: Leading bytes of programs, with what they are.
_EXECUTABLE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"\x00asm", "a WebAssembly module"),
)

#: Names whose extension alone says "runs when opened", whatever the content is.
_DANGEROUS_EXTENSIONS = frozenset((
    ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".psm1", ".vbs", ".vbe",
    ".js", ".jse", ".mjs", ".wsf", ".wsh", ".hta", ".sh", ".bash", ".zsh", ".py", ".pl", ".rb",
    ".php", ".jar", ".app", ".apk", ".lnk", ".reg", ".html", ".htm", ".xhtml", ".shtml",
    ".svg", ".svgz", ".xml", ".xsl", ".mht", ".mhtml",
))  # fmt: skip

#: Tags that make a browser treat text as a page, wherever they appear near the start.
_MARKUP_PATTERN = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg|\?xml|meta|style)",
    re.IGNORECASE,
)
#: How far into a text file markup is looked for; older browsers sniffed the first 512 bytes.
_MARKUP_WINDOW = 4096

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")
_EMAIL_HEADERS = frozenset(
    {b"date", b"subject", b"to", b"message-id", b"mime-version", b"received", b"return-path"}
)

_MP4_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B "})
_MP4_VIDEO_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"}
)
_MPEG_AUDIO_FRAMES = frozenset({b"\xff\xfb", b"\xff\xfa", b"\xff\xf3", b"\xff\xf2", b"\xff\xe3"})

_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
_OFFICE_FOLDERS = {b"word/": DOCX, b"xl/": XLSX, b"ppt/": PPTX}


def sniff(head: bytes) -> FileType:
    """Name the type of a file from its first bytes (up to ``SNIFF_BYTES``).

    Raises ``RefusedContent`` for empty files, programs, scripts, markup,
    archives and anything not recognised.
    """
    if not head:
        raise RefusedContent("the file is empty")
    for magic, what in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            raise RefusedContent(f"this is {what}; {_EXECUTABLE}")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _MP4_AUDIO_BRANDS:
            return M4A
        if brand in _MP4_VIDEO_BRANDS:
            return MP4
    if head.startswith(b"ID3") or head[:2] in _MPEG_AUDIO_FRAMES:
        return MP3
    if head.startswith(_ZIP_LOCAL_HEADER):
        return _office_document(head)
    return _text(head)


def identify(head: bytes, *, filename: str, declared_type: str | None) -> FileType:
    """Sniff ``head`` and hold the uploader's claims against it.

    ``filename`` is the (sanitised) name, whose extension must fit the content
    if it has one; ``declared_type`` is the client's ``Content-Type`` for the
    file, which must fit too unless it claims nothing in particular.
    """
    found = sniff(head)
    extension = _extension(filename)
    if extension in _DANGEROUS_EXTENSIONS:
        raise RefusedContent(
            f"files named {extension} are refused whatever they contain:"
            " a computer may run them when they are opened"
        )
    declared = _media_type(declared_type)
    for candidate in (found, found.also):
        if candidate is None:
            continue
        extension_fits = not extension or candidate.accepts_extension(extension)
        declaration_fits = declared in _NEUTRAL_DECLARATIONS or candidate.accepts_declaration(
            declared
        )
        if extension_fits and declaration_fits:
            if candidate is TEXT:
                # An email accepted as plain text is no longer exempt from the markup check.
                _refuse_markup(head)
            return candidate
    claims = " and ".join(
        claim
        for claim in (
            f"the name ends in {extension}" if extension else "",
            f"it was declared as {declared}" if declared not in _NEUTRAL_DECLARATIONS else "",
        )
        if claim
    )
    raise RefusedContent(f"the content is {found.media_type}, but {claims}")


class TextCheck:
    """Checks, chunk by chunk, that a whole file is UTF-8 text without NUL bytes.

    Sniffing sees only the head of a file; a text file could hide binary data
    further in, so textual types are checked to their last byte while they
    stream.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")

    def feed(self, chunk: bytes) -> None:
        """Check the next chunk; raise ``RefusedContent`` if it is not text."""
        if b"\x00" in chunk:
            raise RefusedContent("the text contains NUL bytes; it is not plain text")
        try:
            self._decoder.decode(chunk, final=False)
        except UnicodeDecodeError:
            raise RefusedContent("the text is not valid UTF-8") from None

    def finish(self) -> None:
        """Check that the file did not end in the middle of a character."""
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise RefusedContent("the text is not valid UTF-8") from None


def _office_document(head: bytes) -> FileType:
    """Tell an Office or OpenDocument file from any other zip by its first entry names."""
    entries = _zip_entries(head)
    names = [name for name, _ in entries]
    if names[:1] == [b"mimetype"]:
        # OpenDocument stores its type uncompressed as the content of its first entry.
        start = entries[0][1]
        for mimetype, found in _OPEN_DOCUMENT.items():
            if head.startswith(mimetype, start):
                return found
    if b"[Content_Types].xml" in names or any(n.startswith(b"_rels/") for n in names):
        for name in names:
            for folder, found in _OFFICE_FOLDERS.items():
                if name.startswith(folder):
                    return found
    raise RefusedContent(f"this is a zip archive, not an Office document; {_ARCHIVE}")


def _zip_entries(head: bytes) -> list[tuple[bytes, int]]:
    """Name and data offset of the zip entries whose local headers lie in ``head``, in order.

    Entries are walked by their recorded sizes; a writer that streams (sizes in
    a trailing data descriptor) leaves them zero, so the scan then looks for
    the next local header signature instead.
    """
    entries: list[tuple[bytes, int]] = []
    offset = 0
    while offset + 30 <= len(head) and head.startswith(_ZIP_LOCAL_HEADER, offset):
        (flags,) = struct.unpack_from("<H", head, offset + 6)
        (compressed,) = struct.unpack_from("<I", head, offset + 18)
        name_length, extra_length = struct.unpack_from("<HH", head, offset + 26)
        name_start = offset + 30
        data_start = name_start + name_length + extra_length
        entries.append((head[name_start : name_start + name_length], data_start))
        if flags & 0x08 or compressed == 0:
            following = head.find(_ZIP_LOCAL_HEADER, data_start)
            if following == -1:
                break
            offset = following
        else:
            offset = data_start + compressed
    return entries


def _text(head: bytes) -> FileType:
    """Plain text or an email, if ``head`` is UTF-8 without NULs and holds no markup."""
    check = TextCheck()
    try:
        check.feed(head)
    except RefusedContent:
        raise RefusedContent(
            "the type of this file is not recognised; accepted are "
            + ", ".join(sorted({t.media_type for t in KNOWN_TYPES}))
        ) from None
    body = head.removeprefix(b"\xef\xbb\xbf")
    if body.lstrip().startswith(b"#!"):
        raise RefusedContent(f"this is a script; {_SCRIPT}")
    if _looks_like_email(body):
        # Emails legitimately carry HTML parts; served as message/rfc822, nothing renders them.
        return EMAIL
    _refuse_markup(body)
    return TEXT


def _refuse_markup(head: bytes) -> None:
    if _MARKUP_PATTERN.search(head[:_MARKUP_WINDOW]):
        raise RefusedContent(f"this is markup; {_MARKUP}")


def _looks_like_email(body: bytes) -> bool:
    """An RFC 5322 header block: header lines from the first byte, ``From`` among them."""
    end = body.find(b"\r\n\r\n")
    end = body.find(b"\n\n") if end == -1 else end
    if end <= 0:
        return False
    names: set[bytes] = set()
    for line in body[:end].splitlines():
        if line[:1] in (b" ", b"\t"):
            if not names:
                return False
            continue  # a folded continuation of the previous header
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names and bool(names & _EMAIL_HEADERS)


def _extension(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def _media_type(declared: str | None) -> str:
    return (declared or "").split(";", 1)[0].strip().lower()

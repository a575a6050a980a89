"""Telling what a file is from its first bytes, and refusing what must not be stored."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.attachments import sniffing
from core.attachments.sniffing import RefusedContent, TextCheck, identify, sniff

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
EMAIL = (
    b"From: Ada Example <ada@example.org>\r\n"
    b"To: complaints@example.org\r\n"
    b"Subject: My claim\r\n"
    b"\r\n"
    b"I sent my claim in October.\r\n"
)


def zip_of(*entries: tuple[str, bytes], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


OFFICE_PARTS = ("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, sniffing.PDF),
        (PNG, sniffing.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", sniffing.JPEG),
        (b"GIF89a\x01\x00\x01\x00", sniffing.GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", sniffing.WEBP),
        (b"II*\x00\x08\x00\x00\x00", sniffing.TIFF),
        (b"MM\x00*\x00\x00\x00\x08", sniffing.TIFF),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", sniffing.MP3),
        (b"\xff\xfb\x90\x64\x00", sniffing.MP3),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", sniffing.WAV),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", sniffing.MP4),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", sniffing.M4A),
        (zip_of(*OFFICE_PARTS, ("word/document.xml", b"<w:document/>")), sniffing.DOCX),
        (zip_of(*OFFICE_PARTS, ("xl/workbook.xml", b"<workbook/>")), sniffing.XLSX),
        (
            zip_of(
                ("mimetype", b"application/vnd.oasis.opendocument.text"),
                ("content.xml", b"<office:document-content/>"),
                stored_first=True,
            ),
            sniffing.ODT,
        ),
        ("Plain words, ünïcödé and €.\n".encode(), sniffing.TEXT),
        (EMAIL, sniffing.EMAIL),
    ],
    ids=lambda value: value.media_type if isinstance(value, sniffing.FileType) else None,
)
def test_content_is_recognised_by_its_first_bytes(head: bytes, expected: sniffing.FileType):
    assert sniff(head) is expected


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "malware"),
        (b"\x7fELF\x02\x01\x01\x00", "malware"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "malware"),
        (b"#!/bin/sh\nrm -rf ~\n", "script"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "XSS"),
        (b"\n  <HTML><script>alert(1)</script>", "XSS"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "XSS"),
        (b'<?xml version="1.0"?><svg/>', "XSS"),
        (b"Dear team,\nsee <script src=//evil.example/x.js></script>\n", "XSS"),
        (zip_of(("report.pdf", PDF)), "archive"),
        (b"\x00\x01\x02\x03binary", "not recognised"),
        (b"caf\xe9 au lait", "not recognised"),
        (b"", "empty"),
    ],
)
def test_dangerous_or_unknown_content_is_refused_with_a_reason(head: bytes, reason: str):
    with pytest.raises(RefusedContent, match=reason):
        sniff(head)


def test_a_name_that_disagrees_with_the_content_is_refused():
    with pytest.raises(RefusedContent, match=r"content is image/png, but the name ends in \.pdf"):
        identify(PNG, filename="invoice.pdf", declared_type="application/pdf")


def test_a_declared_type_that_disagrees_with_the_content_is_refused():
    with pytest.raises(RefusedContent, match="declared as image/png"):
        identify(PDF, filename="letter", declared_type="image/png")


def test_neutral_or_parameterised_declarations_and_missing_extensions_are_accepted():
    assert identify(PDF, filename="letter", declared_type="application/octet-stream").kind == (
        "document"
    )
    assert identify(PDF, filename="Letter.PDF", declared_type=None) is sniffing.PDF
    assert (
        identify(b"hello\n", filename="notes.txt", declared_type="text/plain; charset=utf-8")
        is sniffing.TEXT
    )
    assert identify(b"\xff\xd8\xff\xdb", filename="a.jpeg", declared_type="image/jpg").kind == (
        "image"
    )


@pytest.mark.parametrize("name", ["setup.exe", "notes.html", "run.sh", "logo.svg", "x.JS"])
def test_names_that_run_when_opened_are_refused_whatever_the_content(name: str):
    with pytest.raises(RefusedContent, match="whatever they contain"):
        identify(b"harmless words\n", filename=name, declared_type=None)


def test_an_email_saved_as_text_is_text_but_not_exempt_from_the_markup_check():
    assert identify(EMAIL, filename="mail.eml", declared_type="message/rfc822") is sniffing.EMAIL
    assert identify(EMAIL, filename="mail.txt", declared_type="text/plain") is sniffing.TEXT
    with pytest.raises(RefusedContent, match="XSS"):
        identify(EMAIL + b"<script>alert(1)</script>", filename="mail.txt", declared_type=None)


def test_text_is_checked_to_its_end_across_chunk_boundaries():
    euro = "€".encode()
    check = TextCheck()
    check.feed(b"price: " + euro[:1])
    check.feed(euro[1:] + b"\n")
    check.finish()

    truncated = TextCheck()
    truncated.feed(b"price: " + euro[:2])
    with pytest.raises(RefusedContent, match="UTF-8"):
        truncated.finish()

    with pytest.raises(RefusedContent, match="NUL"):
        TextCheck().feed(b"fine so far\x00then binary")


def test_download_content_types_come_from_the_recorded_type():
    assert sniffing.content_type_of("application/pdf") == "application/pdf"
    assert sniffing.content_type_of("text/plain") == "text/plain; charset=utf-8"
    assert sniffing.content_type_of("text/html") == "application/octet-stream"

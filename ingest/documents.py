"""Reading a document's bytes into normalised text: size limit, binary refusal, encoding, HTML, content hash.

Pure. Refusals raise events.errors.ValidationError naming the field ("file").
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from events.domain.errors import ValidationError

MAX_BYTES = 10 * 1024 * 1024
# Tried in order after any byte-order mark: strict UTF-8, then Windows-1252 (which covers
# Latin-1 text in practice), then Latin-1, which decodes every byte.
ENCODINGS = ("utf-8", "cp1252", "latin-1")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_HTML_SIGNS = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]|<p[\s>]|<div[\s>]|<br\s*/?>", re.IGNORECASE)
_BLOCK_TAGS = frozenset("p div br li ul ol tr table h1 h2 h3 h4 h5 h6 article section header footer blockquote pre title dd dt".split())
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


@dataclass(frozen=True)
class ReadDocument:
    name: str
    text: str
    content_hash: str  # SHA-256 of the bytes as given, as events.Source.content_hash stores it
    encoding: str
    html: bool


def read(data: bytes, name: str = "") -> ReadDocument:
    """Normalised text of `data`, or ValidationError(file=...) saying why it cannot be read."""
    check_size(len(data), name)
    if not data.strip():
        raise ValidationError(f"{name or 'the document'} is empty: there is nothing to ingest", field="file")
    text, encoding = decode(data, name)
    html = bool(_HTML_SIGNS.search(data[:4096])) or name.lower().endswith((".html", ".htm"))
    if html:
        text = html_to_text(text)
    text = normalise(text)
    if not text.strip():
        raise ValidationError(f"{name or 'the document'} has no text once its markup is removed", field="file")
    return ReadDocument(name, text, hashlib.sha256(data).hexdigest(), encoding, html)


def check_size(size: int, name: str = "") -> None:
    """Refuse a document over MAX_BYTES before anybody reads it."""
    if size > MAX_BYTES:
        raise ValidationError(
            f"{name or 'the document'} is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB: "
            "split it or remove what is not text",
            field="file",
        )


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return data.decode(encoding, errors="replace"), encoding
    if _looks_binary(data):
        raise ValidationError(f"{name or 'the document'} looks binary (not text or HTML); convert it to text first", field="file")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > max(3, len(sample) * 0.05)


def normalise(text: str) -> str:
    """NFC, Unix line ends, plain spaces, no control characters; line structure is kept."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub(" ", _CONTROL.sub("", text))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per paragraph."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"

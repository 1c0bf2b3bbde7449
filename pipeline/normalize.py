"""Unicode and whitespace normalization.

ftfy repairs mojibake and straightens quotes, NFC composes accents, and every kind of space
becomes a plain space, so the hash of a text does not depend on which CMS produced it.
"""
from __future__ import annotations

import unicodedata

import ftfy
import regex

_SPACES = regex.compile(r"[\p{Zs}\t\u200b\u2060\ufeff]+")
_CONTROLS = regex.compile(r"[\p{Cc}\p{Cf}--[\n\u200d]]", regex.V1)
_FTFY = ftfy.TextFixerConfig(normalization="NFC", unescape_html="auto", explain=False)


def normalize_text(text: str) -> str:
    """Fix encoding damage and normalize; line structure is kept (one line = one block)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = ftfy.fix_text(text, _FTFY)
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    return unicodedata.normalize("NFC", text)


def normalize_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def join_paragraphs(lines: list[str]) -> str:
    """The output form: one paragraph per kept line, separated by one blank line."""
    return "\n\n".join(s for s in (normalize_line(x) for x in lines) if s)

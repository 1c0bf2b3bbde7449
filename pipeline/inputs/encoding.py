"""Bytes to text: BOM, declared charset, then statistical detection.

Web pages lie about their encoding often enough that the declared charset is only trusted
when the bytes actually decode with it.
"""
from __future__ import annotations

import codecs

import charset_normalizer
import regex

_META_CHARSET = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", regex.I)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


class Undecodable(ValueError):
    """The bytes are not text in any encoding we can establish."""


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])  # not tab, newline, vertical tab, form feed, CR


def looks_binary(data: bytes) -> bool:
    """A share of control bytes (NUL included) above 5% of the head means a binary file; a
    stray NUL or two in a text is text (the normalizer drops them). UTF-16/32 are checked first."""
    head = data[:4096]
    if not head:
        return False
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return ctrl / len(head) > 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:2000]
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0) / (len(head) / 2)
    odd_nuls = head[1::2].count(0) / (len(head) / 2)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        enc = "utf-16-le"
    elif even_nuls > 0.4 and odd_nuls < 0.05:
        enc = "utf-16-be"
    else:
        return None
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes, is_html: bool = False, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Raises Undecodable for binary or undecodable input."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError as e:
                raise Undecodable(f"starts with a {enc} byte order mark but does not decode: {e.reason}") from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "utf-16"
    if looks_binary(data):
        raise Undecodable("binary content (over 5% control bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if is_html or declared:
        m = _META_CHARSET.search(data[:8192]) if is_html and not declared else None
        if m or declared:
            declared = (declared or m.group(1).decode("ascii", "ignore")).lower()
            # WHATWG: pages labelled latin-1/ascii are decoded as windows-1252 by every browser
            declared = _WHATWG_ALIASES.get(declared, declared)
            try:
                codecs.lookup(declared)
                return data.decode(declared), declared
            except (LookupError, UnicodeDecodeError):
                pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise Undecodable("no text encoding fits these bytes")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise Undecodable(f"detected {best.encoding} but the bytes do not decode with it") from None

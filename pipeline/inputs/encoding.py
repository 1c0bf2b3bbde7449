"""Bytes to text: BOM, UTF-8, UTF-8 with stray legacy bytes, the declared charset, then the
legacy encoding a browser would guess.

Web pages lie about their encoding often enough that the declared charset is only trusted
when the bytes actually decode with it. Pages that are not UTF-8 and declare nothing usable
are mostly the web's older pages, in the legacy encodings browsers still guess for them; the
guess is Firefox's detector (chardetng), made for exactly those pages, given the page's
top-level domain as Firefox gives it. A general-purpose detector reads a mostly-English page
in windows-1252 as windows-1250 or cp775 about one time in six (its candidates tie and the
first wins), turning "Lumière" into "Lumičre" and every apostrophe into a letter.
"""
from __future__ import annotations

import codecs
from urllib.parse import urlsplit

import chardetng_py
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
# WHATWG names chardetng returns that Python spells otherwise, or decodes as the Encoding
# Standard's decoder of that name does (its gbk is gb18030, its Shift_JIS windows' cp932 ...)
_PYTHON_CODECS = {"gbk": "gb18030", "big5": "big5hkscs", "shift_jis": "cp932", "euc-kr": "cp949",
                  "iso-8859-8-i": "iso8859_8", "windows-874": "cp874", "x-mac-cyrillic": "mac_cyrillic",
                  "ibm866": "cp866"}
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_BYTES = bytes(range(0x80))
# legacy encodings of Latin alphabets other than windows-1252's
_OTHER_LATIN = frozenset({"windows-1250", "iso-8859-2", "windows-1257", "iso-8859-4", "iso-8859-13", "iso-8859-3",
                          "iso-8859-10", "iso-8859-14", "iso-8859-15", "iso-8859-16", "windows-1254", "windows-1258"})
_GUESS_BYTES = 1 << 20  # the guess reads this much: a page's first MB says its encoding


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


def _cp1252_bytes(err: UnicodeError) -> tuple[str, int]:
    """Decode error handler: the bytes UTF-8 cannot read, read as windows-1252."""
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start:err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("cleancorpus-cp1252", _cp1252_bytes)


def _mostly_utf8(data: bytes) -> bool:
    """True when whole UTF-8 sequences outnumber the non-ASCII bytes outside them: a UTF-8 page
    with some bytes of another encoding in it (a footer or an ad included in windows-1252), not
    a legacy page. Legacy text forms such sequences by chance: Russian or Portuguese a few
    against thousands of other bytes, Japanese or Korean about one against three to seven."""
    text = data.decode("utf-8", errors="surrogateescape")  # a byte outside: one lone surrogate
    outside = len(data) - len(text.encode("utf-8", errors="ignore"))
    ascii_bytes = len(data.translate(None, _HIGH_BYTES))
    sequences = len(text) - ascii_bytes - outside
    return 0 < outside <= sequences


def top_level_domain(url: str | None) -> bytes | None:
    """The URL host's last label in lower-case ASCII, the hint chardetng takes (None: unknown)."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:  # a malformed address ("http://[::1")
        return None
    label = (host or "").rstrip(".").rsplit(".", 1)[-1]
    return label.encode() if label.isascii() and label.isalnum() and not label.isdigit() else None


def _no_letter_in_cp1252(data: bytes) -> bool:
    """True when every non-ASCII byte is a symbol in windows-1252 (© ® £ ½ ...)."""
    chars = set(data.translate(None, _ASCII_BYTES).decode("cp1252", errors="replace"))
    return not any(ch.isalpha() for ch in chars)


def _legacy(data: bytes, url: str | None) -> tuple[str, str]:
    """The bytes decoded in the legacy encoding a browser would guess for them.

    A page whose only non-ASCII bytes are a few symbols gives the guess nothing to go on, and
    chardetng then may name another Latin alphabet: "©" read as "Š", "®" as "Ž", "£" as "Ł". No
    text in those alphabets is free of letters outside ASCII, so such a page is windows-1252."""
    guess = chardetng_py.detect(data[:_GUESS_BYTES], allow_utf8=False, tld=top_level_domain(url)).lower()
    if guess in _OTHER_LATIN and _no_letter_in_cp1252(data):
        guess = "windows-1252"
    codec = _PYTHON_CODECS.get(guess, guess)
    try:
        return data.decode(codec, errors="replace"), guess
    except LookupError:
        raise Undecodable(f"detected {guess}, which this Python cannot decode") from None


def _declared(data: bytes, is_html: bool, declared: str | None) -> list[str]:
    """The charsets the bytes are said to be in: the transport's (an HTTP header), then the
    page's own <meta>; latin-1 and ASCII as windows-1252, as every browser reads them."""
    labels = [declared] if declared else []
    m = _META_CHARSET.search(data[:8192]) if is_html else None
    if m:
        labels.append(m.group(1).decode("ascii", "ignore"))
    return [_WHATWG_ALIASES.get(label.lower(), label.lower()) for label in labels]


def decode_bytes(data: bytes, is_html: bool = False, declared: str | None = None,
                 url: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Raises Undecodable for binary or undecodable input.
    url: where the bytes came from, when known (its top-level domain helps the guess)."""
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
    if _mostly_utf8(data):  # before a declared charset: such sequences are no legacy text
        return data.decode("utf-8", errors="cleancorpus-cp1252"), "utf-8+cp1252"
    for label in _declared(data, is_html, declared):
        try:
            if codecs.lookup(label).name != "utf-8":  # UTF-8 has failed already
                return data.decode(label), label
        except (LookupError, UnicodeDecodeError):
            pass
    return _legacy(data, url)

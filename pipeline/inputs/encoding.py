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


# The Encoding Standard's labels Python's codecs do not know
_WHATWG_LABELS = {"x-sjis": "cp932", "windows-31j": "cp932", "windows-949": "cp949", "x-gbk": "gb18030",
                  "csgb2312": "gb18030", "windows-936": "gb18030", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs",
                  "x-euc-jp": "euc_jp", "iso-8859-8-i": "iso8859_8", "csiso88598i": "iso8859_8",
                  "logical": "iso8859_8", "windows-874": "cp874", "dos-874": "cp874", "x-mac-roman": "mac_roman",
                  "x-mac-cyrillic": "mac_cyrillic", "x-mac-ukrainian": "mac_cyrillic", "x-cp1250": "cp1250",
                  "x-cp1251": "cp1251", "x-cp1252": "cp1252", "x-cp1253": "cp1253", "x-cp1254": "cp1254",
                  "x-cp1255": "cp1255", "x-cp1256": "cp1256", "x-cp1257": "cp1257", "x-cp1258": "cp1258"}
# Python codecs whose bytes a browser reads with a wider table, the Encoding Standard's decoder of
# that label: the ISO charsets' C1 range as Windows' quotes and dashes (a page declaring
# iso-8859-9 writes its apostrophes as windows-1254's), the East Asian standards with Windows'
# and their successors' extensions (a shift_jis page's "①", an euc-kr page's "똠")
_WIDER = {"ascii": "cp1252", "iso8859-1": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
          "tis-620": "cp874", "shift_jis": "cp932", "euc_kr": "cp949", "gb2312": "gb18030", "gbk": "gb18030",
          "big5": "big5hkscs"}
# Python codecs that are no page's charset: escapes and transforms of text, not encodings of it
_NOT_CHARSETS = frozenset({"undefined", "raw-unicode-escape", "unicode-escape", "idna", "punycode", "utf-7"})

_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_BYTES = bytes(range(0x80))
# legacy encodings of Latin alphabets other than windows-1252's
_OTHER_LATIN = frozenset({"windows-1250", "iso-8859-2", "windows-1257", "iso-8859-4", "iso-8859-13", "iso-8859-3",
                          "iso-8859-10", "iso-8859-14", "iso-8859-15", "iso-8859-16", "windows-1254", "windows-1258"})
_GUESS_BYTES = 1 << 20  # the guess reads this much: a page's first MB says its encoding


class Undecodable(ValueError):
    """The bytes are not text in any encoding we can establish."""


def python_codec(label: str) -> str | None:
    """The Python codec that decodes what a browser decodes for a charset label (a page's
    declaration or chardetng's guess), None for a label no codec has."""
    label = label.strip().lower()
    if label in _WHATWG_LABELS:
        return _WHATWG_LABELS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name in _NOT_CHARSETS else _WIDER.get(name, name)


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
    codec = python_codec(guess)
    if codec is None:
        raise Undecodable(f"detected {guess}, which this Python cannot decode")
    return data.decode(codec, errors="replace"), codec


def _declared(data: bytes, is_html: bool, declared: str | None) -> list[str]:
    """The codecs of the charsets the bytes are said to be in, the transport's (an HTTP header)
    first, then the page's own <meta>, each as a browser decodes it (latin-1 as windows-1252).
    UTF-8 has failed by now, and UTF-16 and -32 were read from their bytes, so a declared Unicode
    encoding is a lie about ASCII-compatible bytes (browsers take it so)."""
    labels = [declared] if declared else []
    m = _META_CHARSET.search(data[:8192]) if is_html else None
    if m:
        labels.append(m.group(1).decode("ascii", "ignore"))
    codecs_ = (python_codec(label) for label in labels)
    return [c for c in codecs_ if c and not c.startswith("utf")]


def decode_bytes(data: bytes, is_html: bool = False, declared: str | None = None,
                 url: str | None = None) -> tuple[str, str]:
    """Return (text, the Python codec used). Raises Undecodable for binary or undecodable input.
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
    for codec in _declared(data, is_html, declared):
        try:
            return data.decode(codec), codec
        except (UnicodeError, LookupError):  # LookupError: a transform ("hex"), no text encoding
            pass
    return _legacy(data, url)

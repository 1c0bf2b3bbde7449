"""Unicode and whitespace normalization.

ftfy repairs mojibake (and straightens quotes if configured), NFC composes accents, every kind of space
becomes a plain space, so the hash of a text does not depend on which CMS produced it.
"""
from __future__ import annotations

import html
import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

from .lineshape import CLAUSE_ENDS, ends_sentence

# a cheap necessary condition for ftfy's mojibake test: a Latin-1 lead character followed by
# what a UTF-8 continuation byte looks like in cp1252/Latin-1, or the cp1251 equivalent
_MAYBE_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u2010-\u2122\u0152-\u0192\u02c6\u02dc]"
                             "|[\u0420\u0421\u0432][\u0080-\u00bf\u0400-\u045f\u2018-\u203a]")


def _char_table() -> dict[int, str | None]:
    """One str.translate table: control and format characters deleted (but newline and the
    zero-width joiner that emoji and Indic scripts need), every kind of space made a space."""
    table: dict[int, str | None] = {}
    for cp in list(range(0x10000)) + list(range(0xE0000, 0xE0080)):
        cat = unicodedata.category(chr(cp))
        if cat in ("Cc", "Cf") and cp not in (0x0A, 0x200D):
            table[cp] = None
        elif (cat == "Zs" and cp != 0x20) or cp == 0x09:
            table[cp] = " "
    for cp in (0x200B, 0x2060, 0xFEFF):  # zero-width spaces separate words: keep a space
        table[cp] = " "
    return table


def _char_class(table: dict[int, str | None]) -> re.Pattern[str]:
    """One character class of every key of the table, as ranges: str.translate looks up every
    character of the text in the table (0.3 ms for a page), a class search skips clean text at C speed."""
    cps = sorted(table)
    ranges: list[tuple[int, int]] = []
    for cp in cps:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{body}]+")


_CHARS = _char_table()
_CHAR_RUNS = _char_class(_CHARS)


def _translate(text: str) -> str:
    return _CHAR_RUNS.sub(lambda m: m.group().translate(_CHARS), text)


_FTFY = {
    straighten: ftfy.TextFixerConfig(normalization="NFC", unescape_html="auto", explain=False, uncurl_quotes=straighten)
    for straighten in (True, False)
}


def normalize_text(text: str, straighten_quotes: bool = False) -> str:
    """Fix encoding damage and normalize; line structure is kept (one line = one block).

    Typographic quotes are kept by default: they are the text as published (and what
    extraction benchmarks compare against); dedup folds all punctuation anyway.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if (_MAYBE_MOJIBAKE.search(text) and is_bad(text)) or (straighten_quotes and not text.isascii()):
        text = ftfy.fix_text(text, _FTFY[straighten_quotes])
    elif "&" in text and ";" in text:
        # ftfy's own test for mojibake says there is none: spare its line-by-line pass, keep
        # the one other repair text from the web needs (its NFC and controls are done below)
        text = html.unescape(text)
    return unicodedata.normalize("NFC", _translate(text))


def normalize_line(line: str) -> str:
    """One space between words, none at the ends (after normalize_text, str.split sees every space)."""
    return " ".join(line.split())


def unwrap_hard_wrapped(lines: list[str]) -> list[str]:
    """Join lines of prose hard-wrapped at a fixed width back into paragraphs.

    Plain text from mail archives, essays and some scrapers wraps prose at ~70 characters;
    judged line by line every piece of it looks like a short menu item. A text counts as
    wrapped when most lines are close to one width and end mid-sentence; a line clearly
    shorter than that width ends its paragraph.
    """
    live = [s for s in lines if s.strip()]
    if len(live) < 6:
        return lines
    lengths = sorted(len(s) for s in live)
    width = lengths[int(len(lengths) * 0.9) - 1]
    if not 40 <= width <= 130:
        return lines
    near_width = sum(len(s) >= 0.7 * width for s in live) / len(live)
    mid_sentence = sum(not ends_sentence(s, CLAUSE_ENDS) for s in live if len(s) >= 0.7 * width) / max(1, sum(len(s) >= 0.7 * width for s in live))
    if near_width < 0.6 or mid_sentence < 0.5 or max(len(s) for s in live) > 1.5 * width:
        return lines
    out: list[str] = []
    buf: list[str] = []
    for s in lines:
        if not s.strip():
            if buf:
                out.append(" ".join(buf))
                buf = []
            out.append("")
            continue
        buf.append(s.strip())
        if len(s) < 0.7 * width:
            out.append(" ".join(buf))
            buf = []
    if buf:
        out.append(" ".join(buf))
    return out

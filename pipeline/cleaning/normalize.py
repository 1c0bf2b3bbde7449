"""Unicode and whitespace normalization.

ftfy repairs mojibake (and straightens quotes if configured), NFC composes accents, every kind of space
becomes a plain space, so the hash of a text does not depend on which CMS produced it.
"""
from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import ftfy
import re2
from ftfy.badness import is_bad
from ftfy.fixes import fix_c1_controls

from cleancorpus.pipeline.cleaning.lineshape import CLAUSE_ENDS, ends_sentence
from cleancorpus.pipeline.extraction.layout import LIST_MARK

# a cheap necessary condition for ftfy's mojibake test: a Latin-1 lead character followed by
# what a UTF-8 continuation byte looks like in cp1252/Latin-1, or in cp1251 (bytes 0x80-0xBF
# there are punctuation and the rarer Cyrillic letters, never А-я: ordinary Russian
# must not send every page through ftfy's line-by-line test). RE2 scans a page for it in
# 16 us, the standard library in 90 (the alternation defeats its prefix scan).
# (patterns and text as UTF-8 bytes: RE2 reads the classes the same, and google-re2's wrapper
# spends more on mapping a str match back to character offsets than RE2 on the search)
_MAYBE_MOJIBAKE = re2.compile("[\u00c2-\u00f4][\u0080-\u00bf\u2010-\u2122\u0152-\u0192\u02c6\u02dc]"
                              "|[\u0412\u0413\u0420\u0421\u0432][\u0080-\u00bf\u0401-\u040f\u0451-\u045f"
                              "\u0490\u0491\u2013-\u2122]".encode())


def _char_table() -> dict[int, str | None]:
    """One str.translate table: control and format characters deleted (but newline and the
    zero-width joiner that emoji and Indic scripts need), every kind of space made a space.

    Controls that separate words (tab, vertical tab, form feed, the information separators,
    NEL) become a space too: deleting them would glue the words on either side together.
    """
    table: dict[int, str | None] = {}
    for cp in list(range(0x10000)) + list(range(0xE0000, 0xE0080)):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cp == 0x0A or cp == 0x20:
            continue
        if (cat == "Zs") or (cat == "Cc" and ch.isspace()):
            table[cp] = " "
        elif cat in ("Cc", "Cf") and cp != 0x200D:
            table[cp] = None
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
# the same class for RE2, which tells in 15 us that a page has none of them (most pages);
# the standard library takes 70 us to scan a page for a class this size
_ANY_CHAR = re2.compile(_CHAR_RUNS.pattern.removesuffix("+").encode())
_SPACE_RUNS = re.compile("  +")
_C1 = re.compile("[\x80-\x9f]")


def _gates() -> re2.Set:
    """Both tests above in one scan of a page (10 us against 21 for the two searches)."""
    gates = re2.Set.SearchSet(re2.Options())
    if gates.Add(_MAYBE_MOJIBAKE.pattern) != _MOJIBAKE_GATE or gates.Add(_ANY_CHAR.pattern) != _CHAR_GATE:
        raise RuntimeError("RE2 set numbering out of step")
    gates.Compile()
    return gates


_MOJIBAKE_GATE, _CHAR_GATE = 0, 1
_GATES = _gates()


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _c1_as_typed(text: str) -> str:
    """C1 controls in text are windows-1252's quotes, dashes and accents read as latin-1 somewhere
    upstream (a database, a converter: "didn\\x92t"). They become the characters their writer
    typed (ftfy's fix_c1_controls) before the other controls are deleted, which made other words
    of them ("didnt", "were" of "we're")."""
    return fix_c1_controls(text) if _C1.search(text) else text


def _translate(text: str, has_any: bool | None = None) -> str:
    """has_any: whether the text holds a character of the table, when the caller knows."""
    if has_any is None:
        has_any = _ANY_CHAR.search(_utf8(text)) is not None
    if not has_any:
        return text
    return _CHAR_RUNS.sub(lambda m: m.group().translate(_CHARS), _c1_as_typed(text))


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
    gates = _GATES.Match(_utf8(text)) or ()
    has_any: bool | None = _CHAR_GATE in gates  # for the text as it is; None once a repair changed it
    if (_MOJIBAKE_GATE in gates and is_bad(text)) or (straighten_quotes and not text.isascii()):
        text, has_any = ftfy.fix_text(text, _FTFY[straighten_quotes]), None
    elif "&" in text and ";" in text:
        # ftfy's own test for mojibake says there is none: spare its line-by-line pass, keep
        # the one other repair text from the web needs (its NFC and controls are done below)
        text, has_any = html.unescape(text), None
    return unicodedata.normalize("NFC", _translate(text, has_any))


def normalize_lines(text: str, straighten_quotes: bool = False) -> list[str]:
    """normalize_text, then normalize_line on every line, done on the whole text at once.

    After normalize_text the only whitespace left is the space and the newline, so collapsing
    runs of spaces on the whole text and trimming each line's ends is what str.split would do
    line by line (web text is seldom pure ASCII, and whole-text replaces on it cost more than
    the strips).
    """
    text = normalize_text(text, straighten_quotes)
    if "  " in text:
        text = _SPACE_RUNS.sub(" ", text)
    return [line.strip(" ") for line in text.split("\n")]


def split_list_marks(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines without the list mark ("- ") a list item's line opens with, as extraction
    (extraction.layout) and trafilatura write them, and each line's mark ("" for none).

    The rules and the header parser read the item's text, as they would in a paragraph; the mark
    goes back on the kept line."""
    marks = [LIST_MARK if s.startswith(LIST_MARK) else "" for s in lines]
    if not any(marks):
        return lines, marks
    return [s[len(m):].lstrip(" ") if m else s for s, m in zip(lines, marks)], marks


def strip_controls(s: str) -> str:
    """Control and format characters out (bidi overrides, zero-width marks, stray NULs), every
    space a space, C1 controls as typed (_c1_as_typed): for titles and bylines, which do not go
    through normalize_text."""
    return _c1_as_typed(s).translate(_CHARS) if _CHAR_RUNS.search(s) else s


def normalize_line(line: str) -> str:
    """One space between words, none at the ends (after normalize_text, str.split sees every space)."""
    return " ".join(line.split())


# markdown's marks, as crawlers that render pages to markdown write them: an image
# ![alt](src "title"), a link [text](target "title") whose target has no space (so "[sic] (see
# above)" and bracketed prose stay), strong emphasis **x**, a heading's leading #s
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?[^)\s>]+>?(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_STRONG = re.compile(r"(?<!\*)\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?!\*)")
_MD_HEADING = re.compile(r"^#{1,6} +")
_MD_MIN_LINKS = 3  # a text with fewer links in markdown's syntax is not read as markdown


def plain_markdown(lines: list[str]) -> list[str]:
    """A markdown text's marks taken out of its lines, their words kept.

    Text rendered to markdown carries each link's and image's address in its lines: the
    addresses are words to the word counts, the link-dense menus stop looking like menus, and
    the same article rendered as markdown and as plain text would differ in every line. Only a
    text with a few links in markdown's syntax is read as markdown, so that the # of a code
    comment or the ** of a censored word in plain text stay. The image's alt text stays (a
    caption is for the rules to judge, not the markup); list markers stay, as in plain text.
    Run after unwrapping: a wrapper's line lengths include the addresses.
    """
    links = 0
    for s in lines:
        if "](" in s:
            links += len(_MD_LINK.findall(s)) + len(_MD_IMAGE.findall(s))
    if links < _MD_MIN_LINKS:
        return lines
    out = []
    for s in lines:
        t = s
        if "](" in t:
            t = _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", t))
        if "**" in t:
            t = _MD_STRONG.sub(r"\1", t)
        if t.startswith("#"):
            t = _MD_HEADING.sub("", t, count=1)
        out.append(t if t is s else normalize_line(t))
    return out


_ADDRESS = re.compile(r"(?:\d+\.\s+)?(?:[a-z][a-z0-9+.-]*:|www\.|/)\S+$", re.I)  # "12. https://...", "mailto:..."
_MIN_BROKEN = 8  # long lines followed by a line: fewer say nothing of how the text was broken


def _wrap_width(lines: list[str], lengths: list[int]) -> int | None:
    """The width the text was wrapped at, or None when it does not read as wrapped.

    Two readings. A wrapped text of prose has most of its lines close to one width, a few left
    whole aside. A page rendered to text and then wrapped (a terminal browser's dump, a mail
    archive of pages) has more short lines of menus and links than lines of prose, so it is read
    by how its long lines end instead: a wrapper breaks a line only where the next word would
    overflow, so each long line that stops mid-sentence leaves too little room for the next
    line's first word (a line that ends a sentence may end a paragraph, whose follower fits), and
    its paragraphs go on over more long lines. Lines of unwrapped text (teasers, list
    items, headings) end wherever their text does, and titles cut at a fixed length (a shop's
    listing) are followed by short lines. Counted also over the long lines whose next line goes
    on in lowercase alone, for a text with no blank line between its blocks.
    """
    width = lengths[int(len(lengths) * 0.9) - 1]
    if 40 <= width <= 130:
        long_lines = len(lengths) - bisect_right(lengths, 1.5 * width)
        wide = len(lengths) - bisect_left(lengths, 0.7 * width)
        if long_lines <= max(1, len(lengths) // 20) and wide / len(lengths) >= 0.6:
            return width
    # the longest line, but for lines the wrapping left whole: one in twenty, well over the rest
    top = lengths[bisect_right(lengths, 1.5 * lengths[-1 - len(lengths) // 20]) - 1]
    if not 40 <= top <= 130:
        return None
    # [followed, broken, runs] over all such lines, and over those whose next line goes on in
    # lowercase: with no blank line between blocks, a block's long last line (a headline, a
    # paragraph's end) is followed by the next block, whose first word may well have fitted; a
    # line that goes on mid-sentence was the wrapper's to break, so there the next word never fits
    every, lower = [0, 0, 0], [0, 0, 0]
    for s, nxt in zip(lines, lines[1:]):
        if nxt and 0.7 * top <= len(s) <= top and not ends_sentence(s, CLAUSE_ENDS) and not _ADDRESS.match(s):
            broken = len(s) + 1 + len(nxt.split(None, 1)[0]) > top
            run = broken and len(nxt) >= 0.7 * top
            for c in (every, lower) if nxt[0].islower() else (every,):
                c[0], c[1], c[2] = c[0] + 1, c[1] + broken, c[2] + run
    for followed, broken, runs in (every, lower):
        if followed >= _MIN_BROKEN and broken >= 0.8 * followed and runs >= 0.3 * broken:
            return top
    return None


def unwrap_hard_wrapped(lines: list[str]) -> list[str]:
    """Join lines of prose hard-wrapped at a fixed width back into paragraphs.

    Plain text from mail archives, essays and some scrapers wraps prose at ~70 characters;
    judged line by line every piece of it looks like a short menu item. A text counts as
    wrapped when its lines read as cut at one width (_wrap_width) and most of its long lines end
    mid-sentence; a line clearly shorter than that width ends its paragraph. A wrapped text may
    hold a few lines the wrapping left whole (a formula, a link, a paragraph pasted in): one such
    line in twenty does not stop the unwrapping, and each stays a paragraph of its own. Lines
    come as normalize_lines gives them.
    """
    live = [s for s in lines if s]
    if len(live) < 6:
        return lines
    # a line that is one address (a terminal browser lists every link's at the end) was never
    # wrapped: however many there are, they say nothing of the width
    lengths = sorted(len(s) for s in live if not _ADDRESS.match(s)) or [0]
    width = _wrap_width(lines, lengths)
    if width is None:
        return lines
    whole = 1.5 * width  # a line longer than this was left whole by the wrapping
    wide = [s for s in live if len(s) >= 0.7 * width]  # lines close to the width
    if sum(not ends_sentence(s, CLAUSE_ENDS) for s in wide) < 0.5 * len(wide):
        return lines
    out: list[str] = []
    buf: list[str] = []
    for s in lines:
        if not s:
            if buf:
                out.append(" ".join(buf))
                buf = []
            out.append("")
            continue
        if len(s) > whole and buf:  # a line left whole is not the tail of the lines above
            out.append(" ".join(buf))
            buf = []
        buf.append(s)
        if len(s) < 0.7 * width or len(s) > whole:
            out.append(" ".join(buf))
            buf = []
    if buf:
        out.append(" ".join(buf))
    return out


# A text that put every text node on a line of its own (BeautifulSoup's get_text("\n"), many
# scrapers) cuts a sentence at each link or bold word in it: "... found that", "climate models",
# "were wrong." come as three lines, and each reads as a short menu item.
_CONTINUES = re.compile(r"[,.;:!?…](?:\s|$)")  # what no sentence starts with: the rest of one cut before it
_INLINE_MIN = 2  # fewer lines that start so say nothing of how the text was made
_FRAGMENT_WORDS = 4  # a cut sentence's piece of this many words is prose, not a menu item
_INLINE_WORDS = 6  # the most words of an inline element (a link, a bold phrase) cut out of a sentence
# a separator between inline items, a text node of its own: "March 12, 2026", "|", "Comments" (a
# byline's comment link, which alone on its line reads as the comments' heading)
_SEPARATOR = re.compile(r"[|·•/–—-]$")


def _mid_sentence(s: str) -> bool:
    """Ends as a sentence cut off does (a letter, a digit, a comma), and is no Title Case headline."""
    if not s or not (s[-1].isalnum() or s[-1] == ","):
        return False
    words = s.split()
    return len(words) < 3 or sum(w[0].isupper() for w in words) < 0.5 * len(words)


def _continues(a: str, b: str, c: str, chained: bool) -> bool:
    """Is line b the rest of the sentence line a started? a, b and c (the line after b, "" at the
    end or before a blank line) as they came; `chained`: a was itself joined to the line before it."""
    if _CONTINUES.match(b) or (_SEPARATOR.match(b) and c) or _SEPARATOR.match(a):
        return True
    if not _mid_sentence(a):
        return False
    if b[0].islower() and (chained or len(a.split()) >= _FRAGMENT_WORDS or len(b.split()) >= _FRAGMENT_WORDS):
        return True
    # a link or a bold phrase inside a sentence: prose before it or after it, the sentence going on
    return (len(b.split()) <= _INLINE_WORDS and bool(c) and (c[0].islower() or _CONTINUES.match(c) is not None)
            and (chained or len(a.split()) >= _FRAGMENT_WORDS or len(c.split()) >= _FRAGMENT_WORDS))


def rejoin_inline_breaks(lines: list[str]) -> list[str]:
    """Join the pieces of sentences a text-node-per-line rendering cut at their inline elements.

    Only a text with at least _INLINE_MIN lines that start with a comma, a full stop or another mark
    no sentence starts with (after a line that does not end a sentence) is read so: a block per
    line, as bench/flatten.py renders a page, seldom has one. Lowercase lines are joined only to a
    piece of prose (four or more words, not a Title Case headline), so a menu of lowercase items
    stays a line each; a lone separator ("|", "·") joins the items on both sides of it. Lines come
    as normalize_lines gives them; a blank line is never crossed.
    """
    live = [s for s in lines if s]
    cut = sum(1 for a, b in zip(live, live[1:]) if _CONTINUES.match(b) and not ends_sentence(a, CLAUSE_ENDS))
    if cut < _INLINE_MIN:
        return lines
    out: list[str] = []
    chained = False
    for i, s in enumerate(lines):
        if s and i and lines[i - 1] and _continues(lines[i - 1], s, lines[i + 1] if i + 1 < len(lines) else "",
                                                    chained):
            out[-1] += ("" if _CONTINUES.match(s) else " ") + s
            chained = not (_SEPARATOR.match(s) or _SEPARATOR.match(lines[i - 1]))  # items, not a sentence
            continue
        chained = False
        out.append(s)
    return out


# a terminal browser's dump (lynx -dump, elinks -dump, w3m with link numbers): each link's
# text after a [n] mark, and at the end a "References" heading over the links' addresses, a
# line each, numbered "n. address" (lynx, elinks) or "[n] address" (w3m); lynx parts them into
# visible and hidden links when some links have no text
_DUMP_HEADING = re.compile(r"references:?$", re.I)
_DUMP_PART = re.compile(r"(?:visible|hidden) links:?$", re.I)
# a numbered line of the list; most must be one address each (one token: a dump lists a link's
# address as the page wrote it when it does not know the page's own, "#top", "../about.html")
_DUMP_REFERENCE = re.compile(r"(?:(\d+)\.|\[(\d+)\])(?:\s+(\S.*))?$")
_DUMP_MARK = re.compile(r"\[(\d{1,5})\]")
_DUMP_AFTER = frozenset(" ,.;:!?)]}")  # what follows a citation or an index, not a link's text
_DUMP_MIN_LINKS = 3  # fewer numbered addresses say nothing of how the text was made


def _dump_references(lines: list[str]) -> tuple[int, list[int]]:
    """Where a dump's list of link addresses starts (its heading) and the numbers of the links
    it lists as visible, in order; (len(lines), []) when the text does not end in one."""
    numbers: list[int] = []
    hidden = 0  # the numbers listed under "Hidden links:" (links without text: no mark in the text)
    addresses = pieces = 0
    for i in range(len(lines) - 1, -1, -1):
        s = lines[i]
        if not s:
            continue
        m = _DUMP_REFERENCE.match(s)
        if m:
            numbers.append(int(m.group(1) or m.group(2)))
            addresses += m.group(3) is not None and " " not in m.group(3)
        elif _DUMP_PART.match(s):
            if s[0] in "Hh":
                hidden = len(numbers)
        elif " " not in s and not _DUMP_HEADING.match(s):
            pieces += 1  # the rest of an address broken over lines
        elif (_DUMP_HEADING.match(s) and len(numbers) - hidden >= _DUMP_MIN_LINKS
              and 2 * addresses >= len(numbers) and 10 * pieces <= len(numbers)):
            numbers.reverse()
            if all(a < b for a, b in zip(numbers, numbers[1:])):
                return i, numbers[:len(numbers) - hidden]
            break
        else:
            break
    return len(lines), []


def _dump_marks(lines: list[str], listed: frozenset[int]) -> tuple[dict[int, list[tuple[int, int]]], int, int]:
    """line -> the spans of its [n] marks that number the dump's links: listed numbers that rise
    through the text (a number not above the last mark's is the page's own text); how many [n]
    of listed numbers the text holds in all; and how many of the rising marks stand as a link's
    mark does, after a space or glued to the link's text ("read the [12]report"), not as a
    citation or an index does, glued to the word before and not the one after ("in 2010.[3] The",
    "a[1], b")."""
    spans: dict[int, list[tuple[int, int]]] = {}
    last = seen = loose = 0
    for i, s in enumerate(lines):
        if "[" not in s:
            continue
        for m in _DUMP_MARK.finditer(s):
            n = int(m.group(1))
            if n in listed:
                seen += 1
                if n > last:
                    spans.setdefault(i, []).append(m.span())
                    last = n
                    a, b = m.span()
                    loose += (a == 0 or s[a - 1] == " ") or (b < len(s) and s[b] not in _DUMP_AFTER)
    return spans, seen, loose


@dataclass(frozen=True)
class LinkDump:
    """A terminal browser's dump of a page: where its list of the links' addresses starts (the
    "References" heading) and the numbers it lists."""

    start: int
    numbers: frozenset[int]

    def plain(self, lines: list[str]) -> list[str]:
        """The dump's text above the list (after unwrapping) with its [n] link marks taken out."""
        out = list(lines)
        for i, spans in _dump_marks(lines, self.numbers)[0].items():
            s = lines[i]
            for a, b in reversed(spans):
                s = s[:a] + s[b:]
            out[i] = normalize_line(s)
        return out


def link_dump(lines: list[str]) -> LinkDump | None:
    """The text read as a terminal browser's dump (lynx -dump, elinks, w3m with link numbers),
    or None.

    A dump ends in a "References" list of numbered addresses, and its text numbers the links
    [n] in the order they come, each mark before the link's text: only a text with both is read
    as a dump, three or more marks of listed numbers rising through the text, most of its marks
    of listed numbers among them (citations repeat) and most of those standing as a link's mark
    does (a citation ends its sentence: "in 2010.[3] The"). So "[1]" citations in prose and code
    like a[0] stay, as do a dumped page's own bracketed numbers (a Wikipedia page's citations are
    links: "[23][1]" loses the mark, keeps the citation). Ask before unwrapping: the list of
    addresses was never wrapped, and a wrapper's line lengths include the marks.
    """
    start, numbers = _dump_references(lines)
    if not numbers:
        return None
    listed = frozenset(numbers)
    spans, seen, loose = _dump_marks(lines[:start], listed)
    rising = sum(map(len, spans.values()))
    if rising < _DUMP_MIN_LINKS or 2 * rising < seen or 2 * loose < rising:
        return None
    return LinkDump(start, listed)

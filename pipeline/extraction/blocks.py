"""A page's visible text blocks, each with what its place in the DOM says about it.

The boilerplate model decides per block, so a block must carry the signals a person uses to
tell a menu from a paragraph without reading it: its tag and the tags and class/id words
around it (nav, footer, share, comment ...), how much of it is link text, how long and how
sentence-like it is, where on the page it sits (before or after the article), whether
trafilatura kept it, and what the other blocks of its shape (same tags and classes: a list's
items, a teaser grid, an article's paragraphs) are like. One walk of the tree gathers them;
nothing here reads a page's words beyond counting them.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

import numpy as np
import regex
from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.dates import has_digit
from cleancorpus.pipeline.extraction.parse import deep_recursion
from cleancorpus.pipeline.words import count_words

_SKIP = frozenset({"script", "style", "template", "head", "iframe", "object", "canvas",
                   "select", "option", "button", "input", "textarea"})
# walked for what the parser nested in them, their own text dropped: an <svg/> written self-closing
# holds the rest of the page in an HTML parse; <noscript> holds what crawlers are served (forums)
_OPAQUE = frozenset({"svg", "symbol", "noscript"})
_BLOCK = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table", "pre",
    "blockquote", "section", "article", "header", "footer", "nav", "aside", "figcaption", "figure", "dt", "dd",
    "dl", "main", "form", "address", "br", "hr", "title", "body", "center", "caption", "details", "summary",
})

# class/id words, by the role they usually name; matched at the start of a word ("navbar", "comments")
_ROLE_WORDS: dict[str, str] = {
    "nav": r"nav|menu|breadcrumb|pagination|pager|toolbar|skip",
    "header": r"header|masthead|topbar|top-bar",
    "footer": r"footer|copyright|colophon|bottom",
    "side": r"sidebar|side|widget|aside|rail",
    "comment": r"comment|disqus|respond|reply|discussion",
    "share": r"share|sharing|social|follow|facebook|twitter|whatsapp|pinterest",
    "related": r"related|recommend|popular|trending|read-?next|more|also|teaser|card",
    "ad": r"ad(?:s|vert\w*|unit|slot|box|container)?(?![a-z])|promo|sponsor|dfp|banner|outbrain|taboola",
    "meta": r"author|byline|date|time|meta|posted|tag|categor|publish",
    "caption": r"caption|credit|figure|photo|image|gallery|media|video",
    "content": r"article|content|post|entry|story|body|text|main|prose|blog",
    "hidden": r"hidden|hide|sr-only|visually-hidden|screen-reader|offscreen",
    "notice": r"cookie|consent|gdpr|newsletter|subscri|signup|sign-up|modal|popup|overlay|alert|banner",
    "title": r"title|headline|heading",
}
ROLES = tuple(_ROLE_WORDS)
# one pass over a class string finds every role it names (the first role listed wins a word two name)
_ROLES_RX = regex.compile("(?<![a-z])(?:" + "|".join(f"(?P<{r}>{rx})" for r, rx in _ROLE_WORDS.items()) + ")")
# the same pattern for lowercased ASCII strings, where regex's \w is [a-z0-9_]
_ROLES_ASCII = re.compile(_ROLES_RX.pattern.replace(r"\w*", "[a-z0-9_]*"))
_ROLE_BIT = {r: 1 << i for i, r in enumerate(_ROLE_WORDS)}
# ancestors whose tag alone says something
_TAG_ROLES = ("nav", "header", "footer", "aside", "article", "main", "form", "li", "figure", "table",
              "blockquote", "pre", "a", "noscript", "svg")
_TAG_BIT = {t: 1 << (len(ROLES) + i) for i, t in enumerate(_TAG_ROLES)}
_TAG_BIT["figcaption"] = _TAG_BIT["figure"]
_TAG_BIT["code"] = _TAG_BIT["pre"]
_TAG_BIT["td"] = _TAG_BIT["th"] = _TAG_BIT["table"]
_TAG_BIT["symbol"] = _TAG_BIT["svg"]
N_FLAGS = len(ROLES) + len(_TAG_ROLES)
# above the flags the model reads: inside a dialog (a <dialog>, or a container whose role says dialog:
# aria-modal="true" is only valid beside that role), for the page.dialog rule (dialogs.py). The role is
# read on container tags alone: this walk reads every element of every page
DIALOG_BIT = 1 << N_FLAGS
_TAG_BIT["dialog"] = DIALOG_BIT
_DIALOG_TAGS = frozenset({"div", "section", "aside"})
_DIALOG_ROLES = frozenset({"dialog", "alertdialog"})
# ASP.NET WebForms wraps a whole page in one <form> for its postbacks, its state in a hidden input:
# that form is no form the reader fills in, and the `form` flag on every block misled the model
_POSTBACK_STATE = './/input[@name="__VIEWSTATE"]'
_ROLE_FLAGS = (1 << len(ROLES)) - 1
# the block's own tag, as a small number of kinds
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KINDS = ("p", "h", "li", "td", "div", "pre", "quote", "caption", "dd", "other")
_KIND_OF = {"p": 0, "h1": 1, "h2": 1, "h3": 1, "h4": 1, "h5": 1, "h6": 1, "li": 2, "td": 3, "th": 3, "div": 4,
            "section": 4, "article": 4, "main": 4, "pre": 5, "blockquote": 6, "figcaption": 7, "caption": 7,
            "dd": 8, "dt": 8}


def kind_of(tag: str) -> int:
    """The Block.kind of a block element with this tag."""
    return _KIND_OF.get(tag, len(_KINDS) - 1)


_NUMBERED = regex.compile(r"\S*\d\S*")
_NONE = ("", "")  # the tag and class of no element


@lru_cache(maxsize=8192)
def _shape_class(cls: str) -> str:
    """A class string without its numbered words ("post-1234"), so a list's items share a shape."""
    return _NUMBERED.sub("", cls) if has_digit(cls) else cls


@lru_cache(maxsize=16384)
def _role_bits(attrs: str) -> int:
    """Role flags of one class or id string, in one scan of the whole string.

    An element's class and its id are looked up apart (their flags are the union: no role word
    spans a space): class strings repeat across a page's elements and a site's pages, ids mostly
    do not. Most strings are ASCII, which the standard library's engine scans several times
    faster than `regex` with the same pattern; `regex` keeps the rest, whose word characters the
    two engines count differently.
    """
    low = attrs.lower()
    bits = 0
    for m in (_ROLES_ASCII if low.isascii() else _ROLES_RX).finditer(low):
        bits |= _ROLE_BIT[m.lastgroup]
    return bits


@dataclass(slots=True)
class Block:
    text: str
    kind: int  # index into _KINDS
    heading: int  # 1-6 for h1-h6, else 0
    flags: int  # role and ancestor-tag bits
    depth: int
    link_chars: int
    path: tuple[int, ...]  # serial numbers of the block-level elements it sits in, outermost first
    shape: int = 0  # hash of its element's and the enclosing block element's tags and classes (numbers dropped)


PROSE_WORDS = 20  # a block of prose: this many words, under half of them link text


def mostly_links(block: Block) -> bool:
    """Whether half of the block's text or more is link text."""
    return 2 * block.link_chars >= len(block.text)


def is_prose(block: Block) -> bool:
    """Whether the block reads as a paragraph of the article's prose, not a label, a menu or a link:
    where the rules after the model place the article's start and end (menus.py, related.py, page_end.py)."""
    return not mostly_links(block) and count_words(block.text) >= PROSE_WORDS


def runs(flags: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """The maximal runs of consecutive true flags, as (start, end) indexes: the blocks of a list
    the rules after the model take or leave together (menus.py, contents.py)."""
    start = 0
    for flag, group in groupby(flags):
        end = start + sum(1 for _ in group)
        if flag:
            yield start, end
        start = end


def kept_beside(keep: Sequence[bool], start: int, end: int) -> bool:
    """Whether the block just above blocks[start:end] or the one just below is kept."""
    return (start > 0 and keep[start - 1]) or (end < len(keep) and keep[end])


def has_role(block: Block, role: str) -> bool:
    """Whether a class or id word of the block's element or an ancestor's names this role (ROLES)."""
    return bool(block.flags & _ROLE_BIT[role])


def names_roles(blocks: list[Block]) -> bool:
    """Whether the page's markup gives any block a role by a class or id word of its own or an
    ancestor's. A page whose markup names nothing (CSS-in-JS hashes, bare or table layouts) leaves
    the boilerplate model without the signal it leans on most (bench/README, old_markup rows)."""
    return any(b.flags & _ROLE_FLAGS for b in blocks)


def page_blocks(root: HtmlElement, classes: list[str] | None = None, texts: list[str] | None = None) -> list[Block]:
    """Every visible text block of the page in document order (the <body>, or the whole tree).

    The text of a block gathers in `buf` until the next block boundary. Whitespace that would
    open a block is not gathered (the block's text drops it anyway), so the boundaries between
    blocks, mostly separated by indentation alone, cost no flush; its link characters still
    count, as they always did.

    `classes`, when given, gets the class value of every element the walk starts at or holds,
    skipped ones too, in document order (what `start.iter()` would read): the page-type
    features count them, and this walk already reads most of them. `texts` likewise gets the
    text nodes of what the walk starts at, without that element's tail (what the XPath
    `.//text()` from it gives), for the page-type features' text statistics.
    """
    body = root.find("body")
    out: list[Block] = []
    seen = classes if classes is not None else []
    nodes = texts if texts is not None else []
    buf: list[str] = []
    link = 0
    serial = 0

    def flush(ctx: tuple) -> None:
        nonlocal link
        text = " ".join("".join(buf).split())
        if text:
            kind, heading, flags, depth, path, own, up = ctx
            shape = hash((own[0], _shape_class(own[1]), up[0], _shape_class(up[1])))
            out.append(Block(text, kind, heading, flags, depth, min(link, len(text)), path, shape))
        buf.clear()
        link = 0

    def walk(el: HtmlElement, flags: int, depth: int, ctx: tuple, in_link: bool) -> None:
        nonlocal link, serial
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP:
            tail = el.tail
            if tail:
                nodes.append(tail)
                if buf or not tail.isspace():
                    buf.append(tail)
                if in_link:
                    link += len(tail)
            return
        cls = el.get("class")
        if cls is not None:
            seen.append(cls)
            if cls:
                flags |= _role_bits(cls)
        else:
            cls = ""
        ident = el.get("id")
        if ident:
            flags |= _role_bits(ident)
        if tag != "form" or el.find(_POSTBACK_STATE) is None:
            flags |= _TAG_BIT.get(tag, 0)
        inner_link = in_link or tag == "a"
        block = tag in _BLOCK
        if tag in _DIALOG_TAGS and el.get("role") in _DIALOG_ROLES:
            flags |= DIALOG_BIT
        if block:
            if buf:
                flush(ctx)
            else:
                link = 0
            serial += 1
            ctx = (_KIND_OF.get(tag, 9), int(tag[1]) if tag in _HEADINGS else 0, flags, depth, ctx[4] + (serial,),
                   (tag, cls), ctx[5])
        text = el.text
        if text:
            nodes.append(text)
            if tag not in _OPAQUE:
                if buf or not text.isspace():
                    buf.append(text)
                if inner_link:
                    link += len(text)
        for child in el:
            # most elements are inline leaves (a link, a <span>, an <img>) or skipped ones: their
            # text and tail are gathered here, not by a call of walk (their flags would go unread).
            # The gathering is written out where it happens, not called: a helper for it cost 5%
            # of this walk, which runs over every element of every page
            ctag = child.tag
            if isinstance(ctag, str) and ctag not in _SKIP:
                if ctag in _BLOCK or len(child):
                    walk(child, flags, depth + 1, ctx, inner_link)
                    continue
                if (c := child.get("class")) is not None:
                    seen.append(c)
                text = child.text
                if text:
                    nodes.append(text)
                    if ctag not in _OPAQUE:
                        if buf or not text.isspace():
                            buf.append(text)
                        if inner_link or ctag == "a":
                            link += len(text)
            elif isinstance(ctag, str):  # skipped: its text is not the page's, its classes and text nodes are
                seen.extend(c for d in child.iter() if (c := d.get("class")) is not None)
                nodes.extend(child.itertext())
            tail = child.tail
            if tail:
                nodes.append(tail)
                if buf or not tail.isspace():
                    buf.append(tail)
                if inner_link:
                    link += len(tail)
        if block:
            if buf:
                flush(ctx)
            else:
                link = 0
        tail = el.tail
        if tail:
            nodes.append(tail)
            if buf or not tail.isspace():
                buf.append(tail)
            if in_link:
                link += len(tail)

    start = body if body is not None else root
    with deep_recursion():  # one call a level of nesting
        walk(start, 0, 0, (9, 0, 0, 0, (), _NONE, _NONE), False)
    if start.tail:  # read by the walk as the end of its last block, but not a text node of `start`
        nodes.pop()
    flush((9, 0, 0, 0, (), _NONE, _NONE))
    return out


_WORD = regex.compile(r"\w+")
_WORD_ASCII = re.compile(r"\w+")  # the same words in an ASCII string, by the standard library's faster engine
_SENTENCE_END = frozenset(".!?:\"'”’)")
# function words of the languages most pages are in: a share of them marks running prose
_STOPWORDS = frozenset("""
the a an and or but of to in on at for with from by as is are was were be been has have had it its this that
these those he she they we you i his her their our your not no can will would could should may do does did so
if than then there which who whom what when where how all also into about after over more most one
der die das und ist nicht ein eine mit von zu den im für auf dem des sich
le la les et est des une un du en dans pour que qui pas sur au
el los las y es una por con para del se que lo
il di che è per una con non sono
de het een en van is dat op te
""".split())

FEATURES: tuple[str, ...] = (
    ("log_chars", "words", "link_share", "end_punct", "commas_per_word", "stop_share", "digit_share",
     "upper_share", "mean_word_len", "call_to_action", "money", "exclaims", "reader_words", "kind", "heading", "depth", "position", "char_position", "in_traf",
     "prev_in_traf", "next_in_traf", "near_in_traf", "prev_link_share", "next_link_share", "prev_log_chars",
     "next_log_chars", "page_log_chars", "traf_share", "page_blocks", "same_kind_run", "text_repeats",
     "traf_word_share", "in_traf_span", "traf_distance", "in_main_container", "main_container_share",
     "parent_traf_share", "parent_link_share", "parent_log_blocks", "grandparent_traf_share",
     "grandparent_link_share", "before_article", "after_article", "shape_log_count", "shape_traf_share",
     "shape_link_share", "shape_log_chars", "next5_link_share")
    + tuple(f"role_{r}" for r in ROLES) + tuple(f"in_{t}" for t in _TAG_ROLES)
)


_DIGIT = regex.compile(r"\d")
_CAPITALISED = regex.compile(r"(?<!\S)\p{Lu}")
# what promotions, sign-up boxes and share bars say first: an imperative addressed to the reader
_CTA_VERBS = frozenset("""
get join subscribe sign signup register download buy shop order book try start learn discover explore read watch
listen follow share like click tap call contact request claim save grab compare see view find browse check
""".split())
_READER_WORDS = frozenset("you your yours we our us".split())
_MONEY = regex.compile(r"[$€£¥₹]\s?\d|\d\s?%|\bfree\b", regex.IGNORECASE)
_MONEY_HINT = re.compile("[$€£¥₹%]")  # _MONEY can only match a text that has one of these, or "free"


def _column(values: list) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def _text_stats(texts: list[str], lows: list[str], log_chars: list[float]) -> np.ndarray:
    """The columns of FEATURES read from a block's own text, log_chars to reader_words (link_share
    left 0), a list each, counted by regex and set lookups in C: this runs for every block of
    every page."""
    words = [len(t.split()) for t in texts]
    n = _column([w or 1 for w in words])
    chars = _column([len(t) or 1 for t in texts])
    lowered = [(_WORD_ASCII if low.isascii() else _WORD).findall(low) for low in lows]
    return np.column_stack([
        log_chars, _column(words), np.zeros(len(texts)), _column([t[-1] in _SENTENCE_END for t in texts]),
        _column([t.count(",") for t in texts]) / n,
        _column([sum(map(_STOPWORDS.__contains__, w)) for w in lowered]) / n,
        _column(list(map(len, map(_DIGIT.findall, texts)))) / chars,
        _column(list(map(len, map(_CAPITALISED.findall, texts)))) / n,
        (chars - n + 1) / n,
        _column([bool(w) and w[0] in _CTA_VERBS for w in lowered]),
        _column([bool(_MONEY.search(t)) if "free" in low or _MONEY_HINT.search(t) else False
                 for t, low in zip(texts, lows)]),
        _column(["!" in t for t in texts]),
        _column([sum(map(_READER_WORDS.__contains__, w)) for w in lowered]) / n,
    ])


def _shifted(a: np.ndarray, by: int, fill: float) -> np.ndarray:
    """a moved `by` places later (by > 0: each block sees the one before it), `fill` at the edge."""
    out = np.full_like(a, fill)
    if by > 0:
        out[by:] = a[:-by]
    else:
        out[:by] = a[-by:]
    return out


def block_features(blocks: list[Block], traf_text: str) -> np.ndarray:
    """One row of FEATURES per block. `traf_text` is trafilatura's extraction of the same page.

    Column-wise in numpy where a feature is arithmetic on per-block numbers, per block in Python
    only where it reads the text: this runs on every block of every page.
    """
    n = len(blocks)
    if not n:
        return np.zeros((0, len(FEATURES)))
    texts = [b.text for b in blocks]
    traf = " ".join(traf_text.split())
    traf_lines = {" ".join(line.split()) for line in traf_text.splitlines()}
    in_traf_list = _kept_by(texts, traf, traf_lines)
    in_traf = np.array(in_traf_list)
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    total = int(lengths.sum()) or 1
    link_share = np.array([b.link_chars for b in blocks], dtype=np.float64) / np.maximum(lengths, 1)
    log_list = [math.log1p(len(t)) for t in texts]
    log_chars = np.array(log_list)
    hits = np.flatnonzero(in_traf)
    first, last = (hits[0], hits[-1]) if len(hits) else (n, -1)
    index = np.arange(n)
    window = np.concatenate(([0.0], np.cumsum(in_traf)))
    lo, hi = np.maximum(0, index - 3), np.minimum(n, index + 4)
    kind_list = [b.kind for b in blocks]
    kinds = np.array(kind_list)
    counts = Counter(texts)
    lows = [t.lower() for t in texts]
    stats = _text_stats(texts, lows, log_list)
    stats[:, 2] = link_share
    box = _Containers(blocks, in_traf_list)
    flags = np.array([b.flags for b in blocks], dtype=np.int64)
    columns = [
        kinds, [b.heading for b in blocks], [b.depth for b in blocks], index / n,
        (np.cumsum(lengths) - lengths) / total, in_traf, _shifted(in_traf, 1, 0.0), _shifted(in_traf, -1, 0.0),
        (window[hi] - window[lo]) / (hi - lo), _shifted(link_share, 1, 1.0), _shifted(link_share, -1, 1.0),
        _shifted(log_chars, 1, 0.0), _shifted(log_chars, -1, 0.0),
        np.full(n, math.log1p(total)), np.full(n, len(traf) / total), np.full(n, math.log1p(n)), _runs(kind_list),
        [counts[t] - 1 for t in texts], _traf_word_shares(texts, lows, in_traf_list, set(traf.lower().split())),
        (index >= first) & (index <= last), _distances(in_traf_list),
    ]
    rows = box.rows(blocks)
    return np.column_stack([stats, np.array(columns, dtype=np.float64).T, rows,
                            _relations(blocks, rows[:, 0], in_traf, link_share, log_chars),
                            (flags[:, None] >> np.arange(N_FLAGS) & 1).astype(np.float64)])


def _relations(blocks: list[Block], in_main: np.ndarray, in_traf: np.ndarray, link_share: np.ndarray,
               log_chars: np.ndarray) -> np.ndarray:
    """How a block stands to the rest of the page: before or after the article (its main container,
    else trafilatura's first and last kept block), and what the blocks of its shape (the same tags and
    classes, a list's items, an article's paragraphs) are like together: how many, kept by
    trafilatura, link text, length. Then the link share of the five blocks after it (a heading over
    a link list)."""
    n = len(blocks)
    index = np.arange(n)
    hits = np.flatnonzero(in_main)
    if not len(hits):
        hits = np.flatnonzero(in_traf)
    first, last = (hits[0], hits[-1]) if len(hits) else (n, -1)
    _, inverse, counts = np.unique(np.array([b.shape for b in blocks], dtype=np.int64), return_inverse=True,
                                   return_counts=True)
    cum = np.concatenate(([0.0], np.cumsum(link_share)))
    hi = np.minimum(n, index + 6)
    nxt = np.where(hi > index + 1, (cum[hi] - cum[index + 1]) / np.maximum(hi - index - 1, 1), 1.0)
    return np.column_stack([
        (index < first).astype(np.float64), (index > last).astype(np.float64), np.log1p(counts[inverse]),
        np.bincount(inverse, in_traf)[inverse] / counts[inverse],
        np.bincount(inverse, link_share)[inverse] / counts[inverse],
        np.bincount(inverse, log_chars)[inverse] / counts[inverse], nxt,
    ])


def _runs(kinds: list[int]) -> list[float]:
    """How many blocks in a row, this one the last, are of its kind."""
    out = [1.0] * len(kinds)
    for i in range(1, len(kinds)):
        if kinds[i] == kinds[i - 1]:
            out[i] = out[i - 1] + 1
    return out


def _traf_word_shares(texts: list[str], lows: list[str], in_traf: list[float], traf_words: set[str]) -> list[float]:
    """Share of a block's words that trafilatura's text has; a short block counts as kept or not."""
    out = []
    for t, low, kept in zip(texts, lows, in_traf):
        words = low.split() if len(t) >= _SHORT else ()
        out.append(sum(map(traf_words.__contains__, words)) / len(words) if words else kept)
    return out


class _Containers:
    """What the elements around a block hold: an article's paragraphs share a container with the
    rest of the article, a menu item shares one with links, a comment with other comments."""

    def __init__(self, blocks: list[Block], in_traf: list[float]) -> None:
        # each block's numbers go to its own element, then every element adds itself to its parent,
        # deepest first (serial numbers are in document order, so a parent's is below its children's)
        parent: dict[int, int] = {}
        depth: dict[int, int] = {}
        chars: dict[int, int] = {}
        kept: dict[int, int] = {}
        links: dict[int, int] = {}
        count: dict[int, int] = {}
        for b, t in zip(blocks, in_traf):
            if not b.path:
                continue
            leaf, size = b.path[-1], len(b.text)
            if leaf not in depth:
                for d in range(len(b.path) - 1, -1, -1):
                    a = b.path[d]
                    if a in depth:
                        break
                    depth[a] = d
                    chars[a] = kept[a] = links[a] = count[a] = 0
                    if d:
                        parent[a] = b.path[d - 1]
            chars[leaf] += size
            links[leaf] += b.link_chars
            count[leaf] += 1
            if t:
                kept[leaf] += size
        for a in sorted(parent, reverse=True):
            up = parent[a]
            chars[up] += chars[a]
            links[up] += links[a]
            count[up] += count[a]
            kept[up] += kept[a]
        total_kept = sum(len(b.text) for b, t in zip(blocks, in_traf) if t)
        main = [a for a, k in kept.items() if k and k >= 0.8 * total_kept] if total_kept else []
        self.main = max(main, key=depth.__getitem__) if main else -1
        self.main_share = chars.get(self.main, 0) / (sum(len(b.text) for b in blocks) or 1)
        self.chars, self.kept, self.links, self.count = chars, kept, links, count

    def _shares(self, elements: list[int | None], of: dict[int, int]) -> np.ndarray:
        chars = self.chars
        return _column([of.get(a, 0) / (chars.get(a, 0) or 1) if a is not None else 0.0 for a in elements])

    def rows(self, blocks: list[Block]) -> np.ndarray:
        """A row a block, a column a feature, list by list: in the main container, the main
        container's share of the page, the parent's kept and link shares and its blocks (log),
        the grandparent's kept and link shares."""
        parents = [b.path[-2] if len(b.path) > 1 else None for b in blocks]
        grands = [b.path[-3] if len(b.path) > 2 else None for b in blocks]
        count = self.count
        return np.column_stack([
            _column([self.main in b.path for b in blocks]), np.full(len(blocks), self.main_share),
            self._shares(parents, self.kept), self._shares(parents, self.links),
            _column([math.log1p(count.get(a, 0)) if a else 0.0 for a in parents]),
            self._shares(grands, self.kept), self._shares(grands, self.links),
        ])


_SHORT = 25  # characters: a block this short is a menu item or a label more often than a sentence


def _kept_by(texts: list[str], traf: str, traf_lines: set[str]) -> list[float]:
    """Did trafilatura keep each block? A short one only counts as a whole line of its output:
    "Video" inside "a video address" is not the menu item kept."""
    # a whole line of the output is in it too: the set answers most kept blocks before the scan
    return [float(t in traf_lines) if len(t) < _SHORT else float(t in traf_lines or t in traf) for t in texts]


def _distances(hits: list[float], cap: int = 50) -> list[float]:
    """Blocks to the nearest block trafilatura kept, either way (cap when none is near)."""
    n = len(hits)
    out = [float(cap)] * n
    last = -cap
    for i in range(n):
        if hits[i]:
            last = i
        out[i] = float(min(cap, i - last))
    last = n + cap
    for i in range(n - 1, -1, -1):
        if hits[i]:
            last = i
        out[i] = min(out[i], float(min(cap, last - i)))
    return out

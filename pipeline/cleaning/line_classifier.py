"""Content-or-boilerplate for the lines of flat text, from evidence flat text still has.

The model is jusText's: classify each block by length, stopword density and link density,
then let context decide the short ones (a short line between two content paragraphs is a
heading; a short line among menu items is a menu item). Stopword lists come from jusText,
chosen by the document's language, so German or Spanish prose is not mistaken for a menu.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from cleancorpus.pipeline.cleaning.lineshape import CLAUSE_ENDS, ends_sentence, word_count
from cleancorpus.pipeline.extraction.dates import has_digit
from cleancorpus.pipeline.words import cjk_words, has_cjk

# classes as one character each: a page's classes are a str, and the context steps find runs
# and neighbours with regex and str.find at C speed instead of a Python step per line
GOOD, BAD, SHORT, NEAR, OUTSIDE = "g", "b", "s", "n", "o"  # OUTSIDE: good, but not in the article's block
NAMES = {GOOD: "good", BAD: "bad", SHORT: "short", NEAR: "near", OUTSIDE: "outside_main"}
_LANG_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "ru": "Russian", "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal",
    "fi": "Finnish", "cs": "Czech", "tr": "Turkish", "ro": "Romanian", "hu": "Hungarian", "uk": "Ukrainian",
    "id": "Indonesian", "ms": "Malay", "ko": "Korean", "vi": "Vietnamese", "ar": "Arabic", "el": "Greek",
    "he": "Hebrew", "hi": "Hindi", "bg": "Bulgarian", "hr": "Croatian", "sk": "Slovak", "sl": "Slovenian",
    "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "ca": "Catalan", "gl": "Galician", "eu": "Basque",
    "tl": "Tagalog", "fa": "Persian", "sr": "Serbian", "bn": "Bengali", "ta": "Tamil", "ur": "Urdu", "sw": "Swahili",
}
# the standard library's re is Unicode-aware for str and about twice as fast as `regex` on
# these simple patterns; [^\W_] is a letter or digit of any script
_WORD = re.compile(r"[^\W_][\w'’-]*")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|(?<!\w)@\w{2,}|#\w{2,}")


@lru_cache(maxsize=64)
def stoplist(lang: str | None) -> frozenset[str]:
    """jusText's stopwords for the language; empty when it has none (e.g. Japanese, Chinese)."""
    import justext

    name = _LANG_NAMES.get(lang or "en")
    if name is None:
        return frozenset()
    try:
        return frozenset(justext.get_stoplist(name))
    except ValueError:
        return frozenset()


@dataclass(frozen=True)
class LineFeatures:
    chars: int
    words: int
    stop_density: float
    link_density: float
    sentence_end: bool
    caps_ratio: float
    digits: bool = False  # holds a digit: dates, quantities, ranks (list items rather than menu entries)


# language -> line -> (features, initial class, list item?, heading-shaped?, the parameters
# these were judged under). Menus and footers repeat across a site's pages: each distinct
# line is measured and judged once.
_Entry = tuple["LineFeatures", str, bool, bool, "ClassifierParams"]
_FEATURE_CACHE: dict[str | None, dict[str, _Entry]] = {}
_CACHE_LINES = 50_000


def _line_entry(line: str, lang: str | None, p: "ClassifierParams") -> _Entry:
    cache = _FEATURE_CACHE.setdefault(lang, {})
    e = cache.get(line)
    f = e[0] if e is not None else features(line, stoplist(lang))
    if len(cache) >= _CACHE_LINES:
        cache.clear()
    e = cache[line] = (f, initial_class(f, p), _list_item(f, p), f.words <= 12 and not f.sentence_end, p)
    return e


def _entries(lines: list[str], lang: str | None, p: "ClassifierParams") -> list[_Entry]:
    """Each line's entry, from the cache when it was judged under p."""
    cached = _FEATURE_CACHE.setdefault(lang, {}).get  # a hit without a call: most lines of a run are repeats
    return [e if (e := cached(s)) is not None and e[4] is p else _line_entry(s, lang, p) for s in lines]


def features(line: str, stops: frozenset[str]) -> LineFeatures:
    words = _WORD.findall(line.replace("_", " ") if "_" in line else line)  # \w holds "_", a word split
    # Chinese and Japanese characters are words each (a sentence of them is one \w run)
    k = len(words)
    n = cjk_words(line) if has_cjk(line) else k
    link_chars = sum(len(m) for m in _URL.findall(line)) if _may_link(line) else 0
    caps = sum(map(str.isupper, [w[0] for w in words]))
    if stops:
        density = sum(map(stops.__contains__, map(str.lower, words))) / k if k else 0.0
    else:  # no stoplist for this language: length and punctuation decide alone
        density = 1.0 if k else 0.0
    return LineFeatures(
        chars=len(line), words=n, stop_density=density,
        link_density=link_chars / max(len(line), 1), sentence_end=ends_sentence(line, CLAUSE_ENDS),
        caps_ratio=caps / k if k else 0.0, digits=has_digit(line),
    )


def _may_link(line: str) -> bool:
    return "@" in line or "#" in line or "://" in line or "www." in line


@dataclass(frozen=True)
class ClassifierParams:
    length_low: int = 70
    length_high: int = 200
    stopwords_low: float = 0.30
    stopwords_high: float = 0.32
    max_link_density: float = 0.2
    menu_run: int = 4  # this many short lines in a row are a menu or a link list, whatever surrounds them
    # the first block of prose is the article when it has this share of the biggest block's weight
    first_block_share: float = 0.2
    main_gap: int = 10  # this many non-content lines in a row separate the article from other prose
    # a list in the article: at least this many lines in a row, each of 3+ words holding a digit
    # (tour dates, ingredients, standings), right under prose; 0 turns the rule off
    list_run: int = 4
    # inside the article's block, items after a timestamp line weighing less than this share of
    # the heaviest item are teasers or comments, not the article (0 turns the split off)
    item_share: float = 0.5
    # join blocks across gaps that weigh less than the text they join (see _stretches)
    join_blocks: bool = False
    join_gap_weight: float = 1.5  # a gap's characters count this many times against the text it joins
    # a block under this share of the heaviest block's score joins nothing (a bio, a disclaimer, a promo)
    join_min_share: float = 0.15
    join_keep_labels: bool = False  # keep a joined article's short lines that head no prose (see classify_lines)
    # the keep-all fallback (see fallback): also when the lines kept hold fewer words than this (0: only
    # when no line is good), and what it leaves out of a menu run: lines with this share of capitalised words
    fallback_words: int = 30
    fallback_menu_caps: float = 1.0
    fallback_drop_bad: bool = True  # the fallback leaves out lines bad on their own
    fallback_whole: bool = True  # ... unless fewer than fallback_words words would be left: then it keeps all
    fallback_min_chars: int = 200  # a text shorter than this gets no fallback


def initial_class(f: LineFeatures, p: ClassifierParams) -> str:
    if f.link_density > p.max_link_density:
        return BAD
    if f.chars < p.length_low:
        # a short line with a sentence's shape is a candidate, not a verdict
        if f.words >= 6 and f.sentence_end and f.stop_density >= p.stopwords_low:
            return NEAR
        return SHORT
    if f.stop_density >= p.stopwords_high:
        return GOOD if f.chars > p.length_high or f.sentence_end else NEAR
    if f.stop_density >= p.stopwords_low:
        return NEAR
    if f.words >= 10 and f.sentence_end:
        # prose with few stopwords (spun text, lists of names): let the neighbours decide
        return NEAR
    return BAD


@lru_cache(maxsize=8)
def _run_of(code: str, at_least: int) -> re.Pattern[str]:
    return re.compile(f"{code}{{{max(at_least, 1)},}}")


_HEADING_AT = re.compile(f"(?<!{SHORT}){SHORT}(?={GOOD})")  # a short line under no short line, over good


def _menu_runs(classes: str, p: ClassifierParams) -> str:
    """Flat text has no link density: a run of short lines stands in for it (menus, tag lists)."""
    return _run_of(SHORT, p.menu_run).sub(lambda m: BAD * len(m.group()), classes)


def _list_item(f: LineFeatures, p: ClassifierParams) -> bool:
    """A list entry: a few words with a figure, not a sentence of prose length (a caption)."""
    return f.words >= 3 and f.digits and not (f.sentence_end and f.chars >= p.length_low)


def _article_lists(classes: str, entries: list[_Entry], p: ClassifierParams) -> str:
    """Runs of short data lines (dates, quantities, ranks) right under prose, or under one short
    heading under prose, are a list in the article: near-good, so the menu rule leaves them and
    the context step joins them to the prose above. Menus are words without figures."""
    if p.list_run <= 0 or not any([e[2] for e in entries]):
        return classes
    items = "".join(["1" if e[2] and c != GOOD else "0" for e, c in zip(entries, classes)])
    out = classes
    for m in _run_of("1", p.list_run).finditer(items, 1):  # a run needs a line above it
        a, b = m.span()
        if classes[a - 1] == GOOD or (a >= 2 and classes[a - 1] == SHORT and classes[a - 2] == GOOD):
            out = out[:a] + NEAR * (b - a) + out[b:]
    return out


def _nearest(classes: str, a: int, b: int) -> tuple[str, str]:
    """The nearest good-or-bad class before position a and from position b on (bad past the ends)."""
    before = max(classes.rfind(GOOD, 0, a), classes.rfind(BAD, 0, a))
    after = [j for j in (classes.find(GOOD, b), classes.find(BAD, b)) if j >= 0]
    return (classes[before] if before >= 0 else BAD), (classes[min(after)] if after else BAD)


def smooth(classes: str, entries: list[_Entry], p: ClassifierParams) -> str:
    """jusText's context step: short and near-good lines take the class of their surroundings.

    Each step reads the classes as the step before left them. Lines of one run of short (or
    near-good) lines have the same neighbours, so a run is decided at once.
    """
    c = _menu_runs(_article_lists(classes, entries, p), p)
    # headings: flat text has no <h2>, so a short line counts as a heading (near-good) only when
    # the next line is good content and it is not one of a run of short lines (a menu)
    heads = [m.start() for m in _HEADING_AT.finditer(c) if entries[m.start()][3]]
    for i in heads:
        c = c[:i] + NEAR + c[i + 1:]
    n = len(c)
    out: list[str] = []
    last = 0
    for m in _run_of(SHORT, 1).finditer(c):
        a, b = m.span()
        prev, nxt = _nearest(c, a, b)  # across short and near-good lines
        if prev == GOOD and nxt == GOOD:
            v = GOOD
        elif prev == BAD and nxt == BAD:
            v = BAD
        else:
            prev2, nxt2 = (c[a - 1] if a else BAD), (c[b] if b < n else BAD)  # across short lines only
            v = GOOD if GOOD in (prev2, nxt2) and BAD not in (prev2, nxt2) else BAD
        out += (c[last:a], v * (b - a))
        last = b
    c = "".join(out) + c[last:]
    # near-good lines: no short lines are left, so a run's neighbours are the lines around it
    out, last = [], 0
    for m in _run_of(NEAR, 1).finditer(c):
        a, b = m.span()
        bad = (c[a - 1] if a else BAD) == BAD and (c[b] if b < n else BAD) == BAD
        out += (c[last:a], (BAD if bad else GOOD) * (b - a))
        last = b
    return "".join(out) + c[last:]


_GOOD_AT = re.compile(GOOD)


def main_block(classes: str, feats: list[LineFeatures], p: ClassifierParams,
               comment_start: list[bool] | None = None, item_start: list[bool] | None = None,
               joined: list[int] | None = None) -> tuple[int, int] | None:
    """Span of the article among the content lines.

    Content lines form blocks, split where main_gap or more non-content lines separate them
    (related stories and teasers sit beyond such gaps) and where a line follows comment
    furniture ("name says:", a timestamp line). The article is the block with the most text
    that does not start at comment furniture; with p.join_blocks, blocks are first joined across
    gaps lighter than the text they join (_stretches) and the article is such a stretch; when
    it holds more than one block, its content lines are added to `joined`.
    """
    good = [m.start() for m in _GOOD_AT.finditer(classes)]
    if not good or p.main_gap <= 0:
        return None
    starts_comment = comment_start or [False] * len(classes)
    blocks: list[list[int]] = [[good[0]]]
    for prev, i in zip(good, good[1:]):
        if i - prev - 1 >= p.main_gap or starts_comment[i]:
            blocks.append([i])
        else:
            blocks[-1].append(i)
    candidates = [b for b in blocks if not starts_comment[b[0]]] or blocks

    def score(b: list[int]) -> float:
        # text, weighted by how much of the block's span is content: an article is dense,
        # a teaser list interleaves headlines, bylines and timestamps with its deks
        return sum(feats[i].chars for i in b) * len(b) / (b[-1] - b[0] + 1)

    multi: set[int] = set()  # ids of the stretches that joined blocks
    if p.join_blocks:
        candidates = _stretches(blocks, starts_comment, feats, score, p, multi) or candidates
    best = max(candidates, key=score)
    # the article starts right under the headline: prefer the first block of prose when it is
    # not much smaller than the biggest (teaser lists after an article can outweigh it)
    first = candidates[0]
    if first is not best and score(first) >= p.first_block_share * score(best):
        best = first
    if joined is not None and id(best) in multi:
        joined.extend(best)
    if item_start is not None and p.item_share > 0:
        best = _main_items(best, item_start, score, p.item_share)
    return best[0], best[-1]


def _stretches(blocks: list[list[int]], starts_comment: list[bool], feats: list[LineFeatures],
               score: Callable[[list[int]], float], p: ClassifierParams, multi: set[int]) -> list[list[int]]:
    """The blocks joined into stretches: a block joins the one before it while the text it adds
    outweighs p.join_gap_weight times the characters of the gap between them.

    An article broken up by lists (a specs box, pros and cons, a tools list) is several blocks of
    prose with a run of short lines between each two. Keeping only the heaviest block loses the
    rest of the article, and which block that is changes when a copy of the page is cut short:
    the full page kept its last section, the cut copy its lead, and the two shared nothing.
    Each stretch starts at a block and runs to the end where its text less its gaps' is largest;
    the next stretch starts after it. Blocks that start at comment furniture join nothing.

    A heavy region behind a gap (testimonials, a teaser strip of deks, an author bio, a
    disclaimer) outweighed the gap too and joined the article. So a block of less than
    p.join_min_share of the heaviest block's score neither starts nor extends a stretch: its text
    counts for nothing, though when heavier blocks on both sides join, the span kept holds it. The limits were chosen on four
    domain folds of the dev pages and measured on the fifth (train/join.py, bench/QUALITY_LOG.md).
    """
    out: list[list[int]] = []
    i, n = 0, len(blocks)
    w = p.join_gap_weight
    scores = [score(b) for b in blocks]
    top = max(scores)
    joins = [s >= p.join_min_share * top for s in scores]
    while i < n:
        if starts_comment[blocks[i][0]] or not joins[i]:
            if not starts_comment[blocks[i][0]]:
                out.append(blocks[i])
            i += 1
            continue
        value = best_value = scores[i]
        j = end = i
        while j + 1 < n and not starts_comment[blocks[j + 1][0]]:
            gap = w * sum(feats[k].chars for k in range(blocks[j][-1] + 1, blocks[j + 1][0]))
            value += (scores[j + 1] if joins[j + 1] else 0) - gap
            j += 1
            if value > best_value:
                end, best_value = j, value
        out.append([g for b in blocks[i:end + 1] for g in b])
        if end > i:
            multi.add(id(out[-1]))
        i = end + 1
    return out


def _main_items(block: list[int], item_start: list[bool], score, share: float) -> list[int]:
    """Inside the article's block, a timestamp line starts a new item (a teaser, a comment, a
    live-blog entry). Keep the first item when it weighs at least `share` of the heaviest, else
    the heaviest, and the items next to it that weigh at least `share` of it: live-blog entries
    are alike, a teaser's dek or a reader's comment is a fraction of an article."""
    items: list[list[int]] = [[block[0]]]
    for i in block[1:]:
        if item_start[i]:
            items.append([i])
        else:
            items[-1].append(i)
    if len(items) == 1:
        return block
    weights = [score(b) for b in items]
    k = max(range(len(items)), key=weights.__getitem__)
    if weights[0] >= share * weights[k]:
        k = 0  # the article comes first; a long comment or entry further down may outweigh it
    lo = hi = k
    while lo > 0 and weights[lo - 1] >= share * weights[k]:
        lo -= 1
    while hi + 1 < len(items) and weights[hi + 1] >= share * weights[k]:
        hi += 1
    return [i for b in items[lo:hi + 1] for i in b]


_DEFAULT_PARAMS = ClassifierParams()


def classify_lines(lines: list[str], lang: str | None, params: ClassifierParams | None = None,
                   comment_start: list[bool] | None = None, item_start: list[bool] | None = None) -> tuple[str, str]:
    """(final classes, initial classes) of the lines, one code a line (see NAMES); blank lines
    must be filtered out first. A good line outside the article's block is final BAD with the
    initial class OUTSIDE.

    comment_start[i] tells that line i comes right after comment furniture removed by rules,
    item_start[i] that a timestamp line was removed right above it. Pass the same params object
    for a whole run: the per-line cache holds judgements made under one.
    """
    p = params or _DEFAULT_PARAMS
    entries = _entries(lines, lang, p)
    initial = "".join([e[1] for e in entries])
    final = smooth(initial, entries, p)
    joined: list[int] = []
    span = main_block(final, [e[0] for e in entries], p, comment_start, item_start, joined)
    if span is None:
        return final, initial
    lo, hi = span[0], span[1] + 1
    if joined and not p.join_keep_labels:
        # an article joined across lists: its short lines are labels and calls to action ("Read the
        # review", "Get a demo", "About the author") unless they head a paragraph of prose
        drop = {i for i in joined if initial[i] == SHORT and (i + 1 == len(initial) or initial[i + 1] != GOOD)}
        if drop:
            final = "".join([BAD if i in drop else c for i, c in enumerate(final)])

    def outside(f: str, c: str) -> tuple[str, str]:
        if GOOD not in f:
            return f, c
        return f.replace(GOOD, BAD), "".join([OUTSIDE if x == GOOD else y for x, y in zip(f, c)])

    (f0, c0), (f2, c2) = outside(final[:lo], initial[:lo]), outside(final[hi:], initial[hi:])
    return f0 + final[lo:hi] + f2, c0 + initial[lo:hi] + c2


_KEPT_AT = re.compile(f"[^{BAD}]")


def fallback(lines: list[str], lang: str | None, final: str, initial: str,
             params: ClassifierParams | None = None) -> str | None:
    """The final classes of the keep-all fallback, or None when it does not apply.

    It applies to a text of some length whose classifier verdict keeps no good line (score tables,
    poetry, an unknown script) or keeps fewer than p.fallback_words words: a documentation,
    listing, collection or product page is mostly short lines (parameters, specs, names and
    prices, code) with a sentence or two of prose, and keeping those sentences alone left too
    little to be kept at all (a `too_short` reject, and a copy of the page never found). The text
    is then kept but for the lines bad on their own (link-dense; long with few stopwords) and the
    lines of menu runs (4+ short lines) whose words are all capitalised ("Home", "Contact Us",
    "Shop All Products"): a list of facts, code or parameters has small words and figures. When
    that would leave fewer than p.fallback_words words (a catalogue of product names, a page of
    category chips), the text is kept whole, as the fallback kept a text without prose before.
    Chosen on four domain folds of the dev pages and measured on the fifth (train/fallback.py).
    Call with classify_lines' result for the same lines, language and params."""
    p = params or _DEFAULT_PARAMS
    if sum(map(len, lines)) < p.fallback_min_chars:
        return None
    if GOOD in final:
        if p.fallback_words <= 0:
            return None
        n = 0
        for m in _KEPT_AT.finditer(final):  # the kept lines' words, until there are enough
            n += word_count(lines[m.start()])
            if n >= p.fallback_words:
                return None
    entries = _entries(lines, lang, p)
    menus = _menu_runs(initial, p)
    caps = p.fallback_menu_caps
    drop_bad = p.fallback_drop_bad
    out = "".join([BAD if (drop_bad and c == BAD) or (m == BAD and c == SHORT and e[0].caps_ratio >= caps) else GOOD
                   for c, m, e in zip(initial, menus, entries)])
    if p.fallback_whole and BAD in out and sum([word_count(s) for s, f in zip(lines, out) if f != BAD]) < max(p.fallback_words, 1):
        return GOOD * len(lines)  # what is left of it would be too little to keep: keep it whole, as it was
    return out

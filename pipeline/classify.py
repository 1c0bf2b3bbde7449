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

from .lineshape import CLAUSE_ENDS, ends_sentence

GOOD, BAD, SHORT, NEAR = "good", "bad", "short", "near"
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


_FEATURE_CACHE: dict[tuple[str | None, str], LineFeatures] = {}


def _features_cached(line: str, lang: str | None, stops: frozenset[str]) -> LineFeatures:
    """Menus and footers repeat across a site's pages: compute each distinct line's features once."""
    key = (lang, line)
    f = _FEATURE_CACHE.get(key)
    if f is None:
        if len(_FEATURE_CACHE) >= 50_000:
            _FEATURE_CACHE.clear()
        f = _FEATURE_CACHE[key] = features(line, stops)
    return f


def features(line: str, stops: frozenset[str]) -> LineFeatures:
    words = _WORD.findall(line.replace("_", " ") if "_" in line else line)  # \w holds "_", a word split
    n = len(words)
    link_chars = sum(len(m) for m in _URL.findall(line)) if _may_link(line) else 0
    caps = sum(map(str.isupper, [w[0] for w in words]))
    if stops:
        density = sum(map(stops.__contains__, map(str.lower, words))) / n if n else 0.0
    else:  # no stoplist for this language: length and punctuation decide alone
        density = 1.0 if n else 0.0
    return LineFeatures(
        chars=len(line), words=n, stop_density=density,
        link_density=link_chars / max(len(line), 1), sentence_end=ends_sentence(line, CLAUSE_ENDS),
        caps_ratio=caps / n if n else 0.0, digits=any(map(str.isdigit, line)),
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


def _neighbour(classes: list[str], i: int, step: int, ignore_near: bool) -> str:
    j = i + step
    while 0 <= j < len(classes):
        c = classes[j]
        if c in (GOOD, BAD) or (c == NEAR and not ignore_near):
            return c
        j += step
    return BAD


def _menu_runs(classes: list[str], p: ClassifierParams) -> list[str]:
    """Flat text has no link density: a run of short lines stands in for it (menus, tag lists)."""
    out = list(classes)
    i = 0
    while i < len(classes):
        j = i
        while j < len(classes) and classes[j] == SHORT:
            j += 1
        if j - i >= p.menu_run:
            out[i:j] = [BAD] * (j - i)
        i = max(j, i + 1)
    return out


def _list_item(f: LineFeatures, p: ClassifierParams) -> bool:
    """A list entry: a few words with a figure, not a sentence of prose length (a caption)."""
    return f.words >= 3 and f.digits and not (f.sentence_end and f.chars >= p.length_low)


def _article_lists(classes: list[str], feats: list[LineFeatures], p: ClassifierParams) -> list[str]:
    """Runs of short data lines (dates, quantities, ranks) right under prose, or under one short
    heading under prose, are a list in the article: near-good, so the menu rule leaves them and
    the context step joins them to the prose above. Menus are words without figures."""
    if p.list_run <= 0:
        return classes
    out = list(classes)
    n = len(classes)
    i = 1
    while i < n:
        if classes[i] == GOOD or not _list_item(feats[i], p):
            i += 1
            continue
        j = i
        while j < n and classes[j] != GOOD and _list_item(feats[j], p):
            j += 1
        above = classes[i - 1] == GOOD or (i >= 2 and classes[i - 1] == SHORT and classes[i - 2] == GOOD)
        if above and j - i >= p.list_run:
            out[i:j] = [NEAR] * (j - i)
        i = j
    return out


def smooth(classes: list[str], feats: list[LineFeatures], p: ClassifierParams) -> list[str]:
    """jusText's context step: short and near-good lines take the class of their surroundings."""
    classes = _menu_runs(_article_lists(classes, feats, p), p)
    out = list(classes)
    # headings: flat text has no <h2>, so a short line counts as a heading (near-good) only when
    # the next line is good content and it is not one of a run of short lines (a menu)
    for i, c in enumerate(classes):
        if c != SHORT or i + 1 >= len(classes) or classes[i + 1] != GOOD:
            continue
        if feats[i].words <= 12 and not feats[i].sentence_end and (i == 0 or classes[i - 1] != SHORT):
            out[i] = NEAR
    classes = list(out)
    for i, c in enumerate(classes):
        if c != SHORT:
            continue
        prev, nxt = _neighbour(classes, i, -1, True), _neighbour(classes, i, 1, True)
        if prev == GOOD and nxt == GOOD:
            out[i] = GOOD
        elif prev == BAD and nxt == BAD:
            out[i] = BAD
        else:
            prev2, nxt2 = _neighbour(classes, i, -1, False), _neighbour(classes, i, 1, False)
            out[i] = GOOD if (prev2 == GOOD or nxt2 == GOOD) and BAD not in (prev2, nxt2) else BAD
    classes = list(out)
    for i, c in enumerate(classes):
        if c != NEAR:
            continue
        prev, nxt = _neighbour(classes, i, -1, True), _neighbour(classes, i, 1, True)
        out[i] = BAD if (prev == BAD and nxt == BAD) else GOOD
    return out


def main_block(classes: list[str], feats: list[LineFeatures], p: ClassifierParams,
               comment_start: list[bool] | None = None, item_start: list[bool] | None = None) -> tuple[int, int] | None:
    """Span of the article among the content lines.

    Content lines form blocks, split where main_gap or more non-content lines separate them
    (related stories and teasers sit beyond such gaps) and where a line follows comment
    furniture ("name says:", a timestamp line). The article is the block with the most text
    that does not start at comment furniture.
    """
    good = [i for i, c in enumerate(classes) if c == GOOD]
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

    best = max(candidates, key=score)
    # the article starts right under the headline: prefer the first block of prose when it is
    # not much smaller than the biggest (teaser lists after an article can outweigh it)
    first = candidates[0]
    if first is not best and score(first) >= p.first_block_share * score(best):
        best = first
    if item_start is not None and p.item_share > 0:
        best = _main_items(best, item_start, score, p.item_share)
    return best[0], best[-1]


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


def classify_lines(lines: list[str], lang: str | None, params: ClassifierParams | None = None,
                   comment_start: list[bool] | None = None, item_start: list[bool] | None = None) -> list[tuple[str, str]]:
    """Return (final class, signal) per line; blank lines must be filtered out first.

    comment_start[i] tells that line i comes right after comment furniture removed by rules,
    item_start[i] that a timestamp line was removed right above it.
    """
    p = params or ClassifierParams()
    stops = stoplist(lang)
    cached = _FEATURE_CACHE.get  # a hit without a call: most lines of a run are repeats
    feats = [cached((lang, s)) or _features_cached(s, lang, stops) for s in lines]
    initial = [initial_class(f, p) for f in feats]
    final = smooth(initial, feats, p)
    span = main_block(final, feats, p, comment_start, item_start)
    out = []
    for i, (f, c) in enumerate(zip(final, initial)):
        if span is not None and f == GOOD and not span[0] <= i <= span[1]:
            out.append((BAD, "outside_main"))
        else:
            out.append((f, c))
    return out

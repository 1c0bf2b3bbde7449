"""Second copies of a passage that a page holds twice, in its DOM blocks or in its flat text.

Responsive sites ship the article once per screen size (a desktop and a mobile variant, all but
one hidden by CSS), and some pages repeat it inside <noscript> for crawlers. Every copy reads as
article to the boilerplate model, while a reader sees one. A copy is told by the DOM, not by the
words alone: a block-level element whose blocks are, in order, exactly the blocks of a stretch
of the page that ends before it starts. A line that merely recurs (a meal plan's "Eat every 2-3
hours" under each day, a pull quote, a repeated label) is no copy: the element around it holds
other text as well, so only the line itself would match, and a copy must hold `MIN_BLOCKS`
blocks and `MIN_WORDS` words.

Flat text has no elements to tell a copy by, so `second_copy_lines` asks more of it: a run of at
least `TEXT_MIN_LINES` consecutive kept lines, `TEXT_MIN_WORDS` words and `TEXT_MIN_SHARE` of the
kept words, each of which the text already kept earlier. A copied article is a third or a half of
its page's text; the steps a plan repeats under each of its days are a few percent each.
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import Block
from cleancorpus.pipeline.words import count_words

RULE = "page.copy"
MIN_BLOCKS = 2
MIN_WORDS = 20
TEXT_RULE = "text.copy"
TEXT_MIN_LINES = 3
TEXT_MIN_WORDS = 60
TEXT_MIN_SHARE = 0.15


def second_copies(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """Which blocks lie in a later copy of an earlier stretch of the page, for a page where a kept
    block repeats an earlier block's text (on other pages nothing is looked at)."""
    texts = [b.text for b in blocks]
    first: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []  # (kept block, the first kept block with its text)
    for i, (text, kept) in enumerate(zip(texts, keep)):
        if kept:
            j = first.setdefault(text, i)
            if j != i:
                repeats.append((i, j))
    out = [False] * len(blocks)
    if not repeats:
        return out
    span = _spans(blocks)
    for i, j in repeats:
        if out[i]:
            continue
        off = i - j
        found = _copy_around(blocks[i], off, texts, span)
        if found is not None:
            lo, hi = found
            # the output keeps the passage once: a block kept here must be kept in the first copy
            if all(keep[k - off] for k in range(lo, hi + 1) if keep[k]):
                out[lo:hi + 1] = [True] * (hi + 1 - lo)
    return out


def _spans(blocks: list[Block]) -> dict[int, tuple[int, int]]:
    """The first and last block of every block-level element, by its serial number."""
    span: dict[int, tuple[int, int]] = {}
    for i, b in enumerate(blocks):
        for s in b.path:
            lo = span.get(s)
            span[s] = (i if lo is None else lo[0], i)
    return span


def _copy_around(block: Block, offset: int, texts: list[str],
                 span: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
    """The outermost element around `block` whose blocks repeat, `offset` blocks earlier, a
    stretch that ends before the element starts; None when there is none of copy size."""
    for s in block.path:  # outermost first
        lo, hi = span[s]
        if hi - offset >= lo or lo < offset or hi - lo + 1 < MIN_BLOCKS:
            continue
        if texts[lo] != texts[lo - offset] or texts[hi] != texts[hi - offset]:
            continue
        if texts[lo:hi + 1] == texts[lo - offset:hi + 1 - offset] and \
                sum(count_words(t) for t in texts[lo:hi + 1]) >= MIN_WORDS:
            return lo, hi
    return None


def second_copy_lines(lines: list[str], kept: list[int]) -> list[int]:
    """The kept lines (indices into `lines`, in order) that lie in a run of lines each kept
    earlier in the text, when the run is long enough to be a copied passage rather than a line
    that recurs (a step repeated under each day of a plan)."""
    seen: set[str] = set()
    repeated: list[bool] = []
    for i in kept:
        repeated.append(lines[i] in seen)
        seen.add(lines[i])
    if not any(repeated):
        return []
    floor = max(TEXT_MIN_WORDS, TEXT_MIN_SHARE * sum(count_words(lines[i]) for i in kept))
    out: list[int] = []
    q = 0
    while q < len(kept):
        if not repeated[q]:
            q += 1
            continue
        end = q
        while end < len(kept) and repeated[end]:
            end += 1
        run = kept[q:end]
        if len(run) >= TEXT_MIN_LINES and sum(count_words(lines[i]) for i in run) >= floor:
            out += run
        q = end
    return out

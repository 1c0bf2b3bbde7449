"""What dedup compares: the article in a document, not the page around it.

Two pages of one site share their chrome (teaser lists, bylines, datelines, share prompts the
cleaner kept); two copies of one story share its prose. So shingles are taken from the
paragraphs shaped like article prose only (`cleaning.lineshape.is_body_line`: long, or a full
sentence of some length), when they are most of the text. A document whose lines are mostly
not prose (a listing, a product page, documentation, a short notice) is compared on its whole
text: its lines are what it holds.

Facts: the numbers of the compared text. Texts written from one template (council notices,
results, earnings) share most shingles and differ in exactly these, so a pair whose numbers
mostly differ is not a duplicate, however similar the wording. A text is judged by the numbers
of its lead, looked up among all the other text's numbers. (Capitalized names were tried
too: sentence openings and a revision's own sentences made them disagree between true copies.)
"""
from __future__ import annotations

import zlib

import numpy as np
import regex

from cleancorpus.pipeline.cleaning.lineshape import is_body_line

MIN_VIEW_WORDS = 25  # less prose than this: the whole text is compared

# digits with inner separators: 2025, 25/0451, 3.5, 12:30. In `regex`, whose scan for a digit is
# the faster over the long stretches of text that have none (its Unicode tables are newer than
# the standard library's: the digits of a few scripts encoded since count too)
_NUMBER = regex.compile(r"\d(?:[\d.,:/-]*\d)?")
_SEPARATORS = str.maketrans("", "", ".,")
FACTS_CHARS = 4000


def article_view(text: str) -> str:
    """The prose paragraphs of a text, or the whole text when prose is not most of it (a
    listing, a product page, documentation: their lines are what they hold)."""
    paras = text.split("\n\n")
    body = [p for p in paras if is_body_line(p)]
    if len(body) == len(paras):
        return text
    view = "\n\n".join(body)
    words = view.count(" ") + len(body)
    if words >= MIN_VIEW_WORDS and 2 * words >= text.count(" ") + len(paras):
        return view
    return text


def _words(text: str) -> int:
    return text.count(" ") + text.count("\n\n") + 1 if text else 0


def view_share(view: str, text: str) -> float:
    """What share of the whole text (chrome included) the compared view is, in words."""
    return 1.0 if view is text else _words(view) / max(_words(text), 1)


def facts(text: str) -> np.ndarray:
    """Sorted distinct uint32 hashes of the numbers of a text (dates, amounts, scores, reference
    numbers: what a template filled in again changes), the low bit set on those of its lead, the
    first FACTS_CHARS characters (crc32 with that bit taken over: the same in every process).

    The lead's numbers are what a text is judged by (an article's lead holds its facts, and a
    long listing's numbers stay bounded); the rest only answer whether the other text holds
    one of them somewhere (see facts_agree)."""
    lead = {t.translate(_SEPARATORS) for t in _NUMBER.findall(text, 0, FACTS_CHARS)}
    # past the lead (a number across its end is cut in two there, as the lead always cut it)
    rest = {t.translate(_SEPARATORS) for t in _NUMBER.findall(text, FACTS_CHARS)} - lead
    if not lead and not rest:
        return np.zeros(0, np.uint32)
    values = [zlib.crc32(t.encode()) | 1 for t in lead] + [zlib.crc32(t.encode()) & ~1 for t in rest]
    return np.unique(np.array(values, dtype=np.uint32))


def facts_agree(a: np.ndarray, b: np.ndarray, min_facts: int, threshold: float) -> bool:
    """The numbers of one text's lead mostly found in the other text, either way round (a copy
    may drop some numbers, or correct one, not change them); pairs with few numbers in either
    lead are not judged by them.

    Found anywhere in the other text, not only in its lead: where a lead ends depends on what
    comes before it, so a copy that dropped a paragraph early on carries numbers in its lead
    that the original holds just past its own (and the original's lead then holds the dropped
    paragraph's numbers, which the copy lacks: so either way round, not the smaller lead's)."""
    lead_a, lead_b = a[(a & 1) == 1], b[(b & 1) == 1]
    if min(len(lead_a), len(lead_b)) < min_facts:
        return True
    # one changed figure is an edit, not a new text
    return any(_missing(lead, other) <= max(1.0, (1.0 - threshold) * len(lead)) for lead, other in ((lead_a, b), (lead_b, a)))


def _missing(lead: np.ndarray, other: np.ndarray) -> int:
    """How many numbers of a lead the other text does not hold (lead bits cleared on both)."""
    return len(lead) - int(np.count_nonzero(np.isin(lead >> 1, other >> 1)))

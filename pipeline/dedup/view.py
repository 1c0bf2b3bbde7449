"""What dedup compares: the article in a document, not the page around it.

Two pages of one site share their chrome (teaser lists, bylines, datelines, share prompts the
cleaner kept); two copies of one story share its prose. So shingles are taken from the
paragraphs shaped like article prose only (`cleaning.lineshape.is_body_line`: long, or a full
sentence of some length), when they are most of the text. A document whose lines are mostly
not prose (a listing, a product page, documentation, a short notice) is compared on its whole
text: its lines are what it holds.

Facts: the numbers of the compared text. Texts written from one template (council notices,
results, earnings) share most shingles and differ in exactly these, so a pair whose numbers
mostly differ is not a duplicate, however similar the wording. (Capitalized names were tried
too: sentence openings and a revision's own sentences made them disagree between true copies.)
"""
from __future__ import annotations

import re
import zlib

import numpy as np

from cleancorpus.pipeline.cleaning.lineshape import is_body_line

MIN_VIEW_WORDS = 25  # less prose than this: the whole text is compared

_NUMBER = re.compile(r"\d(?:[\d.,:/-]*\d)?")  # digits with inner separators: 2025, 25/0451, 3.5, 12:30
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
    """Sorted distinct uint32 hashes of the numbers in the first FACTS_CHARS characters of a
    text (dates, amounts, scores, reference numbers: what a template filled in again changes,
    and an article's lead holds; crc32: the same in every process)."""
    toks = {t.translate(_SEPARATORS) for t in _NUMBER.findall(text, 0, FACTS_CHARS)}
    if not toks:
        return np.zeros(0, np.uint32)
    return np.unique(np.fromiter((zlib.crc32(t.encode()) for t in toks), dtype=np.uint32, count=len(toks)))


def facts_agree(a: np.ndarray, b: np.ndarray, min_facts: int, threshold: float) -> bool:
    """The smaller set of numbers mostly found in the larger (a copy may drop some, or correct
    one, not change them); pairs with few numbers on either side are not judged by them."""
    small = min(len(a), len(b))
    if small < min_facts:
        return True
    missing = small - len(np.intersect1d(a, b, assume_unique=True))
    return missing <= max(1.0, (1.0 - threshold) * small)  # one changed figure is an edit, not a new text

"""What dedup compares: the article in a document, not the page around it.

Two pages of one site share their chrome (teaser lists, bylines, datelines, share prompts the
cleaner kept); two copies of one story share its prose. So shingles are taken from the
paragraphs shaped like article prose only (`cleaning.lineshape.is_body_line`: long, or a full
sentence of some length). A document with too little prose for that (a short notice, a list) is
compared on its whole text, by Jaccard only: containment in another page is never enough for it.

Facts: the numbers of the compared text. Texts written from one template (council notices,
results, earnings) share most shingles and differ in exactly these, so a pair whose numbers
mostly differ is not a duplicate, however similar the wording. (Capitalized names were tried
too: sentence openings and a revision's own sentences made them disagree between true copies.)
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import re

from cleancorpus.pipeline.cleaning.lineshape import is_body_line

MIN_VIEW_WORDS = 25  # less prose than this: the whole text is compared, by Jaccard only

_NUMBER = re.compile(r"\d(?:[\d.,:/-]*\d)?")  # digits with inner separators: 2025, 25/0451, 3.5, 12:30
_SEPARATORS = str.maketrans("", "", ".,")


@dataclass(frozen=True, slots=True)
class View:
    text: str  # what is shingled
    distinctive: bool  # article prose enough for containment to mean something


def article_view(text: str) -> View:
    """The prose paragraphs of a text, or the whole text when it holds too little prose."""
    paras = text.split("\n\n")
    body = [p for p in paras if is_body_line(p)]
    if len(body) == len(paras):
        return View(text, True)
    view = "\n\n".join(body)
    if view.count(" ") + len(body) >= MIN_VIEW_WORDS:
        return View(view, True)
    return View(text, False)


def full_ngrams(n_words: int, k: int) -> int:
    """How many word k-grams the whole text has (chrome included), at least 1."""
    return max(n_words - k + 1, 1)


def facts(text: str) -> np.ndarray:
    """Sorted distinct uint32 hashes of the numbers in a text (dates, amounts, scores, reference
    numbers: what a template filled in again changes; crc32: the same in every process)."""
    toks = {t.translate(_SEPARATORS) for t in _NUMBER.findall(text)}
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

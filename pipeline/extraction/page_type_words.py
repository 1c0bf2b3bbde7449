"""The words of the page for the page-type model: a linear model over the words of the title,
the <h1>-<h3> headings (single words and pairs) and the start of the page text, whose seven
class probabilities are features of the gradient-boosted model (page_type_features).

Pages say what they are in their template's words more than in their markup: "Add to cart",
"Reply", "Our services", "Read more", "Posted by", "Table of contents". A fixed word list would
be fitted to one benchmark, so the words and their weights are learned (train/page_type.py),
and only words seen on pages of several sites are kept. The model is cross-fitted there: a
page's word features in training come from a word model trained without its fold, so the
boosted model learns how far to trust the word model on pages it has not seen.

Words are runs of \\w (any script), lowercased; numbers are left out.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from cleancorpus.pipeline.reasons import PAGE_TYPES

_WORD = re.compile(r"\w+")
BODY_WORDS = 300  # words of the page text read: its menus and first paragraphs
BODY_CHARS = 8000  # looked for in this many characters of it at most (text nodes keep their indentation)
_FIRST_CHARS = 2500
WORD_FEATURES: tuple[str, ...] = tuple(f"words_{t}" for t in PAGE_TYPES)


def _words(text: str) -> list[str]:
    return _no_numbers(_WORD.findall(text.lower()))


def _no_numbers(words: list[str]) -> list[str]:
    return [w for w in words if not w.isdigit()]


def page_words(title: str, headings: Iterable[str], text: str) -> set[str]:
    """The page's terms: words of the title (t:) and headings (h:), with adjacent pairs, and
    the first BODY_WORDS words of its text (b:)."""
    terms: set[str] = set()
    for prefix, words in (("t:", _words(title)), *(("h:", _words(h)) for h in headings)):
        terms.update(map(prefix.__add__, words))
        terms.update(map(prefix.__add__, map("_".join, zip(words, words[1:]))))
    terms.update(map("b:".__add__, _body_words(text)))
    return terms


def _body_words(text: str) -> list[str]:
    """The first BODY_WORDS words of text[:BODY_CHARS]. The regex over Unicode text is the costly
    part, so it reads the text with its whitespace runs made single spaces (the same words) and,
    when they hold enough words, only its first _FIRST_CHARS characters (most pages; their last
    word, perhaps cut at that edge, is not counted)."""
    lowered = " ".join(text[:BODY_CHARS].lower().split())
    if len(lowered) > _FIRST_CHARS:
        words = _no_numbers(_WORD.findall(lowered, 0, _FIRST_CHARS)[:-1])
        if len(words) >= BODY_WORDS:
            return words[:BODY_WORDS]
    return _no_numbers(_WORD.findall(lowered))[:BODY_WORDS]


@dataclass
class WordModel:
    """Multinomial logistic regression over term presence, each page's row scaled to unit
    length: weights (terms x classes, PAGE_TYPES order) and biases."""

    index: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, terms: Iterable[str]) -> list[float]:
        index = self.index
        # sorted: summed in one order, so the same floats in every process (a set's order is not)
        rows = sorted(i for t in terms if (i := index.get(t)) is not None)
        z = self.bias + (self.weights[rows].sum(axis=0) / np.sqrt(len(rows)) if rows else 0.0)
        p = np.exp(z - z.max())
        return (p / p.sum()).tolist()

    def to_json(self) -> dict:
        terms = sorted(self.index, key=self.index.__getitem__)
        return {"terms": terms, "weights": self.weights.tolist(), "bias": self.bias.tolist()}

    @classmethod
    def from_json(cls, d: dict) -> WordModel:
        return cls({t: i for i, t in enumerate(d["terms"])}, np.asarray(d["weights"], dtype=np.float64).reshape(
            len(d["terms"]), len(PAGE_TYPES)), np.asarray(d["bias"], dtype=np.float64))

"""What kind of page an HTML document is: article, listing, collection, forum, product,
documentation or service.

Boilerplate removal and the quality rules were tuned on articles; a shop's category grid or a
forum thread goes through them differently, and a corpus builder wants to know which pages
are which before trusting their text. Pages rarely say what they are (og:type says "article"
on many service pages), so a small gradient-boosted model reads generic signals instead
(page_type_features: the URL's shape, the mix of tags and where the text sits, where links
go, JSON-LD types, a fixed vocabulary of URL segments and class names that CMS templates
use, and the class probabilities of a linear model over the page's words, page_type_words).

Losing an article costs more than keeping a listing (a listing taken for an article adds some
noise; an article taken for a listing may be dropped), so the decision leans to `article`:
another type is named only when the model gives `article` a probability below a threshold
chosen on held-out folds so that almost no article is lost (train/page_type.py; the threshold
is stored beside the model). The word model's terms and weights are a third file,
<version>.words.json.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

import numpy as np
from lxml.html import HtmlElement

from cleancorpus.pipeline.boosters import Booster
from cleancorpus.pipeline.extraction.page_type_features import FEATURES, page_features
from cleancorpus.pipeline.extraction.page_type_words import WordModel
from cleancorpus.pipeline.reasons import PAGE_TYPES

VERSION = "page_type-4"  # page_type-3's recipe trained on the page features this code computes (tests/test_model_inputs.py)


def decide(probs: np.ndarray, threshold: float) -> str:
    """`article` unless its probability is below threshold; then the likeliest other type.
    probs are in PAGE_TYPES order, article first."""
    if probs[0] >= threshold:
        return PAGE_TYPES[0]
    return PAGE_TYPES[1 + int(np.argmax(probs[1:]))]


class PageTypeModel:
    """The shipped page-type model, with the decision threshold and the word model it was
    trained with."""

    def __init__(self, version: str = VERSION) -> None:
        self.version = version
        self._booster, self.threshold, self.words = _load(version)

    def probabilities(self, tree: HtmlElement, url: str | None, body_classes: list[str] | None = None,
                      body_texts: list[str] | None = None, fragment_links: list[str] | None = None) -> np.ndarray:
        """The classes' probabilities; arguments as page_features takes them."""
        x = np.asarray([page_features(tree, url, body_classes, body_texts, self.words, fragment_links)],
                       dtype=np.float64)
        return self._booster.predict(x, num_threads=1)[0]

    def predict(self, tree: HtmlElement, url: str | None, body_classes: list[str] | None = None,
                body_texts: list[str] | None = None) -> str:
        """The page's type; body_classes and body_texts as page_features takes them."""
        return decide(self.probabilities(tree, url, body_classes, body_texts), self.threshold)


@lru_cache(maxsize=1)
def page_type_model() -> PageTypeModel:
    """The shipped model, made once per process."""
    return PageTypeModel()


@lru_cache(maxsize=4)
def _load(version: str) -> tuple[Booster, float, WordModel]:
    """Booster, threshold and word model of a model version, read once per process; refuses a model whose
    features or classes are not the code's (FEATURES, PAGE_TYPES: a stale file beside newer code)."""
    models = files("cleancorpus.pipeline.models")
    booster = Booster(model_str=models.joinpath(f"{version}.txt").read_text(encoding="utf-8"))
    info = json.loads(models.joinpath(f"{version}.json").read_text(encoding="utf-8"))
    if tuple(booster.feature_name()) != FEATURES or tuple(info["classes"]) != PAGE_TYPES:
        raise ValueError(f"{version}: model features or classes differ from page_type.py's")
    words = WordModel.from_json(json.loads(models.joinpath(f"{version}.words.json").read_text(encoding="utf-8")))
    return booster, float(info["threshold"]), words

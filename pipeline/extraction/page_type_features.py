"""The page-type model's feature vector (FEATURES, page_features): generic signals of what
kind of page a document is, read from the URL (page_type_url), the DOM (page_type_dom) and
what the page declares about itself (page_type_schema), and the class probabilities of a
linear model over the page's words (page_type_words).

The words of the page's text are read only through that learned model, trained on pages of
sites held apart from the ones it is measured on and keeping only words seen on several sites:
a hand-made word list fitted to one benchmark would not carry to the next corpus. The other
words used are those of URL schemes and class names that CMS templates use.

The features are read in three passes over a tree that is already parsed (one iteration over
the tags of interest, the body's text nodes and its class attributes by one XPath each),
because each pass over a whole page costs about 0.2-0.5 ms on its own.
"""
from __future__ import annotations

from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.page_type_dom import (
    DOM_FEATURES,
    class_features,
    link_features,
    structure_features,
    text_features,
    walk,
)
from cleancorpus.pipeline.extraction.page_type_schema import LD_FEATURES, schema_features
from cleancorpus.pipeline.extraction.page_type_url import URL_FEATURES, url_features
from cleancorpus.pipeline.extraction.page_type_words import WORD_FEATURES, WordModel, page_words

BASE_FEATURES: tuple[str, ...] = (*URL_FEATURES, *DOM_FEATURES, *LD_FEATURES)
FEATURES: tuple[str, ...] = (*BASE_FEATURES, *WORD_FEATURES)


def page_signals(tree: HtmlElement, url: str | None, body_classes: list[str] | None = None,
                 body_texts: list[str] | None = None,
                 fragment_links: list[str] | None = None) -> tuple[list[float], set[str]]:
    """The page's features but the word model's, in BASE_FEATURES order, and its terms for the
    word model (page_type_words.page_words). Reads the tree, never changes it.

    body_classes, body_texts: the class values of the root's <body> and its elements, and the
    <body>'s text nodes, in document order, when the caller has them (blocks.page_blocks reads
    them on its walk over the <body>); only for a tree whose root has a <body> child.
    fragment_links: a list to add the texts of the page's links to its own anchors to, as
    page_type_dom.walk reads them."""
    w = walk(tree, fragment_links)
    f = url_features(url) | structure_features(w) | text_features(tree, w, body_texts)
    f |= class_features(tree, tree.find("body"), w.counts["body"], body_classes)
    f |= schema_features(w.ld_json, w.meta)
    f |= link_features(w, url, f["text_len"])
    return [float(f[name]) for name in BASE_FEATURES], page_words(w.title, w.headings, w.text)


def page_features(tree: HtmlElement, url: str | None, body_classes: list[str] | None = None,
                  body_texts: list[str] | None = None, words: WordModel | None = None,
                  fragment_links: list[str] | None = None) -> list[float]:
    """The page's feature vector, in FEATURES order; arguments as page_signals takes them, and
    the word model (the shipped one unless given)."""
    base, terms = page_signals(tree, url, body_classes, body_texts, fragment_links)
    if words is None:
        from cleancorpus.pipeline.extraction.page_type import page_type_model  # imports this module
        words = page_type_model().words
    return base + words.probabilities(terms)

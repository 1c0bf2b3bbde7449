"""The line model's second opinion on flat text (pipeline/cleaning/line_model.py), on real pages.

Each WCXB dev page is flattened to text as a scraper without an extractor would
(bench/flatten.py) and cleaned with the default config and with the line model off.
"""
from __future__ import annotations

import gzip
import re
from collections import Counter

import pytest

from conftest import ROOT, clean_text, flatten_html

_WCXB = ROOT.parent / "shared" / "bench" / "extraction" / "wcxb-dev"
_NO_MODEL = {"CLEANCORPUS_CLEAN__LINE_MODEL": '""'}
_NO_GATE = {"CLEANCORPUS_CLEAN__TEXT_KIND": '""'}
pytestmark = pytest.mark.skipif(not _WCXB.exists(), reason="WCXB dev pages not here (../shared)")


def _flat(page: str) -> str:
    html = gzip.decompress((_WCXB / "html" / f"{page}.html.gz").read_bytes()).decode("utf-8", errors="replace")
    return flatten_html(html)


_clean = clean_text


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("page, promo", [
    ("4265", "Buy now from one of our trusted retail partners"),
    ("4420", "Promotion Has Expired"),
])
def test_a_promo_the_classifier_keeps_beside_an_article_is_dropped_and_named(page, promo):
    """Prose-shaped promos next to an article pass the classifier (it judges a line's shape); the
    model, which also weighs where the line sits and what is around it, drops them, and the
    removal is named after the model's version so `explain` and the `removed` column say why."""
    flat = _flat(page)
    with_model, without = _clean(flat), _clean(flat, _NO_MODEL)
    assert promo in _norm(without.doc.text) and promo not in _norm(with_model.doc.text)
    assert any(t.rule == "model.lines-4" and promo in _norm(t.text) for t in with_model.trace if not t.kept)
    # the article stays: the model dropped a few lines, not the text
    assert len(with_model.doc.text.split()) > 0.8 * len(without.doc.text.split()) > 200


@pytest.mark.parametrize("page, content", [
    ("3036", "Choosing the right agency means finding a partner that under"),
    ("2927", "Finding the perfect sofa could be considered an art form"),
])
def test_where_the_classifier_finds_little_prose_the_model_decides_the_text(page, content):
    """An article and a collection page made mostly of short lines: the classifier keeps a sentence
    or two, or falls back to the text without its menus, and the content the truth holds is lost
    or buried in chrome. The model keeps it."""
    flat = _flat(page)
    truth = Counter(re.findall(r"\w+", (_WCXB / "truth" / f"{page}.txt").read_text(encoding="utf-8").lower()))

    def word_f1(text: str) -> float:
        got = Counter(re.findall(r"\w+", text.lower()))
        both = sum((got & truth).values())
        return 2 * both / (sum(got.values()) + sum(truth.values()))

    with_model, without = _clean(flat), _clean(flat, _NO_MODEL)
    assert content in _norm(with_model.doc.text) and content not in _norm(without.doc.text)
    assert word_f1(with_model.doc.text) > word_f1(without.doc.text) + 0.3

def test_a_line_under_a_comment_rule_is_read_as_a_comment():
    """A flat text has no DOM to say "comments"; the rule packs' removals do, and flat_blocks lends
    the lines under a comment rule's line the comment role, as blocks.py does for a DOM element."""
    from cleancorpus.pipeline.cleaning.line_model import flat_blocks
    from cleancorpus.pipeline.extraction.blocks import ROLES

    comment, footer = 1 << ROLES.index("comment"), 1 << ROLES.index("footer")
    blocks = flat_blocks(["Article text.", "Leave a reply", "Great post!", "© 2024 Site", "Home"],
                         [None, "comments.leave_reply", None, "copyright.copyright_line", "classifier.short"])
    assert [b.flags & comment for b in blocks] == [0, comment, comment, comment, comment]
    assert [b.flags & footer for b in blocks] == [0, 0, 0, footer, footer]


def test_a_list_inside_an_already_extracted_article_is_brought_back():
    """Text another extractor already cleaned (here WCXB's own truth text of a law-firm article):
    its bulleted list is a run of short lines, which the classifier takes for a menu and drops
    between two paragraphs it keeps. The model, which reads the lines around them, brings the list
    back, named after its version in the trace; with the model off it stays dropped. (The text-kind
    gate is off here: it calls such a text an extraction and leaves it to the rules alone.)"""
    text = (_WCXB / "truth" / "0237.txt").read_text(encoding="utf-8")
    with_model, without = _clean(text, _NO_GATE), _clean(text, {**_NO_MODEL, **_NO_GATE})
    items = ["Size and organization of the law department", "Volume of complex versus commodity work",
             "Responsible in-house attorney"]
    assert all(i in with_model.doc.text for i in items)
    assert not any(i in without.doc.text for i in items)
    assert any(t.kept and t.rule == "model.lines-4" and t.text == items[0] for t in with_model.trace)
    assert len(with_model.doc.text.split()) > 0.97 * len(text.split())


@pytest.mark.parametrize("page", ["4265", "3036", "0212"])
def test_scoring_only_the_lines_the_policy_reads_gives_the_same_lines(page):
    """LineModel.keep runs the trees only on the lines whose verdict Policy.final reads
    (Policy.asks); the lines kept must be those of every line scored, on a page where the model
    drops lines (4265), one it decides alone (3036) and one where it brings lines back (0212)."""
    from itertools import compress

    import numpy as np

    from cleancorpus.pipeline.cleaning.line_model import (
        flat_blocks,
        in_comments,
        line_lengths,
        line_words,
        live_lines,
        load_line_model,
    )

    trace = [t for t in _clean(_flat(page), _NO_MODEL).trace if t.text]
    texts, kept = [t.text for t in trace], [t.kept for t in trace]
    rules = [None if t.kept else t.rule for t in trace]
    model = load_line_model("default")
    k, live, words = np.asarray(kept), live_lines(rules), line_words(texts)
    opens = model.policy.opens(line_lengths(texts), words, k, live, False)
    blocks = flat_blocks(texts, rules)
    m, _, scores = model.model.verdicts(blocks, "\n".join(compress(texts, kept)))
    every_line = model.policy.final(m, scores, k, live, words, opens, 30, in_comments(blocks))
    got = model.keep(texts, rules, kept, False, 30)
    assert got == every_line.tolist() and got != kept

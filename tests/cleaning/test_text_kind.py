"""The text-kind gate (pipeline/cleaning/text_kind.py): text an extractor already made keeps what
the classifier would cut from it; a page's whole text is classified as before.

Real texts: trafilatura's extraction and bench/flatten.py's rendering of pages in tests/data (no
../shared needed), and WCXB dev truth texts when ../shared is here.
"""
from __future__ import annotations

import gzip

import pytest

from conftest import ROOT, clean_text, flatten_html

_DATA = ROOT / "tests" / "data"
_WCXB = ROOT.parent / "shared" / "bench" / "extraction" / "wcxb-dev"
_OFF = {"CLEANCORPUS_CLEAN__TEXT_KIND": '""'}


def _html(name: str) -> str:
    return gzip.decompress((_DATA / f"{name}.html.gz").read_bytes()).decode("utf-8", errors="replace")


_flat, _clean = flatten_html, clean_text


def _words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("page", ["scrapinghub-08f793762792", "scrapinghub-0dd135704572"])
def test_a_pages_whole_text_is_classified_as_before(page):
    """A news page flattened with its menus and footer: the gate calls it a page's text, so the
    classifier's cuts stand and the output is the gate-off output, menus gone."""
    flat = _flat(_html(page))
    on, off = _clean(flat), _clean(flat, _OFF)
    assert on.method == "text" and on.doc.text == off.doc.text
    assert any(not t.kept and t.rule.startswith("classifier.") for t in on.trace)
    assert _words(on.doc.text) < 0.8 * _words(flat)


@pytest.mark.parametrize("page", ["scrapinghub-08f793762792", "scrapinghub-0dd135704572"])
def test_trafilaturas_own_output_is_left_to_the_rules(page):
    """The same page as trafilatura extracts it: the gate calls it an extraction; every line the
    rules kept stays (the classifier's cuts are undone), `explain` names the gate, and the run's
    rule removals are the rules-only run's."""
    import trafilatura

    text = trafilatura.extract(_html(page))
    on = _clean(text)
    rules_only = _clean(text, {"CLEANCORPUS_CLEAN__CLASSIFIER": "false"})
    assert on.method == "text.extracted (text_kind-3)"
    assert on.doc.text == rules_only.doc.text
    assert on.doc.removed_rules == rules_only.doc.removed_rules
    assert all(t.rule == on.method for t in on.trace if t.kept)


@pytest.mark.skipif(not _WCXB.exists(), reason="WCXB dev pages not here (../shared)")
@pytest.mark.parametrize("page, kept_items", [
    # a law-firm article's bulleted list, which the classifier reads as a menu
    ("0237", ["Size and organization of the law department", "Responsible in-house attorney"]),
])
def test_an_already_extracted_article_keeps_its_lists(page, kept_items):
    text = (_WCXB / "truth" / f"{page}.txt").read_text(encoding="utf-8")
    on, off = _clean(text), _clean(text, {**_OFF, "CLEANCORPUS_CLEAN__LINE_MODEL": '""'})
    assert all(i in on.doc.text for i in kept_items)
    assert not all(i in off.doc.text for i in kept_items)
    assert _words(on.doc.text) >= 0.99 * _words(text)


def test_the_gate_runs_only_with_the_classifier():
    from cleancorpus.pipeline.cleaning.text_kind import active_text_kind
    from cleancorpus.pipeline.config import load_config

    assert active_text_kind(load_config(None).clean).version == "text_kind-3"
    assert active_text_kind(load_config(None, environ={"CLEANCORPUS_CLEAN__CLASSIFIER": "false"}).clean) is None
    assert active_text_kind(load_config(None, environ=_OFF).clean) is None

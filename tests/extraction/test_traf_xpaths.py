"""traf_xpaths answers trafilatura's XPaths in Python: the same elements, call for call."""
from __future__ import annotations

import sys

import pytest
import trafilatura
from lxml import html as lhtml
from test_html import _author_pages

from cleancorpus.pipeline.extraction import html as _html  # noqa: F401 - installs the finders
from cleancorpus.pipeline.extraction import traf_xpaths

_LISTS = ("OVERALL_DISCARD_XPATH", "BODY_XPATH", "REMOVE_COMMENTS_AND_LISTS_XPATH", "RAW_TREE_PRUNE_XPATH")


def test_every_mirrored_expression_is_installed():
    """If this fails after a trafilatura upgrade, its expressions changed: those keep their XPath
    (slower, same elements); mirror them again."""
    assert len(traf_xpaths.ORIGINALS) == 8
    assert traf_xpaths.install() == 8  # a second install changes nothing


@pytest.fixture
def compared(monkeypatch):
    """Every installed finder wrapped so that each call also runs the XPath it replaced on the
    same tree (before either changes it) and records whether the two lists differ."""
    calls: dict[str, list[int]] = {}

    def both(xpath, finder, name):
        def call(tree):
            want, got = xpath(tree), finder(tree)
            seen = calls.setdefault(name, [0, 0])
            seen[0] += 1
            seen[1] += want != got
            return got
        return call

    xpaths, baseline = sys.modules["trafilatura.xpaths"], sys.modules["trafilatura.baseline"]
    for xpath, finder in traf_xpaths.ORIGINALS:
        for name in _LISTS:
            listed = list(getattr(xpaths, name))
            if finder in listed:
                k = listed.index(finder)
                listed[k] = both(xpath, finder, f"{name}[{k}]")
                monkeypatch.setattr(xpaths, name, listed)
                for module in ("core", "main_extractor", "external"):
                    if hasattr(sys.modules[f"trafilatura.{module}"], name):
                        monkeypatch.setattr(sys.modules[f"trafilatura.{module}"], name, listed)
        if baseline.BASIC_CLEAN_XPATH is finder:
            monkeypatch.setattr(baseline, "BASIC_CLEAN_XPATH", both(xpath, finder, "BASIC_CLEAN_XPATH"))
    return calls


def test_finders_give_the_xpaths_elements_through_trafilaturas_steps(compared):
    """trafilatura's own extraction (fast, full with the readability/jusText comparison, recall)
    of the sample and benchmark pages, each finder's answer checked against its XPath's."""
    for k, page in enumerate(_author_pages()):
        trafilatura.extract(page, fast=True, include_comments=False)
        if k % 3 == 0:
            trafilatura.extract(page)
        elif k % 3 == 1:
            trafilatura.extract(page, favor_recall=True, include_comments=False)
    assert set(compared) == {f"{name}[{k}]" for name, k in (("OVERALL_DISCARD_XPATH", 0), ("OVERALL_DISCARD_XPATH", 1),
                                                           ("BODY_XPATH", 0), ("BODY_XPATH", 2), ("BODY_XPATH", 3),
                                                           ("REMOVE_COMMENTS_AND_LISTS_XPATH", 0),
                                                           ("RAW_TREE_PRUNE_XPATH", 0))} | {"BASIC_CLEAN_XPATH"}
    assert {name: bad for name, (_, bad) in compared.items() if bad} == {}


_EDGES = """<html><body>
<div id="x" class="cookie">1</div><div class="cookie" id="x">2</div>
<div class="reply-a" id="b">3</div><div id="b" class="reply-a">4</div>
<span id="y" style="hidden">5</span><span style="hidden" id="y">6</span>
<div class="" id="">7</div><p role="maiN NAV">8</p><section class="footer-x" id="a">9</section>
<div id="main" class="x-footer">10</div><div class="x-footer" id="main">11</div>
<div class="COOKIE-BANNER">12</div><ul class="comment-list"><li>13</li></ul><ol id="comments">14</ol>
<div class="infinite-scroll"><h1>15</h1></div><div class="mvp-post-add-box"><h1>16</h1></div>
<div><section class="post"><div class="entry">17</div></section><div class="post">18</div></div>
<article class="FullText">19</article><main id="MAIN-content">20</main><div class="Page-content">21</div>
<div aria-hidden="true">22</div><div style="display: none">23</div><!-- c --><svg>24</svg><aside>25</aside>
</body></html>"""


def test_finders_on_attribute_order_and_empty_values():
    """The details a rewrite gets wrong: which of two attributes `@a|@b` reads (the first in the
    source), empty values, case folding, nested and sibling matches, comments in the tree."""
    body = lhtml.fromstring(_EDGES).find("body")
    for xpath, finder in traf_xpaths.ORIGINALS:
        assert finder(body) == xpath(body), xpath.path[:60]


def test_finders_on_pages_rewritten_in_older_markup(compared):
    """The same pages in markup the finders were not written against (train/markup.py: <p>s
    as text broken by <br><br>, HTML5 sectioning tags as <div>s), through cleancorpus's own
    extraction: every finder's answer is its XPath's."""
    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "train"))
    from markup import br_paragraphs, html4

    from cleancorpus.pipeline.config import load_config

    cfg = load_config(None).extract
    for page in _author_pages()[::4]:
        for rewrite in (br_paragraphs, html4):
            _html.extract_html(rewrite(page), None, cfg)
    assert sum(n for n, _ in compared.values()) >= 20
    assert {name: bad for name, (_, bad) in compared.items() if bad} == {}

"""A page that ends with its article keeps its last paragraph.

The boilerplate models learned from pages that end in a footer; on a page of paragraphs alone (a
saved copy without its chrome, the HTML another extractor wrote) the bare model dropped the last
one: on WCXB dev's article texts written so, the last paragraph of 87 pages in 310.
"""
from __future__ import annotations

import pytest

from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.blocks import page_blocks
from cleancorpus.pipeline.extraction.boilerplate_model import BARE_VERSION, load_model
from cleancorpus.pipeline.extraction.html import extract_html, model_input_text
from cleancorpus.pipeline.extraction.page_end import FOOTER_LINES, closing_prose
from cleancorpus.pipeline.extraction.page_type import page_type_model
from cleancorpus.pipeline.extraction.parse import load_html
from conftest import ROOT, bench_module, seed_paragraphs

FOOTER = ('<p><a href="/about">About us</a> | <a href="/privacy">Privacy policy</a> | <a href="/terms">Terms</a></p>'
          "<p>Copyright 2022 Example News. All rights reserved.</p>")


def _paragraphs() -> list[str]:
    return [" ".join(p.split()) for p in seed_paragraphs() if len(p.split()) >= 25]


def _page(footer: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in _paragraphs())
    return f"<html><head><title>Putin on Belarus</title></head><body><h1>Putin on Belarus</h1>{body}{footer}</body></html>"


def _verdicts(html: str) -> tuple[list, list[bool], list[bool]]:
    """The bare model's own verdicts on the page's blocks, before any rule."""
    cfg = load_config().extract
    tree = load_html(html)
    blocks = page_blocks(tree)
    probs = page_type_model().probabilities(load_html(html), None)
    keep, in_traf = load_model(cfg.bare_model, BARE_VERSION).keep(blocks, model_input_text(tree, None, cfg), probs)
    return blocks, keep, in_traf


def test_the_last_paragraph_of_a_page_that_ends_with_it_is_kept():
    """The whole path. Up to boilerplate-bare-6 the bare model alone dropped this page's last
    paragraph and closing_prose gave it back; bare-7 keeps it itself, so the rule's own tests
    below make the verdicts it undoes."""
    got = extract_html(_page(), None, load_config().extract)
    assert got is not None and got.method == f"model.{BARE_VERSION}"
    assert [p for p in _paragraphs() if p[:80] not in " ".join(got.text.split())] == []


def _last_paragraph_dropped(footer: str) -> tuple[list, list[bool], list[bool]]:
    """The page's blocks with the model's verdicts as on the pages it drops the article's last
    paragraph of (the seed's own page keeps it when a footer follows): everything but the article dropped."""
    blocks, _, in_traf = _verdicts(_page(footer))
    last = next(i for i, b in enumerate(blocks) if b.text == _paragraphs()[-1])
    keep = [0 < i < last for i in range(len(blocks))]
    return blocks, keep, in_traf


def test_the_last_paragraph_before_a_small_footer_is_kept():
    blocks, keep, in_traf = _last_paragraph_dropped(FOOTER)
    back = closing_prose(blocks, keep, in_traf)
    assert [b.text for b, r in zip(blocks, back) if r] == [_paragraphs()[-1]]


def test_a_page_that_ends_in_a_larger_footer_is_left_as_the_model_decided():
    menu = "".join(f'<p><a href="/{s}">{s.title()}</a></p>' for s in ("world", "business", "sport"))
    blocks, keep, in_traf = _last_paragraph_dropped(menu + FOOTER)
    assert len(blocks) - 1 - next(i for i, b in enumerate(blocks) if b.text == _paragraphs()[-1]) > FOOTER_LINES
    assert not any(closing_prose(blocks, keep, in_traf))


def test_a_closing_sentence_shorter_than_a_paragraph_is_kept_too():
    closing = "The Kremlin did not respond to a request for comment."
    html = _page().replace("</body>", f"<p>{closing}</p></body>")
    got = extract_html(html, None, load_config().extract)
    assert got is not None and got.text.endswith(closing)
    assert _paragraphs()[-1][:80] in " ".join(got.text.split())


WCXB_DEV = ROOT.parent / "shared" / "bench" / "extraction" / "wcxb-dev"


def _in_old_news_page(page_id: str) -> tuple[str, list[str]]:
    """A WCXB dev article's truth in bench/news_template.py's page of the 2000s (table layout, no
    class or id, related stories and readers' comments under the story)."""
    if not (WCXB_DEV / "truth" / f"{page_id}.txt").exists():
        pytest.skip(f"benchmark pages not found at {WCXB_DEV}")
    news_template = bench_module("news_template")
    boilerplate = news_template.B  # train/boilerplate.py, which the template's benchmark reads the truths with
    paras = boilerplate.paragraphs(next(p for p in boilerplate.load_pages() if p.key == f"wcxb-dev/{page_id}"))
    return news_template.page("Story", paras, {"pag", "rel", "com"}, br=False), paras


@pytest.mark.parametrize(("page_id", "lost_by_bare_5"), [("4063", 13), ("4130", 38)])
def test_a_long_article_in_a_page_of_the_2000s_is_kept_whole(page_id: str, lost_by_bare_5: int):
    """A page of little chrome puts a long article's second half far down the page, where the dev
    pages have their footers and comments; the bare model learned that such prose is not the
    article until it trained on articles made longer (train/markup.py longer_article):
    boilerplate-bare-5 lost the last 13 paragraphs of 4063 and 38 of the 140 of 4130's review."""
    html, paras = _in_old_news_page(page_id)
    blocks, keep, _ = _verdicts(html)
    model_text = " ".join(b.text for b, k in zip(blocks, keep) if k)
    assert [p for p in paras if p[:60] not in model_text] == []  # the model alone
    from cleancorpus.pipeline.cleaning.cleaner import Cleaner
    from cleancorpus.pipeline.model import RawRecord

    doc = Cleaner(load_config(None)).process(RawRecord("mem://x.html", None, "html", html=html)).doc
    text = " ".join(doc.text.split())
    assert sum(p[:60] not in text for p in paras) < lost_by_bare_5 // 4
    assert "Nobody in charge" not in text and "Police seek witnesses" not in text  # comments, related stories

"""Reader comments under an article are cut when the page is surely an article, and named."""
from __future__ import annotations

import gzip

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.blocks import page_blocks
from cleancorpus.pipeline.extraction.comments import RULE, trailing_comments
from cleancorpus.pipeline.extraction.html import load_html
from cleancorpus.pipeline.model import RawRecord, SourceMeta
from conftest import ROOT

OPEN_THREAD = "scrapinghub-ac3c03552046.html.gz"
URL = "https://blog.givewell.org/2018/09/10/september-2018-open-thread/#comment-949890"
COMMENT = "In Habyarimana & Jack 2015, the authors try to test mechanisms"
POST_END = "We’ll try to respond promptly to questions or comments."


def _clean(environ: dict[str, str] | None = None):
    page = gzip.open(ROOT / "tests" / "data" / OPEN_THREAD, "rt", encoding="utf-8").read()
    rec = RawRecord(source_uri=OPEN_THREAD, source_record=None, source_format="html", html=page,
                    meta=SourceMeta(url=URL))
    return Cleaner(load_config(environ=environ or {})).process(rec).doc


def test_a_reader_comment_the_model_keeps_is_cut_under_an_article():
    """GiveWell's open-thread post: the boilerplate model keeps a reader's long comment under it
    (prose, like a forum post); the page is an article, so the comment goes, named, and the post
    ends the text as in the benchmark's truth. With the cut off, the comment is back."""
    doc = _clean()
    assert doc is not None and doc.text.endswith(POST_END) and COMMENT not in doc.text
    assert any(rule == RULE and line.startswith(COMMENT) for rule, line in zip(doc.removed_rules, doc.removed_lines))
    off = _clean({"CLEANCORPUS_EXTRACT__COMMENTS_MIN_ARTICLE": "1"})
    assert COMMENT in off.text and RULE not in off.removed_rules


def _blocks(body: str):
    return page_blocks(load_html(f"<html><body>{body}</body></html>"))


FIRST = "The council voted on Tuesday to close the old bridge to cars from the spring."
LAST = "Work on the new bridge is to start in May and to last about two years."


def test_only_comment_named_blocks_after_the_article_go():
    blocks = _blocks(f"<div class='entry-content'><p>{FIRST}</p></div>"
                     "<div id='respond'><p>A paragraph inside the comment form's wrapper.</p></div>"
                     f"<div class='entry-content'><p>{LAST}</p></div>"
                     "<ol class='comment-list'><li>A reader's comment.</li><li>Another reader's comment.</li></ol>"
                     "<div class='subscribe'><p>Subscribe to the blog</p></div>")
    texts = [b.text for b in blocks]
    cut = trailing_comments(blocks, [True] * len(blocks))
    # the short line kept under the comments does not make them part of the article
    assert [t for t, c in zip(texts, cut) if c] == ["A reader's comment.", "Another reader's comment."]
    # a comment the model already dropped is not cut again
    keep = [t != "Another reader's comment." for t in texts]
    assert [t for t, c in zip(texts, trailing_comments(blocks, keep)) if c] == ["A reader's comment."]
    # with no article paragraph of ANCHOR_WORDS words, the last kept block outside a comment
    # container bounds the article: here the subscribe line, so nothing is cut
    keep = [t not in (FIRST, LAST) for t in texts]
    assert not any(trailing_comments(blocks, keep))


def test_a_page_that_is_all_comments_keeps_them():
    blocks = _blocks("<div class='comments'><p>First post of the thread.</p><p>A reply to it.</p></div>")
    assert not any(trailing_comments(blocks, [True] * len(blocks)))

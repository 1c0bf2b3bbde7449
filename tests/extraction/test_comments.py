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


def test_only_comment_named_blocks_after_the_article_go():
    blocks = _blocks("<div class='entry-content'><p>The article's first paragraph.</p></div>"
                     "<div id='respond'><p>A paragraph inside the comment form's wrapper.</p></div>"
                     "<div class='entry-content'><p>The article's last paragraph.</p></div>"
                     "<ol class='comment-list'><li>A reader's comment.</li><li>Another reader's comment.</li></ol>"
                     "<footer><p>A footer line.</p></footer>")
    texts = [b.text for b in blocks]
    keep = [t != "A footer line." for t in texts]  # the model's verdict: all but the footer
    cut = trailing_comments(blocks, keep)
    assert [t for t, c in zip(texts, cut) if c] == ["A reader's comment.", "Another reader's comment."]
    # a comment the model already dropped is not cut again
    keep = [k and t != "Another reader's comment." for k, t in zip(keep, texts)]
    assert [t for t, c in zip(texts, trailing_comments(blocks, keep)) if c] == ["A reader's comment."]
    # nothing after the article's last kept block outside a comment container: nothing to cut
    assert not any(trailing_comments(blocks, [True] * len(blocks)))


def test_a_page_that_is_all_comments_keeps_them():
    blocks = _blocks("<div class='comments'><p>First post of the thread.</p><p>A reply to it.</p></div>")
    assert not any(trailing_comments(blocks, [True] * len(blocks)))

"""The HTML path's shortcuts around trafilatura must give what trafilatura gives."""
from __future__ import annotations

import pytest
import trafilatura
from trafilatura.settings import set_date_params

from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.dates import parse_iso_datetime
from cleancorpus.pipeline.extraction.html import extract_html
from cleancorpus.pipeline.inputs.encoding import decode_bytes
from conftest import ROOT, seed_paragraphs

PAGES = sorted((ROOT / "data" / "sample").glob("*.htm*"))


def _trafilatura_alone():
    """The path without the boilerplate model, whose shortcuts must match trafilatura's own result."""
    return load_config().extract.model_copy(update={"boilerplate_model": ""})


def _reference(html: str, cfg):
    return trafilatura.bare_extraction(
        html, with_metadata=True, favor_precision=cfg.favor_precision, include_tables=cfg.include_tables,
        include_comments=cfg.include_comments, deduplicate=False,
        date_extraction_params=set_date_params(cfg.extensive_date_search),
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_same_text_and_metadata_as_trafilatura_in_full(page):
    """Metadata from trafilatura's own steps (no categories, tags, licence) and extraction
    without the readability/jusText comparison unless the body comes out short: the fields
    cleancorpus keeps are the ones full trafilatura gives."""
    cfg = _trafilatura_alone()
    html = decode_bytes(page.read_bytes())[0]
    ref, got = _reference(html, cfg), extract_html(html, None, cfg)
    assert got is not None and got.text == ref.text
    assert (got.title, got.author, got.url, got.sitename) == (ref.title, ref.author, ref.url, ref.sitename)
    assert got.published_at == parse_iso_datetime(ref.date)


def test_comparison_runs_only_for_short_bodies(monkeypatch):
    """trafilatura's readability/jusText comparison (fast=False) costs a third of its time:
    it runs for a body under compare_below_chars, and not for a full-length one."""
    calls: list[bool] = []
    real = trafilatura.bare_extraction

    def spy(*args, **kwargs):
        calls.append(kwargs["options"].fast)
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    cfg = _trafilatura_alone()
    paras = [p for p in seed_paragraphs() if len(p) > 200]
    long_page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>"
    assert len(extract_html(long_page, None, cfg).text) >= cfg.compare_below_chars
    assert calls == [True]
    calls.clear()
    short_page = "<html><body><article><p>" + "A short notice of a few words only, said the council. " * 3 + "</p></article></body></html>"
    assert extract_html(short_page, None, cfg) is not None
    assert calls == [True, False]
    calls.clear()
    extract_html(short_page, None, cfg.model_copy(update={"compare_below_chars": 0}))
    assert calls == [True]
    calls.clear()
    extract_html(long_page, None, cfg.model_copy(update={"compare_below_chars": 10**9}))
    assert calls == [False]


_BODY = "<p>" + "The council met on Tuesday to discuss the new cycle path along the river. " * 8 + "</p>"
# author markup of the kinds trafilatura's byline XPaths look for, and the sections it prunes first
AUTHOR_PAGES = [
    f"<html><body><article><div class='author-name'>Jane Doe</div>{_BODY}</article></body></html>",
    f"<html><body><span rel='author'>John Smith</span>{_BODY}</body></html>",
    f"<html><body><p class='byline'>By Ana Lopez</p>{_BODY}</body></html>",
    f"<html><body><div itemprop='author'><span>Kim Lee</span></div>{_BODY}</body></html>",
    f"<html><body><h4 id='zuozhe-box'>Wang Fang</h4>{_BODY}</body></html>",
    f"<html><body><em data-component='Byline'>Olu Ade</em>{_BODY}</body></html>",
    f"<html><body><author>Max Muster</author>{_BODY}</body></html>",
    f"<html><body><a><rel>me</rel>Ruth Rey</a>{_BODY}</body></html>",
    f"<html><body><div data-testid='AuthorCard'>Sam Roe</div>{_BODY}</body></html>",
    # a byline only inside sections pruned before the search: comments, sidebars, figures, times
    f"<html><body><div class='comments'><span class='author'>Troll</span></div>"
    f"<section id='comment-list'><p class='byline'>Reader</p></section><figure><span class='Author'>Photo Ed</span>"
    f"</figure><time class='byline'>Today</time><div class='sidebar x'><div class='writer'>Side</div></div>{_BODY}"
    f"<span class='screenname'>Lee Park</span></body></html>",
    f"<html><body><div class='article-share'><a class='authorName'>Share Bot</a></div><p>no byline</p>{_BODY}</body></html>",
    # pruned sections inside a byline: their tail text joins the text before them
    f"<html><body><div class='author-name'>By<time>today</time>Jane Doe</div>{_BODY}</body></html>",
    f"<html><body><p class='byline'>By <span class='comments'>3</span> Ana <figure>x</figure>Lopez<time>t</time></p>{_BODY}</body></html>",
]


def _author_pages() -> list[str]:
    pages = [decode_bytes(p.read_bytes())[0] for p in PAGES] + AUTHOR_PAGES
    bench = ROOT.parent / "shared" / "bench" / "extraction" / "scrapinghub" / "html"
    return pages + [decode_bytes(p.read_bytes(), is_html=True)[0] for p in sorted(bench.glob("*.html"))]


def test_author_search_finds_what_trafilaturas_xpaths_find():
    """trafilatura_byline answers trafilatura's byline XPaths in Python: the same elements for each
    expression, the same author. If this fails after a trafilatura upgrade, its expressions
    changed: cleancorpus then uses them as they are (slower, same answers); mirror them again."""
    from trafilatura import metadata as tmeta
    from trafilatura.utils import load_html
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

    from cleancorpus.pipeline.extraction import trafilatura_byline as author

    assert author.AUTHOR_FINDERS[0] is not AUTHOR_XPATHS[0], "trafilatura's byline expressions are not the mirrored ones"
    found = 0
    for html in _author_pages():
        tree = load_html(html)
        for xpath, finder in zip(AUTHOR_XPATHS + AUTHOR_DISCARD_XPATHS, author.AUTHOR_FINDERS + author.DISCARD_FINDERS):
            assert finder(tree) == xpath(tree), xpath.path[:60]
        want = tmeta.extract_author(tree)
        assert author.extract_author(tree) == want
        found += want is not None
    assert found >= 10


def test_trafilatura_in_place_gives_bare_extractions_text():
    """trafilatura_text_in_place repeats bare_extraction's steps without its copy of the tree:
    the same text as the public path, page by page, under the default options and the other
    option values the config can give. If this fails after a trafilatura upgrade, its internals
    changed: mirror bare_extraction again, or let _sequence_as_checked send every page down the
    public path (slower, same text)."""
    from trafilatura.utils import load_html

    from cleancorpus.pipeline.extraction import html as H

    assert H._IN_PLACE, "trafilatura's internals differ from those checked: the in-place path is off"
    from cleancorpus.pipeline.extraction import traf_sequence

    assert traf_sequence.SAME_SOURCE, ("trafilatura_sequence's source differs from the one fast_sequence repeats: "
                                       "every page takes trafilatura's own (same text, one more copy of the tree)")
    cfg = load_config().extract
    variants = [cfg] + [cfg.model_copy(update={k: not getattr(cfg, k)})
                        for k in ("include_comments", "include_tables", "favor_precision", "favor_recall")]
    pages = _author_pages()
    compared = 0
    for k, html in enumerate(pages):
        for c in variants if k < 40 else variants[:1]:
            tree = load_html(html)
            want = H.trafilatura_text(tree, "https://example.org/a/page", c)
            assert H.trafilatura_text_in_place(tree, "https://example.org/a/page", c) == want, (k, c)
            compared += bool(want)
    assert compared >= 10


def test_a_list_items_text_after_its_nested_list_is_no_item_of_its_own():
    """An item's words after a nested list are the same item's: only its first block is marked."""
    import lxml.html

    from cleancorpus.pipeline.extraction.blocks import page_blocks
    from cleancorpus.pipeline.extraction.layout import block_lines

    tree = lxml.html.fromstring("<html><body><ul><li>Flour</li><li>Sugar<ul><li>brown</li><li>white</li></ul>"
                                "or honey</li><li>Eggs</li></ul><p>Mix them.</p></body></html>")
    assert block_lines(page_blocks(tree)) == ["- Flour", "- Sugar", "- brown", "- white", "or honey", "- Eggs",
                                              "Mix them."]

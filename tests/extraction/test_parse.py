"""A page nested deeper than libxml2's default 256 levels keeps its text after that point.

Pages of the 2000s open a <font> in every cell of their layout tables and never close it; libxml2
nests each inside the last, and with its default limit stopped parsing at 256 levels, so the
article under a long navigation table was lost (trafilatura's too, which parses the same way).
"""
from __future__ import annotations

import sys

import lxml.html

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.html import extract_html
from cleancorpus.pipeline.extraction.parse import MAX_DEPTH, load_html
from cleancorpus.pipeline.model import RawRecord, SourceMeta
from conftest import seed_paragraphs


def _paragraphs() -> list[str]:
    return [" ".join(p.split()) for p in seed_paragraphs() if len(p) > 150][:5]


def _old_page(nav_rows: int = 150) -> str:
    """A 2000s news page: a navigation table whose cells each open a <font> never closed, then
    the story in the next table, its paragraphs opened by <p> alone."""
    nav = "".join(f'<tr><td><font face="Verdana" size="1"><a href="/section/{i}">Section {i}</a>'
                  f'<td><font size="1" color="#666666">|' for i in range(nav_rows))
    story = "".join(f"<p>{p}" for p in _paragraphs())
    return (f'<html><head><title>Putin on Belarus</title></head><body bgcolor="#ffffff">'
            f'<table width="100%">{nav}</table>'
            f'<table width="600"><tr><td><font face="Arial" size="2"><b>Putin on Belarus</b><br>{story}'
            f'</td></tr></table></body></html>')


def _depth(tree) -> int:
    return max(sum(1 for _ in e.iterancestors()) for e in tree.iter())


def test_the_page_is_deeper_than_libxml2s_default_limit():
    """The fixture holds what it claims: libxml2's stock parser stops before the story."""
    stock = lxml.html.document_fromstring(_old_page())
    assert _depth(stock) < 260
    assert _paragraphs()[0][:60] not in " ".join(" ".join(stock.itertext()).split())


def test_the_story_under_a_deep_layout_comes_out():
    tree = load_html(_old_page())
    assert _depth(tree) > 300
    doc = Cleaner(load_config()).process(RawRecord(
        source_uri="old.html", source_record=None, source_format="html", html=_old_page(),
        meta=SourceMeta(url="http://www.example.com/2008/04/putin-belarus.html"))).doc
    assert doc is not None
    for p in _paragraphs():
        assert p[:80] in " ".join(doc.text.split())


def test_a_tree_at_the_parsers_limit_is_walked_and_the_recursion_limit_restored():
    """MAX_DEPTH levels of <div>: every walk over the tree recurses once per level."""
    n = MAX_DEPTH - 10
    story = "".join(f"<p>{p}</p>" for p in _paragraphs())
    html = f"<html><body><h1>Putin on Belarus</h1>{'<div>' * n}{story}{'</div>' * n}</body></html>"
    before = sys.getrecursionlimit()
    got = extract_html(html, None, load_config().extract)
    assert sys.getrecursionlimit() == before
    assert got is not None and _paragraphs()[-1][:80] in " ".join(got.text.split())


def test_a_page_generated_with_blank_lines_above_it_and_no_head_keeps_its_story():
    """Server templates often emit the newlines of their includes above the <html>; with the
    first 50 characters blank and no <head>, trafilatura's loader took the page for no HTML."""
    story = "".join(f"<p>{p}</p>" for p in _paragraphs())
    got = extract_html("\n" * 60 + f"<html><body><h1>Putin on Belarus</h1>{story}</body></html>", None,
                       load_config().extract)
    assert got is not None and _paragraphs()[0][:80] in " ".join(got.text.split())


def test_the_blocks_walk_alone_takes_a_tree_at_the_parsers_limit():
    """page_blocks is called outside extract_html too (the training scripts, explain's placing)."""
    from cleancorpus.pipeline.extraction.blocks import page_blocks

    n = MAX_DEPTH - 10
    tree = load_html(f"<html><body>{'<div>' * n}<p>{_paragraphs()[0]}</p>{'</div>' * n}</body></html>")
    assert [b.text for b in page_blocks(tree)] == [_paragraphs()[0]]


def test_a_page_nested_past_the_raised_limit_is_parsed_again_without_the_tags_that_nest_it():
    """1,100 navigation rows open 2,200 <font>s: past even MAX_DEPTH, where libxml2 stops again.
    The page is parsed again without its formatting tags, and the story is in the tree."""
    html = _old_page(nav_rows=1100)
    assert _paragraphs()[0][:60] not in " ".join(" ".join(lxml.html.document_fromstring(
        html, parser=lxml.html.HTMLParser(huge_tree=True)).itertext()).split())
    reparsed = " ".join(" ".join(load_html(html).itertext()).split())
    assert all(p[:80] in reparsed for p in _paragraphs())
    # What the models make of it is another matter: under 2,200 links the page-type model gives the
    # page P(article) 0.09, and the bare model keeps two of the story's six paragraphs (boilerplate-
    # bare-6 kept one, too few words, and trafilatura's whole story stood in). Nothing but story.
    got = extract_html(html, None, load_config().extract)
    assert got is not None and got.text.strip()
    story = " ".join(_paragraphs())
    assert all(" ".join(line.split())[:80] in story for line in got.text.splitlines() if line.strip())


def test_containers_left_open_past_the_limit_are_given_up_too():
    story = "".join(f"<p>{p}</p>" for p in _paragraphs())
    html = f"<html><body><h1>Putin on Belarus</h1>{'<div><blockquote>' * 1100}{story}</body></html>"
    tree = load_html(html)
    assert _depth(tree) < 100
    assert _paragraphs()[-1][:80] in " ".join(" ".join(tree.itertext()).split())


def test_a_page_that_only_reaches_the_limit_keeps_its_tags():
    n = MAX_DEPTH - 3  # with <html>, <body> and the <p>: the deepest element at the limit, nothing cut
    tree = load_html(f"<html><body>{'<div>' * n}<p>{_paragraphs()[0]}</p>{'</div>' * n}</body></html>")
    assert _depth(tree) == MAX_DEPTH - 1 and _paragraphs()[0] in " ".join(tree.itertext())


def test_trafilatura_called_by_others_in_the_process_parses_as_it_always_did():
    """Our parser is trafilatura's only for our own calls: trafilatura's recursive walks, run by
    someone else outside `deep_recursion`, would hit Python's recursion limit on its deep trees."""
    import trafilatura

    load_html(_old_page(nav_rows=1100))
    text = trafilatura.extract(_old_page(nav_rows=1100))  # raised RecursionError with our parser in place
    assert _paragraphs()[0][:60] not in " ".join((text or "").split())  # libxml2's own limit: cut as before


def test_tables_nested_past_the_limit_are_given_up_last():
    """Past MAX_DEPTH, trafilatura's walks over the deep tree cost seconds and the story was cut
    anyway; without the tables' tags the page parses flat and the story comes out."""
    story = "".join(f"<p>{p}</p>" for p in _paragraphs())
    html = f"<html><body><h1>Putin on Belarus</h1>{'<table><tr><td>' * 1000}{story}</body></html>"
    tree = load_html(html)
    assert _depth(tree) < 100
    got = extract_html(html, None, load_config().extract)
    assert got is not None and _paragraphs()[-1][:80] in " ".join(got.text.split())

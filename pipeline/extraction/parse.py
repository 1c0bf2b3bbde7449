"""Parsing a page: trafilatura's parser and loader, without libxml2's 256-level nesting limit.

libxml2 stops parsing a page at 256 levels of nesting ("Excessive depth in document") and keeps
only what came before that point. Pages reach that depth with tags they never close: a <font>
opened in every table cell or paragraph of a 2000s page, a <span> or <div> in a loop. The
whole body after that point was lost, by trafilatura too, which parses with the same library.
With XML_PARSE_HUGE (lxml's `huge_tree`) the limit is MAX_DEPTH. The pipeline's walks over the
tree recurse once per level, so they run under `deep_recursion`, with room for that depth.

The parser is trafilatura's own (its options, its `load_html` with its decoding and repairs),
installed in its place, so trafilatura's own parsing gets the same limit. Every element is
given lxml.html's HtmlElement class by a lookup in C: lxml.html's parser picks each element's
class in a Python function, on every access to an element (the tree is walked by trafilatura,
the blocks, the metadata and the page-type features: a few percent of the whole extraction),
only to give form controls classes with form methods that neither trafilatura nor this
package calls.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import trafilatura.utils
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction

MAX_DEPTH = 2048  # libxml2's nesting limit with XML_PARSE_HUGE
# frames a walk may take per level of nesting, and what the caller's stack already holds
_FRAMES_PER_LEVEL = 2
_STACK_ROOM = 1000


def _parser() -> HTMLParser:
    parser = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                        remove_pis=True, huge_tree=True)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
    return parser


# trafilatura's own parser, untouched: for benchmarks that score trafilatura as its users run it
TRAFILATURA_PARSER = getattr(trafilatura.utils, "HTML_PARSER", None)


def install() -> None:
    """Put the parser in trafilatura's place (its `load_html` reads the module's HTML_PARSER)."""
    if not isinstance(TRAFILATURA_PARSER, etree.HTMLParser):
        return  # a trafilatura that parses otherwise: leave it
    trafilatura.utils.HTML_PARSER = _parser()


@contextmanager
def deep_recursion() -> Iterator[None]:
    """Room on Python's stack for walks of a tree MAX_DEPTH levels deep. Python-to-Python calls
    take no C stack (3.11+), so the raised limit is no crash risk; the old limit is restored."""
    old = sys.getrecursionlimit()
    need = MAX_DEPTH * _FRAMES_PER_LEVEL + _STACK_ROOM
    if old >= need:
        yield
        return
    sys.setrecursionlimit(need)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def load_html(html: str) -> HtmlElement | None:
    """The page's tree, by trafilatura's loader with the parser above; None when it is no HTML.

    The loader takes a page whose first 50 characters do not say "html" for something else and
    drops it when it parses to fewer than two elements: a page generated with a screenful of
    blank lines above its <html> and no <head> came out empty. The blank lines say nothing.
    """
    if html[:1].isspace():
        html = html.lstrip()
    return trafilatura.utils.load_html(html)


install()

"""Parsing a page: trafilatura's parser and loader, without libxml2's 256-level nesting limit.

libxml2 stops parsing a page at 256 levels of nesting ("Excessive depth in document") and keeps
only what came before that point. Pages reach that depth with tags they never close: a <font>
opened in every table cell or paragraph of a 2000s page, a <span> or <div> in a loop. The
whole body after that point was lost, by trafilatura too, which parses with the same library.
With XML_PARSE_HUGE (lxml's `huge_tree`) the limit is MAX_DEPTH; a page nested past even that
is parsed again without the tags that nest it (`load_html`). The pipeline's walks over the tree
recurse once per level, so they run under `deep_recursion`, with room for that depth.

The parser is trafilatura's own (its options, its `load_html` with its decoding and repairs),
put in its module's place for our calls only: trafilatura called by anyone else in the process
keeps its own parser, whose shallower trees its recursive walks need. Every element is
given lxml.html's HtmlElement class by a lookup in C: lxml.html's parser picks each element's
class in a Python function, on every access to an element (the tree is walked by trafilatura,
the blocks, the metadata and the page-type features: a few percent of the whole extraction),
only to give form controls classes with form methods that neither trafilatura nor this
package calls.
"""
from __future__ import annotations

import re
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


_PARSER = _parser()


def _load(html: str) -> HtmlElement | None:
    """trafilatura's `load_html` (it reads its module's HTML_PARSER) with our parser for this call."""
    theirs = getattr(trafilatura.utils, "HTML_PARSER", None)
    if not isinstance(theirs, etree.HTMLParser):
        return trafilatura.utils.load_html(html)  # a trafilatura that parses otherwise: as it does
    trafilatura.utils.HTML_PARSER = _PARSER
    try:
        return trafilatura.utils.load_html(html)
    finally:
        trafilatura.utils.HTML_PARSER = theirs


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


# Tags a page may leave open in a loop, each nesting the next, in the order they are given up
# when a page nests past MAX_DEPTH: first those that only format text, then the containers, then
# tables and lists.
_UNNEST = (
    re.compile(r"</?(?:font|b|i|u|s|em|strong|span|small|big|tt|strike|center|nobr|blink)(?=[\s/>])[^>]*>", re.I),
    re.compile(r"</?(?:div|blockquote|section|article|aside|header|footer|nav|main|form)(?=[\s/>])[^>]*>", re.I),
    re.compile(r"</?(?:table|thead|tbody|tfoot|tr|td|th|ul|ol|li|dl|dt|dd)(?=[\s/>])[^>]*>", re.I),
)


def load_html(html: str) -> HtmlElement | None:
    """The page's tree, by trafilatura's loader with the parser above; None when it is no HTML.

    The loader takes a page whose first 50 characters do not say "html" for something else and
    drops it when it parses to fewer than two elements: a page generated with a screenful of
    blank lines above its <html> and no <head> came out empty. The blank lines say nothing.

    A page nested past MAX_DEPTH still stops there, so it is parsed again without the tags that
    nested it (_UNNEST): their text stays, their formatting goes, where all after that point was lost.
    """
    if html[:1].isspace():
        html = html.lstrip()
    tree = _load(html)
    for tags in _UNNEST:
        if tree is None or not _stopped_deep(tree):
            break
        html = tags.sub("", html)
        tree = _load(html)
    return tree


def _stopped_deep(tree: HtmlElement) -> bool:
    """Whether libxml2 stopped parsing at its nesting limit. The elements open when it stopped are
    the tree's last path, so only a tree whose last path is that long is asked; the parser's log
    then tells a page cut there from one that only reaches the limit."""
    depth, e = 0, tree
    while len(e):
        e, depth = e[-1], depth + 1
    return depth >= MAX_DEPTH - 1 and any(err.type_name == "ERR_RESOURCE_LIMIT" for err in _PARSER.error_log)

"""A table of contents the boilerplate model keeps: list items that link to the page's own sections.

A long article, a guide or a review often opens with a list of its section headings, each a link
to the heading further down ("#how-it-works"). In the text it is the headings a second time,
out of place, and the true texts of the labelled pages leave it out on nine pages of ten that
have one (bench/README). The model reads no link target and keeps it about as often as it keeps
the article's own lists. The markup says what it is: a list item whose whole text is the text of
a link to an anchor on the page, two or more in a row. A list of items that link nowhere (the
exercises a workout then explains one by one) is the article's and stays; so does a single
"Jump to recipe" link, and a footnote, whose back-link is only part of its item's text.
"""
from __future__ import annotations

import regex

from cleancorpus.pipeline.extraction.blocks import Block, kind_of, runs

RULE = "page.contents_list"
MIN_RUN = 2
# a heading's number, written in the item or put there by the list ("2.", "3.1", "iv.")
_NUMBER = regex.compile(r"^(?:\d+(?:\.\d+)*\.?|[ivxlc]+\.)\s+", regex.IGNORECASE)
_NOT_WORD = regex.compile(r"\W+")


def key(text: str) -> str:
    """A heading's text as a table of contents and its link may each write it: no number, case or punctuation."""
    return _NOT_WORD.sub(" ", _NUMBER.sub("", text.strip()).casefold()).strip()


def link_keys(texts: list[str]) -> frozenset[str]:
    """The keys of the texts of the page's links to its own anchors (the page-type features'
    walk reads them: page_type_dom.walk)."""
    return frozenset(k for t in texts if (k := key(t)))


def contents_items(blocks: list[Block], keep: list[bool], links: frozenset[str]) -> list[bool]:
    """Which kept blocks are a table of contents' items (see the module's docstring)."""
    out = [False] * len(blocks)
    if not links:
        return out
    li = kind_of("li")
    for i, j in runs([b.kind == li and key(b.text) in links for b in blocks]):
        if j - i >= MIN_RUN:
            out[i:j] = keep[i:j]
    return out

"""Links to other pages kept under an article, cut when the page is surely an article.

Below an article's last paragraph, sites list their other stories: "More from Garden Guide",
the section's latest headlines, the city pages of a price guide. The boilerplate model keeps
some of these lists, each item a heading, a paragraph or a <div> that is nothing but its link,
when their markup is the article's own (bench/README). On a page the page-type model calls an
article with a probability above `[extract] comments_min_article`, as for reader comments
(comments.py), the kept blocks after the last kept paragraph of prose that are (nearly) all
link text are cut. List items stay: a list under the article is as often its sources or
further reading, which the labelled truths keep as often as not; so do table cells, code and
quotes. A listing, a collection or a forum thread, whose links are its content, is no article.
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import Block, is_prose, kind_of

RULE = "page.related_links"
LINK_SHARE = 0.9  # a block that is a link: this share of its characters link text
_LINK_KINDS = frozenset(kind_of(t) for t in ("p", "h2", "div", "span"))  # "span": the kind of any other tag


def trailing_links(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """Which kept blocks after the article's last kept block of prose are links (see the module's docstring)."""
    out = [False] * len(blocks)
    last = next((i for i in range(len(blocks) - 1, -1, -1) if keep[i] and is_prose(blocks[i])), None)
    if last is None:
        return out
    for i in range(last + 1, len(blocks)):
        b = blocks[i]
        out[i] = keep[i] and b.kind in _LINK_KINDS and b.link_chars >= LINK_SHARE * len(b.text)
    return out

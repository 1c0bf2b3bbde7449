"""Where on a page a byline or a dateline may be: the elements around its headline's <h1> (Zone),
and not inside page chrome (in_chrome: navigation, footers, sidebars, comments, related lists).

A byline or a date sits by its headline; the same markup elsewhere belongs to teasers, cards,
comments and lists. The byline and dateline searches (byline.py, dateline.py) and the page
reader of the metadata (metadata.page.Page, which lists the zone once for both) share these.
"""
from __future__ import annotations

import re
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement

# a class or id split into its parts (at spaces, "-" and "_")
CLASS_PARTS = re.compile(r"[\s\-_]+")
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "form", "select", "button"})
# parts of a class or id (split at spaces, "-" and "_") that mark page chrome
_CHROME_PARTS = frozenset({
    "comment", "comments", "commentlist", "related", "sidebar", "footer", "menu", "navbar", "nav",
    "navigation", "share", "sharing", "social", "newsletter", "recommended", "recommendations", "recirc", "popular",
    "trending", "promo", "promotion", "reply", "replies", "respond", "breadcrumb", "breadcrumbs", "masthead",
    "cookie", "cookies", "consent", "modal", "popup", "teaser", "teasers", "carousel", "slider", "review", "reviews",
    "testimonial", "testimonials", "readnext", "topbar", "sitenav", "siteheader",
})
_CHROME_JOINED = re.compile(r"site-?header|global-?header|read-?next|more-?stories|you-?may-?like", re.I)
# chrome words that also name a post's own parts ("post-meta-sidebar", "meta-share-group",
# <aside class="post-meta">, a newsletter issue's "newsletter-details" with its date): by the
# headline they do not count (in_chrome's `by_headline`)
_LAYOUT_PARTS = frozenset({"sidebar", "share", "sharing", "social", "footer", "newsletter"})
# how many elements from the headline's <h1> (either way) are "by the headline" for in_chrome
BY_HEADLINE = 20


def _chrome_attrs(attrs: str, by_headline: bool = False) -> bool:
    parts = (p.lower() for p in CLASS_PARTS.split(attrs) if p)
    if by_headline:
        return any(p in _CHROME_PARTS and p not in _LAYOUT_PARTS for p in parts) or bool(_CHROME_JOINED.search(attrs))
    return any(p in _CHROME_PARTS for p in parts) or bool(_CHROME_JOINED.search(attrs))


def in_chrome(e: HtmlElement, main: set[HtmlElement] | frozenset[HtmlElement] = frozenset(),
              by_headline: bool = False) -> bool:
    """Inside navigation, a footer, a sidebar, comments or a related-stories list. `main`: the
    ancestors of the page's <h1>; they hold the headline, so they are the page's body whatever
    their class says ("with-sidebar"). `by_headline`: e is a few elements from the headline
    or in the <article> that holds it (Zone.by_headline), where an <aside> and the words of
    _LAYOUT_PARTS are the post's own parts."""
    for a in e.iterancestors():
        if a in main:
            return False
        tag = a.tag
        if tag in _CHROME_TAGS and not (by_headline and tag == "aside"):
            return not (tag == "footer" and any(x.tag in ("article", "main") for x in a.iterancestors()))
        if tag in ("body", "html"):
            return False
        attrs = (a.get("class") or "") + " " + (a.get("id") or "")
        if len(attrs) > 1 and _chrome_attrs(attrs, by_headline) and not _article_footer(a, attrs):
            return True
    return False


def _article_footer(e: HtmlElement, attrs: str) -> bool:
    """A "footer" class on an element inside an <article> ("article-template-footer",
    "entry-footer"): the post's own footer, where themes put its byline and date, as a <footer>
    tag inside an <article> is; not the page's. (An <article> beside others is a card in a list,
    its footer the card's.)"""
    parts = {p.lower() for p in CLASS_PARTS.split(attrs) if p}
    if "footer" not in parts or _chrome_attrs(" ".join(parts - {"footer"})):
        return False
    post = next(e.iterancestors("article"), None)
    return post is not None and next(post.itersiblings("article"), None) is None \
        and next(post.itersiblings("article", preceding=True), None) is None


class Zone:
    """The elements around the headline's <h1> (`h1`; by default the page's first), with their
    offsets from it: `before` above it (negative) and `after` below it; a page without an <h1>:
    its first `no_h1` elements."""

    _PRECEDING = etree.XPath("preceding::*[position() <= $n]")

    def __init__(self, tree: HtmlElement, before: int = 60, after: int = 1000, no_h1: int = 3000,
                 h1: HtmlElement | None = None, post_article: bool = False) -> None:
        root = tree.getroottree().getroot()
        body = root.find("body")
        if body is None:
            body = root
        self.h1: HtmlElement | None = h1 if h1 is not None else next(body.iter("h1"), None)
        # the <article> that holds the headline (with `post_article`): the post's own parts
        self.post: HtmlElement | None = None
        self.items: list[tuple[int, HtmlElement]] = []
        if self.h1 is None:
            self.main: frozenset[HtmlElement] = frozenset()
            for k, e in enumerate(body.iter()):
                if k >= no_h1:
                    break
                if isinstance(e.tag, str):
                    self.items.append((k, e))
            return
        self.main = frozenset(self.h1.iterancestors())
        if post_article:
            self.post = next(self.h1.iterancestors("article"), None)
        above = self._PRECEDING(self.h1, n=before)
        self.items = [(k - len(above), e) for k, e in enumerate(above)]
        self.items += [(k + 1, e) for k, e in enumerate(_following(self.h1, after))]

    def by_headline(self, off: int, e: HtmlElement) -> bool:
        """Is e one of the post's own parts, where an <aside> or a "sidebar" or "share" class is no
        page chrome (in_chrome's `by_headline`): a few elements from the headline (BY_HEADLINE),
        or anywhere in the <article> that holds it, outside any <article> nested in it (a card)."""
        if -BY_HEADLINE <= off <= BY_HEADLINE:
            return True
        if self.post is None:
            return False
        return next(e.iterancestors("article"), None) is self.post


def _following(e: HtmlElement, limit: int) -> list[HtmlElement]:
    """The first `limit` elements after e's start tag, in document order (its descendants,
    then what follows it). (lxml's etree.Element filter leaves comments out without making a
    Python object of each.)"""
    out = list(islice(e.iterdescendants(etree.Element), limit))
    node: HtmlElement | None = e
    while node is not None and len(out) < limit:
        for sib in node.itersiblings(etree.Element):
            out.append(sib)
            out.extend(islice(sib.iterdescendants(etree.Element), limit - len(out)))
            if len(out) >= limit:
                return out[:limit]
        node = node.getparent()
    return out

"""What a page says about itself, read in one pass: meta tags by key, the <title>, the JSON-LD
objects (the article and the web page among them), the <h1> elements.

The title, author and date choices all read the same few elements; reading them once into a
Page keeps each choice to its rules, and the JSON-LD helpers here (ld_types, ld_text) read the
values the same way for all of them.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import cached_property
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.byline import find_byline
from cleancorpus.pipeline.extraction.page_zone import Zone

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "techarticle", "scholarlyarticle",
    "medicalscholarlyarticle", "report", "liveblogposting", "socialmediaposting", "discussionforumposting",
    "posting", "question", "howto", "recipe", "review", "videoobject", "podcastepisode", "satiricalarticle",
    "advertisercontentarticle", "creativework", "medicalwebpage", "claimreview",
})
_PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "faqpage", "qapage", "profilepage", "collectionpage",
                         "searchresultspage", "contactpage", "checkoutpage", "realestatelisting", "medicalwebpage"})
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
SPACE = re.compile(r"\s+")
# a meta value that is a URL or a path, not a name
URLISH = re.compile(r"^(?:https?:|www\.|/)|\.(?:com|org|net)/", re.I)


_WORD = re.compile(r"\w+")


def _words(s: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", s).casefold()))


def overlap(a: str, b: str) -> float:
    """The share of the shorter text's words that the other has too (0 to 1, casefolded)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def ld_types(obj: dict) -> set[str]:
    """A JSON-LD object's @type values, lowercased and without a vocabulary URL or prefix
    ("https://schema.org/NewsArticle", "schema:Person" -> "newsarticle", "person")."""
    t = obj.get("@type")
    ts = t if isinstance(t, list) else [t]
    return {x.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for x in ts if isinstance(x, str)}


def ld_text(v: Any) -> str | None:
    """A JSON-LD value as text: a string, the first string of a list, a {"@value"} or {"name"}."""
    if isinstance(v, list):
        v = next((x for x in v if isinstance(x, (str, dict))), None)
    if isinstance(v, dict):
        v = v.get("@value") or v.get("name")
    if isinstance(v, str):
        s = SPACE.sub(" ", unescape(v)).strip()
        return s or None
    return None


def _shared_words(h: HtmlElement, metas: list[set[str]]) -> tuple[int, int]:
    """How many of a heading's words the likeliest of the headline's spellings (metas) shares,
    and how many words the heading has."""
    words = _words(h.text_content())
    return max((len(words & m) for m in metas), default=0), len(words)


class Page:
    """What a page says about itself: meta tags by key, <title>, JSON-LD objects, <h1> elements."""

    def __init__(self, tree: HtmlElement, url: str | None, heading: bool = True, unsaid_h1: bool = True,
                 post_article: bool = True, site_h1: bool = True) -> None:
        self.url = url
        self.site_h1 = site_h1
        self.tree = tree
        self.heading = heading
        self.unsaid_h1 = unsaid_h1
        self.post_article = post_article
        self._zone: Zone | None = None
        self.meta: dict[str, list[str]] = {}
        self.title: str | None = None
        self.h1s: list[HtmlElement] = []
        self.ld: list[dict] = []
        self.date_props: list[str] = []
        for el in tree.iter("meta", "title", "script", "h1"):
            tag = el.tag
            if tag == "meta":
                content = el.get("content")
                key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
                if content and key and content.strip():
                    self.meta.setdefault(key, []).append(content.strip())
                    if key.endswith("ld+json"):
                        # JSON-LD carried in a meta tag's content (<meta name="script:ld+json"
                        # content="{...}">, a framework's way of adding a script to the <head>)
                        self._read_ld(content)
            elif tag == "h1":
                self.h1s.append(el)
            elif tag == "title":
                if self.title is None and el.getparent() is not None and el.getparent().tag in ("head", "html"):
                    self.title = SPACE.sub(" ", el.text_content()).strip() or None
            elif "ld+json" in (el.get("type") or "").lower():
                self._read_ld(el.text)
        self.ids = {o["@id"]: o for o in self.ld if isinstance(o.get("@id"), str)}
        self.article = self._main(_ARTICLE_TYPES)
        self.webpage = self._main(_PAGE_TYPES)

    def _read_ld(self, text: str | None) -> None:
        if not text or not text.strip():
            return
        text = text.strip().rstrip(";")
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            try:
                data = json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
            except ValueError:
                return
        self._walk(data, 0)

    def _walk(self, obj: Any, depth: int) -> None:
        if depth > 5:
            return
        if isinstance(obj, list):
            for o in obj:
                self._walk(o, depth + 1)
        elif isinstance(obj, dict):
            if "@type" in obj:
                self.ld.append(obj)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                sub = obj.get(key)
                if isinstance(sub, (dict, list)):
                    self._walk(sub, depth + 1)

    def _main(self, types: frozenset[str]) -> dict | None:
        """The JSON-LD object of these types that is about this page (its url or @id is the
        page's, else the first)."""
        found = [o for o in self.ld if ld_types(o) & types]
        if len(found) > 1 and self.url:
            here = _url_key(self.url)
            for o in found:
                for k in ("url", "@id", "mainEntityOfPage"):
                    v = o.get(k)
                    v = v.get("@id") if isinstance(v, dict) else v
                    if isinstance(v, str) and _url_key(v) == here:
                        return o
        return found[0] if found else None

    @property
    def zone(self) -> Zone:
        """The elements around the headline's <h1>, listed once for the byline and dateline searches."""
        if self._zone is None:
            self._zone = Zone(self.tree, h1=self._anchor(), post_article=self.post_article)
        return self._zone

    def _anchor(self) -> HtmlElement | None:
        """The element the byline and the dateline are looked for by: the headline's <h1>; but an
        <h1> that does not say the <title>'s or og:title's headline (a pop-up's "A message from
        our founder", a pull quote) gives way, with `unsaid_h1`, to the <h2> or <h3> that says it
        (_headline_heading), when there is one."""
        h1 = self.headline_h1()
        if h1 is None or not self.unsaid_h1 or self._says_headline(h1):
            return h1
        heading = self._headline_heading(among=8 + 2 * len(self.h1s))
        return h1 if heading is None else heading

    @cached_property
    def date_zone(self) -> Zone:
        """The zone the dateline is looked for in: the headline's <h1>'s; on a page without an
        <h1>, the elements around the <h2> or <h3> that says the headline (_headline_heading),
        when there is one."""
        heading = None if self.h1s else self._headline_heading()
        return self.zone if heading is None else Zone(self.tree, h1=heading, post_article=self.post_article)

    @cached_property
    def byline(self) -> str | None:
        """The names the byline by the headline gives (byline.find_byline), looked for once: the
        author choice may ask for it up to three times."""
        return find_byline(self.tree, zone=self.zone)

    def _meta_words(self) -> list[set[str]]:
        """The words of the <title> and of og:title, the headline's two spellings."""
        return [_words(t) for t in (self.title, self.first_meta("og:title")) if t]

    def _says_headline(self, h: HtmlElement) -> bool:
        """Does this heading share words with the <title> or og:title, at least half of its own?
        With `site_h1`, not when it is the last segment of one of them ("A brief intro to git •
        Cory Dransfeldt"): a logo's <h1>, the site's name."""
        shared, own = _shared_words(h, self._meta_words())
        if not (shared > 0 and 2 * shared >= own):
            return False
        return not (self.site_h1 and self._site_segment(h))

    def dateline_by_other_heading(self) -> bool:
        """Is the dateline looked for by a heading that does not say the <title>'s or og:title's
        headline (a pop-up's "Contact Us" <h1> on a page whose headline is in no heading)?"""
        anchor = self.date_zone.h1
        return anchor is not None and bool(self._meta_words()) and not self._says_headline(anchor)

    def _site_segment(self, h: HtmlElement) -> bool:
        from cleancorpus.pipeline.extraction.metadata.titles import _same, _segments  # titles imports this module

        text = SPACE.sub(" ", h.text_content()).strip()
        for t in (self.title, self.first_meta("og:title")):
            if t:
                parts = _segments(t)[0]
                if len(parts) > 1 and _same(text, parts[-1]) and not _same(text, parts[0]):
                    return True
        return False

    def headline_h1(self) -> HtmlElement | None:
        """The <h1> of the headline: of the first six, the one sharing most words with the <title>
        or og:title (and at least half of its own words); else the first. A page's first <h1> is
        often its logo or a "Search" box, and a byline or a date sits by the headline, not by those."""
        if len(self.h1s) < 2:
            return self.h1s[0] if self.h1s else None
        metas = self._meta_words()
        best, most = self.h1s[0], 0
        for h in self.h1s[:6]:
            shared, own = _shared_words(h, metas)
            if shared > most and 2 * shared >= own:
                best, most = h, shared
        return best

    def _headline_heading(self, among: int = 8) -> HtmlElement | None:
        """A page without an <h1>: the first of its first eight <h2>s and <h3>s that says the
        <title>'s or og:title's headline (at least three of their words, and at least half of its
        own), where themes put the post's title; else None."""
        if not self.heading:
            return None
        metas = self._meta_words()
        if not metas:
            return None
        for k, h in enumerate(self.tree.iter("h2", "h3")):
            if k >= among:
                break
            shared, own = _shared_words(h, metas)
            if shared >= min(3, *(len(m) for m in metas)) and 2 * shared >= own:
                return h
        return None

    def says_article(self) -> bool:
        """og:type article or a JSON-LD article: the page says it is one."""
        return self.article is not None or "article" in (self.first_meta("og:type") or "")

    def resolve(self, v: Any) -> Any:
        if isinstance(v, dict) and set(v) <= {"@id", "@type"} and isinstance(v.get("@id"), str):
            return self.ids.get(v["@id"], v)
        return v

    def first_meta(self, *keys: str) -> str | None:
        for k in keys:
            for v in self.meta.get(k, ()):
                s = SPACE.sub(" ", unescape(v)).strip()
                if s:
                    return s
        return None


def _url_key(u: str) -> str:
    p = urlsplit(u.strip())
    return (p.netloc.lower().removeprefix("www.") + p.path.rstrip("/")).lower()

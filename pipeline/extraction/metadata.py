"""Title, author, publication date and site name of an HTML page.

One pass over the page's <title>, <meta>, JSON-LD and <h1> elements gathers what the page says
about itself; the fields are then chosen by rules that use only the page (no site lists):

title   the headline without the site's name: <title>, og:title / twitter:title and the
        JSON-LD headline are cut into segments at " | ", " - ", " — ", " / ", "Site: " ...;
        segments at either end that name the site (og:site_name, application-name, the JSON-LD
        publisher / WebSite / Organization names, the host name's labels or their initials, an
        <h1> that is the title's last segment) are dropped, and a short last segment after a
        separator even when nothing names it. The meta title the other sources back is the
        candidate; the page's <h1> (the visible headline) replaces it when the two share most
        of their words (Rules.title_*).
author  the JSON-LD article's authors (arrays, @id references into @graph, Persons before
        Organizations), then meta tags (author, article:author when a name and not a URL,
        parsely-author, sailthru.author, dc.creator ...), then the byline by the <h1>
        (byline.find_byline: itemprop=author, author links, author/byline classes, "By ...");
        "By", roles, dates and what follows them cut off, "and"-joined names split, "; "-joined.
date    the publication day, never the modification date: the JSON-LD article's datePublished,
        article:published_time and the other meta date tags, itemprop=datePublished, the day
        in the URL (/2025/09/04/), the dateline by the <h1> (byline.find_dateline; a date shown
        as "Updated ..." only when it is the only one). As the page writes it, YYYY-MM-DD (no
        time-zone shift). htmldate's guess only when asked (Rules.date_fallback,
        extract.extensive_date_search): on pages where nothing above names a date it is wrong
        more often than right.
url, sitename  trafilatura's, as before.

The choices left open (Rules) were chosen by cross-validation over the five WCXB dev folds,
`bench/metadata_eval.py --tune` (the variants tried: VARIANTS), which also gives the figures
against trafilatura and the code before (`--old REV`) and the time per page (`--timing N`).
"""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import metadata as tmeta
from trafilatura.settings import Document as TrafDocument
from trafilatura.settings import set_date_params

from cleancorpus.pipeline.config import ExtractConfig
from cleancorpus.pipeline.extraction.byline import (
    Zone,
    clean_authors,
    find_byline,
    find_dateline,
    name_like,
    url_date,
)
from cleancorpus.pipeline.extraction.dates import DATE, iso_day


@dataclass(frozen=True)
class Rules:
    """What the rules leave open; see VARIANTS and bench/metadata_eval.py --tune."""

    # which meta title is the headline when <title>, og:title and the JSON-LD headline differ
    # and none is backed by the others (with title_vote) or by the <h1>: "title" or "og"
    title_meta_order: str = "og"
    title_vote: bool = True
    # <title> and og:title (or the JSON-LD headline) agree and the <h1> says otherwise: "meta"
    # keeps theirs, "h1" lets the rules below decide
    title_agreed: str = "h1"
    # the <h1> and the meta title, one the other with more at its end ("Headline - Part 1"):
    # "shorter", "h1", "meta", or "off" (the overlap rules below decide)
    title_nested: str = "shorter"
    # an <h1> sharing at least this share of its words with the meta title (of the shorter of
    # the two) is the same headline, worded as title_similar says ("h1" or "meta")
    title_overlap: float = 0.5
    title_similar: str = "h1"
    # when they share fewer: "meta" keeps the meta title, "h1" takes the <h1> all the same
    title_unrelated_h1: str = "meta"
    # a last segment that names no known site: cut after "|" (and "·", "•", "»") only when it
    # is short ("pipe"), after dashes too ("dash"), or never ("none")
    title_unknown_suffix: str = "dash"
    # an author named by a JSON-LD Organization (not a Person) is kept ("keep") or left to
    # the meta tags and the byline, falling back to it ("person_first")
    author_org: str = "person_first"
    # an author that is the site's own name: "keep", "byline_first" (a byline naming someone
    # else wins, else keep it) or "drop" (the byline's, else none)
    author_site: str = "keep"
    author_from_page: bool = True
    # htmldate when no metadata names the publication date: "always", "never", or only on
    # pages that say they are articles (og:type article, a JSON-LD article) ("articles")
    date_fallback: str = "never"
    # a JSON-LD datePublished of a WebPage (not an article) counts: "always", "never", or
    # on pages that say they are articles ("article")
    date_webpage: str = "never"
    # the day in the URL's path (/2025/09/04/), then the date shown by the headline; a date
    # shown as "Updated ..." when it is the only one shown (date_updated)
    date_url: bool = True
    date_dateline: bool = True
    date_updated: bool = True

    def replace(self, **changes: Any) -> Rules:
        return dataclasses.replace(self, **changes)


DEFAULT_RULES = Rules()
# the alternatives bench/metadata_eval.py --tune cross-validates (each field's rules apart)
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "title: <title> first": {"title_meta_order": "title"},
    "title: no vote": {"title_vote": False},
    "title: agreed metas win": {"title_agreed": "meta"},
    "title: nested -> h1": {"title_nested": "h1"},
    "title: nested off": {"title_nested": "off"},
    "title: overlap 0.3": {"title_overlap": 0.3},
    "title: overlap 0.7": {"title_overlap": 0.7},
    "title: similar -> meta": {"title_similar": "meta"},
    "title: unrelated -> h1": {"title_unrelated_h1": "h1"},
    "title: suffix after | only": {"title_unknown_suffix": "pipe"},
    "title: no unknown suffix": {"title_unknown_suffix": "none"},
    "author: orgs as persons": {"author_org": "keep"},
    "author: site -> byline first": {"author_site": "byline_first"},
    "author: site dropped": {"author_site": "drop"},
    "author: no DOM byline": {"author_from_page": False},
    "date: WebPage dates": {"date_webpage": "always"},
    "date: WebPage dates, articles": {"date_webpage": "article"},
    "date: no URL date": {"date_url": False},
    "date: no dateline": {"date_dateline": False},
    "date: no 'updated' dates": {"date_updated": False},
    "date: htmldate always": {"date_fallback": "always"},
    "date: htmldate on articles": {"date_fallback": "articles"},
}

# ---------------------------------------------------------------- reading the page

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "techarticle", "scholarlyarticle",
    "medicalscholarlyarticle", "report", "liveblogposting", "socialmediaposting", "discussionforumposting",
    "posting", "question", "howto", "recipe", "review", "videoobject", "podcastepisode", "satiricalarticle",
    "advertisercontentarticle", "creativework", "medicalwebpage", "claimreview",
})
_PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "faqpage", "qapage", "profilepage", "collectionpage",
                         "searchresultspage", "contactpage", "checkoutpage", "realestatelisting", "medicalwebpage"})
_SITE_TYPES = frozenset({"website", "organization", "corporation", "newsmediaorganization", "localbusiness",
                         "educationalorganization", "governmentorganization", "ngo", "brand", "store",
                         "onlinebusiness", "onlinestore", "collegeoruniversity", "professionalservice"})
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_SPACE = re.compile(r"\s+")
_URLISH = re.compile(r"^(?:https?:|www\.|/)|\.(?:com|org|net)/", re.I)


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    ts = t if isinstance(t, list) else [t]
    return {x.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for x in ts if isinstance(x, str)}


def _str(v: Any) -> str | None:
    """A JSON-LD value as text: a string, the first string of a list, a {"@value"} or {"name"}."""
    if isinstance(v, list):
        v = next((x for x in v if isinstance(x, (str, dict))), None)
    if isinstance(v, dict):
        v = v.get("@value") or v.get("name")
    if isinstance(v, str):
        s = _SPACE.sub(" ", unescape(v)).strip()
        return s or None
    return None


def _text(e: HtmlElement) -> str:
    """Visible text of an element: <br> and block children are spaces, scripts and styles left out."""
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        for c in el:
            tag = c.tag if isinstance(c.tag, str) else ""
            if tag in ("script", "style", "noscript", "template", "svg", "button", "time"):
                pass
            elif tag == "br":
                parts.append(" ")
            else:
                block = tag in _BLOCKS
                if block:
                    parts.append(" ")
                if c.text:
                    parts.append(c.text)
                walk(c)
                if block:
                    parts.append(" ")
            if c.tail:
                parts.append(c.tail)

    if e.text:
        parts.append(e.text)
    walk(e)
    return _SPACE.sub(" ", "".join(parts)).strip()


_BLOCKS = frozenset({"div", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "ul",
                     "ol", "table", "tr", "td", "th", "dd", "dt", "figure", "figcaption", "blockquote"})


class Page:
    """What a page says about itself: meta tags by key, <title>, JSON-LD objects, <h1> elements."""

    def __init__(self, tree: HtmlElement, url: str | None) -> None:
        self.url = url
        self.tree = tree
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
            elif tag == "h1":
                self.h1s.append(el)
            elif tag == "title":
                if self.title is None and el.getparent() is not None and el.getparent().tag in ("head", "html"):
                    self.title = _SPACE.sub(" ", el.text_content()).strip() or None
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
        found = [o for o in self.ld if _types(o) & types]
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
        """The elements around the first <h1>, listed once for the byline and dateline searches."""
        if self._zone is None:
            self._zone = Zone(self.tree)
        return self._zone

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
                s = _SPACE.sub(" ", unescape(v)).strip()
                if s:
                    return s
        return None


def _url_key(u: str) -> str:
    p = urlsplit(u.strip())
    return (p.netloc.lower().removeprefix("www.") + p.path.rstrip("/")).lower()


# ---------------------------------------------------------------- site names

_COMPACT = re.compile(r"[\W_]+")
_PUBLIC_2LD = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "gouv", "nic"})


def _compact(s: str) -> str:
    return _COMPACT.sub("", unicodedata.normalize("NFKC", s).casefold())


def host_tokens(url: str | None) -> set[str]:
    """The host's labels without "www" and the public suffix, compacted: forums.raspberrypi.com
    -> {"forums", "raspberrypi"}; also the host itself with its dots ("raspberrypicom")."""
    if not url:
        return set()
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    labels = [x for x in host.lower().split(".") if x]
    if len(labels) < 2:
        return set()
    labels = labels[:-1]  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _PUBLIC_2LD:
        labels = labels[:-1]
    toks = {_compact(x) for x in labels if x not in ("www", "m", "amp") and not re.fullmatch(r"www\d*", x)}
    toks.add(_compact(host))
    return {t for t in toks if len(t) >= 2}


_SMALL_WORDS = frozenset({"and", "of", "the", "for", "a", "an", "in", "on", "at", "to", "&", "de", "la", "du", "des"})


def _initials(s: str) -> str:
    words = [w for w in re.findall(r"[^\W\d_]+", s) if w.casefold() not in _SMALL_WORDS]
    return "".join(w[0] for w in words).casefold() if len(words) >= 2 else ""


class Sites:
    """Names the page gives its site, and its host name, for telling a site-name segment of a title."""

    def __init__(self, names: list[str], url: str | None) -> None:
        self.names = {c for c in (_compact(n) for n in names if n) if len(c) >= 2}
        self.host = host_tokens(url)

    def add(self, name: str) -> None:
        c = _compact(name)
        if len(c) >= 2:
            self.names.add(c)

    def exact(self, seg: str) -> bool:
        c = _compact(seg)
        return c in self.names or c in self.host

    def named(self, seg: str, loose: bool = True) -> bool:
        """Does this title segment name the site: a site name or host label, a good part of
        one, its initials, or (`loose`, for the end of a title) a short segment starting or
        ending with one ("Django documentation", "Arch Linux Forums")?"""
        c = _compact(seg)
        if not c:
            return True  # punctuation or emoji alone
        short = loose and len(seg.split()) <= 5
        for s in self.names:
            if c == s or (short and len(s) >= 4 and (c.startswith(s) or c.endswith(s)))\
                    or (len(c) >= 4 and c in s and 2 * len(c) >= len(s)):
                return True
        for t in self.host:
            if c == t or (short and len(t) >= 4 and (c.startswith(t) or c.endswith(t)))\
                    or (len(c) >= 4 and t.startswith(c) and 2 * len(c) >= len(t)):
                return True
        ini = _initials(seg)
        return len(ini) >= 3 and (ini in self.host or ini in self.names)


def site_names(page: Page) -> list[str]:
    names = [page.first_meta(k) or "" for k in ("og:site_name", "application-name", "apple-mobile-web-app-title",
                                                "publisher", "twitter:app:name:iphone", "al:ios:app_name")]
    tw = page.first_meta("twitter:site")
    if tw and not tw.startswith("http"):
        names.append(tw.lstrip("@"))
    pub = page.first_meta("article:publisher")
    if pub and not _URLISH.search(pub):
        names.append(pub)
    for o in page.ld:
        if _types(o) & _SITE_TYPES:
            names.append(_str(o.get("name")) or "")
            names.append(_str(o.get("alternateName")) or "")
    for holder in (page.article, page.webpage):
        if holder:
            for key in ("publisher", "isPartOf", "sourceOrganization"):
                p = page.resolve(holder.get(key))
                # (isPartOf is often the WebPage, whose name is the page's title)
                if isinstance(p, dict) and (key != "isPartOf" or _types(p) & _SITE_TYPES):
                    names.append(_str(p.get("name")) or "")
    # some pages put their title in application-name and the like
    titles = {_compact(t) for t in (page.title, page.first_meta("og:title")) if t}
    return [n for n in names if n and len(n.split()) <= 8 and _compact(n) not in titles]


# ---------------------------------------------------------------- title

# separators between a headline and a site or section name
_SEP = re.compile(r"\s+(?:\||\|\||-{1,2}|–|—|·|•|»|::|~|/|›|:)\s+|\s*(?:\||•|·|»)\s*")
_COLON_PREFIX = re.compile(r"^([^:]{2,40}):\s+(?=\S)")
_PIPE_LIKE = frozenset({"|", "||", "·", "•", "»", "›", "::"})
_PERMALINK = re.compile(r"\s*[¶#🔗]+\s*$")


def _segments(t: str) -> tuple[list[str], list[str]]:
    parts, seps, last = [], [], 0
    for m in _SEP.finditer(t):
        if m.start() == 0 or m.end() == len(t):
            continue
        parts.append(t[last:m.start()])
        seps.append(m.group(0).strip())
        last = m.end()
    parts.append(t[last:])
    return parts, seps


def _named_tail(parts: list[str], seps: list[str], sites: Sites) -> int:
    """How many segments at the end name the site (0: none)."""
    for k in range(1, len(parts)):
        tail = parts[-k] if k == 1 else " ".join(parts[-k:])
        if sites.named(tail) and (k == 1 or sites.exact(tail)):
            return k
    return 0


def _named_head(parts: list[str], seps: list[str], sites: Sites) -> int:
    for k in range(1, len(parts)):
        head = parts[0] if k == 1 else " ".join(parts[:k])
        if sites.named(head, loose=False) and (k == 1 or sites.exact(head)):
            return k
    return 0


def strip_site(title: str | None, sites: Sites, unknown_suffix: str = "pipe") -> str | None:
    """The title without segments at either end that name the site."""
    if not title:
        return None
    t = _SPACE.sub(" ", title).strip()
    parts, seps = _segments(t)
    if len(parts) > 1:
        # the site's name at the end, "Headline | Site" (or over several segments, "Headline -
        # Site — US Edition"), then at the start, "Site | Headline"
        while len(parts) > 1 and (k := _named_tail(parts, seps, sites)):
            del parts[-k:], seps[-k:]
        while len(parts) > 1 and (k := _named_head(parts, seps, sites)):
            del parts[:k], seps[:k]
        if len(parts) > 1 and unknown_suffix != "none":
            last, sep = parts[-1], seps[-1]
            rest = sum(len(p) for p in parts[:-1])
            if (sep in _PIPE_LIKE or unknown_suffix == "dash") and len(last.split()) <= 4 and len(last) < rest:
                parts.pop()
                seps.pop()
        t = parts[0] + "".join(f" {s} {p}" if s not in (":", ",") else f"{s} {p}" for s, p in zip(seps, parts[1:]))
    m = _COLON_PREFIX.match(t)
    if m and sites.named(m.group(1)) and len(t) - m.end() >= 3:
        t = t[m.end():]
    # "[LWN.net]" at the end, "example.com Headline" at the start
    m = _BRACKETED_END.search(t)
    if m and m.start() > 0 and sites.named(m.group(1)):
        t = t[:m.start()]
    m = _HOST_START.match(t)
    if m and len(t) > m.end() and sites.named(m.group(1), loose=False):
        t = t[m.end():]
    return clean_headline(t)


# what kind of page it is, said before the headline ("Thread: ...", "View topic - ...")
_KIND_PREFIX = re.compile(r"^(?:thread|topic|view topic|blog|blog post|post|article|collection|category|title|"
                          r"question|discussion)\s*[:|\-–—]\s*(?=\S)", re.I)
_BRACKETED_END = re.compile(r"\s*[\[(]([^\[\]()]{2,40})[\])]\s*$")
_HOST_START = re.compile(r"^([\w-]+(?:\.[\w-]+)+)\s+(?=\S)")
_DATE_START = re.compile(r"^\s*(?:" + DATE + r")\s*[:|\-–—]?\s*(?=\S)", re.I)


def clean_headline(t: str | None) -> str | None:
    """A headline without the page kind or a date before it, or separators at its ends."""
    if not t:
        return None
    t = _KIND_PREFIX.sub("", t, count=1)
    t = _DATE_START.sub("", t, count=1)
    return t.strip(" -|–—·•:") or None


_WORD = re.compile(r"\w+")


def _words(s: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", s).casefold()))


def overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _compact(a) == _compact(b)  # type: ignore[arg-type]


def title_candidates(page: Page, sites: Sites, rules: Rules) -> dict[str, str | None]:
    """The page's headline as each source gives it, site names cut off: "title" (<title>),
    "og" (og:title and the like), "ld" (the JSON-LD article's headline), "h1"."""
    og = page.first_meta("og:title", "twitter:title", "parsely-title", "sailthru.title", "headline", "dc.title")
    ld = None
    if page.article:
        ld = _str(page.article.get("headline")) or _str(page.article.get("name"))
    raw = {"title": page.title, "og": og, "ld": ld}
    # an <h1> that is the last segment of a title ("Headline | Site") is the site's name, not a
    # headline ("Site | Headline" is the other way round)
    for r in raw.values():
        if r:
            parts, _ = _segments(r)
            if len(parts) > 1 and not sites.named(parts[0], loose=False):
                for h in page.h1s[:3]:
                    if _same(_text(h), parts[-1]):
                        sites.add(parts[-1])
    out: dict[str, str | None] = {k: strip_site(v, sites, rules.title_unknown_suffix) for k, v in raw.items()}
    out["h1"] = _headline_h1(page, sites, [v for v in out.values() if v])
    return out


def decide_title(c: dict[str, str | None], rules: Rules) -> str | None:
    """One headline out of the sources': the meta title the others back (else the first in
    Rules.title_meta_order), then the <h1> wording when the <h1> is the same headline."""
    order = ("title", "og", "ld") if rules.title_meta_order == "title" else ("og", "ld", "title")
    metas = [c[k] for k in order if c.get(k)]
    h1 = c.get("h1")
    if not metas:
        return h1
    meta = metas[0]
    if rules.title_vote:
        pool = [m for m in metas] + ([h1] if h1 else [])
        best = max(metas, key=lambda m: sum(_same(m, x) for x in pool))
        if sum(_same(best, x) for x in pool) > sum(_same(meta, x) for x in pool):
            meta = best
    if not h1:
        return meta
    ch, cm = _compact(h1), _compact(meta)
    if ch == cm:
        return h1
    if rules.title_agreed == "meta" and sum(_same(meta, m) for m in metas) > 1:
        return meta  # two meta sources say the same: that is the headline, whatever the <h1> says
    if rules.title_nested != "off" and len(ch) >= 8 and len(cm) >= 8 and (ch.startswith(cm) or cm.startswith(ch)):
        if rules.title_nested == "shorter":
            return h1 if len(ch) < len(cm) else meta
        return h1 if rules.title_nested == "h1" else meta
    if overlap(h1, meta) >= rules.title_overlap:
        return h1 if rules.title_similar == "h1" else meta
    return h1 if rules.title_unrelated_h1 == "h1" else meta


def choose_title(page: Page, sites: Sites, rules: Rules) -> str | None:
    return decide_title(title_candidates(page, sites, rules), rules)


def _headline_h1(page: Page, sites: Sites, metas: list[str]) -> str | None:
    texts = []
    for h in page.h1s[:6]:
        t = clean_headline(_PERMALINK.sub("", _text(h))) or ""
        if 2 <= len(t) <= 300 and not sites.named(t):
            texts.append(t)
    if not texts:
        return None
    if metas and len(texts) > 1:
        return max(texts, key=lambda t: max(overlap(t, m) for m in metas))
    return texts[0]


# ---------------------------------------------------------------- author

_META_AUTHOR = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator",
                "citation_author", "byl", "og:article:author", "book:author", "twitter:creator_name")


def _ld_people(page: Page, v: Any, persons_only: bool) -> list[str]:
    out: list[str] = []
    for a in v if isinstance(v, list) else [v]:
        a = page.resolve(a)
        if isinstance(a, str):
            if not persons_only:
                out.append(a)
        elif isinstance(a, dict):
            kinds = _types(a)
            if persons_only and kinds and "person" not in kinds:
                continue
            name = a.get("name")
            if isinstance(name, list):
                out.extend(x for x in name if isinstance(x, str))
            elif isinstance(name, str):
                out.append(name)
            elif a.get("givenName") or a.get("familyName"):
                out.append(f"{_str(a.get('givenName')) or ''} {_str(a.get('familyName')) or ''}")
    return out


def choose_author(page: Page, tree: HtmlElement, sites: Sites, rules: Rules) -> str | None:
    """The JSON-LD article's authors (Persons before Organizations with author_org =
    "person_first"), else the meta tags', else the byline's. An author that is the site itself
    ("Cleveland Clinic" on clevelandclinic.org) gives way to a byline naming someone else
    (author_site = "byline_first"), or counts for nothing (author_site = "drop")."""
    found = _author(page, tree, rules)
    if found and "; " in found:  # "Jane Doe, Example News": the site's name beside a person's is no author
        names = [n for n in found.split("; ") if not sites.named(n, loose=False)]
        found = "; ".join(names) if names else found
    if found and rules.author_site != "keep" and all(sites.named(n) for n in found.split("; ")):
        byline = find_byline(tree, zone=page.zone) if rules.author_from_page else None
        if byline and not all(sites.named(n) for n in byline.split("; ")):
            return byline
        return found if rules.author_site == "byline_first" else None
    return found


def _author(page: Page, tree: HtmlElement, rules: Rules) -> str | None:
    holders = [o for o in (page.article, page.webpage) if o]
    for persons_only in ((True, False) if rules.author_org == "person_first" else (False,)):
        for h in holders:
            names = clean_authors(_ld_people(page, h.get("author") or h.get("creator"), persons_only))
            if names:
                return "; ".join(names)
        if persons_only:
            meta = _meta_author(page)
            if meta:
                return meta
            if rules.author_from_page:
                found = find_byline(tree, zone=page.zone)
                if found:
                    return found
    meta = _meta_author(page)
    if meta:
        return meta
    return find_byline(tree, zone=page.zone) if rules.author_from_page else None


def _meta_author(page: Page) -> str | None:
    for key in _META_AUTHOR:
        vals = [v for v in page.meta.get(key, ()) if not _URLISH.search(v) and "@" not in v[:1]]
        names = clean_authors(vals)
        names = [n for n in names if name_like(n)]
        if names:
            return "; ".join(names)
    return None


# ---------------------------------------------------------------- date

_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "datepublished", "parsely-pub-date", "sailthru.date", "publish-date", "publish_date", "publishdate",
    "pubdate", "article.published", "publication_date", "dc.date.issued", "dcterms.issued", "dc.date",
    "dcterms.date", "dcterms.created", "citation_publication_date", "citation_date", "date", "release_date",
    "original-publish-date", "cxenseparse:recs:publishtime", "article_date_original",
)


def choose_date(page: Page, tree: HtmlElement, url: str | None, cfg: ExtractConfig, rules: Rules) -> str | None:
    """The publication day, YYYY-MM-DD: what the page's metadata says, else the day in its URL,
    else the dateline by its headline, else (Rules.date_fallback) htmldate's guess."""
    max_day = set_date_params(False)["max_date"]

    def ok(v: Any) -> str | None:
        d = iso_day(v if isinstance(v, str) else _str(v), cfg.date_order)
        return d if d and "1995-01-01" <= d <= max_day else None

    webpage = rules.date_webpage == "always" or (rules.date_webpage == "article" and page.says_article())
    holders = [page.article] + ([page.webpage] if webpage else [])
    for h in holders:
        if h:
            for key in ("datePublished", "dateCreated"):
                if d := ok(h.get(key)):
                    return d
    for key in _META_PUBLISHED:
        for v in page.meta.get(key, ()):
            if d := ok(v):
                return d
    for e in _itemprop_published(tree):
        if d := ok(e.get("datetime") or e.get("content") or e.text_content()):
            return d
    if rules.date_url and (d := ok(url_date(url))):
        return d
    if rules.date_dateline and (d := ok(find_dateline(tree, cfg.date_order, updated=rules.date_updated, zone=page.zone))):
        return d
    # htmldate's guess: measured on the WCXB dev pages it is wrong more often than right where
    # the page's metadata, URL and dateline say nothing (mostly pages that have no date: the
    # copyright year, a comment's date, today), so only when asked: Rules.date_fallback, or
    # extract.extensive_date_search = true (its whole-page search)
    if cfg.extensive_date_search:
        return find_date(tree, url=url, **set_date_params(True))
    if rules.date_fallback == "never":
        return None
    if rules.date_fallback == "articles" and not page.says_article():
        return None
    return find_date(tree, url=url, **set_date_params(False))


def _itemprop_published(tree: HtmlElement) -> Iterator[HtmlElement]:
    for e in tree.iter("time", "span", "div", "p", "meta", "abbr"):
        if e.get("itemprop") in ("datePublished", "dateCreated"):
            yield e


# ---------------------------------------------------------------- the page's metadata


def page_metadata(tree: HtmlElement, url: str | None, cfg: ExtractConfig, rules: Rules = DEFAULT_RULES) -> TrafDocument:
    """Title, author, date, url and site name of the page (a trafilatura Document).

    The url and the site name are trafilatura's, as before (og:url or the canonical link, else
    `url`; og:site_name and the like, else a title part with a dot in it, else the host name).
    """
    page = Page(tree, url)
    md = _trafilatura_url_and_sitename(tree, url)
    sites = Sites(site_names(page), url or md.url)
    md.title = choose_title(page, sites, rules)
    md.author = choose_author(page, tree, sites,
                              rules.replace(author_from_page=rules.author_from_page and cfg.author_from_page))
    md.date = choose_date(page, tree, url or md.url, cfg, rules)
    md.clean_and_trim()
    return md


def _trafilatura_url_and_sitename(tree: HtmlElement, url: str | None) -> TrafDocument:
    """trafilatura's steps for the url and the site name (its meta tags, then its JSON-LD reader)."""
    found = tmeta.examine_meta(tree)
    try:
        found = tmeta.extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader has bugs of its own; it guards them too
        pass
    md = TrafDocument()
    md.url = found.url or tmeta.extract_url(tree, url)
    md.sitename = found.sitename or tmeta.extract_sitename(tree)
    if md.sitename:
        md.sitename = md.sitename.lstrip("@")
        if md.sitename and "." not in md.sitename and not md.sitename[0].isupper():
            md.sitename = md.sitename.title()
    elif md.url and (m := tmeta.META_URL.match(md.url)):
        md.sitename = m[1]
    return md

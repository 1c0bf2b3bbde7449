"""The names a page gives its site, and its host name's labels, for telling which segments of
a title (or which authors) name the site rather than the page.

Only what the page itself says counts (og:site_name, application-name, the JSON-LD publisher,
WebSite and Organization names, the host name): no list of sites, so nothing to keep up.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from cleancorpus.pipeline.extraction.metadata.page import URLISH, Page, ld_text, ld_types

_SITE_TYPES = frozenset({"website", "organization", "corporation", "newsmediaorganization", "localbusiness",
                         "educationalorganization", "governmentorganization", "ngo", "brand", "store",
                         "onlinebusiness", "onlinestore", "collegeoruniversity", "professionalservice"})
_COMPACT = re.compile(r"[\W_]+")
_PUBLIC_2LD = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "gouv", "nic"})


def compact(s: str) -> str:
    """A name with only its letters and digits, casefolded: how site names, title segments and
    headlines are compared ("Example News", "EXAMPLE-NEWS" and "example_news" are one)."""
    return _COMPACT.sub("", unicodedata.normalize("NFKC", s).casefold())


def host_tokens(url: str | None) -> set[str]:
    """The host's labels without "www" and the public suffix, compacted: forums.raspberrypi.com
    -> {"forums", "raspberrypi"}; also the host itself with its dots, with and without its
    "www." ("forumsraspberrypicom")."""
    if not url:
        return set()
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    labels = [x for x in host.lower().split(".") if x]
    if len(labels) < 2:
        return set()
    labels = labels[:-1]  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _PUBLIC_2LD:
        labels = labels[:-1]
    toks = {compact(x) for x in labels if x not in ("www", "m", "amp") and not re.fullmatch(r"www\d*", x)}
    toks.add(compact(host))
    toks.add(compact(re.sub(r"^(?:www\d*|m|amp)\.", "", host)))  # "example.com" on www.example.com
    return {t for t in toks if len(t) >= 2}


_SMALL_WORDS = frozenset({"and", "of", "the", "for", "a", "an", "in", "on", "at", "to", "&", "de", "la", "du", "des"})


def _initials(s: str) -> str:
    words = [w for w in re.findall(r"[^\W\d_]+", s) if w.casefold() not in _SMALL_WORDS]
    return "".join(w[0] for w in words).casefold() if len(words) >= 2 else ""


class Sites:
    """Names the page gives its site, and its host name, for telling a site-name segment of a title."""

    def __init__(self, names: list[str], url: str | None) -> None:
        self.names = {c for c in (compact(n) for n in names if n) if len(c) >= 2}
        self.host = host_tokens(url)

    def add(self, name: str) -> None:
        c = compact(name)
        if len(c) >= 2:
            self.names.add(c)

    def exact(self, seg: str) -> bool:
        c = compact(seg)
        return c in self.names or c in self.host

    def named(self, seg: str, loose: bool = True) -> bool:
        """Does this title segment name the site: a site name or host label, a good part of
        one, its initials, or (`loose`, for the end of a title) a short segment starting or
        ending with one ("Django documentation", "Arch Linux Forums")?"""
        c = compact(seg)
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
    if pub and not URLISH.search(pub):
        names.append(pub)
    for o in page.ld:
        if ld_types(o) & _SITE_TYPES:
            names.append(ld_text(o.get("name")) or "")
            names.append(ld_text(o.get("alternateName")) or "")
    for holder in (page.article, page.webpage):
        if holder:
            for key in ("publisher", "isPartOf", "sourceOrganization"):
                p = page.resolve(holder.get(key))
                # (isPartOf is often the WebPage, whose name is the page's title)
                if isinstance(p, dict) and (key != "isPartOf" or ld_types(p) & _SITE_TYPES):
                    names.append(ld_text(p.get("name")) or "")
    # some pages put their title in application-name and the like
    titles = {compact(t) for t in (page.title, page.first_meta("og:title")) if t}
    return [n for n in names if n and len(n.split()) <= 8 and compact(n) not in titles]

"""The page's metadata as one trafilatura Document: the title, author and date chosen here,
the url and site name trafilatura's, as before.
"""
from __future__ import annotations

from collections.abc import Callable
from copy import copy

from lxml.etree import Element, SubElement, XPath
from lxml.html import HtmlElement
from trafilatura import metadata as tmeta
from trafilatura.settings import Document as TrafDocument

from cleancorpus.pipeline.cleaning.normalize import normalize_text
from cleancorpus.pipeline.config import ExtractConfig
from cleancorpus.pipeline.extraction.metadata.authors import choose_author
from cleancorpus.pipeline.extraction.metadata.page import Page
from cleancorpus.pipeline.extraction.metadata.published import choose_date
from cleancorpus.pipeline.extraction.metadata.rules import DEFAULT_RULES, Rules
from cleancorpus.pipeline.extraction.metadata.sites import Sites, site_names
from cleancorpus.pipeline.extraction.metadata.titles import choose_title


def page_metadata(tree: HtmlElement, url: str | None, cfg: ExtractConfig, rules: Rules = DEFAULT_RULES) -> TrafDocument:
    """Title, author, date, url and site name of the page (a trafilatura Document).

    The url and the site name are trafilatura's, as before (og:url or the canonical link, else
    `url`; og:site_name and the like, else a title part with a dot in it, else the host name).
    """
    md, site = page_metadata_site_later(tree, url, cfg, rules)
    md.sitename = site()
    return md


def page_metadata_site_later(tree: HtmlElement, url: str | None, cfg: ExtractConfig,
                             rules: Rules = DEFAULT_RULES) -> tuple[TrafDocument, Callable[[], str | None]]:
    """page_metadata without the site name, and a function that gives it (the same value) when
    asked, also after the tree is pruned: the pipeline needs it only for a page with no URL to
    take the domain from, and trafilatura's JSON-LD reader, its main source, costs as much as
    the url and the meta tags together."""
    page = Page(tree, url, heading=rules.zone_heading, unsaid_h1=rules.zone_unsaid_h1, site_h1=rules.zone_site_h1,
                post_article=rules.zone_post_article)
    md = TrafDocument()
    md.url = meta_url(tree) or tmeta.extract_url(tree, url)
    site = _SiteName(tree, md.url)
    sites = Sites(site_names(page), url or md.url)
    md.title = choose_title(page, sites, rules)
    md.author = choose_author(page, sites,
                              rules.replace(author_from_page=rules.author_from_page and cfg.author_from_page))
    md.date = choose_date(page, tree, url or md.url, cfg, rules)
    # encoding damage first: trafilatura's trim drops the C1 controls a mojibake of UTF-8 holds
    # ("Investorâ\x80\x99s"), after which it can no longer be undone ("Investorâs")
    md.title, md.author = (normalize_text(v) if v else v for v in (md.title, md.author))
    md.clean_and_trim()
    return md, site


class _SiteName:
    """trafilatura's site name of a page (its meta tags, then its JSON-LD reader, then a title
    part with a dot in it, then the url's host), read when called, normalized and trimmed as
    page_metadata's other fields. What it reads is taken from the tree when it is made: copies
    of the <head>'s meta tags and of the JSON-LD scripts, each in a small tree of its own where
    trafilatura's readers select them as in the page, and the title part; the call reads none
    of the page's tree, which trafilatura may have pruned by then."""

    def __init__(self, tree: HtmlElement, url: str | None) -> None:
        self.url, self.value = url, _UNSET
        self.metas = Element("html")
        SubElement(self.metas, "head").extend(copy(e) for e in _HEAD_METAS(tree))
        self.scripts = Element("html")
        self.scripts.extend(copy(e) for e in _JSON_SCRIPTS(tree))
        self.from_title = tmeta.extract_sitename(tree)

    def __call__(self) -> str | None:
        if self.value is _UNSET:
            self.value = self._read()
        return self.value

    def _read(self) -> str | None:
        found = tmeta.examine_meta(self.metas)
        try:
            found = tmeta.extract_meta_json(self.scripts, found)
        except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader has bugs of its own; it guards them too
            pass
        sitename = found.sitename or self.from_title
        if sitename:
            sitename = sitename.lstrip("@")
            if sitename and "." not in sitename and not sitename[0].isupper():
                sitename = sitename.title()
        elif self.url and (m := tmeta.META_URL.match(self.url)):
            sitename = m[1]
        trimmed = TrafDocument()  # trimmed as clean_and_trim trims every field ("" to None too)
        trimmed.sitename = normalize_text(sitename) if sitename else sitename
        trimmed.clean_and_trim()
        return trimmed.sitename


def meta_url(tree: HtmlElement) -> str | None:
    """The url trafilatura's examine_meta finds in the <head>'s meta tags, by its rules: the last
    valid og:url, else the first valid twitter:url of a tag with a name and no property whose
    name none of its earlier rules takes. (examine_meta itself reads every meta tag's author,
    title, description, tags and site name too, which the url does not need.)"""
    url = None
    for elem in _OG_METAS(tree):
        content = elem.get("content")
        if content and not content.isspace() and elem.get("property") not in tmeta.OG_PROPERTIES \
                and elem.get("property") == "og:url" and tmeta.is_valid_url(content):
            url = content
    if url:
        return url
    taken = (tmeta.METANAME_AUTHOR, tmeta.METANAME_TITLE, tmeta.METANAME_DESCRIPTION, tmeta.METANAME_PUBLISHER,
             tmeta.METANAME_IMAGE, tmeta.TWITTER_ATTRS)
    for elem in tree.iterfind(".//head/meta[@content]"):
        if "property" in elem.attrib or "name" not in elem.attrib:
            continue
        name = elem.get("name", "").lower()
        if name != "twitter:url" or any(name in names for names in taken) or "twitter:app:name" in name:
            continue
        content = tmeta.HTML_STRIP_TAGS.sub("", elem.get("content", "")).strip()
        if content and tmeta.is_valid_url(content):
            return content
    return None


_UNSET = object()
# the meta tags trafilatura's examine_meta reads, selected as it selects them
_HEAD_METAS = XPath(".//head/meta")
_OG_METAS = XPath('.//head/meta[starts-with(@property, "og:")]')
# the scripts trafilatura's extract_meta_json reads, selected as it selects them
_JSON_SCRIPTS = XPath('.//script[@type="application/ld+json" or @type="application/settings+json"]')

"""The page's publication day, never its modification date.

The JSON-LD article's datePublished, article:published_time and the other meta date tags,
itemprop=datePublished, the day in the URL (/2025/09/04/), the dateline by the headline's <h1>
(dateline.find_dateline: a dated element, else a short line saying little more than a date; a
date shown as "Updated ..." only when it is the only one). As the
page writes it, YYYY-MM-DD (no time-zone shift). htmldate's guess only when asked
(Rules.date_fallback, extract.extensive_date_search): on pages where nothing above names a
date it is wrong more often than right.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.settings import set_date_params

from cleancorpus.pipeline.config import ExtractConfig
from cleancorpus.pipeline.extraction.dateline import find_dateline, url_date
from cleancorpus.pipeline.extraction.dates import iso_day
from cleancorpus.pipeline.extraction.metadata.page import Page, ld_text
from cleancorpus.pipeline.extraction.metadata.rules import Rules

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
        d = iso_day(v if isinstance(v, str) else ld_text(v), cfg.date_order)
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
    if rules.date_dateline and (d := ok(find_dateline(tree, cfg.date_order, near=rules.date_near,
                                                      updated=rules.date_updated, zone=page.zone,
                                                      text_near=rules.date_text_near,
                                                      chrome_near=rules.date_chrome_near))):
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

"""The page's metadata as one trafilatura Document: the title, author and date chosen here,
the url and site name trafilatura's, as before.
"""
from __future__ import annotations

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
    page = Page(tree, url, heading=rules.zone_heading, unsaid_h1=rules.zone_unsaid_h1,
                post_article=rules.zone_post_article)
    md = _trafilatura_url_and_sitename(tree, url)
    sites = Sites(site_names(page), url or md.url)
    md.title = choose_title(page, sites, rules)
    md.author = choose_author(page, sites,
                              rules.replace(author_from_page=rules.author_from_page and cfg.author_from_page))
    md.date = choose_date(page, tree, url or md.url, cfg, rules)
    # encoding damage first: trafilatura's trim drops the C1 controls a mojibake of UTF-8 holds
    # ("Investorâ\x80\x99s"), after which it can no longer be undone ("Investorâs")
    md.title, md.author, md.sitename = (normalize_text(v) if v else v for v in (md.title, md.author, md.sitename))
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

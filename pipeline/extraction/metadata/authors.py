"""The page's authors, "; "-joined.

The JSON-LD article's authors (arrays, @id references into @graph, Persons before
Organizations), then meta tags (author, article:author when a name and not a URL,
parsely-author, sailthru.author, dc.creator ...; on an article, a "Written by" twitter:label's
twitter:data), then the byline by the <h1>
(byline.find_byline: itemprop=author, author links, author/byline classes, "By ..."); "By",
roles, dates and what follows them cut off, "and"-joined names split (author_names).
"""
from __future__ import annotations

import re
from typing import Any

from cleancorpus.pipeline.extraction.author_names import OneName, clean_authors, name_like
from cleancorpus.pipeline.extraction.metadata.page import URLISH, Page, ld_text, ld_types
from cleancorpus.pipeline.extraction.metadata.rules import Rules
from cleancorpus.pipeline.extraction.metadata.sites import Sites

# (a paper's citation_author tags list all its authors, its dc.creator often the first only)
_META_AUTHOR = ("author", "article:author", "parsely-author", "sailthru.author", "citation_author", "citation_authors",
                "dc.creator", "dcterms.creator", "byl", "og:article:author", "book:author", "twitter:creator_name")
# "Last, First" (Google Scholar's citation_author): one person, not two
_LAST_FIRST = re.compile(r"^\s*([^,]+),\s*([^,]+?)\s*$")


def _ld_people(page: Page, v: Any, persons_only: bool) -> list[str]:
    """The names a JSON-LD author value gives (a string, an object, a list, @id references
    resolved); with persons_only, only those of Persons or of objects of no type. An
    Organization's name is one name (OneName), whatever "and" or "&" it holds."""
    out: list[str] = []
    for a in v if isinstance(v, list) else [v]:
        a = page.resolve(a)
        if isinstance(a, str):
            if not persons_only:
                out.append(a)
        elif isinstance(a, dict):
            kinds = ld_types(a)
            if persons_only and kinds and "person" not in kinds:
                continue
            name = a.get("name")
            one = OneName if kinds and "person" not in kinds else str
            if isinstance(name, list):
                out.extend(one(x) for x in name if isinstance(x, str))
            elif isinstance(name, str):
                out.append(one(name))
            elif a.get("givenName") or a.get("familyName"):
                out.append(f"{ld_text(a.get('givenName')) or ''} {ld_text(a.get('familyName')) or ''}")
    return out


def choose_author(page: Page, sites: Sites, rules: Rules) -> str | None:
    """The JSON-LD article's authors (Persons before Organizations with author_org =
    "person_first"), else the meta tags', else the byline's. An author that is the site itself
    ("Cleveland Clinic" on clevelandclinic.org) gives way to a byline naming someone else
    (author_site = "byline_first"), or counts for nothing (author_site = "drop")."""
    found = _author(page, rules)
    if found and "; " in found:  # "Jane Doe, Example News": the site's name beside a person's is no author
        names = [n for n in found.split("; ") if not sites.named(n, loose=False)]
        found = "; ".join(names) if names else found
    if found and rules.author_site != "keep" and all(sites.named(n) for n in found.split("; ")):
        byline = page.byline if rules.author_from_page else None
        if byline and not all(sites.named(n) for n in byline.split("; ")):
            return byline
        return found if rules.author_site == "byline_first" else None
    return found


def _author(page: Page, rules: Rules) -> str | None:
    """The first source that names an author, in choose_author's order, before the site checks."""
    holders = [o for o in (page.article, page.webpage) if o]
    for persons_only in ((True, False) if rules.author_org == "person_first" else (False,)):
        for h in holders:
            names = clean_authors(_ld_people(page, h.get("author") or h.get("creator"), persons_only))
            if names:
                return "; ".join(names)
        if persons_only:
            meta = _meta_author(page, rules)
            if meta:
                return meta
            if rules.author_from_page:
                found = page.byline
                if found:
                    return found
    meta = _meta_author(page, rules)
    if meta:
        return meta
    return page.byline if rules.author_from_page else None


def _meta_author(page: Page, rules: Rules) -> str | None:
    """The names of the first author meta tag (in _META_AUTHOR's order) that gives any: a URL
    or a @handle is no name; then (Rules.author_labelled) a "Written by" twitter label's."""
    orgs: set[str] | None = None
    for key in _META_AUTHOR:
        vals = [v for v in page.meta.get(key, ()) if not URLISH.search(v) and "@" not in v[:1]]
        if vals and orgs is None:
            orgs = _organizations(page)
        vals = [OneName(v) if v.strip().casefold() in orgs else v for v in vals]
        if key == "citation_author":
            vals = [_LAST_FIRST.sub(r"\2 \1", v) for v in vals]
        names = clean_authors(vals)
        names = [n for n in names if name_like(n)]
        if names:
            return "; ".join(names)
    return (_labelled_author(page) if rules.author_labelled else None) or _described_author(page)


def _organizations(page: Page) -> set[str]:
    """The casefolded names of the organizations the page's JSON-LD describes, on its own or as
    its article's author or publisher: a meta tag naming one ("Center for Drug Evaluation and
    Research" in dcterms.creator) names one author."""
    objs = list(page.ld)
    for h in (page.article, page.webpage):
        for key in ("author", "creator", "publisher") if h else ():
            v = h.get(key)
            objs.extend(page.resolve(a) for a in (v if isinstance(v, list) else [v]))
    return {o["name"].strip().casefold() for o in objs if isinstance(o, dict) and isinstance(o.get("name"), str)
            and any(t.endswith("organization") or t == "corporation" for t in ld_types(o))}


# Twitter's "label / data" pairs (WordPress SEO plugins: twitter:label1 "Written by", twitter:data1 the name)
_WRITTEN_BY = frozenset({"written by", "author", "authors", "by"})


def _labelled_author(page: Page) -> str | None:
    """The name a "Written by" label gives, on a page that says it is an article (the plugins
    label a page's editor as well)."""
    if not page.says_article():
        return None
    for i in range(1, 5):
        label = page.first_meta(f"twitter:label{i}")
        if label and label.casefold().strip(" :") in _WRITTEN_BY:
            names = [n for n in clean_authors(page.meta.get(f"twitter:data{i}", ())) if name_like(n)]
            return "; ".join(names) or None
    return None


# a description that opens with an author's note ("This post was written by Jane Doe, MD, ...")
_WRITTEN_NOTE = re.compile(r"^\s*this\s+(?:post|article)\s+was\s+written\s+by\s+([^\n.]+)", re.I)


def _described_author(page: Page) -> str | None:
    """The names of an author's note that opens the page's description: CMSs with no author
    field put the note at the top of the post, and the description is the post's start."""
    desc = page.first_meta("description", "og:description")
    m = _WRITTEN_NOTE.match(desc) if desc else None
    if not m:
        return None
    return "; ".join(n for n in clean_authors([m[1]]) if name_like(n)) or None

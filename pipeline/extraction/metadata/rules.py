"""What the metadata rules leave open (Rules), and the alternatives tried for each (VARIANTS).

The defaults were chosen by cross-validation over the five WCXB dev folds:
`bench/metadata_eval.py --tune` runs every variant and, field by field, keeps the one best on
the other folds. Keeping the choices in one frozen dataclass lets the bench try them all
without touching the code that applies them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


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
    # "shorter", "h1", "meta", "continued" (the shorter, but an <h1> whose more continues the
    # headline rather than adding a tagline after a "|" or a dash: the <h1>), or "off" (the
    # overlap rules below decide)
    title_nested: str = "continued"
    # a meta title that is the <h1>'s headline and a year after it ("... in 2025"): the meta title
    # (True), or as title_nested says (False)
    title_year: bool = True
    # an <h1> sharing at least this share of its words with the meta title (of the shorter of
    # the two) is the same headline, worded as title_similar says ("h1" or "meta")
    title_overlap: float = 0.5
    title_similar: str = "h1"
    # when they share fewer: "meta" keeps the meta title, "h1" takes the <h1> all the same
    title_unrelated_h1: str = "meta"
    # ... but an <h1> that another meta source says word for word (the JSON-LD headline the
    # <h1>, <title> and og:title another headline) is the headline (True), or not (False)
    title_backed_h1: bool = True
    # ... and on a page that says it is an article, an <h1> of at least this many words, a
    # sentence rather than a section's name ("Contact Us", "Day 7"), is the headline (0: never)
    title_unrelated_words: int = 8
    # a last segment that names no known site: cut after "|" (and "·", "•", "»") only when it
    # is short ("pipe"), after dashes too ("dash"), or never ("none")
    title_unknown_suffix: str = "dash"
    # an <h1> that is not the headline but the site's name (a logo): one that is the name, part of
    # it or its initials ("exact"), or also a short one starting or ending with it ("loose":
    # "Amazon Best Sellers" on amazon.com, "The Go Blog" on go.dev's "The Go Programming Language")
    title_h1_site: str = "exact"
    # an author named by a JSON-LD Organization (not a Person) is kept ("keep") or left to
    # the meta tags and the byline, falling back to it ("person_first")
    author_org: str = "person_first"
    # an author that is the site's own name: "keep", "byline_first" (a byline naming someone
    # else wins, else keep it) or "drop" (the byline's, else none)
    author_site: str = "byline_first"
    author_from_page: bool = True
    # on a page that says it is an article, the name of a twitter:label "Written by" / twitter:data
    # pair (WordPress SEO plugins) after the author meta tags, before the byline
    author_labelled: bool = True
    # a page without an <h1>: the dateline is looked for by the <h2> or <h3> that says the meta
    # title's headline (True), or among the page's first elements (False), as the byline is
    zone_heading: bool = True
    # an <h1> that does not say the meta title's headline (a pop-up's, a pull quote's): the byline
    # and the dateline are looked for by the <h2> or <h3> that says it (True), or by that <h1>
    zone_unsaid_h1: bool = True
    # ... and so does an <h1> that is the last segment of the <title> or og:title ("Headline •
    # Site"), the site's name in its logo (True), or not (False)
    zone_site_h1: bool = True
    # the <article> holding the headline is the post's: an <aside> or a "sidebar" or "footer" class
    # in it is no page chrome to the byline and dateline searches (True), or only within
    # page_zone.BY_HEADLINE elements of the headline (False)
    zone_post_article: bool = True
    # htmldate when no metadata names the publication date: "always", "never", or only on
    # pages that say they are articles (og:type article, a JSON-LD article) ("articles")
    date_fallback: str = "never"
    # failing any date by the headline, on a page that says it is an article: a dated element
    # up to this many elements below the headline's <h1>, inside the <article> that holds it (a
    # page without an <h1>: its only <article>) (0, or no more than date_near: none); elsewhere
    # such a date is a card's, a review's or a specification table's more often than the page's
    date_far: int = 1000
    # a JSON-LD datePublished of a WebPage (not an article) counts: "always", "never", or
    # on pages that say they are articles ("article")
    date_webpage: str = "never"
    # failing the known meta tags, the JSON-LD and itemprop=datePublished: a meta tag of another
    # spelling whose name says "publish" (not "publisher", nor a modification's)
    date_meta_published: bool = True
    # the JSON-LD and the meta tags giving publication days more than a day apart: the first
    # (False), or one the page's text shows when the first is shown nowhere (True)
    date_meta_shown: bool = True
    # the day in the URL's path (/2025/09/04/), then the date shown by the headline; a date
    # shown as "Updated ..." when it is the only one shown (date_updated)
    date_url: bool = True
    date_dateline: bool = True
    date_updated: bool = True
    # a date shown as published more than this many elements further from the headline than the
    # first one shown as "Updated ...": a related post's card, the updated day the page's (0: never)
    date_updated_gap: int = 30
    # a date inside a link more than this many elements from the headline is a card's, a
    # related post's, not the page's (0: linked dates count wherever they are)
    date_link_near: int = 20
    # failing a dated element, a short text saying little more than a date within this many
    # elements of the headline's <h1> (0: none)
    date_text_near: int = 15
    # ... the text after an icon (<svg>, <img>) there too ("<svg class='calendar'/> Dec 12, 2025")
    date_icon_text: bool = True
    # how far below the headline's <h1> a dated element may be (elements)
    date_near: int = 250
    # the dated elements are read nearest the <h1> first, one above it counting this many times
    # its distance (0: all those below it first)
    date_above_weight: int = 2
    # failing any date by the headline, a "Published on <date>" line this far below it (0: none)
    date_published_far: int = 1000
    # a metadata publication date whose modification date is the same day, and a different day
    # the page shows by its headline as published: "dateline" (the page's), "headline" (the
    # page's when the dateline is read by a heading that says the headline, not by an <h1>
    # that does not, "Contact Us") or "keep"
    date_stamped: str = "headline"
    # a metadata publication date after the same source's modification date is stamped too
    date_after_modified: bool = True
    # a metadata publication day the page shows nowhere, and by its headline a date that is the
    # metadata's modification day: the shown day when unlabelled ("unlabelled"), also when shown
    # as "Updated ..." ("updated"), or that too but only over a publication day the JSON-LD
    # alone gives ("unbacked": one a meta tag or itemprop=datePublished gives stands), or the
    # metadata's publication day all the same ("never")
    date_shown_modified: str = "unbacked"
    # ... the modification days: also those of meta tags of any name saying modified or updated
    # ("updated", "last-modified-date"), and a shown day one day from one is that one (its time
    # in another zone)
    date_modified_any_meta: bool = True
    date_modified_day_apart: bool = True

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
    "title: nested, the shorter": {"title_nested": "shorter"},
    "title: no year after the <h1>'s headline": {"title_year": False},
    "title: overlap 0.3": {"title_overlap": 0.3},
    "title: overlap 0.7": {"title_overlap": 0.7},
    "title: similar -> meta": {"title_similar": "meta"},
    "title: unrelated -> h1": {"title_unrelated_h1": "h1"},
    "title: an unrelated <h1> a meta source backs is no headline": {"title_backed_h1": False},
    "title: no unrelated <h1> of many words on articles": {"title_unrelated_words": 0},
    "title: an unrelated <h1> of 6 words or more on articles": {"title_unrelated_words": 6},
    "title: an unrelated <h1> of 11 words or more on articles": {"title_unrelated_words": 11},
    "title: suffix after | only": {"title_unknown_suffix": "pipe"},
    "title: no unknown suffix": {"title_unknown_suffix": "none"},
    "title: <h1>s starting with the site's name are its name": {"title_h1_site": "loose"},
    "author: orgs as persons": {"author_org": "keep"},
    "author: site kept": {"author_site": "keep"},
    "author: site dropped": {"author_site": "drop"},
    "author: no DOM byline": {"author_from_page": False},
    "author: no 'Written by' twitter label": {"author_labelled": False},
    "date: WebPage dates": {"date_webpage": "always"},
    "date: WebPage dates, articles": {"date_webpage": "article"},
    "date: no URL date": {"date_url": False},
    "date: only the known meta tag spellings": {"date_meta_published": False},
    "date: the first metadata day though the page shows another's": {"date_meta_shown": False},
    "date: no <h2> headline without an <h1>": {"zone_heading": False},
    "date: the <h1> anchors even when it does not say the headline": {"zone_unsaid_h1": False},
    "author: the <h1> anchors even when it does not say the headline": {"zone_unsaid_h1": False},
    "date: an <h1> that is the title's last segment anchors": {"zone_site_h1": False},
    "author: an <h1> that is the title's last segment anchors": {"zone_site_h1": False},
    "date: <aside>s in the headline's <article> are chrome": {"zone_post_article": False},
    "author: <aside>s in the headline's <article> are chrome": {"zone_post_article": False},
    "date: no dateline": {"date_dateline": False},
    "date: no 'updated' dates": {"date_updated": False},
    "date: a published date far past the 'updated' one stands": {"date_updated_gap": 0},
    "date: linked dates count anywhere": {"date_link_near": 0},
    "date: linked dates count within 50": {"date_link_near": 50},
    "date: a published date past the 'updated' one by 60 stands": {"date_updated_gap": 60},
    "date: htmldate always": {"date_fallback": "always"},
    "date: htmldate on articles": {"date_fallback": "articles"},
    "date: no far dated elements on articles": {"date_far": 0},
    "date: far dated elements on articles within 500": {"date_far": 500},
    "date: no text dates": {"date_text_near": 0},
    "date: no text dates after an icon": {"date_icon_text": False},
    "date: text dates within 30": {"date_text_near": 30},
    "date: text dates within 60": {"date_text_near": 60},
    "date: stamped metadata kept": {"date_stamped": "keep"},
    "date: stamped metadata gives way to a dateline by any anchor": {"date_stamped": "dateline"},
    "date: a publication after the modification is no stamp": {"date_after_modified": False},
    "date: dates below the <h1> first": {"date_above_weight": 0},
    "date: dates above the <h1> at distance x1": {"date_above_weight": 1},
    "date: dates above the <h1> at distance x4": {"date_above_weight": 4},
    "date: no far 'Published on' lines": {"date_published_far": 0},
    "date: 'Published on' lines within 500": {"date_published_far": 500},
    "date: dated elements within 500": {"date_near": 500},
    "date: dated elements within 1000": {"date_near": 1000},
    "date: an unshown publication day over the shown modification day": {"date_shown_modified": "never"},
    "date: the shown modification day, 'Updated' too, over an unshown publication day": {
        "date_shown_modified": "updated"},
    "date: the shown modification day over an unshown publication day, unlabelled only": {
        "date_shown_modified": "unlabelled"},
    "date: modification days of the known meta tags only": {"date_modified_any_meta": False},
    "date: a shown day a day from the modification day is none": {"date_modified_day_apart": False},
}

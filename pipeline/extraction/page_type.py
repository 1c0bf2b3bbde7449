"""What kind of page an HTML document is: article, listing, collection, forum, product,
documentation or service.

Boilerplate removal and the quality rules were tuned on articles; a shop's category grid or a
forum thread goes through them differently, and a corpus builder wants to know which pages
are which before trusting their text. Pages rarely say what they are (og:type says "article"
on many service pages), so a small gradient-boosted model reads generic signals instead: the
URL's shape, the mix of tags and where the text sits, where links go, JSON-LD types, and a
fixed vocabulary of URL segments and class names that CMS templates use. Never words of the
page's text: a word list fitted to one benchmark would not carry to the next corpus.

Losing an article costs more than keeping a listing (a listing taken for an article adds some
noise; an article taken for a listing may be dropped), so the decision leans to `article`:
another type is named only when the model gives `article` a probability below a threshold
chosen on held-out folds so that almost no article is lost (train/page_type.py; the threshold
is stored beside the model).

The features are read in three passes over a tree that is already parsed (one iteration over
the tags of interest, the body's text nodes and its class attributes by one XPath each),
because each pass over a whole page costs about 0.2-0.5 ms on its own.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

import lightgbm as lgb
import numpy as np
from lxml import etree
from lxml.html import HtmlElement

from cleancorpus.pipeline.reasons import PAGE_TYPES

VERSION = "page_type-1"

# ---------------------------------------------------------------- URL
# Path segments (lowercased, extension dropped) that hint at a type, by group. Each group is one
# feature: is any segment in it. Words of the URL scheme of common CMSs, not of any page.
_URL_TOKENS: dict[str, frozenset[str]] = {
    "article": frozenset(
        "news blog blogs article articles post posts story stories opinion press insights features "
        "magazine pulse editorial column columns politics world business".split()
    ),
    "listing": frozenset("tag tags category categories topics archive archives author authors search".split()),
    "product": frozenset("product products p dp item items buy sku model".split()),
    "collection": frozenset("collection collections c shop store catalog catalogue department browse brands".split()),
    "docs": frozenset(
        "docs doc documentation manual guide guides reference api wiki tutorial tutorials handbook "
        "usersguide userguide latest stable html book chapter".split()
    ),
    "forum": frozenset(
        "forum forums thread threads t questions question q discussion discussions community topic "
        "r comments viewtopic showthread d".split()
    ),
    "service": frozenset(
        "services service pricing plans about contact programs program courses course solutions "
        "training certificate certification locations booking membership".split()
    ),
}
_HOST_TOKENS: dict[str, frozenset[str]] = {
    "docs": frozenset("docs doc developer developers devdocs wiki learn help support manual api".split()),
    "forum": frozenset("forum forums community discuss discussion discourse answers ask talk users".split()),
    "shop": frozenset("shop store buy".split()),
    "news": frozenset("news blog blogs".split()),
}
_DATE_IN_PATH = re.compile(
    r"(?:^|/)(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:/|-|$)|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
)
_YEAR_SEGMENT = re.compile(r"(?:^|/)(?:19|20)\d\d(?:/|$)")
_DIGIT_RUN = re.compile(r"\d+")
_PAGE_EXT = re.compile(r"\.(?:html?|php|aspx?|jsp|cfm|shtml)$")

URL_FEATURES = (
    "url_missing", "url_depth", "url_path_len", "url_query", "url_query_params", "url_trailing_slash",
    "url_page_ext", "url_date", "url_year_segment", "url_digit_run", "url_numeric_segment",
    "url_last_len", "url_last_hyphens", "url_max_hyphens", "url_max_segment_len",
    *(f"url_tok_{g}" for g in _URL_TOKENS), *(f"url_host_{g}" for g in _HOST_TOKENS), "url_host_labels",
)


def _segments(path: str) -> list[str]:
    """Non-empty path segments, lowercased, with a page extension (.html, .php) dropped."""
    return [_PAGE_EXT.sub("", s) for s in path.lower().split("/") if s]


def url_features(url: str | None) -> dict[str, float]:
    """The URL's shape: how deep, how long its last segment, what words of CMS schemes it uses."""
    f = dict.fromkeys(URL_FEATURES, 0.0)
    if not url:
        f["url_missing"] = 1.0
        return f
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        f["url_missing"] = 1.0
        return f
    path = parts.path or "/"
    segs = _segments(path)
    last = segs[-1] if segs else ""
    runs = _DIGIT_RUN.findall(path)
    f.update(
        url_depth=len(segs), url_path_len=len(path), url_query=float(bool(parts.query)),
        url_query_params=parts.query.count("&") + 1 if parts.query else 0,
        url_trailing_slash=float(path.endswith("/") and bool(segs)),
        url_page_ext=float(bool(_PAGE_EXT.search(path.lower()))),
        url_date=float(bool(_DATE_IN_PATH.search(path))), url_year_segment=float(bool(_YEAR_SEGMENT.search(path))),
        url_digit_run=max(map(len, runs), default=0), url_numeric_segment=float(any(s.isdigit() for s in segs)),
        url_last_len=len(last), url_last_hyphens=last.count("-") + last.count("_"),
        url_max_hyphens=max((s.count("-") + s.count("_") for s in segs), default=0),
        url_max_segment_len=max(map(len, segs), default=0),
    )
    words = set(segs)
    for group, tokens in _URL_TOKENS.items():
        f[f"url_tok_{group}"] = float(not words.isdisjoint(tokens))
    labels = (parts.hostname or "").split(".")
    sub = set(labels[:-2]) - {"www"}
    for group, tokens in _HOST_TOKENS.items():
        f[f"url_host_{group}"] = float(not sub.isdisjoint(tokens))
    f["url_host_labels"] = len(labels)
    return f


# ---------------------------------------------------------------- DOM
# Tags counted in the one Python-level iteration, a few hundred elements a page: div and span,
# half of a page's elements, are left out (their classes are read by an XPath, cheaper).
_COUNTED_TAGS = (
    "a", "p", "li", "img", "h1", "h2", "h3", "h4", "ul", "ol", "article", "main", "section", "aside", "nav",
    "header", "footer", "form", "input", "button", "select", "textarea", "label", "table", "tr", "pre", "code",
    "blockquote", "time", "figure", "figcaption", "video", "iframe", "em", "strong", "dl",
)
_WALK_TAGS = (*_COUNTED_TAGS, "script", "style", "meta", "title", "body")
_MIN_SCRIPT = 32  # characters: a shorter script or style text is left in the page text (removing it could cut words)
_LONG_P = 150  # characters: a paragraph of prose rather than a caption or a teaser
_LONG_NODE = 100  # characters: a text node long enough to be prose
_CLASS_REPEATED = 5  # a class value on this many elements marks repeated blocks (cards, posts, rows)
# Words of markup vocabularies in class attributes, each a feature: in how many distinct class
# values of the page it occurs. Not words of the page's text.
_CLASS_WORDS = (
    "comment", "reply", "post", "author", "avatar", "user", "vote", "product", "price", "cart", "card", "grid",
    "item", "breadcrumb", "pagination", "sidebar", "toc", "related", "share", "testimonial", "hero", "accordion",
    "tab", "service", "doc", "code", "rating", "review", "gallery", "form", "btn", "widget",
)
# The <body> class names CMSs give by template (WordPress, WooCommerce, Shopify, Drupal, phpBB,
# bbPress, Discourse, MediaWiki, Sphinx): what kind of template rendered the page. A group is hit
# by a class token equal to one of its names or starting with one of its prefixes.
_BODY_CLASS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "post": (frozenset(("single-post", "post-template-default", "template-article", "page-node-type-article")),
             ("postid-", "single-format-")),
    "page": (frozenset(("page", "page-template-default", "template-page", "page-node-type-page", "page-child")),
             ("page-id-", "page-template-")),
    "home": (frozenset(("home", "front-page", "template-index", "path-frontpage")), ()),
    "archive": (frozenset(("archive", "category", "tag", "search", "search-results", "paged", "blog", "author",
                           "date", "template-blog", "path-taxonomy")), ("term-", "post-type-archive")),
    "product": (frozenset(("single-product", "template-product", "product-template-default")), ()),
    "shop": (frozenset(("woocommerce-shop", "tax-product_cat", "template-collection", "post-type-archive-product")),
             ()),
    "forum": (frozenset(("forum", "bbpress", "topic", "single-topic", "archetype-regular", "template-topic",
                         "section-viewtopic", "section-viewforum", "question-page")), ()),
    "docs": (frozenset(("docs", "documentation", "mediawiki", "wiki", "rustdoc", "sphinx", "api")), ("docs-",)),
}

_BODY_TEXT = etree.XPath("//body//text()", smart_strings=False)
_CLASSES = etree.XPath("//body//@class", smart_strings=False)
_DATE_IN_HREF = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/|[/-](?:19|20)\d\d-[01]\d-[0-3]\d")
_YEAR = re.compile(r"20[0-3]\d(?<!\d20[0-3]\d)(?!\d)")  # 2000-2039 standing alone; starts with a literal for speed
# price-like text: a currency sign before or after digits. Each pattern starts with its sign, so
# re scans for it as a literal; a sign absent from the page is not scanned for at all.
_PRICE = {
    sign: re.compile(rf"{re.escape(sign)}(?:(?=\s?\d)|(?<=\d{re.escape(sign)})|(?<=\d\s{re.escape(sign)}))")
    for sign in "$€£¥₹"
}

DOM_FEATURES = (
    *(f"n_{t}" for t in _COUNTED_TAGS),
    "n_input_visible", "n_input_number", "n_input_email", "n_input_check", "n_time_datetime",
    "p_long", "p_max", "avg_p_len", "p_parents", "p_top_parent_share", "p_text_share",
    "heading_text_share", "code_text_share", "article_text_share", "main_text_share", "title_len", "h1_len",
    "n_linked_headings", "linked_heading_share", "n_linked_images", "linked_image_share",
    "text_len", "text_nodes", "text_nodes_long", "text_share_long", "text_node_max", "text_per_node",
    "sentences_per_kchar", "questions_per_kchar", "years_per_kchar", "commas_per_kchar", "n_prices", "prices_per_kchar",
    "n_links", "links_per_kchar", "link_text_share", "link_share_child", "link_share_fragment", "link_share_external",
    "link_share_query", "link_share_slug", "link_share_dated", "n_tel_mail",
    "n_classed", "class_max_repeat", "class_n_repeated", "class_share_repeated",
    *(f"class_{w}" for w in _CLASS_WORDS), *(f"body_{g}" for g in _BODY_CLASS),
)


@dataclass
class _Walked:
    """What the iteration over _WALK_TAGS gathers, for the features computed from it."""

    counts: dict[str, int]
    hrefs: list[str] = field(default_factory=list)
    p_lens: list[int] = field(default_factory=list)
    p_parents: dict[HtmlElement, int] = field(default_factory=dict)
    inputs: Counter[str] = field(default_factory=Counter)
    scripts: list[str] = field(default_factory=list)  # script and style texts in <body>, not page text
    in_body: bool = False
    ld_json: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    heading: int = 0
    linked_headings: int = 0
    link_text: int = 0  # characters directly in <a> elements (not in their children: cheaper, near enough)
    linked_images: int = 0
    h1: int = 0
    code: int = 0
    article: int = 0
    main: int = 0
    datetimes: int = 0
    title: str = ""


_READ = frozenset((  # the tags _walk hands to _read
    "p", "h1", "h2", "h3", "h4", "img", "pre", "article", "main", "time", "script", "style", "meta", "input",
    "title", "body",
))


def _walk(tree: HtmlElement) -> _Walked:
    """The one iteration in Python: tag counts and hrefs, the rest read by _read for the few
    elements that need it. Links and list items are most of what is visited, so they cost a
    count and a lookup."""
    w = _Walked(counts=dict.fromkeys(_WALK_TAGS, 0))
    counts, hrefs = w.counts, w.hrefs
    for el in tree.iter(*_WALK_TAGS):
        tag = el.tag
        counts[tag] += 1
        if tag == "a":
            href = el.get("href")
            if href:
                hrefs.append(href)
            text = el.text
            if text:
                w.link_text += len(text.strip())
        elif tag in _READ:
            _read(el, tag, w)
    return w


def _read(el: HtmlElement, tag: str, w: _Walked) -> None:
    """Lengths of paragraphs, headings and code, the largest <article> and <main>, JSON-LD,
    og:/article: meta tags, input types, the title, scripts and styles of the body."""
    if tag == "p":
        n = len(el.text_content().strip())
        w.p_lens.append(n)
        if n:
            parent = el.getparent()
            w.p_parents[parent] = w.p_parents.get(parent, 0) + n
    elif tag in ("h1", "h2", "h3", "h4"):
        n = len(el.text_content().strip())
        w.heading += n
        if tag == "h1" and not w.h1:
            w.h1 = n
        parent = el.getparent()
        if el.find(".//a") is not None or parent is not None and parent.tag == "a":
            w.linked_headings += 1
    elif tag == "img":
        parent = el.getparent()  # an image in a link, or in a <picture> or <span> in one
        grandparent = parent.getparent() if parent is not None else None
        if parent is not None and (parent.tag == "a" or grandparent is not None and grandparent.tag == "a"):
            w.linked_images += 1
    elif tag == "pre":
        w.code += len(el.text_content())
    elif tag == "article":
        w.article = max(w.article, len(el.text_content()))
    elif tag == "main":
        w.main = max(w.main, len(el.text_content()))
    elif tag == "time":
        w.datetimes += el.get("datetime") is not None
    elif tag == "script" or tag == "style":
        text = el.text
        if text:
            if tag == "script" and "ld+json" in (el.get("type") or ""):
                w.ld_json.append(text)
            if w.in_body and len(text) >= _MIN_SCRIPT:
                w.scripts.append(text)
    elif tag == "meta":
        key = el.get("property") or el.get("name") or ""
        if key.startswith(("og:", "article:", "product:", "twitter:card", "author")):
            w.meta[key] = el.get("content") or ""
    elif tag == "input":
        w.inputs[(el.get("type") or "text").lower()] += 1
    elif tag == "body":
        w.in_body = True  # document order: what follows is in the body
    elif not w.title:
        w.title = (el.text or "").strip()


def _share(part: float, whole: float) -> float:
    return min(part / whole, 1.0) if whole else 0.0


def _per_kchar(part: float, chars: float) -> float:
    return 1000 * part / chars if chars else 0.0


def _structure(w: _Walked) -> dict[str, float]:
    """Tag counts, form inputs, paragraph lengths and how the paragraphs are grouped."""
    f: dict[str, float] = {f"n_{t}": w.counts[t] for t in _COUNTED_TAGS}
    p_text = sum(w.p_lens)
    f.update(
        n_input_visible=w.counts["input"] - w.inputs["hidden"], n_input_number=w.inputs["number"],
        n_input_email=w.inputs["email"], n_input_check=w.inputs["checkbox"] + w.inputs["radio"],
        n_time_datetime=w.datetimes,
        p_long=sum(n >= _LONG_P for n in w.p_lens), p_max=max(w.p_lens, default=0),
        avg_p_len=p_text / len(w.p_lens) if w.p_lens else 0.0,
        p_parents=len(w.p_parents), p_top_parent_share=_share(max(w.p_parents.values(), default=0), p_text),
        title_len=len(w.title), h1_len=w.h1,
        n_linked_headings=w.linked_headings,
        linked_heading_share=_share(w.linked_headings, sum(w.counts[h] for h in ("h1", "h2", "h3", "h4"))),
        n_linked_images=w.linked_images, linked_image_share=_share(w.linked_images, w.counts["img"]),
    )
    return f


def _text(tree: HtmlElement, w: _Walked) -> dict[str, float]:
    """How much text, in text nodes of what length, where it sits, prose punctuation, prices.

    Text nodes rather than lines of the serialized text: a quarter of pages come minified, their
    whole text on one line. Script and style texts of the body are not page text.
    """
    nodes = _BODY_TEXT(tree)
    if w.scripts:
        scripts = set(w.scripts)
        nodes = [t for t in nodes if t not in scripts]
    lens = [n for n in map(len, map(str.strip, nodes)) if n]
    total = sum(lens)
    text = " ".join(nodes)
    prices = sum(len(rx.findall(text)) for sign, rx in _PRICE.items() if sign in text)
    return {
        "text_len": total, "text_nodes": len(lens), "text_nodes_long": sum(n >= _LONG_NODE for n in lens),
        "text_share_long": _share(sum(n for n in lens if n >= _LONG_NODE), total),
        "text_node_max": max(lens, default=0), "text_per_node": total / len(lens) if lens else 0.0,
        "sentences_per_kchar": _per_kchar(text.count(". "), total),
        "questions_per_kchar": _per_kchar(text.count("?"), total),
        "years_per_kchar": _per_kchar(len(_YEAR.findall(text)), total),
        "commas_per_kchar": _per_kchar(text.count(", "), total),
        "n_prices": prices, "prices_per_kchar": _per_kchar(prices, total),
        "p_text_share": _share(sum(w.p_lens), total), "heading_text_share": _share(w.heading, total),
        "code_text_share": _share(w.code, total), "article_text_share": _share(w.article, total),
        "main_text_share": _share(w.main, total),
    }


def _links(w: _Walked, url: str | None, text_len: float) -> dict[str, float]:
    """Where the links go: below this page (a listing's items), within it (a table of contents),
    to dated or slugged pages (posts), to the phone or mail (a business). Counted on the hrefs
    joined, each after a newline, so that each count is one pass of str.count."""
    n = len(w.hrefs)
    joined = "\n" + "\n".join(h.strip() for h in w.hrefs)
    parts = urlsplit(url) if url else None
    path = parts.path.rstrip("/") if parts else ""
    host = (parts.hostname or "") if parts else ""
    absolute = joined.count("\nhttp:") + joined.count("\nhttps:") + joined.count("\n//")
    return {
        "n_links": n, "links_per_kchar": _per_kchar(n, text_len), "link_text_share": _share(w.link_text, text_len),
        "link_share_child": _share(joined.count(f"{path}/"), n) if path else 0.0,
        "link_share_fragment": _share(joined.count("\n#"), n),
        "link_share_external": _share(absolute - (joined.count(f"//{host}") if host else 0), n),
        "link_share_query": _share(joined.count("?"), n),
        "link_share_slug": _share(sum(h.count("-") >= 4 for h in w.hrefs), n),
        "link_share_dated": _share(len(_DATE_IN_HREF.findall(joined)), n),
        "n_tel_mail": joined.count("\ntel:") + joined.count("\nmailto:"),
    }


def _classes(tree: HtmlElement, body: HtmlElement | None) -> dict[str, float]:
    """Repeated class values (cards, posts, rows), words of the markup's class vocabulary, and
    the template the <body> class names."""
    values = _CLASSES(tree)
    counts = Counter(values)
    repeated = [n for n in counts.values() if n >= _CLASS_REPEATED]
    distinct = " ".join(counts).lower()
    f: dict[str, float] = {
        "n_classed": len(values), "class_max_repeat": max(counts.values(), default=0),
        "class_n_repeated": len(repeated), "class_share_repeated": _share(sum(repeated), len(values)),
    }
    for word in _CLASS_WORDS:
        f[f"class_{word}"] = distinct.count(word)
    tokens = set((body.get("class") or "").lower().split()) if body is not None else set()
    for group, (names, prefixes) in _BODY_CLASS.items():
        hit = not tokens.isdisjoint(names) or (bool(prefixes) and any(t.startswith(prefixes) for t in tokens))
        f[f"body_{group}"] = float(hit)
    return f


# ---------------------------------------------------------------- JSON-LD and meta
# schema.org types by what they say about the page; a type nested anywhere counts (an Offer inside
# a Product, a Person as author). Organization, WebSite, ImageObject are on every kind of page.
_LD_GROUPS: dict[str, frozenset[str]] = {
    "article": frozenset(
        "Article NewsArticle BlogPosting Report ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
        "BackgroundNewsArticle ReviewNewsArticle LiveBlogPosting ScholarlyArticle SatiricalArticle "
        "Recipe HowTo".split()
    ),
    "tech": frozenset("TechArticle APIReference SoftwareSourceCode SoftwareApplication Book Chapter".split()),
    "product": frozenset("Product ProductGroup IndividualProduct ProductModel Vehicle".split()),
    "offer": frozenset("Offer AggregateOffer UnitPriceSpecification PriceSpecification MerchantReturnPolicy".split()),
    "rating": frozenset("AggregateRating Review Rating".split()),
    "forum": frozenset("QAPage DiscussionForumPosting SocialMediaPosting Comment InteractionCounter".split()),
    "qa": frozenset("Question Answer".split()),
    "faq": frozenset(("FAQPage",)),
    "list": frozenset("ItemList CollectionPage SearchResultsPage OfferCatalog Blog".split()),
    "webpage": frozenset("WebPage AboutPage ContactPage ProfilePage MedicalWebPage".split()),
    "service": frozenset(
        "Service LocalBusiness ProfessionalService Course EducationalOccupationalProgram Event "
        "EducationalOrganization CollegeOrUniversity HealthAndBeautyBusiness Store".split()
    ),
    "breadcrumb": frozenset(("BreadcrumbList",)),
    "person": frozenset(("Person",)),
    "video": frozenset(("VideoObject",)),
}
_OG_TYPES = ("article", "product", "website")

LD_FEATURES = (
    "ld_present", "ld_types", *(f"ld_{g}" for g in _LD_GROUPS), "ld_date_published", "ld_article_body",
    *(f"og_{t}" for t in _OG_TYPES), "og_other", "meta_published_time", "meta_article_tags", "meta_price",
    "meta_author", "twitter_large_image",
)
_LD_MAX_NODES = 2000  # a JSON-LD catalogue of thousands of items says no more than its first ones


def _ld_walk(data: object, types: Counter[str], keys: set[str]) -> None:
    """schema.org @type values and property names anywhere in a JSON-LD document."""
    queue, seen = [data], 0
    while queue and seen < _LD_MAX_NODES:
        node = queue.pop()
        seen += 1
        if isinstance(node, dict):
            t = node.get("@type")
            for name in t if isinstance(t, list) else (t,):
                if isinstance(name, str):
                    types[name.rsplit("/", 1)[-1]] += 1
            keys.update(node)
            queue.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, (dict, list)))


def _schema(ld_json: list[str], meta: dict[str, str]) -> dict[str, float]:
    """What the page declares about itself: JSON-LD types by group, og:type, publication meta tags."""
    types: Counter[str] = Counter()
    keys: set[str] = set()
    for text in ld_json:
        try:
            _ld_walk(json.loads(text), types, keys)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; it says nothing
    f: dict[str, float] = {"ld_present": float(bool(ld_json)), "ld_types": len(types)}
    for group, names in _LD_GROUPS.items():
        f[f"ld_{group}"] = sum(n for t, n in types.items() if t in names)
    f["ld_date_published"] = float("datePublished" in keys)
    f["ld_article_body"] = float("articleBody" in keys)
    og = meta.get("og:type", "").strip().lower()
    for t in _OG_TYPES:
        f[f"og_{t}"] = float(og == t)
    f["og_other"] = float(bool(og) and og not in _OG_TYPES)
    f["meta_published_time"] = float(bool(meta.get("article:published_time")))
    f["meta_article_tags"] = sum(k.startswith("article:") for k in meta)
    f["meta_author"] = float(bool(meta.get("author")))
    f["twitter_large_image"] = float(meta.get("twitter:card") == "summary_large_image")
    f["meta_price"] = float(any(k.startswith(("product:price", "og:price")) for k in meta))
    return f


# ---------------------------------------------------------------- features and model
FEATURES: tuple[str, ...] = (*URL_FEATURES, *DOM_FEATURES, *LD_FEATURES)


def page_features(tree: HtmlElement, url: str | None) -> list[float]:
    """The page's feature vector, in FEATURES order. Reads the tree, never changes it."""
    w = _walk(tree)
    f = url_features(url) | _structure(w) | _text(tree, w) | _classes(tree, tree.find("body"))
    f |= _schema(w.ld_json, w.meta)
    f |= _links(w, url, f["text_len"])
    return [float(f[name]) for name in FEATURES]


def decide(probs: np.ndarray, threshold: float) -> str:
    """`article` unless its probability is below threshold; then the likeliest other type.
    probs are in PAGE_TYPES order, article first."""
    if probs[0] >= threshold:
        return PAGE_TYPES[0]
    return PAGE_TYPES[1 + int(np.argmax(probs[1:]))]


class PageTypeModel:
    """The shipped page-type model, with the decision threshold it was trained with."""

    def __init__(self, version: str = VERSION) -> None:
        self.version = version
        self._booster, self.threshold = _load(version)

    def probabilities(self, tree: HtmlElement, url: str | None) -> np.ndarray:
        x = np.asarray([page_features(tree, url)], dtype=np.float64)
        return self._booster.predict(x, num_threads=1)[0]

    def predict(self, tree: HtmlElement, url: str | None) -> str:
        return decide(self.probabilities(tree, url), self.threshold)


@lru_cache(maxsize=1)
def page_type_model() -> PageTypeModel:
    """The shipped model, made once per process."""
    return PageTypeModel()


@lru_cache(maxsize=4)
def _load(version: str) -> tuple[lgb.Booster, float]:
    """Booster and threshold of a model version, read once per process; refuses a model whose
    features or classes are not this module's (a stale file beside newer code)."""
    models = files("cleancorpus.pipeline.models")
    booster = lgb.Booster(model_str=models.joinpath(f"{version}.txt").read_text(encoding="utf-8"))
    info = json.loads(models.joinpath(f"{version}.json").read_text(encoding="utf-8"))
    if tuple(booster.feature_name()) != FEATURES or tuple(info["classes"]) != PAGE_TYPES:
        raise ValueError(f"{version}: model features or classes differ from page_type.py's")
    return booster, float(info["threshold"])

"""Page-type features of the DOM: the mix of tags, where and in what lengths the text sits,
where the links go, repeated class values, words of the markup's class vocabulary, the
template the <body> class names.

Read in one Python-level iteration over the tags of interest (walk, which also gathers the
JSON-LD and meta tags page_type_schema reads) and two XPaths (the body's text nodes, its class
attributes): few passes, for the reason page_type_features gives.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.dates import DATE_RE

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
_FOUR_DIGITS = re.compile(r"\d\d\d\d")
# Characters of text before the first <h1>'s text and after its end in which a date is the page's
# dateline (an article's byline or date sits just above or below its headline; a service page's does not).
_DATELINE_BEFORE, _DATELINE_AFTER = 200, 400
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
    "date_near_h1",
    "n_linked_headings", "linked_heading_share", "n_linked_images", "linked_image_share",
    "text_len", "text_nodes", "text_nodes_long", "text_share_long", "text_node_max", "text_per_node",
    "sentences_per_kchar", "questions_per_kchar", "years_per_kchar", "commas_per_kchar", "n_prices", "prices_per_kchar",
    "n_links", "links_per_kchar", "link_text_share", "link_share_child", "link_share_fragment", "link_share_external",
    "link_share_query", "link_share_slug", "link_share_dated", "n_tel_mail",
    "n_classed", "class_max_repeat", "class_n_repeated", "class_share_repeated",
    *(f"class_{w}" for w in _CLASS_WORDS), *(f"body_{g}" for g in _BODY_CLASS),
)


@dataclass
class Walked:
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
    h1_text: str = ""  # the first non-empty text node of the first non-empty <h1>, to find it in the page text
    headings: list[str] = field(default_factory=list)  # the texts of the <h1>-<h3>, for the word model
    text: str = ""  # the page text as text_features joins it (its text nodes, scripts left out)
    code: int = 0
    article: int = 0
    main: int = 0
    datetimes: int = 0
    title: str = ""


_READ = frozenset((  # the tags walk hands to _read
    "p", "h1", "h2", "h3", "h4", "img", "pre", "article", "main", "time", "script", "style", "meta", "input",
    "title", "body",
))


def walk(tree: HtmlElement, fragment_links: list[str] | None = None) -> Walked:
    """The one iteration in Python: tag counts and hrefs, the rest read by _read for the few
    elements that need it. Links and list items are most of what is visited, so they cost a
    count and a lookup. `fragment_links`, when given, gets the text of every link to an anchor
    on the page ("#section"; not "#" alone or a "#!" route), for contents.py."""
    w = Walked(counts=dict.fromkeys(_WALK_TAGS, 0))
    counts, hrefs = w.counts, w.hrefs
    for el in tree.iter(*_WALK_TAGS):
        tag = el.tag
        counts[tag] += 1
        if tag == "a":
            href = el.get("href")
            if href:
                hrefs.append(href)
                if fragment_links is not None and href[0] == "#" and len(href) > 1 and href[1] != "!":
                    fragment_links.append(_text(el))
            text = el.text
            if text:
                w.link_text += len(text.strip())
        elif tag in _READ:
            _read(el, tag, w)
    return w


def _text(el: HtmlElement) -> str:
    """The element's text_content(), by lxml's text serializer rather than an XPath string():
    the same characters (text nodes only, no comments), without an XPath context made per call,
    for the few dozen paragraphs and headings of every page."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _read(el: HtmlElement, tag: str, w: Walked) -> None:
    """Lengths of paragraphs, headings and code, the largest <article> and <main>, JSON-LD,
    og:/article: meta tags, input types, the title, scripts and styles of the body."""
    if tag == "p":
        n = len(_text(el).strip())
        w.p_lens.append(n)
        if n:
            parent = el.getparent()
            w.p_parents[parent] = w.p_parents.get(parent, 0) + n
    elif tag in ("h1", "h2", "h3", "h4"):
        heading = _text(el).strip()
        n = len(heading)
        w.heading += n
        if tag != "h4" and n:
            w.headings.append(heading)
        if tag == "h1" and n and not w.h1:
            w.h1 = n
            w.h1_text = next((t for t in el.itertext() if t.strip()), "")
        parent = el.getparent()
        if el.find(".//a") is not None or parent is not None and parent.tag == "a":
            w.linked_headings += 1
    elif tag == "img":
        parent = el.getparent()  # an image in a link, or in a <picture> or <span> in one
        grandparent = parent.getparent() if parent is not None else None
        if parent is not None and (parent.tag == "a" or grandparent is not None and grandparent.tag == "a"):
            w.linked_images += 1
    elif tag == "pre":
        w.code += len(_text(el))
    elif tag == "article":
        w.article = max(w.article, len(_text(el)))
    elif tag == "main":
        w.main = max(w.main, len(_text(el)))
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


def structure_features(w: Walked) -> dict[str, float]:
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


def text_features(tree: HtmlElement, w: Walked, in_body: list[str] | None = None) -> dict[str, float]:
    """How much text, in text nodes of what length, where it sits, prose punctuation, prices.

    Text nodes rather than lines of the serialized text: a quarter of pages come minified, their
    whole text on one line. Script and style texts of the body are not page text. `in_body`: the
    text nodes of the root's <body> in document order when a walk over it read them already
    (blocks.page_blocks), used on a page with one <body>, where they are _BODY_TEXT's. The text
    joined is left in w.text for the word model.
    """
    nodes = in_body if in_body is not None and w.counts["body"] == 1 else _BODY_TEXT(tree)
    if w.scripts:
        scripts = set(w.scripts)
        nodes = [t for t in nodes if t not in scripts]
    lens = [n for n in map(len, map(str.strip, nodes)) if n]
    total = sum(lens)
    text = w.text = " ".join(nodes)
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
        "main_text_share": _share(w.main, total), "date_near_h1": _date_near_h1(text, w.h1_text),
    }


def _date_near_h1(text: str, h1_text: str) -> float:
    """Whether a date is printed just before or after the headline: the dateline of articles, the
    one sign of one that schema and meta tags miss on a third of them. The headline is found by
    its first text node in the page text (its first occurrence: a breadcrumb may repeat it).
    Dates as dates.DATE_RE finds them (numeric, and month names of a few languages)."""
    start = text.find(h1_text) if h1_text else -1
    if start < 0:
        return 0.0
    window = text[max(0, start - _DATELINE_BEFORE): start + len(h1_text) + _DATELINE_AFTER]
    # every date DATE_RE finds holds a four-digit year: a window without one (half of them) is not searched
    return float(_FOUR_DIGITS.search(window) is not None and DATE_RE.search(window) is not None)


def link_features(w: Walked, url: str | None, text_len: float) -> dict[str, float]:
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


def _class_values(tree: HtmlElement, body: HtmlElement | None, bodies: int,
                  in_body: list[str] | None = None) -> list[str]:
    """The class values of _CLASSES (//body//@class: the <body>'s own and its descendants'). On a
    page with one <body> (`bodies`, as walk counted them), read by an iteration over it, faster
    than the XPath's attribute axis; the same values in the same order. `in_body`: those values
    as a walk over `body` already read them (blocks.page_blocks), so they are not read again."""
    if body is None or bodies != 1:
        return _CLASSES(tree)
    if in_body is not None:
        return in_body
    return [v for el in body.iter() if (v := el.get("class")) is not None]


def class_features(tree: HtmlElement, body: HtmlElement | None, bodies: int,
                   in_body: list[str] | None = None) -> dict[str, float]:
    """Repeated class values (cards, posts, rows), words of the markup's class vocabulary, and
    the template the <body> class names. `body` is the root's <body> child, `bodies` how many
    <body> elements the page has, `in_body` the class values of `body`'s elements when a walk
    over it read them already."""
    values = _class_values(tree, body, bodies, in_body)
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

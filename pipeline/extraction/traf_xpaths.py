"""trafilatura's costliest extraction XPaths answered by one Python pass each, same elements.

trafilatura's cascade selects the article's container (BODY_XPATH), prunes the chrome in it
(OVERALL_DISCARD_XPATH) and measures a page's text (BASIC_CLEAN_XPATH, for the recall
escalation and the baseline) with expressions whose EXSLT `re:test` calls back from libxml2
into Python for every element they look at, building a string object of the attribute for
each call; the callbacks are most of these expressions' time, and the expressions a large
share of the cascade's. The tests below say in Python exactly what those expressions say,
each regex searched once per distinct attribute value (class names repeat across a page), and
`install` puts them in trafilatura's lists in place of the XPaths, so its own steps call them.

Only expressions identical to the ones mirrored here (MIRRORED, whitespace collapsed) are
replaced; after a trafilatura upgrade that changes one, its XPath stays (slower, same elements).
tests/extraction/test_traf_xpaths.py compares every finder with its XPath, element by element.

XPath details kept: `re:test(@a|@b, ...)`, `starts-with(@a|@b, ...)` and `contains(@a|@b, ...)`
read only the attribute that comes first in the element's source order; a missing attribute
reads as ""; `.//*[...][1]` is the first matching child of every element, `(.//*[...])[1]` the
first match of all; results are in document order, each element once.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from importlib import import_module

from lxml.etree import Element
from lxml.html import HtmlElement

Finder = Callable[[HtmlElement], list[HtmlElement]]

# the modules themselves: trafilatura's package names its function `baseline` like the module
txpaths = import_module("trafilatura.xpaths")
tbaseline = import_module("trafilatura.baseline")


class _Search:
    """EXSLT re:test as lxml runs it (re.search, re.UNICODE, re.IGNORECASE for the 'i' flag),
    its answer kept per value: a page's class and id values repeat. The memo starts over at
    _LIMIT values, about one page's worth: kept across pages, the values of thousands of pages
    would stay in every worker (20 MB over the 1,678 dev pages)."""

    _LIMIT = 1024

    def __init__(self, pattern: str, ignore_case: bool = False) -> None:
        self._search = re.compile(pattern, re.UNICODE | (re.IGNORECASE if ignore_case else 0)).search
        self._seen: dict[str, bool] = {}

    def __call__(self, value: str | None) -> bool:
        value = value or ""
        hit = self._seen.get(value)
        if hit is None:
            if len(self._seen) >= self._LIMIT:
                self._seen.clear()
            hit = self._seen[value] = self._search(value) is not None
        return hit


def _first(e: HtmlElement, a: str, va: str | None, b: str, vb: str | None) -> str:
    """XPath's string(@a|@b), given the element's values of the two (None when missing): the one
    whose attribute comes first in the element's source order, "" when it has neither."""
    if va is None:
        return vb or ""
    if vb is None:
        return va
    keys = e.keys()
    return va if keys.index(a) < keys.index(b) else vb


# the expressions answered below, whitespace collapsed
_OVERALL_0 = (
    ".//*[self::div or self::item or self::list or self::p or self::section or self::span][ "
    "@data-lp-replacement-content or contains(translate(@role, 'N', 'n'), 'nav') or "
    "contains(@data-component, 'MostPopularStories') or re:test(@id|@class, 'cookie') or "
    "re:test(@id, '^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|"
    "^(?:jp-|dpsp-content)|bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium|^ad-') or "
    "re:test(@class, '^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|"
    "^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d|outbrain|"
    "taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed|tag-list|"
    "consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|attachment|timestamp|"
    "user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|options|expand|obfuscated|"
    "blurred|mol-factbox|yin|zlylin|nfoline')]"
)
_OVERALL_1 = (
    ".//*[@class='comments-title' or starts-with(@id|@class, 'reply-') or re:test(@id|@style, 'hidden') or "
    "contains(@style, 'display:none') or contains(@style, 'display: none') or "
    "re:test(@id, 'reader-comments|akismet') or re:test(@class, '^hide-|comments-title|nocomments|-reply-|message|"
    "akismet|suggest-links|-hide-|hide-print| hidden| hide|noprint|notloaded') or @aria-hidden='true']"
)
_BODY_0 = (
    ".//*[self::article or self::div or self::main or self::section][ @class='post' or @class='entry' or "
    "@itemprop='articleBody' or @id='articleContent' or re:test(@id, '(?:entry|article|art)-content|"
    "article__content|article(?:-|__)?body|articleBody|body-text') or re:test(@class, 'post[-_]text|post-body|"
    "post-?entry|post[-_]?content|postContent|post_inner_wrapper|article-?text|articleText|"
    "(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body|articleBody|ArticleContent|"
    "body-text|article__container') ][1]"
)
_BODY_2 = (
    "(.//*[self::article or self::div or self::main or self::section][ @role='article' or @id='article' or "
    "@id='story' or @class='postarea' or @class='art-postcontent' or @class='text' or @class='cell' or "
    "@class='story' or re:test(@id, '^primary|story-body') or re:test(@class, 'fulltext', 'i') or "
    "re:test(@class, '^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content|single-post|"
    "main-column|wpb_text_column|story-body|field-body') ])[1]"
)
_BODY_3 = (
    "(.//*[self::article or self::div or self::main or self::section][ @id='content' or @class='content' or "
    "re:test(@id, 'content-main|content-body|contentBody') or re:test(@class, 'content[-_]main|content(?:-|__)body') "
    "or contains(translate(@id, 'CM','cm'), 'main-content') or contains(translate(@class, 'CM','cm'), 'main-content') "
    "or contains(translate(@class, 'CP','cp'), 'page-content') ])[1]"
)
_COMMENTS = (
    ".//*[self::div or self::list or self::section or self::details or self::ol or self::ul][ "
    "re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') or "
    "re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')][ not(self::ol or self::ul) or "
    "re:test(@id, '^(?:[Cc]omment(?!ary)|comol)') or re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]"
)
_APPENDED = (
    ".//*[self::div or self::section or self::aside][ re:test(@id, 'mvp-post-add-(?:box|wrap)|infinite-?scroll') or "
    "re:test(@class, 'mvp-post-add-(?:box|wrap)|infinite-?scroll')][ not(.//h1) or "
    "re:test(@id, 'mvp-post-add-(?:box|wrap)') or re:test(@class, 'mvp-post-add-(?:box|wrap)')]"
)
_COOKIE_CONSENT = ("cookie[-_]?(?:banner|bar|consent|law|notice|policy|description)|notice[-_]{0,2}cookie"
                   "|consent[-_]?(?:banner|manager|sdk)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr")
_BASIC_CLEAN = (
    ".//aside|.//div[contains(@class|@id, 'footer')]|.//fencedframe|.//footer|.//script|.//style|.//svg|.//template"
    f"|.//*[re:test(@class, '{_COOKIE_CONSENT}', 'i') or re:test(@id, '{_COOKIE_CONSENT}', 'i')]"
)

_COOKIE = _Search("cookie")
_OVERALL_ID = _Search(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|^(?:jp-|dpsp-content)|"
    "bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium|^ad-")
_OVERALL_CLASS = _Search(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|"
    "^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d|outbrain|"
    "taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed|tag-list|"
    "consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|attachment|timestamp|"
    "user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|options|expand|obfuscated|"
    "blurred|mol-factbox|yin|zlylin|nfoline")
_HIDDEN = _Search("hidden")
_HIDDEN_ID = _Search("reader-comments|akismet")
_HIDDEN_CLASS = _Search("^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print"
                        "| hidden| hide|noprint|notloaded")
_BODY_0_ID = _Search("(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody|body-text")
_BODY_0_CLASS = _Search(
    "post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper|article-?text|articleText|"
    "(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body|articleBody|ArticleContent|"
    "body-text|article__container")
_BODY_2_ID = _Search("^primary|story-body")
_BODY_2_FULLTEXT = _Search("fulltext", ignore_case=True)
_BODY_2_CLASS = _Search("^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content|single-post|"
                        "main-column|wpb_text_column|story-body|field-body")
_BODY_3_ID = _Search("content-main|content-body|contentBody")
_BODY_3_CLASS = _Search("content[-_]main|content(?:-|__)body")
_CONSENT = _Search(_COOKIE_CONSENT, ignore_case=True)
_COMMENTS_ID = _Search("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENTS_CLASS = _Search("^[Cc]omment(?!ary)|(?:article|post)-comments")
_COMMENTS_LIST_ID = _Search("^(?:[Cc]omment(?!ary)|comol)")
_APPENDED_ANY = _Search("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_APPENDED_POST = _Search("mvp-post-add-(?:box|wrap)")

_OVERALL_0_TAGS = ("div", "item", "list", "p", "section", "span")
_BODY_TAGS = ("article", "div", "main", "section")
_COMMENTS_TAGS = ("div", "list", "section", "details", "ol", "ul")
_APPENDED_TAGS = ("div", "section", "aside")
_BASIC_CLEAN_TAGS = frozenset(("aside", "fencedframe", "footer", "script", "style", "svg", "template"))


def _is_overall_0(e: HtmlElement) -> bool:
    get = e.get
    id_, cls = get("id"), get("class")
    return (get("data-lp-replacement-content") is not None
            or "nav" in (get("role") or "").replace("N", "n")
            or "MostPopularStories" in (get("data-component") or "")
            or _COOKIE(_first(e, "id", id_, "class", cls))
            or _OVERALL_ID(id_)
            or _OVERALL_CLASS(cls))


def _is_overall_1(e: HtmlElement) -> bool:
    get = e.get
    id_, cls, style = get("id"), get("class"), get("style")
    if id_ is None and cls is None and style is None:
        # every test but the last reads one of the three ("" when missing: no match)
        return get("aria-hidden") == "true" or _HIDDEN("") or _HIDDEN_ID("") or _HIDDEN_CLASS("")
    return (cls == "comments-title"
            or _first(e, "id", id_, "class", cls).startswith("reply-")
            or _HIDDEN(_first(e, "id", id_, "style", style))
            or "display:none" in (style or "") or "display: none" in (style or "")
            or _HIDDEN_ID(id_)
            or _HIDDEN_CLASS(cls)
            or get("aria-hidden") == "true")


def _is_body_0(e: HtmlElement) -> bool:
    get = e.get
    cls = get("class")
    return (cls == "post" or cls == "entry" or get("itemprop") == "articleBody" or get("id") == "articleContent"
            or _BODY_0_ID(get("id")) or _BODY_0_CLASS(cls))


def _is_body_2(e: HtmlElement) -> bool:
    get = e.get
    id_, cls = get("id"), get("class")
    return (get("role") == "article" or id_ == "article" or id_ == "story"
            or cls in ("postarea", "art-postcontent", "text", "cell", "story")
            or _BODY_2_ID(id_) or _BODY_2_FULLTEXT(cls) or _BODY_2_CLASS(cls))


def _is_body_3(e: HtmlElement) -> bool:
    get = e.get
    id_, cls = get("id"), get("class")
    return (id_ == "content" or cls == "content" or _BODY_3_ID(id_) or _BODY_3_CLASS(cls)
            or "main-content" in (id_ or "").replace("C", "c").replace("M", "m")
            or "main-content" in (cls or "").replace("C", "c").replace("M", "m")
            or "page-content" in (cls or "").replace("C", "c").replace("P", "p"))


def _is_comments(e: HtmlElement) -> bool:
    get = e.get
    id_, cls = get("id"), get("class")
    return ((_COMMENTS_ID(id_) or _COMMENTS_CLASS(cls))
            and (e.tag not in ("ol", "ul") or _COMMENTS_LIST_ID(id_) or _COMMENTS_CLASS(cls)))


def _is_appended(e: HtmlElement) -> bool:
    get = e.get
    id_, cls = get("id"), get("class")
    return ((_APPENDED_ANY(id_) or _APPENDED_ANY(cls))
            and (e.find(".//h1") is None or _APPENDED_POST(id_) or _APPENDED_POST(cls)))


def _is_basic_clean(e: HtmlElement) -> bool:
    tag = e.tag
    return (tag in _BASIC_CLEAN_TAGS
            or (tag == "div" and "footer" in _first(e, "class", e.get("class"), "id", e.get("id")))
            or _CONSENT(e.get("class")) or _CONSENT(e.get("id")))


def elements(tree: HtmlElement, *tags: str) -> Iterator[HtmlElement]:
    """The elements of the tree `tree` belongs to, in document order (what "//*" visits), or only
    those with the given tags (lxml filters them without making a Python object of the others)."""
    return tree.getroottree().getroot().iter(*(tags or (Element,)))


def finder(test: Callable[[HtmlElement], bool], tags: tuple[str, ...] = (), descendants_only: bool = False) -> Finder:
    """`//*[test]` (or `//*[self::tag or ...][test]`): the elements of the page that pass; with
    descendants_only, `.//*[...]`, those below the context element.

    `everything`: the page's elements in document order when `tree` is its root, listed once
    for several finders. lxml makes a Python object for an element the first time it is
    handed out, through a Python class lookup; held in a list, each is made once.
    """
    wanted = frozenset(tags)
    only = tags or (Element,)  # lxml's filter for elements alone (no comments, PIs, entities)

    def find(tree: HtmlElement, everything: list[HtmlElement] | None = None) -> list[HtmlElement]:
        if everything is not None:
            listed: Iterable[HtmlElement] = everything[1:] if descendants_only else everything
            return [e for e in listed if (not wanted or e.tag in wanted) and test(e)]
        found = tree.iterdescendants(*only) if descendants_only else elements(tree, *tags)
        return [e for e in found if test(e)]
    return find


def _all(test: Callable[[HtmlElement], bool], tags: tuple[str, ...] = ()) -> Finder:
    """`.//*[test]`, or `.//*[self::tag or ...][test]`: every element below the context that passes."""
    return finder(test, tags, descendants_only=True)


def _first_of_each_parent(test: Callable[[HtmlElement], bool], tags: tuple[str, ...]) -> Finder:
    """`.//*[self::tag or ...][test][1]`: for every element, its first child that passes."""
    def find(tree: HtmlElement) -> list[HtmlElement]:
        found, parents = [], set()
        for e in tree.iterdescendants(*tags):
            if test(e):
                parent = e.getparent()
                if parent not in parents:
                    parents.add(parent)
                    found.append(e)
        return found
    return find


def _first_match(test: Callable[[HtmlElement], bool], tags: tuple[str, ...]) -> Finder:
    """`(.//*[self::tag or ...][test])[1]`: the first element below the context that passes."""
    def find(tree: HtmlElement) -> list[HtmlElement]:
        return next(([e] for e in tree.iterdescendants(*tags) if test(e)), [])
    return find


# (module, list name or None for a single expression, its name or index, the expression, its finder)
_REPLACED = (
    (txpaths, "OVERALL_DISCARD_XPATH", 0, _OVERALL_0, _all(_is_overall_0, _OVERALL_0_TAGS)),
    (txpaths, "OVERALL_DISCARD_XPATH", 1, _OVERALL_1, _all(_is_overall_1)),
    (txpaths, "BODY_XPATH", 0, _BODY_0, _first_of_each_parent(_is_body_0, _BODY_TAGS)),
    (txpaths, "BODY_XPATH", 2, _BODY_2, _first_match(_is_body_2, _BODY_TAGS)),
    (txpaths, "BODY_XPATH", 3, _BODY_3, _first_match(_is_body_3, _BODY_TAGS)),
    (txpaths, "REMOVE_COMMENTS_AND_LISTS_XPATH", 0, _COMMENTS, _all(_is_comments, _COMMENTS_TAGS)),
    (txpaths, "RAW_TREE_PRUNE_XPATH", 0, _APPENDED, _all(_is_appended, _APPENDED_TAGS)),
    (tbaseline, None, "BASIC_CLEAN_XPATH", _BASIC_CLEAN, _all(_is_basic_clean)),
)

# the XPath each installed finder stands for, for tests/extraction/test_traf_xpaths.py
ORIGINALS: list[tuple[object, Finder]] = []


def collapsed(path: str) -> str:
    """An XPath's text with its whitespace collapsed: how a trafilatura expression is compared
    with the one a finder mirrors (here and in trafilatura_byline)."""
    return " ".join(path.split())


def install() -> int:
    """Put the finders in trafilatura's lists (and baseline's module name) in place of the XPaths
    they answer, each where trafilatura's expression is still the mirrored one; the count."""
    for module, listed, key, path, finder in _REPLACED:
        holder = getattr(module, listed) if listed else None
        current = holder[key] if holder is not None else getattr(module, key, None)
        if current is finder or collapsed(getattr(current, "path", "")) != path:
            continue
        finder.path = current.path  # type: ignore[attr-defined]
        ORIGINALS.append((current, finder))
        if holder is not None:
            holder[key] = finder
        else:
            setattr(module, key, finder)
    return len(ORIGINALS)

"""The author named by the page's byline, cleaned: cleancorpus's own byline search
(find_byline), which page_metadata uses when the JSON-LD and meta tags name no author.

trafilatura's search (trafilatura_byline.extract_author) takes the first element of an
author-ish class and all of its text ("Author Isaiah Shelton", "Supermove February 8", a role
glued to the name). find_byline looks at more kinds of byline markup (itemprop=author,
rel=author, links to author pages, a "By ..." line), skips page chrome (navigation, footers,
sidebars, comments, related lists), keeps to the bylines near the page's <h1>, and reads the
names out of the byline's text nodes: "By", roles, dates and biographies are separate nodes,
or cut off (author_names.clean_authors).
"""
from __future__ import annotations

import re
import unicodedata

from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.author_names import (
    BY_PREFIX,
    BY_PREFIX_ALONE,
    LEAD_JOINER,
    ROLE,
    clean_authors,
    name_like,
    no_byline,
)
from cleancorpus.pipeline.extraction.dates import find_date
from cleancorpus.pipeline.extraction.page_zone import BY_HEADLINE, CLASS_PARTS, Zone, in_chrome

_AUTHOR_HREF = re.compile(
    r"/(?:our-?)?(?:authors?|autor(?:es)?|auteurs?|writers?|contributors?|staff|profiles?|byline|journalists?|"
    r"experts?|columnists?|reporters?|editors?|users?|members?|team|u)/[^/?#]+/?(?:[?#].*)?$"
    # forum software's profile pages: member.php?u=1, memberlist.php?mode=viewprofile&u=1, profile.php?id=1
    r"|(?:^|/)(?:member|memberlist|profile|user|userinfo|showprofile)\.php\?|[?&;](?:action=profile|mode=viewprofile)",
    re.I)
# ("authorized-dealer", "authoring-guide", "authorization" are no authors)
_AUTHOR_ATTR = re.compile(r"author(?!i[sz]|ing)|byline|\bbyl\b|writer|posted-?by|submitted-?by|contributor|"
                          r"journalist|reporter|columnist|user-?name|poster\b|screen-?name|display-?name", re.I)
# parts of a class name (split at spaces, "-" and "_") that make an author-ish element something
# else: its picture, biography, date, role, share buttons, a list of an author's other posts, a
# price, a testimonial
_NOT_BYLINE_PARTS = frozenset({
    "avatar", "image", "img", "photo", "pic", "picture", "thumb", "thumbnail", "icon", "bio", "biography",
    "description", "desc", "about", "social", "follow", "share", "more", "list", "related", "title", "date", "time",
    "category", "categories", "tag", "tags", "label", "role", "job", "position", "count", "posts", "articles",
    "price", "pricing",  # a pricing table's "byline" is its plan's terms ("billed annually, or $50/mo")
    "testimonial", "testimonials", "customer", "customers",  # a quoted customer is not the page's author
})

_DATE_PARTS = frozenset({"date", "time"})


def _negative_class(attrs: str) -> bool:
    """A class saying picture, bio, date, role ... unless it also says name ("js-bio user-name"),
    or one of its classes ends in author and says nothing of those ("elementor-icon-list-text
    elementor-post-info__item--type-author": Elementor's post-info widget, whose every item is an
    "icon-list" text; "author-avatar" stays a picture, and WordPress's "author-jane-doe" on a
    post's <article> says whose post it is, not where the name is). One ending in author that says
    date too ("publish-date-author") is the line of both, the date and the name."""
    parts = [p.lower() for p in CLASS_PARTS.split(attrs) if p]
    if not any(p in _NOT_BYLINE_PARTS for p in parts) or "name" in parts:
        return False
    for c in attrs.split():
        ps = [p.lower() for p in CLASS_PARTS.split(c) if p]
        if ps and ps[-1] == "author" and not any(p in _NOT_BYLINE_PARTS and p not in _DATE_PARTS for p in ps):
            return False
    return True


def _by_line(text: str, e: HtmlElement | None = None) -> bool:
    """ "By Jane Doe", "Author: jdoe", "by j_doe", "By 3i Global", "By" alone (the name in the next
    element); not "By using ...", "by default" (a lowercase word is a name only as a user's
    handle, with a digit, "_" or "."; a digit starts a name of three words at most), unless the
    line is e's whole text and sits beside the post's <time> (_beside_time): "by jdoe" there is a
    byline however its handle is spelt."""
    m = BY_PREFIX.match(text)
    if not m:
        return False
    rest = text[m.end():]
    if not rest.strip(" :-–—") or rest[0].isupper() or ":" in m.group(0):
        return True
    words = rest.split()
    if rest[0].isdigit():
        return len(words) <= 3
    return len(words) == 1 and (bool(_HANDLE.search(words[0])) or (e is not None and _beside_time(e)))


def _beside_time(e: HtmlElement) -> bool:
    """An element of no children beside one holding a <time>, in a parent of a few (a post's
    date and byline lines)."""
    parent = e.getparent()
    if len(e) or parent is None or len(parent) > 4:
        return False
    return any(s is not e and (s.tag == "time" or s.find(".//time") is not None) for s in parent)


_HANDLE = re.compile(r"[\d_.]")
_LABEL_STARTS = frozenset({"au", "wr", "th"})  # _LABELLED's first letters (a quick test before it)
# a line that labels its names ("Authors: Jane Doe and John Roe"): a byline however far below the
# headline, as an author link is (a "By" alone is too common in sentences to be read that far);
# not inside a link, a teaser card's
_LABELLED = re.compile(r"^\s*(?:(?:authors?|author\(s\)|written\s+by)\s*:|"
                       r"this\s+(?:post|article)\s+was\s+written\s+by\b)\s*\w", re.I)


# a text node that only joins names ("and", "&", ","): another name follows
_JOINER = re.compile(r"^\W*(?:and|und|et|y|&)?\W*$", re.I)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "time", "img", "figure"})


def _nodes(e: HtmlElement, out: list[str], after: HtmlElement | None = None) -> list[str]:
    """The text nodes of e in order, leaving out scripts, times, pictures and elements whose class
    says date, role, bio or avatar; with `after`, only the nodes following that descendant."""
    state = {"on": after is None}

    def walk(el: HtmlElement) -> None:
        if state["on"] and el.text:
            out.append(el.text)
        for c in el:
            if c is after:
                state["on"] = True
            elif isinstance(c.tag, str) and c.tag not in _SKIP_TAGS and not _negative_class(c.get("class") or "") \
                    and (c.tag != "button" or _AUTHOR_ATTR.search(c.get("class") or "")):
                walk(c)
            if state["on"] and c.tail:
                out.append(c.tail)
            if len(out) > 40:
                return

    walk(e)
    return out


def names_in_nodes(nodes: list[str]) -> list[str]:
    """The names a byline's text nodes give: the first name-like node (after a "By"), and the
    names joined to it by ",", "and", "&" nodes. A word before the "By" ("Guide by Jane Doe") is
    a label, not a name; what follows a name's comma is a role when it names one ("Jane Doe,
    Home Security Expert", "Jane Doe, 4+ years covering hardware")."""
    names: list[str] = []
    label: list[str] = []  # the names before a "By", in case none follows it ("Jane Doe / Writer")
    expecting = seen_by = False
    scanned = 0
    for raw in nodes:
        t = " ".join(raw.split())
        if not t:
            continue
        if names and _JOINER.match(t):
            expecting = True
            continue
        if BY_PREFIX_ALONE.match(t):
            if names and not seen_by:
                label, names = names, []
            expecting = seen_by = True
            continue
        if names and not expecting:
            m = LEAD_JOINER.match(t)
            if not m or ROLE.search(t):
                break
            t = t[m.end():]
        if no_byline(t):
            break
        found = clean_authors([t])
        if found:
            names.extend(n for n in found if n not in names)
            expecting = False
            continue
        if names:
            break
        scanned += 1
        if scanned > 4:
            break
    return names or label


def _name_in(e: HtmlElement) -> list[str]:
    """The author names a byline element holds: its itemprop=name, else its text nodes, else
    (an element saying only "By") the nodes that follow it in its parent."""
    for attr in ("data-author", "author"):
        if (v := e.get(attr)) and (names := clean_authors([v])):
            return names
    for d in e.iter():
        if d is not e and isinstance(d.tag, str) and d.get("itemprop") == "name":
            v = d.get("content") or d.text_content()
            if v and (names := clean_authors([v])):
                return names
    if e.tag == "a" and not e.text_content().strip() and e.get("title"):
        return clean_authors([e.get("title")])
    names = names_in_nodes(_nodes(e, []))
    if len(names) == 1 and (linked := _linked_names(e)) and len(linked) > 1 and names[0] in linked:
        return linked
    if names:
        return names
    parent = e.getparent()
    if parent is not None and BY_PREFIX_ALONE.match(e.text_content() or ""):
        listed = e.getnext()
        if listed is not None and listed.tag in ("ul", "ol"):  # "Author(s)" over a list, a name an item
            return _listed_names(listed)
        return names_in_nodes(_nodes(parent, [], after=e))
    return []


_OTHER_ROLE = re.compile(r"\b(?:reviewed|edited|updated|fact[- ]checked|illustrated|photographed|photos?)\s+by\b",
                         re.I)


def _linked_names(e: HtmlElement) -> list[str]:
    """The names of a byline's author links ("Written by <a>Jane Doe</a>, 4+ years covering
    hardware<br><a>John Roe</a>, senior editor"): a role after the first name ends the names its
    text nodes give, the second author's link does not. One name a link, and none after "Reviewed
    by" or "Updated by" (a reviewer's, an editor's link)."""
    names: list[str] = []
    for d in e.iter():
        if d.tag == "a" and _AUTHOR_HREF.search(d.get("href") or ""):
            found = clean_authors([d.text_content()])[:1]  # a link, one person ("Jane Doe, Acme LLC")
            names.extend(n for n in found if n not in names)
        elif _OTHER_ROLE.search(d.text or ""):
            break  # "Reviewed by <a>...</a>": the reviewer's link, not an author's
        if d is not e and _OTHER_ROLE.search(d.tail or ""):
            break
    return names


def _listed_names(ul: HtmlElement) -> list[str]:
    """The names of a list's items, one person an item (up to ten)."""
    names: list[str] = []
    for li in ul.iterchildren("li"):
        names.extend(n for n in clean_authors([li.text_content()]) if n not in names)
        if len(names) >= 10:
            break
    return names


# first two letters of the words a "By ..." line starts with (a quick test before the regex)
_BY_STARTS = frozenset({"by", "wr", "po", "pu", "au", "re", "co", "cr", "su", "st", "wo", "te", "ar", "or", "up",
                        "to", "vi", "vo", "pa", "th"})
_AUTHOR_HINTS = ("auth", "byl", "writ", "post", "contrib", "journal", "report", "column", "user", "screen", "display")
_AUTHOR_HINT = re.compile("|".join(_AUTHOR_HINTS))  # any of them in a string, in one search


_ICON_TAGS = frozenset({"i", "img", "svg", "span"})
# class parts of an icon or a picture that stands for a person ("bi bi-person", "fa fa-user",
# "avatar avatar-xs")
_PERSON_ICON = frozenset({"person", "user", "author", "avatar"})


def _person_icon(e: HtmlElement) -> bool:
    """An empty icon or picture of a person followed by text: a theme's byline shows the name
    after it ("<i class='bi bi-person'></i> Jane Doe", a gravatar then "Jane Doe in News")."""
    cls = e.get("class")
    if not cls or not (e.tail or "").strip() or (e.text or "").strip():
        return False
    return any(p.lower() in _PERSON_ICON for p in CLASS_PARTS.split(cls))


_PARTS = re.compile(r"\s+[|·•]\s+")


def _name_role_date(text: str) -> bool:
    """ "Jane Doe | Senior Writer | July 2, 2025": a line under the headline that gives a name, a
    role and a date, parted by "|" or "·", and no "By" (the name a person's: two words at least)."""
    if len(text) > 120:
        return False
    parts = _PARTS.split(text.strip())
    if len(parts) < 3 or len(parts[0].split()) < 2 or not name_like(parts[0]):
        return False
    return any(find_date(p) for p in parts[1:]) and any(ROLE.search(p) for p in parts[1:])


# "Jane Doe in" (the category's link follows): the "in" is no part of the name ("Sign in" is no name)
_IN_CATEGORY = re.compile(r"^(\S+(?:\s+\S+)+)\s+in\s*$")


def _icon_name(e: HtmlElement) -> list[str]:
    """The names in the text after a person's icon (_person_icon)."""
    t = " ".join((e.tail or "").split())
    return clean_authors([_IN_CATEGORY.sub(r"\1", t)])


_SLUG = re.compile(r"/([^\W\d_]+(?:-[^\W\d_]+){1,3})/?(?:[?#].*)?$")


def _slug_name(a: HtmlElement) -> list[str]:
    """The name an author link's path spells ("/authors/juliette-carreiro") as the text beside the
    link shows it ("Juliette Carreiro"), for a link whose own text is no name ("Articles by
    Juliette", "View profile")."""
    m = _SLUG.search(a.get("href") or "")
    if not m:
        return []
    want = m[1].lower().split("-")
    box = a
    for _ in range(3):
        box = box.getparent()
        if box is None:
            return []
        for t in box.itertext():
            if _ascii_words(t) == want:
                return clean_authors([t])
    return []


def _ascii_words(t: str) -> list[str]:
    """A text's words lowercased and without accents, as a URL's path spells them ("Kovács" -> "kovacs")."""
    return "".join(c for c in unicodedata.normalize("NFKD", t.lower()) if not unicodedata.combining(c)).split()


def _labels_names(e: HtmlElement, tier: int) -> bool:
    """A line that says only "Author(s)" or "Written by", or labels its names ("Authors: ..."):
    the post's own facts wherever the page puts them, in a "sidebar" or an <aside> too (as a
    date labelled "Published" is, dateline._labelled_published)."""
    return tier == 5 or (tier == 4 and bool(BY_PREFIX_ALONE.match(e.text or "")))


def find_byline(tree: HtmlElement, near: int = 250, far: int = 1000, zone: Zone | None = None,
                max_candidates: int = 30, explain: list | None = None) -> str | None:  # type: ignore[type-arg]
    """The author named by the page's byline, "; "-joined, or None.

    Byline elements, strongest first: itemprop=author, data-author and rel=author; links to an
    author or member page (/author/NAME, member.php?u=1 ...); elements whose class or id says
    author, byline, writer or username; a short "By ..." text; the text after a person's icon
    (_person_icon); a "Name | Role | Date" line right under the headline; a line that labels its
    names ("Authors: ...", _LABELLED). With an <h1> on the page only those around it count (a
    byline sits by its headline; the rest are teasers, cards and lists): 60 elements above it,
    `near` below it, `far` for links, itemprops and labelled lines. Those inside
    page chrome are skipped (by the headline or in its <article>, an <aside> or a "sidebar"
    class is the post's own: Zone.by_headline); of the rest the first below the <h1> is read,
    else the nearest above it.
    """
    zone = zone or Zone(tree, 60, max(near, far))
    cands: list[tuple[int, int, HtmlElement]] = []
    for off, e in zone.items:
        tag = e.tag
        if tag in _ICON_TAGS and off <= near and _person_icon(e):
            cands.append((off, 6, e))
            continue
        if tag in _SKIP_TAGS or tag in ("meta", "link", "path", "br", "input", "h1", "button"):
            continue
        if off > far and off > near:
            break
        tier = 0
        get = e.get
        ip = get("itemprop")
        if (ip and "author" in ip) or get("data-author") or (get("author") and "-" in tag):
            tier = 1
        elif tag == "a" and (get("rel") == "author" or _AUTHOR_HREF.search(get("href") or "")):
            tier = 2
        elif off <= near:
            attrs = " ".join(filter(None, (get("class"), get("id"), get("data-testid"), get("data-component"))))
            low = attrs.lower()
            if low and _AUTHOR_HINT.search(low) and _AUTHOR_ATTR.search(attrs) \
                    and not _negative_class(attrs):
                tier = 3
            elif (t := e.text) and tag in _BY_TAGS and len(t := t.strip()) < 80 and t[:2].lower() in _BY_STARTS \
                    and _by_line(t, e):
                tier = 4
            elif 0 < off <= BY_HEADLINE and t and tag in _BY_TAGS and _name_role_date(t):
                tier = 7
        elif (t := e.text) and tag in _BY_TAGS and t.lstrip()[:2].lower() in _LABEL_STARTS \
                and _LABELLED.match(t) and next(e.iterancestors("a"), None) is None:
            tier = 5
        if tier and off <= (near if 3 <= tier <= 4 else far):
            cands.append((off, tier, e))
    cands = [c for c in cands if c[0] > 0] + [c for c in cands if c[0] <= 0][::-1]
    for off, tier, e in cands[:max_candidates]:
        if in_chrome(e, zone.main, by_headline=zone.by_headline(off, e) or _labels_names(e, tier)):
            continue
        names = _icon_name(e) if tier == 6 else _name_in(e)
        if not names and tier == 2:
            names = _slug_name(e)
        if explain is not None:
            explain.append((tier, off, e.tag, (e.get("class") or "")[:40], names))
        if names:
            return "; ".join(names)
    return None


_BY_TAGS = frozenset({"p", "span", "div", "li", "address", "small", "em", "strong", "h2", "h3", "h4", "h5", "h6",
                      "b", "i", "td", "dd", "section", "header", "a"})

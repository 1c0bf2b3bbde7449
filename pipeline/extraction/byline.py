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

from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.author_names import BY_PREFIX, BY_PREFIX_ALONE, LEAD_JOINER, ROLE, clean_authors
from cleancorpus.pipeline.extraction.page_zone import CLASS_PARTS, Zone, in_chrome

_AUTHOR_HREF = re.compile(
    r"/(?:our-?)?(?:authors?|autor(?:es)?|auteurs?|writers?|contributors?|staff|profiles?|byline|journalists?|"
    r"experts?|columnists?|reporters?|editors?|users?|members?|u)/[^/?#]+/?(?:[?#].*)?$"
    # forum software's profile pages: member.php?u=1, memberlist.php?mode=viewprofile&u=1, profile.php?id=1
    r"|(?:^|/)(?:member|memberlist|profile|user|userinfo|showprofile)\.php\?|[?&;](?:action=profile|mode=viewprofile)",
    re.I)
# ("authorized-dealer", "authoring-guide", "authorization" are no authors)
_AUTHOR_ATTR = re.compile(r"author(?!i[sz]|ing)|byline|\bbyl\b|writer|posted-?by|submitted-?by|contributor|"
                          r"journalist|reporter|columnist|user-?name|poster\b|screen-?name|display-?name", re.I)
# parts of a class name (split at spaces, "-" and "_") that make an author-ish element something
# else: its picture, biography, date, role, share buttons, a list of an author's other posts
_NOT_BYLINE_PARTS = frozenset({
    "avatar", "image", "img", "photo", "pic", "picture", "thumb", "thumbnail", "icon", "bio", "biography",
    "description", "desc", "about", "social", "follow", "share", "more", "list", "related", "title", "date", "time",
    "category", "categories", "tag", "tags", "label", "role", "job", "position", "count", "posts", "articles",
})


def _negative_class(attrs: str) -> bool:
    """A class saying picture, bio, date, role ... unless it also says name ("js-bio user-name"),
    or one of its classes ends in author and says nothing of those ("elementor-icon-list-text
    elementor-post-info__item--type-author": Elementor's post-info widget, whose every item is an
    "icon-list" text; "author-avatar" stays a picture, and WordPress's "author-jane-doe" on a
    post's <article> says whose post it is, not where the name is)."""
    parts = [p.lower() for p in CLASS_PARTS.split(attrs) if p]
    if not any(p in _NOT_BYLINE_PARTS for p in parts) or "name" in parts:
        return False
    for c in attrs.split():
        ps = [p.lower() for p in CLASS_PARTS.split(c) if p]
        if ps and ps[-1] == "author" and not any(p in _NOT_BYLINE_PARTS for p in ps):
            return False
    return True


def _by_line(text: str) -> bool:
    """ "By Jane Doe", "Author: jdoe", "by j_doe", "By 3i Global", "By" alone (the name in the next
    element); not "By using ...", "by default" (a lowercase word is a name only as a user's
    handle, with a digit, "_" or "."; a digit starts a name of three words at most)"""
    m = BY_PREFIX.match(text)
    if not m:
        return False
    rest = text[m.end():]
    if not rest.strip(" :-–—") or rest[0].isupper() or ":" in m.group(0):
        return True
    words = rest.split()
    return (rest[0].isdigit() and len(words) <= 3) or (len(words) == 1 and bool(_HANDLE.search(words[0])))


_HANDLE = re.compile(r"[\d_.]")


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
    if names:
        return names
    parent = e.getparent()
    if parent is not None and BY_PREFIX_ALONE.match(e.text_content() or ""):
        return names_in_nodes(_nodes(parent, [], after=e))
    return []


# first two letters of the words a "By ..." line starts with (a quick test before the regex)
_BY_STARTS = frozenset({"by", "wr", "po", "pu", "au", "re", "co", "cr", "su", "st", "wo", "te", "ar", "or", "up",
                        "to", "vi", "vo", "pa"})
_AUTHOR_HINTS = ("auth", "byl", "writ", "post", "contrib", "journal", "report", "column", "user", "screen", "display")
_AUTHOR_HINT = re.compile("|".join(_AUTHOR_HINTS))  # any of them in a string, in one search


def find_byline(tree: HtmlElement, near: int = 250, far: int = 1000, zone: Zone | None = None,
                max_candidates: int = 30, explain: list | None = None) -> str | None:  # type: ignore[type-arg]
    """The author named by the page's byline, "; "-joined, or None.

    Byline elements, strongest first: itemprop=author, data-author and rel=author; links to an
    author or member page (/author/NAME, member.php?u=1 ...); elements whose class or id says
    author, byline, writer or username; a short "By ..." text. With an <h1> on the page only
    those around it count (a byline sits by its headline; the rest are teasers, cards and
    lists): 60 elements above it, `near` below it, `far` for the first two kinds. Those inside
    page chrome are skipped (by the headline or in its <article>, an <aside> or a "sidebar"
    class is the post's own: Zone.by_headline); of the rest the first below the <h1> is read,
    else the nearest above it.
    """
    zone = zone or Zone(tree, 60, max(near, far))
    cands: list[tuple[int, int, HtmlElement]] = []
    for off, e in zone.items:
        tag = e.tag
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
                    and _by_line(t):
                tier = 4
        if tier and off <= (far if tier <= 2 else near):
            cands.append((off, tier, e))
    cands = [c for c in cands if c[0] > 0] + [c for c in cands if c[0] <= 0][::-1]
    for off, tier, e in cands[:max_candidates]:
        if in_chrome(e, zone.main, by_headline=zone.by_headline(off, e)):
            continue
        names = _name_in(e)
        if explain is not None:
            explain.append((tier, off, e.tag, (e.get("class") or "")[:40], names))
        if names:
            return "; ".join(names)
    return None


_BY_TAGS = frozenset({"p", "span", "div", "li", "address", "small", "em", "strong", "h2", "h3", "h4", "h5", "h6",
                      "b", "i", "td", "dd", "section", "header", "a"})

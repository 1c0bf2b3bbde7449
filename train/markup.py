"""Pages rewritten in other markup: the same text and layout, other tags and names.

The dev sets are pages of 2019 (ScrapingHub) and 2025-26 (WCXB), written in HTML5 with class
names that say what a block is. Archives and many live sites are not: `noattr` is a site whose
markup names nothing (CSS-in-JS hashes), `table` the layout of the 2000s, `undeclared` a page
without JSON-LD, microdata or Open Graph tags, which came later, `old` both, `named_old` that
with its class and id kept, and `named_old_sections` that with each HTML5 section's <div> named as
sites of the 2000s named it (<div class="footer">), `soup` the unclosed tags of hand-written pages. The
bare model trains on such copies (train/boilerplate.py --bare-model) and bench/old_markup.py
scores every rewrite.
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Callable, Iterable

import lxml.html

_SECTIONING = {"article", "main", "section", "header", "footer", "nav", "aside", "figure", "figcaption"}


def no_attributes(html: str) -> str:
    """The page with every class and id attribute taken out: its markup names nothing."""
    tree = lxml.html.fromstring(html)
    for el in tree.iter():
        if isinstance(el.tag, str):
            el.attrib.pop("class", None)
            el.attrib.pop("id", None)
    return lxml.html.tostring(tree, encoding="unicode")


def br_paragraphs(html: str) -> str:
    """Every <p> turned into its text followed by <br><br>."""
    tree = lxml.html.fromstring(html)
    for p in list(tree.iter("p")):
        p.tag = "span"
        br1, br2 = lxml.html.Element("br"), lxml.html.Element("br")
        br2.tail, p.tail = p.tail, None
        parent = p.getparent()
        at = parent.index(p)
        parent.insert(at + 1, br1)
        parent.insert(at + 2, br2)
    return lxml.html.tostring(tree, encoding="unicode")


def html4(html: str) -> str:
    """The sectioning tags turned into <div>, <time> into <span>."""
    tree = lxml.html.fromstring(html)
    for el in tree.iter():
        if isinstance(el.tag, str) and (el.tag in _SECTIONING or el.tag == "time"):
            el.tag = "span" if el.tag == "time" else "div"
    return lxml.html.tostring(tree, encoding="unicode")


def table_layout(html: str) -> str:
    """html4 and br_paragraphs together, without class and id, the body laid out in a table's cell."""
    return in_table(no_attributes(br_paragraphs(html4(html))))


def named_old_page(html: str) -> str:
    """html4 and br_paragraphs, the body in a table's cell, declaring nothing, but its class and id
    kept: a site of the 2000s whose markup names its parts ("storytext", "byline")."""
    return in_table(no_declarations(br_paragraphs(html4(html))))


# the names sites of the 2000s gave the parts HTML5 later made tags of (<div id="footer">)
_OLD_NAMES = {"nav": "nav", "footer": "footer", "aside": "sidebar", "header": "header", "main": "content",
              "article": "article", "figcaption": "caption"}


def named_sections(html: str) -> str:
    """html4, but each sectioning tag's <div> named as the 2000s named it: its role as a class
    word (<footer> as <div class="footer">), beside the classes it had."""
    tree = lxml.html.fromstring(html)
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in _OLD_NAMES:
            el.set("class", f"{el.get('class', '')} {_OLD_NAMES[el.tag]}".strip())
    return html4(lxml.html.tostring(tree, encoding="unicode"))


def named_old_sections(html: str) -> str:
    """named_old_page with its sections named as the 2000s named them (named_sections)."""
    return named_old_page(named_sections(html))


def in_table(html: str) -> str:
    """The body's content moved into the one cell of a table."""
    tree = lxml.html.fromstring(html)
    body = tree.find("body")
    if body is not None:
        table = lxml.html.fromstring("<table><tr><td></td></tr></table>")
        cell = table.find(".//td")
        cell.text, body.text = body.text, None
        for child in list(body):
            cell.append(child)
        body.append(table)
    return lxml.html.tostring(tree, encoding="unicode")


def no_declarations(html: str) -> str:
    """The page without what it declares about itself: JSON-LD, microdata (itemscope, itemtype,
    itemprop) and Open Graph, article: and Twitter meta tags, none of which a page of the 2000s
    has; the <title> and the name= meta tags stay."""
    tree = lxml.html.fromstring(html)
    for el in tree.xpath('//script[@type="application/ld+json"]|//meta[starts-with(@property, "og:") or '
                         'starts-with(@property, "article:") or starts-with(@name, "twitter:")]'):
        el.drop_tree()
    for el in tree.xpath("//*[@itemscope or @itemtype or @itemprop]"):
        for name in ("itemscope", "itemtype", "itemprop"):
            el.attrib.pop(name, None)
    return lxml.html.tostring(tree, encoding="unicode")


_OPENS_FONT = re.compile(r"(<(?:p|td|th|li|h[1-6])(?:\s[^>]*)?>)", re.I)
_OPTIONAL_END = re.compile(r"</(?:p|li|td|th|tr|dt|dd|option|thead|tbody|tfoot|colgroup)\s*>", re.I)


def tag_soup(html: str) -> str:
    """The page as hand-written and CMS pages of the 2000s left their tags: a <font> opened in
    every paragraph, cell, list item and heading and never closed, and without the end tags
    HTML makes optional (</p>, </li>, </td>, </tr> ...). libxml2 then nests each <font> in the
    last, hundreds of levels deep (parse.py). Text is rewritten as it comes, not parsed."""
    return _OPTIONAL_END.sub("", _OPENS_FONT.sub(lambda m: m.group(1) + '<font face="Arial" size="2">', html)
                             .replace("</font>", ""))


def old_page(html: str) -> str:
    """table_layout without the page's declarations (no_declarations): a page of the 2000s."""
    return table_layout(no_declarations(html))


def longer_article(html: str, is_article: Callable[[str], bool], extra: list[str]) -> str | None:
    """The page in a table layout without class and id (its <p>s kept), its article made longer:
    `extra` paragraphs after the first third of the article's <p>s (is_article) in the element
    that holds most of them, so the article still ends as it did, next to what follows it on the
    page. The dev articles are short beside their pages' chrome, so a model reading where a block
    stands learns that prose far down a page is not the article; in the furniture-light pages of
    the 2000s a long article's second half stands there. None when no element holds three such <p>s."""
    tree = lxml.html.fromstring(html)
    held: Counter = Counter(p.getparent() for p in tree.iter("p")
                            if p.getparent() is not None and is_article(p.text_content()))
    parent, count = held.most_common(1)[0] if held else (None, 0)
    if count < 3:
        return None
    own = [p for p in parent.iterchildren("p") if is_article(p.text_content())]
    anchor = own[len(own) // 3]
    for text in reversed(extra):
        p = lxml.html.Element("p")
        p.text = text
        anchor.addnext(p)
    return in_table(no_attributes(html4(lxml.html.tostring(tree, encoding="unicode"))))


REWRITES: dict[str, Callable[[str], str]] = {"as_is": lambda html: html, "br": br_paragraphs, "html4": html4,
                                              "noattr": no_attributes, "table": table_layout,
                                              "undeclared": no_declarations, "old": old_page,
                                              "named_old": named_old_page, "named_old_sections": named_old_sections,
                                              "soup": tag_soup}


def rewrite_names(arg: str, among: Iterable[str] = REWRITES) -> list[str]:
    """The rewrites a comma-separated command-line option names, each one of `among` (an
    argparse type: an unknown name is a usage error)."""
    names = [n for n in arg.split(",") if n]
    unknown = [n for n in names if n not in among]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown rewrite {', '.join(unknown)}: one of {', '.join(among)}")
    return names

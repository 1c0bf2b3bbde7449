"""Paragraphs a page writes as text between <br><br> pairs, made <p> elements for trafilatura.

Sites of the 2000s, and some CMSs still, write an article as runs of text in a <div>, a table
cell or a <font>, each ended by two <br>. trafilatura's fast pass, whose decisions the boilerplate
model reads, scores paragraphs, and it keeps much less of such a page than of the same page
written with <p> (bench/README, the br rewrite). The block walk (blocks.page_blocks) already cuts
a block at every <br>, so only trafilatura's input is rewritten, after the blocks are read.
One <br> alone breaks a line (an address, a poem, a footer) and is left as it is.
"""
from __future__ import annotations

import lxml.html
from lxml.html import HtmlElement

# the containers whose <br>-written paragraphs become <p>: those where a <p> may stand
_CONTAINERS = frozenset({"div", "td", "th", "center", "body", "section", "article", "main", "blockquote", "font"})
# children that end a paragraph where they stand and stay as they are
_BLOCKS = frozenset({"div", "p", "table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                     "blockquote", "section", "article", "header", "footer", "nav", "aside", "form", "hr",
                     "center", "main", "figure", "address", "details", "fieldset"})


def _in_pair(br: HtmlElement) -> bool:
    """Whether a <br> is one of two in a row, with only whitespace between."""
    if not (br.tail or "").strip():
        after = br.getnext()
        if after is not None and after.tag == "br":
            return True
    before = br.getprevious()
    return before is not None and before.tag == "br" and not (before.tail or "").strip()


def paragraphs_from_breaks(tree: HtmlElement) -> int:
    """Rewrite, in place, every container's text between <br> pairs as <p> elements; returns how
    many containers changed. A container inside a <p> is left (a <p> cannot hold one)."""
    pairs = [br for br in tree.iter("br") if _in_pair(br)]
    parents: dict[HtmlElement, None] = {}
    for br in pairs:
        parent = br.getparent()
        if parent is not None and parent.tag in _CONTAINERS:
            parents[parent] = None
    paired = set(pairs)
    changed = 0
    for el in parents:
        if any(a.tag == "p" for a in el.iterancestors()):
            continue
        _split(el, paired)
        changed += 1
    return changed


def _split(el: HtmlElement, paired: set[HtmlElement]) -> None:
    """el's children regrouped: inline content between <br> pairs and block children into <p>s."""
    out: list[HtmlElement] = []
    para = lxml.html.Element("p")
    para.text = el.text

    def close() -> HtmlElement:
        if (para.text or "").strip() or len(para):
            out.append(para)
        return lxml.html.Element("p")

    for child in list(el):
        tail = child.tail
        if child in paired:
            para = close()
            para.text = tail
        elif isinstance(child.tag, str) and child.tag in _BLOCKS:
            para = close()
            child.tail = None
            out.append(child)
            para.text = tail
        else:
            para.append(child)  # moves it, with its tail
    close()
    el.text = None
    el[:] = out

#!/usr/bin/env python3
"""The text path on pages rendered to text in ways other than bench/flatten.py's.

    .venv/bin/python bench/rendered_text.py [--step N]

Users bring text that other tools rendered: terminal-browser dumps wrapped at a fixed width,
markdown from crawlers. Every --step-th page of WCXB dev and ScrapingHub is rendered eight ways
and cleaned by the text path (Cleaner on flat text, default config); printed per page group
(train/boilerplate.py's GROUPS) pooled and for fold 4 alone: word F1 / must / leak / empty.

  flatten         bench/flatten.py: a line per visible block (the text path's usual input)
  wrap72, wrap80  the same, each line wrapped at 72 / 80 columns, a blank line between blocks
  wrap72_noblank  wrapped at 72, no blank line between blocks
  markdown        headings '# ', list items '* ', links '[text](url)', images '![alt](src)' and
                  '**bold**' written into the page before flatten.py renders it
  lynx            links as '[n]text', wrapped at 76, the links' addresses listed at the end
  text_nodes      every text node of the <body> a line of its own, stripped (BeautifulSoup's
                  get_text("\n", strip=True)): a sentence is cut at each link and bold word in it
  source_text     the <body>'s text nodes joined as they are (BeautifulSoup's get_text()): the
                  lines are the HTML source's own, a minified page one long line

Nothing here was tuned on: it is a check of how the text path holds up.
"""
from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
sys.path.insert(0, str(ROOT / "bench"))

import boilerplate as B  # noqa: E402
from flatten import flatten_html  # noqa: E402

from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.model import RawRecord, SourceMeta  # noqa: E402


def wrapped(flat: str, width: int, between: str) -> str:
    return between.join(textwrap.fill(line, width) for line in flat.splitlines() if line.strip())


def markdown(html: str) -> str:
    """flatten.py's rendering with markdown's marks, as html2text-like crawlers write them."""
    tree = lxml.html.fromstring(html)
    for el in tree.iter("h1", "h2", "h3", "h4"):
        el.text = "#" * int(el.tag[1]) + " " + (el.text or "")
    for el in tree.iter("li"):
        el.text = "* " + (el.text or "")
    for el in tree.iter("strong", "b"):
        if (el.text or "").strip() and not len(el):
            el.text = f"**{el.text}**"
    for el in tree.iter("img"):
        if el.get("src"):
            el.tail = f"![{el.get('alt') or ''}]({el.get('src')})" + (el.tail or "")
    for el in tree.iter("a"):
        if el.get("href") and (el.text or "").strip() and not len(el):
            el.text = f"[{el.text}]({el.get('href')})"
    return flatten_html(lxml.html.tostring(tree, encoding="unicode"))


def lynx(html: str) -> str:
    """A terminal browser's dump: each link's text after a [n] mark, the text wrapped at 76, and a
    numbered list of the links' addresses at the end, as `lynx -dump` writes them."""
    tree = lxml.html.fromstring(html)
    refs = []
    for el in tree.iter("a"):
        if el.get("href") and (el.text or "").strip():
            refs.append(el.get("href"))
            el.text = f"[{len(refs)}]{el.text}"
    text = wrapped(flatten_html(lxml.html.tostring(tree, encoding="unicode")), 76, "\n\n")
    return text + "\n\nReferences\n\n" + "\n".join(f"{i:4d}. {u}" for i, u in enumerate(refs, 1))


_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "select", "option"})


def _text_nodes(html: str) -> list[str]:
    """The <body>'s text nodes in document order, as BeautifulSoup walks them (not inside
    scripts, styles and the like)."""
    tree = lxml.html.fromstring(html)
    body = tree.find("body")
    out: list[str] = []

    def walk(el) -> None:
        if not isinstance(el.tag, str) or el.tag in _NOT_TEXT:
            return
        if el.text:
            out.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                out.append(child.tail)

    walk(body if body is not None else tree)
    return out


def text_nodes(html: str) -> str:
    return "\n".join(t.strip() for t in _text_nodes(html) if t.strip())


def source_text(html: str) -> str:
    return "".join(_text_nodes(html))


RENDERINGS: dict[str, Callable[[str, str], str]] = {
    "flatten": lambda html, flat: flat,
    "wrap72": lambda html, flat: wrapped(flat, 72, "\n\n"),
    "wrap80": lambda html, flat: wrapped(flat, 80, "\n\n"),
    "wrap72_noblank": lambda html, flat: wrapped(flat, 72, "\n"),
    "markdown": lambda html, flat: markdown(html),
    "lynx": lambda html, flat: lynx(html),
    "text_nodes": lambda html, flat: text_nodes(html),
    "source_text": lambda html, flat: source_text(html),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--step", type=int, default=1, help="every STEP-th page")
    a = ap.parse_args(argv)
    pages = B.load_pages()[::a.step]
    cleaner, sc = Cleaner(load_config(None)), B._scorer()

    def clean(text: str) -> str:
        res = cleaner.process(RawRecord(source_uri="x", source_record=None, source_format="text", text=text,
                                        meta=SourceMeta()))
        return res.doc.text if res.doc is not None else ""

    rows: dict[str, dict[str, B.PageScore]] = {name: {} for name in RENDERINGS}
    for p in pages:
        html = B.read_html(p.html)
        flat = flatten_html(html)
        for name, render in RENDERINGS.items():
            rows[name][p.key] = B.page_score(p, clean(render(html, flat)), sc)
    for group, sel in B.GROUPS.items():
        print(f"\n{group}: word F1 / must / leak / empty, all folds | fold 4")
        for name in RENDERINGS:
            cells = [B.aggregate(rows[name][p.key] for p in pages if sel(p) and (fold is None or p.fold == fold))
                     for fold in (None, 4)]
            print(f"  {name:16}" + " | ".join("{F1:.4f} / {must:.3f} / {leak:.4f} / {empty}".format(**c) for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())

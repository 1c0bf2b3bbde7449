#!/usr/bin/env python3
"""The HTML path on pages rewritten in older markup, against trafilatura alone on the same pages.

    .venv/bin/python bench/old_markup.py [--step 3]

Archives hold pages from before HTML5 that the dev sets (2019 news, 2025-26 pages) do not:

  as_is      the page as it is
  br         every <p> turned into its text followed by <br><br>
  html4      the sectioning tags (article, main, section, header, footer, nav, aside, figure,
             figcaption) turned into <div>, <time> into <span>
  noattr     every class and id attribute taken out (a site whose markup names nothing)
  table      html4 and br together, without class and id, the body laid out in a table's cell
             (the layout of many pages of the 2000s)

Every --step-th ScrapingHub page and WCXB dev article of folds 0-3 goes through the whole HTML
path (Cleaner, default config) and trafilatura.extract(); word F1 / must / leak / empty per set
(train/boilerplate.py's scores). The shipped model was trained on these pages, so the figures
that matter are each rewrite's change against `as_is`, not the level.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import lxml.html
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))

import boilerplate as B  # noqa: E402

from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.model import RawRecord, SourceMeta  # noqa: E402

_SECTIONING = {"article", "main", "section", "header", "footer", "nav", "aside", "figure", "figcaption"}


def br_paragraphs(html: str) -> str:
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
    tree = lxml.html.fromstring(html)
    for el in tree.iter():
        if isinstance(el.tag, str) and (el.tag in _SECTIONING or el.tag == "time"):
            el.tag = "span" if el.tag == "time" else "div"
    return lxml.html.tostring(tree, encoding="unicode")


def table_layout(html: str) -> str:
    tree = lxml.html.fromstring(B.no_attributes(br_paragraphs(html4(html))))
    body = tree.find("body")
    if body is not None:
        table = lxml.html.fromstring("<table><tr><td></td></tr></table>")
        cell = table.find(".//td")
        cell.text, body.text = body.text, None
        for child in list(body):
            cell.append(child)
        body.append(table)
    return lxml.html.tostring(tree, encoding="unicode")


REWRITES: dict[str, Callable[[str], str]] = {"as_is": lambda html: html, "br": br_paragraphs, "html4": html4,
                                              "noattr": B.no_attributes, "table": table_layout}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--step", type=int, default=3, help="every STEP-th page")
    a = ap.parse_args(argv)
    pages = [p for p in B.load_pages()
             if p.dataset == "scrapinghub" or (p.page_type == "article" and p.fold != 4)][::a.step]
    cleaner, sc = Cleaner(load_config(None)), B._scorer()

    def ours(html: str, url: str | None) -> str:
        res = cleaner.process(RawRecord(source_uri="x", source_record=None, source_format="html", html=html,
                                        meta=SourceMeta(url=url)))
        return res.doc.text if res.doc is not None else ""

    def theirs(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url) or ""

    rows: dict[tuple[str, str, str], list[B.PageScore]] = {}
    for p in pages:
        html, url = B.read_html(p.html), p.meta.get("url")
        for name, rewrite in REWRITES.items():
            page = rewrite(html)
            for system, run in (("cleancorpus", ours), ("trafilatura", theirs)):
                rows.setdefault((p.dataset, system, name), []).append(B.page_score(p, run(page, url), sc))
    for (dataset, system, name), scores in sorted(rows.items()):
        s = B.aggregate(scores)
        print(f"{dataset:12} {system:12} {name:6} {s['pages']:4d} pages  word F1 {s['F1']:.4f}  must {s['must']:.3f}  "
              f"leak {s['leak']:.4f}  empty {s['empty']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

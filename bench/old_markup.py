#!/usr/bin/env python3
"""The HTML path on pages rewritten in older markup, against trafilatura alone on the same pages.

    .venv/bin/python bench/old_markup.py [--step 3] [--rewrites as_is,soup]

Archives hold pages from before HTML5 that the dev sets (2019 news, 2025-26 pages) do not:

  as_is      the page as it is
  br         every <p> turned into its text followed by <br><br>
  html4      the sectioning tags (article, main, section, header, footer, nav, aside, figure,
             figcaption) turned into <div>, <time> into <span>
  noattr     every class and id attribute taken out (a site whose markup names nothing)
  table      html4 and br together, without class and id, the body laid out in a table's cell
             (the layout of many pages of the 2000s)
  undeclared without JSON-LD, microdata and Open Graph / Twitter meta tags
  old        table, and without JSON-LD, microdata and Open Graph / Twitter meta tags (the page
             declares nothing about itself, as pages before about 2010 did not)
  named_old  html4 and br, the body in a table's cell, declaring nothing, class and id kept
  named_old_sections  named_old, each sectioning tag's <div> named as the 2000s named it
             (<div class="footer">)
  soup       a <font> opened in every paragraph, cell, list item and heading and never closed,
             and no optional end tags (</p>, </li>, </td> ...): nested hundreds of levels deep

Every --step-th ScrapingHub page and WCXB dev article of folds 0-3 goes through the whole HTML
path (Cleaner, default config) and trafilatura.extract() (with its own parser; cleancorpus parses
with its own for its own calls: parse.py); word F1 / must / leak / empty per set
(train/boilerplate.py's scores). The shipped model was trained on these pages, so the figures
that matter are each rewrite's change against `as_is`, not the level.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))

import boilerplate as B  # noqa: E402
from markup import REWRITES, rewrite_names  # noqa: E402

from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.model import RawRecord, SourceMeta  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--step", type=int, default=3, help="every STEP-th page")
    ap.add_argument("--rewrites", type=rewrite_names, default=list(REWRITES),
                    help="comma-separated rewrites to score (default: all)")
    a = ap.parse_args(argv)
    pages = [p for p in B.load_pages()
             if p.dataset == "scrapinghub" or (p.page_type == "article" and p.fold != 4)][::a.step]
    cleaner, sc = Cleaner(load_config(None)), B._scorer()

    def ours(html: str, url: str | None) -> str:
        res = cleaner.process(RawRecord(source_uri="x", source_record=None, source_format="html", html=html,
                                        meta=SourceMeta(url=url)))
        return res.doc.text if res.doc is not None else ""

    # trafilatura as its users run it, with its own parser (cleancorpus parses with libxml2's
    # nesting limit lifted, parse.py, for its own calls only), which only the `soup` rewrite feels
    def theirs(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url) or ""

    rows: dict[tuple[str, str, str], list[B.PageScore]] = {}
    for p in pages:
        html, url = B.read_html(p.html), p.meta.get("url")
        for name in a.rewrites:
            page = REWRITES[name](html)
            for system, run in (("cleancorpus", ours), ("trafilatura", theirs)):
                rows.setdefault((p.dataset, system, name), []).append(B.page_score(p, run(page, url), sc))
    for (dataset, system, name), scores in sorted(rows.items()):
        s = B.aggregate(scores)
        print(f"{dataset:12} {system:12} {name:6} {s['pages']:4d} pages  word F1 {s['F1']:.4f}  must {s['must']:.3f}  "
              f"leak {s['leak']:.4f}  empty {s['empty']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

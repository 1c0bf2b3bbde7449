#!/usr/bin/env python3
"""CPU time of the HTML extraction step against trafilatura `extract()`, in one process.

    .venv/bin/python bench/extract_ratio.py [--step 3]

Every --step-th WCXB dev page and every ScrapingHub page, in batches of 20 that alternate which
side goes first, so the machine's drift and other jobs fall on both sides alike. `extract()` runs
with trafilatura's own parser settings (lxml.html's element class lookup), extract_html with the
pipeline's; both get the decoded page. Prints ms of CPU per page and the ratio
extract() / extract_html (1.0: as fast as trafilatura alone).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import trafilatura
import trafilatura.utils
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlElementClassLookup, HtmlEntity, HtmlProcessingInstruction

from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.boilerplate_model import load_model
from cleancorpus.pipeline.extraction.html import extract_html
from cleancorpus.pipeline.extraction.page_type import page_type_model

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_PAGES_DIR, WCXB_PAGES_DIR, load_pages  # noqa: E402


def pages(step: int) -> list[str]:
    chosen = load_pages(WCXB_PAGES_DIR)[::step] + load_pages(DEFAULT_PAGES_DIR)
    return [data.decode("utf-8", "replace") for _, data, _, _ in chosen]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--step", type=int, default=3, help="every STEP-th WCXB dev page")
    a = ap.parse_args()
    docs = pages(a.step)
    cfg = load_config(None).extract
    load_model(cfg.boilerplate_model)
    page_type_model()
    parser = trafilatura.utils.HTML_PARSER
    theirs = HtmlElementClassLookup()
    ours = etree.ElementDefaultClassLookup(element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction,
                                           entity=HtmlEntity)  # what importing pipeline.extraction.html sets

    def ceiling(batch: list[str]) -> None:
        parser.set_element_class_lookup(theirs)
        for p in batch:
            trafilatura.extract(p)

    def pipeline(batch: list[str]) -> None:
        parser.set_element_class_lookup(ours)
        for p in batch:
            extract_html(p, None, cfg)

    cpu = {"extract()": 0.0, "extract_html": 0.0}
    sides = [("extract()", ceiling), ("extract_html", pipeline)]
    for k, i in enumerate(range(0, len(docs), 20)):
        for name, fn in sides if k % 2 == 0 else sides[::-1]:
            t = time.process_time()
            fn(docs[i:i + 20])
            cpu[name] += time.process_time() - t
    n = len(docs)
    print(f"{n} pages: extract() {cpu['extract()'] / n * 1000:.2f} ms, extract_html {cpu['extract_html'] / n * 1000:.2f} "
          f"ms of CPU a page; ratio {cpu['extract()'] / cpu['extract_html']:.3f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A digest of every field extract_html returns, for speed-ups that must not change an output.

    .venv/bin/python bench/extract_digest.py [--step 2] [--per-page FILE] [--no-url]

Runs `extract_html` with the default config over every --step-th WCXB dev page and every
ScrapingHub page (the pages bench/extract_ratio.py times, with their benchmark URLs unless
--no-url), then over the same documents through `Cleaner.process` (extraction, cleaning,
normalization, language), and prints one sha256 over each: text, removed lines and their rule,
title, author, date, url, site name, page type and method; the cleaned text, removed lines,
language and reject of the cleaner. --per-page writes one line per page (id and the hash of each
of its fields), so two runs' files can be diffed to find the page that changed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.html import extract_html
from cleancorpus.pipeline.model import RawRecord, SourceMeta

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_PAGES_DIR, WCXB_PAGES_DIR, load_pages  # noqa: E402

_FIELDS = ("text", "removed", "title", "author", "published_at", "url", "sitename", "page_type", "method")


def _h(value: object) -> str:
    return hashlib.sha256(json.dumps(value, default=str, sort_keys=True).encode()).hexdigest()[:12]


def extracted_fields(html: str, url: str | None) -> dict[str, object]:
    cfg = load_config(None).extract
    ex = extract_html(html, url, cfg)
    if ex is None:
        return dict.fromkeys(_FIELDS)
    return {k: getattr(ex, k) for k in _FIELDS}


def cleaned_fields(cleaner: Cleaner, page_id: str, html: str, url: str | None) -> dict[str, object]:
    rec = RawRecord(source_uri=f"bench/{page_id}.html", source_record=None, source_format="html", html=html,
                    meta=SourceMeta(url=url))
    res = cleaner.process(rec)
    return {"cleaned": repr(res)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--step", type=int, default=2, help="every STEP-th WCXB dev page")
    ap.add_argument("--per-page", type=Path, help="write each page's field hashes here")
    ap.add_argument("--no-url", action="store_true", help="give extract_html no URL (as extract_ratio does)")
    a = ap.parse_args()
    chosen = load_pages(WCXB_PAGES_DIR)[::a.step] + load_pages(DEFAULT_PAGES_DIR)
    cleaner = Cleaner(load_config(None))
    whole = hashlib.sha256()
    per_field = {k: hashlib.sha256() for k in (*_FIELDS, "cleaned")}
    lines = []
    for page_id, data, url, _ in chosen:
        html = data.decode("utf-8", "replace")
        url = None if a.no_url else url
        f = extracted_fields(html, url) | cleaned_fields(cleaner, page_id, html, url)
        hashes = {k: _h(v) for k, v in f.items()}
        for k, v in hashes.items():
            per_field[k].update(v.encode())
        whole.update(json.dumps(hashes, sort_keys=True).encode())
        lines.append(page_id + " " + " ".join(f"{k}={v}" for k, v in hashes.items()))
    if a.per_page:
        a.per_page.write_text("\n".join(lines) + "\n")
    print(f"{len(chosen)} pages: all {whole.hexdigest()[:16]}")
    print("  " + " ".join(f"{k}={h.hexdigest()[:8]}" for k, h in per_field.items()))


if __name__ == "__main__":
    main()

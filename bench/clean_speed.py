#!/usr/bin/env python3
"""Per-document CPU cost of the plain-text path, stage by stage, on text it has never seen.

    .venv/bin/python bench/clean_speed.py [DATASET_DIR] [--passes 3]

The throughput bench repeats 181 pages to 100,000 documents, so the per-line caches of the
rule engine and the classifier answer most lines from memory there. A real corpus repeats
only its sites' chrome. This bench flattens each benchmark page once (bench/flatten.py),
empties every cache before each pass, and times one process, single-threaded:

  normalize   normalize_text + normalize_line (+ unwrapping)
  rules       RuleSet.apply (named rule packs)
  header      parse_header
  classify    the line classifier (language identification, features, smoothing, main block)
  language    detect_language (py3langid) on the cleaned text of documents the classifier
              did not identify
  dedup prep  fold + MinHash signatures + exact shingle sets (in batches, as the shard does)

and Cleaner.process end to end. Prints ms per document and documents per CPU-second.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from flatten import decode_html, flatten_html  # noqa: E402

from cleancorpus.pipeline.cleaning import line_classifier as classify  # noqa: E402
from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.cleaning.language import detect_language  # noqa: E402
from cleancorpus.pipeline.cleaning.normalize import normalize_line, normalize_text, unwrap_hard_wrapped  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.dedup.signatures import fold, sketch  # noqa: E402
from cleancorpus.pipeline.extraction.text_header import parse_header  # noqa: E402
from cleancorpus.pipeline.model import RawRecord  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "bench" / "extraction" / "scrapinghub"


def flat_pages(dataset: Path) -> list[str]:
    return [flatten_html(decode_html(p.read_bytes(), None)) for p in sorted((dataset / "html").glob("*.html"))]


def empty_caches(cleaner: Cleaner) -> None:
    cleaner.rules.__dict__.pop("_line_cache", None)
    cleaner.rules.__dict__.pop("_header_cache", None)
    classify._FEATURE_CACHE.clear()


def timed(fn, n: int) -> float:
    t = time.process_time()
    fn()
    return (time.process_time() - t) / n * 1e3


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    texts = flat_pages(args.dataset)
    cfg = load_config(None)
    cleaner = Cleaner(cfg)
    n = len(texts)
    detect_language("warm the model up")
    rows: dict[str, list[float]] = {}

    for _ in range(args.passes):
        empty_caches(cleaner)
        lines_of: list[list[str]] = []

        def normalize() -> None:
            for t in texts:
                lines = [normalize_line(s) for s in normalize_text(t).split("\n")]
                lines_of.append(unwrap_hard_wrapped(lines))

        marks_of: list[list[str | None]] = []

        def rules() -> None:
            for lines in lines_of:
                marks = [None] * len(lines)
                cleaner.rules.apply(lines, marks)
                marks_of.append(marks)

        def header() -> None:
            for lines, marks in zip(lines_of, marks_of):
                parse_header(lines, marks, cleaner.rules, cfg.extract.date_order, find_title=True)

        def classify_() -> None:
            for lines, marks in zip(lines_of, marks_of):
                cleaner._classify(lines, marks)

        cleaned = [t for t in texts]
        unidentified: list[str] = []

        def language() -> None:  # what the shard still identifies: the classifier did the rest
            for t in unidentified:
                detect_language(t)

        def dedup_prep() -> None:
            folded = [fold(t) for t in cleaned]
            sketch(folded, cfg.dedup.num_perm, cfg.dedup.shingle_size, cfg.dedup.seed)

        for name, fn in [("normalize", normalize), ("rules", rules), ("header", header), ("classify", classify_)]:
            rows.setdefault(name, []).append(timed(fn, n))
        results = []
        empty_caches(cleaner)

        def process() -> None:
            for i, t in enumerate(texts):
                results.append(cleaner.process(RawRecord(f"p{i}.txt", None, "text", text=t)))

        rows.setdefault("Cleaner.process", []).append(timed(process, n))
        cleaned[:] = [r.doc.text for r in results if r.doc is not None]
        unidentified[:] = [r.doc.text for r in results if r.doc is not None and r.doc.language is None]
        rows.setdefault("language", []).append(timed(language, n))
        rows.setdefault("dedup prep", []).append(timed(dedup_prep, n))

    print(f"{n} flat pages, {sum(map(len, texts)) / n / 1024:.1f} KB each, caches emptied each pass; "
          f"best of {args.passes} passes, CPU ms per document")
    for name, v in rows.items():
        print(f"  {name:16s} {min(v):7.2f} ms")
    total = min(rows["Cleaner.process"]) + min(rows["language"]) + min(rows["dedup prep"])
    print(f"  {'per document':16s} {total:7.2f} ms  = {1000 / total:.0f} documents per CPU-second "
          f"(Cleaner.process + language + dedup prep; reading and Parquet writing not included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

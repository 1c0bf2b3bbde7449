#!/usr/bin/env python3
"""CPU cost of language identification per call, numpy walk against py3langid's own.

    .venv/bin/python bench/language_speed.py [DATASET_DIR] [--passes 7]

Times `detect_language` on the first 600, 1,500 and 3,000 characters of each benchmark truth
text (texts at least that long), best of several passes, then the same samples through a plain
py3langid identifier on the same float32 table: what `detect_language` cost before its walk was
vectorized. Also prints the one-off cost of loading the model and of building the numpy tables.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: E402

from cleancorpus.pipeline.cleaning import language  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "bench" / "extraction" / "scrapinghub"


def per_call_us(fn: Callable[[str], object], samples: list[str], passes: int) -> float:
    best = float("inf")
    for _ in range(passes):
        t = time.process_time()
        for s in samples:
            fn(s)
        best = min(best, (time.process_time() - t) / len(samples) * 1e6)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--passes", type=int, default=7)
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((args.dataset / "truth").glob("*.txt"))]

    t = time.process_time()
    ident = language._identifier()
    load = time.process_time() - t
    t = time.process_time()
    ident._build_tables()
    print(f"identifier {load:.3f} s CPU once per process, of which numpy tables {time.process_time() - t:.4f} s")
    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    plain.nb_ptc = ident.nb_ptc

    for n in (600, 1500, 3000):
        samples = [t[:n] for t in texts if len(t) >= n]
        new = per_call_us(lambda s: language.detect_language(s, max_chars=n), samples, args.passes)
        old = per_call_us(plain.classify, samples, args.passes)
        print(f"{n:5} chars, {len(samples)} texts: {new:6.1f} us per call, py3langid's walk {old:6.1f} us")


if __name__ == "__main__":
    main()

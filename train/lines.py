"""Measure a line model for flat text on sites it was not trained on (an experiment, not shipped).

Every dev page is flattened to text as a scraper without an extractor would (bench/flatten.py),
cleaned by the text path with a trace, and each line becomes a block of
pipeline/extraction/blocks.py with no DOM (kind "other", no role flags); the text path's
verdict takes the place of trafilatura's. A line is content when most of its words are in the
page's true text. Cross-fitted over the five domain folds like train/boilerplate.py.

    .venv/bin/python train/lines.py [--cache /tmp/cc_lines.pkl]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
sys.path.insert(0, str(ROOT / "bench"))

import boilerplate as B  # noqa: E402
from flatten import flatten_html  # noqa: E402

from cleancorpus.pipeline.extraction.blocks import FEATURES, Block, block_features  # noqa: E402

_CLEANER = None


def prepare(page: B.Page) -> dict:
    from cleancorpus.pipeline.cleaning.cleaner import Cleaner
    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.model import RawRecord, SourceMeta

    global _CLEANER
    if _CLEANER is None:
        _CLEANER = Cleaner(load_config(), trace=True)
    truth = page.truth.read_text(encoding="utf-8", errors="replace")
    toks = B._W.findall(truth.lower())
    grams = {tuple(toks[i:i + 3]) for i in range(len(toks) - 2)}
    truth_str = f" {' '.join(toks)} "
    flat = flatten_html(B.read_html(page.html))
    res = _CLEANER.process(RawRecord(source_uri=page.key, source_record=None, source_format="text", text=flat,
                                     meta=SourceMeta()))
    trace = [t for t in res.trace if t.text]
    blocks = [Block(t.text, 9, 0, 0, 0, 0, ()) for t in trace]
    kept = "\n".join(t.text for t in trace if t.kept)
    rows = block_features(blocks, kept)
    ruled = [bool(not t.kept and t.rule and not t.rule.startswith("classifier.")) for t in trace]
    return {"key": page.key, "texts": [b.text for b in blocks],
            "X": np.asarray(rows, dtype=np.float32).reshape(-1, len(FEATURES)),
            "y": np.asarray([B.label(b.text, grams, truth_str) for b in blocks], dtype=np.int8),
            "ruled": np.asarray(ruled, dtype=bool), "path": res.doc.text if res.doc is not None else ""}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/cc_lines.pkl"))
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args(argv)
    pages = B.load_pages()
    data = B.build(pages, a.cache, a.jobs, prepare)
    sc = B._scorer()
    probs, _ = B.cross_fit(data, pages)
    ths = {f: B.choose_thresholds([p for p in pages if p.fold != f], data, probs, sc) for f in range(5)}
    print("thresholds per fold:", ths, file=sys.stderr)

    def model_text(k: str, th: tuple[float, float]) -> str:
        d = data[k]
        in_path = d["X"][:, FEATURES.index("in_traf")] if len(d["X"]) else []
        return "\n".join(t for t, q, i, r in zip(d["texts"], probs[k], in_path, d["ruled"])
                         if not r and q >= (th[0] if i else th[1]))

    systems = {"text path today": {k: d["path"] for k, d in data.items()},
               "text path + line model": {p.key: model_text(p.key, ths[p.fold]) for p in pages}}
    B.report(pages, systems, sc)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""text.copy (pipeline/extraction/copies.py) on the flat text path, held out, as the cleaner applies it.

    .venv/bin/python bench/text_copy.py [--cache /tmp/cc_lines.pkl]

The cleaner drops a flat text's copied passages after the classifier and the line model, while
train/lines.py's cache records the text path before the line model (the model's input), so
train/lines.py would see text.copy before the model decides. This script takes that cache
(made by train/lines.py if missing), decides every page with its fold's line model under the
shipped policy, and scores the texts with and without text.copy applied to that output, and
the text path without the line model likewise.
"""
from __future__ import annotations

import argparse
import json
import sys
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))

import boilerplate as B  # noqa: E402
import lines as L  # noqa: E402

from cleancorpus.pipeline.cleaning.line_model import VERSION, Policy  # noqa: E402
from cleancorpus.pipeline.extraction.copies import second_copy_lines  # noqa: E402


def without_copies(text: str) -> str:
    lines = [s for s in text.split("\n") if s.strip()]
    gone = set(second_copy_lines(lines, list(range(len(lines)))))
    return "\n".join(s for i, s in enumerate(lines) if i not in gone)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/cc_lines.pkl"))
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    pages = B.load_pages()
    data = B.build(pages, a.cache, a.jobs, L.prepare)
    probs, _ = B.cross_fit(data, pages)
    spec = json.loads(files("cleancorpus.pipeline.models").joinpath(f"{VERSION}.json").read_text(encoding="utf-8"))
    policy = Policy(**spec["policy"])
    path = {p.key: data[p.key]["path"] for p in pages}
    model = {p.key: L.policy_text(data[p.key], probs[p.key], L.THRESHOLDS, policy) for p in pages}
    B.report(pages, {"no line model": path, "no line model + text.copy": {k: without_copies(v) for k, v in path.items()},
                     f"{VERSION}, shipped policy": model,
                     f"{VERSION} + text.copy": {k: without_copies(v) for k, v in model.items()}}, B._scorer())
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Already extracted text in: how much of a clean article does the text path keep?

    .venv/bin/python bench/extracted_text.py [--min-words 50] [--examples 25]

Users also feed text another extractor already cleaned. The dev sets' truth texts (WCXB dev,
ScrapingHub; those of at least --min-words words) are such texts: each goes through the text path
as given: the classifier alone, with the line model, with both and the text-kind gate (the default
config; the gate was trained on these very texts, so this row is in-sample: train/text_kind.py
gives the held-out figures) and with `[clean] classifier = false` (the rule packs alone, what the
gate leaves a text it calls an extraction to), and the share of its words
the cleaned text keeps is averaged per set (1.0: nothing removed; lower is text lost, since
the input holds no boilerplate by construction), for WCXB's articles, its other page types and
ScrapingHub apart. Prints the count of texts keeping under 90% of their words, the lines the line
model dropped and brought back (`model.<its version>`), and a sample of those it dropped.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
import boilerplate as B  # noqa: E402

from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.cleaning.line_model import VERSION as LINES  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.model import RawRecord  # noqa: E402

_W = re.compile(r"\w+")


GROUPS = ("WCXB articles", "WCXB other types", "ScrapingHub")


def _group(p: B.Page) -> str:
    if p.dataset == "scrapinghub":
        return GROUPS[2]
    return GROUPS[0] if p.page_type == "article" else GROUPS[1]


def _words(text: str) -> int:
    return sum(Counter(_W.findall(text.lower())).values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--min-words", type=int, default=50)
    ap.add_argument("--examples", type=int, default=25)
    a = ap.parse_args()
    no_gate = {"CLEANCORPUS_CLEAN__TEXT_KIND": '""'}
    cleaners = {"classifier alone": Cleaner(load_config(None, environ={**no_gate, "CLEANCORPUS_CLEAN__LINE_MODEL": '""'})),
                "with the line model": Cleaner(load_config(None, environ=no_gate), trace=True),
                "default (text-kind gate)": Cleaner(load_config(None)),
                "rule packs only": Cleaner(load_config(None, environ={"CLEANCORPUS_CLEAN__CLASSIFIER": "false"}))}
    shares: dict[str, list[tuple[str, float]]] = {name: [] for name in cleaners}
    dropped: list[tuple[str, str]] = []
    back: list[tuple[str, str]] = []
    for p in B.load_pages():
        truth = p.truth_text()
        if len(truth.split()) < a.min_words:
            continue
        for name, cleaner in cleaners.items():
            res = cleaner.process(RawRecord("mem://x.txt", None, "text", text=truth))
            shares[name].append((_group(p), _words(res.doc.text) / _words(truth) if res.doc else 0.0))
            dropped += [(p.key, t.text) for t in res.trace if not t.kept and t.rule == f"model.{LINES}"]
            back += [(p.key, t.text) for t in res.trace if t.kept and t.rule == f"model.{LINES}"]
    for ds in GROUPS:
        for name, rows in shares.items():
            v = [s for d, s in rows if d == ds]
            print(f"{ds:18} {name:20} {len(v)} texts: share of words kept {sum(v) / len(v):.4f}, "
                  f"texts keeping under 90% {sum(s < 0.9 for s in v)}")
    print(f"lines the line model dropped: {len(dropped)}, {sum(len(t.split()) for _, t in dropped)} words; "
          f"brought back: {len(back)}, {sum(len(t.split()) for _, t in back)} words")
    for key, text in random.Random(3).sample(dropped, min(a.examples, len(dropped))):
        print(f"  {key:20.20} {len(text.split()):3} words  {text[:100]}")


if __name__ == "__main__":
    main()

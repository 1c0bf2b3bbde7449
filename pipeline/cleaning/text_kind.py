"""Is a flat text a whole page's text, menus and footers and all, or text an extractor already made?

Users feed both. The line classifier and the line model are made for the first: they look for
the article among a page's menus and cut the rest. Given an article alone they still look for
one, and cut its lists, tables, short paragraphs and the prose beyond them (on trafilatura's own
output for the WCXB dev articles they cost more words of the article than of what trafilatura
left in: bench/extracted_text.py). For such a text the rule packs and the header parser are
the right cleaning, and the classifier's cuts are undone.

The text-kind model tells the two apart from the shape of the text and from what the rules and
the classifier made of it: a page's text opens and closes with runs of short menu lines, holds
lines many times over and gives the classifier much to cut; an extraction is paragraphs. It is a
small LightGBM model trained by train/text_kind.py on the dev pages rendered to text five ways
(raw pages) and on their truth texts and trafilatura's extractions (extracted text), shipped as
pipeline/models/text_kind-<n>.json and read once per process.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import numpy as np

from cleancorpus.pipeline.boosters import Booster
from cleancorpus.pipeline.cleaning.lineshape import CLAUSE_ENDS, CLOSERS
from cleancorpus.pipeline.config import CleanConfig
from cleancorpus.pipeline.extraction.boilerplate_model import model_spec

VERSION = "text_kind-3"  # text_kind-2's recipe trained on the features this code computes

FEATURES: tuple[str, ...] = (
    "log_lines", "log_chars", "log_mean_chars", "short_share", "mid_share", "long_char_share", "end_punct_share",
    "short_run_share", "log_short_run", "repeated_share", "rules_line_share", "classifier_char_share",
    "classifier_line_share", "head_short_share", "tail_short_share", "lower_start_share", "fell_back",
    "head_rules_share", "tail_rules_share", "head_cut_share", "tail_cut_share",
)
# line lengths in characters, not words: the same for a Japanese menu and an English one
_SHORT, _MID, _LONG = 25, 60, 150
_END = frozenset(CLAUSE_ENDS + CLOSERS)  # a line that ends as prose or a quote does


def _longest_run(flags: list[bool]) -> int:
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


def text_features(lines: list[str], by_rules: list[bool], by_classifier: list[bool], fell_back: bool) -> list[float]:
    """FEATURES of a text's non-empty lines, given which of them the rules removed and which the
    classifier (and the line model) removed after them."""
    n = len(lines)
    if not n:
        return [0.0] * len(FEATURES)
    chars = [len(s) for s in lines]
    total = sum(chars) or 1
    short = [c < _SHORT for c in chars]
    edge = max(1, n * 15 // 100)
    counts = Counter(lines)
    run = _longest_run(short)
    return [
        math.log1p(n), math.log1p(total), math.log1p(total / n),
        sum(short) / n, sum(c < _MID for c in chars) / n,
        sum(c for c in chars if c >= _LONG) / total,
        sum(s.rstrip()[-1:] in _END for s in lines) / n,
        run / n, math.log1p(run),
        sum(counts[s] > 1 for s in lines) / n,
        sum(by_rules) / n,
        sum(c for c, x in zip(chars, by_classifier) if x) / total,
        sum(by_classifier) / n,
        sum(short[:edge]) / edge, sum(short[-edge:]) / edge,
        sum(s[:1].islower() for s in lines) / n,
        float(fell_back),
        sum(by_rules[:edge]) / edge, sum(by_rules[-edge:]) / edge,
        sum(by_classifier[:edge]) / edge, sum(by_classifier[-edge:]) / edge,
    ]


class TextKindModel:
    """The shipped gate: is a text an extraction (the classifier's cuts undone) or a page's text."""

    def __init__(self, spec: dict) -> None:
        if tuple(spec["features"]) != FEATURES:
            raise ValueError(f"text-kind model {spec.get('version')} was trained on other features")
        self.version: str = spec["version"]
        self.threshold: float = spec["threshold"]
        self.method = f"text.extracted ({self.version})"  # what `explain` says of a text it calls an extraction
        self._booster = Booster(model_str=spec["booster"])

    def extracted(self, features: list[float]) -> bool:
        p = self._booster.predict(np.asarray([features], dtype=np.float64), num_threads=1)[0]
        return bool(p >= self.threshold)


def active_text_kind(clean: CleanConfig) -> TextKindModel | None:
    """The gate a [clean] config runs, or None: it judges the classifier's cuts, so it runs only
    with the classifier on."""
    return load_text_kind(clean.text_kind) if clean.text_kind and clean.classifier else None


@lru_cache(maxsize=4)
def load_text_kind(name: str) -> TextKindModel:
    """The model a config names, read once per process: the shipped one or a file made by
    train/text_kind.py --write."""
    return TextKindModel(model_spec(name, VERSION))

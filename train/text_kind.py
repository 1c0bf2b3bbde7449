#!/usr/bin/env python3
"""Train the text-kind model (pipeline/cleaning/text_kind.py) and measure it on sites it was not trained on.

Every dev page (WCXB dev, ScrapingHub) becomes flat texts of two kinds:
- a page's whole text, as scrapers without an extractor write it: bench/flatten.py's rendering,
  wrapped at 72 columns, in markdown, and as a terminal browser's dump (bench/rendered_text.py);
- text an extractor already made: trafilatura `extract()`'s output and the page's truth text, each
  as is and wrapped at 72 columns.
Each goes through the text path twice, with the classifier (and the line model; the gate off) and
with the rule packs alone, and the first run's text_kind features are kept. The model learns the
kind; a text it calls an extraction gets the rule packs' text.

The model is cross-fitted over the five domain folds of folds.json. Its threshold is chosen for
each fold on the other four (one level down, on their own cross-fitted scores), so every figure
printed is held out: the threshold with the most word F1 over all inputs (the mean of each set's
and kind's mean) among those that raise the must-not leak of the pages' own texts (WCXB, every
rendering) by at most LEAK_ROOM over the text path without the gate. --write trains on every text
and writes pipeline/models/<VERSION>.json with the threshold chosen the same way on all folds.

The line model was trained on these pages' flat renderings, so the text path without the gate is
in-sample there: the page texts' figures favour it, and the gate's gain on them is understated.

    .venv/bin/python train/text_kind.py [--cache /tmp/cc_text_kind.pkl] [--write]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
sys.path.insert(0, str(ROOT / "bench"))

import boilerplate as B  # noqa: E402
from flatten import flatten_html  # noqa: E402
from provenance import environment, inputs_check  # noqa: E402
from rendered_text import lynx, markdown, wrapped  # noqa: E402

from cleancorpus.pipeline.cleaning.text_kind import FEATURES, VERSION  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402

PAGE_KINDS = ("flatten", "wrap72", "markdown", "lynx")
EXTRACTED_KINDS = ("trafilatura", "trafilatura_wrap72", "truth", "truth_wrap72")
PARAMS = {
    "objective": "binary", "learning_rate": 0.05, "num_leaves": 8, "min_data_in_leaf": 40,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 1,
    "deterministic": True, "force_row_wise": True, "num_threads": 1, "verbose": -1,
}
ROUNDS = 200
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)
LEAK_ROOM = 0.005


def inputs(page: B.Page) -> dict[str, str]:
    import trafilatura

    html = B.read_html(page.html)
    truth = page.truth_text()
    flat = flatten_html(html)
    traf = trafilatura.extract(html, url=page.meta.get("url")) or ""
    return {"flatten": flat, "wrap72": wrapped(flat, 72, "\n\n"), "markdown": markdown(html), "lynx": lynx(html),
            "trafilatura": traf, "trafilatura_wrap72": wrapped(traf, 72, "\n\n"),
            "truth": truth, "truth_wrap72": wrapped(truth, 72, "\n")}


_CLEANERS: dict = {}


def _cleaners() -> dict:
    from cleancorpus.pipeline.cleaning.cleaner import Cleaner
    if not _CLEANERS:
        _CLEANERS["classifier"] = Cleaner(load_config(None, environ={"CLEANCORPUS_CLEAN__TEXT_KIND": '""'}), trace=True)
        _CLEANERS["rules"] = Cleaner(load_config(None, environ={"CLEANCORPUS_CLEAN__CLASSIFIER": "false"}))
    return _CLEANERS


def _clean(name: str, text: str):
    from cleancorpus.pipeline.model import RawRecord

    return _cleaners()[name].process(RawRecord("mem://x.txt", None, "text", text=text))


def kind_features(res) -> list[float]:
    """A flat text's text_kind features, as the text path with the classifier and the line model
    computed them (the "classifier" cleaning's result): what the model learns from."""
    return res.kind_features or [0.0] * len(FEATURES)


def _check_inputs(html: str, url: str) -> list[list[float]]:
    """provenance.inputs_check's inputs: the features of a page's flat rendering and of
    trafilatura's text of it (the text path's, so the rule packs and the line model count)."""
    import trafilatura

    return [kind_features(_clean("classifier", text))
            for text in (flatten_html(html), trafilatura.extract(html, url=url) or "") if text.strip()]


def prepare(page: B.Page) -> dict:
    """For each flat text of the page: its features, and its two cleanings' scores."""
    sc = B._scorer()
    out: dict[str, dict] = {}
    for kind, text in inputs(page).items():
        if not text.strip():
            continue
        row: dict = {}
        for name in _cleaners():
            res = _clean(name, text)
            row[name] = B.page_score(page, res.doc.text if res.doc else "", sc)
            if name == "classifier":
                row["x"] = kind_features(res)
        out[kind] = row
    return {"key": page.key, "texts": out}


class Table:
    """The prepared texts as arrays: features, the kind, the fold, the group and both scores."""

    def __init__(self, pages: list[B.Page], data: dict[str, dict]) -> None:
        self.rows = [(p, kind, t) for p in pages for kind, t in data[p.key]["texts"].items()]
        self.X = np.array([t["x"] for _, _, t in self.rows], dtype=np.float64)
        self.y = np.array([kind in EXTRACTED_KINDS for _, kind, _ in self.rows], dtype=np.int8)
        self.fold = np.array([p.fold for p, _, _ in self.rows])
        self.wcxb_pages = np.array([p.dataset == "wcxb-dev" and kind in PAGE_KINDS for p, kind, _ in self.rows])
        self.sets = {
            (ds, kind): np.array([p.dataset == ds and k == kind for p, k, _ in self.rows])
            for ds in ("wcxb-dev", "scrapinghub") for kind in PAGE_KINDS + EXTRACTED_KINDS
        }

    def scores(self, gated: np.ndarray, sel: np.ndarray) -> dict[str, float]:
        return B.aggregate(t["rules"] if g else t["classifier"]
                           for (_, _, t), g, s in zip(self.rows, gated, sel) if s)


def fit(table: Table, sel: np.ndarray) -> lgb.Booster:
    return lgb.train(PARAMS, lgb.Dataset(table.X[sel], table.y[sel], feature_name=list(FEATURES)),
                     num_boost_round=ROUNDS)


def cross_fit(table: Table, sel: np.ndarray) -> np.ndarray:
    """Scores of the selected texts, each from a model trained on the selected texts of the other folds."""
    p = np.zeros(len(table.y))
    for f in sorted(set(table.fold[sel])):
        held = sel & (table.fold == f)
        p[held] = fit(table, sel & (table.fold != f)).predict(table.X[held], num_threads=1)
    return p


def choose_threshold(table: Table, p: np.ndarray, sel: np.ndarray) -> float:
    """THRESHOLDS' best on the selected texts: the most mean F1 over sets and kinds, among the
    thresholds whose leak on the pages' own texts (WCXB) is within LEAK_ROOM of no gate."""
    page_texts = sel & table.wcxb_pages
    base_leak = table.scores(np.zeros(len(p), dtype=bool), page_texts)["leak"]

    def mean_f1(th: float) -> float:
        gated = p >= th
        return float(np.mean([table.scores(gated, sel & s)["F1"] for s in table.sets.values() if (sel & s).any()]))

    allowed = [th for th in THRESHOLDS if table.scores(p >= th, page_texts)["leak"] <= base_leak + LEAK_ROOM]
    return max(allowed or [1.0], key=mean_f1)


def report(table: Table, gates: dict[str, np.ndarray]) -> None:
    for ds in ("wcxb-dev", "scrapinghub"):
        for kind in PAGE_KINDS + EXTRACTED_KINDS:
            sel = table.sets[(ds, kind)]
            if not sel.any():
                continue
            cells = []
            for name, gated in gates.items():
                s = table.scores(gated, sel)
                cells.append(f"{name} {s['F1']:.3f} / {s['must']:.3f} / {s['leak']:.3f}")
            share = gates["gated"][sel].mean()
            print(f"  {ds:11} {kind:18} " + " | ".join(cells) + f" | called extracted {share:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/cc_text_kind.pkl"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="train on every text and write the shipped model")
    a = ap.parse_args(argv)
    pages = B.load_pages()
    data = B.build(pages, a.cache, a.jobs, prepare)
    table = Table(pages, data)
    t = time.time()
    everything = np.ones(len(table.y), dtype=bool)
    p = cross_fit(table, everything)
    gated = np.zeros(len(p), dtype=bool)
    for f in range(5):
        train = table.fold != f
        th = choose_threshold(table, cross_fit(table, train), train)
        gated[table.fold == f] = p[table.fold == f] >= th
        print(f"fold {f}: threshold {th} (chosen on the other four)")
    print(f"cross-fitted in {time.time() - t:.0f} s; held out, word F1 / must / leak per input:")
    none = np.zeros(len(p), dtype=bool)
    report(table, {"no gate": none, "gated": gated, "rules only": ~none})
    if a.write:
        th = choose_threshold(table, p, everything)
        t = time.time()
        model = fit(table, everything)
        spec = {"version": VERSION, "trained_with": environment(), "inputs_check": inputs_check(_check_inputs),
                "features": list(FEATURES), "threshold": th,
                "trained_on": f"{len(table.y)} flat texts of {len(pages)} dev pages, {time.time() - t:.0f} s",
                "booster": model.model_to_string()}
        out = ROOT / "pipeline" / "models" / f"{VERSION}.json"
        out.write_text(json.dumps(spec), encoding="utf-8")
        print(f"wrote {out} ({out.stat().st_size // 1024} KB), threshold {th}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

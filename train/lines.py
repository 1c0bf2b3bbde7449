"""Train and measure the line model for flat text (pipeline/cleaning/line_model.py) on sites it was
not trained on.

Every dev page is flattened to text as a scraper without an extractor would (bench/flatten.py),
cleaned by the text path with the line model off and a trace, and each line becomes a block of
pipeline/extraction/blocks.py with no DOM (line_model.flat_blocks); the classifier's verdict
takes the place of trafilatura's. A line is content when most of its words are in the page's true
text. Cross-fitted over the five domain folds like train/boilerplate.py: each fold's lines are
scored by a model trained on the other four, and a line is the model's at a score of 0.5.

How far the model overrules the classifier is a line_model.Policy: where the classifier's verdict
is weak (it kept under a share of the text's characters, or under some words, or fell back) the
model decides the text; elsewhere it only drops lines the classifier kept. For each fold the
policy is chosen on the other four: the most word F1, the mean of WCXB's (all types) and
ScrapingHub's, among the policies whose must-not leak on WCXB articles and on all WCXB pages is no
higher than the text path's without the model, and whose ScrapingHub and WCXB article F1 are no
lower. The same choice on all five folds is the shipped policy (--write: the model trained on
every page).

    .venv/bin/python train/lines.py [--cache /tmp/cc_lines.pkl] [--write] [--rouge] [--train-on wcxb-dev]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from itertools import compress
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
sys.path.insert(0, str(ROOT / "bench"))

import boilerplate as B  # noqa: E402
from flatten import flatten_html  # noqa: E402
from provenance import environment, inputs_check  # noqa: E402

from cleancorpus.pipeline.cleaning.line_model import (  # noqa: E402
    VERSION,
    Policy,
    flat_blocks,
    in_comments,
    line_lengths,
    line_words,
    live_lines,
)
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.extraction.blocks import FEATURES, block_features  # noqa: E402
from cleancorpus.pipeline.extraction.boilerplate_model import model_spec  # noqa: E402

_CLEANER = None
THRESHOLDS = (0.5, 0.5, 0.0, 0)  # kept by the classifier, dropped by it, short-line floor, its words
FLOOR = load_config().clean.fallback_words  # the words a text the model decides alone must keep
# the gate as the experiment before chose it (share 0.05 or 0.15, 60 words) or shut, with or without
# the classifier's fallback, the model dropping the classifier's lines elsewhere (those under 25 or
# 50 words) or not, and bringing back the lines it dropped inside the article at a score of 0.5, 0.7
# or 0.85 or not; bringing lines back above or below it too, and dropping lines of any length (the
# last paragraph of an already extracted article went), were tried (QUALITY_LOG rows 35b, 35e); and
# a text the model decides keeping the classifier's verdict on its comment section, or not
POLICIES = [Policy(s, w, fb, rm, fill, c) for s, w in ((0.0, 0), (0.05, 60), (0.15, 60)) for fb in (False, True)
            for rm in (0, 25, 50) for fill in (0.0, 0.5, 0.7, 0.85) for c in (False, True)]


def text_path(cfg):
    """The text path without the line model: its verdict is the model's input (text.copy and the
    text-kind gate, which run after the model, off too: bench/text_copy.py and train/text_kind.py
    measure them)."""
    from cleancorpus.pipeline.cleaning.cleaner import Cleaner

    clean = cfg.clean.model_copy(update={"line_model": "", "copies": False, "text_kind": ""})
    return Cleaner(cfg.model_copy(update={"clean": clean}), trace=True)


def _cleaner():
    global _CLEANER
    if _CLEANER is None:
        _CLEANER = text_path(load_config())
    return _CLEANER


def line_inputs(html: str, source_uri: str = "page.txt", cleaner=None) -> tuple:
    """A page flattened and cleaned by the text path without the model: the result, its lines'
    texts, the rules that removed them (None: live), their blocks and the feature rows. What the
    model learns from, and what provenance.inputs_check takes its digest of: the rows read the
    rule packs' marks, so a rule change moves them as a code change does. `cleaner`: another
    text_path than the default config's."""
    from cleancorpus.pipeline.model import RawRecord, SourceMeta

    rec = RawRecord(source_uri=source_uri, source_record=None, source_format="text", text=flatten_html(html),
                    meta=SourceMeta())
    res = (cleaner or _cleaner()).process(rec)
    trace = [t for t in res.trace if t.text]
    texts = [t.text for t in trace]
    kept = "\n".join(t.text for t in trace if t.kept)
    rules = [None if t.kept else t.rule for t in trace]
    blocks = flat_blocks(texts, rules)
    X = np.asarray(block_features(blocks, kept), dtype=np.float32).reshape(-1, len(FEATURES))
    return res, trace, texts, rules, blocks, X


def _check_inputs(html: str, url: str, cleaner=None) -> tuple:
    _, trace, _, rules, _, X = line_inputs(html, cleaner=cleaner)  # flat text has no URL
    return rules, [t.kept for t in trace], X


def prepare(page: B.Page) -> dict:
    from cleancorpus.pipeline.cleaning.cleaner import FALLBACK_RULE

    grams, truth_str = B.truth_grams(page.truth_text())
    res, trace, texts, rules, blocks, X = line_inputs(B.read_html(page.html), page.key)
    return {"key": page.key, "texts": texts, "X": X,
            "y": np.asarray([B.label(t, grams, truth_str) for t in texts], dtype=np.int8),
            "ruled": ~live_lines(rules), "kept": np.asarray([t.kept for t in trace], dtype=bool),
            "words": line_words(texts), "path": res.doc.text if res.doc is not None else "",
            "comments": in_comments(blocks),
            "fell_back": any(t.kept and t.rule == FALLBACK_RULE for t in trace)}


def model_text(d: dict, q: np.ndarray, th: tuple) -> str:
    """The lines the model keeps (LineModel.keep's rule: B.kept), rule-removed lines left out."""
    return "\n".join(compress(d["texts"], B.kept(d, q, th) & ~d["ruled"]))


def policy_text(d: dict, q: np.ndarray, th: tuple, policy: Policy) -> str:
    """The cleaner's text under a Policy (LineModel.keep), the text path's own where it keeps the same lines."""
    if not len(d["texts"]):
        return d["path"]
    live = ~d["ruled"]
    opens = policy.opens(line_lengths(d["texts"]), d["words"], d["kept"], live, d["fell_back"])
    final = policy.final(B.kept(d, q, th), q, d["kept"], live, d["words"], opens, FLOOR, d["comments"])
    if not final.any() or (final == d["kept"]).all():
        return d["path"]
    return "\n".join(compress(d["texts"], final))


def rouge(pages: list[B.Page], systems: dict[str, dict[str, str]], truths: dict[str, str], sc) -> None:
    """Mean ROUGE-LSum per page of each system, on ScrapingHub and on WCXB's articles."""
    for name in ("ScrapingHub", "WCXB dev articles"):
        sel = B.GROUPS[name]
        group = [p for p in pages if sel(p)]
        rows = {sys_name: np.array([sc.rouge_lsum(truths[p.key], texts[p.key])[:3] for p in group]).mean(axis=0)
                for sys_name, texts in systems.items()}
        print(f"\n{name} ({len(group)} pages, held-out folds), ROUGE-LSum P / R / F1 (sentences: {sc.SPLITTER_NAME})")
        for sys_name, r in rows.items():
            print(f"  {sys_name:34} " + " / ".join(f"{v:.3f}" for v in r))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/cc_lines.pkl"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--train-on", choices=B.SETS, metavar="SET",
                    help="train each fold's model (and choose its policy) on this set's pages alone: the other "
                         "set scored as pages of another crawl and years (train/boilerplate.py --train-on)")
    ap.add_argument("--write", action="store_true", help="train on all pages and write the shipped model")
    ap.add_argument("--rouge", action="store_true",
                    help="also ROUGE-LSum P/R/F1 (the measure reviews use for rendered pages; slow) per system")
    a = ap.parse_args(argv)
    if a.write and a.train_on:
        ap.error("--write trains the shipped model on both sets: leave out --train-on")
    sets = (a.train_on,) if a.train_on else B.SETS
    pages = B.load_pages()
    data = B.build(pages, a.cache, a.jobs, prepare)
    if any("comments" not in d for d in data.values()):
        ap.error(f"{a.cache} was made by an older train/lines.py (no comment sections): delete it")
    sc = B._scorer()
    probs, _ = B.cross_fit(data, pages, sets=sets)
    # the model's own verdict (a line is content at a score of 0.5), not thresholds chosen for it
    # alone: how far that verdict counts is the Policy's to say, and thresholds chosen for the model
    # alone moved from (0.5, 0.5) to (0.2, 0.6) when one page of 1,678 changed
    ths = {f: THRESHOLDS for f in range(5)}
    print("thresholds per fold:", ths, file=sys.stderr)
    path = {k: d["path"] for k, d in data.items()}
    model = {p.key: model_text(data[p.key], probs[p.key], ths[p.fold]) for p in pages}
    truths = {p.key: p.truth_text() for p in pages}

    def rows(texts: dict[str, str]) -> dict[str, tuple]:
        out = {}
        for p in pages:
            counts = sc.snippet_counts(p.meta, texts[p.key]) if "with" in p.meta else (0, 0, 0, 0)
            out[p.key] = (sc.word_f1(truths[p.key], texts[p.key])[2], *counts)
        return out

    t = time.time()
    texts = {pol: {p.key: policy_text(data[p.key], probs[p.key], ths[p.fold], pol) for p in pages} for pol in POLICIES}
    r_path = rows(path)
    r_pol = {pol: rows(texts[pol]) for pol in POLICIES}
    print(f"{len(POLICIES)} policies scored in {time.time() - t:.0f} s", file=sys.stderr)
    groups = {"art": lambda p: p.dataset == "wcxb-dev" and p.page_type == "article",
              "all": lambda p: p.dataset == "wcxb-dev", "sh": lambda p: p.dataset == "scrapinghub"}

    def agg(r: dict[str, tuple], sel) -> dict:
        rr = [r[p.key] for p in pages if sel(p)]
        tp, fp, fn, tn = (sum(x[i] for x in rr) for i in range(1, 5))
        return {"F1": sum(x[0] for x in rr) / (len(rr) or 1), "leak": fp / ((fp + tn) or 1)}

    chosen: dict = {}
    for f in (*range(5), None):
        def train(g, f=f):
            return lambda p: p.fold != f and p.dataset in sets and groups[g](p)
        o = {g: agg(r_path, train(g)) for g in groups}
        best = None
        for pol in POLICIES:  # no set may lose: F1 no lower than the text path's, leak no higher
            m = {g: agg(r_pol[pol], train(g)) for g in groups}
            if (m["art"]["leak"] > o["art"]["leak"] or m["all"]["leak"] > o["all"]["leak"]
                    or m["sh"]["F1"] < o["sh"]["F1"] or m["art"]["F1"] < o["art"]["F1"]):
                continue
            value = (m["all"]["F1"] + m["sh"]["F1"]) / len(sets)  # as B.choose_thresholds: a gain on one set is no gain if the other loses it
            if best is None or value > best[0]:
                best = (value, pol)
        chosen[f] = best[1] if best else Policy(0.0, 0, False)
        print((f"fold {f}: " if f is not None else "all five folds (the policy --write ships): ") + str(chosen[f]), file=sys.stderr)
    systems = {"text path, no line model": path,
               "line model everywhere": model,
               "line model, policy chosen per fold": {p.key: texts[chosen[p.fold]][p.key] for p in pages},
               "line model, policy --write picks": texts[chosen[None]]}
    # the policy the shipped model runs was chosen when it was written, on the caches of then: the
    # choice on all five folds today may differ, and is what --write would ship
    try:
        shipped = Policy(**model_spec("default", VERSION)["policy"])
    except FileNotFoundError:  # VERSION not written yet
        shipped = None
    if shipped is not None:
        systems[f"line model, {VERSION}'s policy"] = texts[shipped] if shipped in texts else \
            {p.key: policy_text(data[p.key], probs[p.key], ths[p.fold], shipped) for p in pages}
    B.report(pages, systems, sc)
    if a.rouge:
        rouge(pages, systems, truths, sc)
    if a.write:
        t = time.time()
        th = THRESHOLDS
        booster = B._fit([p.key for p in pages], data)
        spec = {"version": VERSION, "features": list(FEATURES),
                "trained_with": environment(), "inputs_check": inputs_check(_check_inputs),
                "thresholds": B.thresholds_spec(th),
                "policy": dataclasses.asdict(chosen[None]),
                "booster": booster.model_to_string()}
        out = B.MODELS / f"{VERSION}.json"
        out.write_text(json.dumps(spec))
        print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB, thresholds {th}, policy {chosen[None]}) "
              f"in {time.time() - t:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

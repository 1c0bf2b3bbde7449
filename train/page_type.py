"""Train the page-type model shipped as pipeline/models/page_type-<VERSION>.txt, after measuring it.

The figures printed are held-out ones: the benchmark's folds keep each site in one fold, so each
page is predicted by a model trained on the four folds without its site. The article threshold
is chosen the same way one level down (on the four training folds' own cross-fitted
predictions), so the threshold is never tuned on the pages it is scored on. The shipped model
is then trained on every page, with the threshold chosen on all held-out predictions.

The word model (page_type_words: a logistic regression over the words of the title, headings
and the start of the text) gives seven features of the boosted model, cross-fitted at every
level: a page's word features come from a word model trained without its fold, both for the
pages a boosted model is trained on (word models trained within its training folds) and for
the pages it is scored on, so no page's features come from a model that saw it.

    .venv/bin/python train/page_type.py                 # evaluate, then write the model
    .venv/bin/python train/page_type.py --no-write      # evaluate only
    .venv/bin/python train/page_type.py --no-write --seeds 13,1,2,3,4,5,6,7   # and how stable over seeds
    .venv/bin/python train/page_type.py --no-write --score-copies table,old --held-out F   # pages in older markup

--score-copies also scores every page's copy in other markup (train/markup.py), held out, as a
model trained on the pages as published meets it: pages of the 2000s declare no JSON-LD or Open
Graph type and lay out in tables, and the boilerplate model reads the article probability it
gets. --augment trains on such copies too.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lightgbm as lgb
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from cleancorpus.pipeline.extraction.page_type import VERSION, decide
from cleancorpus.pipeline.extraction.page_type_features import FEATURES, page_signals
from cleancorpus.pipeline.extraction.page_type_words import WordModel
from cleancorpus.pipeline.extraction.parse import load_html
from cleancorpus.pipeline.inputs.encoding import decode_bytes
from cleancorpus.pipeline.reasons import PAGE_TYPES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
from markup import REWRITES, rewrite_names  # noqa: E402
from provenance import environment, inputs_check  # noqa: E402

BENCH = ROOT.parent / "shared" / "bench" / "extraction"
ARTICLE = PAGE_TYPES.index("article")


@dataclass
class Pages:
    """Feature rows (without the word model's), the pages' terms for the word model, their
    labels, folds, sites and sets (wcxb-dev or scrapinghub)."""

    x: np.ndarray
    terms: list[set[str]]
    y: np.ndarray
    fold: np.ndarray
    domain: np.ndarray
    source: np.ndarray
    feature_ms: list[float]
    keys: list[str]  # as in folds.json


def _read(bench: Path) -> list[tuple[str, str, str, bytes]]:
    """(key in folds.json, url, page type, raw bytes) of every page of both sets."""
    pages = []
    for line in (bench / "wcxb-dev" / "meta.jsonl").read_text().splitlines():
        r = json.loads(line)
        raw = gzip.decompress((bench / "wcxb-dev" / "html" / f"{r['id']}.html.gz").read_bytes())
        pages.append((f"wcxb-dev/{r['id']}", r["url"], r["page_type"], raw))
    for line in (bench / "scrapinghub" / "meta.jsonl").read_text().splitlines():
        r = json.loads(line)
        raw = (bench / "scrapinghub" / "html" / f"{r['id']}.html").read_bytes()
        pages.append((f"scrapinghub/{r['id']}", r["url"], "article", raw))
    return pages


def _check_inputs(html: str, url: str) -> tuple[list[float], set[str]]:
    """A page's row and terms as load_pages computes them: what provenance.inputs_check digests."""
    return page_signals(load_html(html), url)


def load_pages(bench: Path, rewrite: Callable[[str], str] | None = None) -> Pages:
    """Parse each page as the pipeline does and time page_signals alone on the parsed tree;
    with rewrite, each page's copy in other markup (train/markup.py) instead."""
    folds = json.loads((bench / "folds.json").read_text())
    rows, terms, labels, fold, domain, source, ms, keys = [], [], [], [], [], [], [], []
    for key, url, page_type, raw in _read(bench):
        html = decode_bytes(raw)[0]
        tree = load_html(rewrite(html) if rewrite else html)
        t0 = time.process_time()  # CPU time: the machine may be shared, wall time would count others' work
        row, page_terms = page_signals(tree, url)
        ms.append((time.process_time() - t0) * 1000)
        rows.append(row)
        terms.append(page_terms)
        labels.append(PAGE_TYPES.index(page_type))
        fold.append(folds[key]["fold"])
        domain.append(folds[key]["domain"])
        source.append(key.split("/")[0])
        keys.append(key)
    return Pages(np.asarray(rows), terms, np.asarray(labels), np.asarray(fold), np.asarray(domain),
                 np.asarray(source), ms, keys)


def train_words(pages: Pages, rows: np.ndarray, args: argparse.Namespace) -> WordModel:
    """The word model trained on pages[rows]: terms seen on pages of at least --min-sites sites
    among them, presence scaled to unit length per page, softmax regression with an L2 penalty
    (--word-l2), non-articles weighted as in the boosted model; weights rounded as shipped."""
    idx = np.flatnonzero(rows & trainable(pages, args))
    sites: dict[str, set[str]] = {}
    for i in idx:
        for t in pages.terms[i]:
            sites.setdefault(t, set()).add(pages.domain[i])
    index = {t: j for j, t in enumerate(sorted(t for t, s in sites.items() if len(s) >= args.min_sites))}
    x = _term_matrix(pages, idx, index)
    y = pages.y[idx]
    n_terms, n_classes = len(index), len(PAGE_TYPES)
    onehot = np.eye(n_classes)[y]
    weight = np.where(y == ARTICLE, 1.0, args.non_article_weight)
    weight /= weight.sum()
    l2 = args.word_l2 / len(idx)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-n_classes].reshape(n_terms, n_classes), theta[-n_classes:]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        g = (np.exp(logp) - onehot) * weight[:, None]
        value = -(weight * (onehot * logp).sum(axis=1)).sum() + 0.5 * l2 * (w * w).sum()
        return value, np.concatenate([(x.T @ g + l2 * w).ravel(), g.sum(axis=0)])

    fit = minimize(loss, np.zeros(n_terms * n_classes + n_classes), jac=True, method="L-BFGS-B",
                   options={"maxiter": 300})
    w, b = fit.x[:-n_classes].reshape(n_terms, n_classes), fit.x[-n_classes:]
    return WordModel(index, np.round(w, 3), np.round(b, 3))


def _term_matrix(pages: Pages, idx: np.ndarray, index: dict[str, int]) -> sp.csr_matrix:
    """Term presence of pages idx, each row scaled to unit length (as WordModel scores a page)."""
    r, c = [], []
    for k, i in enumerate(idx):
        cols = sorted(index[t] for t in pages.terms[i] if t in index)  # sums in one order, whatever the set's
        r += [k] * len(cols)
        c += cols
    m = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(idx), len(index)))
    norm = np.sqrt(np.asarray(m.sum(axis=1)).ravel())
    return sp.diags(1 / np.maximum(norm, 1)) @ m


def word_features(pages: Pages, train_rows: np.ndarray, score_rows: np.ndarray,
                  args: argparse.Namespace) -> np.ndarray:
    """The word model's probabilities for the pages score_rows (zeros elsewhere), from a word
    model trained on train_rows."""
    return word_probs(train_words(pages, train_rows, args), pages, score_rows)


def word_probs(words: WordModel, pages: Pages, rows: np.ndarray) -> np.ndarray:
    """A word model's probabilities for pages[rows] (zeros elsewhere)."""
    f = np.zeros((len(pages.y), len(PAGE_TYPES)))
    for i in np.flatnonzero(rows):
        f[i] = words.probabilities(pages.terms[i])
    return f


def stacked(pages: Pages, rows: np.ndarray, args: argparse.Namespace) -> np.ndarray:
    """Word features of the pages rows, each fold's from a word model trained on the other folds among rows."""
    f = np.zeros((len(pages.y), len(PAGE_TYPES)))
    for k in np.unique(pages.fold[rows]):
        held = rows & (pages.fold == k)
        f += word_features(pages, rows & ~held, held, args)
    return f


@dataclass
class WordPlan:
    """Cross-fitted word features for every boosted model nested_thresholds trains, by outer
    fold: the held-out fold's (word model trained on the four others), the four training folds'
    (stacked within them), and for each inner fold the three inner training folds' (stacked
    within those three). Word models are deterministic: made once, used for every seed."""

    held: dict[int, np.ndarray]
    train: dict[int, np.ndarray]
    inner: dict[tuple[int, int], np.ndarray]
    models: dict[int, WordModel] = field(default_factory=dict)  # the held-out fold's word model


@dataclass
class Copies:
    """The pages rewritten in other markup (train/markup.py), row for row as the pages: `augment`
    copies are trained on beside their pages (with their page's word features, the same words
    in other tags), `score` copies are scored held out, as their pages are."""

    augment: list[Pages] = field(default_factory=list)
    score: dict[str, Pages] = field(default_factory=dict)


def word_plan(pages: Pages, args: argparse.Namespace) -> WordPlan:
    plan = WordPlan({}, {}, {})
    for k in np.unique(pages.fold):
        rows = pages.fold != k
        plan.models[k] = train_words(pages, rows, args)
        plan.held[k] = word_probs(plan.models[k], pages, ~rows)
        plan.train[k] = stacked(pages, rows, args)
        for j in np.unique(pages.fold[rows]):
            plan.inner[k, j] = stacked(pages, rows & (pages.fold != j), args)
    return plan


def params(args: argparse.Namespace) -> dict:
    return {
        "objective": "multiclass", "num_class": len(PAGE_TYPES), "num_leaves": args.leaves,
        "learning_rate": args.learning_rate, "min_data_in_leaf": 20, "feature_fraction": args.feature_fraction,
        "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
        "seed": args.seed, "deterministic": True, "force_col_wise": True, "num_threads": 1, "verbose": -1,
    }


def trainable(pages: Pages, args: argparse.Namespace) -> np.ndarray:
    """The pages models may learn from: every page, or --train-on's set alone."""
    return pages.source == args.train_on if args.train_on else np.ones(len(pages.y), dtype=bool)


def fit_rows(pages: Pages, words: np.ndarray, rows: np.ndarray, copies: Copies,
             args: argparse.Namespace) -> lgb.Booster:
    """The boosted model trained on pages[rows] with their word features, and on their copies."""
    rows = rows & trainable(pages, args)
    x = [np.hstack([c.x[rows], words[rows]]) for c in (pages, *copies.augment)]
    return train(np.vstack(x), np.tile(pages.y[rows], len(x)), args)


def train(x: np.ndarray, y: np.ndarray, args: argparse.Namespace) -> lgb.Booster:
    """Non-article pages weigh more: they are half the pages but six classes of about a hundred."""
    weight = np.where(y == ARTICLE, 1.0, args.non_article_weight)
    data = lgb.Dataset(x, y, weight=weight, feature_name=list(FEATURES), free_raw_data=False, params={"verbose": -1})
    return lgb.train(params(args), data, num_boost_round=args.rounds)


def inner_fit(pages: Pages, plan: WordPlan, k: int, copies: Copies, args: argparse.Namespace) -> np.ndarray:
    """Class probabilities of every page outside fold k from a model trained on the other three
    folds outside k (their word features stacked within those three; the scored fold's from a
    word model trained on those three)."""
    rows = pages.fold != k
    probs = np.zeros((len(pages.y), len(PAGE_TYPES)))
    for j in np.unique(pages.fold[rows]):
        held, fit = pages.fold == j, rows & (pages.fold != j)
        x_held = np.hstack([pages.x[held], plan.train[k][held]])
        probs[held] = fit_rows(pages, plan.inner[k, j], fit, copies, args).predict(x_held, num_threads=1)
    return probs


def choose_threshold(p_article: np.ndarray, is_article: np.ndarray, max_lost: float) -> float:
    """The highest article-probability threshold that loses at most max_lost of the articles
    (articles below it are called something else)."""
    allowed = math.floor(max_lost * is_article.sum())
    return float(np.sort(p_article[is_article])[allowed])


def nested_thresholds(pages: Pages, plan: WordPlan, args: argparse.Namespace, copies: Copies | None = None
                      ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Held-out probabilities, for each row the threshold chosen on its training folds only, and
    the held-out probabilities of the copies to score (each with its own words)."""
    copies = copies or Copies()
    probs = np.zeros((len(pages.y), len(PAGE_TYPES)))
    scored = {name: np.zeros_like(probs) for name in copies.score}
    thresholds = np.zeros(len(pages.y))
    for k in np.unique(pages.fold):
        held = pages.fold == k
        inner = inner_fit(pages, plan, k, copies, args)
        chosen_on = ~held & trainable(pages, args)
        thresholds[held] = choose_threshold(inner[chosen_on, ARTICLE], pages.y[chosen_on] == ARTICLE, args.max_lost)
        model = fit_rows(pages, plan.train[k], ~held, copies, args)
        probs[held] = model.predict(np.hstack([pages.x[held], plan.held[k][held]]), num_threads=1)
        for name, c in copies.score.items():
            words = word_probs(plan.models[k], c, held)[held]
            scored[name][held] = model.predict(np.hstack([c.x[held], words]), num_threads=1)
        print(f"  fold {k}: threshold {thresholds[held][0]:.3f} (from its four training folds)")
    return probs, thresholds, scored


def report(name: str, y: np.ndarray, pred: np.ndarray) -> None:
    """Article vs not, articles lost, 7-class accuracy and the confusion matrix of one set."""
    is_art, said_art = y == ARTICLE, pred == ARTICLE
    lost = int((is_art & ~said_art).sum())
    print(f"\n{name}: {len(y)} pages, {int(is_art.sum())} articles")
    print(f"  article vs not accuracy {np.mean(is_art == said_art):.3f}; articles lost {lost}; "
          f"non-articles called article {int((~is_art & said_art).sum())} of {int((~is_art).sum())}")
    print(f"  7-class accuracy {np.mean(y == pred):.3f}")
    if (~is_art).any():
        print(f"  7-class accuracy on non-articles {np.mean(y[~is_art] == pred[~is_art]):.3f}")
    width = max(map(len, PAGE_TYPES))
    print("  confusion (rows true, columns predicted):")
    print("  " + " " * width + "".join(f"{t[:6]:>7}" for t in PAGE_TYPES))
    for i, t in enumerate(PAGE_TYPES):
        if (y == i).any():
            row = (int(((y == i) & (pred == j)).sum()) for j in range(len(PAGE_TYPES)))
            print(f"  {t:>{width}}" + "".join(f"{n:>7}" for n in row))


def threshold_table(pages: Pages, p_article: np.ndarray) -> None:
    """What other thresholds would give on the held-out predictions: the trade-off to choose from."""
    wcxb, is_art = pages.source == "wcxb-dev", pages.y == ARTICLE
    print("\n  threshold  articles lost (wcxb-dev + scrapinghub)  article-vs-not accuracy: wcxb-dev  all")
    for t in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5):
        said = p_article >= t
        lost = is_art & ~said
        print(f"  {t:9.2f}  {int(lost[wcxb].sum()):>13d} + {int(lost[~wcxb].sum()):<26d}"
              f"{np.mean((is_art == said)[wcxb]):.3f}  {np.mean(is_art == said):.3f}")


def copy_report(name: str, pages: Pages, held: np.ndarray, thresholds: np.ndarray) -> None:
    """How the held-out verdicts hold on the pages' copies in other markup: the articles' article
    probability (the boilerplate model reads it) and article vs not at the folds' thresholds."""
    is_art, said = pages.y == ARTICLE, held[:, ARTICLE] >= thresholds
    print(f"\ncopies '{name}', held out:")
    for source in ("wcxb-dev", "scrapinghub"):
        sel = pages.source == source
        p = held[sel & is_art, ARTICLE]
        print(f"  {source}: articles' P(article) mean {p.mean():.3f}, under 0.5 {int((p < 0.5).sum())}, under 0.9 "
              f"{int((p < 0.9).sum())} of {len(p)}; article vs not {np.mean((is_art == said)[sel]):.3f}, "
              f"articles lost {int((is_art & ~said)[sel].sum())}")
    threshold_table(pages, held[:, ARTICLE])


def seed_table(pages: Pages, plan: WordPlan, args: argparse.Namespace, seeds: list[int], copies: Copies) -> None:
    """The held-out figures again with other seeds (bagging and feature sampling differ): a gain
    smaller than their spread is no gain."""
    wcxb, is_art = pages.source == "wcxb-dev", pages.y == ARTICLE
    print("\n  seed  wcxb-dev: article-vs-not accuracy, articles lost, per fold (accuracy/lost)  scrapinghub articles")
    accs, losts, classes, fold_accs, fold_losts = [], [], [], [], []
    for seed in seeds:
        with contextlib.redirect_stdout(io.StringIO()):
            probs, thresholds, _ = nested_thresholds(pages, plan, argparse.Namespace(**{**vars(args), "seed": seed}),
                                                     Copies(copies.augment))
        said = probs[:, ARTICLE] >= thresholds
        pred = np.array([PAGE_TYPES.index(decide(p, t)) for p, t in zip(probs, thresholds)])
        classes.append(float(np.mean((pred == pages.y)[wcxb])))
        right, lost = is_art == said, is_art & ~said
        accs.append(float(np.mean(right[wcxb])))
        losts.append(int(lost[wcxb].sum()))
        sels = [wcxb & (pages.fold == k) for k in np.unique(pages.fold)]
        fold_accs.append([float(np.mean(right[sel])) for sel in sels])
        fold_losts.append([int(lost[sel].sum()) for sel in sels])
        folds = " ".join(f"{a:.3f}/{n}" for a, n in zip(fold_accs[-1], fold_losts[-1]))
        scrapinghub = f"{int(said[~wcxb].sum())}/{int((~wcxb).sum())}"
        print(f"  {seed:4d}  {accs[-1]:.3f}  {losts[-1]:2d}   {folds}   {scrapinghub}   7-class {classes[-1]:.3f}")
    spread = statistics.pstdev(accs)
    print(f"  mean  {statistics.mean(accs):.3f}  {statistics.mean(losts):.1f}  (accuracy sd {spread:.3f}); "
          f"7-class {statistics.mean(classes):.3f}")
    print("  mean per fold (accuracy/lost): " + " ".join(
        f"{statistics.mean(a):.3f}/{statistics.mean(n):.1f}" for a, n in zip(zip(*fold_accs), zip(*fold_losts))))


def write_held_out(path: Path, pages: Pages, probs: np.ndarray, thresholds: np.ndarray,
                   scored: dict[str, np.ndarray]) -> None:
    """The held-out verdicts by page key, so that scripts measuring what the pipeline does with a
    page's type can give it the type a model trained without its site gives; a copy's under
    KEY#REWRITE (wcxb-dev/0001#table), with its page's threshold."""
    rows = {}
    for suffix, held in (("", probs), *((f"#{name}", p) for name, p in scored.items())):
        rows |= {k + suffix: {"probs": [round(float(x), 6) for x in p], "threshold": round(float(t), 6)}
                 for k, p, t in zip(pages.keys, held, thresholds)}
    path.write_text(json.dumps({"classes": list(PAGE_TYPES), "pages": rows}) + "\n", encoding="utf-8")


def write_model(booster: lgb.Booster, threshold: float, words: WordModel, pages: Pages,
                args: argparse.Namespace) -> None:
    out = Path(args.out)
    text = booster.model_to_string()
    (out / f"{VERSION}.txt").write_text(text, encoding="utf-8")
    word_text = json.dumps(words.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"
    (out / f"{VERSION}.words.json").write_text(word_text, encoding="utf-8")
    sets = {s: int((pages.source == s).sum()) for s in np.unique(pages.source)}
    info = {
        "version": VERSION, "trained_with": environment(), "inputs_check": inputs_check(_check_inputs),
        "classes": list(PAGE_TYPES), "features": list(FEATURES),
        "threshold": round(threshold, 6),
        "decision": "article when P(article) >= threshold, else the likeliest other class",
        "training_set": {
            "description": "wcxb-dev (WCXB dev split, labelled page types) and scrapinghub (news articles), "
                           "../shared/bench/extraction",
            "pages": sets, "per_class": {t: int((pages.y == i).sum()) for i, t in enumerate(PAGE_TYPES)},
            "threshold_from": f"5-fold held-out predictions (folds.json), at most {args.max_lost:.1%} of articles lost",
            "copies_in_other_markup": args.augment,
        },
        "params": {**params(args), "num_boost_round": args.rounds, "non_article_weight": args.non_article_weight},
        "words": {"file": f"{VERSION}.words.json", "terms": len(words.index), "min_sites": args.min_sites,
                  "l2": args.word_l2, "fit": "softmax regression on term presence scaled to unit length, "
                  "non-articles weighted as above, L-BFGS 300 iterations, weights rounded to 0.001"},
    }
    (out / f"{VERSION}.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {out / f'{VERSION}.txt'} ({len(text.encode()) / 1024:.0f} KB), {VERSION}.words.json "
          f"({len(word_text.encode()) / 1024:.0f} KB) and {VERSION}.json")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=str(BENCH), help="folder with wcxb-dev/, scrapinghub/ and folds.json")
    ap.add_argument("--out", default=str(ROOT / "pipeline" / "models"), help="where the model files go")
    ap.add_argument("--rounds", type=int, default=100, help="boosting rounds (7 trees each, about 4 KB a round)")
    ap.add_argument("--leaves", type=int, default=4, help="leaves per tree")
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--feature-fraction", type=float, default=0.5,
                    help="share of the features each tree may use (0.7 and learning rate 0.2 in page_type-1)")
    ap.add_argument("--non-article-weight", type=float, default=2.0, help="weight of a non-article page in training")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--max-lost", type=float, default=0.005,
                    help="share of articles the threshold may call something else on the data it is chosen on")
    ap.add_argument("--min-sites", type=int, default=8,
                    help="the word model keeps the terms seen on pages of this many sites")
    ap.add_argument("--word-l2", type=float, default=1.0, help="the word model's L2 penalty")
    ap.add_argument("--held-out", type=Path, metavar="FILE",
                    help="write every page's held-out class probabilities and fold threshold here (JSON), for "
                         "train/boilerplate.py --page-types")
    ap.add_argument("--no-write", action="store_true", help="evaluate only")
    ap.add_argument("--score-copies", default=[], metavar="NAMES", type=rewrite_names,
                    help="comma-separated rewrites of train/markup.py (noattr, table, undeclared, old): also score every "
                         "page's copy in that markup, held out, and write it to --held-out as KEY#NAME")
    ap.add_argument("--augment", default=[], metavar="NAMES", type=rewrite_names,
                    help="comma-separated rewrites of train/markup.py: train on every training page's copy in "
                         "that markup too (the shipped model as well, unless --no-write)")
    ap.add_argument("--train-on", choices=("wcxb-dev",), metavar="SET",
                    help="train every model on this set's pages alone (wcxb-dev: ScrapingHub holds articles "
                         "only), so that ScrapingHub's held-out types are those of another crawl and years, as "
                         "train/boilerplate.py --train-on measures the block model; with --no-write only")
    ap.add_argument("--seeds", default="",
                    help="comma-separated seeds: also print the held-out figures of each (the model's seed is --seed)")
    args = ap.parse_args(argv)
    if args.train_on and not args.no_write:
        ap.error("--train-on measures: the shipped model trains on both sets (add --no-write)")

    t0 = time.perf_counter()
    pages = load_pages(Path(args.bench))
    ms = pages.feature_ms
    print(f"{len(pages.y)} pages, {len(FEATURES)} features, read and parsed in {time.perf_counter() - t0:.0f} s")
    print(f"page_signals: mean {statistics.mean(ms):.2f} ms, median {statistics.median(ms):.2f} ms, "
          f"p90 {np.percentile(ms, 90):.2f} ms, max {max(ms):.1f} ms a page")

    t0 = time.perf_counter()
    read = {n: load_pages(Path(args.bench), REWRITES[n]) for n in {*args.augment, *args.score_copies}}
    copies = Copies([read[n] for n in args.augment], {n: read[n] for n in args.score_copies})
    if read:
        print(f"copies in other markup ({', '.join(sorted(read))}) read in {time.perf_counter() - t0:.0f} s")

    t0 = time.perf_counter()
    plan = word_plan(pages, args)
    print(f"word models cross-fitted (5 outer, 20 for their training folds, 60 for the inner ones) in "
          f"{time.perf_counter() - t0:.0f} s")
    print("\nheld-out predictions, fold by fold:")
    t0 = time.perf_counter()
    probs, thresholds, scored = nested_thresholds(pages, plan, args, copies)
    print(f"  cross-fitting (5 outer + 20 inner models) took {time.perf_counter() - t0:.1f} s")
    pred = np.array([PAGE_TYPES.index(decide(p, t)) for p, t in zip(probs, thresholds)])
    if args.held_out:
        write_held_out(args.held_out, pages, probs, thresholds, scored)
    for name in ("wcxb-dev", "scrapinghub"):
        sel = pages.source == name
        report(f"{name} (threshold chosen on training folds)", pages.y[sel], pred[sel])
    threshold_table(pages, probs[:, ARTICLE])
    for copy, held in scored.items():
        copy_report(copy, pages, held, thresholds)
    if args.seeds:
        seed_table(pages, plan, args, [int(s) for s in args.seeds.split(",")], copies)

    threshold = choose_threshold(probs[:, ARTICLE], pages.y == ARTICLE, args.max_lost)
    pred = np.array([PAGE_TYPES.index(decide(p, threshold)) for p in probs])
    print(f"\nshipped threshold {threshold:.3f}, chosen on all held-out predictions; at it (optimistic: the "
          "threshold is fitted on the predictions it is scored on):")
    for name in ("wcxb-dev", "scrapinghub"):
        sel = pages.source == name
        report(f"{name} (shipped threshold)", pages.y[sel], pred[sel])

    t0 = time.perf_counter()
    every = np.ones(len(pages.y), dtype=bool)
    words = train_words(pages, every, args)
    booster = fit_rows(pages, stacked(pages, every, args), every, copies, args)
    print(f"\nfinal model trained on all {len(pages.y)} pages in {time.perf_counter() - t0:.2f} s "
          f"(its word features cross-fitted by fold); word model of {len(words.index)} terms")
    t0 = time.process_time()
    for terms in pages.terms:
        words.probabilities(terms)
    print(f"word model: {(time.process_time() - t0) * 1000 / len(pages.y):.3f} ms a page (CPU)")
    if not args.no_write:
        write_model(booster, threshold, words, pages, args)


if __name__ == "__main__":
    sys.exit(main())

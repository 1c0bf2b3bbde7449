"""Experiment (issue #16): does what the boilerplate model keeps tell a page's type better than
the markup features of train/page_type.py alone? Measured here, not shipped.

The extraction has already decided which DOM blocks are the article, and that looks different
by type: an article is one long run of paragraphs, a listing keeps short teasers among links, a
forum thread many posts of similar length, a product page little prose. KEPT_FEATURES sum the
verdicts up over the page (lengths, kinds, link text and runs of kept blocks; never words).

No leakage: a page's verdicts come from train/boilerplate.py's cross-fitting, the fold model
that did not see the page's site, with that fold's thresholds chosen on the other folds, as the
shipped model meets a new site. The page-type model is scored as train/page_type.py scores it
(domain folds, article threshold chosen one level down on the training folds), with and
without the kept features, over several seeds: at the no-article-lost end the figures move by a
page or two from seed to seed, so one seed cannot tell the two apart.

Result, why nothing of it is in pipeline/: at the shipped decision rule the kept features do
not help (wcxb-dev, mean of five seeds: accuracy 0.842 with 3.4 articles lost, against 0.853
with 4.2 without them; 7-class 0.800 against 0.811). They only help a little where 10-20
articles are lost. The articles lost first are landing pages labelled article (a home page, a
portfolio, a service page, a course index), and the kept text makes them look even less like
articles.

    .venv/bin/python train/page_type_kept.py --blocks-cache /tmp/cc_blocks.pkl \\
        --verdicts-cache /tmp/cc_verdicts.pkl
"""
from __future__ import annotations

import argparse
import json
import math
import pickle
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import lightgbm as lgb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))

import boilerplate as bp  # noqa: E402
import page_type as pt  # noqa: E402

from cleancorpus.pipeline.extraction.blocks import FEATURES as BLOCK_FEATURES  # noqa: E402
from cleancorpus.pipeline.extraction.blocks import Block  # noqa: E402
from cleancorpus.pipeline.extraction.page_type import decide  # noqa: E402
from cleancorpus.pipeline.extraction.page_type_features import BASE_FEATURES  # noqa: E402
from cleancorpus.pipeline.reasons import PAGE_TYPES  # noqa: E402

ARTICLE = pt.ARTICLE
KIND_P, KIND_HEADING, KIND_LI = 0, 1, 2  # Block.kind: indices into blocks._KINDS
_LONG = 150  # characters: a kept block this long is prose (a paragraph, a post), not a teaser or a label
KEPT_FEATURES: tuple[str, ...] = (
    "kept_log_chars", "kept_share", "kept_blocks", "kept_link_share", "kept_mean_len", "kept_max_len",
    "kept_long_blocks", "kept_li_share", "kept_heading_share", "kept_p_run", "kept_runs", "kept_run_share",
    "kept_span", "kept_density", "traf_share", "kept_vs_traf", "kept_log_best_run", "kept_start",
    "kept_p_share", "kept_long_share", "kept_chars_per_heading", "kept_chars_per_run",
)
Verdicts = tuple[Sequence[Block], Sequence[bool], Sequence[bool]]  # blocks, model keeps, trafilatura kept


def kept_features(blocks: Sequence[Block], keep: Sequence[bool], in_traf: Sequence[bool]) -> list[float]:
    """KEPT_FEATURES of one page, from its blocks and BoilerplateModel.keep's two lists.

    One loop over blocks the extraction already has, so that it would cost little per page."""
    total = traf = kept = links = n_kept = longest = long_blocks = long_chars = li = heading = p_chars = 0
    p_run = best_p_run = run_chars = best_run_chars = runs = 0
    first = last = -1
    start = 0
    for i, (b, k, t) in enumerate(zip(blocks, keep, in_traf)):
        size = len(b.text)
        if first < 0 and not k:
            start += size
        total += size
        traf += size if t else 0
        if not k:
            p_run = run_chars = 0
            continue
        first = i if first < 0 else first
        last = i
        kept += size
        links += b.link_chars
        n_kept += 1
        longest = max(longest, size)
        long_blocks += size >= _LONG
        long_chars += size if size >= _LONG else 0
        li += b.kind == KIND_LI
        heading += b.kind == KIND_HEADING
        p_chars += size if b.kind == KIND_P else 0
        p_run = p_run + 1 if b.kind == KIND_P else 0
        best_p_run = max(best_p_run, p_run)
        runs += run_chars == 0
        run_chars += size
        best_run_chars = max(best_run_chars, run_chars)
    span = last - first + 1 if n_kept else 0

    def share(part: float, whole: float) -> float:
        return part / whole if whole else 0.0

    return [
        math.log1p(kept), share(kept, total), float(n_kept), share(links, kept), share(kept, n_kept),
        float(longest), float(long_blocks), share(li, n_kept), share(heading, n_kept), float(best_p_run),
        float(runs), share(best_run_chars, kept), share(span, len(blocks)), share(n_kept, span),
        share(traf, total), share(kept, traf), math.log1p(best_run_chars), share(start, total) if n_kept else 1.0,
        share(p_chars, kept), share(long_chars, kept), kept / (heading + 1), share(kept, runs),
    ]


def heldout_verdicts(blocks_cache: Path, verdicts_cache: Path | None, jobs: int) -> dict[str, Verdicts]:
    """Every page's blocks and the verdicts of the boilerplate fold model that did not see its site."""
    pages = bp.load_pages()
    data = bp.build(pages, blocks_cache, jobs)
    if verdicts_cache and verdicts_cache.exists():
        probs, thresholds = pickle.loads(verdicts_cache.read_bytes())
    else:
        probs, _ = bp.cross_fit(data, pages)
        scorer = bp._scorer()
        thresholds = {f: bp.choose_thresholds([p for p in pages if p.fold != f], data, probs, scorer) for f in range(5)}
        if verdicts_cache:
            verdicts_cache.write_bytes(pickle.dumps((probs, thresholds)))
    print(f"boilerplate thresholds per fold (kept by trafilatura, dropped by it): {thresholds}")
    return {p.key: _verdicts(data[p.key], probs[p.key], thresholds[p.fold]) for p in pages}


_KIND, _HEADING, _LINK_SHARE, _IN_TRAF = (BLOCK_FEATURES.index(n) for n in ("kind", "heading", "link_share", "in_traf"))


def _verdicts(page: dict, probs: np.ndarray, thresholds: tuple[float, float]) -> Verdicts:
    """The blocks (what kept_features reads of them) rebuilt from train/boilerplate.py's cached
    block features, and the fold model's verdicts with BoilerplateModel.keep's two thresholds."""
    x = page["X"]
    blocks = [Block(text, int(r[_KIND]), int(r[_HEADING]), 0, 0, round(float(r[_LINK_SHARE]) * len(text)), ())
              for text, r in zip(page["texts"], x)]
    in_traf = [bool(r[_IN_TRAF]) for r in x]
    keep = [bool(p >= thresholds[0 if t else 1]) for p, t in zip(probs, in_traf)]
    return blocks, keep, in_traf


def page_keys(bench: Path) -> list[str]:
    """The keys of train/page_type.py's rows, in its order (wcxb-dev, then scrapinghub, as listed)."""
    return [f"{ds}/{json.loads(line)['id']}" for ds in ("wcxb-dev", "scrapinghub")
            for line in (bench / ds / "meta.jsonl").read_text().splitlines()]


def page_urls(bench: Path) -> list[str]:
    """The URLs of train/page_type.py's rows, in its order (page_keys)."""
    return [json.loads(line).get("url") or "" for ds in ("wcxb-dev", "scrapinghub")
            for line in (bench / ds / "meta.jsonl").read_text().splitlines()]


def fit(x: np.ndarray, y: np.ndarray, args: argparse.Namespace) -> lgb.Booster:
    """train/page_type.py's model (its parameters and weights) on any set of columns."""
    weight = np.where(y == ARTICLE, 1.0, args.non_article_weight)
    return lgb.train(pt.params(args), lgb.Dataset(x, y, weight=weight, params={"verbose": -1}),
                     num_boost_round=args.rounds)


def nested(x: np.ndarray, y: np.ndarray, fold: np.ndarray, args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    """Held-out probabilities and per-row thresholds, as train/page_type.py's nested_thresholds."""
    probs, thresholds = np.zeros((len(y), len(PAGE_TYPES))), np.zeros(len(y))
    for k in np.unique(fold):
        held = fold == k
        inner = np.zeros((int((~held).sum()), len(PAGE_TYPES)))
        for j in np.unique(fold[~held]):
            sub = fold[~held] == j
            inner[sub] = fit(x[~held][~sub], y[~held][~sub], args).predict(x[~held][sub], num_threads=1)
        thresholds[held] = pt.choose_threshold(inner[:, ARTICLE], y[~held] == ARTICLE, args.max_lost)
        probs[held] = fit(x[~held], y[~held], args).predict(x[held], num_threads=1)
    return probs, thresholds


def accuracy_at_lost(p_article: np.ndarray, is_article: np.ndarray, lost: Sequence[int]) -> list[float]:
    """Article-vs-not accuracy at the threshold that loses exactly k articles: how well the model
    ranks, apart from how the threshold is chosen."""
    ranked = np.sort(p_article[is_article])
    return [float(np.mean((p_article >= ranked[k]) == is_article)) for k in lost]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=pt.BENCH)
    ap.add_argument("--blocks-cache", type=Path, default=Path("/tmp/cc_blocks.pkl"),
                    help="train/boilerplate.py's cache of block features (made if missing)")
    ap.add_argument("--verdicts-cache", type=Path, help="the fold models' block scores and thresholds (made if missing)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[13, 1, 2, 3, 4])
    ap.add_argument("--max-lost", type=float, default=0.005)
    a = ap.parse_args(argv)
    # page_type-1's training parameters, with which the figures of bench/README.md were measured
    args = argparse.Namespace(rounds=100, leaves=4, learning_rate=0.2, feature_fraction=0.7, non_article_weight=2.0,
                              max_lost=a.max_lost)

    t0 = time.perf_counter()
    verdicts = heldout_verdicts(a.blocks_cache, a.verdicts_cache, a.jobs)
    print(f"verdicts in {time.perf_counter() - t0:.0f} s")
    pages = pt.load_pages(a.bench)
    kept, ms = [], []
    for key in page_keys(a.bench):
        t = time.process_time()
        kept.append(kept_features(*verdicts[key]))
        ms.append((time.process_time() - t) * 1000)
    print(f"kept_features: mean {statistics.mean(ms):.3f} ms, p90 {np.percentile(ms, 90):.3f} ms, max {max(ms):.2f} ms")
    n_kept = 16  # the first 16 were the plan; the last six came after looking at which articles were lost
    sets = {"markup": pages.x, "markup + 16 kept": np.hstack([pages.x, np.asarray(kept)[:, :n_kept]]),
            f"markup + {len(KEPT_FEATURES)} kept": np.hstack([pages.x, np.asarray(kept)])}
    print(f"{len(BASE_FEATURES)} markup features, {len(KEPT_FEATURES)} kept features")

    wcxb, is_art = pages.source == "wcxb-dev", pages.y == ARTICLE
    lost_at = (0, 1, 2, 3, 5, 10, 20)
    print("\nwcxb-dev held-out, threshold chosen on training folds: article-vs-not accuracy / articles lost "
          "(+ scrapinghub lost) / 7-class accuracy, per seed")
    tables, lowest = {}, {}
    urls = page_urls(a.bench)
    for name, x in sets.items():
        row, mean_p = [], np.zeros((len(pages.y), len(PAGE_TYPES)))
        for seed in a.seeds:
            args.seed = seed
            probs, thresholds = nested(x, pages.y, pages.fold, args)
            tables.setdefault(name, probs[:, ARTICLE])
            mean_p += probs / len(a.seeds)
            pred = np.array([PAGE_TYPES.index(decide(p, t)) for p, t in zip(probs, thresholds)])
            said = pred == ARTICLE
            row.append((float(np.mean((is_art == said)[wcxb])), int((is_art & ~said)[wcxb].sum()),
                        int((is_art & ~said)[~wcxb].sum()), float(np.mean((pred == pages.y)[wcxb]))))
        print(f"  {name:22s}", " ".join(f"{acc:.3f}/{lost}+{sh}/{c7:.3f}" for acc, lost, sh, c7 in row),
              f"| mean {statistics.mean(r[0] for r in row):.3f}/{statistics.mean(r[1] for r in row):.1f}"
              f"/{statistics.mean(r[3] for r in row):.3f}")
        curve = accuracy_at_lost(mean_p[:, ARTICLE], is_art, lost_at)
        print(f"  {'':22s} seed-mean probabilities, accuracy at k articles lost (both sets): "
              + " ".join(f"{k}:{v:.3f}" for k, v in zip(lost_at, curve)))
        lowest[name] = [(float(mean_p[i, ARTICLE]), urls[i]) for i in np.argsort(mean_p[:, ARTICLE] + ~is_art)[:5]]
    for name, rows in lowest.items():
        print(f"\n{name}: the labelled articles with the lowest seed-mean P(article)")
        for p, url in rows:
            print(f"  {p:.3f}  {url}")
    for name, p_article in tables.items():
        print(f"\n{name}, seed {a.seeds[0]}: fixed thresholds on the held-out probabilities")
        pt.threshold_table(pages, p_article)
    return 0


if __name__ == "__main__":
    sys.exit(main())

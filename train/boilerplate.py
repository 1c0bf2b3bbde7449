"""Train the HTML boilerplate model and measure it on sites it was not trained on.

Every page of the dev sets (WCXB dev and ScrapingHub) is cut into its DOM text blocks
(pipeline/extraction/blocks.py); a block is labelled content when most of its words are in
the page's true text. The model is scored by cross-fitting over the five domain folds of
folds.json: for each fold a model trained on the other four decides that fold's blocks, so
every figure printed is on sites the deciding model never saw. Then one model is trained on
all pages and written to pipeline/models/. Each block's row ends with its page's probability
of being an article (boilerplate_model.PAGE_FEATURES), held out as train/page_type.py
--held-out gives it: the one the model will meet on pages the page-type model has not seen.

Some sites name nothing in their markup (CSS-in-JS hashes, old table layouts): --bare scores
every system on the held-out pages without class and id attributes as well, and --table on them
in a table layout (train/markup.py); --bare-model trains the bare model, on those two copies of
the training pages and a third of their articles made longer (the long copy: markup.longer_article),
for the articles whose markup gives no block a role (the pipeline routes them to it,
html.model_for), scores it the same way and, with --write, writes it beside the main model. --score-copies scores copies as pages of the 2000s would come: declaring nothing about
themselves (no JSON-LD, microdata or Open Graph), so that the page-type model, whose article
probability the block model reads, judges them from text and layout alone; with
train/page_type.py --score-copies, every copy reads the page type its own markup gets.
--bare-weight W instead trains each main model on its training pages' stripped copies too, at
weight W (tried, not shipped: bench/README).

Domain folds keep a site out of its own model, not a crawl: ScrapingHub's news pages of 2019 are
scored by models that saw other ScrapingHub pages. --train-on SET trains every fold's model on one
set alone, so the other set's figures are those of pages from another crawl and other years, as
the review's held-out sets are.

    .venv/bin/python train/page_type.py --no-write --held-out /tmp/page_types.json
    .venv/bin/python train/boilerplate.py --page-types /tmp/page_types.json [--cache /tmp/cc_blocks.pkl] [--pipeline] [--bare] [--table] [--bare-model] [--write]
    .venv/bin/python train/boilerplate.py --pipeline --page-types /tmp/page_types.json --train-on wcxb-dev

The shipped pair (boilerplate-6, trained on the pages and their named_old copies, and boilerplate-bare-7),
each copy reading its own page type, with the page-type model written first (its file and the held-out
types come from the same page features):

    .venv/bin/python train/page_type.py --score-copies noattr,table,undeclared,old,named_old,br --held-out /tmp/page_types.json
    .venv/bin/python train/boilerplate.py --pipeline --bare-model --bare --table --score-copies named_old,br --page-types /tmp/page_types.json
    .venv/bin/python train/boilerplate.py --bare-model --page-types /tmp/page_types.json --write

Run twice at one commit, --write gives the same trees and thresholds (stop 52).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import importlib.util
import json
import os
import pickle
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import lightgbm as lgb
import numpy as np
from lxml.html import HtmlElement

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench" / "extraction"
MODELS = ROOT / "pipeline" / "models"
sys.path.insert(0, str(ROOT))

from markup import (  # noqa: E402
    br_paragraphs,
    longer_article,
    named_old_page,
    named_old_sections,
    no_attributes,
    no_declarations,
    old_page,
    rewrite_names,
    table_layout,
    tag_soup,
)
from provenance import environment, inputs_check  # noqa: E402

from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.extraction.blocks import FEATURES, block_features, page_blocks  # noqa: E402
from cleancorpus.pipeline.extraction.boilerplate_model import (  # noqa: E402
    BARE_VERSION,
    PAGE_FEATURES,
    VERSION,
    with_page_columns,
)
from cleancorpus.pipeline.extraction.html import model_input_text  # noqa: E402
from cleancorpus.pipeline.extraction.page_type import PageTypeModel  # noqa: E402
from cleancorpus.pipeline.extraction.page_type_dom import walk  # noqa: E402

_W = re.compile(r"\w+")


def _scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


@dataclass
class Page:
    key: str
    dataset: str
    fold: int
    page_type: str
    html: Path
    truth: Path
    meta: dict

    def truth_text(self) -> str:
        """The labelled main text, as every script here reads it."""
        return self.truth.read_text(encoding="utf-8", errors="replace")


def load_pages() -> list[Page]:
    folds = json.loads((SHARED / "folds.json").read_text())
    pages = []
    for ds, suffix in (("wcxb-dev", ".html.gz"), ("scrapinghub", ".html")):
        for line in (SHARED / ds / "meta.jsonl").read_text().splitlines():
            m = json.loads(line)
            key = f"{ds}/{m['id']}"
            pages.append(Page(key, ds, folds[key]["fold"], m.get("page_type") or "article",
                              SHARED / ds / "html" / f"{m['id']}{suffix}", SHARED / ds / "truth" / f"{m['id']}.txt", m))
    return pages


# a page's rewritten copies, by the suffix of their keys (markup.py): without class and id, that
# in the table layout of the 2000s; and the page and its table copy declaring nothing about
# themselves (no JSON-LD, microdata or Open Graph)
BARE, TABLE, UNDECLARED, OLD, NAMED_OLD = "#bare", "#table", "#undeclared", "#old", "#named_old"
NAMED_OLD_SECTIONS, BR, SOUP = "#named_old_sections", "#br", "#soup"
# an article page in a table layout, its article made longer with other articles' paragraphs
# (markup.longer_article, prepare_long): made from the page and its truth, not its HTML alone
LONG = "#long"
VARIANTS: dict[str, Callable[[str], str]] = {BARE: no_attributes, TABLE: table_layout, UNDECLARED: no_declarations,
                                             OLD: old_page, NAMED_OLD: named_old_page,
                                             NAMED_OLD_SECTIONS: named_old_sections, BR: br_paragraphs, SOUP: tag_soup}
# their names in markup.REWRITES, which train/page_type.py --score-copies writes their page types under
REWRITE_NAMES = {BARE: "noattr", TABLE: "table", UNDECLARED: "undeclared", OLD: "old", NAMED_OLD: "named_old",
                 NAMED_OLD_SECTIONS: "named_old_sections", BR: "br", SOUP: "soup", LONG: "long"}
# every kind of copy a page's key may carry
COPIES = (*VARIANTS, LONG)
# a copy that reads another copy's page type: the long copy is laid out as the table copy is
TYPED_AS = {LONG: TABLE}
# copies as sites wrote before about 2010 (--score-copies, --main-copies), and their titles
OLDER = {UNDECLARED: "declaring nothing", OLD: "in a table layout without class and id, declaring nothing",
         NAMED_OLD: "in html4 tags and a table layout with their class and id, declaring nothing",
         NAMED_OLD_SECTIONS: "as named_old, each sectioning tag's div named as the 2000s named it (class footer)",
         BR: "with each <p> written as its text and <br><br>",
         SOUP: "with a <font> opened in every paragraph, cell, item and heading, never closed, and no optional end tags"}


def _copy_suffixes(arg: str, among: Iterable[str] = OLDER) -> list[str]:
    """The key suffixes of the copies a comma-separated option names (undeclared, old, named_old, ...)."""
    by_name = {REWRITE_NAMES[v]: v for v in among}
    return [by_name[n] for n in rewrite_names(arg, by_name)]


def _names(suffixes: Iterable[str]) -> str:
    """Copies' key suffixes as the comma-separated option that names them (_copy_suffixes' inverse)."""
    return ",".join(REWRITE_NAMES[v] for v in suffixes)


def page_type_of(page_types: dict[str, dict], key: str, variant: str = "") -> dict:
    """A page's held-out page type, or its copy's when train/page_type.py --score-copies scored
    the copy: the type the page-type model gives the copy's own markup, as at run time."""
    if not variant:
        return page_types[key]
    return page_types.get(f"{key}#{REWRITE_NAMES[TYPED_AS.get(variant, variant)]}", page_types[key])


def read_html(path: Path, variant: str = "") -> str:
    """The page's HTML, rewritten as VARIANTS[variant] says ("": as published)."""
    raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    html = raw.decode("utf-8", errors="replace")
    return VARIANTS[variant](html) if variant else html


def label(text: str, truth_grams: set, truth_str: str) -> int:
    """Content when at least half the block's word 3-grams (short blocks: the whole block) are in the truth."""
    toks = _W.findall(text.lower())
    if not toks:
        return 0
    if len(toks) < 3:
        return int(f" {' '.join(toks)} " in truth_str)
    grams = [tuple(toks[i:i + 3]) for i in range(len(toks) - 2)]
    return int(sum(g in truth_grams for g in grams) >= 0.5 * len(grams))


def paragraphs(page: Page, truth: str | None = None) -> list[str]:
    """A page's truth lines of 8 words or more: its paragraphs (`truth`: its text, when read already)."""
    truth = page.truth_text() if truth is None else truth
    return [" ".join(line.split()) for line in truth.splitlines() if len(line.split()) >= 8]


@functools.lru_cache(maxsize=1)
def _articles_by_fold() -> dict[tuple[str, int], list[Page]]:
    out: dict[tuple[str, int], list[Page]] = {}
    for p in load_pages():
        if p.page_type == "article":
            out.setdefault((p.dataset, p.fold), []).append(p)
    return out


def donor_paragraphs(page: Page, want: int) -> list[str]:
    """`want` paragraphs of the article pages after this one in its set and fold (so a held-out fold
    lends no text to a model trained without it), in order."""
    group = _articles_by_fold()[(page.dataset, page.fold)]
    at = next((i for i, p in enumerate(group) if p.key == page.key), -1)
    out: list[str] = []
    for p in group[at + 1:] + group[:max(at, 0)]:
        out += paragraphs(p)[:want - len(out)]
        if len(out) >= want:
            break
    return out


def prepare_long(page: Page) -> dict:
    """prepare for the LONG copy of an article page: as many paragraphs again as it has (20 to 150),
    from donor_paragraphs, inside its article (markup.longer_article), labelled content. A page that
    is no article or whose article's <p>s are not found gets no blocks (no rows to train on)."""
    empty = {"key": page.key + LONG, "texts": [], "X": np.zeros((0, len(FEATURES)), dtype=np.float32),
             "y": np.zeros(0, dtype=np.int8), "traf": "", "baseline": ""}
    if page.page_type != "article":
        return empty
    truth = page.truth_text()
    grams, truth_str = truth_grams(truth)
    extra = donor_paragraphs(page, min(150, max(20, len(paragraphs(page, truth)))))
    html = longer_article(read_html(page.html), lambda t: bool(label(t, grams, truth_str)), extra)
    if html is None:
        return empty
    return prepare(page, LONG, html, truth + "\n" + "\n".join(extra))


def truth_grams(truth: str) -> tuple[set, str]:
    """The truth's word 3-grams and its words joined by spaces: what label() looks blocks up in."""
    toks = _W.findall(truth.lower())
    return {tuple(toks[i:i + 3]) for i in range(len(toks) - 2)}, f" {' '.join(toks)} "


def model_inputs(html: str, url: str | None = None) -> tuple[list, str, np.ndarray]:
    """A page's blocks, the text of trafilatura's fast pass, and the blocks' feature rows (without
    PAGE_FEATURES, which come from the page-type model): what the model learns from, and what
    provenance.inputs_check takes its digest of."""
    from cleancorpus.pipeline.extraction.parse import load_html

    cfg = load_config(None).extract.model_copy(update={"favor_precision": False})
    tree = load_html(html)
    blocks = page_blocks(tree) if tree is not None else []
    traf = model_input_text(tree, url, cfg) if tree is not None else ""
    return blocks, traf, np.asarray(block_features(blocks, traf), dtype=np.float32).reshape(-1, len(FEATURES))


def _check_inputs(html: str, url: str) -> tuple[str, np.ndarray]:
    return model_inputs(html, url)[1:]


def prepare(page: Page, variant: str = "", html: str | None = None, truth: str | None = None) -> dict:
    """A page's (or its copy's) blocks, features, labels and trafilatura's texts; `html` and `truth`
    in place of the page's (read_html of the variant) where a copy is made otherwise (prepare_long)."""
    import trafilatura

    html = read_html(page.html, variant) if html is None else html
    truth = page.truth_text() if truth is None else truth
    grams, truth_str = truth_grams(truth)
    blocks, traf, X = model_inputs(html, page.meta.get("url"))
    return {
        "key": page.key + variant, "texts": [b.text for b in blocks], "X": X,
        "y": np.asarray([label(b.text, grams, truth_str) for b in blocks], dtype=np.int8),
        "traf": traf, "baseline": trafilatura.extract(html, url=page.meta.get("url")) or "",
    }


def build(pages: list[Page], cache: Path, jobs: int, prepare_page: Callable[[Page], dict] | None = None) -> dict[str, dict]:
    """Every page prepared (by prepare_page, this module's prepare by default) on a pool of jobs,
    from the cache when it exists, else written to it."""
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    t = time.time()
    with ProcessPoolExecutor(jobs) as ex:
        data = {d["key"]: d for d in ex.map(prepare_page or prepare, pages, chunksize=8)}
    cache.write_bytes(pickle.dumps(data))
    print(f"prepared {len(data)} pages in {time.time() - t:.0f} s", file=sys.stderr)
    return data


PARAMS = {
    "objective": "binary", "learning_rate": 0.08, "num_leaves": 31, "min_data_in_leaf": 40,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "seed": 1, "deterministic": True, "force_row_wise": True, "num_threads": 1, "verbose": -1,
}
ROUNDS = 200


# the dev sets, as Page.dataset names them
SETS = ("wcxb-dev", "scrapinghub")


def _fit(keys: list[str], data: dict[str, dict], weights: dict[str, float] | None = None) -> lgb.Booster:
    """Blocks weigh by the square root of their words: a long paragraph wrongly kept or lost costs the
    word-level score more than a one-word menu item, but not so much that menus stop counting. Each
    page's copies weigh as `weights` says by key suffix ("": the page as published, alone by default)."""
    rows = [(k + v, w) for k in keys for v, w in (weights or {"": 1.0}).items()
            if w and k + v in data and len(data[k + v]["y"])]
    X = np.concatenate([data[k]["X"] for k, _ in rows])
    y = np.concatenate([data[k]["y"] for k, _ in rows])
    scale = np.concatenate([np.full(len(data[k]["y"]), w) for k, w in rows])
    w = (np.sqrt(X[:, FEATURES.index("words")]) + 0.5) * scale
    names = list(FEATURES) if X.shape[1] == len(FEATURES) else list(FEATURES + PAGE_FEATURES)  # lines.py: no page
    return lgb.train(PARAMS, lgb.Dataset(X, y, weight=w, feature_name=names), num_boost_round=ROUNDS)


def with_page_types(data: dict[str, dict], pages: list[Page], page_types: dict[str, dict]) -> None:
    """Each block's row gets its page's article probability (PAGE_FEATURES), held out
    (train/page_type.py --held-out): the model then learns from the probabilities it will meet on
    unseen pages, not the shipped page-type model's, which knows these pages. A page's rewritten
    copies (VARIANTS) take their own where page_types has them (page_type_of), else the page's."""
    for p in pages:
        for v in ("", *COPIES):
            d = data.get(p.key + v)
            if d is not None and d["X"].shape[1] == len(FEATURES):
                d["X"] = with_page_columns(d["X"], page_type_of(page_types, p.key, v)["probs"])


def cross_fit(data: dict[str, dict], pages: list[Page], weights: dict[str, float] | None = None,
              sets: tuple[str, ...] = SETS) -> tuple[dict[str, np.ndarray], list[lgb.Booster]]:
    """Each fold's blocks scored by a model trained on the other four (their copies weighed as
    `weights` says, _fit; their pages of `sets` only), and the fold's copies of every variant data
    holds."""
    probs: dict[str, np.ndarray] = {}
    models = []
    for fold in range(5):
        t = time.time()
        m = _fit([p.key for p in pages if p.fold != fold and p.dataset in sets], data, weights)
        models.append(m)
        for p in pages:
            if p.fold != fold:
                continue
            for key in (p.key, *(p.key + v for v in COPIES)):
                if key in data:
                    X = data[key]["X"]
                    probs[key] = m.predict(X, num_threads=1) if len(X) else np.zeros(0)
        print(f"fold {fold}: trained and predicted in {time.time() - t:.0f} s", file=sys.stderr)
    return probs, models


# kept by trafilatura at most 0.5: a grid up to 0.7 let another seed's folds choose (0.6, 0.6) on a
# flat F1, which cut held-out must-include 0.876 -> 0.870 (fold 4: 0.839 -> 0.826) for less leak
GRID = [(a, b) for a in (0.2, 0.3, 0.4, 0.5) for b in (0.5, 0.6, 0.7, 0.8, 0.9)]
# then a floor for blocks of fewer words (a label, a heading, a button): (score, words); (0, 0) is none
SHORT_GRID = [(0.0, 0)] + [(s, n) for n in (5, 8) for s in (0.6, 0.7, 0.8)]


def choose_thresholds(pages: list[Page], data: dict[str, dict], probs: dict[str, np.ndarray],
                      sc, suffix: str = "") -> tuple[float, float, float, int]:
    """The thresholds with the best word F1, the mean of each set's mean: the sets label some
    things differently (WCXB's truth keeps figure captions, ScrapingHub's does not), and a choice
    that gains on the bigger set by losing on the other is no gain. First the pair for blocks
    trafilatura kept and dropped, then the floor for short blocks given that pair."""
    counts = _WordCounts(pages, data, suffix)

    def mean_f1(th: tuple[float, float, float, int]) -> float:
        per_set = []
        for ds in SETS:
            group = [p.key + suffix for p in pages if p.dataset == ds]
            if group:
                per_set.append(sum(counts.f1(k, kept(data[k], probs[k], th)) for k in group) / len(group))
        return sum(per_set) / len(per_set)
    a, b = max(GRID, key=lambda ab: mean_f1((*ab, 0.0, 0)))
    return max(((a, b, s, n) for s, n in SHORT_GRID), key=mean_f1)


class _WordCounts:
    """Word F1 of a choice of blocks, from the truth's and each block's word counts made once (the
    scorer's word_f1 on the joined text, without re-reading the truth for every threshold)."""

    def __init__(self, pages: list[Page], data: dict[str, dict], suffix: str = "") -> None:
        self.truth = {p.key + suffix: Counter(_W.findall(p.truth_text().lower()))
                      for p in pages}
        self.blocks = {p.key + suffix: [Counter(_W.findall(t.lower())) for t in data[p.key + suffix]["texts"]]
                       for p in pages}

    def f1(self, key: str, keep: np.ndarray) -> float:
        ref, hyp = self.truth[key], Counter()
        for c in compress(self.blocks[key], keep):
            hyp.update(c)
        if not ref:
            return 0.0 if hyp else 1.0
        overlap = sum((ref & hyp).values())
        if not overlap:
            return 0.0
        p, r = overlap / sum(hyp.values()), overlap / sum(ref.values())
        return 2 * p * r / (p + r)


def thresholds_spec(th: tuple[float, float, float, int]) -> dict:
    """The thresholds as a model file names them (boilerplate_model.Thresholds)."""
    return {"kept_by_trafilatura": th[0], "dropped_by_trafilatura": th[1], "short_block": th[2], "short_words": th[3]}


@functools.lru_cache(maxsize=1)
def _inputs_check() -> dict:
    """The inputs' digest, the same for every file one run writes (ten fold files and two shipped)."""
    return inputs_check(_check_inputs)


def spec(model: lgb.Booster, th: tuple[float, float, float, int], version: str = VERSION) -> dict:
    return {"version": version, "trained_with": environment(), "inputs_check": _inputs_check(),
            "features": list(FEATURES + PAGE_FEATURES), "thresholds": thresholds_spec(th),
            "booster": model.model_to_string()}


def kept(d: dict, p: np.ndarray, th: tuple[float, float, float, int]) -> np.ndarray:
    """Which blocks pass: BoilerplateModel.keep's rule."""
    if not len(d["X"]):
        return np.zeros(0, dtype=bool)
    cut = np.where(d["X"][:, FEATURES.index("in_traf")] > 0, th[0], th[1])
    cut = np.where(d["X"][:, FEATURES.index("words")] < th[3], np.maximum(cut, th[2]), cut)
    return p >= cut


def choose(d: dict, p: np.ndarray, th: tuple[float, float, float, int]) -> str:
    return "\n".join(compress(d["texts"], kept(d, p, th)))


_ROLE_COLUMNS = [FEATURES.index(f) for f in FEATURES if f.startswith("role_")]


def names_roles(d: dict) -> bool:
    """blocks.names_roles on a prepared page: whether any block has a role word of class or id."""
    return bool(len(d["X"])) and bool((d["X"][:, _ROLE_COLUMNS] > 0).any())


def routed(d: dict, p: np.ndarray, bare_p: np.ndarray, th: tuple[float, float, float, int],
           bare_th: tuple[float, float, float, int]) -> str:
    """The pipeline's choice of model where the markup names no role (html.model_for, which routes
    only the pages its page-type model calls articles: these scores route every such page)."""
    return choose(d, p, th) if names_roles(d) else choose(d, bare_p, bare_th)


# the file names of the fold models --pipeline writes beside its cache (CACHE.models/fold0.json, bare0.json ...)
FOLD_STEM, BARE_STEM = "fold", "bare"


def fold_files(stem: Path, models: list[lgb.Booster], ths: dict[int, tuple[float, float, float, int]],
               version: str) -> dict[int, str]:
    """Each fold's model written as a model file (STEM0.json ...) for the pipeline to load."""
    paths = {}
    for f, m in enumerate(models):
        paths[f] = f"{stem}{f}.json"
        Path(paths[f]).write_text(json.dumps(spec(m, ths[f], version)))
    return paths


def write_model(model_spec: dict) -> None:
    out = MODELS / f"{model_spec['version']}.json"
    out.write_text(json.dumps(model_spec))
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB, thresholds {model_spec['thresholds']})", file=sys.stderr)


# WCXB's snippets write a page's typographic quotes as ASCII about two times in three and as
# published the rest, so a strict match misses kept text on both sides of any system; "must~"
# folds quotes on both sides to show what is really lost
_FOLD_QUOTES = str.maketrans({c: "'" for c in "\u2018\u2019\u201a\u201b"} | {c: '"' for c in "\u201c\u201d\u201e\u201f"})


def _folded(meta: dict) -> dict:
    return {k: [w.translate(_FOLD_QUOTES) for w in meta[k]] for k in ("with", "without")}


@dataclass(frozen=True)
class PageScore:
    """One page's scores under one system: what every table of train/ adds up."""
    p: float
    r: float
    f1: float
    tp: int  # must-include snippets found
    fp: int  # must-not-include snippets found (leaked)
    fn: int
    tn: int
    tp_folded: int  # must-include found with quotes folded on both sides
    empty: bool  # a page with a body (its truth text has words) that came out empty


def page_score(page: Page, text: str, sc) -> PageScore:
    truth = page.truth_text()
    p, r, f1 = sc.word_f1(truth, text)
    tp = fp = fn = tn = folded = 0
    if "with" in page.meta:
        tp, fp, fn, tn = sc.snippet_counts(page.meta, text)
        folded = sc.snippet_counts(_folded(page.meta), text.translate(_FOLD_QUOTES))[0]
    return PageScore(p, r, f1, tp, fp, fn, tn, folded, not text.strip() and bool(truth.strip()))


def aggregate(scores: Iterable[PageScore]) -> dict[str, float]:
    """Word P/R/F1 are means over pages; must, leak and must~ are pooled over snippets."""
    s = list(scores)
    n = len(s) or 1
    tp, fp, fn, tn = (sum(getattr(x, k) for x in s) for k in ("tp", "fp", "fn", "tn"))
    return {"pages": len(s), "P": sum(x.p for x in s) / n, "R": sum(x.r for x in s) / n,
            "F1": sum(x.f1 for x in s) / n, "must": tp / ((tp + fn) or 1), "leak": fp / ((fp + tn) or 1),
            "must~": sum(x.tp_folded for x in s) / ((tp + fn) or 1), "empty": sum(x.empty for x in s)}


def score(pages: list[Page], preds: dict[str, str], sc) -> dict[str, float]:
    return aggregate(page_score(p, preds[p.key], sc) for p in pages)


# the page groups every table reports, each set apart: a gain on one and a loss on another is no gain
GROUPS: dict[str, Callable[[Page], bool]] = {
    "WCXB dev articles": lambda p: p.dataset == "wcxb-dev" and p.page_type == "article",
    "WCXB dev all types": lambda p: p.dataset == "wcxb-dev",
    "ScrapingHub": lambda p: p.dataset == "scrapinghub",
}


def report(pages: list[Page], systems: dict[str, dict[str, str]], sc) -> None:
    groups = {
        **{name: [p for p in pages if sel(p)] for name, sel in GROUPS.items()},
        # the check: fold 4's sites are kept out of sight when reading leaked snippets for ideas
        **{f"{name}, fold 4 alone": [p for p in pages if sel(p) and p.fold == 4]
           for name, sel in GROUPS.items() if name.startswith("WCXB")},
    }
    for name, group in groups.items():
        print(f"\n{name} ({len(group)} pages, held-out folds)")
        print(f"  {'system':34} {'P':>6} {'R':>6} {'F1':>6} {'must':>6} {'leak':>6} {'empty':>5} {'must~':>6}")
        for sys_name, preds in systems.items():
            s = score(group, preds, sc)
            print(f"  {sys_name:34} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} {s['must']:6.3f} {s['leak']:6.3f}"
                  f" {s['empty']:5d} {s['must~']:6.3f}")


def pipeline_texts(pages: list[Page], models: dict[int, str] | None, jobs: int, variant: str = "",
                   bare_models: dict[int, str] | None = None, page_types: dict | None = None) -> dict[str, str]:
    """The text column of the HTML path (extraction, rules, header; no corpus-learned lines, no dedup)
    for every page (rewritten as VARIANTS[variant] says), each fold's pages cleaned with that fold's model
    and, for pages whose markup names no role, that fold's bare model (bare_models; none: the main
    model on every page); models=None: trafilatura alone with the settings before the model
    (favor_precision). page_types: each page's held-out page-type probabilities and threshold
    (train/page_type.py --held-out) in place of the shipped page-type model's, which was trained
    on these pages and knows their types: what the path does with the type (the bare model's
    routing, comments under articles) is then measured as on unseen sites."""
    args = [(p, models[p.fold] if models else None, bare_models[p.fold] if bare_models else None, variant,
             page_type_of(page_types, p.key, variant) if page_types else None) for p in pages]
    with ProcessPoolExecutor(jobs) as ex:
        return dict(zip([p.key for p in pages], ex.map(_clean_one, args, chunksize=8)))


class _HeldOutType(PageTypeModel):
    """A page's held-out page-type verdict, standing in for the shipped page-type model (whose
    predict decides from these probabilities and threshold as it does from its own)."""

    def __init__(self, probs: list[float], threshold: float) -> None:  # no booster to load
        self.probs, self.threshold = np.asarray(probs), threshold

    def probabilities(self, tree: HtmlElement, url: str | None, body_classes: list[str] | None = None,
                      body_texts: list[str] | None = None, fragment_links: list[str] | None = None) -> np.ndarray:
        """The held-out probabilities; the walk of the page-type features still runs when the
        extraction asks for what it reads besides them (the links to the page's own anchors)."""
        if fragment_links is not None:
            walk(tree, fragment_links)
        return self.probs


def _clean_one(arg: tuple[Page, str | None, str | None, str, dict | None]) -> str:
    from cleancorpus.pipeline.extraction import html
    from cleancorpus.pipeline.extraction.page_type import page_type_model
    from cleancorpus.pipeline.model import RawRecord, SourceMeta

    page, model, bare_model, variant, page_type = arg
    held_out = _HeldOutType(page_type["probs"], page_type["threshold"]) if page_type else None
    html.page_type_model = (lambda: held_out) if held_out else page_type_model  # type: ignore[assignment]
    # never the shipped bare model: it was trained on every page, this one among them
    env = model_settings(model or "", bare_model or "")
    if not model:
        env["CLEANCORPUS_EXTRACT__FAVOR_PRECISION"] = "true"
    # settings the caller exported (CLEANCORPUS_EXTRACT__COMMENTS_MIN_ARTICLE=1, ...) apply too, but for the models
    env = {k: v for k, v in os.environ.items() if k.startswith("CLEANCORPUS_")} | env
    rec = RawRecord(source_uri=str(page.html), source_record=None, source_format="html",
                    html=read_html(page.html, variant), meta=SourceMeta(url=page.meta.get("url")))
    res = cleaner(tuple(sorted(env.items()))).process(rec)
    return res.doc.text if res.doc is not None else ""


_CLEANERS: dict = {}


def model_settings(model: str, bare_model: str) -> dict[str, str]:
    """The environment settings that make a Cleaner run these model files ("": none)."""
    return {"CLEANCORPUS_EXTRACT__BOILERPLATE_MODEL": f'"{model}"', "CLEANCORPUS_EXTRACT__BARE_MODEL": f'"{bare_model}"'}


def held_out_cleaner(folder: Path, fold: int):
    """A Cleaner running one fold's main and bare models, as --pipeline --bare-model wrote them in `folder`."""
    return cleaner(tuple(sorted(model_settings(f"{folder / FOLD_STEM}{fold}.json",
                                               f"{folder / BARE_STEM}{fold}.json").items())))


def cleaner(env: tuple):
    """A Cleaner under the config these (name, value) environment settings give, one per process
    and settings: a fold's models, say."""
    from cleancorpus.pipeline.cleaning.cleaner import Cleaner
    if env not in _CLEANERS:
        _CLEANERS[env] = Cleaner(load_config(None, environ=dict(env)))
    return _CLEANERS[env]


# the bare model learns, weighing 1 each, from both rewrites of the training pages that name
# nothing: held out, the table copies lift it on table layouts (ScrapingHub 0.892 -> 0.918) at no
# cost on stripped pages within the seeds' spread; and from the long copies, without which it lost
# the second half of long articles in pages of little chrome (bench/README, boilerplate-bare-6)
BARE_COPIES = (BARE, TABLE, LONG)
# the main model learns from the training pages as published and, weighing 1, from their copies in
# html4 tags and a table layout that keep class and id (named_old): held out over three seeds, those
# copies gain 0.003-0.005 on WCXB articles and 0.006 on ScrapingHub, their leak falls 0.029 -> 0.020,
# for 0.001 on ScrapingHub as published (bench/README, boilerplate-5)
MAIN_COPIES = (NAMED_OLD,)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/cc_blocks.pkl"), help="prepared pages (made if missing)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--pipeline", action="store_true",
                    help="also score the whole HTML path (model + rules) with each fold's model, and the path before it")
    ap.add_argument("--bare-weight", type=float, default=0.0,
                    help="weight of the training pages' copies without class and id in the main model (0: none, as shipped)")
    ap.add_argument("--bare-cache", type=Path, default=Path("/tmp/cc_blocks_bare.pkl"),
                    help="the prepared copies without class and id (made if missing)")
    ap.add_argument("--table-cache", type=Path, default=Path("/tmp/cc_blocks_table.pkl"),
                    help="the prepared copies in a table layout without class and id (made if missing)")
    ap.add_argument("--bare", action="store_true",
                    help="also score every system on the held-out pages without class and id")
    ap.add_argument("--table", action="store_true",
                    help="also score every system on the held-out pages in a table layout without class and id")
    ap.add_argument("--score-copies", default=[], metavar="NAMES", type=_copy_suffixes,
                    help=f"also score every system on the held-out pages rewritten so (comma-separated: "
                         f"{', '.join(REWRITE_NAMES[v] for v in OLDER)}), each with the page type the page-type model "
                         f"gives the copy (--page-types from train/page_type.py --score-copies; else its page's); "
                         f"their blocks are prepared beside --cache (CACHE_<name>.pkl)")
    ap.add_argument("--main-copies", default=_names(MAIN_COPIES), metavar="NAMES",
                    type=_copy_suffixes,
                    help="train the main model on the training pages' copies so rewritten too (comma-separated, "
                         "as --score-copies; \"\" for none), weighing --main-copy-weight each "
                         f"(default {_names(MAIN_COPIES)}, as shipped)")
    ap.add_argument("--main-copy-weight", type=float, default=1.0, help="the weight of --main-copies' rows")
    ap.add_argument("--bare-model", action="store_true",
                    help="also train the bare model (on the pages' copies without class and id, in a table layout, "
                         "and with their articles made longer) "
                         "for articles whose markup names no role, and route such pages to it (with --write: write it too)")
    ap.add_argument("--bare-copies", default=_names(BARE_COPIES), metavar="NAMES",
                    type=functools.partial(_copy_suffixes, among=COPIES),
                    help=f"the copies the bare model trains on, weighing 1 each ({', '.join(REWRITE_NAMES.values())}; "
                         f"default {_names(BARE_COPIES)})")
    ap.add_argument("--page-types", type=Path, metavar="FILE",
                    help="every page's held-out page-type probabilities (train/page_type.py --held-out FILE): the "
                         "model reads them with each block, and with --pipeline the path decides the page type "
                         "from them instead of the shipped page-type model, which was trained on these pages")
    ap.add_argument("--train-on", choices=SETS, metavar="SET",
                    help="train each fold's model (and choose its thresholds) on this set's pages alone, "
                         "so that the other set is scored by a model that never saw a page of it: how the "
                         "model carries to pages of another crawl and years (wcxb-dev or scrapinghub)")
    ap.add_argument("--write", action="store_true", help="train on all pages and write the shipped model")
    ap.add_argument("--dump", type=Path, help="pickle every system's text of every page here (to read its errors)")
    ap.add_argument("--report", type=Path, metavar="DUMP", help="only print the tables of an earlier --dump")
    a = ap.parse_args(argv)
    if a.write and a.train_on:
        ap.error("--write trains the shipped model on both sets: leave out --train-on")
    if not (a.page_types or a.report):
        ap.error("--page-types FILE is needed: the model reads each page's page-type probabilities")
    sets = (a.train_on,) if a.train_on else SETS
    pages = load_pages()
    if a.report:
        report(pages, pickle.loads(a.report.read_bytes())["systems"], _scorer())
        return 0
    data = build(pages, a.cache, a.jobs)
    if a.bare_weight or a.bare or a.bare_model:
        data |= build(pages, a.bare_cache, a.jobs, functools.partial(prepare, variant=BARE))
    if a.table or a.bare_model:
        data |= build(pages, a.table_cache, a.jobs, functools.partial(prepare, variant=TABLE))
    for variant in dict.fromkeys([*a.score_copies, *a.main_copies, *(v for v in a.bare_copies if v in OLDER)]):
        cache = a.cache.with_name(f"{a.cache.stem}_{REWRITE_NAMES[variant]}.pkl")
        data |= build(pages, cache, a.jobs, functools.partial(prepare, variant=variant))
    if LONG in a.bare_copies:
        data |= build(pages, a.cache.with_name(f"{a.cache.stem}_{REWRITE_NAMES[LONG]}.pkl"), a.jobs, prepare_long)
    sc = _scorer()
    page_types = json.loads(a.page_types.read_text())["pages"]
    with_page_types(data, pages, page_types)
    t = time.time()
    main_weights = {"": 1.0, BARE: a.bare_weight} | {v: a.main_copy_weight for v in a.main_copies}
    probs, models = cross_fit(data, pages, main_weights, sets)
    print(f"5 fold models in {time.time() - t:.0f} s", file=sys.stderr)
    # each fold's thresholds are chosen on the other folds' held-out verdicts
    ths = {f: choose_thresholds([p for p in pages if p.fold != f and p.dataset in sets], data, probs, sc)
           for f in range(5)}
    print("thresholds per fold (kept by trafilatura, dropped by it, short-block floor, its words):", ths, file=sys.stderr)
    systems = {"trafilatura extract() default": {p.key: data[p.key]["baseline"] for p in pages},
               "trafilatura fast (model input)": {p.key: data[p.key]["traf"] for p in pages},
               "model blocks": {p.key: choose(data[p.key], probs[p.key], ths[p.fold]) for p in pages}}
    bare_probs, bare_models, bare_ths = {}, [], {}
    if a.bare_model:
        bare_weights = {v: 1.0 for v in a.bare_copies}
        bare_probs, bare_models = cross_fit(data, pages, bare_weights, sets)
        # its thresholds chosen on the stripped copies: the pages it is for
        bare_ths = {f: choose_thresholds([p for p in pages if p.fold != f and p.dataset in sets], data, bare_probs,
                                         sc, BARE) for f in range(5)}
        print("bare model's thresholds per fold:", bare_ths, file=sys.stderr)
        systems["model blocks, routed"] = {p.key: routed(data[p.key], probs[p.key], bare_probs[p.key], ths[p.fold],
                                                         bare_ths[p.fold]) for p in pages}
        print("pages whose markup names no role (routed to the bare model):",
              [p.key for p in pages if not names_roles(data[p.key])], file=sys.stderr)
    paths: dict[int, str] = {}
    bare_paths: dict[int, str] | None = None
    if a.pipeline:
        folder = Path(a.cache).with_suffix(".models")
        folder.mkdir(exist_ok=True)
        paths = fold_files(folder / FOLD_STEM, models, ths, VERSION)
        if a.bare_model:
            bare_paths = fold_files(folder / BARE_STEM, bare_models, bare_ths, BARE_VERSION)
        systems["cleancorpus before (trafilatura precision + rules)"] = pipeline_texts(pages, None, a.jobs)
        systems["cleancorpus model + rules"] = pipeline_texts(pages, paths, a.jobs, bare_models=bare_paths,
                                                              page_types=page_types)
    report(pages, systems, sc)
    rewritten: dict[str, dict[str, dict[str, str]]] = {}
    for variant, wanted, title in ((BARE, a.bare, "without class and id attributes"),
                                   (TABLE, a.table, "in a table layout without class and id"),
                                   *((v, v in a.score_copies, OLDER[v]) for v in OLDER)):
        if not wanted:
            continue
        v = rewritten[variant] = {
            "trafilatura extract() default": {p.key: data[p.key + variant]["baseline"] for p in pages},
            "model blocks": {p.key: choose(data[p.key + variant], probs[p.key + variant], ths[p.fold]) for p in pages}}
        if a.bare_model:
            v["bare model blocks"] = {p.key: choose(data[p.key + variant], bare_probs[p.key + variant], bare_ths[p.fold])
                                      for p in pages}
        if a.pipeline:
            v["cleancorpus model + rules"] = pipeline_texts(pages, paths, a.jobs, variant, bare_paths, page_types)
        print(f"\n# the same pages {title}")
        report(pages, v, sc)
    if a.dump:
        a.dump.write_bytes(pickle.dumps({"systems": systems, "probs": probs, "thresholds": ths, "rewritten": rewritten}))
    if a.write:
        t = time.time()
        th = choose_thresholds(pages, data, probs, sc)
        write_model(spec(_fit([p.key for p in pages], data, main_weights), th))
        if a.bare_model:
            th = choose_thresholds(pages, data, bare_probs, sc, BARE)
            write_model(spec(_fit([p.key for p in pages], data, bare_weights), th, BARE_VERSION))
        print(f"trained and written in {time.time() - t:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The learned boilerplate model: which of a page's DOM blocks are the article.

trafilatura keeps most articles whole but drops some content (short pages, odd markup) and
leaks some chrome (share bars, related links, captions); rules catch only the chrome they
name. The model sees each block with trafilatura's verdict among its features, so it learns
where to trust trafilatura and where not, from pages of many sites (train/boilerplate.py).
A block trafilatura kept and the model drops is recorded as removed by `model.<version>`.

Every block also carries its page's probability of being an article (PAGE_FEATURES, from the
page-type model): a list of headlines with their leads is the content of a listing and a teaser
strip under an article. Without it, a model trained on WCXB's pages of every type kept such
strips on ScrapingHub's news pages, a crawl it had not seen, and did worse there than
trafilatura's fast pass it reads (bench/README).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from cleancorpus.pipeline.boosters import Booster
from cleancorpus.pipeline.config import ExtractConfig
from cleancorpus.pipeline.extraction.blocks import FEATURES, Block, block_features
from cleancorpus.pipeline.reasons import PAGE_TYPES

VERSION = "boilerplate-6"  # boilerplate-5's recipe trained on the inputs this code computes (tests/test_model_inputs.py)
# the model for articles whose markup names no role (blocks.names_roles), trained on the dev pages
# with every class and id taken out, as laid out and in a table layout, and on article pages in a
# table layout made longer with other articles' paragraphs (a long article's second half stands
# far down its page, where the dev pages have their chrome): the role words the main model leans
# on are all zero there. Each copy reads the article probability the page-type model gives its
# own markup (held out), lower in a table layout than as published: what it meets on such pages
# at run time
BARE_VERSION = "boilerplate-bare-7"  # boilerplate-bare-6's recipe, likewise
# the page-type model's probability that the page is an article (PAGE_TYPES[0]), after each
# block's own features (all seven probabilities kept more of non-articles' boilerplate: bench/README)
PAGE_FEATURES = (f"page_{PAGE_TYPES[0]}",)
SHIPPED = "default"  # the config value that names the model shipped in pipeline/models
_IN_TRAF = FEATURES.index("in_traf")
_WORDS = FEATURES.index("words")


@dataclass(frozen=True)
class Thresholds:
    """A block trafilatura kept stays at a lower score than one it dropped: bringing a block
    back is the riskier call (reader comments and captions read like prose). A block of fewer
    than `short_words` words needs at least `short_block`: a label, heading or button costs the
    text little when lost and is what most leaked boilerplate is (all chosen on held-out folds)."""
    kept_by_trafilatura: float
    dropped_by_trafilatura: float
    short_block: float = 0.0
    short_words: int = 0


class BoilerplateModel:
    def __init__(self, spec: dict) -> None:
        features = list(spec["features"])
        # the line model (line_model.py) reads blocks of flat text, which have no page type
        if features not in (list(FEATURES), list(FEATURES + PAGE_FEATURES)):
            raise ValueError(f"model {spec.get('version')} was trained on other features than this code computes")
        self.page_features = len(features) > len(FEATURES)
        self.version: str = spec["version"]
        self.rule = f"model.{self.version}"
        self.thresholds = Thresholds(**spec["thresholds"])
        self._booster = Booster(model_str=spec["booster"])

    def keep(self, blocks: list[Block], traf_text: str,
             page: Sequence[float] | None = None) -> tuple[list[bool], list[bool]]:
        """Which blocks are the article, and which of them trafilatura had kept; `page`: the page's
        page-type probabilities, for a model that reads them."""
        if not blocks:
            return [], []
        keep, in_traf, _ = self.verdicts(blocks, traf_text, page=page)
        return keep.tolist(), in_traf.tolist()

    def verdicts(self, blocks: list[Block], traf_text: str, rows: np.ndarray | None = None,
                 page: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """keep's verdicts as arrays, with the scores they come from (blocks must not be empty).
        With `rows` (a mask), only those blocks are scored, the rest get 0 (dropped): a block's
        features still read its neighbours, but the trees need not run where no verdict is used."""
        X = np.asarray(block_features(blocks, traf_text), dtype=np.float64)
        if self.page_features:
            if page is None or len(page) != len(PAGE_TYPES):
                raise ValueError(f"model {self.version} reads the page's {len(PAGE_TYPES)} page-type probabilities")
            X = with_page_columns(X, page)
        if rows is None:
            p = self._booster.predict(X, num_threads=1)
        else:
            p = np.zeros(len(X))
            if rows.any():
                p[rows] = self._booster.predict(X[rows], num_threads=1)
        in_traf = X[:, _IN_TRAF] > 0
        th = np.where(in_traf, self.thresholds.kept_by_trafilatura, self.thresholds.dropped_by_trafilatura)
        th = np.where(X[:, _WORDS] < self.thresholds.short_words, np.maximum(th, self.thresholds.short_block), th)
        return p >= th, in_traf, p


def with_page_columns(X: np.ndarray, page: Sequence[float]) -> np.ndarray:
    """Blocks' feature rows with their page's PAGE_FEATURES after them, from its page-type
    probabilities (PAGE_TYPES order): as the model reads them, and as train/boilerplate.py
    trains it."""
    column = np.asarray(page[:len(PAGE_FEATURES)], dtype=X.dtype)
    return np.hstack([X, np.broadcast_to(column, (len(X), len(PAGE_FEATURES)))])


def model_spec(name: str, shipped_version: str) -> dict:
    """The JSON of a model a config names: SHIPPED for the one in pipeline/models (its file named
    after its version), else a file's path (a model a train/ script wrote, say on other pages)."""
    if name == SHIPPED:
        text = files("cleancorpus.pipeline.models").joinpath(f"{shipped_version}.json").read_text(encoding="utf-8")
    else:
        text = Path(name).read_text(encoding="utf-8")
    return json.loads(text)


def active_models(extract: ExtractConfig) -> tuple[BoilerplateModel | None, BoilerplateModel | None]:
    """The main and bare models an [extract] config runs, or None: the bare model stands in for
    the main one on some pages, so it runs only with the main model on."""
    main = load_model(extract.boilerplate_model) if extract.boilerplate_model else None
    bare = load_model(extract.bare_model, BARE_VERSION) if main is not None and extract.bare_model else None
    return main, bare


@lru_cache(maxsize=4)
def load_model(name: str, shipped_version: str = VERSION) -> BoilerplateModel:
    """The model a config names, read once per process: the shipped one of that version, or a file
    (a model trained by train/boilerplate.py on other pages)."""
    return BoilerplateModel(model_spec(name, shipped_version))

"""How two documents are compared: the confirmation of a candidate pair, and the sets it reads.

`confirm(x, r)` says whether x is a duplicate of r and at what similarity, on what view.py
takes of each (article shingles, numbers, whole-text size, site and title); `ShingleSets`
loads those a file at a time into a bounded cache, so dedup's memory does not grow with a run.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cleancorpus.pipeline.config import DedupConfig
from cleancorpus.pipeline.dedup.signatures import fold, jaccard_containment
from cleancorpus.pipeline.dedup.view import facts_agree


@dataclass(frozen=True, slots=True)
class Compared:
    """What a document is compared on: its article's shingle set and facts (view.py)."""

    shingles: np.ndarray  # sorted distinct uint32
    facts: np.ndarray  # sorted distinct uint32
    view_share: float  # the share of the whole text (chrome included) the shingles come from
    site: str | None = None  # domain
    title: str | None = None


EMPTY = Compared(np.zeros(0, np.uint32), np.zeros(0, np.uint32), 1.0)


def confirm(x: Compared, r: Compared, cfg: DedupConfig, jc: tuple[float, float] | None = None) -> float | None:
    """The similarity at which x is a duplicate of r (Jaccard, or containment when that is what
    passed), None when it is not one. Directional: x is what would be dropped, so the text they
    share must be at least containment_threshold of x, of its article prose and of its whole
    text alike (a listing page that quotes a product's blurb is not a copy of the product page:
    it would lose all the rest).

    Containment counts only between texts of some length and of comparable size (a short text
    inside a long one is a quote or an excerpt), and any match needs the two texts' numbers to
    agree (a template filled in twice is not a copy). Two pages of one site share that site's prose (a
    sale notice, a newsletter blurb): between them only Jaccard counts, and only when their
    titles agree."""
    same_site = x.site is not None and x.site == r.site
    if same_site and x.title and r.title and fold(x.title) != fold(r.title):
        return None  # two pages of one site under different titles: what they share is the site's
    j, c = jc or jaccard_containment(x.shingles, r.shingles)  # both symmetric: a caller may pass them in
    nx, nr = len(x.shingles), len(r.shingles)
    shared = c * min(nx, nr)
    cx = shared / nx if nx else 0.0  # how much of x's article r holds
    if cx * x.view_share < cfg.containment_threshold:
        return None  # too little of x's whole text is in r
    # a short text inside a long one is a quote or an excerpt, not a copy of it
    contained = (not same_site and cx >= cfg.containment_threshold and min(nx, nr) >= cfg.min_shingles
                 and cfg.containment_size_ratio * min(nx, nr) >= max(nx, nr))
    if j < cfg.jaccard_threshold and not contained:
        return None
    if not facts_agree(x.facts, r.facts, cfg.min_facts, cfg.facts_threshold):
        return None
    return j if j >= cfg.jaccard_threshold else cx


def related(a: Compared, b: Compared, cfg: DedupConfig) -> bool:
    """Either could be a duplicate of the other: the two belong to one candidate cluster."""
    jc = jaccard_containment(a.shingles, b.shingles)
    return confirm(a, b, cfg, jc) is not None or confirm(b, a, cfg, jc) is not None


class ShingleSets:
    """Shingle sets of candidate documents, loaded a group (a shard, an earlier run's file) at a
    time and kept in a bounded LRU, so dedup's working memory does not grow with the run.

    Pairs come sorted by group, so a few thousand sets cover the working set; a run row that
    falls out costs one seek and read of its shard's sets file when asked for again."""

    def __init__(self, load: Callable[[list[int]], dict[int, Compared]], group: Callable[[int], Any],
                 needed: Iterable[int], capacity: int = 4_096, prefetch: Callable[[int], bool] = lambda x: True) -> None:
        self.load, self.group, self.capacity, self.prefetch = load, group, capacity, prefetch
        self._needed: Iterable[int] | None = needed
        self._by_group: dict[Any, list[int]] | None = None
        self.cache: OrderedDict[int, Compared] = OrderedDict()

    @property
    def by_group(self) -> dict[Any, list[int]]:
        """The needed rows by group, made on the first set asked for: a dedup step that only
        hands load and group to tasks never builds it."""
        if self._by_group is None:
            self._by_group = {}
            needed = self._needed if isinstance(self._needed, np.ndarray) else np.fromiter(self._needed or (), np.int64)
            for x in np.unique(needed).tolist():
                self._by_group.setdefault(self.group(x), []).append(x)
            self._needed = None
        return self._by_group

    def __call__(self, x: int) -> Compared:
        hit = self.cache.get(x)
        if hit is not None:
            self.cache.move_to_end(x)
            return hit
        rows = [x]
        if self.prefetch(x):  # loading costs per group (a file of texts): take the group's other rows along
            rows = [y for y in self.by_group.get(self.group(x), []) if y not in self.cache and y != x] + [x]
        sets = self.load(rows)
        for y in rows:  # x last, so eviction never drops the set just asked for
            self.cache[y] = sets.get(y, EMPTY)
            while len(self.cache) > self.capacity:
                self.cache.popitem(last=False)
        return self.cache[x]

"""Exact and near-duplicate detection within a run and against every earlier run.

Candidates come from MinHash LSH band keys; a candidate pair is only a duplicate when the
true Jaccard of the shingle sets, or the containment of the smaller in the larger, passes
its threshold (containment catches a copy that kept 60% of the article or added a footer).
Clusters are built with union-find over confirmed pairs, so the result does not depend on
the order documents arrive in or on how they were split into shards.

Representative rule: a document kept by an earlier run stays kept (outputs are immutable);
otherwise the earliest published, then the most complete metadata (title, author, date,
url), then the longest, then the smallest doc_id.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cleancorpus.pipeline.config import DedupConfig
from cleancorpus.pipeline.dedup.candidates import in_group_order, plausible, run_pairs
from cleancorpus.pipeline.dedup.index import IndexView
from cleancorpus.pipeline.dedup.signatures import band_keys, jaccard_containment

NO_DATE = np.iinfo(np.int64).max


@dataclass
class RunCandidates:
    """Columns of the run's documents that dedup needs; row i is one document."""

    doc_id: np.ndarray  # object (str)
    hash64: np.ndarray  # uint64, first 8 bytes of text_hash
    published: np.ndarray  # int64 epoch microseconds, NO_DATE when unknown
    completeness: np.ndarray  # int8
    n_words: np.ndarray  # int32
    sig: np.ndarray  # (n, num_perm) uint32
    n_shingles: np.ndarray  # int32

    def __len__(self) -> int:
        return len(self.doc_id)


@dataclass
class Decision:
    status: str  # kept, exact_duplicate, near_duplicate
    cluster: str  # doc_id of the representative
    cluster_size: int
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass
class DedupResult:
    decisions: list[Decision]  # one per run row, in row order
    doc_ids: list[str]  # final doc_id per run row (versioned when the id is already taken)
    index_bands: np.ndarray  # (n, bands) uint32 band keys of the run rows, as the index stores them
    index_growth: dict[str, int]  # index doc_id -> members added this run
    pairs_checked: int = 0  # LSH candidate pairs
    pairs_confirmed: int = 0  # candidate pairs that joined two clusters on their exact shingle sets


class UnionFind:
    """Disjoint sets; the smaller item becomes the root, so roots do not depend on union order.

    Over 0..n-1 (a list, fast) when given a count, or over any sortable hashable items."""

    def __init__(self, items: int | Iterable[Any]) -> None:
        self.parent: Any = list(range(items)) if isinstance(items, int) else {x: x for x in items}

    def find(self, x: Any) -> Any:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _passes(j: float, c: float, n_small: int, cfg: DedupConfig) -> bool:
    """Jaccard, or containment of the smaller set when it is big enough to mean something
    (a 10-shingle fragment is "contained" in many unrelated articles)."""
    return j >= cfg.jaccard_threshold or (c >= cfg.containment_threshold and n_small >= cfg.min_shingles)


def _similarity(j: float, c: float, cfg: DedupConfig) -> float:
    return j if j >= cfg.jaccard_threshold else c


class _ShingleSets:
    """Shingle sets of candidate documents, loaded a group (a shard, an earlier run's file) at a
    time and kept in a bounded LRU, so dedup's working memory does not grow with the run.

    Pairs come sorted by group, so a few thousand sets cover the working set; a run row that
    falls out costs one seek and read of its shard's sets file when asked for again."""

    def __init__(self, load: Callable[[list[int]], dict[int, np.ndarray]], group: Callable[[int], Any],
                 needed: Iterable[int], capacity: int = 4_096, prefetch: Callable[[int], bool] = lambda x: True) -> None:
        self.load, self.group, self.capacity, self.prefetch = load, group, capacity, prefetch
        self.by_group: dict[Any, list[int]] = {}
        for x in sorted(set(needed)):
            self.by_group.setdefault(group(x), []).append(x)
        self.cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def __call__(self, x: int) -> np.ndarray:
        hit = self.cache.get(x)
        if hit is not None:
            self.cache.move_to_end(x)
            return hit
        rows = [x]
        if self.prefetch(x):  # loading costs per group (a file of texts): take the group's other rows along
            rows = [y for y in self.by_group.get(self.group(x), []) if y not in self.cache and y != x] + [x]
        sets = self.load(rows)
        for y in rows:  # x last, so eviction never drops the set just asked for
            self.cache[y] = sets.get(y, _EMPTY_SET)
            while len(self.cache) > self.capacity:
                self.cache.popitem(last=False)
        return self.cache[x]


_EMPTY_SET = np.zeros(0, np.uint32)


def deduplicate(
    run: RunCandidates,
    index: IndexView,
    cfg: DedupConfig,
    load_sets: Callable[[list[int]], dict[int, np.ndarray]],
    group: Callable[[int], Any] = lambda x: x,
    prefetch: Callable[[int], bool] = lambda x: True,
) -> DedupResult:
    """Decide kept / duplicate for every run document. Shingle sets are fetched only for candidates.

    load_sets(rows) gives the shingle sets of run rows 0..n-1 and index rows n..n+m-1;
    group(x) names where row x's set lives, so sets load a shard or file at a time and
    candidate pairs are checked in that order."""
    n, m = len(run), len(index)
    index.prepare()
    keys = band_keys(run.sig, cfg.bands) if n else np.zeros((0, cfg.bands), np.uint64)
    keys32 = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    uf = UnionFind(n + m)  # run rows 0..n-1, index rows n..n+m-1
    exact_pair: set[tuple[int, int]] = set()
    touched: set[int] = set()  # index rows joined to some run document
    # exact duplicates, in the run and against the index
    order = np.lexsort((run.doc_id.astype(str), run.hash64)) if n else np.zeros(0, np.int64)
    for a, b in zip(order[:-1], order[1:]):
        if run.hash64[a] == run.hash64[b]:
            uf.union(int(a), int(b))
            exact_pair.add((min(int(a), int(b)), max(int(a), int(b))))
    for i, j in enumerate(index.exact(run.hash64)):
        if j >= 0:
            uf.union(i, n + int(j))
            exact_pair.add((i, n + int(j)))
            touched.add(n + int(j))
    # near duplicates: LSH candidates, estimated on signatures, confirmed on shingle sets
    # in the run, full signatures are at hand: finer bands (fewer rows) find containment
    # copies whose Jaccard is low; only the index is limited to the coarser stored bands
    run_keys = band_keys(run.sig, cfg.run_bands) if n else np.zeros((0, cfg.run_bands), np.uint64)
    pairs_in_run = run_pairs(run_keys)
    roots = np.array([uf.find(x) for x in range(n)], dtype=np.int64)  # pairs already joined as exact copies drop out
    cand_run = plausible(run, pairs_in_run[roots[pairs_in_run[:, 0]] != roots[pairs_in_run[:, 1]]], cfg)
    cand_idx = [(i, n + j) for i, j in index.band_hits(keys32) if uf.find(i) != uf.find(n + j)]
    pairs = in_group_order(np.concatenate((cand_run, np.array(cand_idx, dtype=np.int64).reshape(-1, 2))), group)
    sset = _ShingleSets(load_sets, group, (x for p in pairs for x in p), prefetch=prefetch)
    sims: dict[tuple[int, int], float] = {}
    joined_before: set[tuple[int, int]] = set()  # pairs already in one cluster when their turn came
    confirmed = 0
    for a, b in pairs:
        if uf.find(a) == uf.find(b):
            # nothing to decide (copies of one page pair up in stars and chains): their similarity
            # is worked out below if this pair turns out to be a member and its representative
            joined_before.add((a, b))
            continue
        sa, sb = sset(a), sset(b)
        j, c = jaccard_containment(sa, sb)
        if _passes(j, c, min(len(sa), len(sb)), cfg):
            uf.union(a, b)
            if b >= n:
                touched.add(b)
            sims[(a, b)] = _similarity(j, c, cfg)
            confirmed += 1
    # clusters and representatives
    members: dict[int, list[int]] = {}
    for x in range(n):
        members.setdefault(uf.find(x), []).append(x)
    idx_by_root: dict[int, list[int]] = {}
    for y in sorted(touched):
        idx_by_root.setdefault(uf.find(y), []).append(y)
    final_ids = _unique_ids(run, index)
    decisions: list[Decision | None] = [None] * n
    pending: list[tuple[int, int, str, int]] = []
    growth: dict[str, int] = {}
    for root, xs in members.items():
        idx_members = idx_by_root.get(root, [])
        if idx_members:
            rep_id = min(index.kept_id(y - n) for y in idx_members)
            rows = [y for y in idx_members if str(index.doc_id[y - n]) == rep_id]
            if not rows:  # matched only rejected members: find the kept row they point to
                rows = [n + int(j) for j in np.flatnonzero(index.doc_id == rep_id)[:1]]
            rep = rows[0] if rows else min(idx_members, key=lambda y: index.kept_id(y - n))
            size = int(index.cluster_size[rep - n]) + len(xs)
            growth[rep_id] = growth.get(rep_id, 0) + len(xs)
        else:
            rep = min(xs, key=lambda x: (int(run.published[x]), -int(run.completeness[x]), -int(run.n_words[x]), final_ids[x]))
            rep_id, size = final_ids[rep], len(xs)
        for x in xs:
            if x == rep:
                decisions[x] = Decision("kept", rep_id, size)
                continue
            pair = (min(x, rep), max(x, rep))
            if pair in exact_pair or (rep < n and run.hash64[x] == run.hash64[rep]) or (
                rep >= n and index.hash64[rep - n] == run.hash64[x]
            ):
                decisions[x] = Decision("exact_duplicate", rep_id, size, rep_id, 1.0)
            elif pair in sims:
                decisions[x] = Decision("near_duplicate", rep_id, size, rep_id, round(float(sims[pair]), 4))
            else:
                pending.append((x, rep, rep_id, size))
    # similarity to the representative for members joined through others, in storage order
    for x, rep, rep_id, size in sorted(pending, key=lambda t: (str(group(t[0])), t[0])):
        sx, sr = sset(x), sset(rep)
        j, c = jaccard_containment(sx, sr)
        direct = (min(x, rep), max(x, rep)) in joined_before and _passes(j, c, min(len(sx), len(sr)), cfg)
        sim = _similarity(j, c, cfg) if direct else max(j, c)  # as if the pair had been checked in turn
        decisions[x] = Decision("near_duplicate", rep_id, size, rep_id, round(float(sim), 4))
    return DedupResult([d for d in decisions if d is not None], final_ids, keys32, growth,
                       len(cand_run) + len(cand_idx), confirmed)


def _unique_ids(run: RunCandidates, index: IndexView) -> list[str]:
    """doc_id per row, versioned ("id.hash8") when an earlier run or an earlier row holds the id.

    The same URL can come back with new content (a changed page, a re-crawl); its first
    version keeps the plain id so ids stay stable, later versions get a content-derived one.
    """
    ids = [str(x) for x in run.doc_id]
    taken = set(index.doc_id.tolist()) if len(index) else set()
    res = [""] * len(ids)
    for x in sorted(range(len(ids)), key=lambda i: (ids[i], int(run.published[i]), int(run.hash64[i]))):
        d = ids[x] if ids[x] not in taken else f"{ids[x]}.{int(run.hash64[x]):016x}"[: len(ids[x]) + 9]
        taken.add(d)
        res[x] = d
    return res

"""Candidate pairs: documents that share an LSH band key, screened on their signatures.

Only candidates are confirmed on exact shingle sets (decisions.py), so what is found here
bounds dedup's recall, and how many pairs pass the screen bounds its cost.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np

from cleancorpus.pipeline.config import DedupConfig
from cleancorpus.pipeline.dedup.signatures import sorted_unique

if TYPE_CHECKING:
    from cleancorpus.pipeline.dedup.decisions import RunCandidates

_GROUP_ALL_PAIRS = 8


def run_pairs(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct (a, b), a < b, of rows sharing a band key, as an (m, 2) array: every
    pair of a small group; a star from the first row and a chain through the rest of a big one
    (enough for union-find, linear in the group). In numpy: a Python loop over the groups of
    60 bands made millions of tiny arrays on a corpus of mostly distinct documents. The bands
    are independent and numpy's sorts let go of the GIL, so two threads share them."""
    n = keys.shape[0]
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = [c for band in pool.map(lambda b: _band_pairs(keys[:, b], n), range(keys.shape[1])) for c in band]
    return merge_codes(codes, n)


def merge_codes(parts: Iterable[np.ndarray], n: int) -> np.ndarray:
    """Pair codes (a * n + b) from any number of bands or tasks as sorted distinct (a, b) rows, (m, 2)."""
    arrays = [np.asarray(p, np.int64) for p in parts]
    if not any(len(p) for p in arrays):
        return np.zeros((0, 2), np.int64)
    codes = sorted_unique(np.concatenate(arrays))
    return np.stack((codes // n, codes % n), axis=1)


def _band_pairs(column: np.ndarray, n: int) -> list[np.ndarray]:
    """The pair codes (a * n + b) of one band's groups of equal keys."""
    codes: list[np.ndarray] = []
    order = np.argsort(column, kind="stable")  # stable: a group's rows come in ascending order
    s = column[order]
    starts = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
    sizes = np.diff(np.append(starts, n))
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= _GROUP_ALL_PAIRS)]):
        rows = order[starts[sizes == size][:, None] + np.arange(size)]  # (groups, size)
        i, j = np.triu_indices(int(size), 1)
        codes.append(rows[:, i].ravel() * n + rows[:, j].ravel())
    big = starts[sizes > _GROUP_ALL_PAIRS]
    if len(big):
        big_sizes = sizes[sizes > _GROUP_ALL_PAIRS]
        first = np.repeat(order[big], big_sizes - 1)
        member = order[np.repeat(big, big_sizes - 1) + _ranges(big_sizes - 1) + 1]
        codes.append(first * n + member)  # the star
        head = np.repeat(big + 1, big_sizes - 2) + _ranges(big_sizes - 2)
        codes.append(order[head] * n + order[head + 1])  # the chain through the rest
    return codes


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for each count, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)


def plausible(run: RunCandidates, pairs: np.ndarray, cfg: DedupConfig) -> np.ndarray:
    """The (m, 2) pairs that pass a cheap screen on the signatures before fetching texts:
    estimated Jaccard, and the containment it implies given the two shingle counts, with a
    wide margin (20,000 pairs at a time, so the gathered signatures stay small)."""
    out: list[np.ndarray] = [np.zeros((0, 2), np.int64)]
    for lo in range(0, len(pairs), 20_000):
        ab = pairs[lo:lo + 20_000]
        a, b = ab[:, 0], ab[:, 1]
        j = (run.sig[a] == run.sig[b]).mean(axis=1)
        na, nb = run.n_shingles[a].astype(np.float64), run.n_shingles[b].astype(np.float64)
        small = np.minimum(na, nb)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.minimum(1.0, j * (na + nb) / (1.0 + j) / small)
        keep = (small > 0) & ((j >= cfg.jaccard_threshold * 0.6) | (c >= cfg.containment_threshold * 0.6))
        out.append(ab[keep])
    return np.concatenate(out)


def in_group_order(pairs: np.ndarray, group: Callable[[int], Any]) -> np.ndarray:
    """The (m, 2) pairs sorted by (str(group(a)), str(group(b)), a, b): where their sets live,
    then themselves, as an (m, 2) int64 array. group is asked once per row and the sort is
    numpy's; sorted() with that key took half a second on the 260,000 pairs of 100,000 documents."""
    if not len(pairs):
        return np.zeros((0, 2), np.int64)
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    rows = sorted_unique(arr.ravel())
    names = [str(group(int(x))) for x in rows]
    rank_of = {name: r for r, name in enumerate(sorted(set(names)))}
    rank = np.array([rank_of[name] for name in names], dtype=np.int64)[np.searchsorted(rows, arr)]
    order = np.lexsort((arr[:, 1], arr[:, 0], rank[:, 1], rank[:, 0]))
    return arr[order]

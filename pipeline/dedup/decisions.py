"""Exact and near-duplicate detection within a run and against every earlier run.

Candidates come from MinHash LSH band keys; a candidate pair is only a duplicate when the
true Jaccard of the shingle sets, or the containment of the smaller in the larger, passes
its threshold (containment catches a copy that kept 60% of the article or added a footer),
and the numbers and names of the two texts agree (view.py). Shingles and facts come from the
article prose of each document, not from the chrome around it.

No chains: confirmed pairs only group documents into candidate clusters; inside one, each
document joins a kept representative only when confirmed against that representative itself,
or becomes one. Documents are taken in representative order, so the result depends only on
the documents, never on the order they arrive in or on how they were split into shards.

Representative rule: a document kept by an earlier run stays kept (outputs are immutable);
otherwise the earliest published, then the most complete metadata (title, author, date,
url), then the one with the most candidates (the original that copies were made from, rather
than a revision of it), then the longest, then the smallest doc_id.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from cleancorpus.pipeline.config import DedupConfig
from cleancorpus.pipeline.dedup.candidates import in_group_order, plausible, run_pairs
from cleancorpus.pipeline.dedup.compare import Compared, ShingleSets, confirm, related
from cleancorpus.pipeline.dedup.index import IndexView
from cleancorpus.pipeline.dedup.signatures import band_keys, index_band_keys

if TYPE_CHECKING:
    from cleancorpus.pipeline.dedup.tasks import SigSource

NO_DATE = np.iinfo(np.int64).max


@dataclass
class RunCandidates:
    """Columns of the run's documents that dedup needs; row i is one document."""

    doc_id: np.ndarray  # object (str)
    hash64: np.ndarray  # uint64, first 8 bytes of text_hash
    published: np.ndarray  # int64 epoch microseconds, NO_DATE when unknown
    completeness: np.ndarray  # int8
    n_words: np.ndarray  # int32
    # (n, num_perm) uint32, or where split dedup's tasks read it (tasks.SigSource: never loaded here)
    sig: "np.ndarray | SigSource"
    n_shingles: np.ndarray  # int32

    def __len__(self) -> int:
        return len(self.doc_id)

    def take(self, rows: np.ndarray) -> "RunCandidates":
        return RunCandidates(*(_take(getattr(self, f.name), rows) for f in fields(self)))


def _take(column: Any, rows: np.ndarray) -> Any:
    return column[rows] if isinstance(column, np.ndarray) else column.take(rows)


@dataclass(slots=True)
class Decision:
    status: str  # kept, exact_duplicate, near_duplicate, unchanged (already in the corpus: not written again)
    cluster: str  # doc_id of the representative
    cluster_size: int
    duplicate_of: str | None = None
    similarity: float | None = None


STATUSES = ("kept", "exact_duplicate", "near_duplicate", "unchanged")
_CODE = {name: k for k, name in enumerate(STATUSES)}


class Decisions(Sequence[Decision]):
    """A run's decisions as columns, a Decision made only when one is read: about 30 bytes a
    row, where a Decision object a row took about 90 (the dedup step holds every row's).
    Equal to any sequence of the same Decisions."""

    __slots__ = ("status", "cluster", "cluster_size", "duplicate_of", "similarity")

    def __init__(self, n: int) -> None:
        self.status = np.zeros(n, np.int8)  # index into STATUSES
        self.cluster = np.empty(n, object)
        self.cluster_size = np.zeros(n, np.int32)
        self.duplicate_of = np.empty(n, object)
        self.similarity = np.full(n, np.nan)  # NaN: None

    def put(self, x: int, d: Decision) -> None:
        self.status[x], self.cluster[x], self.cluster_size[x] = _CODE[d.status], d.cluster, d.cluster_size
        self.duplicate_of[x] = d.duplicate_of
        self.similarity[x] = np.nan if d.similarity is None else d.similarity

    def put_rows(self, rows: np.ndarray, status: str, cluster: np.ndarray, size: int) -> None:
        """Many rows of one status and size at once, each its own cluster id."""
        self.status[rows], self.cluster[rows], self.cluster_size[rows] = _CODE[status], cluster, size

    def take(self, rows: np.ndarray) -> "Decisions":
        out = Decisions(0)
        for name in self.__slots__:
            setattr(out, name, getattr(self, name)[rows])
        return out

    def statuses(self) -> np.ndarray:
        """The status names, as an object array."""
        return np.array(STATUSES, dtype=object)[self.status]

    def having(self, *names: str) -> np.ndarray:
        """Mask of the rows whose status is one of names (compared as codes, no names made)."""
        return np.isin(self.status, [_CODE[name] for name in names])

    def __len__(self) -> int:
        return len(self.status)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return self.take(np.arange(len(self))[i])
        sim = float(self.similarity[i])
        return Decision(STATUSES[self.status[i]], self.cluster[i], int(self.cluster_size[i]), self.duplicate_of[i],
                        None if sim != sim else sim)

    def __iter__(self) -> Iterator[Decision]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]


@dataclass
class DedupResult:
    decisions: Decisions  # one per run row, in row order
    doc_ids: list[str]  # final doc_id per run row (versioned when the id is already taken)
    # (n, bands) uint32 band keys of the run rows, as the index stores them; None when the
    # signatures were left to the tasks (the caller hashes them from where they are)
    index_bands: np.ndarray | None
    index_growth: dict[str, int]  # index doc_id -> members added this run
    pairs_checked: int = 0  # LSH candidate pairs
    pairs_confirmed: int = 0  # candidate pairs that joined two clusters on their exact shingle sets


class UnionFind:
    """Disjoint sets over any sortable hashable items; the smaller item becomes the root, so
    roots do not depend on union order.

    Only items joined to another are stored (an item never joined is its own root): a run's
    rows and the index's are mostly alone, so the memory is that of the unions, not of the rows."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        parent = self.parent
        p = parent.get(x, x)
        while p != x:
            g = parent.get(p, p)
            parent[x] = g  # path halving
            x, p = g, parent.get(g, g)
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def roots(self, n: int) -> np.ndarray:
        """find(x) for x in 0..n-1, as int64: only the joined items are looked up."""
        out = np.arange(n, dtype=np.int64)
        joined = [x for x in self.parent if 0 <= x < n]
        if joined:
            out[joined] = [self.find(x) for x in joined]
        return out


def deduplicate(
    run: RunCandidates,
    index: IndexView,
    cfg: DedupConfig,
    load_sets: Callable[[list[int]], dict[int, Compared]],
    group: Callable[[int], Any] = lambda x: x,
    prefetch: Callable[[int], bool] = lambda x: True,
    screen: "RunScreen | None" = None,
    confirmer: "Confirmer | None" = None,
    index_hits: "IndexHits | None" = None,
    clusterer: "Clusterer | None" = None,
) -> DedupResult:
    """Decide kept / duplicate for every run document. Shingle sets are fetched only for candidates.

    load_sets(rows) gives the shingle sets of run rows 0..n-1 and index rows n..n+m-1;
    group(x) names where row x's set lives, so sets load a shard or file at a time and
    candidate pairs are checked in that order.

    The run's rows are decided in a canonical order (by doc_id, then text hash), not in the
    order they came: which pairs a large group of equal band keys yields depends on row order,
    and so the same documents give the same decisions however they were sharded or ordered.

    screen, index_hits, confirmer and clusterer say how the run's candidate pairs and those
    against the index are found, how they are confirmed and how each cluster is decided (by
    default here, in one process; tasks.py splits each into tasks with the same result)."""
    n = len(run)
    perm = _sorted_by(run.doc_id, run.hash64)
    inverse = np.empty_like(perm)
    inverse[perm] = np.arange(n)

    res = _decide(run.take(perm), index, cfg, _PermutedSets(load_sets, perm, inverse), _PermutedGroup(group, perm),
                  prefetch, screen or screened_run_pairs, confirmer or confirm_serial, index_hits or _band_hits,
                  clusterer)
    bands = res.index_bands[inverse] if res.index_bands is not None else None
    return DedupResult(res.decisions.take(inverse), [res.doc_ids[i] for i in inverse], bands,
                       res.index_growth, res.pairs_checked, res.pairs_confirmed)


def _sorted_by(*keys: np.ndarray) -> np.ndarray:
    """Row order by the keys, the first most significant, ties by row: a stable sort per key
    from the last, an object column compared as Python strings (a fixed-width unicode copy of
    it would take 4 bytes a character of the longest id for every row)."""
    order = np.arange(len(keys[0]), dtype=np.int64)
    for key in reversed(keys):
        order = order[np.argsort(key[order], kind="stable")]
    return order


class _PermutedSets:
    """load_sets on canonical rows: run row x is the caller's row perm[x]. A class, not a
    closure, so that a confirmation task can be pickled to a worker along with it."""

    def __init__(self, load_sets: Callable[[list[int]], dict[int, Compared]], perm: np.ndarray, inverse: np.ndarray) -> None:
        self.load_sets, self.perm, self.inverse = load_sets, perm, inverse

    def __call__(self, rows: list[int]) -> dict[int, Compared]:
        n = len(self.perm)
        got = self.load_sets([int(self.perm[x]) if x < n else x for x in rows])
        return {(int(self.inverse[x]) if x < n else x): v for x, v in got.items()}


class _PermutedGroup:
    """group on canonical rows (see _PermutedSets)."""

    def __init__(self, group: Callable[[int], Any], perm: np.ndarray) -> None:
        self.group, self.perm = group, perm

    def __call__(self, x: int) -> Any:
        return self.group(int(self.perm[x])) if x < len(self.perm) else self.group(x)


# (run in canonical order, exact-copy root per run row, unchanged mask, cfg) -> screened run pairs
RunScreen = Callable[[RunCandidates, np.ndarray, np.ndarray, DedupConfig], np.ndarray]
# ((m, 2) candidate pairs in group order, the sets, union-find after exact copies, n) -> (unions made, index rows joined)
Confirmer = Callable[[np.ndarray, ShingleSets, UnionFind, int, DedupConfig], tuple[int, set[int]]]
# (index, run, cfg) -> (sorted (run row, index row) pairs sharing a band key, the run's index
# band keys or None when they were hashed only inside tasks)
IndexHits = Callable[[IndexView, RunCandidates, DedupConfig], tuple[list[tuple[int, int]], np.ndarray | None]]


def _band_hits(index: IndexView, run: RunCandidates, cfg: DedupConfig) -> tuple[list[tuple[int, int]], np.ndarray]:
    keys32 = index_band_keys(run.sig, cfg.bands)
    return index.band_hits(keys32), keys32


def live_pairs(pairs: np.ndarray, roots: np.ndarray, unchanged: np.ndarray) -> np.ndarray:
    """The run pairs still to check: not already one exact-copy cluster, neither row unchanged."""
    live = (roots[pairs[:, 0]] != roots[pairs[:, 1]]) & ~unchanged[pairs[:, 0]] & ~unchanged[pairs[:, 1]]
    return pairs[live]


def screened_run_pairs(run: RunCandidates, roots: np.ndarray, unchanged: np.ndarray, cfg: DedupConfig) -> np.ndarray:
    """The run's candidate pairs in one process: every band at once, then the signature screen.
    In the run, full signatures are at hand: finer bands (fewer rows) find containment copies
    whose Jaccard is low; only the index is limited to the coarser stored bands."""
    run_keys = band_keys(run.sig, cfg.run_bands) if len(run) else np.zeros((0, cfg.run_bands), np.uint64)
    return plausible(run, live_pairs(run_pairs(run_keys), roots, unchanged), cfg)


def confirm_serial(pairs: np.ndarray, sset: ShingleSets, uf: UnionFind, n: int,
                   cfg: DedupConfig) -> tuple[int, set[int]]:
    """Join every related pair not already in one cluster; (unions made, index rows joined).
    The clusters are those of the graph of related pairs whatever the order, so a pair already
    in one cluster is never checked."""
    confirmed, touched = 0, set()
    for a, b in pairs.tolist():
        if uf.find(a) == uf.find(b) or not related(sset(a), sset(b), cfg):
            continue
        confirmed += 1
        uf.union(a, b)
        if b >= n:
            touched.add(b)
    return confirmed, touched


def _decide(run: RunCandidates, index: IndexView, cfg: DedupConfig, load_sets: Callable[[list[int]], dict[int, Compared]],
            group: Callable[[int], Any], prefetch: Callable[[int], bool], screen: RunScreen = screened_run_pairs,
            confirmer: Confirmer = confirm_serial, index_hits: IndexHits = _band_hits,
            clusterer: "Clusterer | None" = None) -> DedupResult:
    """deduplicate() on rows already in canonical order."""
    n = len(run)
    index.prepare()
    uf = UnionFind()  # run rows 0..n-1, index rows n..n+len(index)-1
    # a record an earlier run already decided on, sent again unchanged (same id, same text) in a
    # changed file: it has its row, so it is left out rather than rejected as a copy of itself
    hit = index.exact(run.hash64) if n else np.zeros(0, np.int64)
    unchanged = np.zeros(n, dtype=bool)
    at = np.flatnonzero(hit >= 0)
    unchanged[at] = [str(index.doc_id[j]) == str(run.doc_id[x]) for x, j in zip(at.tolist(), hit[at].tolist())]
    exact_pair: set[tuple[int, int]] = set()
    touched: set[int] = set()  # index rows joined to some run document
    # exact duplicates, in the run and against the index
    order = _sorted_by(run.hash64, run.doc_id)
    order = order[~unchanged[order]]
    same = np.flatnonzero(run.hash64[order[:-1]] == run.hash64[order[1:]])
    for a, b in zip(order[same].tolist(), order[same + 1].tolist()):
        uf.union(a, b)
        exact_pair.add((min(a, b), max(a, b)))
    for i, j in zip(at.tolist(), hit[at].tolist()):
        if not unchanged[i]:
            uf.union(i, n + j)
            exact_pair.add((i, n + j))
            touched.add(n + j)
    # near duplicates: LSH candidates, estimated on signatures, confirmed on shingle sets
    roots = uf.roots(n)  # pairs already joined as exact copies drop out
    cand_run = screen(run, roots, unchanged, cfg)
    hits, keys32 = index_hits(index, run, cfg)
    cand_idx = [(i, n + j) for i, j in hits if not unchanged[i] and uf.find(i) != uf.find(n + j)]
    pairs_all = np.concatenate((cand_run, np.array(cand_idx, dtype=np.int64).reshape(-1, 2)))
    pairs = in_group_order(pairs_all, group)
    sset = ShingleSets(load_sets, group, pairs.ravel(), prefetch=prefetch)
    # a document's candidates (signature-screened pairs): the original that copies were made
    # from has the most, so it leads its cluster; counted, not confirmed, so that pairs already
    # in one cluster are never checked
    degree = np.bincount(pairs_all[pairs_all < n], minlength=n).astype(np.int32) if len(pairs_all) else np.zeros(n, np.int32)
    confirmed, joined = confirmer(pairs, sset, uf, n, cfg)
    touched |= joined
    final_ids = _unique_ids(run, index)
    decisions, growth = _assign(run, index, cfg, uf, touched, final_ids, sset, unchanged, degree, clusterer)
    return DedupResult(decisions, final_ids, keys32, growth, len(cand_run) + len(cand_idx), confirmed)


def _assign(run: RunCandidates, index: IndexView, cfg: DedupConfig, uf: UnionFind, touched: set[int],
            final_ids: list[str], sset: Callable[[int], Compared], unchanged: np.ndarray,
            degree: np.ndarray, clusterer: "Clusterer | None" = None) -> tuple[Decisions, dict[str, int]]:
    """Each run document kept, or folded into a representative it is confirmed against.

    Within a candidate cluster, the earlier runs' kept documents come first (they stay kept),
    then the run's documents in representative order (see the module's docstring): each joins the most similar
    representative it is confirmed against (an exact copy of one joins it at 1.0), or is kept
    and becomes a representative itself. What a cluster reads is gathered here into a
    ClusterJob; the clusterer decides them (decide_cluster, here or as tasks)."""
    n = len(run)
    decisions = Decisions(n)
    idx_by_root: dict[int, list[int]] = {}
    for y in sorted(touched):
        idx_by_root.setdefault(uf.find(y), []).append(y)
    # a run row's root is a run row (the smaller item roots), so clusters are read off the roots;
    # only rows with a candidate cluster are grouped in Python, the rest are kept as they are
    roots = uf.roots(n)
    live = np.flatnonzero(~unchanged)
    size = np.bincount(roots[live], minlength=n)
    alone = (size[roots] == 1) & ~unchanged
    if idx_by_root:
        alone[[r for r in idx_by_root if r < n]] = False
    at = np.flatnonzero(unchanged)
    decisions.put_rows(at, "unchanged", _objects([str(run.doc_id[x]) for x in at.tolist()]), 0)
    for lo in range(0, n, _BLOCK):  # the common case, nothing like it anywhere: kept as itself
        rows = lo + np.flatnonzero(alone[lo:lo + _BLOCK])
        decisions.put_rows(rows, "kept", _objects([final_ids[x] for x in rows.tolist()]), 1)
    grouped = live[~alone[live]]
    grouped = grouped[np.argsort(roots[grouped], kind="stable")]
    row_of: dict[str, int] = {}

    def index_row(doc_id: str) -> int | None:
        if not row_of and len(index):
            row_of.update((str(d), n + j) for j, d in enumerate(index.doc_id))
        return row_of.get(doc_id)

    def digest(r: int) -> int:
        return int(run.hash64[r]) if r < n else int(index.hash64[r - n])

    def jobs() -> Iterator[ClusterJob]:
        """The clusters' jobs in root order, made as the clusterer takes them (not all held)."""
        if not len(grouped):
            return
        ends = np.flatnonzero(np.diff(roots[grouped]) != 0) + 1
        for lo, hi in zip(np.r_[0, ends].tolist(), np.r_[ends, len(grouped)].tolist()):
            yield job(int(roots[grouped[lo]]), grouped[lo:hi].tolist())

    def job(root: int, xs: list[int]) -> ClusterJob:
        reps: list[int] = []
        rep_id: dict[int, str] = {}
        size: dict[int, int] = {}
        for y in idx_by_root.get(root, []):  # earlier runs' kept documents, and those their duplicates point to
            kid = index.kept_id(y - n)
            r = y if str(index.doc_id[y - n]) == kid else index_row(kid)
            if r is not None and r not in rep_id:
                reps.append(r)
                rep_id[r], size[r] = kid, int(index.cluster_size[r - n])
        reps.sort(key=lambda r: rep_id[r])
        order = sorted(xs, key=lambda x: (int(run.published[x]), -int(run.completeness[x]), -int(degree[x]),
                                          -int(run.n_words[x]), final_ids[x]))
        return ClusterJob(reps, [rep_id[r] for r in reps], [size[r] for r in reps], [digest(r) for r in reps],
                          order, [final_ids[x] for x in order], [int(run.hash64[x]) for x in order])

    growth: dict[str, int] = {}
    for decided, grown in (clusterer or cluster_serial)(jobs(), sset, cfg):
        for x, d in decided:
            decisions.put(x, d)
        for kid in grown:
            growth[kid] = growth.get(kid, 0) + 1
    return decisions, growth


_BLOCK = 1 << 16  # rows turned into Python objects at a time


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array of the values (np.array would copy strings to a fixed width)."""
    out = np.empty(len(values), object)
    out[:] = values
    return out


@dataclass(frozen=True, slots=True)
class ClusterJob:
    """One candidate cluster for the representative rule: everything it reads but the sets, so
    that clusters can be decided anywhere (tasks.py) and in any order."""

    reps: list[int]  # earlier runs' kept documents (index rows), in representative order
    rep_id: list[str]
    rep_size: list[int]
    rep_hash: list[int]
    members: list[int]  # the run's documents, in representative order
    member_id: list[str]  # final doc_id
    member_hash: list[int]


# (clusters, the sets, cfg) -> per cluster, in order: (decisions of its run rows, index doc_ids grown,
# once per member). The clusters come as an iterator, made as they are taken: a clusterer holds
# only those it is deciding
Clusterer = Callable[[Iterable[ClusterJob], ShingleSets, DedupConfig],
                     Iterable[tuple[list[tuple[int, Decision]], list[str]]]]


def decide_cluster(job: ClusterJob, sset: Callable[[int], Compared],
                   cfg: DedupConfig) -> tuple[list[tuple[int, Decision]], list[str]]:
    """The representative rule on one cluster: each run document, in representative order, joins
    the most similar representative it is confirmed against (an exact copy of one joins it at
    1.0), or is kept and becomes a representative itself. (run row, decision) per member, and
    the earlier runs' documents that gained a member, once per member."""
    reps = list(job.reps)
    rep_id = dict(zip(job.reps, job.rep_id))
    size = dict(zip(job.reps, job.rep_size))
    digest = dict(zip(job.reps, job.rep_hash))
    joined: list[tuple[int, int, float | None]] = []  # (member, representative, similarity; None: exact)
    same_text: dict[int, tuple[int, float | None, int]] = {}  # hash -> (target, similarity, reps then)
    for x, fid, h in zip(job.members, job.member_id, job.member_hash):
        target: int | None = next((r for r in reps if digest[r] == h), None)
        sim: float | None = None
        cached = same_text.get(h)
        if target is None and cached is not None and cached[2] == len(reps):
            target, sim = cached[0], cached[1]  # a copy of a text already decided, against the same representatives
        elif target is None:
            best = max(((confirm(sset(x), sset(r), cfg), -k, r) for k, r in enumerate(reps)),
                       key=lambda t: (t[0] is not None, t[0] or 0.0, t[1]), default=(None, 0, -1))
            if best[0] is not None:
                target, sim = best[2], best[0]
                same_text[h] = (target, sim, len(reps))
        if target is None:
            reps.append(x)
            rep_id[x], size[x], digest[x] = fid, 1, h
            continue
        size[target] += 1
        joined.append((x, target, sim))
    earlier = set(job.reps)
    out = [(r, Decision("kept", rep_id[r], size[r])) for r in reps if r not in earlier]
    grown: list[str] = []
    for x, r, sim in joined:
        if sim is None:
            out.append((x, Decision("exact_duplicate", rep_id[r], size[r], rep_id[r], 1.0)))
        else:
            out.append((x, Decision("near_duplicate", rep_id[r], size[r], rep_id[r], round(float(sim), 4))))
        if r in earlier:
            grown.append(rep_id[r])
    return out, grown


def cluster_serial(jobs: Iterable[ClusterJob], sset: Callable[[int], Compared],
                   cfg: DedupConfig) -> Iterator[tuple[list[tuple[int, Decision]], list[str]]]:
    """Every cluster here, one after the other, each as it comes."""
    return (decide_cluster(job, sset, cfg) for job in jobs)


def _unique_ids(run: RunCandidates, index: IndexView) -> list[str]:
    """doc_id per row, versioned ("id.hash8") when an earlier run or an earlier row holds the id.

    The same URL can come back with new content (a changed page, a re-crawl); its first
    version keeps the plain id so ids stay stable, later versions get a content-derived one.
    Rows are taken by (id, published, hash): an id repeated in the run is versioned from its
    second row on, and an id in the index from its first. Found with sorts of the id columns,
    not a set of every id; a versioned id that is some row's plain id (which would make the
    order of taking matter) sends the run to the row-by-row rule, _unique_ids_serial."""
    ids = run.doc_id
    n = len(ids)
    if not n:
        return []
    order = _sorted_by(ids, run.published, run.hash64)
    sorted_ids = ids[order]
    again = np.zeros(n, dtype=bool)
    again[1:] = sorted_ids[1:] == sorted_ids[:-1]
    if len(index):
        known = np.sort(index.doc_id)
        pos = np.minimum(np.searchsorted(known, sorted_ids), len(known) - 1)
        again |= known[pos] == sorted_ids
    res = [str(x) for x in ids]
    versioned = order[again].tolist()
    for x in versioned:
        res[x] = f"{res[x]}.{int(run.hash64[x]):016x}"[: len(res[x]) + 9]
    if versioned:
        made = np.array([res[x] for x in versioned], dtype=object)
        hit = np.minimum(np.searchsorted(sorted_ids, made), n - 1)
        if (sorted_ids[hit] == made).any():
            return _unique_ids_serial(run, index)
    return res


def _unique_ids_serial(run: RunCandidates, index: IndexView) -> list[str]:
    """_unique_ids row by row, every id taken kept in a set (the rule as it reads)."""
    ids = [str(x) for x in run.doc_id]
    taken = set(index.doc_id.tolist()) if len(index) else set()
    res = [""] * len(ids)
    for x in sorted(range(len(ids)), key=lambda i: (ids[i], int(run.published[i]), int(run.hash64[i]))):
        d = ids[x] if ids[x] not in taken else f"{ids[x]}.{int(run.hash64[x]):016x}"[: len(ids[x]) + 9]
        taken.add(d)
        res[x] = d
    return res

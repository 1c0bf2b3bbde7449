"""Dedup split into tasks, so that no one process holds a whole run's band keys and pairs (#19).

Each kind of task is a plain function of numpy arrays or file paths (confirmation and
clustering also take the sets' loader, which must pickle), so a caller can ship them to a
local process pool or to Dask workers (`map_fn`, like `Executor.map`; serial `map` by
default). None depends on how many tasks there are or in which order they run, so the result
is the single-process one, row for row (deduplicate_tasks):

- candidates, split by LSH band: a task sorts the keys of its bands only and gives the
  distinct pair codes (a * n + b) of rows sharing a key (candidates.py's per-band rule);
  merged, the codes of all bands give exactly `run_pairs(keys)` (sorted and distinct). A band
  can be cut further by key partition (key_part_task), so that no task sorts a whole band;
- the signature screen (`plausible`), split by pair block: a row-wise filter, so the blocks'
  outputs concatenated in order are the screen of the whole;
- lookups in the persistent index, split by band range: the index's sorted band columns are
  written one file per range (write_index_parts; the index itself is stored as before) and a
  task reads only its bands' file; the cap of index rows per run row holds per band, so the
  union of the parts' hits is IndexView.band_hits';
- confirmation, split by pair block: whether two documents are related is a pure function of
  their two shingle sets, and the clusters are the connected parts of the graph of related
  pairs (after exact copies) whatever the order pairs are checked in. A block gives the related
  pairs that join two of its own clusters; joining those in the parent makes the same clusters
  and counts the same unions as checking every pair there;
- clustering by the representative rule, split by blocks of clusters: a cluster's decisions
  depend only on its own documents and on the earlier runs' representatives it touches
  (decisions.ClusterJob, gathered in the parent), so each block decides its clusters with
  decisions.decide_cluster and the parent puts the decisions and the index growth together in
  cluster order.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np

from cleancorpus.pipeline.config import DedupConfig
from cleancorpus.pipeline.dedup.candidates import _band_pairs, merge_codes, plausible
from cleancorpus.pipeline.dedup.compare import Compared, ShingleSets, related
from cleancorpus.pipeline.dedup.decisions import (
    ClusterJob,
    Decision,
    DedupResult,
    RunCandidates,
    UnionFind,
    decide_cluster,
    deduplicate,
    live_pairs,
)
from cleancorpus.pipeline.dedup.index import IndexView, band_part_hits, read_band_part, sort_bands
from cleancorpus.pipeline.dedup.signatures import band_keys, index_band_keys, sorted_unique

MapFn = Callable[..., Iterable[Any]]  # map_fn(fn, items): fn(item) for each, results in order
ArrayOrPath = np.ndarray | str | os.PathLike


class SigRef(Protocol):
    """A part of the run's signatures that a task reads where it runs: whole (read()), or a
    block of rows at a time with their rows' places (blocks())."""

    def read(self) -> np.ndarray: ...

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...


class SigSource(Protocol):
    """The run's signatures (n, num_perm) left where they were written (run/deduplicate.StagedSigs):
    the dedup step hands tasks references to columns or rows and never holds the array itself."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def __len__(self) -> int: ...

    def take(self, rows: np.ndarray) -> "SigSource": ...

    def column_ref(self, lo: int, hi: int) -> SigRef: ...

    def row_ref(self, rows: np.ndarray) -> SigRef: ...


Sigs = np.ndarray | SigSource  # RunCandidates.sig: an array, or a source tasks read from


def _columns(sig: Sigs, lo: int, hi: int) -> np.ndarray | SigRef:
    return sig[:, lo:hi] if isinstance(sig, np.ndarray) else sig.column_ref(lo, hi)


def _rows(sig: Sigs, rows: np.ndarray) -> np.ndarray | SigRef:
    return sig[rows] if isinstance(sig, np.ndarray) else sig.row_ref(rows)


def _read(x: np.ndarray | SigRef) -> np.ndarray:
    return x if isinstance(x, np.ndarray) else x.read()


def npy_layout(path: ArrayOrPath) -> tuple[tuple[int, ...], np.dtype, int]:
    """(shape, dtype, data offset) of a C-order .npy file."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(f)
        if fortran:
            raise ValueError(f"{path}: a Fortran-order array")
        return shape, dtype, f.tell()


def _first_axis(a: ArrayOrPath, i: int) -> np.ndarray:
    """a[i] of an array, or read from an .npy file: one read, nothing of the file kept mapped
    (a memory map would keep every band a task has sorted in its resident memory)."""
    if isinstance(a, np.ndarray):
        return a[i]
    shape, dtype, offset = npy_layout(a)
    count = int(np.prod(shape[1:]))
    return np.fromfile(a, dtype, count=count, offset=offset + i * count * dtype.itemsize).reshape(shape[1:])


def gather_rows(a: ArrayOrPath, rows: np.ndarray) -> np.ndarray:
    """a[rows] of an array, or of an .npy file a row at a time (os.pread): a block's rows are a
    few scattered ones of a run's file, and reading only those keeps the task's memory its own."""
    if isinstance(a, np.ndarray):
        return a[rows]
    shape, dtype, offset = npy_layout(a)
    size = int(np.prod(shape[1:])) * dtype.itemsize
    fd = os.open(a, os.O_RDONLY)
    try:
        data = b"".join([os.pread(fd, size, offset + int(r) * size) for r in rows.tolist()])
    finally:
        os.close(fd)
    return np.frombuffer(data, dtype).reshape((len(rows), *shape[1:])).copy()


def _shape(a: ArrayOrPath) -> tuple[int, ...]:
    return a.shape if isinstance(a, np.ndarray) else npy_layout(a)[0]


def even_ranges(total: int, parts: int) -> list[tuple[int, int]]:
    """[lo, hi) ranges covering 0..total in at most `parts` near-equal pieces, none empty."""
    parts = max(1, min(parts, total))
    bounds = [total * i // parts for i in range(parts + 1)]
    return [(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:]) if hi > lo]


def band_task(columns: ArrayOrPath) -> np.ndarray:
    """Sorted distinct pair codes (a * n + b, a < b) of rows sharing a key in any of the given
    bands. columns is band-major, (bands, n), or the .npy path of such an array, so that each
    band is one contiguous read. Codes are merged band by band, so the task holds one band's
    keys, its sort and the distinct pairs so far, never every band's at once."""
    bands, n = _shape(columns)
    acc = np.zeros(0, np.int64)
    for b in range(bands):
        codes = _band_pairs(_first_axis(columns, b), n)
        if codes:
            acc = sorted_unique(np.concatenate([acc, *(c.astype(np.int64) for c in codes)]))
    return acc


def write_band_columns(keys: np.ndarray, folder: Path, tasks: int) -> list[Path]:
    """keys (n, bands) written band-major, one .npy per task's band range: what a task ships is a path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for lo, hi in even_ranges(keys.shape[1], tasks):
        p = folder / f"bands_{lo:03d}_{hi:03d}.npy"
        np.save(p, np.ascontiguousarray(keys[:, lo:hi].T))
        paths.append(p)
    return paths


def key_part(keys: np.ndarray, parts: int) -> np.ndarray:
    """The key partition (0..parts-1) of each band key: rows can only pair within one."""
    return (np.asarray(keys, np.uint64) % np.uint64(parts)).astype(np.int64)


def _raw(a: ArrayOrPath, dtype: type) -> np.ndarray:
    """An array, or a headerless file of dtype values (appended to chunk by chunk as a run is
    written, which an .npy header would not allow)."""
    return a if isinstance(a, np.ndarray) else np.fromfile(a, dtype)


def key_part_task(item: tuple[Sequence[tuple[ArrayOrPath, ArrayOrPath]], int]) -> np.ndarray:
    """band_task on one partition of the key space: per band, the rows (ascending, int64) whose
    key falls in the partition and those keys (uint64), as arrays or raw files; n the run's
    rows. Equal keys are in one partition and keep their rows' order, so a group gets the pairs
    (every pair, or the star and chain) it gets over all rows, and the union over partitions is
    the band's pairs: a task's memory is that of its share of the rows, not of the whole run."""
    bands, n = item
    acc = np.zeros(0, np.int64)
    for rows_a, keys_a in bands:
        rows, keys = _raw(rows_a, np.int64), _raw(keys_a, np.uint64)
        m = len(keys)
        codes = _band_pairs(keys, m)
        if codes:
            local = np.concatenate(codes).astype(np.int64)
            acc = sorted_unique(np.concatenate([acc, rows[local // m] * n + rows[local % m]]))
    return acc


def split_run_pairs(keys: np.ndarray, tasks: int, map_fn: MapFn = map, folder: Path | None = None,
                    key_parts: int = 1) -> np.ndarray:
    """run_pairs(keys) computed by band-range tasks, each band range cut in key_parts parts of
    the key space: the same (m, 2) array for any task count. With a folder, each task gets the
    path of its bands' file rather than the array (for key_parts 1)."""
    n = keys.shape[0]
    if n == 0 or keys.shape[1] == 0:
        return np.zeros((0, 2), np.int64)
    if key_parts > 1:
        parts = [key_part(keys[:, b], key_parts) for b in range(keys.shape[1])]
        cut = [[(rows := np.flatnonzero(parts[b] == p), keys[rows, b]) for b in range(lo, hi)]
               for lo, hi in even_ranges(keys.shape[1], tasks) for p in range(key_parts)]
        return merge_codes(map_fn(key_part_task, [(c, n) for c in cut]), n)
    if folder is not None:
        items: Sequence[ArrayOrPath] = write_band_columns(keys, folder, tasks)
    else:
        items = [np.ascontiguousarray(keys[:, lo:hi].T) for lo, hi in even_ranges(keys.shape[1], tasks)]
    return merge_codes(map_fn(band_task, items), n)


def sig_band_pairs(sig: Sigs, bands: int, tasks: int, map_fn: MapFn = map, key_parts: int = 1) -> np.ndarray:
    """run_pairs(band_keys(sig, bands)) by band-range tasks that each get their bands' signature
    columns (or, from a SigSource, read them) and hash the keys themselves: the caller never
    holds the run's band keys, nor from a source its signatures. From a source, each band
    range can be cut further into key_parts parts of the key space (sig_key_part_task), so
    that no task holds a whole band's keys."""
    n = sig.shape[0]
    if n == 0:
        return np.zeros((0, 2), np.int64)
    rows = sig.shape[1] // bands
    ranges = even_ranges(bands, tasks)
    if key_parts > 1 and not isinstance(sig, np.ndarray):
        cut = [(sig.column_ref(lo * rows, hi * rows), lo, hi - lo, p, key_parts, n) for lo, hi in ranges
               for p in range(key_parts)]
        return merge_codes(map_fn(sig_key_part_task, cut), n)
    items = [(_columns(sig, lo * rows, hi * rows), lo, hi - lo) for lo, hi in ranges]
    return merge_codes(map_fn(sig_band_task, items), n)


def sig_key_part_task(item: tuple[SigRef, int, int, int, int, int]) -> np.ndarray:
    """key_part_task on one part of the key space of bands first..first+count-1, hashed here a
    block of rows at a time from their columns: the task holds only the rows whose key falls in
    its part (and the rows' places), never a whole band."""
    cols, first, count, part, parts, n = item
    rows: list[list[np.ndarray]] = [[] for _ in range(count)]
    keys: list[list[np.ndarray]] = [[] for _ in range(count)]
    for where, block in cols.blocks():
        k = band_keys(np.ascontiguousarray(block), count, first)
        for b in range(count):
            mine = key_part(k[:, b], parts) == part
            rows[b].append(where[mine])
            keys[b].append(k[mine, b])
    bands = []
    for b in range(count):
        r = np.concatenate(rows[b]) if rows[b] else np.zeros(0, np.int64)
        order = np.argsort(r, kind="stable")  # key_part_task takes rows ascending
        bands.append((r[order], (np.concatenate(keys[b]) if keys[b] else np.zeros(0, np.uint64))[order]))
    return key_part_task((bands, n))


def sig_band_task(item: tuple[np.ndarray | SigRef, int, int]) -> np.ndarray:
    """band_task on the keys of bands first..first+count-1, hashed here from their columns."""
    cols, first, count = item
    return band_task(np.ascontiguousarray(band_keys(np.ascontiguousarray(_read(cols)), count, first).T))


@dataclass(frozen=True, slots=True)
class _Rows:
    """The two columns `plausible` reads of a run, for the rows of one block."""

    sig: np.ndarray
    n_shingles: np.ndarray


def screen_task(pairs: np.ndarray, sig: ArrayOrPath, n_shingles: ArrayOrPath, cfg: DedupConfig,
                rows: np.ndarray | None = None) -> np.ndarray:
    """plausible() on one block of (m, 2) run pairs, in their order. sig and n_shingles are the
    whole run's (arrays or .npy paths: only the block's rows are read), or, when rows (sorted
    distinct) is given, only those rows of them."""
    if rows is None:
        rows = sorted_unique(pairs.ravel())
        sig_rows, nsh_rows = gather_rows(sig, rows), gather_rows(n_shingles, rows)
    else:
        sig_rows, nsh_rows = np.asarray(sig), np.asarray(n_shingles)
    local = np.searchsorted(rows, pairs).reshape(-1, 2)
    return rows[plausible(cast(RunCandidates, _Rows(sig_rows, nsh_rows)), local, cfg)].reshape(-1, 2)


def pair_blocks(m: int, tasks: int, max_block: int) -> list[tuple[int, int]]:
    """Contiguous blocks of m pairs: `tasks` of them, more when that would exceed max_block."""
    return even_ranges(m, max(tasks, math.ceil(m / max(max_block, 1))))


def screen_blocks(pairs: np.ndarray, sig: Sigs, n_shingles: np.ndarray, cfg: DedupConfig, tasks: int,
                  map_fn: MapFn = map, max_block: int = 500_000) -> np.ndarray:
    """plausible(run, pairs) by pair-block tasks; each ships (or, from a SigSource, reads) only
    its rows' signatures."""
    blocks = []
    for lo, hi in pair_blocks(len(pairs), tasks, max_block):
        block = pairs[lo:hi]
        rows = sorted_unique(block.ravel())
        blocks.append((block, _rows(sig, rows), n_shingles[rows], rows))
    out = list(map_fn(partial(_screen_item, cfg=cfg), blocks))
    return np.concatenate(out) if out else np.zeros((0, 2), np.int64)


def _screen_item(item: tuple[np.ndarray, np.ndarray | SigRef, np.ndarray, np.ndarray], cfg: DedupConfig) -> np.ndarray:
    block, sig_rows, nsh_rows, rows = item
    return screen_task(block, _read(sig_rows), nsh_rows, cfg, rows)


def confirm_task(pairs: np.ndarray, labels: np.ndarray, load: Callable[[list[int]], dict[int, Compared]],
                 group: Callable[[int], Any], prefetch: Callable[[int], bool], cfg: DedupConfig) -> np.ndarray:
    """The related pairs of one block that join two of its clusters, (k, 2), in block order.

    labels are the pairs' rows' clusters before confirmation (exact copies already joined), so
    a pair of copies is not checked twice; what the block joins depends only on its pairs, and
    the sets are loaded a group at a time as in the single process."""
    sset = ShingleSets(load, group, pairs.ravel().tolist(), prefetch=prefetch)
    uf = UnionFind()
    out: list[tuple[int, int]] = []
    for (a, b), (la, lb) in zip(pairs.tolist(), labels.tolist()):
        if uf.find(la) == uf.find(lb) or not related(sset(a), sset(b), cfg):
            continue
        uf.union(la, lb)
        out.append((a, b))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


# rows of a run at most in one band task's part of the key space (the signatures read from their
# shards): a task sorts about this many keys a band, a few hundred MB
KEY_PART_ROWS = 20_000_000


@dataclass
class SplitScreen:
    """decisions.RunScreen by tasks: band-range candidate tasks, then pair-block screen tasks."""

    tasks: int = 4
    map_fn: MapFn = map
    max_block: int = 500_000
    folder: Path | None = None
    key_part_rows: int = KEY_PART_ROWS

    def __call__(self, run: RunCandidates, roots: np.ndarray, unchanged: np.ndarray, cfg: DedupConfig) -> np.ndarray:
        if not len(run):
            return np.zeros((0, 2), np.int64)
        if self.folder is None or not isinstance(run.sig, np.ndarray):  # each task hashes its bands' keys from their columns
            parts = max(1, math.ceil(len(run) / max(self.key_part_rows, 1)))
            pairs = sig_band_pairs(run.sig, cfg.run_bands, self.tasks, self.map_fn, parts)
        else:
            pairs = split_run_pairs(band_keys(run.sig, cfg.run_bands), self.tasks, self.map_fn, self.folder)
        pairs = live_pairs(pairs, roots, unchanged)
        return screen_blocks(pairs, run.sig, run.n_shingles, cfg, self.tasks, self.map_fn, self.max_block)


@dataclass
class SplitConfirmer:
    """decisions.Confirmer by pair-block tasks. The sets' loader and group go to every task, so
    to run them on processes they must pickle (decisions wraps them in classes that do)."""

    tasks: int = 4
    map_fn: MapFn = map
    max_block: int = 200_000
    blocks: list[int] = field(default_factory=list)  # pairs per block of the last call, for reports

    def __call__(self, pairs: np.ndarray, sset: ShingleSets, uf: UnionFind, n: int,
                 cfg: DedupConfig) -> tuple[int, set[int]]:
        arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        rows = sorted_unique(arr.ravel())
        labels = np.array([uf.find(int(x)) for x in rows], dtype=np.int64)[np.searchsorted(rows, arr)]
        spans = pair_blocks(len(arr), self.tasks, self.max_block)
        self.blocks = [hi - lo for lo, hi in spans]
        task = partial(_confirm_item, load=sset.load, group=sset.group, prefetch=sset.prefetch, cfg=cfg)
        confirmed, touched = 0, set()
        for edges in self.map_fn(task, [(arr[lo:hi], labels[lo:hi]) for lo, hi in spans]):
            for a, b in edges.tolist():
                if uf.find(a) != uf.find(b):
                    uf.union(a, b)
                    confirmed += 1
                    if b >= n:
                        touched.add(b)
        return confirmed, touched


def _confirm_item(item: tuple[np.ndarray, np.ndarray], load: Callable[[list[int]], dict[int, Compared]],
                  group: Callable[[int], Any], prefetch: Callable[[int], bool], cfg: DedupConfig) -> np.ndarray:
    return confirm_task(item[0], item[1], load, group, prefetch, cfg)


def cluster_task(jobs: list[ClusterJob], load: Callable[[list[int]], dict[int, Compared]], group: Callable[[int], Any],
                 prefetch: Callable[[int], bool], cfg: DedupConfig) -> list[tuple[list[tuple[int, Decision]], list[str]]]:
    """decide_cluster for each of a block's clusters, with the block's own sets."""
    sset = ShingleSets(load, group, [x for j in jobs for x in (*j.reps, *j.members)], prefetch=prefetch)
    return [decide_cluster(job, sset, cfg) for job in jobs]


@dataclass
class SplitClusterer:
    """decisions.Clusterer by tasks over blocks of clusters, results in cluster order.

    The clusters are taken in waves of at most tasks x max_block, each wave's blocks mapped at
    once: the step holds one wave's jobs and results, not every cluster's (a run where most
    documents are copies has about as many jobs as rows)."""

    tasks: int = 4
    map_fn: MapFn = map
    max_block: int = 10_000
    blocks: list[int] = field(default_factory=list)  # clusters per block of the last call, for reports

    def __call__(self, jobs: Iterable[ClusterJob], sset: ShingleSets,
                 cfg: DedupConfig) -> Iterator[tuple[list[tuple[int, Decision]], list[str]]]:
        self.blocks = []
        task = partial(cluster_task, load=sset.load, group=sset.group, prefetch=sset.prefetch, cfg=cfg)
        it = iter(jobs)
        while wave := list(islice(it, self.tasks * self.max_block)):
            spans = pair_blocks(len(wave), self.tasks, self.max_block)
            self.blocks += [hi - lo for lo, hi in spans]
            for block in self.map_fn(task, [wave[lo:hi] for lo, hi in spans]):
                yield from block


def write_index_parts(index: IndexView, folder: Path, tasks: int) -> list[Path]:
    """The index's sorted band columns, one .npz per task's band range: a lookup task reads
    only its bands' file (the index itself is stored as today)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for lo, hi in even_ranges(index.n_bands, tasks):
        keys, order = index.band_part(lo, hi)
        p = folder / f"index_bands_{lo:03d}_{hi:03d}.npz"
        np.savez(p, keys=keys, order=order, bands=np.array([lo, hi]))
        paths.append(p)
    return paths


@dataclass(frozen=True)
class IndexKeysRef:
    """The run's index band keys of bands first..first+count-1, hashed where a task runs from
    their signature columns (index_band_keys of a band range equals those columns of the whole)."""

    cols: SigRef
    first: int
    count: int

    def read(self) -> np.ndarray:
        return index_band_keys(np.ascontiguousarray(self.cols.read()), self.count, self.first)


def index_part_task(item: tuple[ArrayOrPath | tuple[np.ndarray, np.ndarray] | list[str], np.ndarray | SigRef]) -> np.ndarray:
    """One band part's (run row, index row) hits, sorted (k, 2): item is (part, the run's keys
    of those bands, or an IndexKeysRef), the part an .npz of write_index_parts, (sorted keys,
    order) arrays, or the stored index's files of that band range (paths or URLs, in row order:
    IndexView.parts)."""
    part, cols = item
    cols = _read(cols)
    if isinstance(part, list):
        sorted_keys, order = zip(*sort_bands(read_band_part(part)))
        return band_part_hits(sorted_keys, order, cols)
    if isinstance(part, tuple):
        return band_part_hits(part[0], part[1], cols)
    with np.load(part) as f:
        return band_part_hits(f["keys"], f["order"], cols)


@dataclass
class SplitIndexHits:
    """decisions.IndexHits by band-range tasks: the union of the parts' hits is band_hits'.
    From a SigSource, each task hashes its bands' keys itself and no run keys are returned."""

    tasks: int = 4
    map_fn: MapFn = map
    folder: Path | None = None

    def __call__(self, index: IndexView, run: RunCandidates,
                 cfg: DedupConfig) -> tuple[list[tuple[int, int]], np.ndarray | None]:
        if isinstance(run.sig, np.ndarray):
            keys32 = index_band_keys(run.sig, cfg.bands)
            return self.hits(index, keys32), keys32
        rows = run.sig.shape[1] // cfg.bands
        keys = [IndexKeysRef(run.sig.column_ref(lo * rows, hi * rows), lo, hi - lo)
                for lo, hi in self.ranges(index)] if len(index) and len(run) else []
        return self.hits(index, keys), None

    def ranges(self, index: IndexView) -> list[tuple[int, int]]:
        if index.bands is None:
            return [(lo, hi) for lo, hi, _ in index.parts]
        return even_ranges(index.bands.shape[1], self.tasks)

    def hits(self, index: IndexView, keys32: np.ndarray | list[IndexKeysRef]) -> list[tuple[int, int]]:
        """The hits of the run's index keys: an (n, bands) array, or a reference per range."""
        m = len(index)
        if m == 0 or not len(keys32):
            return []
        ranges = self.ranges(index)
        if index.bands is None:  # as stored: a task per band range reads that range's files
            parts: list[Any] = [paths for _, _, paths in index.parts]
        else:
            parts = (write_index_parts(index, self.folder, self.tasks) if self.folder is not None
                     else [index.band_part(lo, hi) for lo, hi in ranges])
        cols = keys32 if isinstance(keys32, list) else [np.ascontiguousarray(keys32[:, lo:hi]) for lo, hi in ranges]
        items = list(zip(parts, cols))
        codes = [h[:, 0] * m + h[:, 1] for h in self.map_fn(index_part_task, items)]
        merged = sorted_unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
        return [(int(c // m), int(c % m)) for c in merged.tolist()]


def deduplicate_tasks(run: RunCandidates, index: IndexView, cfg: DedupConfig,
                      load_sets: Callable[[list[int]], dict[int, Compared]], group: Callable[[int], Any] | None = None,
                      prefetch: Callable[[int], bool] | None = None, tasks: int = 4,
                      map_fn: MapFn = map, key_part_rows: int = KEY_PART_ROWS) -> DedupResult:
    """deduplicate() with candidates, screen, index lookups, confirmation and clustering run as
    tasks: the same result.
    The defaults of group and prefetch are module functions, not lambdas, so tasks pickle."""
    group, prefetch = group or _row, prefetch or _always
    screen = SplitScreen(tasks, map_fn, key_part_rows=key_part_rows)
    return deduplicate(run, index, cfg, load_sets, group, prefetch, screen=screen,
                       confirmer=SplitConfirmer(tasks, map_fn), index_hits=SplitIndexHits(tasks, map_fn),
                       clusterer=SplitClusterer(tasks, map_fn))


def _row(x: int) -> int:
    return x


def _always(x: int) -> bool:
    return True

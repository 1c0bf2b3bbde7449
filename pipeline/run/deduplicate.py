"""The dedup stage: one step over the whole run, deciding every staged document.

It reads the run's staged signatures, asks dedup/decisions.py to decide each document
against the run and the persistent index (texts of earlier runs are read from their
documents files to confirm a candidate), and leaves per-shard decision files and the run's
index rows for the write and commit stages. `cleancorpus explain --output DIR` calls
`decide` the same way for one document.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleancorpus.pipeline.config import Config
from cleancorpus.pipeline.dedup.compare import Compared
from cleancorpus.pipeline.dedup.decisions import NO_DATE, Decisions, DedupResult, RunCandidates, deduplicate
from cleancorpus.pipeline.dedup.index import load_index
from cleancorpus.pipeline.dedup.signatures import fold, index_band_keys, shingle_set
from cleancorpus.pipeline.dedup.tasks import MapFn, deduplicate_tasks, gather_rows
from cleancorpus.pipeline.dedup.view import article_view, facts, view_share
from cleancorpus.pipeline.run import staging
from cleancorpus.pipeline.run.plan import RunPlan
from cleancorpus.pipeline.run.process import variants_for
from cleancorpus.pipeline.run.state import Layout
from cleancorpus.pipeline.schema import DECISIONS, GROWTH, INDEXED

DEDUP_COLUMNS = ["seq", "doc_id", "text_hash", "published_at", "title", "author", "url", "domain", "n_words", "signature",
                 "n_shingles"]


def run_candidates(t: pa.Table, num_perm: int, sig: "np.ndarray | StagedSigs | None" = None) -> RunCandidates:
    """The columns dedup decides on, from staged rows (DEDUP_COLUMNS; the signatures from their
    column unless given)."""
    n = len(t)
    pub = pc.fill_null(pc.cast(t.column("published_at"), pa.int64()), NO_DATE).to_numpy(zero_copy_only=False).astype(np.int64)
    comp = sum(np.array(pc.is_valid(t.column(c)).to_pylist(), dtype=np.int8) for c in ("title", "author", "published_at", "url"))
    if sig is None:
        sig = t.column("signature").combine_chunks().flatten().to_numpy().reshape(n, num_perm).astype(np.uint32)
    return RunCandidates(
        doc_id=np.array(t.column("doc_id").to_pylist(), dtype=object),
        hash64=np.array([int(h[:16], 16) for h in t.column("text_hash").to_pylist()], dtype=np.uint64), published=pub,
        completeness=comp.astype(np.int8), n_words=t.column("n_words").to_numpy().astype(np.int32), sig=sig,
        n_shingles=t.column("n_shingles").to_numpy().astype(np.int32),
    )


def decide(root: Path, remote: str | None, cfg: Config, run: RunCandidates,
           run_sets: Callable[[int], Compared], run_group: Callable[[int], Any],
           map_fn: MapFn | None = None, tasks: int = 1) -> tuple[DedupResult, int]:
    """Decide every run row against the run and the output's index; (result, index size).

    run_sets(x) gives run row x's shingle set and run_group(x) names where it lives, so sets
    are read a file at a time; earlier runs' texts are read a documents file at a time. With a
    map_fn, the work is split into `tasks` tasks of each kind (dedup/tasks.py), which it runs:
    run_sets and run_group then go to those tasks and must pickle (_StagedSets, ShardOf).
    """
    # split: the lookups read the index's band keys a range each, where they are stored (an
    # object-store output's own files, which the tasks' machines can read)
    index, index_files = load_index(Layout(root), cfg.dedup.bands, with_bands=map_fn is None)
    if remote and map_fn is not None:
        index.parts = [(lo, hi, [f"{remote.rstrip('/')}/{Path(p).relative_to(root).as_posix()}" for p in paths])
                       for lo, hi, paths in index.parts]
    n = len(run)
    load_sets = SetLoader(run_sets, n, str(root), remote, cfg, index.doc_id, index_files)
    group = RowGroup(run_group, n, index_files)
    if map_fn is not None:
        return deduplicate_tasks(run, index, cfg.dedup, load_sets, group, IndexRow(n), tasks, map_fn), len(index)
    # run rows are read one set at a time (cheap); earlier runs' texts a file at a time
    return deduplicate(run, index, cfg.dedup, load_sets, group, prefetch=IndexRow(n)), len(index)


@dataclass
class SetLoader:
    """dedup's load_sets: run rows from run_sets, earlier runs' rows (n and up) from their
    documents files. A class, not a closure, so that dedup tasks can take it to other processes."""

    run_sets: Callable[[int], Compared]
    n: int
    root: str
    remote: str | None
    cfg: Config
    index_doc_id: np.ndarray
    index_files: np.ndarray
    _variants: dict[str, str] | None = field(default=None, repr=False)

    def __call__(self, rows: list[int]) -> dict[int, Compared]:
        res: dict[int, Compared] = {}
        by_file: dict[str, list[int]] = {}
        for x in rows:
            if x < self.n:
                res[x] = self.run_sets(x)
            else:
                by_file.setdefault(str(self.index_files[x - self.n]), []).append(x)
        if by_file and self._variants is None:
            self._variants = variants_for(self.cfg)
        for f, xs in by_file.items():
            tt = _read_documents_file(Path(self.root), self.remote, f)
            docs = {r["doc_id"]: r for r in tt.to_pylist()} if tt is not None else {}
            for x in xs:
                r = docs.get(str(self.index_doc_id[x - self.n]), {})
                res[x] = compared_from_text(r.get("text") or "", self.cfg, self._variants or {}, r.get("domain"),
                                            r.get("title"))
        return res


@dataclass(frozen=True)
class RowGroup:
    """Where row x's set lives: its run shard, or its earlier run's documents file."""

    run_group: Callable[[int], Any]
    n: int
    index_files: np.ndarray

    def __call__(self, x: int) -> tuple[str, Any]:
        return ("run", self.run_group(x)) if x < self.n else ("index", str(self.index_files[x - self.n]))


@dataclass(frozen=True)
class IndexRow:
    """Whether a row is an earlier run's (read a file at a time, so worth prefetching its group)."""

    n: int

    def __call__(self, x: int) -> bool:
        return x >= self.n


@dataclass(frozen=True)
class ShardOf:
    """The shard of run row x, from the first row of each shard."""

    starts: np.ndarray  # (shards + 1,) cumulative row counts

    def __call__(self, x: int) -> int:
        return int(np.searchsorted(self.starts, x, side="right")) - 1


class _StagedSets:
    """What confirms a staged row (shingle set, facts, the share of its text they come from),
    read straight from its shard's files: nothing else is held. (os.pread: one call, no seek
    and no read-ahead buffer to throw away per set.)

    It pickles without its open files and caches, so dedup tasks take it to other processes:
    there, a shard staged in the store is fetched once into `scratch`, a folder for the run
    under the machine's own work dir for the stage (resolved where it is used), and its sites
    and titles are read from its staged rows."""

    def __init__(self, folders: list[str], starts: np.ndarray, sites: list[str | None] | None = None,
                 titles: list[str | None] | None = None, scratch: tuple[str, str] | None = None) -> None:
        self.folders, self.shard_of, self.scratch = folders, ShardOf(starts), scratch  # scratch: (stage, run id)
        self.sites, self.titles = sites, titles
        self._reset()

    def _reset(self) -> None:
        self.offsets: dict[tuple[int, str], list[int]] = {}
        self.handles: dict[tuple[int, str], int] = {}
        self.view_share: dict[int, np.ndarray] = {}
        self.meta: dict[int, tuple[list[Any], list[Any]]] = {}
        self.local: dict[int, Path] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"folders": self.folders, "shard_of": self.shard_of, "scratch": self.scratch, "sites": None,
                "titles": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset()

    def _folder(self, si: int) -> Path:
        if si not in self.local:
            self.local[si] = _local_shard(self.folders[si], staging.DEDUP_FILES, self.scratch)
        return self.local[si]

    def _read(self, si: int, ri: int, name: str) -> np.ndarray:
        key = (si, name)
        if key not in self.handles:
            self.offsets[key] = np.load(self._folder(si) / f"{name}_offsets.npy").tolist()
            self.handles[key] = os.open(self._folder(si) / f"{name}.bin", os.O_RDONLY)
        offs = self.offsets[key]
        return np.frombuffer(os.pread(self.handles[key], (offs[ri + 1] - offs[ri]) * 4, offs[ri] * 4), dtype=np.uint32)

    def _site_title(self, si: int, ri: int, x: int) -> tuple[str | None, str | None]:
        if self.sites is not None and self.titles is not None:
            return self.sites[x], self.titles[x]
        if si not in self.meta:
            t = staging.read_staged(self.folders[si], "docs.parquet", ["domain", "title"])
            self.meta[si] = (t.column("domain").to_pylist(), t.column("title").to_pylist())
        return self.meta[si][0][ri], self.meta[si][1][ri]

    def __call__(self, x: int) -> Compared:
        si = self.shard_of(x)
        ri = x - int(self.shard_of.starts[si])
        if si not in self.view_share:
            self.view_share[si] = np.load(self._folder(si) / "view_share.npy")
        site, title = self._site_title(si, ri, x)
        return Compared(self._read(si, ri, "sets"), self._read(si, ri, "facts"), float(self.view_share[si][ri]),
                        site, title)

    def close(self) -> None:
        for fd in self.handles.values():
            os.close(fd)
        self.handles.clear()


def _local_shard(folder: str, names: tuple[str, ...], scratch: tuple[str, str] | None) -> Path:
    """A staged shard's folder on this machine, holding `names`: itself on a shared disk, else
    a copy fetched once from the store into the run's dedup scratch (resolved here, on the
    machine that reads it)."""
    if not staging.is_url(folder):
        return Path(folder)
    if scratch is None:
        raise ValueError(f"{folder}: a staged shard in a store needs a local scratch folder")
    local = staging.run_scratch(*scratch) / "dedup-sets" / folder.rstrip("/").rsplit("/", 1)[1]
    if not (local / names[-1]).exists():
        staging.get_files(folder, names, local)
    return local


@dataclass(frozen=True)
class StagedSigs:
    """The run's signatures left in the staged shards' sig.npy files (tasks.SigSource): the
    dedup step that hands out split dedup's tasks gives them references to columns or rows,
    and each task reads those where it runs, so no process holds the run's signatures whole
    unless it asked for all their columns. Canonical row x is staged row order[x]."""

    folders: tuple[str, ...]
    starts: np.ndarray  # (shards + 1,) each shard's first staged row
    num_perm: int
    scratch: tuple[str, str] | None = None
    order: np.ndarray | None = None  # None: staged order

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), self.num_perm

    def __len__(self) -> int:
        return int(self.starts[-1]) if self.order is None else len(self.order)

    def take(self, rows: np.ndarray) -> "StagedSigs":
        return StagedSigs(self.folders, self.starts, self.num_perm, self.scratch, self.staged(rows))

    def staged(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(rows, np.int64) if self.order is None else self.order[rows]

    def column_ref(self, lo: int, hi: int) -> "SigColumns":
        return SigColumns(self, lo, hi)

    def row_ref(self, rows: np.ndarray) -> "SigRows":
        return SigRows(StagedSigs(self.folders, self.starts, self.num_perm, self.scratch), self.staged(rows))

    def path(self, si: int) -> Path:
        return _local_shard(self.folders[si], (staging.SIG_FILE,), self.scratch) / staging.SIG_FILE

    def shard(self, si: int, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Columns lo..hi of one shard's signatures, in staged order."""
        if self.starts[si + 1] == self.starts[si]:
            return np.zeros((0, (hi if hi is not None else self.num_perm) - lo), np.uint32)
        # read whole (a shard's file is small, and a column range touches all its pages anyway)
        # rather than mapped, so that the pages read do not stay in the process's resident set
        return np.ascontiguousarray(np.load(self.path(si))[:, lo:hi])


@dataclass(frozen=True)
class SigColumns:
    """Columns lo..hi of every row, in the source's order: read shard by shard."""

    source: StagedSigs
    lo: int
    hi: int

    def read(self) -> np.ndarray:
        """Each shard's columns go straight to their rows' places in the source's order (one
        array of the result's size, not a concatenation and then a permuted copy)."""
        src = self.source
        place = self._place()
        if place is None:  # a subset of the rows: read all, then take
            whole = StagedSigs(src.folders, src.starts, src.num_perm, src.scratch)
            return whole.column_ref(self.lo, self.hi).read()[src.order]
        out = np.empty((len(src), self.hi - self.lo), np.uint32)
        for where, cols in self._blocks(place):
            out[where] = cols
        return out

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(rows' places in the source's order, their columns), a shard at a time; the source's
        order must be a permutation of the staged rows (as dedup's canonical order is)."""
        place = self._place()
        if place is None:
            raise ValueError("blocks of a source that is not a permutation of its staged rows")
        return self._blocks(place)

    def _blocks(self, place: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        src = self.source
        for si in range(len(src.folders)):
            a, b = int(src.starts[si]), int(src.starts[si + 1])
            if b > a:
                yield place[a:b], src.shard(si, self.lo, self.hi)

    def _place(self) -> np.ndarray | None:
        """Each staged row's place in the source's order, or None when that order is not a
        permutation of the staged rows."""
        order, staged = self.source.order, int(self.source.starts[-1])
        place = np.arange(staged, dtype=np.int64)
        if order is None:
            return place
        if len(order) != staged or (staged and np.bincount(order, minlength=staged).max() > 1):
            return None
        place[order] = np.arange(staged)
        return place


@dataclass(frozen=True)
class SigRows:
    """Whole signatures of some staged rows, read a row at a time from their shards' files."""

    source: StagedSigs
    rows: np.ndarray  # staged rows

    def read(self) -> np.ndarray:
        out = np.zeros((len(self.rows), self.source.num_perm), np.uint32)
        for si, at, local in _by_shard(self.source.starts, self.rows):
            out[at] = gather_rows(self.source.path(si), local)
        return out


def _by_shard(starts: np.ndarray, rows: np.ndarray) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Staged rows grouped by shard: (shard, the rows' positions in `rows`, their rows in it)."""
    shard = np.searchsorted(starts, rows, side="right") - 1
    for si in np.unique(shard).tolist():
        at = np.flatnonzero(shard == si)
        yield si, at, rows[at] - int(starts[si])


def compared_from_text(text: str, cfg: Config, variants: dict[str, str], site: str | None = None,
                       title: str | None = None) -> Compared:
    """What confirms an earlier run's document, from its text as published (documents/ or
    state/dedup_texts/): the same view the process stage took of it."""
    view = article_view(text)
    return Compared(shingle_set(fold(view, variants), cfg.dedup.shingle_size), facts(view), view_share(view, text),
                    site, title)


def task_count(cfg: Config, n: int) -> int:
    """How many tasks of each kind dedup of n run documents splits into (0: one process)."""
    rows = cfg.dedup.task_rows
    if not cfg.dedup.enabled or rows <= 0 or n <= rows:
        return 0
    return max(2, math.ceil(n / rows))


def deduplicate_run(plan: RunPlan, shard_folders: list[str], map_fn: MapFn | None = None) -> dict[str, Any]:
    """Global step: decide every candidate against this run and the persistent index.

    Staged shards in a store (run/staging.py) are read from it: the columns decided on, and a
    local copy of the sets that confirm pairs (read a set at a time). With a map_fn (a local
    pool's or a Dask cluster's) and a run over `[dedup] task_rows`, the work goes to tasks
    (dedup/tasks.py), which read the signatures and sets they need from the stage themselves:
    this step then holds, per row, the columns the representative rule orders by, the ids and
    the decisions, and reads and writes its files a shard at a time."""
    cfg = plan.config()
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    counts = [staging.staged_rows(folder, "docs.parquet") for folder in shard_folders]
    n = sum(counts)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)  # each shard's first row
    if not cfg.dedup.enabled or n == 0:
        ids = [x for f in shard_folders for x in staging.read_staged(f, "docs.parquet", ["doc_id"]).column("doc_id").to_pylist()]
        _write_decisions(plan, starts, ids, None)
        return {"candidates": n, "kept": n, "duplicates": 0}
    # tasks read earlier runs' texts from the output: from any machine when it is in a store, but
    # a local output staged elsewhere ([run] work_dir) is on this machine's disk alone
    shared = plan.remote is not None or plan.stage is None
    tasks = task_count(cfg, n) if map_fn is not None and shared else 0
    if tasks:  # the tasks fetch what they need from the stage, on their own machines
        folders, scratch = list(shard_folders), ((plan.stage, plan.run_id) if plan.stage else None)
        sigs: StagedSigs | None = StagedSigs(tuple(folders), starts, cfg.dedup.num_perm, scratch)
    else:
        folders, scratch = [str(staging.fetch(plan, f, staging.DEDUP_FILES)) for f in shard_folders], None
        sigs = None
    run, sites, titles = _read_run(shard_folders, cfg.dedup.num_perm, sigs)
    sets = _StagedSets(folders, starts, sites, titles, scratch)
    try:
        result, index_size = decide(plan.layout.root, plan.remote, cfg, run, sets, sets.shard_of,
                                    map_fn if tasks else None, tasks)
    finally:
        sets.close()
    d = result.decisions
    _write_decisions(plan, starts, result.doc_ids, d)
    # every document of the run goes into the index: kept ones as themselves, duplicates
    # pointing to their representative (their texts are kept in state/dedup_texts/); a record
    # sent again unchanged is there already
    fresh = np.flatnonzero(~d.having("unchanged"))
    _write_indexed(plan.run_dir / "indexed.parquet", fresh, result, run.hash64)
    if result.index_bands is not None:
        np.save(plan.run_dir / "bands.npy", result.index_bands[fresh])
    else:
        _save_index_bands(plan.run_dir / "bands.npy", sigs, fresh, cfg.dedup.bands)
    growth = pa.Table.from_pylist([{"doc_id": k, "added": v} for k, v in sorted(result.index_growth.items())], schema=GROWTH)
    pq.write_table(growth, plan.run_dir / "growth.parquet")
    unchanged = n - len(fresh)
    dups = int(d.having("exact_duplicate", "near_duplicate").sum())
    return {"candidates": n, "kept": n - dups - unchanged, "duplicates": dups, "unchanged": unchanged,
            "pairs_checked": result.pairs_checked, "pairs_confirmed": result.pairs_confirmed, "index_size": index_size,
            "tasks": tasks}


def _read_run(folders: list[str], num_perm: int,
              sigs: "StagedSigs | None") -> tuple[RunCandidates, list[str | None] | None, list[str | None] | None]:
    """The run's dedup columns, read and reduced a shard at a time, and (in one process) the
    sites and titles that confirmation reads; split, the signatures are left in the shards
    (sigs) and the tasks read sites and titles from there too."""
    columns = [c for c in DEDUP_COLUMNS if c != "signature"] if sigs is not None else DEDUP_COLUMNS
    parts: list[RunCandidates] = []
    sites: list[str | None] = []
    titles: list[str | None] = []
    for folder in folders:
        t = staging.read_staged(folder, "docs.parquet", columns)
        parts.append(run_candidates(t, num_perm, np.zeros((len(t), 0), np.uint32) if sigs is not None else None))
        if sigs is None:
            sites += t.column("domain").to_pylist()
            titles += t.column("title").to_pylist()
    run = RunCandidates(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(RunCandidates)))
    if sigs is not None:
        run.sig = sigs
        return run, None, None
    return run, sites, titles


def _write_indexed(path: Path, fresh: np.ndarray, result: DedupResult, hash64: np.ndarray) -> None:
    """The run's rows for the index (all but the unchanged), written a block at a time."""
    d = result.decisions
    with pq.ParquetWriter(path, INDEXED) as w:
        for lo in range(0, max(len(fresh), 1), _BLOCK):
            rows = fresh[lo:lo + _BLOCK]
            part = d.take(rows)
            w.write_table(pa.table({
                "doc_id": [result.doc_ids[i] for i in rows.tolist()], "hash64": pa.array(hash64[rows], pa.uint64()),
                "cluster_size": pa.array(part.cluster_size, pa.int32()),
                "rep": np.where(part.having("kept"), None, part.cluster).tolist(),
            }, schema=INDEXED))


_BLOCK = 100_000  # rows per block written


def _save_index_bands(path: Path, sigs: "StagedSigs | None", rows: np.ndarray, bands: int) -> None:
    """The index band keys of the given staged rows, hashed a shard at a time into an .npy
    written in place: the whole run's signatures are never in memory here."""
    if sigs is None:
        raise ValueError("no signatures to hash the index band keys from")
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint32, shape=(len(rows), bands))
    for si, at, local in _by_shard(sigs.starts, rows):
        out[at] = index_band_keys(sigs.shard(si)[local], bands)
    out.flush()
    del out


def _write_decisions(plan: RunPlan, starts: np.ndarray, doc_ids: list[str], decisions: Decisions | None) -> None:
    """One decisions file per shard, rows in the shard's staged order, so writers stream (no
    decisions: every row kept, as itself)."""
    for si in range(len(starts) - 1):
        lo, hi = int(starts[si]), int(starts[si + 1])
        ids = doc_ids[lo:hi]
        if decisions is None:
            cols: dict[str, list[Any]] = {"doc_id": ids, "status": ["kept"] * len(ids), "cluster": ids,
                                          "cluster_size": [1] * len(ids), "duplicate_of": [None] * len(ids),
                                          "similarity": [None] * len(ids)}
        else:
            d = decisions[lo:hi]
            cols = {"doc_id": ids, "status": d.statuses().tolist(), "cluster": d.cluster.tolist(),
                    "cluster_size": d.cluster_size.tolist(), "duplicate_of": d.duplicate_of.tolist(),
                    "similarity": pa.array(d.similarity, pa.float64(), mask=np.isnan(d.similarity))}
        pq.write_table(pa.table(cols, schema=DECISIONS), plan.run_dir / staging.decisions_name(si))
    staging.put_decisions(plan, len(starts) - 1)


def _read_documents_file(root: Path, remote: str | None, rel: str) -> pa.Table | None:
    """doc_id and text (and title and domain: a documents/ file has them, a dedup_texts/ one
    not) of an earlier run's file, from the output or its remote."""
    if remote:
        from cleancorpus.pipeline.inputs.remote import Remote

        try:
            with Remote(remote).open(rel) as f:
                return _texts(pq.read_table(f))
        except FileNotFoundError:
            return None
    p = root / rel
    return _texts(pq.read_table(p)) if p.exists() else None


def _texts(t: pa.Table) -> pa.Table:
    return t.select([c for c in ("doc_id", "text", "title", "domain") if c in t.column_names])

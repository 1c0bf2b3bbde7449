#!/usr/bin/env python3
"""What the dedup step itself holds per row, one process against split into tasks (#19).

    python bench/dedup_driver.py [--rows 1000000] [--copies 0.1] [--tasks 4] [--workers 2]
        [--key-part-rows N] [--modes one,split] [--dir DIR]

A synthetic run (ids shaped like URLs, random signatures, a share --copies of rows exact copies
of an earlier row, so that clusters are formed and decided) is decided by
decisions.deduplicate (one process: the signatures in memory, as the dedup stage reads them
from the staged rows) and by tasks.deduplicate_tasks with the signatures left in shard files
of 2,000 rows (run/deduplicate.StagedSigs, as the split stage leaves them), each task in a
fresh spawned process of a pool of --workers, so that its peak RSS is its own.

Reported: the Python and numpy allocations of the step (tracemalloc: peak, and what is held
after), per row, not counting the run's input columns (made before, reported apart) nor the
tasks' memory; each kind of task's peak RSS; the wall and CPU seconds of the step. No sets
are loaded: copies are exact, so they join on their hash (the confirmation and cluster tasks
still run, on the clusters of copies).
"""
from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from peak_rss import high_water  # noqa: E402 - bench/, this script's folder

from cleancorpus.pipeline.config import DedupConfig  # noqa: E402
from cleancorpus.pipeline.dedup.decisions import NO_DATE, RunCandidates, deduplicate  # noqa: E402
from cleancorpus.pipeline.dedup.index import IndexView  # noqa: E402
from cleancorpus.pipeline.dedup.tasks import KEY_PART_ROWS, deduplicate_tasks  # noqa: E402
from cleancorpus.pipeline.run.deduplicate import StagedSigs  # noqa: E402

SHARD = 2_000


def synthetic_run(n: int, copies: float, cfg: DedupConfig, folder: Path | None, seed: int = 1) -> RunCandidates:
    """The run's columns, drawn a shard at a time (rows of one shard are the same whatever n):
    its signatures in memory, or with a folder written to shard files (StagedSigs) instead.
    A share `copies` of the rows are exact copies (text hash and signature) of an earlier row
    of their shard or of the shard before."""
    hashes, sigs, folders = [], [], []
    prev: tuple[np.ndarray, np.ndarray] | None = None
    for k in range(0, n, SHARD):
        rng = np.random.default_rng([seed, k])
        m = min(SHARD, n - k)
        sig = rng.integers(0, 2**32, (m, cfg.num_perm), dtype=np.uint64).astype(np.uint32)
        h = rng.integers(0, 2**63, m).astype(np.uint64)
        pool_sig, pool_h = (np.concatenate([prev[0], sig]), np.concatenate([prev[1], h])) if prev else (sig, h)
        dup = np.flatnonzero(rng.random(m) < copies)
        dup = dup[dup + len(pool_h) - m > 0]  # the run's first row has no earlier row to copy
        src = rng.integers(0, len(pool_h) - m + dup) if len(dup) else dup  # an earlier row
        sig[dup], h[dup] = pool_sig[src], pool_h[src]
        prev = (sig, h)
        hashes.append(h)
        if folder is None:
            sigs.append(sig)
        else:
            d = folder / f"shard-{k // SHARD:06d}"
            d.mkdir(parents=True, exist_ok=True)
            np.save(d / "sig.npy", sig)
            folders.append(str(d))
    rng = np.random.default_rng(seed)
    ids = np.array([f"https://site{i % 5000}.example/news/2025/11/{i:09d}-a-headline-of-some-length" for i in range(n)],
                   dtype=object)
    published = np.where(rng.random(n) < 0.2, NO_DATE, rng.integers(1.6e15, 1.8e15, n)).astype(np.int64)
    starts = np.minimum(np.arange(0, n + SHARD, SHARD), n)[: len(folders) + 1]
    signatures = (np.concatenate(sigs) if folder is None
                  else StagedSigs(tuple(folders), starts.astype(np.int64), cfg.num_perm))
    return RunCandidates(ids, np.concatenate(hashes), published, rng.integers(0, 5, n).astype(np.int8),
                         rng.integers(100, 3000, n).astype(np.int32), signatures,
                         rng.integers(50, 3000, n).astype(np.int32))


def _task_peak(item: object, fn) -> tuple[object, int]:
    """fn(item) and this process's peak RSS in bytes (a fresh process per task: its own)."""
    res = fn(item)
    return res, high_water() or 0


class PeakMap:
    """map_fn on a pool of fresh processes per task, noting each task's peak RSS by kind."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool, self.peaks = pool, {}

    def __call__(self, fn, items):
        out = list(self.pool.map(partial(_task_peak, fn=fn), items))
        name = getattr(fn, "func", fn).__name__
        self.peaks.setdefault(name, []).extend(h for _, h in out)
        return [r for r, _ in out]


def no_sets(rows: list[int]) -> dict:
    raise AssertionError("exact copies need no sets")


def measure(name: str, fn, n: int) -> object:
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    res = fn()
    cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {name}: peak {peak / 2**20:,.0f} MB ({peak / n:,.0f} B a row), held after {cur / 2**20:,.0f} MB "
          f"({cur / n:,.0f} B a row); wall {time.perf_counter() - t0:.1f} s, CPU of this process "
          f"{time.process_time() - c0:.1f} s", flush=True)
    return res


def inputs(a: argparse.Namespace, cfg: DedupConfig, folder: Path | None, what: str) -> RunCandidates:
    """The synthetic run, and what its columns take in memory (made before measuring the step)."""
    tracemalloc.start()
    run = synthetic_run(a.rows, a.copies, cfg, folder)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"{a.rows:,} rows, {what}: input columns {held / a.rows:,.0f} B a row", flush=True)
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--copies", type=float, default=0.1)
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--key-part-rows", type=int, default=KEY_PART_ROWS,
                    help="run rows per key partition of a band task (the library's default)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--modes", default="one,split")
    ap.add_argument("--dir", type=Path, default=None, help="where the shard files go (default: a temporary folder)")
    a = ap.parse_args(argv)
    cfg = DedupConfig()
    folder = a.dir or Path(tempfile.mkdtemp(prefix="dedup_driver_"))
    index = IndexView.empty(cfg.bands)
    results = {}
    try:
        if "one" in a.modes:
            run = inputs(a, cfg, None, "one process: the signatures in memory")
            results["one"] = measure("one process", lambda: deduplicate(run, index, cfg, no_sets), a.rows)
            del run
        if "split" in a.modes:
            staged = inputs(a, cfg, folder, f"split: the signatures in shard files of {SHARD:,} rows")
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(a.workers, mp_context=ctx, max_tasks_per_child=1) as pool:
                peaks = PeakMap(pool)
                results["split"] = measure(f"split, {a.tasks} tasks of each kind on {a.workers} processes",
                                           lambda: deduplicate_tasks(staged, index, cfg, no_sets, tasks=a.tasks,
                                                                     map_fn=peaks, key_part_rows=a.key_part_rows),
                                           a.rows)
            for name, hw in ((k, v) for k, v in peaks.peaks.items() if v):
                print(f"    {name}: {len(hw)} tasks, peak RSS {min(hw) / 2**20:,.0f}-{max(hw) / 2**20:,.0f} MB")
            with ProcessPoolExecutor(1, mp_context=ctx, max_tasks_per_child=1) as pool:
                idle = list(pool.map(partial(_task_peak, fn=abs), [0]))[0][1]
            print(f"    (an idle spawned worker: {idle / 2**20:,.0f} MB)")
    finally:
        if a.dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    if len(results) == 2:
        one, split = results["one"], results["split"]
        print(f"same decisions: {one.decisions == split.decisions and one.doc_ids == split.doc_ids}")
    dups = sum(d.status != "kept" for d in next(iter(results.values())).decisions)
    print(f"duplicates: {dups:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

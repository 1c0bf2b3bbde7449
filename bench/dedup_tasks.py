"""Dedup's candidate generation split into tasks (pipeline/dedup/tasks.py) against one process (#19).

    python bench/dedup_tasks.py [--rows 10000000] [--single 1000000] [--tasks 12] [--key-parts 1] [--workers 2] [--dir DIR]

Synthetic MinHash signatures (the configured num_perm and run_bands), with planted groups of
near copies (a base signature with a share of its values redrawn) so that there are candidates.
Rows come in chunks of --chunk, each drawn from its own seed, so the first --single rows of the
large set are the small set.

- one process, --single rows: band keys, run_pairs and the plausible screen, as dedup does
  them today, in a process of its own (its peak RSS is the whole run's);
- tasks, --rows rows: the signatures and the band keys are written to .npy files (the keys
  band-major, one file per task's band range); each band task reads only its file, a band at a
  time, each screen task only its block's signature rows; every task runs in a fresh spawned process
  (max_tasks_per_child=1) on a pool of --workers, so its peak RSS (VmHWM) is its own;
- the same split on the --single rows must give exactly the single process's pairs.

The tasks' figures leave out computing the band keys (the process stage would write them per
shard along with the signatures): the writing lines give their CPU time apart.

Peak RSS includes a spawned worker's own imports (the 'idle worker' line).

Results (2 cores shared with other benchmarks, load average 1.6-3.5; defaults: 12 tasks, 2 workers):
  idle worker 111 MB
  one process, 1,000,000 rows: peak RSS 1,947 MB, wall 12.0 s, CPU 12.4 s (band keys included); 81,309 pairs
  tasks, 1,000,000 rows: 12 band + 12 screen tasks, peak RSS 167-168 MB per band task, 122-124 MB per
    screen task; wall 15.0 s (24 worker starts), CPU 7.1 s + 3.0 s of band keys; the same 81,309 pairs
  tasks, 10,000,000 rows: 12 band + 12 screen tasks, peak RSS 581-586 MB per band task, 151-154 MB per
    screen task; wall 132.4 s, CPU 127.1 s + 29.9 s of band keys; 821,909 candidate pairs, 821,668
    after the screen; those within the first 1,000,000 rows are the single process's
A band task's peak is that of sorting one band's keys over all rows (about 47 bytes a row over an
idle worker), whatever the number of bands it has: rows, not bands, set it. Cut by key partition
(--tasks 6 --key-parts 4: 24 band tasks of 10 bands and a quarter of the keys each):
  tasks, 1,000,000 rows: peak RSS 128-131 MB per band task, 131-134 MB per screen task; wall 25.1 s,
    CPU 7.3 s + 3.1 s of band keys; the same 81,309 pairs (one process this time: wall 27.3 s, CPU 12.5 s)
  tasks, 10,000,000 rows: peak RSS 256-287 MB per band task, 169-188 MB per screen task; wall 58.9 s,
    CPU 82.9 s + 34.7 s of band keys; the same 821,909 / 821,668 pairs
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from peak_rss import high_water  # noqa: E402 - bench/, this script's folder

from cleancorpus.pipeline.config import DedupConfig, load_config  # noqa: E402
from cleancorpus.pipeline.dedup.candidates import plausible, run_pairs  # noqa: E402
from cleancorpus.pipeline.dedup.decisions import RunCandidates  # noqa: E402
from cleancorpus.pipeline.dedup.signatures import band_keys  # noqa: E402
from cleancorpus.pipeline.dedup.tasks import (  # noqa: E402
    band_task,
    even_ranges,
    key_part,
    key_part_task,
    merge_codes,
    npy_layout,
    pair_blocks,
    screen_task,
)

GROUPED = 0.03  # share of rows in planted groups
SIZES = np.array([2, 2, 2, 3, 3, 4, 5, 12])  # group sizes; 12: a group of equal keys above 8 (star and chain)


def chunk(i: int, rows: int, num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Chunk i: (rows, num_perm) uint32 signatures and shingle counts, planted groups inside it."""
    rng = np.random.default_rng([seed, i])
    sig = rng.integers(0, 2**32, size=(rows, num_perm), dtype=np.uint32)
    nsh = rng.integers(50, 3000, size=rows).astype(np.int32)
    free = rng.permutation(rows)
    used = 0
    while used < GROUPED * rows:
        size = int(rng.choice(SIZES))
        members = free[used:used + size]
        used += size
        base = members[0]
        for m in members[1:]:
            redraw = rng.random(num_perm) < rng.uniform(0.05, 0.6)  # from near-exact to loose copies
            sig[m] = np.where(redraw, rng.integers(0, 2**32, size=num_perm, dtype=np.uint32), sig[base])
            nsh[m] = max(1, int(nsh[base] * rng.uniform(0.6, 1.2)))
    return sig, nsh


def write_set(folder: Path, rows: int, cfg: DedupConfig, tasks: int, chunk_rows: int, seed: int,
              key_parts: int = 1) -> dict[str, Any]:
    """sig.npy, nsh.npy and band-major key files per task's band range, written a chunk at a
    time with pwrite (a memory map would hold every written page in this process's RSS); with
    key_parts > 1, per band and key partition raw files of the rows and their keys instead."""
    folder.mkdir(parents=True, exist_ok=True)
    ranges = even_ranges(cfg.run_bands, tasks) if key_parts == 1 else []
    paths = [folder / f"bands_{lo:03d}_{hi:03d}.npy" for lo, hi in ranges]
    specs = [(folder / "sig.npy", np.uint32, (rows, cfg.num_perm)), (folder / "nsh.npy", np.int32, (rows,))]
    specs += [(p, np.uint64, (hi - lo, rows)) for p, (lo, hi) in zip(paths, ranges)]
    fds, offsets, keys_cpu = [], [], 0.0
    for path, dtype, shape in specs:
        del_me = np.lib.format.open_memmap(path, "w+", dtype, shape)  # the header and the (sparse) file
        del del_me
        offsets.append(npy_layout(path)[2])
        fds.append(os.open(path, os.O_WRONLY))
    try:
        for i, lo in enumerate(range(0, rows, chunk_rows)):
            hi = min(rows, lo + chunk_rows)
            s, c = chunk(i, hi - lo, cfg.num_perm, seed)
            os.pwrite(fds[0], s.tobytes(), offsets[0] + lo * cfg.num_perm * 4)
            os.pwrite(fds[1], c.tobytes(), offsets[1] + lo * 4)
            c0 = time.process_time()
            keys = band_keys(s, cfg.run_bands)
            keys_cpu += time.process_time() - c0
            if key_parts > 1:
                _append_parts(folder, keys, lo, key_parts)
            for fd, off, (blo, bhi) in zip(fds[2:], offsets[2:], ranges):
                for b in range(blo, bhi):
                    os.pwrite(fd, np.ascontiguousarray(keys[:, b]).tobytes(), off + ((b - blo) * rows + lo) * 8)
    finally:
        for fd in fds:
            os.close(fd)
    if key_parts > 1:
        paths = [([(folder / f"b{b:03d}_p{p:02d}.rows", folder / f"b{b:03d}_p{p:02d}.keys") for b in range(lo, hi)], rows)
                 for lo, hi in even_ranges(cfg.run_bands, tasks) for p in range(key_parts)]
    return {"sig": folder / "sig.npy", "nsh": folder / "nsh.npy", "bands": paths, "keys_cpu": keys_cpu,
            "task": key_part_task if key_parts > 1 else band_task}


def _append_parts(folder: Path, keys: np.ndarray, lo: int, key_parts: int) -> None:
    """A chunk's band keys appended to each band's key partitions' raw files (rows, keys)."""
    for b in range(keys.shape[1]):
        part = key_part(keys[:, b], key_parts)
        for p in range(key_parts):
            sel = np.flatnonzero(part == p)
            with open(folder / f"b{b:03d}_p{p:02d}.rows", "ab") as f:
                f.write((sel + lo).astype(np.int64).tobytes())
            with open(folder / f"b{b:03d}_p{p:02d}.keys", "ab") as f:
                f.write(keys[sel, b].tobytes())


def _measured(fn: Callable[..., Any], *args: Any) -> tuple[Any, float, float, float]:
    """fn(*args) in this (fresh) process: (result, peak RSS MB, CPU s, wall s). The peak is
    VmHWM, this process's own: getrusage's ru_maxrss keeps the high-water mark of the process
    that forked it across the fork and the exec of a spawned worker."""
    t, c = time.perf_counter(), _cpu()
    res = fn(*args)
    return res, _hwm_mb(), _cpu() - c, time.perf_counter() - t


def _cpu() -> float:
    """This process's CPU seconds, all threads (run_pairs sorts bands on two)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _hwm_mb() -> float:
    peak = high_water()
    return peak / 2**20 if peak is not None else float("nan")


def _idle() -> None:
    return None


def _single(sig_path: Path, nsh_path: Path, rows: int, cfg: DedupConfig) -> np.ndarray:
    """Today's path at `rows`: the signatures in memory, band keys, run_pairs, the screen."""
    sig = np.array(np.load(sig_path, mmap_mode="r")[:rows])
    nsh = np.array(np.load(nsh_path, mmap_mode="r")[:rows])
    run = RunCandidates(np.zeros(0, object), np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int8),
                        np.zeros(0, np.int32), sig, nsh)
    return plausible(run, run_pairs(band_keys(sig, cfg.run_bands)), cfg)


def _band_item(item: tuple[Callable[[Any], np.ndarray], Any]) -> tuple[np.ndarray, float, float, float]:
    return _measured(*item)


def _screen_item(item: tuple[np.ndarray, Path, Path, DedupConfig]) -> tuple[np.ndarray, float, float, float]:
    return _measured(screen_task, *item)


def _pool(workers: int) -> ProcessPoolExecutor:
    """Every task in a fresh spawned process: nothing of the parent's memory, one task's peak."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1)


def split(files: dict[str, Any], rows: int, cfg: DedupConfig, tasks: int, workers: int, max_block: int) -> dict[str, Any]:
    """Band tasks, the merge (here), then screen tasks by pair block; pairs and per-task figures."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    with _pool(workers) as pool:
        band_out = list(pool.map(_band_item, [(files["task"], x) for x in files["bands"]]))
    t1 = time.perf_counter()
    pairs = merge_codes((o[0] for o in band_out), rows)
    t2 = time.perf_counter()
    blocks = [(pairs[lo:hi], files["sig"], files["nsh"], cfg) for lo, hi in pair_blocks(len(pairs), tasks, max_block)]
    with _pool(workers) as pool:
        screen_out = list(pool.map(_screen_item, blocks))
    t3 = time.perf_counter()
    kept = np.concatenate([o[0] for o in screen_out]) if screen_out else np.zeros((0, 2), np.int64)
    return {"pairs": pairs, "kept": kept, "band": band_out, "screen": screen_out, "wall": t3 - t0,
            "walls": (t1 - t0, t2 - t1, t3 - t2), "parent_cpu": time.process_time() - c0,
            "cpu": sum(o[2] for o in band_out + screen_out) + time.process_time() - c0}


def report(name: str, rows: int, r: dict[str, Any]) -> None:
    band_rss = [o[1] for o in r["band"]]
    screen_rss = [o[1] for o in r["screen"]]
    print(f"{name}: {rows:,} rows, {len(r['band'])} band tasks + {len(r['screen'])} screen tasks; "
          f"{len(r['pairs']):,} candidate pairs, {len(r['kept']):,} after the screen")
    print(f"  peak RSS per band task {min(band_rss):.0f}-{max(band_rss):.0f} MB, per screen task "
          f"{min(screen_rss):.0f}-{max(screen_rss):.0f} MB")
    print(f"  wall {r['wall']:.1f} s (band tasks {r['walls'][0]:.1f}, merge {r['walls'][1]:.1f}, screen {r['walls'][2]:.1f}), "
          f"of which in the tasks' own work {sum(o[3] for o in r['band'] + r['screen']):.1f} s summed over tasks; "
          f"CPU {r['cpu']:.1f} s (tasks {r['cpu'] - r['parent_cpu']:.1f} + parent {r['parent_cpu']:.1f}; "
          "a worker's start and imports not counted)")
    print("  per band task (RSS MB / CPU s): " + ", ".join(f"{o[1]:.0f}/{o[2]:.1f}" for o in r["band"]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--single", type=int, default=1_000_000)
    ap.add_argument("--tasks", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=250_000)
    ap.add_argument("--max-block", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--key-parts", type=int, default=1, help="cut each band range in this many key partitions")
    ap.add_argument("--dir", type=Path, default=None, help="where the .npy files go (a temporary folder by default)")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    cfg = load_config().dedup
    base = a.dir or Path(tempfile.mkdtemp(prefix="dedup_tasks_"))
    print(f"{cfg.num_perm} permutations, {cfg.run_bands} run bands; {GROUPED:.0%} of rows in planted groups of "
          f"{sorted(set(SIZES.tolist()))}; {a.workers} worker processes, files in {base}")
    try:
        with _pool(1) as pool:
            idle = pool.submit(_measured, _idle).result()[1]
        print(f"idle worker (spawned, imports only): {idle:.0f} MB")
        t = time.perf_counter()
        small = write_set(base / "small", a.single, cfg, a.tasks, a.chunk, a.seed, a.key_parts)
        print(f"wrote {a.single:,} rows in {time.perf_counter() - t:.1f} s (their band keys: CPU {small['keys_cpu']:.1f} s, "
              "not in the tasks' figures below)")
        with _pool(1) as pool:
            ref, rss, cpu, wall = pool.submit(_measured, _single, small["sig"], small["nsh"], a.single, cfg).result()
        print(f"one process, {a.single:,} rows: peak RSS {rss:.0f} MB, wall {wall:.1f} s, CPU {cpu:.1f} s; "
              f"{len(ref):,} pairs after the screen")
        r = split(small, a.single, cfg, a.tasks, a.workers, a.max_block)
        report("tasks", a.single, r)
        same = np.array_equal(r["kept"], ref)
        print(f"  split == one process on {a.single:,} rows: {same}")
        if not same:
            raise SystemExit("the split differs from the single process")
        shutil.rmtree(base / "small")
        t = time.perf_counter()
        big = write_set(base / "big", a.rows, cfg, a.tasks, a.chunk, a.seed, a.key_parts)
        print(f"wrote {a.rows:,} rows in {time.perf_counter() - t:.1f} s (their band keys: CPU {big['keys_cpu']:.1f} s, "
              "not in the tasks' figures below)")
        r = split(big, a.rows, cfg, a.tasks, a.workers, a.max_block)
        report("tasks", a.rows, r)
        head = r["kept"][(r["kept"][:, 1] < a.single)]
        print(f"  pairs within the first {a.single:,} rows == one process on them: {np.array_equal(head, ref)}")
    finally:
        if not a.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

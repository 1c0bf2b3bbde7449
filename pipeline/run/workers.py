"""Worker processes: how a pool starts, how it ends, and what a stop signal does.

A run that a service stops (SIGTERM from systemd or Kubernetes, SIGINT from a terminal) ends
at once and cleanly: the signal raises `Stopped` in the main process, which kills its workers
and leaves through the normal path, releasing the output lock; nothing of the run was
published, so the next run redoes (or reuses) its shards. Workers die with their parent even
when the parent is killed outright (PR_SET_PDEATHSIG), so no orphan keeps working or keeps the
lock, and they ignore SIGINT, which a terminal sends to the whole process group (the parent
decides).
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import resource
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType

from cleancorpus.pipeline.run import watchdog

# The stages allocate millions of short-lived objects (lines, tuples, Arrow scalars) beside
# long-lived caches and models, and make almost no reference cycles (20 objects collected over
# 10,000 text documents). At CPython's default gen-0 threshold of 700 the cycle collector ran
# 2,400 times per 10,000 documents, and its full passes walked the growing caches: 4.5% of a
# shard worker's time; one pass per 50,000 allocations costs 2.2%, with the same peak memory.
STAGE_GC_THRESHOLDS = (50_000, 10, 10)

_PR_SET_PDEATHSIG = 1


class Stopped(BaseException):
    """A stop signal arrived. A BaseException, so that no `except Exception` on the way swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _die_with_parent(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: orphans end when the pool's pipes close
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def init_worker(parent: int, time_limit: float, memory_mb: int) -> None:
    gc.set_threshold(*STAGE_GC_THRESHOLDS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    if time_limit:
        watchdog.enable(time_limit)
    if memory_mb:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))


def new_pool(workers: int, time_limit: float = 0.0, memory_mb: int = 0, fork: bool = False) -> ProcessPoolExecutor:
    """A pool whose workers end a record stuck past HARD_FACTOR x time_limit seconds and may
    use memory_mb of address space (0: no limit, no cap). `fork`: forked workers even where the
    process's default start method is another (a Dask worker's is spawn)."""
    return ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=(os.getpid(), time_limit, memory_mb),
                               mp_context=multiprocessing.get_context("fork") if fork else None)


def dead_workers(pool: ProcessPoolExecutor, wait: float = 10.0) -> set[int] | None:
    """Pids of a broken pool's workers that died on their own (a crash, the out-of-memory killer,
    the CPU limit), not those the break is ending (still alive, or ended by SIGTERM); None when
    none can be told, and every shard in flight is then suspect.

    The pool's manager thread ends the other workers and reaps every worker after it has failed
    the futures, so the caller learns of the break while it may be reaping: a worker it has reaped
    and not yet marked reads as alive (the second wait for it finds no child), and when that is
    the one that died, none can be told and the worker the break ended is blamed with it. So the
    thread is given `wait` seconds to finish first."""
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(wait)
    procs = list((getattr(pool, "_processes", None) or {}).values())
    dead = {p.pid for p in procs if p.exitcode is not None and p.exitcode != -signal.SIGTERM}
    return dead or None


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool now: its workers are killed, not waited for (a shard takes minutes)."""
    for p in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            p.kill()
        except (OSError, AttributeError):
            pass
    pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise Stopped in the main thread while the block runs."""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signum)

    before = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in before.items():
            signal.signal(s, h)

"""Running a backfill's stages, with the dispatch of shard work left to the caller.

`backfill` is the whole job (lock, recovery, plan, stages, commit). How shard stages run
is a Dispatcher: in this process, on a local process pool, or as Prefect tasks (flows/).
With no Prefect API configured the CLI uses the local dispatcher, so it does not pay for a
temporary Prefect server, and runs exactly the same stage functions.
"""
from __future__ import annotations

import gc
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.inputs.remote import Remote, is_remote, local_root_for
from cleancorpus.pipeline.run import staging
from cleancorpus.pipeline.run.commit import commit_run
from cleancorpus.pipeline.run.deduplicate import deduplicate_run, task_count
from cleancorpus.pipeline.run.plan import RunPlan, Shard, plan_run
from cleancorpus.pipeline.run.process import SHARD_CRASHES, process_shard, warm
from cleancorpus.pipeline.run.state import Layout, LockHeld, output_lock, recover
from cleancorpus.pipeline.run.workers import STAGE_GC_THRESHOLDS, dead_workers, kill_pool, new_pool
from cleancorpus.pipeline.run.write import write_shard

# (stage, shards done, shards in all, the stats of the shard that just finished)
Progress = Callable[[str, int, int, dict[str, Any]], None]

class Dispatcher(Protocol):
    # whether every shard task sees this machine's disk (a local pool does; a Dask cluster may
    # not, and then an object-store output is also where shards stage: run/staging.py)
    shares_disk: bool

    def prepare(self, plan: RunPlan) -> None: ...

    def map(self, stage: str, fn: Callable[..., dict[str, Any]], args: list[tuple[Any, ...]],
            crash: CrashPolicy | None = None) -> list[dict[str, Any]]: ...

    def one(self, stage: str, fn: Callable[..., dict[str, Any]], args: tuple[Any, ...]) -> dict[str, Any]: ...

    def split(self, stage: str, fn: Callable[..., dict[str, Any]], args: tuple[Any, ...]) -> dict[str, Any]:
        """fn(*args, map_fn=...): one step that hands its own tasks to map_fn (dedup of a large run)."""
        ...


class WorkerDied(RuntimeError):
    """Workers kept dying on a shard and no record could be blamed."""


class CrashPolicy(Protocol):
    """How a stage's shards name the record a dead worker was on, and skip it."""

    def in_progress(self, *args: Any) -> Any: ...

    def worker_of(self, *args: Any) -> int | None: ...

    def skip(self, mark: Any, *args: Any) -> tuple[Any, ...]: ...


def in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """fn(*args) in a child process of its own, so all the memory it used goes when it ends."""
    pool = new_pool(1)
    try:
        return pool.submit(fn, *args).result()
    except BaseException:
        kill_pool(pool)
        raise
    finally:
        pool.shutdown()


@contextmanager
def pool_map(workers: int) -> Iterator[Callable[..., Any]]:
    """A map over a fresh local pool of `workers` processes (the builtin map for one), for a
    step's own tasks. The workers are forked at once, before the step loads its data."""
    if workers <= 1:
        yield map
        return
    pool = new_pool(workers)
    pool.submit(int).result()  # fork every worker now (a fork pool starts them all at the first submit)
    try:
        yield pool.map
    except BaseException:
        kill_pool(pool)
        raise
    finally:
        pool.shutdown()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class LocalDispatcher:
    """Shards on a process pool (or inline for one worker); results in shard order.

    With more than one worker, each stage gets its own pool, forked when the stage starts, and
    the dedup step runs in a child process of its own. Its working set grows with the run
    (signatures, band keys, candidate pairs, decisions) and comes back whole when the child
    exits, instead of staying in this process while the writers run; and the shard
    processors' caches and models are gone before dedup starts rather than idling beside it.
    """

    ISOLATED = frozenset({"dedup"})
    shares_disk = True

    def __init__(self, workers: int = 1, progress: Progress | None = None) -> None:
        self.workers = workers
        self.progress = progress
        self._pool: ProcessPoolExecutor | None = None
        self.time_limit = 0.0
        self.memory_mb = 0

    def prepare(self, plan: RunPlan) -> None:
        """Before the first pool forks: load the models here, so every worker inherits them."""
        self.time_limit = plan.config().extract.timeout_seconds
        self.memory_mb = plan.config().run.worker_memory_mb
        if self.workers > 1:
            warm(plan)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = new_pool(self.workers, self.time_limit, self.memory_mb)
        return self._pool

    def map(self, stage: str, fn: Callable[..., dict[str, Any]], args: list[tuple[Any, ...]],
            crash: CrashPolicy | None = None) -> list[dict[str, Any]]:
        """fn(*a) for every a, results in order. On a pool, a worker that dies (a crash in C
        code, the out-of-memory killer) costs the shards in flight: they run again on a fresh
        pool, and a record found in progress at two deaths is handed to `crash` to skip."""
        args = list(args)
        n = len(args)
        self._tick(stage, 0, n, {})
        if self.workers <= 1 or n <= 1:
            out = []
            for i, a in enumerate(args):
                out.append(fn(*a))
                self._tick(stage, i + 1, n, out[-1])
            return out
        results: list[dict[str, Any] | None] = [None] * n
        pending = set(range(n))
        deaths: dict[int, Counter[Any]] = {i: Counter() for i in range(n)}
        done = 0
        try:
            while pending:
                futures = {self._executor().submit(fn, *args[i]): i for i in sorted(pending)}
                try:
                    for f in as_completed(futures):  # progress as shards finish, rows in shard order
                        i = futures[f]
                        results[i] = f.result()
                        pending.discard(i)
                        done += 1
                        self._tick(stage, done, n, results[i])
                except BrokenProcessPool:
                    culprits = dead_workers(self._pool) if self._pool is not None else None
                    self.close(kill=True)
                    after_death(stage, args, pending, deaths, crash, culprits)
        except BaseException:
            self.close(kill=True)
            raise
        self.close()
        return [r for r in results if r is not None]

    def one(self, stage: str, fn: Callable[..., dict[str, Any]], args: tuple[Any, ...]) -> dict[str, Any]:
        self._tick(stage, 0, 1, {})
        r = in_child(fn, *args) if self.workers > 1 and stage in self.ISOLATED else fn(*args)
        self._tick(stage, 1, 1, r)
        return r

    def split(self, stage: str, fn: Callable[..., dict[str, Any]], args: tuple[Any, ...]) -> dict[str, Any]:
        """In this process, its tasks on a local pool: the step's large working set is in the
        tasks, which end with it."""
        self._tick(stage, 0, 1, {})
        with pool_map(self.workers) as map_fn:
            r = fn(*args, map_fn=map_fn)
        self._tick(stage, 1, 1, r)
        return r

    def _tick(self, stage: str, done: int, total: int, result: dict[str, Any]) -> None:
        if self.progress:
            self.progress(stage, done, total, result)

    def close(self, kill: bool = False) -> None:
        if self._pool is not None:
            if kill:
                kill_pool(self._pool)
            else:
                self._pool.shutdown()
            self._pool = None


def after_death(stage: str, args: list[tuple[Any, ...]], pending: set[int], deaths: dict[int, Counter[Any]],
                 crash: CrashPolicy | None, culprits: set[int] | None = None) -> None:
    """A worker died: note what each unfinished shard was doing; a record in progress at two
    deaths is skipped from then on (crash.skip). A shard that keeps killing workers with no
    record to blame, or on ever other records, ends the run. With `culprits` (the pids that
    died on their own), a shard whose worker was only ended by the break counts no death."""
    for i in pending:
        if culprits is not None and crash is not None and crash.worker_of(*args[i]) not in culprits:
            continue
        mark = crash.in_progress(*args[i]) if crash else None
        deaths[i][mark] += 1
        total = sum(deaths[i].values())
        if crash is not None and mark is not None and deaths[i][mark] >= 2:
            args[i] = crash.skip(mark, *args[i])
        if deaths[i][None] >= 3 or total >= 8:
            raise WorkerDied(f"{stage} stage: a worker died {total} times on shard {i} with no single record to "
                             "blame; see the system log (out of memory?)")


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """STAGE_GC_THRESHOLDS while a run's stages execute (forked pools inherit them; the
    pools' initializer sets them too), the caller's own thresholds after."""
    before = gc.get_threshold()
    gc.set_threshold(*STAGE_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def execute_plan(plan: RunPlan, dispatch: Dispatcher) -> dict[str, Any]:
    """Run every stage of a planned run and commit it. The caller holds the output lock."""
    with _fewer_collections():
        return _execute(plan, dispatch)


def _execute(plan: RunPlan, dispatch: Dispatcher) -> dict[str, Any]:
    shards: list[Shard] = list(plan.shards)
    seconds: dict[str, float] = {}
    t = time.monotonic()
    dispatch.prepare(plan)
    staging.prepare(plan)
    processed = dispatch.map("process", process_shard, [(plan, s) for s in shards], SHARD_CRASHES)
    folders = [p["folder"] for p in processed]
    seconds["process"], t = time.monotonic() - t, time.monotonic()
    if task_count(plan.config(), sum(p.get("candidates", 0) for p in processed)):
        dedup = dispatch.split("dedup", deduplicate_run, (plan, folders))
    else:
        dedup = dispatch.one("dedup", deduplicate_run, (plan, folders))
    seconds["dedup"], t = time.monotonic() - t, time.monotonic()
    written = dispatch.map("write", write_shard, [(plan, s, f) for s, f in zip(shards, folders)])
    seconds["write"] = time.monotonic() - t
    return dispatch.one("commit", commit_run, (plan, processed, dedup, written, datetime.now(timezone.utc), seconds))


def backfill(inputs: list[str], output: str, dispatch: Dispatcher, config_path: str | None = None,
             reprocess: bool = False, since: datetime | None = None, until: datetime | None = None,
             wait: bool = False) -> dict[str, Any]:
    """The whole job: lock the output, recover a killed run, plan new inputs, run, commit.

    Raises ConfigError, LockHeld or OSError when the run itself cannot be done.
    """
    cfg = load_config(config_path)
    remote = Remote(output) if is_remote(output) else None
    local = local_root_for(output) if remote else Path(output)
    layout = Layout(local)
    layout.ensure()
    with output_lock(layout, wait=wait) as left_by, _lease(remote, cfg.run.lease_seconds, wait) as lease_from:
        recovered: dict[str, Any] = recover(layout)
        if left_by or lease_from:
            recovered["taken_over_from"] = left_by or lease_from
        if remote is not None:
            recovered["remote_rolled_back"] = remote.rollback()
            remote.sync_state(layout.state)
        stage = staging.stage_for(output, cfg.run.work_dir, remote is not None, getattr(dispatch, "shares_disk", True))
        plan = plan_run(inputs, str(local), cfg, config_path, reprocess, since, until, remote=output if remote else None,
                        stage=stage)
        if not plan.shards:
            return {"run_id": plan.run_id, "nothing_to_do": True, "inputs_skipped_unchanged": plan.skipped_unchanged,
                    "input_problems": list(plan.problems), "recovered": recovered, "output": output}
        summary = execute_plan(plan, dispatch)
        if remote is not None:
            if not remote.holds_lease():  # it ran out and another machine took the output over
                raise LockHeld(f"the lease on {output} ran out during the run ([run] lease_seconds) and another "
                               "writer took it: nothing was published; run again")
            _publish(remote, layout, summary)
        staging.clear(plan)
        summary["recovered"] = recovered
        return summary


@contextmanager
def _lease(remote: Remote | None, seconds: float, wait: bool) -> Iterator[str | None]:
    """The remote output's lease for the run (a local output has its lock only)."""
    if remote is None:
        yield None
        return
    taken_from = remote.acquire_lease(seconds, wait)
    try:
        yield taken_from
    finally:
        remote.release_lease()


def _publish(remote: Remote, layout: Layout, summary: dict[str, Any]) -> None:
    """Upload the committed run: data files, then state segments, then the run summary."""
    run_id = summary["run_id"]
    root = layout.root
    data = sorted(str(p.relative_to(root)) for d in (layout.documents, layout.rejects) for p in d.rglob(f"part-{run_id}-*.parquet"))
    state = sorted(str(p.relative_to(root)) for p in layout.state.rglob(f"*{run_id}*.parquet")
                   if "work" not in p.relative_to(layout.state).parts)
    remote.publish(root, data + state + [f"runs/{run_id}.json"])
    for rel in data:  # the remote holds the corpus; the working copy keeps only state
        (root / rel).unlink()

"""The Prefect flow: the same stages as pipeline/run/runner.py, as tasks over shards.

One task run per shard per stage (plus one dedup and one commit task), so a flow run has
hundreds of task runs at most, never one per document. Shard work runs on a process pool
owned by the flow, so both cores work while Prefect threads only wait on results; with a
Dask scheduler (`dask_address`) the shard tasks run on the cluster instead.
"""
# no `from __future__ import annotations`: Prefect validates flow parameters from real annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.tasks import exponential_backoff

from cleancorpus.pipeline.report import write_report
from cleancorpus.pipeline.run.commit import commit_run
from cleancorpus.pipeline.run.deduplicate import deduplicate_run
from cleancorpus.pipeline.run.plan import RunPlan, Shard
from cleancorpus.pipeline.run.process import SHARD_CRASHES, process_shard, warm
from cleancorpus.pipeline.run.runner import (
    CrashPolicy,
    LocalDispatcher,
    after_death,
    backfill,
    default_workers,
    in_child,
    pool_map,
)
from cleancorpus.pipeline.run.workers import dead_workers, kill_pool, new_pool
from cleancorpus.pipeline.run.write import write_shard

TRANSIENT = (OSError, TimeoutError, ConnectionError)


def _retry_transient(task, task_run, state) -> bool:  # type: ignore[no-untyped-def]
    """Retry IO trouble (a flaky bucket, a busy disk), not defects that will fail again."""
    try:
        state.result()
    except TRANSIENT:
        return True
    except Exception:  # noqa: BLE001 - any other error is not worth retrying
        return False
    return False


# The flow's process pool: a module global, not a task parameter, because Prefect records
# (and would try to serialize) task parameters.
_POOL: Any = None
_ISOLATE_DEDUP = False  # run the dedup step in a child process of its own (see LocalDispatcher)

_opts = dict(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_condition_fn=_retry_transient,
             persist_result=False)


_POOL_LOCK = threading.Lock()
_WARM: set[str] = set()  # config hashes whose models this (Dask worker) process has loaded
_WARM_LOCK = threading.Lock()
_DISPATCH: Any = None  # the dispatcher whose local pool _POOL is, to make a fresh one after a worker dies
_CULPRITS: dict[Any, set[int] | None] = {}  # a broken pool -> the pids of its workers that died on their own
_CLUSTER_MAP: Any = None  # while a split dedup step runs on Dask: the map that sends its tasks to the cluster


def _on_pool(stage: str, fn: Callable[..., dict[str, Any]], args: tuple[Any, ...],
             crash: CrashPolicy | None) -> dict[str, Any]:
    """fn(*args) on the flow's local pool. A dead worker breaks the pool for every task: the first
    task to see it makes a fresh one, each reruns its shard there, and a record in progress at two
    deaths is skipped, as LocalDispatcher.map does."""
    global _POOL
    deaths: dict[int, Counter[Any]] = {0: Counter()}
    while True:
        pool = _POOL
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            with _POOL_LOCK:
                if _POOL is pool:  # the first task to see the break tells who died, then replaces the pool
                    _CULPRITS[pool] = dead_workers(pool)
                    _DISPATCH.local.close(kill=True)
                    _POOL = _DISPATCH.local._executor()
                culprits = _CULPRITS.get(pool)
            box = [args]  # after_death notes the death and may swap in args that skip a record
            after_death(stage, box, {0}, deaths, crash, culprits)
            args = box[0]


def _in_own_child(stage: str, fn: Callable[..., dict[str, Any]], args: tuple[Any, ...], plan: RunPlan,
                  crash: CrashPolicy | None) -> dict[str, Any]:
    """fn(*args) in a child process of this one, with the run's CPU time limit and memory cap.

    On a Dask worker there is no flow pool: the task would run the shard in the worker's own
    thread, where a page stuck in C code cannot be stopped and a page that kills its process
    kills the Dask worker. A child per shard gives it the local pool's guarantees: a death costs
    the shard's work, the shard reruns in a fresh child, a record in progress at two deaths is
    rejected worker_crashed."""
    if multiprocessing.current_process().daemon:
        raise RuntimeError("this Dask worker is a daemonic process, which may start no child for the shard: "
                           "start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (docs/operations.md)")
    cfg = plan.config()
    with _WARM_LOCK:
        if plan.config_hash not in _WARM:  # once per Dask worker process: its children start with the models
            warm(plan)
            _WARM.add(plan.config_hash)
    deaths: dict[int, Counter[Any]] = {0: Counter()}
    while True:
        # forked, not spawned (a Dask worker's default): a spawned child imported and loaded everything
        # again, 5 to 8 s a shard where the shard's own work took 1.5 s
        pool = new_pool(1, cfg.extract.timeout_seconds, cfg.run.worker_memory_mb, fork=True)
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            culprits = dead_workers(pool)
            kill_pool(pool)
            box = [args]
            after_death(stage, box, {0}, deaths, crash, culprits)
            args = box[0]
        finally:
            pool.shutdown()


@task(name="process-shard", task_run_name="process shard {shard.shard_id}", **_opts)
def process_shard_task(plan: RunPlan, shard: Shard) -> dict[str, Any]:
    if _POOL is not None:
        return _on_pool("process", process_shard, (plan, shard), SHARD_CRASHES)
    return _in_own_child("process", process_shard, (plan, shard), plan, SHARD_CRASHES)


@task(name="deduplicate", **_opts)
def dedup_task(plan: RunPlan, folders: list[str], split: bool = False) -> dict[str, Any]:
    """The dedup step, here in the flow's process, next to the output's index. `split`: a
    large run, whose own tasks go to the Dask cluster when the flow runs on one, else to a
    local pool."""
    if split:
        if _CLUSTER_MAP is not None:
            return deduplicate_run(plan, folders, map_fn=_CLUSTER_MAP)
        with pool_map(_DISPATCH.workers if _DISPATCH is not None else default_workers()) as map_fn:
            return deduplicate_run(plan, folders, map_fn=map_fn)
    if _ISOLATE_DEDUP:
        return in_child(deduplicate_run, plan, folders)
    return deduplicate_run(plan, folders)


class _DaskMap:
    """map_fn on a Dask cluster: fn on each item as tasks of the cluster, results in order. The
    tasks take what they read from the store (staged shards, earlier runs' documents), never
    from this machine's disk."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __call__(self, fn: Callable[[Any], Any], items: Any) -> list[Any]:
        return self.client.gather(self.client.map(fn, list(items), pure=False))


@task(name="write-shard", task_run_name="write shard {shard.shard_id}", **_opts)
def write_shard_task(plan: RunPlan, shard: Shard, folder: str) -> dict[str, Any]:
    if _POOL is not None:
        return _on_pool("write", write_shard, (plan, shard, folder), None)
    return write_shard(plan, shard, folder)


@task(name="commit-run", **_opts)
def commit_task(plan: RunPlan, processed: list[dict[str, Any]], dedup: dict[str, Any],
                written: list[dict[str, Any]], finished: datetime,
                seconds: dict[str, float] | None = None) -> dict[str, Any]:
    return commit_run(plan, processed, dedup, written, finished, seconds)


class PrefectDispatcher:
    """Runs each stage as Prefect tasks.

    With the default thread task runner, shard CPU work goes to a local process pool (also
    with one worker: the extraction time limit needs a process's main thread). With a Dask
    task runner the tasks themselves run on the cluster's workers.
    """

    def __init__(self, workers: int, on_dask: bool = False) -> None:
        self.local = LocalDispatcher(workers)
        self.workers = workers
        self.on_dask = on_dask
        # Dask workers may be other machines: an object-store output is then also where shards
        # stage, so a worker needs no path of this machine's (pipeline/run/staging.py)
        self.shares_disk = not on_dask

    def prepare(self, plan: RunPlan) -> None:
        if not self.on_dask:  # shard work runs on a pool forked from this process, with its limits
            self.local.prepare(plan)
            warm(plan)

    def map(self, stage: str, fn, args, crash=None):  # type: ignore[no-untyped-def]
        """On the local pool, the tasks handle a dead worker themselves (_on_pool); on Dask, each
        task runs its shard in a child of its worker and handles a dead child (_in_own_child)."""
        global _POOL, _DISPATCH
        _POOL = None if self.on_dask else self.local._executor()
        _DISPATCH = self
        t = {"process": process_shard_task, "write": write_shard_task}[stage]
        try:
            futures = [t.submit(*a) for a in args]
            return [f.result() for f in futures]
        finally:  # a pool per stage, as in LocalDispatcher
            _POOL = None
            self.local.close()

    def one(self, stage: str, fn, args):  # type: ignore[no-untyped-def]
        global _ISOLATE_DEDUP
        _ISOLATE_DEDUP = not self.on_dask and self.workers > 1 and stage in LocalDispatcher.ISOLATED
        t = {"dedup": dedup_task, "commit": commit_task}[stage]
        return t(*args)

    def split(self, stage: str, fn, args):  # type: ignore[no-untyped-def]
        global _DISPATCH, _CLUSTER_MAP
        _DISPATCH = self
        if not self.on_dask:
            return dedup_task(*args, split=True)
        from prefect_dask import get_dask_client

        with get_dask_client() as client:  # the flow's cluster (asked here, in the flow's context)
            _CLUSTER_MAP = _DaskMap(client)
            try:
                return dedup_task(*args, split=True)
            finally:
                _CLUSTER_MAP = None


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{"what": k, "count": v} for k, v in summary.get("counts", {}).items()]
    rows += [{"what": f"rejected: {k}", "count": v} for k, v in summary.get("rejects_by_reason", {}).items()]
    rows.append({"what": "inputs skipped (unchanged)", "count": summary.get("inputs_skipped_unchanged", 0)})
    return rows


@flow(name="cleancorpus", flow_run_name="cleancorpus {output}", log_prints=True)
def cleancorpus_flow(inputs: list[str], output: str, config_path: str | None = None, reprocess: bool = False,
                     since: datetime | None = None, until: datetime | None = None, workers: int = 0,
                     wait: bool = False, on_dask: bool = False) -> dict[str, Any]:
    """Backfill or scheduled pickup: process new and changed inputs into OUTPUT."""
    log = get_run_logger()
    n = workers or default_workers()
    dispatch = PrefectDispatcher(n, on_dask)
    try:
        summary = backfill(inputs, output, dispatch, config_path, reprocess, since, until, wait)
    finally:
        dispatch.local.close()
    if summary.get("nothing_to_do"):
        log.info("nothing new: %s inputs already processed", summary.get("inputs_skipped_unchanged", 0))
    else:
        log.info("run %s: %s", summary["run_id"], summary["counts"])
    create_table_artifact(key="cleancorpus-run-summary", table=summary_rows(summary),
                          description=f"cleancorpus run {summary['run_id']} into {output}")
    report = _refresh_report(output, log)
    create_markdown_artifact(key="cleancorpus-run-headline", markdown=headline(summary, output, report),
                             description=f"cleancorpus run into {output}")
    return summary


def _refresh_report(output: str, log: Any) -> str | None:
    """OUTPUT/report.html rebuilt after every run (a local output; an object store's is made with
    `cleancorpus report`). A report that fails is logged: the run it describes is committed."""
    if "://" in output:
        return None
    try:
        return str(write_report(output))
    except Exception as e:  # noqa: BLE001 - the report is a view of a committed run, never a reason to fail it
        log.warning("report not refreshed: %s: %s", type(e).__name__, e)
        return None


def headline(summary: dict[str, Any], output: str, report: str | None) -> str:
    """The run in a few lines of markdown, with where its report is."""
    c = summary.get("counts", {})
    reasons = ", ".join(f"{k} {v}" for k, v in summary.get("rejects_by_reason", {}).items()) or "none"
    lines = [f"**cleancorpus run {summary.get('run_id', '(nothing new)')}** into `{output}`",
             f"- inputs {c.get('inputs_seen', 0)}: kept {c.get('documents', 0)}, rejected {c.get('rejects', 0)} ({reasons})"]
    if summary.get("nothing_to_do"):
        lines[1] = f"- nothing new: {summary.get('inputs_skipped_unchanged', 0)} inputs already processed"
    lines.append(f"- report: `{report}`" if report else "- report: `cleancorpus report OUTPUT`")
    return "\n".join(lines)


def dask_flow(address: str | None, workers: int):  # type: ignore[no-untyped-def]
    """The same flow on Prefect's DaskTaskRunner: an existing scheduler, or a LocalCluster."""
    from prefect_dask import DaskTaskRunner

    if address:
        runner = DaskTaskRunner(address=address)
    else:
        import dask

        # each shard runs in a child of its Dask worker (_in_own_child); a daemonic worker may have none
        dask.config.set({"distributed.worker.daemon": False})
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": workers or default_workers(), "threads_per_worker": 1,
                                                "processes": True})
    return cleancorpus_flow.with_options(task_runner=runner)

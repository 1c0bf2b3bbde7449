"""Planning a run: which inputs are new or changed, and how they are cut into shards.

A shard is the unit of a task. Sharding depends only on the sorted input list and the
config, never on the number of workers, so a rerun after a crash makes the same shards and
reuses the ones already staged.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleancorpus.pipeline.config import Config, config_from_dict, config_to_dict, load_config
from cleancorpus.pipeline.inputs.discover import InputFile, discover, input_format
from cleancorpus.pipeline.inputs.remote import local_root_for
from cleancorpus.pipeline.run.state import Layout, load_ledger

_CONFIGS: dict[str, Config] = {}  # config hash -> the run's config, once per process

SPLITTABLE = ("jsonl", "parquet", "warc")  # record files big enough are split across shards


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the library's code and shipped models: a shard staged by other code (a run that
    crashed before an upgrade) is cleaned again rather than mixed with this code's rows."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".json", ".txt") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Shard:
    shard_id: int
    fingerprint: str
    files: tuple[tuple[str, int, float, int, int], ...]  # (uri, size, mtime, part, nparts)


@dataclass(frozen=True)
class RunPlan:
    run_id: str
    output: str
    config_path: str | None
    config_hash: str
    started_at: str
    shards: tuple[Shard, ...]
    skipped_unchanged: int
    problems: tuple[str, ...]
    reprocess: bool = False
    remote: str | None = None  # the output URL when `output` is the local working copy of a remote one
    settings: dict[str, Any] = field(default_factory=dict)  # the config as loaded when the run was planned
    # a URL where shard tasks stage (run/staging.py), or None: under the output's state/work/
    stage: str | None = None

    def config(self) -> Config:
        """The run's config, fixed at planning: editing the file mid-run changes nothing."""
        cached = _CONFIGS.get(self.config_hash)
        if cached is None:
            cached = _CONFIGS[self.config_hash] = config_from_dict(self.settings) if self.settings else load_config(self.config_path)
        return cached

    @property
    def layout(self) -> Layout:
        return Layout(Path(self.output))

    @property
    def run_dir(self) -> Path:
        """The driver's folder for the run's dedup decisions, written files and commit."""
        return self.layout.work / f"run-{self.run_id}"

    def shard_dir(self, shard: Shard) -> Path:
        """Where a shard is built on the machine that runs it: under the output's state/work/, or,
        staging to a store, in that machine's own scratch folder (never a path of the driver's)."""
        base = local_root_for(self.stage) if self.stage else self.layout.work
        return base / f"shard-{shard.fingerprint}"

    def staged_url(self, shard: Shard) -> str:
        """The shard's staged folder in the store (with a stage)."""
        return f"{self.stage}/shard-{shard.fingerprint}"

    @property
    def run_url(self) -> str:
        """The run's folder in the store (with a stage): decisions, written files, a state snapshot."""
        return f"{self.stage}/run-{self.run_id}"

    @property
    def started(self) -> datetime:
        return datetime.fromisoformat(self.started_at)



def new_run_id(now: datetime) -> str:
    """Sortable by start time (to the microsecond), unique by its random suffix."""
    return now.strftime("%Y%m%dT%H%M%S.%fZ") + "-" + uuid.uuid4().hex[:6]


def _mtime_in(f: InputFile, since: datetime | None, until: datetime | None) -> bool:
    t = datetime.fromtimestamp(f.mtime, tz=timezone.utc)
    return (since is None or t >= since) and (until is None or t < until)


def plan_run(inputs: list[str], output: str, cfg: Config, config_path: str | None = None, reprocess: bool = False,
             since: datetime | None = None, until: datetime | None = None,
             storage_options: dict[str, Any] | None = None, remote: str | None = None,
             stage: str | None = None) -> RunPlan:
    """Find inputs, drop those the ledger says are done, and cut the rest into shards.

    Sharding depends only on the sorted input list and the config, so a rerun after a crash
    makes the same shards and can reuse the ones already staged.
    """
    now = datetime.now(timezone.utc)
    layout = Layout(Path(output))
    files, problems = discover(inputs, storage_options)
    files = [f for f in files if _mtime_in(f, since, until)]
    ledger = {} if reprocess else load_ledger(layout)
    # what a shard is cleaned against besides its inputs and the config: the ledger (unchanged
    # content is skipped) and the learned lines. A staged shard is reused only by a run that
    # saw the same state, so one left over from before a commit never is
    against = json.dumps([reprocess] + [p.name for kind in ("ledger", "lines")
                                        for p in sorted(layout.segments(kind).glob("*.parquet"))])
    todo, skipped = [], 0
    for f in files:
        prev = ledger.get(f.uri)
        if prev is not None and prev[0] == f.size and abs(prev[1] - f.mtime) < 1e-3:
            skipped += 1
        else:
            todo.append(f)
    chash = cfg.config_hash()
    shards: list[Shard] = []
    for batch in _cut_tapered(todo, cfg.run.shard_max_bytes, cfg.run.shard_max_files, cfg.run.shard_taper,
                              cfg.run.gz_max_parts):
        entries = tuple((f.uri, f.size, f.mtime, f.part, f.nparts) for f in batch)
        key = hashlib.sha256((chash + "|" + code_fingerprint() + "|" + against + "|" + json.dumps(entries)).encode()
                             ).hexdigest()[:20]
        shards.append(Shard(len(shards), key, entries))
    return RunPlan(new_run_id(now), str(output), config_path, chash, now.isoformat(), tuple(shards), skipped,
                   tuple(problems), reprocess, remote, config_to_dict(cfg), stage)


def _cut_tapered(files: list[InputFile], max_bytes: int, max_files: int, taper: int,
                 max_gz_parts: int) -> list[list[InputFile]]:
    """Shards in input order; the last 2 x max_bytes of input in shards `taper` times smaller.

    Workers take shards in order, so with equal shards one worker can be left doing the last
    one alone (on 2,000 pages, 1.3 s of a 15 s run); smaller shards at the end even that out.
    The cut depends on the input list and the config only, never on the number of workers.
    """
    if taper <= 1 or not files:
        return _cut(files, max_bytes, max_files, max_gz_parts)
    tail, size = len(files), 0
    while tail > 0 and size + files[tail - 1].size <= 2 * max_bytes:
        tail -= 1
        size += files[tail].size
    if tail == 0:  # a small run: no full shards to even out
        return _cut(files, max_bytes, max_files, max_gz_parts)
    return (_cut(files[:tail], max_bytes, max_files, max_gz_parts)
            + _cut(files[tail:], max(1, max_bytes // taper), max_files, max_gz_parts))


def _cut(files: list[InputFile], max_bytes: int, max_files: int, max_gz_parts: int) -> list[list[InputFile]]:
    """Consecutive files up to max_bytes and max_files a shard; a bigger record file split."""
    batches: list[list[InputFile]] = []
    batch: list[InputFile] = []
    size = 0
    for f in files:
        if f.size > max_bytes and input_format(f.uri) in SPLITTABLE:
            # a big record file becomes several shards so that all workers share it
            if batch:
                batches.append(batch)
                batch, size = [], 0
            nparts = -(-f.size // max_bytes)
            if f.uri.lower().endswith(".gz"):
                # every part decompresses the whole file to find its records: bound the repeats
                nparts = min(nparts, max_gz_parts)
            batches.extend([InputFile(f.uri, f.size, f.mtime, part, nparts)] for part in range(nparts))
            continue
        if batch and (len(batch) >= max_files or size + f.size > max_bytes):
            batches.append(batch)
            batch, size = [], 0
        batch.append(f)
        size += f.size
    if batch:
        batches.append(batch)
    return batches


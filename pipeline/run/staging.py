"""A shard's staged rows, and where they are staged.

Rows: cleaned documents and rejects as Arrow tables, before dedup, built column by column from
the schema's field lists (schema.STAGED, schema.STAGED_REJECTS), so a document field added to
the schema is staged without an edit here.

Where: under the output's state/work/ when every shard task sees the driver's disk (a local
process pool, a Dask LocalCluster, a filesystem every worker mounts). Otherwise (an object-store
output on a Dask cluster, or `[run] work_dir` set to a URL) the run has a *stage*, a folder in a
store, and the store is the only thing the driver and the workers share:

* a process task builds its shard in its own machine's scratch folder (`local_root_for(stage)`),
  cleaned against that machine's copy of the output's ledger and learned lines (read from the
  object-store output, or from a snapshot the driver put in the stage), uploads the files and
  then `done.json`: a staged folder with a `done.json` is whole, and a rerun reuses it;
* the dedup step (on the driver) reads the staged columns and sets it needs from the store, and
  puts each shard's decisions there;
* a write task reads its shard and decisions from the store and puts the written files there;
* the commit (on the driver) takes the written files and the shards' ledger and lines from the
  store, then commits and publishes as without a stage; the stage is emptied after.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cleancorpus.pipeline.inputs.remote import Remote, local_root_for
from cleancorpus.pipeline.model import Document, Reject
from cleancorpus.pipeline.run.state import Layout, remove_tree
from cleancorpus.pipeline.schema import DOCUMENT_FIELDS, REJECT_FIELDS, REMOVED_TYPE, STAGED, STAGED_REJECTS

if TYPE_CHECKING:
    from cleancorpus.pipeline.run.plan import RunPlan


def removed_column(docs: list[Document]) -> pa.Array:
    """The list<struct<rule, text>> column from two flat string arrays and the offsets.

    A flat page sheds over a hundred lines: Arrow's conversion of nested tuples walks each one
    as a struct (95 ms a window of 2,000 pages), two flat string lists cost a quarter of that.
    """
    lengths = np.fromiter((len(d.removed_rules) for d in docs), dtype=np.int32, count=len(docs))
    offsets = np.zeros(len(docs) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    rules = pa.array(list(chain.from_iterable(d.removed_rules for d in docs)), pa.string())
    texts = pa.array(list(chain.from_iterable(d.removed_lines for d in docs)), pa.string())
    items = pa.StructArray.from_arrays([rules, texts], fields=list(REMOVED_TYPE.value_type))
    return pa.ListArray.from_arrays(pa.array(offsets), items, type=REMOVED_TYPE)


def staged_table(kept: list[tuple[int, Document, str]], sigs: np.ndarray | None, n_sh: np.ndarray | None) -> pa.Table:
    """The staged rows of a window, built column by column: the signatures go in as one numpy
    block, not 120 Python ints a document, and no per-row dict is made."""
    n = len(kept)
    cols: dict[str, Any] = {"seq": [seq for seq, _, _ in kept], "source_key": [key for _, _, key in kept]}
    for attr in DOCUMENT_FIELDS:
        cols[attr] = [getattr(d, attr) for _, d, _ in kept]
    cols["removed"] = removed_column([d for _, d, _ in kept])
    if sigs is not None and n:
        offsets = pa.array(np.arange(0, (n + 1) * sigs.shape[1], sigs.shape[1], dtype=np.int32))
        cols["signature"] = pa.ListArray.from_arrays(offsets, pa.array(sigs.ravel(), pa.uint32()))
        cols["n_shingles"] = pa.array(n_sh.astype(np.int32))
    else:
        cols["signature"] = pa.nulls(n, STAGED.field("signature").type)
        cols["n_shingles"] = pa.array(np.zeros(n, dtype=np.int32))
    return pa.Table.from_arrays([cols[f.name] if isinstance(cols[f.name], pa.Array) else pa.array(cols[f.name], f.type)
                                 for f in STAGED], schema=STAGED)


def reject_row(seq: int, r: Reject) -> dict[str, Any]:
    """A staged rejects row: the reject's fields and its place in the shard."""
    return {"seq": seq, **{k: getattr(r, k) for k in REJECT_FIELDS}}


class ShardWriter:
    """Streams staged rows of one shard to Parquet in row groups, so memory stays flat.

    LZ4, not zstd: staged files live until the run commits, and are read back whole by the write
    stage; on the text benchmark lz4 writes them 10% and reads them twice as fast, 45% larger."""

    def __init__(self, folder: Path) -> None:
        self.docs = pq.ParquetWriter(folder / "docs.parquet", STAGED, compression="lz4")
        self.rejects = pq.ParquetWriter(folder / "rejects.parquet", STAGED_REJECTS, compression="lz4")

    def write(self, docs: pa.Table | None, rejects: list[dict[str, Any]]) -> None:
        if docs is not None and len(docs):
            self.docs.write_table(docs)
        if rejects:
            self.rejects.write_table(pa.Table.from_pylist(rejects, schema=STAGED_REJECTS))

    def close(self) -> None:
        self.docs.close()
        self.rejects.close()


# ---------------------------------------------------------------- the stage: shards in a store

DONE = "done.json"
DEDUP_FILES = ("sets.bin", "sets_offsets.npy", "facts.bin", "facts_offsets.npy", "view_share.npy")
SIG_FILE = "sig.npy"  # (rows, num_perm) uint32: what split dedup's candidate, screen and lookup tasks read
COMMIT_FILES = ("ledger.parquet", "lines.parquet")
WRITE_FILES = ("docs.parquet", "rejects.parquet")


def stage_for(output: str, work_dir: str, remote: bool, shares_disk: bool) -> str | None:
    """The run's stage URL, or None to stage under the output's state/work/.

    `[run] work_dir` (a URL) always gives one, a folder per output in it (a local output is
    named with its host: two machines' outputs at one path are two outputs). An object-store
    output gets one in its own state/ when the shard tasks may not see this machine's disk."""
    if work_dir:
        who = output.rstrip("/") if remote else f"{socket.gethostname()}:{Path(output).resolve()}"
        return f"{work_dir.rstrip('/')}/{hashlib.sha256(who.encode()).hexdigest()[:16]}"
    if remote and not shares_disk:
        return f"{output.rstrip('/')}/state/work"
    return None


def is_url(folder: str) -> bool:
    return "://" in folder


def _fs(url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    return fsspec.core.url_to_fs(url)


def put_files(root: Path, rels: Sequence[str], url: str) -> None:
    """Files under root (relative paths) to the same paths under url."""
    if not rels:
        return
    fs, base = _fs(url)
    for parent in sorted({f"{base}/{r}".rsplit("/", 1)[0] for r in rels}):
        fs.makedirs(parent, exist_ok=True)  # a local filesystem needs the folders; an object store ignores it
    fs.put([str(root / r) for r in rels], [f"{base}/{r}" for r in rels])


def get_files(url: str, rels: Sequence[str], root: Path) -> None:
    """The same paths from under url to under root, each file whole or not at all (a download
    goes to a temporary name first)."""
    if not rels:
        return
    fs, base = _fs(url)
    # a name of this process's and thread's own: tasks on one machine's threads fetch the same shard
    tmps = [root / Path(r).parent / f".{Path(r).name}.{os.getpid()}.{threading.get_ident()}.tmp" for r in rels]
    for t in tmps:
        t.parent.mkdir(parents=True, exist_ok=True)
    fs.get([f"{base}/{r}" for r in rels], [str(t) for t in tmps])
    for t, r in zip(tmps, rels):
        os.replace(t, root / r)


def publish_shard(folder: Path, url: str) -> None:
    """A built shard's files to its staged folder in the store, done.json last."""
    rels = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in ("progress", DONE))
    put_files(folder, rels, url)
    put_files(folder, [DONE], url)


def staged_result(url: str) -> dict[str, Any] | None:
    """The result of a shard staged whole in the store (its done.json), else None."""
    fs, base = _fs(url)
    try:
        return json.loads(fs.cat_file(f"{base}/{DONE}"))
    except (FileNotFoundError, ValueError):
        return None


def local_folder(plan: RunPlan, folder: str) -> Path:
    """This machine's folder of a staged shard: itself without a stage, else the driver's copy
    (under the output's state/work/, emptied at commit)."""
    return plan.layout.work / folder.rstrip("/").rsplit("/", 1)[1] if is_url(folder) else Path(folder)


def fetch(plan: RunPlan, folder: str, names: Sequence[str]) -> Path:
    """A staged shard's named files, read from the store into local_folder (fresh copies)."""
    local = local_folder(plan, folder)
    if is_url(folder):
        local.mkdir(parents=True, exist_ok=True)
        get_files(folder, names, local)
    return local


def staged_rows(folder: str, name: str) -> int:
    """Rows of a staged Parquet file, from its footer alone."""
    if not is_url(folder):
        return pq.ParquetFile(Path(folder) / name).metadata.num_rows
    fs, base = _fs(folder)
    with fs.open(f"{base}/{name}", "rb") as f:
        return pq.ParquetFile(f).metadata.num_rows


def read_staged(folder: str, name: str, columns: list[str] | None = None) -> pa.Table:
    """Columns of a staged Parquet file, where it is: only those columns' bytes leave the store."""
    if not is_url(folder):
        return pq.read_table(Path(folder) / name, columns=columns)
    fs, base = _fs(folder)
    return pq.read_table(f"{base}/{name}", columns=columns, filesystem=fs)


def state_layout(plan: RunPlan) -> Layout:
    """The state a shard is cleaned against (ledger, learned lines): the output's own without a
    stage; with one, this machine's copy, read once per run from the object-store output or from
    the snapshot the driver put in the stage (`prepare`)."""
    if plan.stage is None:
        return plan.layout
    base = local_root_for(plan.stage)
    dest = base / f"state-{plan.run_id}"
    if dest.exists():
        return Layout(dest)
    tmp = base / f".state-{plan.run_id}.{os.getpid()}.tmp"
    remove_tree(tmp)
    src = Remote(plan.remote or plan.run_url)
    src.fs.invalidate_cache()  # listings cached by this process may predate the driver's snapshot
    src.sync_state(tmp / "state", ("ledger", "lines"))
    # an earlier run's state and dedup scratch (one run writes an output at a time), not this one's
    for old in [*base.glob("state-*"), *base.glob("run-*")]:
        if old.name not in (dest.name, run_scratch(plan.stage, plan.run_id).name):
            remove_tree(old)
    try:
        os.rename(tmp, dest)
    except OSError:  # another process of this machine was first
        remove_tree(tmp)
    return Layout(dest)


def run_scratch(stage: str, run_id: str) -> Path:
    """This machine's folder for a run's dedup tasks (the staged sets they fetch), under its own
    work dir for the stage: resolved on the machine that uses it, never taken from the driver."""
    return local_root_for(stage) / f"run-{run_id}"


def prepare(plan: RunPlan) -> None:
    """Before the shard tasks: a local output's ledger and learned lines, copied to the stage
    for workers that cannot read them here (an object-store output holds its own)."""
    if plan.stage is None or plan.remote:
        return
    root = plan.layout.root
    put_files(root, [str(p.relative_to(root)) for kind in ("ledger", "lines")
                     for p in sorted(plan.layout.segments(kind).glob("*.parquet"))], plan.run_url)


def put_decisions(plan: RunPlan, n_shards: int) -> None:
    """The dedup step's per-shard decisions (in the driver's run folder), to the stage."""
    if plan.stage is not None:
        put_files(plan.run_dir, [decisions_name(i) for i in range(n_shards)], plan.run_url)


def decisions_name(shard_id: int) -> str:
    return f"decisions-{shard_id:05d}.parquet"


def fetch_written(plan: RunPlan, write_stats: list[dict[str, Any]]) -> None:
    """The write tasks' files, from the stage into the driver's run folder, for the commit."""
    if plan.stage is not None:
        get_files(f"{plan.run_url}/out", [rel for ws in write_stats for rel in ws["files"]], plan.run_dir / "out")


@contextmanager
def scratch(plan: RunPlan, name: str) -> Iterator[Path]:
    """A folder of this machine's own for one task, removed after it."""
    assert plan.stage is not None
    folder = local_root_for(plan.stage) / f"{name}.{os.getpid()}"
    remove_tree(folder)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        remove_tree(folder)


def clear(plan: RunPlan) -> None:
    """After the run is committed (and published): the stage, and this machine's scratch for it.

    Best effort: the run is already published, and what is left is never reused (a shard's
    fingerprint covers the state it was cleaned against) and goes with the next run's stage."""
    if plan.stage is None:
        return
    remove_tree(local_root_for(plan.stage))
    fs, base = _fs(plan.stage)
    fs.invalidate_cache()  # this process's cached listings predate the tasks' uploads
    try:
        if fs.exists(base):
            fs.rm(base, recursive=True)
    except OSError:
        pass

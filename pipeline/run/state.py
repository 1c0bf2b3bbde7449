"""What the pipeline keeps between runs in OUTPUT/state/, and how a run commits.

Every piece of state is a set of immutable segment files, one per run (ledger of inputs,
dedup index, learned boilerplate lines). A run writes its data files and segments under
temporary names, then writes a journal listing every rename, then renames. If the process
dies during the renames the next run replays the journal (roll forward); if it dies before
the journal exists, nothing is visible and the temporaries are orphans to delete. So a
killed run never leaves half its rows behind, and a rerun never writes them twice.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cleancorpus.pipeline.dedup.decisions import IndexView

LEDGER_SCHEMA = pa.schema([("uri", pa.string()), ("size", pa.int64()), ("mtime", pa.float64()), ("content_hash", pa.string()), ("run_id", pa.string())])
LINES_SCHEMA = pa.schema([("source_key", pa.string()), ("line_hash", pa.uint64()), ("n_docs", pa.int32())])


def index_schema(bands: int) -> pa.Schema:
    return pa.schema([
        ("doc_id", pa.string()), ("hash64", pa.uint64()), ("bands", pa.list_(pa.uint32(), bands)),
        ("cluster_size", pa.int32()), ("doc_file", pa.string()),
        ("rep", pa.string()),  # for a rejected duplicate: the kept document it was folded into
    ])


GROWTH_SCHEMA = pa.schema([("doc_id", pa.string()), ("added", pa.int32())])


class LockHeld(RuntimeError):
    pass


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def rejects(self) -> Path:
        return self.root / "rejects"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def work(self) -> Path:
        return self.state / "work"

    @property
    def journal(self) -> Path:
        return self.state / "journal.json"

    def segments(self, kind: str) -> Path:
        return self.state / kind

    def ensure(self) -> None:
        for p in (self.documents, self.rejects, self.runs, self.state, self.work):
            p.mkdir(parents=True, exist_ok=True)


@contextmanager
def output_lock(layout: Layout, wait: bool = False, timeout: float | None = None) -> Iterator[None]:
    """One run per output location. flock is released by the kernel when a killed run dies."""
    layout.state.mkdir(parents=True, exist_ok=True)
    path = layout.state / "lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    start = time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another run"
                if not wait or (timeout is not None and time.monotonic() - start > timeout):
                    raise LockHeld(f"output {layout.root} is locked by {holder}; wait for it or use --wait") from None
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write a finished table under a temporary name, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ---------------------------------------------------------------- commit protocol

def commit(layout: Layout, moves: list[tuple[Path, Path]]) -> None:
    """Make a run visible: journal the renames, apply them, drop the journal."""
    atomic_write_bytes(layout.journal, json.dumps([[str(a), str(b)] for a, b in moves]).encode())
    replay_journal(layout)


def replay_journal(layout: Layout) -> int:
    """Finish the renames of a run that died while committing. Returns how many were applied."""
    if not layout.journal.exists():
        return 0
    moves = json.loads(layout.journal.read_text())
    done = 0
    for src, dst in moves:
        s, d = Path(src), Path(dst)
        if s.exists():
            d.parent.mkdir(parents=True, exist_ok=True)
            os.replace(s, d)
            done += 1
    _fsync_dir(layout.root)
    layout.journal.unlink()
    return done


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def recover(layout: Layout) -> dict[str, int]:
    """Run at the start of every run: roll a half-committed run forward, delete orphans."""
    replayed = replay_journal(layout)
    orphans = 0
    for base in (layout.documents, layout.rejects, layout.runs, layout.state):
        if not base.exists():
            continue
        for p in base.rglob(".*.tmp"):
            p.unlink(missing_ok=True)
            orphans += 1
    return {"replayed": replayed, "orphans_removed": orphans}


# ---------------------------------------------------------------- segments

def empty_table(schema: pa.Schema) -> pa.Table:
    """A table with no rows. Schema.empty_table() imports pandas (0.2 s of every process that
    reads an empty state folder); an empty list of batches does not."""
    return pa.Table.from_batches([], schema=schema)


def _read_segments(folder: Path, schema: pa.Schema) -> pa.Table:
    files = sorted(p for p in folder.glob("*.parquet")) if folder.exists() else []
    if not files:
        return empty_table(schema)
    return pa.concat_tables([pq.read_table(f, schema=schema) for f in files])


def load_ledger(layout: Layout) -> dict[str, tuple[int, float, str]]:
    """uri -> (size, mtime, content_hash) of the newest version processed."""
    t = _read_segments(layout.segments("ledger"), LEDGER_SCHEMA)
    out: dict[str, tuple[int, float, str]] = {}
    for uri, size, mtime, h in zip(*(t.column(c).to_pylist() for c in ("uri", "size", "mtime", "content_hash"))):
        out[uri] = (size, mtime, h)
    return out


def load_line_counts(layout: Layout) -> dict[tuple[str, int], int]:
    t = _read_segments(layout.segments("lines"), LINES_SCHEMA)
    out: dict[tuple[str, int], int] = {}
    for k, h, c in zip(*(t.column(x).to_pylist() for x in ("source_key", "line_hash", "n_docs"))):
        out[(k, h)] = out.get((k, h), 0) + c
    return out


def load_index(layout: Layout, bands: int) -> tuple[IndexView, np.ndarray]:
    """The dedup index and, per row, the documents file that holds the document."""
    t = _read_segments(layout.segments("dedup"), index_schema(bands))
    growth = _read_segments(layout.segments("dedup_growth"), GROWTH_SCHEMA)
    doc_id = np.array(t.column("doc_id").to_pylist(), dtype=object)
    sizes = t.column("cluster_size").to_numpy().astype(np.int32) if len(t) else np.zeros(0, np.int32)
    if len(growth):
        pos = {d: i for i, d in enumerate(doc_id)}
        for d, a in zip(growth.column("doc_id").to_pylist(), growth.column("added").to_pylist()):
            if d in pos:
                sizes[pos[d]] += a
    bands_arr = (
        t.column("bands").combine_chunks().flatten().to_numpy().reshape(len(t), bands).astype(np.uint32)
        if len(t) else np.zeros((0, bands), np.uint32)
    )
    view = IndexView(
        doc_id=doc_id,
        hash64=t.column("hash64").to_numpy().astype(np.uint64) if len(t) else np.zeros(0, np.uint64),
        bands=bands_arr, cluster_size=sizes, rep=np.array(t.column("rep").to_pylist(), dtype=object),
    )
    files = np.array(t.column("doc_file").to_pylist(), dtype=object)
    return view, files


def remove_tree(p: Path) -> None:
    shutil.rmtree(p, ignore_errors=True)

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cleancorpus.pipeline.schema import (
    INDEX,
    LEDGER,
    LINES,
    STATE_VERSIONS,
    band_part_schema,
    band_ranges,
    state_metadata,
)


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
def output_lock(layout: Layout, wait: bool = False, timeout: float | None = None) -> Iterator[str | None]:
    """One run per output location. flock is released by the kernel when a killed run dies
    (its workers die with it: run/workers.py), so a dead holder never blocks the next run.

    Yields the previous holder's note ("pid N since T") when it left without releasing the lock
    (it was killed): the caller says that it takes over, and recovery finishes that run's commit.
    """
    layout.state.mkdir(parents=True, exist_ok=True)
    path = layout.state / "lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    start = time.monotonic()
    held = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another run"
                if not wait or (timeout is not None and time.monotonic() - start > timeout):
                    raise LockHeld(f"output {layout.root} is locked by {holder}; wait for it or use --wait") from None
                time.sleep(0.5)
        left = os.pread(fd, 200, 0).decode(errors="replace").strip() or None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}".encode(), 0)
        yield left
    finally:
        if held:
            os.ftruncate(fd, 0)  # left in good order (an error or a stop included): the next run finds no note
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


class StateError(RuntimeError):
    """A state segment this version cannot use (damaged, or written by a newer cleancorpus)."""


def write_segment(table: pa.Table, kind: str, path: Path) -> None:
    """A state segment of `kind`, stamped with its format version (schema.STATE_VERSIONS)."""
    write_parquet(table.replace_schema_metadata(state_metadata(kind)), path)


def segment_version(meta: dict[bytes, bytes] | None) -> int:
    """The format version a segment was written with; 1 for segments from before versions."""
    v = (meta or {}).get(b"cleancorpus.state_version")
    return int(v) if v else 1


def _add_rep(t: pa.Table) -> pa.Table:
    """Index v1 -> v2: duplicates were not indexed, so every row is a kept document (rep null)."""
    if "rep" not in t.column_names:
        t = t.append_column("rep", pa.nulls(len(t), pa.string()))
    return t


def band_part_path(state: Path, lo: int, hi: int, segment: str) -> Path:
    """The file of bands lo..hi-1 of an index segment: state/dedup_bands/bLO-HI.SEGMENT, flat,
    so a range's files of every run list together and sort in the segments' order."""
    return state / "dedup_bands" / f"b{lo:03d}-{hi:03d}.{segment}"


def index_parts(t: pa.Table, segment: str) -> Iterator[tuple[str, str, pa.Table]]:
    """An index table with its band keys in one column, as stored: (kind, file name, table) for
    the segment itself and for each band range of its keys, made one at a time as they are
    taken (a writer holds one range's copy of the keys, not all of them)."""
    width = t.schema.field("bands").type.list_size
    keys = t.column("bands").combine_chunks().flatten().to_numpy().reshape(len(t), width)
    yield "dedup", segment, t.drop_columns(["bands"]).cast(INDEX)
    for lo, hi in band_ranges(width):
        col = pa.FixedSizeListArray.from_arrays(pa.array(np.ascontiguousarray(keys[:, lo:hi]).reshape(-1), pa.uint32()), hi - lo)
        yield ("dedup_bands", band_part_path(Path("."), lo, hi, segment).name,
               pa.table([col], schema=band_part_schema(hi - lo)))


def stored_files(kind: str, t: pa.Table, segment: str) -> Iterator[tuple[str, str, pa.Table]]:
    """(kind, file name, table) of each file a state table of `kind` is stored as: the index
    with its band keys in one column as itself and its band-range files, any other as itself."""
    return index_parts(t, segment) if kind == "dedup" else iter([(kind, segment, t)])


def _split_bands(t: pa.Table, path: Path) -> pa.Table:
    """Index v2 -> v3: the band keys go to their range files beside (written before the segment
    is rewritten without them, so a crash between the two only repeats this step)."""
    if "bands" not in t.column_names:
        return t
    try:
        for kind, name, part in islice(index_parts(t, path.name), 1, None):
            write_segment(part, kind, path.parent.parent / kind / name)
    except OSError as e:
        raise StateError(f"state segment {path} is in an older format and cannot be updated here ({e}): run a "
                         "backfill or `cleancorpus repair` where the output is writable") from None
    return t.drop_columns(["bands"])


# (kind, version read) -> the step to the next version, given the segment's path; a kind without
# a step for a version only gains the version stamp (its columns did not change)
MIGRATIONS: dict[tuple[str, int], Callable[[pa.Table, Path], pa.Table]] = {
    ("dedup", 1): lambda t, path: _add_rep(t), ("dedup", 2): _split_bands}


def read_segment(path: Path, kind: str, schema: pa.Schema) -> pa.Table:
    """One segment, migrated to this version's format (and rewritten so, on first use)."""
    try:
        t = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as e:
        raise StateError(f"state segment {path} is damaged ({e}); `cleancorpus repair` rebuilds state from the Parquet") from None
    version, current = segment_version(t.schema.metadata), STATE_VERSIONS[kind]
    if version > current:
        raise StateError(f"state segment {path} has format version {version}; this cleancorpus reads up to "
                         f"{current}: upgrade cleancorpus")
    if version < current:
        while version < current:
            t = MIGRATIONS.get((kind, version), lambda x, path: x)(t, path)
            version += 1
        t = t.select(schema.names).cast(schema)
        try:
            write_segment(t, kind, path)
        except OSError:
            pass  # a read-only copy: migrated again next time, in memory
    return t.select(schema.names).cast(schema)


def read_segments(layout: Layout, kind: str, schema: pa.Schema) -> pa.Table:
    folder = layout.segments(kind)
    files = sorted(p for p in folder.glob("*.parquet")) if folder.exists() else []
    if not files:
        return empty_table(schema)
    return pa.concat_tables([read_segment(f, kind, schema) for f in files])


def load_ledger(layout: Layout) -> dict[str, tuple[int, float, str]]:
    """uri -> (size, mtime, content_hash) of the newest version processed."""
    t = read_segments(layout, "ledger", LEDGER)
    out: dict[str, tuple[int, float, str]] = {}
    for uri, size, mtime, h in zip(*(t.column(c).to_pylist() for c in ("uri", "size", "mtime", "content_hash"))):
        out[uri] = (size, mtime, h)
    return out


def load_line_counts(layout: Layout) -> dict[tuple[str, int], int]:
    t = read_segments(layout, "lines", LINES)
    out: dict[tuple[str, int], int] = {}
    for k, h, c in zip(*(t.column(x).to_pylist() for x in ("source_key", "line_hash", "n_docs"))):
        out[(k, h)] = out.get((k, h), 0) + c
    return out


def remove_tree(p: Path) -> None:
    shutil.rmtree(p, ignore_errors=True)

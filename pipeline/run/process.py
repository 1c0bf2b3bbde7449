"""The process stage: read, extract, clean, filter and sign one shard into staged Parquet.

Records are cleaned one by one (cleaning/cleaner.py), then in windows of WINDOW documents the
source's repeated lines are removed, the filters run and MinHash signatures are made; a
window's rows are streamed to the shard's staged files, so memory stays flat. `cleancorpus
explain` runs these same functions on one input.
"""
from __future__ import annotations

import gc
import json
import os
import re
import socket
import struct
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cleancorpus.pipeline.boosters import without_pandas
from cleancorpus.pipeline.cleaning.cleaner import Cleaner, CleanResult, record_reject
from cleancorpus.pipeline.cleaning.filters import filter_reject, settle
from cleancorpus.pipeline.cleaning.language import detect_language
from cleancorpus.pipeline.cleaning.repeated_lines import LineCounts, drop_repeated_lines
from cleancorpus.pipeline.config import Config, ConfigError
from cleancorpus.pipeline.dedup.compare import Compared
from cleancorpus.pipeline.dedup.signatures import fold, load_variants, sketch
from cleancorpus.pipeline.dedup.view import article_view, facts, view_share
from cleancorpus.pipeline.extraction.boilerplate_model import active_models
from cleancorpus.pipeline.extraction.page_type import page_type_model
from cleancorpus.pipeline.inputs.discover import InputFile
from cleancorpus.pipeline.inputs.readers import content_hash, read_file
from cleancorpus.pipeline.model import Document, RawRecord, Reject
from cleancorpus.pipeline.reasons import RejectReason, Stage
from cleancorpus.pipeline.run import staging, watchdog
from cleancorpus.pipeline.run.plan import RunPlan, Shard
from cleancorpus.pipeline.run.staging import ShardWriter, reject_row, staged_table
from cleancorpus.pipeline.run.state import load_ledger, load_line_counts, remove_tree
from cleancorpus.pipeline.schema import LEDGER, LINES

WINDOW = 2000  # documents cleaned before repeated-line removal and signing run over them

_CLEANERS: dict[str, Cleaner] = {}


def cleaner_for(plan: RunPlan) -> Cleaner:
    """One Cleaner (compiled rules, caches) per worker process and config.

    The settings travel in the plan, the rule files they name do not: a worker on another
    machine that finds other rule packs (a user's pack missing there, another cleancorpus
    version) would clean with them, so it refuses instead."""
    c = _CLEANERS.get(plan.config_hash)
    if c is None:
        cfg = plan.config()
        here = cfg.config_hash()
        if here != plan.config_hash:
            raise ConfigError(f"this worker ({socket.gethostname()}) finds other rule files than the run was planned "
                              f"with (config hash {here}, planned {plan.config_hash}): give every worker the same "
                              "cleancorpus version and the config's rule packs at the same paths")
        c = _CLEANERS[plan.config_hash] = Cleaner(cfg)
    return c


def warm(plan: RunPlan) -> None:
    """Load what every shard task needs into this process, before it forks workers.

    Forked workers then start with the compiled rules and RE2 sets, the language model, the
    boilerplate and page-type models and pyarrow's pandas shim (its first conversion settles
    whether pandas is there) instead of each building them again, in every stage's pool: one
    serial half second here against that much at the start of each stage, and the pages shared
    instead of copied. The shim settles "no pandas" (`boosters.without_pandas`), so that no
    worker carries it.
    """
    rules = cleaner_for(plan).rules
    _ = rules._prefilter, rules._header_prefilter
    detect_language("The language model is loaded once, before the workers start.")
    active_models(plan.config().extract)
    page_type_model()
    with without_pandas():
        pa.array([0])
    # what is loaded now lives as long as the process: out of the cyclic collector's sight, each
    # collection in a worker walks the objects of one page instead of every rule and tree of the
    # models, and the forked workers' pages holding them are not written to by it
    gc.collect()
    gc.freeze()


class _ProgressMark:
    """The seq of the record being cleaned, in the shard's `progress` file: when the worker
    dies on a record (a crash in C code, the out-of-memory killer), the dispatcher reads which."""

    def __init__(self, folder: Path) -> None:
        self.fd = os.open(folder / "progress", os.O_RDWR | os.O_CREAT, 0o644)
        # the worker's pid follows the mark: when a pool breaks, only the worker that died on its
        # own blames its record, not the others the break ends mid-record
        self.pid = os.getpid().to_bytes(4, "little")

    IDLE = b"\xff" * 16  # between records: a death then is not a record's doing

    def __call__(self, seq: int) -> None:
        started = watchdog.begin()
        os.pwrite(self.fd, seq.to_bytes(8, "little") + struct.pack("<d", started) + self.pid, 0)

    def done(self) -> None:
        watchdog.end()
        os.pwrite(self.fd, self.IDLE + self.pid, 0)

    def close(self) -> None:
        self.done()
        os.close(self.fd)


class ShardCrashes:
    """The crash policy of the process stage (run/runner.py): a dead worker's record is the one
    its shard's progress mark names; skipping it makes it a worker_crashed reject."""

    @staticmethod
    def in_progress(plan: RunPlan, shard: Shard, skip: Skips | None = None) -> tuple[int, bool] | None:
        """(seq, whether it had run past the hard time limit) of the record the worker died on."""
        try:
            data = (plan.shard_dir(shard) / "progress").read_bytes()
        except OSError:
            return None
        if len(data) < 16 or data[:16] == _ProgressMark.IDLE:
            return None
        (started,) = struct.unpack("<d", data[8:16])
        ran = time.time() - started
        return int.from_bytes(data[:8], "little"), 0.9 * watchdog.HARD_FACTOR * plan.config().extract.timeout_seconds <= ran

    @staticmethod
    def worker_of(plan: RunPlan, shard: Shard, skip: Skips | None = None) -> int | None:
        """The pid of the worker that last wrote the shard's progress mark."""
        try:
            data = (plan.shard_dir(shard) / "progress").read_bytes()
        except OSError:
            return None
        return int.from_bytes(data[16:20], "little") if len(data) >= 20 else None

    @staticmethod
    def skip(mark: tuple[int, bool], plan: RunPlan, shard: Shard, skip: Skips | None = None) -> tuple[Any, ...]:
        seq, timed_out = mark
        why = ((RejectReason.EXTRACTION_TIMEOUT, f"still being cleaned after {watchdog.HARD_FACTOR:g} x the time "
                "limit, twice (stuck in C code, where the limit's timer cannot reach): the worker was ended")
               if timed_out else
               (RejectReason.WORKER_CRASHED, "the worker process died twice while cleaning this record (a crash in "
                "a parser, or out of memory)"))
        return plan, shard, {**(skip or {}), seq: why}


SHARD_CRASHES = ShardCrashes()
# Test-only faults, each set by an environment variable to a marker text: on a record holding it
# the worker aborts (as a segfault would), gets stuck in C code (a regex that backtracks for
# ever), or asks for more memory than any cap allows.
_ABORT_ON = os.environ.get("CLEANCORPUS_TEST_ABORT_ON")
_HANG_ON = os.environ.get("CLEANCORPUS_TEST_HANG_ON")
_HOG_ON = os.environ.get("CLEANCORPUS_TEST_HOG_ON")
_TEST_FAULTS = bool(_ABORT_ON or _HANG_ON or _HOG_ON)


def _test_fault(item: RawRecord) -> None:
    body = item.text or item.html or ""
    if _ABORT_ON and _ABORT_ON in body:
        os.abort()
    if _HANG_ON and _HANG_ON in body:
        re.match(r"(a+)+$", "a" * 64 + "!")
    if _HOG_ON and _HOG_ON in body:
        bytearray(8 << 30)  # as a page whose parse tree needs 8 GB would
Skips = dict[int, tuple[str, str]]  # seq -> (reason, detail) of records not to clean


def process_shard(plan: RunPlan, shard: Shard, skip: Skips | None = None) -> dict[str, Any]:
    """Read, extract, clean, normalize, filter and sign one shard into staged Parquet.

    Idempotent: a shard staged by an earlier (killed) attempt is reused as it is. Records in
    `skip` (seq -> reason, detail) are not cleaned but rejected so. With a stage (a store), the
    shard is built in this machine's scratch folder, then uploaded (run/staging.py).
    """
    folder = plan.shard_dir(shard)
    done = folder / "done.json"
    if plan.stage is not None:
        staged = staging.staged_result(plan.staged_url(shard))
        if staged is not None:
            return staged | {"reused": True}
    elif done.exists():
        return json.loads(done.read_text()) | {"reused": True}
    remove_tree(folder)
    folder.mkdir(parents=True)
    cleaner = cleaner_for(plan)
    cfg = cleaner.cfg
    layout = staging.state_layout(plan)
    ledger = {} if plan.reprocess else load_ledger(layout)
    learned = load_line_counts(layout)
    writer = ShardWriter(folder)
    stats: Counter[str] = Counter()
    ledger_rows: list[dict[str, Any]] = []
    shard_lines: Counter[tuple[str, int]] = Counter()
    window: list[tuple[int, Document]] = []
    rejects: list[dict[str, Any]] = []
    sets_parts: list[Signed] = []  # per window, in staged order
    seq = 0
    mark = _ProgressMark(folder)

    def flush_window() -> None:
        docs_rows, more_rejects = _finish_window(window, cfg, learned, shard_lines, stats, sets_parts)
        writer.write(docs_rows, rejects + more_rejects)
        window.clear()
        rejects.clear()

    for uri, size, mtime, part, nparts in shard.files:
        prev = ledger.get(uri)
        if prev is not None and prev[0] == size and prev[2] and content_hash(uri) == prev[2]:
            # touched (a new mtime), the same bytes: nothing to process, nothing to add. Asked
            # before reading, since a record file is cleaned a window at a time as it is read
            if part == 0:
                stats["unchanged"] += 1
                ledger_rows.append({"uri": uri, "size": size, "mtime": mtime, "content_hash": prev[2], "run_id": plan.run_id})
            stats["files"] += 1
            continue
        # the content hash goes to the ledger from part 0 of a file
        hashes: list[str] | None = [] if part == 0 else None
        buffered: list[tuple[int, Any]] = []
        for item in read_file(InputFile(uri, size, mtime, part, nparts), hasher_out=hashes):
            buffered.append((seq, item))
            seq += 1
            if len(buffered) >= WINDOW:
                _consume(buffered, cleaner, window, rejects, stats, mark, skip)
                buffered.clear()
                if len(window) >= WINDOW:
                    flush_window()
        content = hashes[0] if hashes else ""
        _consume(buffered, cleaner, window, rejects, stats, mark, skip)
        if len(window) >= WINDOW:
            flush_window()
        if hashes is not None:
            ledger_rows.append({"uri": uri, "size": size, "mtime": mtime, "content_hash": content, "run_id": plan.run_id})
        stats["files"] += 1
    flush_window()
    writer.close()
    mark.close()
    write_compared(folder, sets_parts)
    pq.write_table(pa.Table.from_pylist(ledger_rows, schema=LEDGER), folder / "ledger.parquet")
    lines = [{"source_key": k, "line_hash": h, "n_docs": c} for (k, h), c in sorted(shard_lines.items())]
    pq.write_table(pa.Table.from_pylist(lines, schema=LINES), folder / "lines.parquet")
    where = plan.staged_url(shard) if plan.stage is not None else str(folder)
    result = {"shard_id": shard.shard_id, "folder": where, **dict(stats)}
    tmp = folder / ".done.json.tmp"
    tmp.write_text(json.dumps(result))
    os.replace(tmp, done)
    if plan.stage is not None:
        staging.publish_shard(folder, where)
        remove_tree(folder)
    return result


def _consume(buffered: list[tuple[int, Any]], cleaner: Cleaner, window: list[tuple[int, Document]],
             rejects: list[dict[str, Any]], stats: Counter[str], mark: _ProgressMark,
             skip: Skips | None) -> None:
    for seq, item in buffered:
        stats["inputs"] += 1
        if isinstance(item, RawRecord) and skip and seq in skip:
            reason, detail = skip[seq]
            item = record_reject(item, Stage.EXTRACT, RejectReason(reason), detail)
        if isinstance(item, Reject):
            rejects.append(reject_row(seq, item))
            stats[f"reject:{item.reason}"] += 1
            continue
        mark(seq)
        try:
            if _TEST_FAULTS:
                _test_fault(item)
            res = cleaner.process(item)
        except MemoryError:
            res = CleanResult(reject=record_reject(item, Stage.EXTRACT, RejectReason.TOO_LARGE,
                                                   "needed more memory than [run] worker_memory_mb allows"))
        mark.done()
        if res.reject is not None:
            rejects.append(reject_row(seq, res.reject))
            stats[f"reject:{res.reject.reason}"] += 1
        elif res.doc is not None:
            window.append((seq, res.doc))


def variants_for(cfg: Config) -> dict[str, str]:
    """Spelling variants folded before shingling, the same for signing and for confirming."""
    return load_variants(str(cfg.resolve(cfg.dedup.spelling_variants))) if cfg.dedup.spelling_variants else {}


def clean_window(window: list[tuple[int, Document]], cfg: Config, learned: LineCounts,
                 counted: Counter[tuple[str, int]]) -> tuple[list[tuple[int, Document, str]], list[tuple[int, Reject]]]:
    """Repeated lines and filters over a window of cleaned documents: the documents that go on
    to dedup (with their source key) and the ones the filters reject, each with its seq."""
    settled = drop_repeated_lines([d for _, d in window], learned, cfg.clean.repeated_min_docs,
                                  cfg.clean.repeated_max_words, counted)
    kept: list[tuple[int, Document, str]] = []
    rejects: list[tuple[int, Reject]] = []
    for (seq, d), (key, n_paras, th) in zip(window, settled):
        settle(d, n_paras, th)
        r = filter_reject(d, cfg.filter)
        if r is not None:
            rejects.append((seq, r))
        else:
            kept.append((seq, d, key))
    return kept, rejects


@dataclass
class Signed:
    """A window's dedup inputs: signatures, and what confirms a candidate pair (view.py): the
    exact shingle sets and the facts (values and per-document offsets), the size of each whole
    text, its site and title."""

    sigs: np.ndarray
    n_shingles: np.ndarray
    shingles: np.ndarray
    shingle_offsets: np.ndarray
    facts: np.ndarray
    fact_offsets: np.ndarray
    view_share: np.ndarray
    sites: list[str | None]
    titles: list[str | None]

    def compared(self, i: int) -> Compared:
        return Compared(self.shingles[self.shingle_offsets[i]:self.shingle_offsets[i + 1]],
                        self.facts[self.fact_offsets[i]:self.fact_offsets[i + 1]], float(self.view_share[i]), self.sites[i], self.titles[i])


def sign(docs: list[Document], cfg: Config) -> Signed:
    """Signatures and the sets that confirm pairs, from each document's article view."""
    variants = variants_for(cfg)
    views = [article_view(d.text) for d in docs]
    folded = [fold(v, variants, canonical=False) for v in views]
    sigs, n_sh, values, offsets = sketch(folded, cfg.dedup.num_perm, cfg.dedup.shingle_size, cfg.dedup.seed)
    fact_sets = [facts(v) for v in views]
    fact_offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(f) for f in fact_sets], out=fact_offsets[1:])
    fact_values = np.concatenate(fact_sets) if fact_sets else np.zeros(0, np.uint32)
    shares = np.array([view_share(v, d.text) for v, d in zip(views, docs)], np.float32)
    return Signed(sigs, n_sh, values, offsets, fact_values, fact_offsets, shares, [d.domain for d in docs], [d.title for d in docs])


def write_compared(folder: Path, parts: list[Signed]) -> None:
    """A shard's shingle sets and facts as flat uint32 files with offsets, and the whole texts'
    sizes: the dedup stage reads one document's with one pread each."""
    for name, values, offsets in (("sets", "shingles", "shingle_offsets"), ("facts", "facts", "fact_offsets")):
        counts = np.concatenate([np.diff(getattr(p, offsets)) for p in parts]) if parts else np.zeros(0, np.int64)
        offs = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offs[1:])
        (np.concatenate([getattr(p, values) for p in parts]) if parts else np.zeros(0, np.uint32)).astype("<u4").tofile(
            folder / f"{name}.bin")
        np.save(folder / f"{name}_offsets.npy", offs)
    np.save(folder / "view_share.npy", np.concatenate([p.view_share for p in parts]) if parts else np.zeros(0, np.float32))
    # the signatures again, as one (rows, num_perm) array: split dedup's tasks read their rows
    # and columns from it (run/deduplicate.StagedSigs), so the step that hands them out never does
    np.save(folder / staging.SIG_FILE, np.concatenate([p.sigs for p in parts]) if parts else np.zeros((0, 0), np.uint32))


def _finish_window(window: list[tuple[int, Document]], cfg: Config, learned: LineCounts,
                   shard_lines: Counter[tuple[str, int]], stats: Counter[str],
                   sets_out: list[Signed]) -> tuple[pa.Table | None, list[dict[str, Any]]]:
    """Corpus-learned boilerplate, filters, language and signatures over a window of documents."""
    if not window:
        return None, []
    kept_docs, filtered = clean_window(window, cfg, learned, shard_lines)
    for _, r in filtered:
        stats[f"reject:{r.reason}"] += 1
    sigs, n_sh = (None, None)
    if kept_docs and cfg.dedup.enabled:
        signed = sign([d for _, d, _ in kept_docs], cfg)
        sigs, n_sh = signed.sigs, signed.n_shingles
        sets_out.append(signed)
    stats["candidates"] += len(kept_docs)
    return staged_table(kept_docs, sigs, n_sh), [reject_row(seq, r) for seq, r in filtered]

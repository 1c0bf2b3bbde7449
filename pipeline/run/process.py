"""The stages of a run, each a plain function over a shard or over the whole run.

Tasks pass paths and small stats dicts, never document lists: a stage reads its shard's
staged Parquet and writes the next one. Stage functions are what the Prefect tasks in
flows/ call, and what the in-process runner calls when no Prefect API is configured.

plan -> process_shard (read, extract, clean, normalize, filter, sign) -> deduplicate_run
     -> write_shard -> commit_run
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import posixpath
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleancorpus.pipeline import __version__
from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import Config, config_from_dict, config_to_dict, load_config
from cleancorpus.pipeline.dedup.decisions import NO_DATE, DedupResult, RunCandidates, deduplicate
from cleancorpus.pipeline.cleaning.language import detect_language
from cleancorpus.pipeline.dedup.signatures import fold, load_variants, shingle_set, sketch
from cleancorpus.pipeline.model import Document, Reject, text_hash
from cleancorpus.pipeline.schema import DOCUMENTS, REJECTS, REMOVED_TYPE, STAGED, STAGED_REJECTS
from cleancorpus.pipeline.inputs.readers import InputFile, discover, input_format, read_file
from cleancorpus.pipeline.run.state import (
    GROWTH_SCHEMA, LEDGER_SCHEMA, LINES_SCHEMA, Layout, commit, empty_table, index_schema, load_index, load_ledger,
    load_line_counts, remove_tree, write_parquet,
)

SPLITTABLE = ("jsonl", "parquet", "warc")  # record files big enough are split across shards
WINDOW = 2000  # documents cleaned before repeated-line removal and signing run over them


# ---------------------------------------------------------------- plan

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
        return self.layout.work / f"run-{self.run_id}"

    def shard_dir(self, shard: Shard) -> Path:
        return self.layout.work / f"shard-{shard.fingerprint}"

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
             storage_options: dict[str, Any] | None = None, remote: str | None = None) -> RunPlan:
    """Find inputs, drop those the ledger says are done, and cut the rest into shards.

    Sharding depends only on the sorted input list and the config, so a rerun after a crash
    makes the same shards and can reuse the ones already staged.
    """
    now = datetime.now(timezone.utc)
    layout = Layout(Path(output))
    files, problems = discover(inputs, storage_options)
    files = [f for f in files if _mtime_in(f, since, until)]
    ledger = {} if reprocess else load_ledger(layout)
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
        key = hashlib.sha256((chash + "|" + json.dumps(entries)).encode()).hexdigest()[:20]
        shards.append(Shard(len(shards), key, entries))
    return RunPlan(new_run_id(now), str(output), config_path, chash, now.isoformat(), tuple(shards), skipped,
                   tuple(problems), reprocess, remote, config_to_dict(cfg))


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


# ---------------------------------------------------------------- process

_CONFIGS: dict[str, Config] = {}
_CLEANERS: dict[str, Cleaner] = {}


def _cleaner(plan: "RunPlan") -> Cleaner:
    """One Cleaner (compiled rules, caches) per worker process and config."""
    c = _CLEANERS.get(plan.config_hash)
    if c is None:
        c = _CLEANERS[plan.config_hash] = Cleaner(plan.config())
    return c


def warm(plan: "RunPlan") -> None:
    """Load what every shard task needs into this process, before it forks workers.

    Forked workers then start with the compiled rules and RE2 sets, the language model and
    pyarrow's pandas shim (which its first conversion imports: 0.2 s) instead of each building
    them again, in every stage's pool: one serial half second here against that much at the
    start of each stage, and the pages shared instead of copied.
    """
    rules = _cleaner(plan).rules
    _ = rules._prefilter, rules._header_prefilter
    detect_language("The language model is loaded once, before the workers start.")
    pa.array([0])


def _line_hash(line: str) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(line.lower().split()).encode(), digest_size=8).digest(), "little")


_LINE_HASHES: dict[int, dict[str, int]] = {}  # max words -> short paragraph -> its line hash
_LINE_HASHES_MAX = 50_000


def _repeat_key(p: str, max_words: int) -> int:
    """The hash that counts a paragraph's repeats across a source, 0 for one of more than
    max_words words (too long to be boilerplate). Boilerplate is what repeats, so most
    paragraphs asked about were asked before: a dict lookup instead of lower, split, join and
    blake2b; a new one is measured by its length or by splitting off at most max_words words."""
    cache = _LINE_HASHES.get(max_words)
    if cache is None:
        cache = _LINE_HASHES[max_words] = {}
    h = cache.get(p)
    if h is None:
        if len(p) >= 2 * max_words and len(p.split(None, max_words)) > max_words:
            return 0  # shorter than 2 * max_words characters, it cannot hold more words
        if len(cache) >= _LINE_HASHES_MAX:
            cache.clear()
        h = cache[p] = _line_hash(p)
    return h


def source_key(doc: Document) -> str:
    if doc.domain:
        return doc.domain
    return posixpath.dirname(doc.source_uri) or doc.source_uri


_DOC_ATTRS = ("doc_id", "text", "title", "author", "published_at", "url", "domain", "language", "source_uri",
              "source_record", "source_format", "text_hash", "n_words")


def _removed_column(docs: list[Document]) -> pa.Array:
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


def _staged_table(kept: list[tuple[int, Document, str]], sigs: np.ndarray | None, n_sh: np.ndarray | None) -> pa.Table:
    """The staged rows of a window, built column by column: the signatures go in as one numpy
    block, not 120 Python ints a document, and no per-row dict is made."""
    n = len(kept)
    cols: dict[str, Any] = {"seq": [seq for seq, _, _ in kept], "source_key": [key for _, _, key in kept]}
    for attr in _DOC_ATTRS:
        cols[attr] = [getattr(d, attr) for _, d, _ in kept]
    cols["removed"] = _removed_column([d for _, d, _ in kept])
    if sigs is not None and n:
        offsets = pa.array(np.arange(0, (n + 1) * sigs.shape[1], sigs.shape[1], dtype=np.int32))
        cols["signature"] = pa.ListArray.from_arrays(offsets, pa.array(sigs.ravel(), pa.uint32()))
        cols["n_shingles"] = pa.array(n_sh.astype(np.int32))
    else:
        cols["signature"] = pa.nulls(n, STAGED.field("signature").type)
        cols["n_shingles"] = pa.array(np.zeros(n, dtype=np.int32))
    return pa.Table.from_arrays([cols[f.name] if isinstance(cols[f.name], pa.Array) else pa.array(cols[f.name], f.type)
                                 for f in STAGED], schema=STAGED)


def _reject_row(seq: int, r: Reject) -> dict[str, Any]:
    return {"seq": seq, **{k: getattr(r, k) for k in ("doc_id", "source_uri", "source_record", "stage", "reason",
                                                     "detail", "duplicate_of", "similarity", "title", "url")}}


class _ShardWriter:
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


def process_shard(plan: RunPlan, shard: Shard) -> dict[str, Any]:
    """Read, extract, clean, normalize, filter and sign one shard into staged Parquet.

    Idempotent: a shard staged by an earlier (killed) attempt is reused as it is.
    """
    folder = plan.shard_dir(shard)
    done = folder / "done.json"
    if done.exists():
        return json.loads(done.read_text()) | {"reused": True}
    remove_tree(folder)
    folder.mkdir(parents=True)
    cleaner = _cleaner(plan)
    cfg = cleaner.cfg
    layout = plan.layout
    ledger = {} if plan.reprocess else load_ledger(layout)
    learned = load_line_counts(layout)
    writer = _ShardWriter(folder)
    stats: Counter[str] = Counter()
    ledger_rows: list[dict[str, Any]] = []
    shard_lines: Counter[tuple[str, int]] = Counter()
    window: list[tuple[int, Document]] = []
    rejects: list[dict[str, Any]] = []
    sets_parts: list[tuple[np.ndarray, np.ndarray]] = []  # (values, per-doc counts), in staged order
    seq = 0

    def flush_window() -> None:
        docs_rows, more_rejects = _finish_window(window, cfg, learned, shard_lines, stats, sets_parts)
        writer.write(docs_rows, rejects + more_rejects)
        window.clear()
        rejects.clear()

    for uri, size, mtime, part, nparts in shard.files:
        # the content hash goes to the ledger from part 0 of a file; the other parts of a big
        # file need it only to tell a touched file from a changed one (the ledger knows it)
        hashes: list[str] | None = [] if part == 0 or uri in ledger else None
        produced = 0
        buffered: list[tuple[int, Any]] = []
        for item in read_file(InputFile(uri, size, mtime, part, nparts), hasher_out=hashes):
            buffered.append((seq, item))
            seq += 1
            produced += 1
            if len(buffered) >= WINDOW:
                _consume(buffered, cleaner, window, rejects, stats)
                buffered.clear()
                if len(window) >= WINDOW:
                    flush_window()
        content = hashes[0] if hashes else ""
        prev = ledger.get(uri)
        if prev is not None and prev[2] == content and produced == len(buffered):
            # touched (new mtime) but the same bytes: nothing new to process
            stats["unchanged"] += 1
            buffered.clear()
        _consume(buffered, cleaner, window, rejects, stats)
        if len(window) >= WINDOW:
            flush_window()
        if hashes is not None:
            ledger_rows.append({"uri": uri, "size": size, "mtime": mtime, "content_hash": content, "run_id": plan.run_id})
        stats["files"] += 1
    flush_window()
    writer.close()
    counts = np.concatenate([c for _, c in sets_parts]) if sets_parts else np.zeros(0, np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    (np.concatenate([v for v, _ in sets_parts]) if sets_parts else np.zeros(0, np.uint32)).astype("<u4").tofile(folder / "sets.bin")
    np.save(folder / "sets_offsets.npy", offsets)
    pq.write_table(pa.Table.from_pylist(ledger_rows, schema=LEDGER_SCHEMA), folder / "ledger.parquet")
    lines = [{"source_key": k, "line_hash": h, "n_docs": c} for (k, h), c in sorted(shard_lines.items())]
    pq.write_table(pa.Table.from_pylist(lines, schema=LINES_SCHEMA), folder / "lines.parquet")
    result = {"shard_id": shard.shard_id, "folder": str(folder), **dict(stats)}
    tmp = folder / ".done.json.tmp"
    tmp.write_text(json.dumps(result))
    os.replace(tmp, done)
    return result


def _consume(buffered: list[tuple[int, Any]], cleaner: Cleaner, window: list[tuple[int, Document]],
             rejects: list[dict[str, Any]], stats: Counter[str]) -> None:
    for seq, item in buffered:
        stats["inputs"] += 1
        if isinstance(item, Reject):
            rejects.append(_reject_row(seq, item))
            stats[f"reject:{item.reason}"] += 1
            continue
        res = cleaner.process(item)
        if res.reject is not None:
            rejects.append(_reject_row(seq, res.reject))
            stats[f"reject:{res.reject.reason}"] += 1
        elif res.doc is not None:
            window.append((seq, res.doc))


def _variants(cfg: Config) -> dict[str, str]:
    """Spelling variants folded before shingling, the same for signing and for confirming."""
    return load_variants(str(cfg.resolve(cfg.dedup.spelling_variants))) if cfg.dedup.spelling_variants else {}


def _boilerplate(counts: Counter[tuple[str, int]], learned: dict[tuple[str, int], int], min_docs: int) -> dict[str, set[int]]:
    """Per source, the hashes of the paragraphs that repeat in at least min_docs of its documents,
    this window and earlier runs together. Every paragraph of the window is in counts, so this
    is decided once per distinct paragraph, not once per paragraph of every document."""
    out: dict[str, set[int]] = {}
    for (key, h), n in counts.items():
        if n + learned.get((key, h), 0) >= min_docs:
            out.setdefault(key, set()).add(h)
    return out


def _finish_window(window: list[tuple[int, Document]], cfg: Config, learned: dict[tuple[str, int], int],
                   shard_lines: Counter[tuple[str, int]], stats: Counter[str],
                   sets_out: list[tuple[np.ndarray, np.ndarray]]) -> tuple[pa.Table | None, list[dict[str, Any]]]:
    """Corpus-learned boilerplate, filters, language and signatures over a window of documents."""
    if not window:
        return None, []
    maxw = cfg.clean.repeated_max_words
    per_doc: list[tuple[str, list[str], list[int], str]] = []
    counts: Counter[tuple[str, int]] = Counter()
    seen_texts: set[str] = set()
    for _, d in window:
        key = source_key(d)
        paras = d.text.split("\n\n")
        hs = [_repeat_key(p, maxw) for p in paras]
        th = text_hash(d.text)
        per_doc.append((key, paras, hs, th))
        if th in seen_texts:
            continue  # an exact copy must not make its own lines look like boilerplate
        seen_texts.add(th)
        for h in set(hs) - {0}:
            counts[(key, h)] += 1
    shard_lines.update(counts)
    boiler = _boilerplate(counts, learned, cfg.clean.repeated_min_docs)
    rejects: list[dict[str, Any]] = []
    kept_docs: list[tuple[int, Document, str]] = []
    for (seq, d), (key, paras, hs, th) in zip(window, per_doc):
        n_paras = len(paras)
        repeated = boiler.get(key)
        if repeated is not None and not repeated.isdisjoint(hs):
            keep: list[str] = []
            for p, h in zip(paras, hs):
                if h in repeated:
                    d.remove(f"repeated:{key}", p)
                else:
                    keep.append(p)
            d.text = "\n\n".join(keep)
            th = text_hash(d.text)
            n_paras = len(keep)
        # len(text.split()) without making the words: a text is single-spaced lines joined by
        # blank lines, with no other whitespace (normalize_lines; both tested)
        d.n_words = d.text.count(" ") + n_paras if d.text else 0
        d.text_hash = th
        if d.language is None:  # the classifier identifies it for flat text, from the same prose
            d.language = detect_language(d.text)[0]
        reason = None
        if d.n_words == 0:
            reason, detail = "no_content", "nothing left after removing repeated boilerplate"
        elif d.n_words < cfg.filter.min_words:
            reason, detail = "too_short", f"{d.n_words} words, minimum is {cfg.filter.min_words}"
        elif cfg.filter.languages and d.language not in cfg.filter.languages:
            reason, detail = "language", f"language {d.language} not in {list(cfg.filter.languages)}"
        if reason:
            rejects.append(_reject_row(seq, Reject(d.doc_id, d.source_uri, d.source_record, "filter", reason, detail,
                                                   title=d.title, url=d.url)))
            stats[f"reject:{reason}"] += 1
            continue
        kept_docs.append((seq, d, key))
    sigs, n_sh = (None, None)
    if kept_docs and cfg.dedup.enabled:
        variants = _variants(cfg)
        folded = [fold(d.text, variants, canonical=False) for _, d, _ in kept_docs]
        # signatures, and the exact shingle sets that confirm candidate pairs without re-reading texts
        sigs, n_sh, values, offsets = sketch(folded, cfg.dedup.num_perm, cfg.dedup.shingle_size, cfg.dedup.seed)
        sets_out.append((values, np.diff(offsets)))
    stats["candidates"] += len(kept_docs)
    return _staged_table(kept_docs, sigs, n_sh), rejects


# ---------------------------------------------------------------- dedup

_DEDUP_COLS = ["seq", "doc_id", "text_hash", "published_at", "title", "author", "url", "n_words", "signature", "n_shingles"]


def deduplicate_run(plan: RunPlan, shard_folders: list[str]) -> dict[str, Any]:
    """Global step: decide every candidate against this run and the persistent index."""
    cfg = plan.config()
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    tables, where = [], []
    for si, folder in enumerate(shard_folders):
        t = pq.read_table(Path(folder) / "docs.parquet", columns=_DEDUP_COLS)
        tables.append(t)
        where.extend((si, r) for r in range(len(t)))
    t = pa.concat_tables(tables) if tables else empty_table(STAGED.select(_DEDUP_COLS))
    n = len(t)
    doc_ids = np.array(t.column("doc_id").to_pylist(), dtype=object)
    if not cfg.dedup.enabled or n == 0:
        ids = doc_ids.tolist()
        _write_decisions(plan, where, len(shard_folders), {"doc_id": ids, "status": ["kept"] * n, "cluster": ids,
                         "cluster_size": [1] * n, "duplicate_of": [None] * n, "similarity": [None] * n})
        return {"candidates": n, "kept": n, "duplicates": 0}
    th = t.column("text_hash").to_pylist()
    pub = pc.fill_null(pc.cast(t.column("published_at"), pa.int64()), NO_DATE).to_numpy(zero_copy_only=False).astype(np.int64)
    comp = sum(np.array(pc.is_valid(t.column(c)).to_pylist(), dtype=np.int8) for c in ("title", "author", "published_at", "url"))
    sig = t.column("signature").combine_chunks().flatten().to_numpy().reshape(n, cfg.dedup.num_perm).astype(np.uint32)
    run = RunCandidates(
        doc_id=doc_ids, hash64=np.array([int(h[:16], 16) for h in th], dtype=np.uint64), published=pub,
        completeness=comp.astype(np.int8), n_words=t.column("n_words").to_numpy().astype(np.int32), sig=sig,
        n_shingles=t.column("n_shingles").to_numpy().astype(np.int32),
    )
    index, index_files = load_index(plan.layout, cfg.dedup.bands)
    variants = _variants(cfg)

    offsets_of: dict[int, list[int]] = {}
    handles: dict[int, int] = {}

    def read_set(si: int, ri: int) -> np.ndarray:
        """One document's set, read straight from its shard's file: nothing else is held.
        (os.pread: one call, no seek and no read-ahead buffer to throw away per set.)"""
        if si not in handles:
            offsets_of[si] = np.load(Path(shard_folders[si]) / "sets_offsets.npy").tolist()
            handles[si] = os.open(Path(shard_folders[si]) / "sets.bin", os.O_RDONLY)
        offs = offsets_of[si]
        return np.frombuffer(os.pread(handles[si], (offs[ri + 1] - offs[ri]) * 4, offs[ri] * 4), dtype=np.uint32)

    def load_sets(rows: list[int]) -> dict[int, np.ndarray]:
        res: dict[int, np.ndarray] = {}
        by_file: dict[str, list[int]] = {}
        for x in rows:
            if x < n:
                res[x] = read_set(*where[x])
            else:
                by_file.setdefault(str(index_files[x - n]), []).append(x)
        for f, xs in by_file.items():
            tt = _read_documents_file(plan, f)
            texts = dict(zip(tt.column("doc_id").to_pylist(), tt.column("text").to_pylist())) if tt is not None else {}
            for x in xs:
                res[x] = shingle_set(fold(texts.get(str(index.doc_id[x - n]), ""), variants), cfg.dedup.shingle_size)
        return res

    def group(x: int) -> tuple[str, Any]:
        return ("run", where[x][0]) if x < n else ("index", str(index_files[x - n]))

    try:
        # run rows are read one set at a time (cheap); earlier runs' texts a file at a time
        result: DedupResult = deduplicate(run, index, cfg.dedup, load_sets, group, prefetch=lambda x: x >= n)
    finally:
        for fd in handles.values():
            os.close(fd)
    d = result.decisions
    _write_decisions(plan, where, len(shard_folders), {
        "doc_id": result.doc_ids, "status": [x.status for x in d], "cluster": [x.cluster for x in d],
        "cluster_size": [x.cluster_size for x in d], "duplicate_of": [x.duplicate_of for x in d],
        "similarity": [x.similarity for x in d],
    })
    # every document of the run goes into the index: kept ones as themselves, duplicates
    # pointing to their representative (their texts are kept in state/dedup_texts/)
    indexed = pa.table({
        "doc_id": result.doc_ids, "hash64": pa.array(run.hash64, pa.uint64()),
        "cluster_size": pa.array([x.cluster_size for x in d], pa.int32()),
        "rep": [None if x.status == "kept" else x.cluster for x in d],
    })
    pq.write_table(indexed, plan.run_dir / "indexed.parquet")
    np.save(plan.run_dir / "bands.npy", result.index_bands)
    growth = pa.Table.from_pylist([{"doc_id": k, "added": v} for k, v in sorted(result.index_growth.items())], schema=GROWTH_SCHEMA)
    pq.write_table(growth, plan.run_dir / "growth.parquet")
    dups = sum(1 for x in d if x.status != "kept")
    return {"candidates": n, "kept": n - dups, "duplicates": dups, "pairs_checked": result.pairs_checked,
            "pairs_confirmed": result.pairs_confirmed, "index_size": len(index)}


def _write_decisions(plan: RunPlan, where: list[tuple[int, int]], n_shards: int, cols: dict[str, list[Any]]) -> None:
    """One decisions file per shard, rows in the shard's staged order, so writers stream."""
    rows_of: list[list[int]] = [[] for _ in range(n_shards)]
    for r, (si, _) in enumerate(where):
        rows_of[si].append(r)
    for si, rows in enumerate(rows_of):
        t = pa.table({k: [v[r] for r in rows] for k, v in cols.items()}, schema=_DECISIONS)
        pq.write_table(t, plan.run_dir / f"decisions-{si:05d}.parquet")


def _read_documents_file(plan: RunPlan, rel: str) -> pa.Table | None:
    """doc_id and text of an earlier run's documents file, from the output or its remote."""
    if plan.remote:
        from cleancorpus.pipeline.inputs.remote import Remote

        try:
            with Remote(plan.remote).open(rel) as f:
                return pq.read_table(f, columns=["doc_id", "text"])
        except FileNotFoundError:
            return None
    p = plan.layout.root / rel
    return pq.read_table(p, columns=["doc_id", "text"]) if p.exists() else None


# texts of rejected duplicates (state, not for consumers): a later copy is checked against them
DUP_TEXTS = pa.schema([("doc_id", pa.string()), ("text", pa.string())])

_DECISIONS = pa.schema([("doc_id", pa.string()), ("status", pa.string()), ("cluster", pa.string()),
                        ("cluster_size", pa.int32()), ("duplicate_of", pa.string()), ("similarity", pa.float64())])


# ---------------------------------------------------------------- write

def _partition(plan: RunPlan) -> str:
    return f"ingest_date={plan.started.strftime('%Y-%m-%d')}"


def write_shard(plan: RunPlan, shard: Shard, shard_folder: str) -> dict[str, Any]:
    """Final rows of one shard, streamed in row groups, under the run's work folder until commit."""
    folder = Path(shard_folder)
    ingested = plan.started
    out = plan.run_dir / "out"
    name = f"part-{plan.run_id}-{shard.shard_id:05d}.parquet"
    docs_w = _StreamingFile(out / "documents" / _partition(plan) / name, DOCUMENTS)
    rej_w = _StreamingFile(out / "rejects" / _partition(plan) / name, REJECTS)
    dup_w = _StreamingFile(out / "state" / "dedup_texts" / name, DUP_TEXTS)
    reasons: Counter[str] = Counter()
    stamp = {"run_id": plan.run_id, "ingested_at": ingested}
    for batch in pq.ParquetFile(folder / "rejects.parquet").iter_batches(batch_size=2000):
        rows = [{**r, **stamp} for r in batch.to_pylist()]
        reasons.update(r["reason"] for r in rows)
        rej_w.write(rows)
    # the shard's decisions, in its staged order: a few small columns a document
    decisions = pq.read_table(plan.run_dir / f"decisions-{shard.shard_id:05d}.parquet")
    staged_file = pq.ParquetFile(folder / "docs.parquet")
    n_docs = start = 0
    for group in range(staged_file.num_row_groups):  # a window of the shard at a time
        # the removed lines (most of a staged file) are read only for a window that keeps a
        # document: in a run of copies most windows keep none (1.1 of 1.4 s at 100,000)
        staged = staged_file.read_row_group(group, columns=_STAGED_LIGHT)
        dec = decisions.slice(start, len(staged))
        start += len(staged)
        kept = pc.equal(dec.column("status"), "kept")
        if pc.any(kept).as_py():
            removed = staged_file.read_row_group(group, columns=["removed"]).column("removed")
            docs = _kept_documents(staged.append_column(STAGED.field("removed"), removed).filter(kept), dec.filter(kept), stamp)
            docs_w.write_table(docs)
            n_docs += len(docs)
        # duplicates go to rejects/ and their texts to state (only the columns those need are filtered)
        dropped = pc.invert(kept)
        dup_rows = staged.select(["source_uri", "source_record", "title", "url", "text"]).filter(dropped)
        dup_dec = dec.filter(dropped)
        if len(dup_dec):
            rej_w.write_table(_duplicate_rejects(dup_rows, dup_dec, stamp))
            counted = pc.value_counts(dup_dec.column("status"))
            reasons.update(dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist())))
        dup_w.write_table(pa.table({"doc_id": dup_dec.column("doc_id"), "text": dup_rows.column("text")}, schema=DUP_TEXTS))
    written = [p for p in (docs_w.close(out), rej_w.close(out), dup_w.close(out)) if p]
    return {"shard_id": shard.shard_id, "documents": n_docs, "rejects": sum(reasons.values()), "files": written,
            "reasons": dict(reasons)}


_STAGED_LIGHT = [name for name in STAGED.names if name != "removed"]


def _duplicate_rejects(rows: pa.Table, dec: pa.Table, stamp: dict[str, Any]) -> pa.Table:
    """The rejects/ rows of duplicates, column by column: a run of copies makes tens of
    thousands of them, and a dict per row cost more than the rest of the write stage."""
    n = len(dec)
    status = dec.column("status")
    detail = pc.binary_join_element_wise(pc.replace_substring(status, "_", " "), " of ", dec.column("duplicate_of"),
                                         " (cluster of ", pc.cast(dec.column("cluster_size"), pa.string()), ")", "")
    cols = {
        "doc_id": dec.column("doc_id"), "stage": pa.array(["dedup"] * n, pa.string()), "reason": status, "detail": detail,
        "duplicate_of": dec.column("duplicate_of"), "similarity": dec.column("similarity"),
        "dup_cluster_size": dec.column("cluster_size"), **{k: pa.array([v] * n, REJECTS.field(k).type) for k, v in stamp.items()},
    }
    return pa.Table.from_arrays([cols[f.name] if f.name in cols else rows.column(f.name) for f in REJECTS], schema=REJECTS)


def _kept_documents(staged: pa.Table, dec: pa.Table, stamp: dict[str, Any]) -> pa.Table:
    """The documents/ rows of kept staged rows, column by column in Arrow: the text and the
    removed lines (a hundred structs a page) never become Python objects."""
    n = len(staged)
    from_decision = {"doc_id": "doc_id", "dup_cluster": "cluster", "dup_cluster_size": "cluster_size"}
    cols = []
    for f in DOCUMENTS:
        if f.name in from_decision:
            col = dec.column(from_decision[f.name])
        elif f.name in stamp:
            col = pa.array([stamp[f.name]] * n, f.type)
        else:
            col = staged.column(f.name)
        cols.append(col if col.type == f.type else col.cast(f.type))
    return pa.Table.from_arrays(cols, schema=DOCUMENTS)


class _StreamingFile:
    """A Parquet file written batch by batch under a temporary name; nothing is created if no rows come."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = path, schema
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.writer: pq.ParquetWriter | None = None

    def write(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.write_table(pa.Table.from_pylist([{k: r.get(k) for k in self.schema.names} for r in rows], schema=self.schema))

    def write_table(self, table: pa.Table) -> None:
        if not len(table):
            return
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.writer.write_table(table)

    def close(self, root: Path) -> str | None:
        """Finish and rename into place; returns the path relative to root, or None when empty."""
        if self.writer is None:
            return None
        self.writer.close()
        with open(self.tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(self.tmp, self.path)
        return str(self.path.relative_to(root))


# ---------------------------------------------------------------- commit

def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"cleancorpus": __version__, "python": platform.python_version()}
    for pkg in ("trafilatura", "pyarrow", "prefect", "numpy", "regex", "ftfy", "py3langid"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def commit_run(plan: RunPlan, process_stats: list[dict[str, Any]], dedup_stats: dict[str, Any],
               write_stats: list[dict[str, Any]], finished: datetime | None = None) -> dict[str, Any]:
    """Publish the run: data files, then state segments and the run summary, in one journal."""
    cfg = plan.config()
    layout = plan.layout
    run_dir = plan.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    moves: list[tuple[Path, Path]] = []
    doc_files: dict[str, str] = {}
    for ws in write_stats:
        for rel in ws["files"]:
            moves.append((run_dir / "out" / rel, layout.root / rel))
            if rel.startswith(("documents/", "state/dedup_texts/")):
                for did in pq.read_table(run_dir / "out" / rel, columns=["doc_id"]).column("doc_id").to_pylist():
                    doc_files[did] = rel
    seg = f"{plan.run_id}.parquet"
    folders = [Path(p["folder"]) for p in process_stats]
    ledger = pa.concat_tables([pq.read_table(f / "ledger.parquet", schema=LEDGER_SCHEMA) for f in folders]) if folders else empty_table(LEDGER_SCHEMA)
    ledger = ledger.set_column(ledger.schema.get_field_index("run_id"), "run_id", pa.array([plan.run_id] * len(ledger), pa.string()))
    lines: Counter[tuple[str, int]] = Counter()
    for f in folders:
        lt = pq.read_table(f / "lines.parquet")
        lines.update(dict(zip(zip(lt.column("source_key").to_pylist(), lt.column("line_hash").to_pylist()), lt.column("n_docs").to_pylist())))
    line_rows = [{"source_key": k, "line_hash": h, "n_docs": c} for (k, h), c in sorted(lines.items())]
    staged_state: list[tuple[pa.Table, str]] = [(ledger, "ledger"), (pa.Table.from_pylist(line_rows, schema=LINES_SCHEMA), "lines")]
    indexed_path = run_dir / "indexed.parquet"
    if indexed_path.exists() and cfg.dedup.enabled:
        rows = pq.read_table(indexed_path)
        bands = np.load(run_dir / "bands.npy")
        idx = pa.table({
            "doc_id": rows.column("doc_id"), "hash64": rows.column("hash64"),
            "bands": pa.FixedSizeListArray.from_arrays(pa.array(bands.reshape(-1), pa.uint32()), cfg.dedup.bands),
            "cluster_size": rows.column("cluster_size"),
            "doc_file": [doc_files.get(x, "") for x in rows.column("doc_id").to_pylist()],
            "rep": rows.column("rep"),
        }, schema=index_schema(cfg.dedup.bands))
        staged_state.append((idx, "dedup"))
        growth = pq.read_table(run_dir / "growth.parquet")
        if len(growth):
            staged_state.append((growth, "dedup_growth"))
    for table, kind in staged_state:
        tmp = run_dir / "state" / kind / seg
        write_parquet(table, tmp)
        moves.append((tmp, layout.segments(kind) / seg))
    summary = run_summary(plan, process_stats, dedup_stats, write_stats, finished)
    summ_tmp = run_dir / "summary.json"
    summ_tmp.write_text(json.dumps(summary, indent=2))
    moves.append((summ_tmp, layout.runs / f"{plan.run_id}.json"))
    commit(layout, moves)
    # everything under work/ is now committed or stale (the lock is held: no other run uses it)
    remove_tree(layout.work)
    return summary


def run_summary(plan: RunPlan, process_stats: list[dict[str, Any]], dedup_stats: dict[str, Any],
                write_stats: list[dict[str, Any]], finished: datetime | None) -> dict[str, Any]:
    reasons: Counter[str] = Counter()
    for ws in write_stats:
        reasons.update(ws["reasons"])
    stage_in = sum(p.get("inputs", 0) for p in process_stats)
    docs = sum(w["documents"] for w in write_stats)
    rej = sum(w["rejects"] for w in write_stats)
    return {
        "run_id": plan.run_id, "config_hash": plan.config_hash, "versions": versions(),
        "started_at": plan.started_at, "finished_at": (finished or datetime.now(timezone.utc)).isoformat(),
        "output": plan.output, "shards": len(plan.shards),
        "inputs_skipped_unchanged": plan.skipped_unchanged + sum(p.get("unchanged", 0) for p in process_stats),
        "input_problems": list(plan.problems),
        "counts": {
            "inputs_seen": stage_in, "documents": docs, "rejects": rej,
            "after_extract_clean": sum(p.get("candidates", 0) for p in process_stats),
            "after_dedup": dedup_stats.get("kept", 0),
        },
        "rejects_by_reason": dict(sorted(reasons.items())),
        "dedup": {k: v for k, v in dedup_stats.items() if k != "decisions"},
        "invariant_holds": stage_in == docs + rej,
    }

"""`cleancorpus verify DIR`: check a corpus against what every run promised, from the files alone.

A corpus that a service has written for a year may have met a full disk, a restore from
backup or a hand edit. Each check prints one line; the command exits 1 when any fails:

* state: every segment (ledger, learned lines, dedup index and its growth) readable and of a
  format version this cleancorpus reads;
* runs: each `runs/RUN.json` says its invariant held, and its document and reject counts are
  the rows of that run in documents/ and rejects/;
* ids: no doc_id twice in documents/, in rejects/, or in both;
* index: every kept document is in the dedup index as kept, and every index row names a file
  that exists;
* ledger: every input file a row came from is in the ledger.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.dataset as ds

from cleancorpus.pipeline.dedup.index import load_index
from cleancorpus.pipeline.run.state import Layout, StateError, read_segments
from cleancorpus.pipeline.schema import GROWTH, INDEX, LEDGER, LINES, band_ranges

Check = tuple[str, bool, str]  # (name, passed, detail)


def _table(folder: Path, columns: list[str]) -> dict[str, list]:
    files = sorted(folder.rglob("*.parquet")) if folder.exists() else []
    if not files:
        return {c: [] for c in columns}
    t = ds.dataset([str(f) for f in files], format="parquet", partitioning="hive").to_table(columns=columns)
    return {c: t.column(c).to_pylist() for c in columns}


def _state(layout: Layout, bands: int) -> tuple[list[Check], dict[str, list]]:
    checks: list[Check] = []
    index: dict[str, list] = {"doc_id": [], "doc_file": [], "rep": []}
    for kind, schema in (("ledger", LEDGER), ("lines", LINES), ("dedup", INDEX), ("dedup_growth", GROWTH)):
        try:
            t = read_segments(layout, kind, schema)
        except StateError as e:
            checks.append((f"state {kind}", False, str(e)))
            continue
        checks.append((f"state {kind}", True, f"{len(t)} rows"))
        if kind == "dedup":
            index = {c: t.column(c).to_pylist() for c in index}
            try:  # every segment's band files, a row per index row
                load_index(layout, bands)
                checks.append(("state dedup_bands", True, f"{len(t)} rows in each of {len(band_ranges(bands))} band ranges"))
            except StateError as e:
                checks.append(("state dedup_bands", False, str(e)))
    return checks, index


def _runs(layout: Layout, docs: dict[str, list], rejects: dict[str, list]) -> list[Check]:
    have = Counter(docs["run_id"]), Counter(rejects["run_id"])
    bad = []
    summaries = sorted(layout.runs.glob("*.json")) if layout.runs.exists() else []
    for f in summaries:
        try:
            s = json.loads(f.read_text())
        except (OSError, ValueError) as e:
            bad.append(f"{f.name}: unreadable ({e})")
            continue
        rid, c = s.get("run_id"), s.get("counts", {})
        if not s.get("invariant_holds", False):
            bad.append(f"{rid}: its invariant did not hold")
        if (c.get("documents", 0), c.get("rejects", 0)) != (have[0][rid], have[1][rid]):
            bad.append(f"{rid}: says {c.get('documents')} documents / {c.get('rejects')} rejects, "
                       f"holds {have[0][rid]} / {have[1][rid]}")
    orphans = (set(have[0]) | set(have[1])) - {f.stem for f in summaries}
    bad += [f"rows of run {r} but no runs/{r}.json" for r in sorted(orphans)]
    return [("runs", not bad, "; ".join(bad[:5]) or f"{len(summaries)} runs, every count matches its rows")]


def _ids(docs: dict[str, list], rejects: dict[str, list]) -> Check:
    seen = Counter(docs["doc_id"]) + Counter(rejects["doc_id"])
    twice = [d for d, n in seen.items() if n > 1]
    return "ids", not twice, (f"{len(twice)} doc_id(s) more than once, e.g. {twice[:3]}" if twice
                              else f"{len(seen)} doc_ids, each once")


def _index(layout: Layout, docs: dict[str, list], index: dict[str, list]) -> Check:
    if not index["doc_id"]:
        return "index", True, "no index (an empty corpus, or runs with [dedup] enabled = false)"
    kept_in_index = {d for d, rep in zip(index["doc_id"], index["rep"]) if rep is None}
    missing = [d for d in docs["doc_id"] if d not in kept_in_index]
    gone = sorted({f for f in index["doc_file"] if f and not (layout.root / f).exists()})
    ok = not missing and not gone
    detail = "; ".join(x for x in (f"{len(missing)} kept document(s) not indexed as kept, e.g. {missing[:3]}" if missing else "",
                                  f"index rows name {len(gone)} missing file(s), e.g. {gone[:2]}" if gone else "") if x)
    return "index", ok, detail or f"{len(index['doc_id'])} rows, every kept document indexed"


def _ledger(layout: Layout, docs: dict[str, list], rejects: dict[str, list]) -> Check:
    try:
        known = set(read_segments(layout, "ledger", LEDGER).column("uri").to_pylist())
    except StateError:
        return "ledger", False, "unreadable (see state ledger)"
    sources = set(docs["source_uri"]) | set(rejects["source_uri"])
    missing = sorted(sources - known)
    return ("ledger", not missing, f"{len(missing)} input file(s) with rows but not in the ledger, e.g. {missing[:2]}"
            if missing else f"{len(sources)} input files, all in the ledger")


def verify(root: str, bands: int = 40) -> list[Check]:
    layout = Layout(Path(root))
    if not layout.state.exists():
        raise FileNotFoundError(f"{root} is not a cleancorpus output (no state/ folder)")
    checks, index = _state(layout, bands)
    docs = _table(layout.documents, ["doc_id", "run_id", "source_uri"])
    rejects = _table(layout.rejects, ["doc_id", "run_id", "source_uri"])
    checks += _runs(layout, docs, rejects)
    checks += [_ids(docs, rejects), _index(layout, docs, index), _ledger(layout, docs, rejects)]
    return checks

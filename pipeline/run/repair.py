"""`cleancorpus repair DIR`: rebuild the state that the Parquet output can give back.

The rows are the corpus; state is an index over them. When a segment is damaged (a full disk,
a bad copy), the dedup index and the ledger are rebuilt from documents/, rejects/ and
state/dedup_texts/ (and the input files, where they still exist), and the old segments are
moved to state/quarantine/ rather than deleted. Learned repeated lines cannot be rebuilt (the
counts behind them are not in the rows); they are kept if readable and learned again if not.
"""
from __future__ import annotations

import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds

from cleancorpus.pipeline.config import Config
from cleancorpus.pipeline.dedup.signatures import index_band_keys
from cleancorpus.pipeline.inputs.readers import content_hash
from cleancorpus.pipeline.model import Document, text_hash
from cleancorpus.pipeline.run.process import sign
from cleancorpus.pipeline.run.state import Layout, StateError, output_lock, read_segments, stored_files, write_segment
from cleancorpus.pipeline.schema import LEDGER, LINES, index_schema


def _rows(layout: Layout, folder: Path, columns: list[str]) -> list[dict[str, Any]]:
    """The rows of every Parquet file under folder, each with "file": its path from the output's root."""
    files = sorted(folder.rglob("*.parquet")) if folder.exists() else []
    out: list[dict[str, Any]] = []
    for f in files:
        t = ds.dataset(str(f), format="parquet").to_table(columns=columns)
        rel = str(f.relative_to(layout.root))
        out += [{**r, "file": rel} for r in t.to_pylist()]
    return out


def _index(layout: Layout, cfg: Config) -> pa.Table:
    """A row per kept document and per rejected duplicate, as the dedup stage writes them."""
    docs = _rows(layout, layout.documents, ["doc_id", "text", "domain", "title"])
    dups = {r["doc_id"]: r for r in _rows(layout, layout.rejects, ["doc_id", "reason", "duplicate_of", "title"])
            if r["reason"] in ("exact_duplicate", "near_duplicate")}
    texts = {r["doc_id"]: r for r in _rows(layout, layout.state / "dedup_texts", ["doc_id", "text"])}
    members = Counter(r["duplicate_of"] for r in dups.values())
    rows = [(d["doc_id"], d["text"], d["domain"], d["title"], d["file"], None) for d in docs]
    rows += [(i, texts[i]["text"], None, r["title"], texts[i]["file"], r["duplicate_of"])
             for i, r in dups.items() if i in texts]
    sizes = {d["doc_id"]: 1 + members[d["doc_id"]] for d in docs}
    batch = [Document(doc_id=i, text=t, source_uri="", source_format="text", domain=dom, title=ti)
             for i, t, dom, ti, _, _ in rows]
    signed = sign(batch, cfg) if batch else None
    bands = index_band_keys(signed.sigs if signed is not None else np.zeros((0, cfg.dedup.num_perm), np.uint32),
                            cfg.dedup.bands)
    return pa.table({
        "doc_id": [r[0] for r in rows], "hash64": pa.array([int(text_hash(r[1])[:16], 16) for r in rows], pa.uint64()),
        "bands": pa.FixedSizeListArray.from_arrays(pa.array(bands.reshape(-1), pa.uint32()), cfg.dedup.bands),
        "cluster_size": pa.array([sizes.get(r[5] or r[0], 1) for r in rows], pa.int32()),
        "doc_file": [r[4] for r in rows], "rep": [r[5] for r in rows],
    }, schema=index_schema(cfg.dedup.bands))


def _ledger(layout: Layout) -> pa.Table:
    """The input files the rows came from, as they are now (a file gone stays out: if it comes
    back, its records are found in the index and skipped)."""
    sources = sorted({r["source_uri"] for folder in (layout.documents, layout.rejects)
                      for r in _rows(layout, folder, ["source_uri"])})
    rows = []
    for uri in sources:
        p = Path(uri)
        if "://" in uri or not p.is_file():
            continue
        st = p.stat()
        rows.append({"uri": uri, "size": st.st_size, "mtime": st.st_mtime, "content_hash": content_hash(uri) or "",
                     "run_id": "repair"})
    return pa.Table.from_pylist(rows, schema=LEDGER)


def repair(root: str, cfg: Config) -> list[str]:
    """Rebuild the index and the ledger, quarantine the old segments; what was done, a line each."""
    layout = Layout(Path(root))
    if not layout.state.exists():
        raise FileNotFoundError(f"{root} is not a cleancorpus output (no state/ folder)")
    said: list[str] = []
    with output_lock(layout):
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for kind, build in (("dedup", lambda: _index(layout, cfg)), ("ledger", lambda: _ledger(layout))):
            table = build()
            moved = _quarantine(layout, kind, stamp)
            for extra in (("dedup_growth",) if kind == "dedup" else ()):
                moved += _quarantine(layout, extra, stamp)
            if kind == "dedup":
                _quarantine(layout, "dedup_bands", stamp)  # the old segments' band files go with them
            seg = f"repair-{stamp}.parquet"
            for kind_, name, part in stored_files(kind, table, seg):
                write_segment(part, kind_, layout.segments(kind_) / name)
            said.append(f"{kind}: rebuilt from the output, {len(table)} rows ({moved} old segment(s) to state/quarantine/)")
        try:
            read_segments(layout, "lines", LINES)
            said.append("lines: readable, kept")
        except StateError:
            moved = _quarantine(layout, "lines", stamp)
            said.append(f"lines: damaged, {moved} segment(s) to state/quarantine/; repeated lines are learned again")
    return said


def _quarantine(layout: Layout, kind: str, stamp: str) -> int:
    folder = layout.segments(kind)
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    if files:
        dest = layout.state / "quarantine" / stamp / kind
        dest.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.move(str(f), dest / f.name)
    return len(files)

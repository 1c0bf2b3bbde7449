"""The persistent dedup index (state/dedup/, a segment per run): what earlier runs decided.

A row per document a run decided on: its doc_id, 8 bytes of its text hash, its cluster's size,
the file holding its text (for confirmation) and, for a rejected duplicate, the kept document it
was folded into. Its LSH band keys are in state/dedup_bands/, a file per band range and run
(schema.band_ranges), so a lookup split by band range reads only its range's files.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleancorpus.pipeline.run.state import Layout, StateError, band_part_path, read_segment, read_segments
from cleancorpus.pipeline.schema import GROWTH, INDEX, band_ranges

_MAX_INDEX_HITS = 8


@dataclass
class IndexView:
    """The persistent index as arrays: one row per document an earlier run kept, and one per
    duplicate it rejected (rep names the kept document), so a later copy that resembles only a
    rejected member of a cluster still joins that cluster, as it would have in one run."""

    doc_id: np.ndarray  # object
    hash64: np.ndarray  # uint64
    bands: np.ndarray | None  # (m, bands) uint32; None when left in its stored band-range files (parts)
    cluster_size: np.ndarray  # int32
    rep: np.ndarray | None = None  # object: kept doc_id for duplicates, None for kept rows
    # the stored band ranges: (lo, hi, the range's file of each segment, in row order)
    parts: list[tuple[int, int, list[str]]] = field(default_factory=list)
    _band_sorted: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list, repr=False)
    _hash_order: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def empty(cls, bands: int) -> "IndexView":
        return cls(np.array([], dtype=object), np.zeros(0, np.uint64), np.zeros((0, bands), np.uint32), np.zeros(0, np.int32),
                   np.array([], dtype=object))

    def kept_id(self, j: int) -> str:
        """The kept document an index row stands for: itself, or the one it was folded into."""
        r = self.rep[j] if self.rep is not None else None
        return str(r) if r else str(self.doc_id[j])

    def __len__(self) -> int:
        return len(self.doc_id)

    @property
    def n_bands(self) -> int:
        return self.bands.shape[1] if self.bands is not None else (self.parts[-1][1] if self.parts else 0)

    def prepare(self) -> None:
        self._hash_order = np.argsort(self.hash64, kind="stable")
        self._band_sorted = sort_bands(self.bands) if self.bands is not None else []

    def exact(self, h: np.ndarray) -> np.ndarray:
        """Index row holding each hash, or -1."""
        if len(self) == 0:
            return np.full(len(h), -1, np.int64)
        assert self._hash_order is not None
        sorted_h = self.hash64[self._hash_order]
        pos = np.searchsorted(sorted_h, h)
        pos_c = np.minimum(pos, len(sorted_h) - 1)
        hit = sorted_h[pos_c] == h
        return np.where(hit, self._hash_order[pos_c], -1)

    def band_hits(self, keys32: np.ndarray) -> list[tuple[int, int]]:
        """(run row, index row) pairs that share at least one band key."""
        if len(self) == 0:
            return []
        return sorted(_hits(self._band_sorted, keys32))

    def band_part(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Bands lo..hi-1 as a lookup needs them: (hi-lo, m) sorted keys and the index rows in
        that order. Each band is independent of the others, so a part can be written to a file
        of its own and a lookup task reads only its bands' part (band_part_hits)."""
        if not self._band_sorted:
            self.prepare()
        assert self.bands is not None, "band keys not loaded: read the stored parts (load_index with_bands)"
        return (np.stack([self._band_sorted[b][0] for b in range(lo, hi)]).reshape(hi - lo, len(self)),
                np.stack([self._band_sorted[b][1] for b in range(lo, hi)]).reshape(hi - lo, len(self)))


def sort_bands(keys: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per band of (m, bands) keys: its keys sorted and the rows in that order (stable), what a
    lookup searches, for a whole index or one stored band range of it."""
    out = []
    for b in range(keys.shape[1]):
        order = np.argsort(keys[:, b], kind="stable")
        out.append((keys[order, b], order))
    return out


def _hits(band_sorted: Iterable[tuple[np.ndarray, np.ndarray]], keys32: np.ndarray) -> set[tuple[int, int]]:
    """(run row, index row) pairs sharing a key in the given bands (keys32's columns, in the same
    order), at most _MAX_INDEX_HITS index rows per run row and band."""
    pairs: set[tuple[int, int]] = set()
    for b, (sorted_keys, order) in enumerate(band_sorted):
        lo = np.searchsorted(sorted_keys, keys32[:, b], side="left")
        hi = np.searchsorted(sorted_keys, keys32[:, b], side="right")
        for i in np.flatnonzero(hi > lo):
            for j in order[lo[i]:min(hi[i], lo[i] + _MAX_INDEX_HITS)]:
                pairs.add((int(i), int(j)))
    return pairs


def band_part_hits(sorted_keys: Iterable[np.ndarray], order: Iterable[np.ndarray], keys32: np.ndarray) -> np.ndarray:
    """IndexView.band_hits restricted to one band part (IndexView.band_part; keys32 holds the
    same bands' columns), as a sorted (k, 2) array: the union of the parts' hits is band_hits."""
    got = sorted(_hits(zip(sorted_keys, order), keys32))
    return np.array(got, dtype=np.int64).reshape(-1, 2)


def load_index(layout: Layout, bands: int, with_bands: bool = True) -> tuple[IndexView, np.ndarray]:
    """The dedup index and, per row, the documents file that holds the document. with_bands:
    its band keys read from every range file; without, only where they are (IndexView.parts),
    for lookups that read a range each (dedup/tasks.py)."""
    folder = layout.segments("dedup")
    segs = sorted(folder.glob("*.parquet")) if folder.exists() else []
    tables = [read_segment(f, "dedup", INDEX) for f in segs]  # migrates older segments, band files first
    t = pa.concat_tables(tables) if tables else INDEX.empty_table()
    growth = read_segments(layout, "dedup_growth", GROWTH)
    doc_id = np.array(t.column("doc_id").to_pylist(), dtype=object)
    sizes = t.column("cluster_size").to_numpy().astype(np.int32) if len(t) else np.zeros(0, np.int32)
    if len(growth) and len(t):  # found by Arrow's hash lookup, not a dict of every id
        at = pc.index_in(growth.column("doc_id"), value_set=t.column("doc_id").combine_chunks()).to_numpy(
            zero_copy_only=False)
        found = ~np.isnan(at)
        np.add.at(sizes, at[found].astype(np.int64), growth.column("added").to_numpy()[found].astype(np.int32))
    parts = [(lo, hi, [str(band_part_path(layout.state, lo, hi, f.name)) for f in segs]) for lo, hi in band_ranges(bands)]
    view = IndexView(
        doc_id=doc_id,
        hash64=t.column("hash64").to_numpy().astype(np.uint64) if len(t) else np.zeros(0, np.uint64),
        bands=_read_bands(parts, [len(x) for x in tables], bands) if with_bands else None,
        cluster_size=sizes, rep=_shared_strings(t.column("rep")), parts=parts,
    )
    return view, _shared_strings(t.column("doc_file"))


def _shared_strings(col: pa.ChunkedArray) -> np.ndarray:
    """An object array of a string column whose equal values are one Python string (a
    documents file names thousands of rows, a kept document all its duplicates): 8 bytes a
    row rather than a string object each."""
    enc = col.combine_chunks().dictionary_encode()
    names = np.array(enc.dictionary.to_pylist() + [None], dtype=object)
    idx = enc.indices.fill_null(len(enc.dictionary)).to_numpy(zero_copy_only=False)
    return names[idx.astype(np.int64)] if len(idx) else np.array([], dtype=object)


def read_band_part(paths: list[str], rows: list[int] | None = None) -> np.ndarray:
    """(m, width) keys of one band range over the given files (paths or URLs), in their order;
    rows: each file's expected row count (its segment's)."""
    import fsspec

    got = []
    for i, p in enumerate(paths):
        try:
            fs, path = fsspec.core.url_to_fs(p)
            t = pq.read_table(path, filesystem=fs)
        except (OSError, pa.ArrowInvalid) as e:
            raise StateError(f"index band file {p} is missing or damaged ({e}); `cleancorpus repair` rebuilds the "
                             "index from the Parquet") from None
        if rows is not None and len(t) != rows[i]:
            raise StateError(f"index band file {p} has {len(t)} rows, its segment {rows[i]}; `cleancorpus repair` "
                             "rebuilds the index from the Parquet")
        width = t.schema.field("bands").type.list_size
        got.append(t.column("bands").combine_chunks().flatten().to_numpy().reshape(len(t), width))
    return np.concatenate(got).astype(np.uint32) if got else np.zeros((0, 0), np.uint32)


def _read_bands(parts: list[tuple[int, int, list[str]]], rows: list[int], bands: int) -> np.ndarray:
    m = sum(rows)
    if m == 0:
        return np.zeros((0, bands), np.uint32)
    return np.ascontiguousarray(np.hstack([read_band_part(paths, rows) for _, _, paths in parts]))

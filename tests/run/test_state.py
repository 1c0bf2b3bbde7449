"""Versioned state segments: an old one is migrated on first use, a newer or damaged one refused in one line."""
from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleancorpus.pipeline.dedup.index import load_index
from cleancorpus.pipeline.run.state import Layout
from cleancorpus.pipeline.schema import STATE_VERSIONS, index_schema
from conftest import ROOT, SEEDS, read, run_local

CLI = [sys.executable, "-m", "cleancorpus.flows.cli"]


def _seeds_corpus(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for f in sorted(SEEDS.glob("00*.txt")):
        shutil.copy(f, src / f.name)
    out = tmp_path / "out"
    run_local([src], out)
    return out


def test_every_segment_records_its_format_version(tmp_path):
    out = _seeds_corpus(tmp_path)
    kinds = {p.parent.name for p in (out / "state").rglob("*.parquet")}
    assert {"ledger", "lines", "dedup", "dedup_texts"} <= kinds
    for p in (out / "state").rglob("*.parquet"):
        meta = pq.read_schema(p).metadata
        assert int(meta[b"cleancorpus.state_version"]) == STATE_VERSIONS[p.parent.name], p


def _as_older_index(out, version: int):
    """Rewrite the output's index as an older cleancorpus stored it: format 2 held the band keys
    in the segment (no dedup_bands/ files); format 1 had no `rep` column and no version stamp."""
    view, _ = load_index(Layout(out), 40)
    seg = next((out / "state" / "dedup").glob("*.parquet"))
    t = pq.read_table(seg)
    t = t.append_column("bands", pa.FixedSizeListArray.from_arrays(pa.array(view.bands.reshape(-1), pa.uint32()), 40))
    t = t.select(index_schema(40).names)
    shutil.rmtree(out / "state" / "dedup_bands")
    if version == 1:
        t = t.drop_columns(["rep"]).replace_schema_metadata(None)
    else:
        t = t.replace_schema_metadata({b"cleancorpus.state_kind": b"dedup", b"cleancorpus.state_version": b"2"})
    pq.write_table(t, seg)
    return seg, view.bands.copy()


@pytest.mark.parametrize("version", [1, 2])
def test_an_index_segment_of_an_older_format_is_migrated_on_first_use(tmp_path, version):
    out = _seeds_corpus(tmp_path)
    seg, bands = _as_older_index(out, version)
    # copies of the seeds arrive in a second run: they must still be found through the old index,
    # an exact copy by its hash and a near copy by its band keys
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(SEEDS / "000_c60606e2771e8801.txt", again / "copy.txt")
    paras = (SEEDS / "002_1cf50d2e06b0b5ac.txt").read_text().split("\n\n")
    (again / "near.txt").write_text("\n\n".join(paras[:-2] + ["Reporting by the regional desk for this edition."]))
    run_local([again], out)
    migrated = pq.read_table(seg)
    assert migrated.schema.metadata[b"cleancorpus.state_version"] == str(STATE_VERSIONS["dedup"]).encode()
    assert "rep" in migrated.column_names and "bands" not in migrated.column_names
    if version == 1:
        assert migrated.column("rep").null_count == len(migrated)
    parts = sorted((out / "state" / "dedup_bands").glob(f"*.{seg.name}"))
    assert len(parts) == 8  # the old segment's keys, split by band range
    view, _ = load_index(Layout(out), 40)
    assert np.array_equal(view.bands[: len(bands)], bands)
    got = {r["source_uri"].rsplit("/", 1)[1]: r["reason"] for r in read(out, "rejects")}
    assert got.get("copy.txt") == "exact_duplicate" and got.get("near.txt") == "near_duplicate", got


def test_a_missing_band_file_is_named_and_repaired(tmp_path):
    out = _seeds_corpus(tmp_path)
    victim = sorted((out / "state" / "dedup_bands").glob("*.parquet"))[3]
    victim.unlink()
    r = _run_cli("verify", str(out))
    assert r.returncode == 1 and "state dedup_bands" in r.stdout and victim.name in r.stdout, r.stdout
    assert _run_cli("repair", str(out)).returncode == 0
    assert _run_cli("verify", str(out)).returncode == 0


def _run_cli(*args):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, cwd=ROOT)


def test_a_newer_or_damaged_segment_is_refused_in_one_line(tmp_path):
    out = _seeds_corpus(tmp_path)
    seg = next((out / "state" / "ledger").glob("*.parquet"))
    t = pq.read_table(seg)
    pq.write_table(t.replace_schema_metadata({b"cleancorpus.state_version": b"99"}), seg)
    r = _run_cli("backfill", str(ROOT / "data" / "sample"), "-o", str(out))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert str(seg) in r.stderr and "format version 99" in r.stderr and "upgrade cleancorpus" in r.stderr
    seg.write_bytes(b"PAR1 truncated")  # a segment cut short by a full disk or a bad copy
    r = _run_cli("backfill", str(ROOT / "data" / "sample"), "-o", str(out))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert str(seg) in r.stderr and "damaged" in r.stderr

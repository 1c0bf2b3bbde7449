"""Versioned state segments: an old one is migrated on first use, a newer or damaged one refused in one line."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pyarrow.parquet as pq

from cleancorpus.pipeline.schema import STATE_VERSIONS
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


def test_an_index_segment_from_before_versions_is_migrated_on_first_use(tmp_path):
    out = _seeds_corpus(tmp_path)
    seg = next((out / "state" / "dedup").glob("*.parquet"))
    # the index as the first version wrote it: no `rep` column, no version stamp
    old = pq.read_table(seg).drop_columns(["rep"]).replace_schema_metadata(None)
    pq.write_table(old, seg)
    # copies of the seeds arrive in a second run: they must still be found through the old index
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(SEEDS / "000_c60606e2771e8801.txt", again / "copy.txt")
    run_local([again], out)
    migrated = pq.read_table(seg)
    assert migrated.schema.metadata[b"cleancorpus.state_version"] == str(STATE_VERSIONS["dedup"]).encode()
    assert "rep" in migrated.column_names and migrated.column("rep").null_count == len(migrated)
    copy = [r for r in read(out, "rejects") if r["source_uri"].endswith("copy.txt")]
    assert [r["reason"] for r in copy] == ["exact_duplicate"]


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

"""verify finds what is wrong with a corpus from its files; repair rebuilds the state the Parquet gives back."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from cleancorpus.pipeline.dedup.index import load_index
from cleancorpus.pipeline.run.state import Layout
from conftest import ROOT, SEEDS, read, run_local

CLI = [sys.executable, "-m", "cleancorpus.flows.cli"]


def _cli(*args):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True)


@pytest.fixture()
def corpus(tmp_path, seeds_dir):
    """The seeds, then the sample (which holds copies of them) in a second run."""
    out = tmp_path / "out"
    run_local([seeds_dir], out)
    run_local([ROOT / "data" / "sample"], out)
    return out


def _index(out):
    """The index as the next run sees it: every row's keys, and the clusters' sizes (growth included)."""
    view, _ = load_index(Layout(out), 40)
    rows = [{"doc_id": str(d), "hash64": int(h), "bands": b.tolist(), "rep": r}
            for d, h, b, r in zip(view.doc_id, view.hash64, view.bands, view.rep)]
    sizes = {str(d): int(n) for d, n, rep in zip(view.doc_id, view.cluster_size, view.rep) if rep is None}
    return sorted(rows, key=lambda r: r["doc_id"]), sizes


def test_verify_passes_on_a_sound_corpus_and_names_what_broke(corpus):
    r = _cli("verify", corpus)
    assert r.returncode == 0 and r.stdout.strip().endswith("every check passed"), r.stdout
    assert not any(line.startswith("FAIL") for line in r.stdout.splitlines())
    victim = sorted((corpus / "documents").rglob("*.parquet"))[0]
    victim.unlink()  # a data file lost (a bad restore)
    r = _cli("verify", corpus)
    assert r.returncode == 1
    failed = {line.split()[1] for line in r.stdout.splitlines() if line.startswith("FAIL")}
    assert failed == {"runs", "index"} and victim.name in r.stdout


def test_repair_rebuilds_the_index_and_ledger_a_damaged_segment_took(corpus, tmp_path, seeds_dir):
    before = _index(corpus)
    assert len(before[0]) == 13 and any(r["rep"] for r in before[0]) and max(before[1].values()) > 1
    for seg in (corpus / "state" / "dedup").glob("*.parquet"):
        seg.write_bytes(seg.read_bytes()[:64])  # cut short by a full disk
    assert _cli("verify", corpus).returncode == 1
    r = _cli("repair", corpus)
    assert r.returncode == 0, r.stderr
    assert "dedup: rebuilt from the output, 13 rows" in r.stdout
    assert any((corpus / "state" / "quarantine").rglob("*.parquet"))  # kept aside, not deleted
    assert _cli("verify", corpus).returncode == 0
    assert _index(corpus) == before  # the same index the runs had written
    # and it works: the same inputs add nothing, a new copy of a kept article is found
    again = run_local([seeds_dir], corpus)
    assert again.get("nothing_to_do") or again["counts"]["inputs_seen"] == 0
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(SEEDS / "000_c60606e2771e8801.txt", copy / "again.txt")
    run_local([copy], corpus)
    got = [r for r in read(corpus, "rejects") if r["source_uri"].endswith("again.txt")]
    assert [r["reason"] for r in got] == ["exact_duplicate"]

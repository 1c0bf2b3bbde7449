"""Incremental runs, cross-run dedup, locking and crash safety, on real files and processes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import ROOT, SEEDS, read, run_local

CLI = [sys.executable, "-m", "cleancorpus.flows.cli"]


def _corpus(folder: Path, n: int, start: int = 0) -> None:
    """n distinct articles: sentences drawn at random (seeded per document) from the seeds' vocabulary."""
    import random

    vocab = sorted({w.strip(".,“”\"'’()") for f in SEEDS.glob("00*.txt") for w in f.read_text().split() if w.isalpha()})
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        rnd = random.Random(i)
        paras = [" ".join(rnd.choice(vocab) for _ in range(rnd.randint(25, 40))).capitalize() + "." for _ in range(6)]
        (folder / f"doc{i:04d}.txt").write_text(f"Document number {i} of the test corpus\n\n" + "\n\n".join(paras))


def test_incremental_three_runs(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _corpus(src, 6)
    s1 = run_local([src], out)
    assert s1["counts"]["inputs_seen"] == 6
    again = run_local([src], out)
    assert again["nothing_to_do"] and again["inputs_skipped_unchanged"] == 6
    _corpus(src, 3, start=6)
    s2 = run_local([src], out)
    assert s2["counts"]["inputs_seen"] == 3
    f = src / "doc0001.txt"
    f.write_text(f.read_text() + "\n\nA new closing paragraph was added to this report after it was first published online.")
    s3 = run_local([src], out)
    assert s3["counts"]["inputs_seen"] == 1  # the changed file, and only it
    rej = [r for r in read(out, "rejects") if r["run_id"] == s3["run_id"]]
    assert rej and rej[0]["reason"] == "near_duplicate"  # its new version is a copy of the old one
    assert len(read(out)) == 9
    ids = [r["doc_id"] for r in read(out)]
    assert len(ids) == len(set(ids))
    assert len(list((out / "runs").glob("*.json"))) == 3


def test_copy_in_a_later_run_is_caught(tmp_path):
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    a.mkdir(), b.mkdir()
    (a / "orig.txt").write_text((SEEDS / "000_c60606e2771e8801.txt").read_text())
    (b / "copy.txt").write_text((SEEDS / "001_00ab187ad3851c6d.txt").read_text())
    s1 = run_local([a], out)
    kept = read(out)[0]
    s2 = run_local([b], out)
    rej = [r for r in read(out, "rejects") if r["run_id"] == s2["run_id"]]
    assert [r["reason"] for r in rej] == ["near_duplicate"]
    assert rej[0]["duplicate_of"] == kept["doc_id"]
    assert s1["counts"]["documents"] == 1 and s2["counts"]["documents"] == 0


def test_second_run_on_locked_output_is_refused(tmp_path):
    from cleancorpus.pipeline.run.state import Layout, LockHeld, output_lock

    out = tmp_path / "out"
    with output_lock(Layout(out)):
        with pytest.raises(LockHeld):
            run_local([SEEDS], out)
        r = subprocess.run(CLI + ["backfill", str(SEEDS), "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and "locked" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_journal_replay_finishes_a_half_committed_run(tmp_path):
    from cleancorpus.pipeline.run.state import Layout, atomic_write_bytes, recover

    lay = Layout(tmp_path)
    lay.ensure()
    src = tmp_path / "state" / "work" / "x.parquet"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(b"data")
    (tmp_path / "documents" / ".orphan.parquet.tmp").write_bytes(b"half")
    atomic_write_bytes(lay.journal, json.dumps([[str(src), str(tmp_path / "documents" / "p.parquet")]]).encode())
    r = recover(lay)
    assert r == {"replayed": 1, "orphans_removed": 1}
    assert (tmp_path / "documents" / "p.parquet").read_bytes() == b"data" and not lay.journal.exists()


@pytest.mark.slow
def test_kill_9_then_rerun_matches_uninterrupted(tmp_path):
    src = tmp_path / "in"
    _corpus(src, 40)
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nshard_max_files = 4\n")
    ref = tmp_path / "ref"
    run_local([src], ref, config=str(cfg))
    out = tmp_path / "out"
    t0 = time.monotonic()
    p = subprocess.Popen(CLI + ["backfill", str(src), "--output", str(out), "--config", str(cfg), "--workers", "1"],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = out / "state" / "work"
    while time.monotonic() - t0 < 60 and len(list(work.glob("shard-*/done.json"))) < 3:
        time.sleep(0.02)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    staged_before = len(list(work.glob("shard-*/done.json")))
    assert 3 <= staged_before < 10
    assert read(out) == []  # nothing visible from the killed run
    s = run_local([src], out, config=str(cfg))
    cols = ("doc_id", "text", "title", "dup_cluster", "dup_cluster_size")
    got = sorted(tuple(r[c] for c in cols) for r in read(out))
    want = sorted(tuple(r[c] for c in cols) for r in read(ref))
    assert got == want and len(got) >= 30
    rj = lambda o: sorted((r["doc_id"], r["reason"]) for r in read(o, "rejects"))  # noqa: E731
    assert rj(out) == rj(ref)
    for f in out.rglob("*.parquet"):
        pq.read_metadata(f)
    assert not list(out.rglob("*.tmp")) and s["invariant_holds"]


def test_same_url_new_content_gets_a_versioned_id_and_cluster_growth_is_recorded(tmp_path):
    """A URL whose page was rewritten is kept under a new id; copies of a kept doc grow its cluster."""
    import json as _json

    out = tmp_path / "out"
    seeds = {p.name[:3]: p.read_text() for p in sorted(SEEDS.glob("00*.txt"))}

    def jsonl(name, records):
        f = tmp_path / name
        f.write_text("\n".join(_json.dumps(r) for r in records) + "\n")
        return f

    run_local([jsonl("r1.jsonl", [{"url": "https://a.example/story", "text": seeds["002"]},
                                  {"url": "https://b.example/x", "text": seeds["000"]}])], out)
    run_local([jsonl("r2.jsonl", [{"url": "https://a.example/story", "text": seeds["004"]},
                                  {"url": "https://c.example/y", "text": seeds["001"]}])], out)
    run_local([jsonl("r3.jsonl", [{"url": "https://d.example/z", "text": seeds["001"] + "\n\nShared by a reader."}])], out)
    docs = read(out)
    ids = [d["doc_id"] for d in docs]
    assert len(ids) == len(set(ids)) == 3
    story = sorted((d for d in docs if d["url"] == "https://a.example/story"), key=lambda d: len(d["doc_id"]))
    assert len(story) == 2 and story[1]["doc_id"].startswith(story[0]["doc_id"] + ".")
    rej = sorted(read(out, "rejects"), key=lambda r: r["run_id"])
    kept_000 = next(d["doc_id"] for d in docs if d["url"] == "https://b.example/x")
    assert [(r["duplicate_of"], r["dup_cluster_size"]) for r in rej] == [(kept_000, 2), (kept_000, 3)]


def _gc_thresholds(_: int) -> dict:
    import gc

    return {"thresholds": gc.get_threshold()}


def test_stage_processes_collect_less_often_and_the_caller_keeps_its_thresholds(tmp_path, seeds_dir):
    import gc

    from cleancorpus.pipeline.run.runner import STAGE_GC_THRESHOLDS, LocalDispatcher

    assert STAGE_GC_THRESHOLDS[0] > gc.get_threshold()[0]
    pool = LocalDispatcher(2)
    seen = pool.map("process", _gc_thresholds, [(0,), (1,)])
    assert [s["thresholds"] for s in seen] == [STAGE_GC_THRESHOLDS] * 2
    before = gc.get_threshold()
    summary = run_local([seeds_dir], tmp_path / "o", workers=2)
    assert summary["counts"]["documents"] >= 1
    assert gc.get_threshold() == before

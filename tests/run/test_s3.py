"""Reading inputs from a real S3-compatible server (moto's server mode on 127.0.0.1), not a mocked client."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from conftest import ROOT, read


@pytest.fixture()
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    yield env
    server.stop()


def test_backfill_reads_s3_bucket(s3_server, seeds_dir, tmp_path):
    import s3fs

    fs = s3fs.S3FileSystem(key="test", secret="test", endpoint_url=s3_server["AWS_ENDPOINT_URL"])
    fs.mkdir("corpus")
    for f in sorted(seeds_dir.glob("*.txt")):
        fs.put(str(f), f"corpus/in/{f.name}")
    env = {**os.environ, **s3_server}
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "cleancorpus.flows.cli", "backfill", "s3://corpus/in", "--output", str(out), "--workers", "1"],
                       env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    docs = read(out)
    assert len(docs) == 4 and all(d["source_uri"].startswith("s3://corpus/in/") for d in docs)
    assert len(read(out, "rejects")) == 1
    # a second run finds the bucket's objects in the ledger (size + LastModified)
    r2 = subprocess.run([sys.executable, "-m", "cleancorpus.flows.cli", "backfill", "s3://corpus/in", "--output", str(out)],
                        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Nothing new: 5 input file(s)" in r2.stdout


def test_backfill_writes_to_s3_and_remote_state_carries_across_machines(s3_server, seeds_dir, tmp_path):
    """Output on the S3 server itself; a second 'machine' (fresh work dir) sees the first run's state."""
    import pyarrow.dataset as ds
    import s3fs

    fs = s3fs.S3FileSystem(key="test", secret="test", endpoint_url=s3_server["AWS_ENDPOINT_URL"])
    fs.mkdir("lake")
    first = tmp_path / "first"
    first.mkdir()
    for name in ("000_c60606e2771e8801.txt", "002_1cf50d2e06b0b5ac.txt"):
        (first / name).write_bytes((seeds_dir / name).read_bytes())
    env = {**os.environ, **s3_server, "CLEANCORPUS_WORK_DIR": str(tmp_path / "machine1")}
    cli = [sys.executable, "-m", "cleancorpus.flows.cli"]
    r = subprocess.run(cli + ["backfill", str(first), "--output", "s3://lake/corpus"], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    docs = ds.dataset("lake/corpus/documents", filesystem=fs, format="parquet", partitioning="hive").to_table().to_pylist()
    assert len(docs) == 2 and not fs.exists("lake/corpus/state/publish-journal.json")
    assert fs.find("lake/corpus/runs") and fs.find("lake/corpus/state/ledger")
    # another machine: empty work dir; a copy of 000 must be caught against the remote index
    second = tmp_path / "second"
    second.mkdir()
    (second / "copy.txt").write_bytes((seeds_dir / "001_00ab187ad3851c6d.txt").read_bytes())
    env2 = {**env, "CLEANCORPUS_WORK_DIR": str(tmp_path / "machine2")}
    r2 = subprocess.run(cli + ["backfill", str(second), "--output", "s3://lake/corpus"], env=env2, cwd=ROOT,
                        capture_output=True, text=True, timeout=120)
    assert r2.returncode == 0, r2.stderr
    rej = ds.dataset("lake/corpus/rejects", filesystem=fs, format="parquet", partitioning="hive").to_table().to_pylist()
    kept_000 = next(d["doc_id"] for d in docs if d["source_uri"].endswith("000_c60606e2771e8801.txt"))
    assert [(x["reason"], x["duplicate_of"]) for x in rej] == [("near_duplicate", kept_000)]
    r3 = subprocess.run(cli + ["backfill", str(first), "--output", "s3://lake/corpus"], env=env2, cwd=ROOT,
                        capture_output=True, text=True, timeout=120)
    assert "Nothing new: 2 input file(s)" in r3.stdout
    s = subprocess.run(cli + ["stats", "s3://lake/corpus"], env=env2, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "3 inputs over 2 run(s): 2 documents kept, 1 rejected" in s.stdout, s.stdout + s.stderr
    # the report of the remote corpus, written beside it in the bucket
    rep = subprocess.run(cli + ["report", "s3://lake/corpus"], env=env2, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert rep.returncode == 0 and rep.stdout.strip() == "s3://lake/corpus/report.html", rep.stderr
    html = fs.cat("lake/corpus/report.html").decode()
    assert "<b>2</b>documents kept" in html and "near_duplicate" in html


def test_half_published_run_is_rolled_back(s3_server, tmp_path, monkeypatch):
    import s3fs

    from cleancorpus.pipeline.inputs.remote import JOURNAL, Remote

    fs = s3fs.S3FileSystem(key="test", secret="test", endpoint_url=s3_server["AWS_ENDPOINT_URL"])
    fs.mkdir("half")
    for k, v in s3_server.items():
        monkeypatch.setenv(k, v)
    rem = Remote("s3://half/out")
    fs.pipe("half/out/documents/ingest_date=2026-01-01/part-x-00000.parquet", b"partial")
    fs.pipe(f"half/out/{JOURNAL}", b'["documents/ingest_date=2026-01-01/part-x-00000.parquet", "state/ledger/x.parquet"]')
    assert rem.rollback() == 1
    assert not fs.exists("half/out/documents/ingest_date=2026-01-01/part-x-00000.parquet")
    assert not fs.exists(f"half/out/{JOURNAL}")


def test_two_writers_on_one_remote_output_never_interleave(s3_server, seeds_dir, tmp_path):
    """Two machines (two work dirs), one S3 output: the second writer is refused while the first
    holds the lease (a conditional put on the real S3 protocol), then runs; a lease left by a dead
    writer is taken over and said so."""
    import json
    import time

    import s3fs

    fs = s3fs.S3FileSystem(key="test", secret="test", endpoint_url=s3_server["AWS_ENDPOINT_URL"])
    fs.mkdir("shared")
    pages = tmp_path / "pages"
    pages.mkdir()
    html = (ROOT / "data" / "sample" / "cycle_path_utf8.html").read_text()
    for i in range(600):
        (pages / f"p{i:04d}.html").write_text(html.replace("</body>", f"<p>Note {i}: ferry {i % 7} late.</p></body>"))
    cli = [sys.executable, "-m", "cleancorpus.flows.cli", "backfill"]
    env1 = {**os.environ, **s3_server, "CLEANCORPUS_WORK_DIR": str(tmp_path / "machine1")}
    env2 = {**os.environ, **s3_server, "CLEANCORPUS_WORK_DIR": str(tmp_path / "machine2")}
    first = subprocess.Popen(cli + [str(pages), "-o", "s3://shared/corpus", "--workers", "2"], env=env1, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not fs.exists("shared/corpus/state/lease.json") and time.monotonic() < deadline:
        time.sleep(0.05)
    lease = json.loads(fs.cat_file("shared/corpus/state/lease.json"))
    assert f"pid {first.pid}" in lease["holder"]
    second = subprocess.run(cli + [str(seeds_dir), "-o", "s3://shared/corpus"], env=env2, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 2 and "is being written by" in second.stderr and len(second.stderr.splitlines()) == 1
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert not fs.exists("shared/corpus/state/lease.json")  # released
    again = subprocess.run(cli + [str(seeds_dir), "-o", "s3://shared/corpus"], env=env2, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    # a writer that died holding the lease: once it has run out, the next one takes over
    fs.pipe_file("shared/corpus/state/lease.json",
                 json.dumps({"holder": "gone-host pid 1", "until": time.time() - 1, "token": "x"}).encode())
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.txt").write_text((seeds_dir / "002_1cf50d2e06b0b5ac.txt").read_text())
    took = subprocess.run(cli + [str(extra), "-o", "s3://shared/corpus"], env=env1, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert took.returncode == 0, took.stderr
    assert "Took over" in took.stdout and "gone-host pid 1" in took.stdout

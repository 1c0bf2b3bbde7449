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
    r = subprocess.run([sys.executable, "-m", "flows.cli", "backfill", "s3://corpus/in", "--output", str(out), "--workers", "1"],
                       env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    docs = read(out)
    assert len(docs) == 4 and all(d["source_uri"].startswith("s3://corpus/in/") for d in docs)
    assert len(read(out, "rejects")) == 1
    # a second run finds the bucket's objects in the ledger (size + LastModified)
    r2 = subprocess.run([sys.executable, "-m", "flows.cli", "backfill", "s3://corpus/in", "--output", str(out)],
                        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Nothing new: 5 input file(s)" in r2.stdout

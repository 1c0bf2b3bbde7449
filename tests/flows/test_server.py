"""`cleancorpus serve` against a real Prefect server started here on a free port.

Catches the failure class seen with SQLAlchemy 2.1: a deployment whose cron schedule
silently produces no scheduled runs.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, read, stop_group, wait_for

PY = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read() or b"null")


def _post(url: str, body: dict):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


@pytest.mark.slow
def test_serve_deployment_runs_on_trigger_and_schedules_cron(tmp_path, seeds_dir):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    server = subprocess.Popen([PY, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    serve = None
    try:
        wait_for(lambda: _get(f"{api}/health") is True, 120, "the Prefect server")
        out = tmp_path / "out"
        cfg = tmp_path / "serve.toml"
        cfg.write_text(f'[schedule]\ncron = "* * * * *"\ninputs = ["{seeds_dir}"]\noutput = "{out}"\n')
        log = open(tmp_path / "serve.log", "w")
        serve = subprocess.Popen([PY, "-m", "cleancorpus.flows.cli", "serve", "--config", str(cfg)], env=env, cwd=ROOT,
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deps = wait_for(lambda: _post(f"{api}/deployments/filter", {}), 90, "the deployment")
        dep = deps[0]
        assert dep["name"] == "scheduled"
        # the cron schedule must produce scheduled runs (SQLAlchemy 2.1 made this silently empty)
        scheduled = wait_for(lambda: [r for r in _post(f"{api}/flow_runs/filter", {"deployments": {"id": {"any_": [dep["id"]]}}})
                                   if r["state_type"] == "SCHEDULED"], 90, "scheduled runs from the cron schedule")
        assert scheduled
        run = _post(f"{api}/deployments/{dep['id']}/create_flow_run", {})
        final = wait_for(lambda: (s := _get(f"{api}/flow_runs/{run['id']}")["state_type"]) in ("COMPLETED", "FAILED", "CRASHED") and s,
                      180, "the triggered flow run")
        assert final == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
        assert len(read(out)) == 4 and len(read(out, "rejects")) == 1
        arts = _post(f"{api}/artifacts/filter", {})
        assert any(a["key"] == "cleancorpus-run-summary" for a in arts)
        # the same flow on Prefect's DaskTaskRunner (LocalCluster of 2 processes) gives the same rows
        out2 = tmp_path / "out_dask"
        r = subprocess.run([PY, "-m", "cleancorpus.flows.cli", "backfill", str(seeds_dir), "--output", str(out2), "--dask", "--workers", "2"],
                           env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr[-3000:]
        key = lambda rows: sorted((x["doc_id"], x["text"], x["dup_cluster"]) for x in rows)  # noqa: E731
        assert key(read(out2)) == key(read(out))
        # on Dask too, a page that kills its process and a page stuck in C code cost only themselves:
        # each shard runs in a child of the Dask worker, with the run's CPU time limit
        poisoned = tmp_path / "poisoned"
        shutil.copytree(seeds_dir, poisoned)
        seed = (seeds_dir / "002_1cf50d2e06b0b5ac.txt").read_text()
        (poisoned / "abort.txt").write_text(seed + "\n\nKILL-MY-WORKER\n")
        (poisoned / "stuck.txt").write_text(seed.replace("Putin", "Lukashenko") + "\n\nSTUCK-IN-C\n")
        cfg = tmp_path / "fast.toml"
        cfg.write_text("[extract]\ntimeout_seconds = 0.5\n[dedup]\nenabled = false\n")
        out3 = tmp_path / "out_dask_faults"
        r = subprocess.run([PY, "-m", "cleancorpus.flows.cli", "backfill", str(poisoned), "--output", str(out3), "--dask",
                            "--workers", "2", "-c", str(cfg)],
                           env={**env, "CLEANCORPUS_TEST_ABORT_ON": "KILL-MY-WORKER", "CLEANCORPUS_TEST_HANG_ON": "STUCK-IN-C"},
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr[-3000:]
        rejects = {Path(x["source_uri"]).name: x for x in read(out3, "rejects")}
        assert rejects["abort.txt"]["reason"] == "worker_crashed"
        assert rejects["stuck.txt"]["reason"] == "extraction_timeout"
        assert len(read(out3)) == 5
    finally:
        if serve is not None:
            stop_group(serve)
        stop_group(server)
    assert server.poll() is not None

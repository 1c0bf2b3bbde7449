"""Shard tasks that share nothing with the driver but the store (pipeline/run/staging.py).

The main test: a Dask scheduler and two workers each run as "another machine": a private mount namespace
(`unshare -m`) with empty tmpfs over /tmp and the home cache, so the driver's working copy, its
staged files and the test's own folders do not exist for them. The inputs and the output are
in a moto S3 server on 127.0.0.1; a Prefect server tracks the flow run. Two runs on the cluster
(the second one needs the first one's ledger and learned lines) give the same rows as two runs
on a local process pool. Beside it: `[run] work_dir` as a URL on a local pool (staged shards
survive a kill in the store and are reused from there), and a worker without the config's rule
packs.
"""
from __future__ import annotations

import glob
import json
import os
import random
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, read, run_local, stop_group, wait_for

PY = sys.executable
CLI = [PY, "-m", "cleancorpus.flows.cli", "backfill"]
PROMO = "The harbour office opens at nine on weekdays and closes at noon on Saturdays."
SKIP = ("run_id", "ingested_at", "ingest_date")  # differ between two runs by nature


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _no_private_mounts() -> str | None:
    """Why this machine cannot give a process a private mount namespace, or None when it can."""
    if os.geteuid() != 0:
        return "needs root: unshare -m and tmpfs mounts make the workers' separate machines"
    try:
        r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /tmp"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unshare is not available here: {e}"
    return f"unshare -m is not allowed here: {r.stderr.strip()}" if r.returncode else None


def _as_other_machine(cmd: list[str], env: dict[str, str], log: Path, hide: list[Path]) -> subprocess.Popen:
    """cmd in a mount namespace of its own, with empty tmpfs over each folder of `hide`.

    Another machine has its own copy of the code: a checkout or a venv inside a hidden folder (a
    clone under /tmp) is carried through its tmpfs by bind mounts, by way of a tmpfs over /mnt,
    all inside the namespace."""
    code = [p for p in _code_paths() if any(p.is_relative_to(h) for h in hide)]
    keep = (["mount -t tmpfs none /mnt"] + [f"mkdir /mnt/{i} && mount --bind {shlex.quote(str(p))} /mnt/{i}"
                                            for i, p in enumerate(code)]) if code else []
    mounts = [f"mount -t tmpfs none {shlex.quote(str(d))}" for d in hide]
    back = [f"mkdir -p {shlex.quote(str(p))} && mount --bind /mnt/{i} {shlex.quote(str(p))}" for i, p in enumerate(code)]
    script = f"{' && '.join(keep + mounts + back)} && cd /tmp && exec {shlex.join(cmd)}"
    return subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script], env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)


def _code_paths() -> list[Path]:
    """The checkout and the venv the workers run, outermost only."""
    paths = sorted({ROOT.resolve(), Path(sys.prefix).resolve()}, key=lambda p: len(p.parts))
    return [p for i, p in enumerate(paths) if not any(p.is_relative_to(q) for q in paths[:i])]


def _healthy(api: str) -> bool:
    with urllib.request.urlopen(f"{api}/health", timeout=5) as r:
        return json.loads(r.read() or b"null") is True


def _articles(n: int, start: int, promo: set[int]) -> dict[str, str]:
    """n distinct articles from the seeds' words; those in `promo` end with the same short notice."""
    vocab = sorted({w.strip(".,“”\"'’()") for f in SEEDS.glob("00*.txt") for w in f.read_text().split() if w.isalpha()})
    out = {}
    for i in range(start, start + n):
        rnd = random.Random(i)
        paras = [" ".join(rnd.choice(vocab) for _ in range(rnd.randint(25, 40))).capitalize() + "." for _ in range(5)]
        out[f"doc{i:03d}.txt"] = f"Harbour report number {i}\n\n" + "\n\n".join(paras + ([PROMO] if i in promo else []))
    return out


def _rows(rows: list[dict]) -> list[tuple]:
    return sorted(tuple((k, repr(v)) for k, v in sorted(r.items()) if k not in SKIP) for r in rows)


def test_a_worker_without_the_configs_rule_packs_refuses_the_shard(tmp_path, seeds_dir):
    """The settings travel in the plan, a user's rule pack does not: a worker that lacks it (here:
    removed after planning) would clean with the shipped one, so the shard fails, saying why."""
    from cleancorpus.config import DEFAULTS_DIR
    from cleancorpus.pipeline.config import ConfigError, load_config
    from cleancorpus.pipeline.run.plan import plan_run
    from cleancorpus.pipeline.run.process import process_shard

    (tmp_path / "rules").mkdir()
    own = tmp_path / "rules" / "ads.toml"
    own.write_text((DEFAULTS_DIR / "rules" / "ads.toml").read_text() + "\n# this site's own edit\n")
    cfg = tmp_path / "c.toml"
    cfg.write_text("[clean]\nrules_dir = \"rules\"\n")
    plan = plan_run([str(seeds_dir)], str(tmp_path / "out"), load_config(str(cfg)), str(cfg))
    own.unlink()
    with pytest.raises(ConfigError, match="finds other rule files than the run was planned with"):
        process_shard(plan, plan.shards[0])


@pytest.fixture()
def s3_env():
    """A moto S3 server on 127.0.0.1 and the environment that points boto at it."""
    import s3fs
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    s3fs.S3FileSystem.clear_instance_cache()  # fsspec reuses a filesystem made for another endpoint
    yield {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    # moto's buckets live in this process, not in the server: leave none to another test's server
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"), timeout=10)
    server.stop()
    s3fs.S3FileSystem.clear_instance_cache()


def _s3(env: dict[str, str]):
    import s3fs

    return s3fs.S3FileSystem(key="test", secret="test", endpoint_url=env["AWS_ENDPOINT_URL"])


@pytest.mark.slow
def test_work_dir_url_stages_shards_in_the_store(s3_env, tmp_path, monkeypatch):
    """`[run] work_dir = "s3://..."` on a local pool and a local output: shards are staged in the
    store (a run killed part-way leaves them there, and the rerun takes them from there), the
    ledger and learned lines reach the shard tasks through the store, and the rows are those of
    runs without a stage."""
    fs = _s3(s3_env)
    fs.mkdir("mm-stage")
    src = tmp_path / "in"
    src.mkdir()
    first = _articles(24, 0, promo={1, 4})
    first["doc001.txt"] += "\n\nABORT-IF-CLEANED-AGAIN"  # shard 0: staged before the kill, never cleaned again
    first["doc021.txt"] += "\n\nSTUCK-FOREVER"  # shard 5: the first attempt hangs here, and is killed
    for name, text in first.items():
        (src / name).write_text(text)
    plain, staged = tmp_path / "plain.toml", tmp_path / "staged.toml"
    plain.write_text("[run]\nshard_max_files = 4\n")
    staged.write_text('[run]\nshard_max_files = 4\nwork_dir = "s3://mm-stage/cc"\n')
    ref, out = tmp_path / "ref", tmp_path / "out"
    run_local([src], ref, config=str(plain))
    env = {**os.environ, **s3_env, "CLEANCORPUS_WORK_DIR": str(tmp_path / "machine")}
    cmd = CLI + [str(src), "-o", str(out), "-c", str(staged), "--workers", "1", "--no-prefect"]
    p = subprocess.Popen(cmd, env={**env, "CLEANCORPUS_TEST_HANG_ON": "STUCK-FOREVER"}, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def shards_in_store() -> int:
            fs.invalidate_cache()
            return len(fs.glob("mm-stage/cc/*/shard-*/done.json"))

        wait_for(lambda: shards_in_store() == 5, 60, "five shards staged in the store")
    finally:
        p.kill()
        p.wait()
    assert not list((out / "state" / "work").glob("shard-*"))  # nothing staged under the output
    r = subprocess.run(cmd, env={**env, "CLEANCORPUS_TEST_ABORT_ON": "ABORT-IF-CLEANED-AGAIN"}, cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    fs.invalidate_cache()
    assert not fs.find("mm-stage/cc")  # emptied after the commit
    # a second run: the notice, seen in two documents of the folder before, is now learned
    second = _articles(2, 24, promo={25})
    for name, text in second.items():
        (src / name).write_text(text)
    run_local([src], ref, config=str(plain))
    for k, v in s3_env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("CLEANCORPUS_WORK_DIR", str(tmp_path / "machine"))
    run_local([src], out, config=str(staged))
    assert _rows(read(out)) == _rows(read(ref)) and _rows(read(out, "rejects")) == _rows(read(ref, "rejects"))
    doc25 = next(d for d in read(out) if d["source_uri"].endswith("doc025.txt"))
    assert PROMO not in doc25["text"] and any(r["rule"].startswith("repeated:") for r in doc25["removed"])
    fs.invalidate_cache()
    assert len(read(out)) == 26 and not fs.find("mm-stage/cc")


@pytest.mark.slow
def test_dask_workers_on_other_machines_share_only_the_store(s3_env, tmp_path, seeds_dir):
    why = _no_private_mounts()
    if why:
        pytest.skip(why)
    from distributed import Client

    api_port, dask_port = _free_port(), _free_port()
    aws = s3_env
    fs = _s3(aws)
    fs.mkdir("mm-inputs")
    fs.mkdir("mm-lake")
    api = f"http://127.0.0.1:{api_port}/api"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLEANCORPUS_", "PREFECT_", "DASK_"))}
    prefect = {"PREFECT_API_URL": api, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    driver_work = tmp_path / "driver-work"  # the driver's working copy of the S3 output
    driver_work.mkdir()
    env = {**base, **aws, **prefect, "PREFECT_HOME": str(tmp_path / "prefect"), "CLEANCORPUS_WORK_DIR": str(driver_work)}
    # what a worker machine has: the code (the venv and the package at their paths), the store and
    # the servers' addresses; its own /tmp, home cache and Prefect home, empty at start
    cache = Path.home() / ".cache"
    cache.mkdir(exist_ok=True)
    hide = [Path("/tmp"), cache] + ([tmp_path] if not tmp_path.is_relative_to("/tmp") else [])
    worker_env = {**base, **aws, **prefect, "PREFECT_HOME": "/tmp/prefect", "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    dask_bin = str(Path(PY).parent / "dask")
    address = f"tcp://127.0.0.1:{dask_port}"
    procs = [subprocess.Popen([PY, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(api_port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True),
             _as_other_machine([dask_bin, "scheduler", "--host", "127.0.0.1", "--port", str(dask_port), "--no-dashboard"],
                               worker_env, tmp_path / "scheduler.log", hide)]
    try:
        procs += [_as_other_machine([dask_bin, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                     "--name", f"machine-{i}",
                                     "--preload", "cleancorpus.flows.backfill"], worker_env, tmp_path / f"worker{i}.log", hide)
                  for i in (1, 2)]
        wait_for(lambda: _healthy(api), 120, "the Prefect server")
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            # the workers are other machines: the driver's working copy and the test's folders are not there
            assert driver_work.exists() and tmp_path.exists()
            assert set(client.run(os.path.exists, str(driver_work)).values()) == {False}
            assert set(client.run(os.path.exists, str(tmp_path)).values()) == {False}
            assert set(client.run(os.path.exists, str(Path.home() / ".cache" / "cleancorpus")).values()) == {False}

            cfg = tmp_path / "c.toml"  # several shards, so that both workers get some
            cfg.write_text("[run]\nshard_max_files = 2\n")
            # on the cluster, dedup split into tasks as a run past [dedup] task_rows is; the local
            # reference decides in one process
            split = tmp_path / "split.toml"
            split.write_text(cfg.read_text() + "\n[dedup]\ntask_rows = 2\n")
            first = {**_articles(6, 0, promo={1, 4}), **{f.name: f.read_text() for f in sorted(seeds_dir.glob("*.txt"))}}
            for name, text in first.items():
                fs.pipe_file(f"mm-inputs/docs/{name}", text.encode())
            remote, local = "s3://mm-lake/corpus", tmp_path / "local"
            dask_run = CLI + ["s3://mm-inputs/docs", "-o", remote, "-c", str(split), "--dask-address", address]
            local_run = CLI + ["s3://mm-inputs/docs", "-o", str(local), "-c", str(cfg), "--no-prefect", "--workers", "2"]

            def run(cmd: list[str]) -> float:
                t0 = time.monotonic()
                r = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
                assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
                return time.monotonic() - t0

            seconds = {"dask 1": run(dask_run), "local 1": run(local_run)}
            # a second run: new articles (one with the notice, now seen in 3 documents of the
            # folder: learned, so removed), a copy of a seed (the index) and a re-upload of an
            # unchanged file (the ledger's content hash): what the workers read from the store
            second = _articles(3, 6, promo={7})
            second["copy.txt"] = (seeds_dir / "001_00ab187ad3851c6d.txt").read_text()
            second["doc000.txt"] = first["doc000.txt"]
            for name, text in second.items():
                fs.pipe_file(f"mm-inputs/docs/{name}", text.encode())
            seconds |= {"dask 2": run(dask_run), "local 2": run(local_run)}
            print("wall seconds:", {k: round(v, 1) for k, v in seconds.items()})
            # the dedup tasks fetched the staged shards' sets on the workers themselves
            fetched = client.run(glob.glob, str(Path.home() / ".cache" / "cleancorpus" / "*" / "run-*" / "dedup-sets" / "*"))
            assert any(fetched.values()), fetched

        def from_s3(kind: str) -> list[dict]:
            import pyarrow.dataset as ds

            return ds.dataset(f"mm-lake/corpus/{kind}", filesystem=fs, format="parquet", partitioning="hive").to_table().to_pylist()

        docs, rejects = from_s3("documents"), from_s3("rejects")
        assert _rows(docs) == _rows(read(local)) and _rows(rejects) == _rows(read(local, "rejects"))
        assert len(docs) == 13 and sorted(r["reason"] for r in rejects) == ["near_duplicate", "near_duplicate"]
        # the workers read the first run's learned lines: the notice kept in run 1, dropped in run 2
        by_name = {d["source_uri"].rsplit("/", 1)[1]: d for d in docs}
        assert PROMO in by_name["doc001.txt"]["text"] and PROMO in by_name["doc004.txt"]["text"]
        assert PROMO not in by_name["doc007.txt"]["text"]
        assert any(r["rule"].startswith("repeated:") and r["text"] == PROMO for r in by_name["doc007.txt"]["removed"])
        # and the ledger: the re-uploaded file was skipped as unchanged, as on the local pool
        summaries = [json.loads(fs.cat_file(k)) for k in sorted(fs.find("mm-lake/corpus/runs"))]
        local_summaries = [json.loads(p.read_text()) for p in sorted((local / "runs").glob("*.json"))]
        print("stage seconds, dask:", [s["seconds"] for s in summaries], "local:", [s["seconds"] for s in local_summaries])
        for s, ls in zip(summaries, local_summaries, strict=True):
            assert s["counts"] == ls["counts"] and s["inputs_skipped_unchanged"] == ls["inputs_skipped_unchanged"]
            assert s["dedup"]["tasks"] >= 2 and ls["dedup"]["tasks"] == 0
        # (run 1's files: all but one by the ledger's size and time on the driver, the re-uploaded
        # one by its content hash on a worker, which would otherwise have cleaned it again)
        assert summaries[1]["inputs_skipped_unchanged"] == len(first)
        # both workers ran shards, and the stage in the store was emptied after each commit
        for i in (1, 2):
            assert "process shard" in (tmp_path / f"worker{i}.log").read_text(), (tmp_path / f"worker{i}.log").read_text()[-3000:]
        assert not fs.exists("mm-lake/corpus/state/work")
    finally:
        for p in reversed(procs):
            stop_group(p)

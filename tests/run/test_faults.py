"""What a long-running service meets, caused for real: a stop signal, a worker killed, a page that
kills its worker every time, a parent killed outright, and input folders holding FIFOs, sockets,
broken links and a stray NUL. Every input is accounted for once; no process is left behind."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import ROOT, read

CLI = [sys.executable, "-m", "cleancorpus.flows.cli"]
PAGES = sorted((ROOT / "data" / "sample").glob("*.htm*"))
MARKER = "ABORT-THIS-WORKER-7c1f"


def _pages(folder: Path, n: int) -> Path:
    """n distinct HTML pages from the sample's three (a paragraph of their own each), so a run
    takes some seconds on 2 workers."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [p.read_bytes() for p in PAGES if "utf16" not in p.name]
    for i in range(n):
        page = sources[i % len(sources)]
        own = f"<p>Dispatch number {i}: the ferry to island {i % 97} sailed {i % 13} hours late on day {i}.</p>".encode()
        (folder / f"p{i:04d}.html").write_bytes(page.replace(b"</body>", own + b"</body>", 1))
    return folder


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    return _pages(tmp_path_factory.mktemp("many") / "in", 1500)


@pytest.fixture(scope="module")
def small_shards(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("cfg") / "small.toml"
    # rows that do not depend on which copy a cluster keeps (ids hash the input's path, and one
    # test reads the pages from another folder): these tests are about faults, not dedup
    f.write_text("[run]\nshard_max_files = 40\n[dedup]\nenabled = false\n")
    return f


def _rows(out: Path) -> tuple[list, list]:
    skip = {"run_id", "ingested_at", "ingest_date"}
    key = lambda r: (r["doc_id"], r.get("source_uri"))  # noqa: E731
    docs = sorted(({k: v for k, v in r.items() if k not in skip} for r in read(out)), key=key)
    rej = sorted(({k: v for k, v in r.items() if k not in skip} for r in read(out, "rejects")), key=key)
    return docs, rej


@pytest.fixture(scope="module")
def reference(many, small_shards, tmp_path_factory) -> tuple[list, list]:
    out = tmp_path_factory.mktemp("ref") / "out"
    r = subprocess.run(CLI + ["backfill", str(many), "-o", str(out), "--workers", "2", "-c", str(small_shards)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return _rows(out)


def _start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(CLI + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _in_process_stage(proc: subprocess.Popen) -> None:
    """Wait for the first shard of the process stage to finish: the run is under way."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("process ") and not line.startswith("process  0/"):
            return
    raise AssertionError("the run ended before a shard finished")


def _workers_of(proc: subprocess.Popen, at_least: int, within: float = 30.0) -> list[psutil.Process]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        kids = psutil.Process(proc.pid).children(recursive=True)
        if len(kids) >= at_least:
            return kids
        time.sleep(0.05)
    raise AssertionError("the run started no workers")


def _gone(procs: list[psutil.Process], within: float = 10.0) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=within)
    return not alive


def test_sigterm_stops_the_run_cleanly_and_a_rerun_completes_it(many, small_shards, reference, tmp_path):
    out = tmp_path / "out"
    proc = _start(["backfill", str(many), "-o", str(out), "--workers", "2", "-c", str(small_shards)])
    workers = _workers_of(proc, 2)
    _in_process_stage(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    last = err.strip().splitlines()[-1]
    assert last.startswith("cleancorpus: stopped by SIGTERM") and "run the same command again" in last
    assert "Traceback" not in err
    assert _gone(workers)  # no orphan keeps working, or keeps the lock
    assert not list((out / "documents").rglob("*.parquet"))  # nothing of the stopped run was published
    r = subprocess.run(CLI + ["backfill", str(many), "-o", str(out), "--workers", "2", "-c", str(small_shards)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "Took over" not in r.stdout  # the stopped run left in good order
    assert _rows(out) == reference


def test_a_worker_killed_costs_its_shard_and_the_run_completes(many, small_shards, reference, tmp_path):
    out = tmp_path / "out"
    proc = _start(["backfill", str(many), "-o", str(out), "--workers", "2", "-c", str(small_shards)])
    victim = _workers_of(proc, 2)[0]
    _in_process_stage(proc)
    victim.kill()  # as the out-of-memory killer would
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert _rows(out) == reference


def test_a_page_that_kills_its_worker_every_time_is_rejected_alone(many, small_shards, reference, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for p in many.iterdir():
        os.link(p, src / p.name)
    page = PAGES[0].read_text(encoding="utf-8", errors="replace")
    (src / "poison.html").write_text(page.replace("</body>", f"<p>{MARKER}</p></body>", 1))
    out = tmp_path / "out"
    proc = _start(["backfill", str(src), "-o", str(out), "--workers", "2", "-c", str(small_shards)],
                  env={"CLEANCORPUS_TEST_ABORT_ON": MARKER})
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    docs, rej = _rows(out)
    poison = [r for r in rej if r["source_uri"].endswith("poison.html")]
    assert [r["reason"] for r in poison] == ["worker_crashed"] and "died twice" in poison[0]["detail"]
    others = [r for r in rej if not r["source_uri"].endswith("poison.html")]
    assert _by_name(docs, others) == _by_name(*reference)  # the same rows as without that page


def test_a_worker_ended_by_another_ones_death_does_not_blame_its_record(tmp_path):
    """Two shards at once: one page aborts its worker while the other worker is stuck in a page.
    The break of the pool ends both workers, but only the one that died blames its record: the
    stuck page ends as extraction_timeout (its own fault), not as worker_crashed (the other's)."""
    src = tmp_path / "in"
    src.mkdir()
    page = PAGES[0].read_text(encoding="utf-8", errors="replace")
    (src / "a_poison.html").write_text(page.replace("</body>", f"<p>{MARKER}</p></body>", 1))
    (src / "b_stuck.html").write_text(page.replace("</body>", "<p>STUCK-HERE-7c1f</p></body>", 1))
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nshard_max_files = 1\nshard_taper = 1\n[extract]\ntimeout_seconds = 0.5\n"
                   "[dedup]\nenabled = false\n")
    out = tmp_path / "out"
    proc = _start(["backfill", str(src), "-o", str(out), "--workers", "2", "-c", str(cfg)],
                  env={"CLEANCORPUS_TEST_ABORT_ON": MARKER, "CLEANCORPUS_TEST_HANG_ON": "STUCK-HERE-7c1f"})
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    reasons = {Path(r["source_uri"]).name: r["reason"] for r in read(out, "rejects")}
    assert reasons == {"a_poison.html": "worker_crashed", "b_stuck.html": "extraction_timeout"}


def _abort_noting_pid(note: str) -> None:
    import faulthandler

    faulthandler.disable()  # pytest's, inherited by the fork: no traceback dump per abort in the test log
    Path(note).write_text(str(os.getpid()))
    os.abort()


def _wait_for_ever() -> None:
    time.sleep(60)


def test_a_broken_pool_names_the_worker_that_died_every_time(tmp_path):
    """The pool's manager thread reaps the workers while the caller reads their exit codes: read
    too early, the dead worker could look alive (its second wait finds no child), none could be
    told apart, and the worker the break ended was blamed too (about one break in 14 here)."""
    from concurrent.futures.process import BrokenProcessPool

    from cleancorpus.pipeline.run.workers import dead_workers, kill_pool, new_pool

    note = tmp_path / "pid"
    for _ in range(60):
        pool = new_pool(2)
        try:
            pool.submit(_wait_for_ever)
            with pytest.raises(BrokenProcessPool):
                pool.submit(_abort_noting_pid, str(note)).result(timeout=30)
            assert dead_workers(pool) == {int(note.read_text())}
        finally:
            kill_pool(pool)


def _by_name(docs: list[dict], rejects: list[dict]) -> list[dict]:
    """Rows with ids told by file name (an id hashes the input's path, and these runs read other folders)."""
    name = {r["doc_id"]: Path(r["source_uri"]).name for r in docs + rejects}
    ids = ("doc_id", "dup_cluster", "duplicate_of", "source_uri")
    rows = [{k: (Path(v).name if k == "source_uri" else name.get(v, v)) if k in ids else v for k, v in r.items()}
            for r in docs + rejects]
    return sorted(rows, key=lambda r: (r["source_uri"], "reason" in r))


def test_a_parent_killed_outright_takes_its_workers_along_and_the_next_run_takes_over(many, small_shards, reference,
                                                                                    tmp_path):
    out = tmp_path / "out"
    proc = _start(["backfill", str(many), "-o", str(out), "--workers", "2", "-c", str(small_shards)])
    workers = _workers_of(proc, 2)
    _in_process_stage(proc)
    proc.kill()
    proc.communicate(timeout=30)
    assert _gone(workers)
    r = subprocess.run(CLI + ["backfill", str(many), "-o", str(out), "--workers", "2", "-c", str(small_shards)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "Took over" in r.stdout and f"pid {proc.pid}" in r.stdout
    assert _rows(out) == reference


def test_only_regular_files_are_read_and_text_with_a_stray_nul_is_kept(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    article = (ROOT / "data" / "sample" / "002_1cf50d2e06b0b5ac.txt").read_text()
    (src / "good.txt").write_text(article)
    (src / "nul.txt").write_bytes((ROOT / "data" / "sample" / "003_67da33f0694345ce.txt").read_bytes() + b"\x00\n")
    os.mkfifo(src / "pipe.txt")
    (src / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (src / "loop1.txt").symlink_to(src / "loop2.txt")
    (src / "loop2.txt").symlink_to(src / "loop1.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "sock.txt"))
    try:
        out = tmp_path / "out"
        r = subprocess.run(CLI + ["backfill", str(src), "-o", str(out), "--workers", "1"], capture_output=True,
                           text=True, timeout=120)
    finally:
        sock.close()
    assert r.returncode == 0, r.stderr
    rej = {Path(x["source_uri"]).name: (x["reason"], x["detail"]) for x in read(out, "rejects")}
    assert rej["pipe.txt"] == ("unsupported", "not a regular file: a FIFO (named pipe)")
    assert rej["sock.txt"] == ("unsupported", "not a regular file: a socket")
    assert rej["dangling.txt"][0] == "unreadable" and "dangling symbolic link" in rej["dangling.txt"][1]
    assert rej["loop1.txt"] == rej["loop2.txt"] == ("unreadable", "symbolic link loop")
    docs = {Path(d["source_uri"]).name: d for d in read(out)}
    assert set(docs) == {"good.txt", "nul.txt"} and "\x00" not in docs["nul.txt"]["text"]


def _with_marked_page(many: Path, tmp_path: Path, n: int, name: str) -> Path:
    """A folder of n of the pages and one more, `name`, holding MARKER (what the test hooks act on)."""
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(many.iterdir())[:n]:
        os.link(p, src / p.name)
    page = PAGES[0].read_text(encoding="utf-8", errors="replace")
    (src / name).write_text(page.replace("</body>", f"<p>{MARKER}</p></body>", 1))
    return src


def test_a_page_stuck_in_c_code_is_ended_by_the_watchdog_and_rejected(many, tmp_path):
    src = _with_marked_page(many, tmp_path, 80, "stuck.html")
    cfg = tmp_path / "fast.toml"
    cfg.write_text("[run]\nshard_max_files = 20\n[extract]\ntimeout_seconds = 0.5\n[dedup]\nenabled = false\n")
    out = tmp_path / "out"
    t0 = time.monotonic()
    proc = _start(["backfill", str(src), "-o", str(out), "--workers", "2", "-c", str(cfg)],
                  env={"CLEANCORPUS_TEST_HANG_ON": MARKER})
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert time.monotonic() - t0 < 120
    rej = {Path(r["source_uri"]).name: r for r in read(out, "rejects")}
    assert rej["stuck.html"]["reason"] == "extraction_timeout" and "watchdog" not in err
    assert "the worker was ended" in rej["stuck.html"]["detail"]
    assert len(read(out)) + len(rej) == 81


def test_a_page_over_the_memory_cap_is_rejected_not_the_machines_business(many, tmp_path):
    src = _with_marked_page(many, tmp_path, 60, "huge.html")
    cfg = tmp_path / "capped.toml"
    cfg.write_text("[run]\nshard_max_files = 20\nworker_memory_mb = 4000\n[dedup]\nenabled = false\n")
    out = tmp_path / "out"
    r = subprocess.run(CLI + ["backfill", str(src), "-o", str(out), "--workers", "2", "-c", str(cfg)],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "CLEANCORPUS_TEST_HOG_ON": MARKER})
    assert r.returncode == 0, r.stderr
    rej = {Path(x["source_uri"]).name: x for x in read(out, "rejects")}
    assert rej["huge.html"]["reason"] == "too_large" and "worker_memory_mb" in rej["huge.html"]["detail"]
    assert len(read(out)) + len(rej) == 61


@pytest.fixture()
def small_disk(tmp_path):
    """A 2 MB tmpfs: a real full disk (needs root to mount; skipped where that is not allowed)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield disk
    subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_full_disk_stops_the_run_in_one_line_and_a_rerun_with_space_completes(small_disk, seeds_dir, tmp_path):
    inputs = [str(seeds_dir), str(ROOT / "data" / "sample")]
    ref = tmp_path / "ref"
    assert subprocess.run(CLI + ["backfill", *inputs, "-o", str(ref), "--workers", "1"], capture_output=True).returncode == 0
    out = small_disk / "out"
    ballast = small_disk / "ballast"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    ballast.write_bytes(b"\0" * (free - 48 * 1024))  # 48 KB left: less than the run writes
    r = subprocess.run(CLI + ["backfill", *inputs, "-o", str(out), "--workers", "1"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2 and "no space left on the disk of" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not list((out / "documents").rglob("*.parquet")) if (out / "documents").exists() else True
    ballast.unlink()
    r = subprocess.run(CLI + ["backfill", *inputs, "-o", str(out), "--workers", "1"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert _rows(out) == _rows(ref)

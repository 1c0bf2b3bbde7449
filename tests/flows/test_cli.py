"""The command line as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT, SEEDS

CLI = [sys.executable, "-m", "cleancorpus.flows.cli"]


def run(*args):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, cwd=ROOT)


def test_backfill_summary_and_stats(tmp_path, seeds_dir):
    r = run("backfill", str(seeds_dir), "--output", str(tmp_path / "o"), "--no-prefect")
    assert r.returncode == 0, r.stderr
    assert "kept      4" in r.stdout and "near_duplicate     1" in r.stdout and "read_parquet(" in r.stdout
    r2 = run("backfill", str(seeds_dir), "--output", str(tmp_path / "o"), "--no-prefect")
    assert r2.returncode == 0 and "Nothing new: 5 input file(s) already processed" in r2.stdout
    s = run("stats", str(tmp_path / "o"))
    assert s.returncode == 0 and "4 documents kept, 1 rejected" in s.stdout and "near_duplicate" in s.stdout


def test_bad_config_fails_with_one_line(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[dedup]\nnum_perm = 100\nbands = 28\n")
    r = run("backfill", str(SEEDS), "--output", str(tmp_path / "o"), "--config", str(cfg))
    assert r.returncode == 2 and "num_perm" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    cfg.write_text("[dedupe]\n")
    r = run("backfill", str(SEEDS), "--output", str(tmp_path / "o"), "--config", str(cfg))
    assert r.returncode == 2 and "unknown config section" in r.stderr


def test_unwritable_output_fails_cleanly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run("backfill", str(SEEDS), "--output", str(blocker / "out"))
    assert r.returncode == 2 and r.stderr.startswith("cleancorpus: cannot run")


def test_explain_shows_rules(seeds_dir):
    r = run("explain", str(seeds_dir / "003_67da33f0694345ce.txt"))
    assert r.returncode == 0
    assert "DROP [social.bare_url]" in r.stdout and "DROP [header.title]" in r.stdout and "KEEP" in r.stdout
    assert "published: 2022-07-02" in r.stdout


def test_help_texts():
    for cmd in ("backfill", "serve", "explain", "stats", "why", "init-config"):
        r = run(cmd, "--help")
        assert r.returncode == 0 and "Usage" in r.stdout


_POOL_OF_A_RUN = """
import os, sys
from cleancorpus.flows import cli  # as the console script: nothing imports pyarrow before main()
sys.argv = ["cleancorpus", "backfill", sys.argv[1], "--output", sys.argv[2], "--no-prefect", "--workers", "2"]
try:
    cli.main()
except SystemExit as e:
    assert not e.code, e.code
import pyarrow as pa
print("pool", pa.default_memory_pool().backend_name, os.environ["ARROW_DEFAULT_MEMORY_POOL"])
"""


def test_the_command_runs_arrow_on_the_system_allocator_unless_told_otherwise(tmp_path, seeds_dir):
    """mimalloc, Arrow's default, keeps what the stages' tables freed: the command and every
    process it starts use the system allocator; a pool the user names stays."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    r = subprocess.run([sys.executable, "-c", _POOL_OF_A_RUN, str(seeds_dir), str(tmp_path / "a")],
                       capture_output=True, text=True, cwd=ROOT, env=env)
    assert r.returncode == 0 and "pool system system" in r.stdout, r.stdout + r.stderr
    r = subprocess.run([sys.executable, "-c", _POOL_OF_A_RUN, str(seeds_dir), str(tmp_path / "b")],
                       capture_output=True, text=True, cwd=ROOT, env=env | {"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"})
    assert r.returncode == 0 and "pool mimalloc mimalloc" in r.stdout, r.stdout + r.stderr

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pyarrow.dataset as ds
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
if not SEEDS.exists():  # CI clones may sit elsewhere; data/sample holds the same five files
    SEEDS = ROOT / "data" / "sample"


def seed_paragraphs() -> list[str]:
    """The paragraphs of one seed article (a Reuters-style news story), the prose many tests
    build pages and texts from."""
    return (SEEDS / "004_15c2f83c18db0b6e.txt").read_text().split("\n\n")


def bench_module(name: str) -> ModuleType:
    """A module of bench/ (its renderings of a page to text, its templates, its scorers), which
    is no package: imported from the folder."""
    if str(ROOT / "bench") not in sys.path:
        sys.path.insert(0, str(ROOT / "bench"))
    return importlib.import_module(name)


def flatten_html(html: str) -> str:
    """A page's flat text as a scraper without an extractor writes it (bench/flatten.py)."""
    return bench_module("flatten").flatten_html(html)


def clean_text(text: str, environ: dict[str, str] | None = None):
    """One flat text through the cleaner with the default config (and environ's overrides), traced."""
    from cleancorpus.pipeline.cleaning.cleaner import Cleaner
    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.model import RawRecord

    res = Cleaner(load_config(None, environ=environ or {}), trace=True).process(
        RawRecord("mem://x.txt", None, "text", text=text))
    assert res.doc is not None, res.reject
    return res


@pytest.fixture(scope="session")
def seeds_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("seeds")
    for f in sorted(SEEDS.glob("00*.txt")):
        shutil.copy(f, d / f.name)
    return d


def run_local(inputs, output, config=None, reprocess=False, workers=1):
    from cleancorpus.pipeline.run.runner import LocalDispatcher, backfill

    disp = LocalDispatcher(workers)
    try:
        return backfill([str(i) for i in inputs], str(output), disp, config, reprocess)
    finally:
        disp.close()


def read(output, kind="documents"):
    p = Path(output) / kind
    if not p.exists() or not any(p.rglob("*.parquet")):
        return []
    return ds.dataset(str(p), format="parquet", partitioning="hive").to_table().to_pylist()


@pytest.fixture(scope="session")
def seeds_out(seeds_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds_out")
    summary = run_local([seeds_dir], out)
    return out, summary


def by_file(rows):
    return {Path(r["source_uri"]).name[:3]: r for r in rows}


os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect-test"))


def wait_for(pred, timeout: float, what: str):
    """pred()'s first true value, asked every 0.3 s (a server or a cluster coming up, a run ending)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            v = pred()
            if v:
                return v
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def stop_group(p: subprocess.Popen) -> None:
    """End a process started with start_new_session and everything it started: TERM, then KILL."""
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()

"""What a shard worker carries: the stages fork their workers from a warmed process, so whatever
that process imported sits in every worker's resident memory."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.run.plan import plan_run
    from cleancorpus.pipeline.run.process import warm
    from cleancorpus.pipeline.run.workers import new_pool

    def imported(name):
        return name in sys.modules

    plan = plan_run([sys.argv[1]], sys.argv[2], load_config())
    warm(plan)
    with new_pool(2) as pool:
        print("worker", pool.submit(imported, "pandas").result(), pool.submit(imported, "lightgbm").result())
    # the process itself can still use pandas with pyarrow afterwards
    import pyarrow as pa
    print("frame", type(pa.table({"a": [1, 2]}).to_pandas()).__name__)
""")


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed: nothing to leave out")
def test_workers_fork_without_pandas_though_it_is_installed(tmp_path: Path) -> None:
    """lightgbm imports pandas when installed, and pyarrow on its first list conversion; with
    pandas in the warmed parent each worker's peak memory carried it. The models still load (the
    worker has lightgbm), and the parent can still hand a table to pandas."""
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "data" / "sample"), str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "worker False True" in out.stdout, out.stdout
    assert "frame DataFrame" in out.stdout, out.stdout

"""The Prefect flow itself, against Prefect's test harness (one temporary server per session)."""
from __future__ import annotations

import pytest

from conftest import SEEDS, read, run_local


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.mark.slow
def test_flow_run_matches_local_run_and_records_artifact(prefect_harness, tmp_path, seeds_dir):
    from prefect.client.orchestration import get_client

    from cleancorpus.flows.backfill import cleancorpus_flow

    state = cleancorpus_flow(inputs=[str(seeds_dir)], output=str(tmp_path / "o"), workers=2, return_state=True)
    assert state.is_completed()
    summary = state.result()
    assert summary["counts"] == {"inputs_seen": 5, "documents": 4, "rejects": 1, "after_extract_clean": 5, "after_dedup": 4}
    assert sorted(r["reason"] for r in read(tmp_path / "o", "rejects")) == ["near_duplicate"]

    import asyncio

    async def artifacts():
        async with get_client() as c:
            return await c.read_artifacts()

    arts = asyncio.run(artifacts())
    assert any(a.key == "cleancorpus-run-summary" and a.type == "table" for a in arts)
    # the headline beside it, with the counts and the report the flow refreshed
    head = [a for a in arts if a.key == "cleancorpus-run-headline" and a.type == "markdown"]
    report = tmp_path / "o" / "report.html"
    assert head and "kept 4, rejected 1 (near_duplicate 1)" in head[0].data and str(report) in head[0].data
    assert report.exists() and "near_duplicate" in report.read_text()


@pytest.mark.slow
def test_flow_splits_a_large_dedup_into_tasks_on_its_pool(prefect_harness, tmp_path, seeds_dir):
    """A run past [dedup] task_rows: the dedup task hands its own tasks to a local pool, and the
    rows are those of dedup in one process."""
    from cleancorpus.flows.backfill import cleancorpus_flow

    cfg = tmp_path / "c.toml"
    cfg.write_text("[dedup]\ntask_rows = 2\n")
    summary = cleancorpus_flow(inputs=[str(seeds_dir)], output=str(tmp_path / "o"), config_path=str(cfg), workers=2)
    ref = run_local([seeds_dir], tmp_path / "ref")
    assert summary["dedup"]["tasks"] >= 2 and ref["dedup"]["tasks"] == 0

    def rows(out, kind):
        return sorted(({k: v for k, v in r.items() if k not in ("run_id", "ingested_at")} for r in read(out, kind)),
                      key=lambda r: r["doc_id"])
    for kind in ("documents", "rejects"):
        assert rows(tmp_path / "o", kind) == rows(tmp_path / "ref", kind)
    assert [r["reason"] for r in read(tmp_path / "o", "rejects")] == ["near_duplicate"]


@pytest.mark.slow
def test_flow_fails_visibly_when_run_cannot_be_done(prefect_harness, tmp_path):
    from cleancorpus.flows.backfill import cleancorpus_flow

    cfg = tmp_path / "bad.toml"
    cfg.write_text("[dedup]\nbands = 7\n")
    state = cleancorpus_flow(inputs=[str(SEEDS)], output=str(tmp_path / "o"), config_path=str(cfg), return_state=True)
    assert state.is_failed()


@pytest.mark.slow
def test_flow_run_isolates_a_page_that_kills_its_worker(prefect_harness, tmp_path, seeds_dir, monkeypatch):
    """The same dead-worker handling as the plain runner, inside Prefect tasks on the flow's pool."""
    import shutil

    from cleancorpus.flows.backfill import cleancorpus_flow
    from cleancorpus.pipeline.run import process

    marker = "ABORT-THIS-WORKER-flow"
    monkeypatch.setattr(process, "_ABORT_ON", marker)  # the pool's workers fork from this process
    monkeypatch.setattr(process, "_TEST_FAULTS", True)
    src = tmp_path / "in"
    shutil.copytree(seeds_dir, src)
    (src / "poison.txt").write_text((seeds_dir / "002_1cf50d2e06b0b5ac.txt").read_text() + f"\n\n{marker}\n")
    state = cleancorpus_flow(inputs=[str(src)], output=str(tmp_path / "o"), workers=2, return_state=True)
    assert state.is_completed(), state.message
    rejects = {r["source_uri"].rsplit("/", 1)[1]: r["reason"] for r in read(tmp_path / "o", "rejects")}
    assert rejects["poison.txt"] == "worker_crashed"
    assert len(read(tmp_path / "o")) == 4

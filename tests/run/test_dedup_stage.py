"""The dedup stage split into tasks (`[dedup] task_rows`) on a real run: the same rows as dedup in
one process, on the seeds and copies made from them, within a run and against an earlier run."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cleancorpus.pipeline.config import DedupConfig
from cleancorpus.pipeline.dedup.index import load_index
from cleancorpus.pipeline.run.state import Layout
from conftest import SEEDS, read, run_local

VARIABLE = ("run_id", "ingested_at")


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _copies(dest: Path, which: str) -> None:
    """Each seed's copy, as another site would run it: 'cut' keeps the first two thirds with a
    header of its own, 'mid' drops a middle paragraph and adds a footer."""
    dest.mkdir(parents=True)
    for f in sorted(SEEDS.glob("00*.txt")):
        ps = _paragraphs(f.read_text())
        if which == "cut":
            body = ["Syndicated from our partners at the wire desk."] + ps[: max(3, 2 * len(ps) // 3)]
        else:
            mid = len(ps) // 2
            body = ps[:mid] + ps[mid + 1:] + ["Reporting by the regional news desk; editing by the night staff."]
        (dest / f"{which}_{f.name}").write_text("\n\n".join(body))


def _rows(out: Path) -> tuple[list[dict], list[dict]]:
    def clean(rows: list[dict]) -> list[dict]:
        return sorted(({k: v for k, v in r.items() if k not in VARIABLE} for r in rows), key=lambda r: r["doc_id"])
    return clean(read(out)), clean(read(out, "rejects"))


def _backfill(tmp: Path, name: str, task_rows: int, workers: int) -> tuple[Path, list[dict]]:
    cfg = tmp / f"{name}.toml"
    cfg.write_text(f"[dedup]\ntask_rows = {task_rows}\n\n[run]\nshard_max_files = 3\n")
    out = tmp / name
    summaries = [run_local([tmp / "in1"], out, str(cfg), workers=workers),
                 run_local([tmp / "in2"], out, str(cfg), workers=workers)]
    return out, summaries


@pytest.mark.parametrize("workers", [1, 2])
def test_dedup_as_tasks_gives_the_rows_of_one_process(tmp_path, workers):
    (tmp_path / "in1").mkdir()
    for f in sorted(SEEDS.glob("00*.txt")):
        (tmp_path / "in1" / f.name).write_text(f.read_text())
    _copies(tmp_path / "in1" / "cut", "cut")
    _copies(tmp_path / "in2", "mid")  # the second run: copies of documents the index holds

    one, s_one = _backfill(tmp_path, "one", 0, workers)
    split, s_split = _backfill(tmp_path, "split", 2, workers)

    assert [s["dedup"]["tasks"] for s in s_one] == [0, 0]
    assert all(s["dedup"]["tasks"] >= 2 for s in s_split)  # 10 and 5 documents over task_rows 2
    docs, rejects = _rows(one)
    assert (docs, rejects) == _rows(split)
    dups = [r for r in rejects if r["reason"] in ("near_duplicate", "exact_duplicate")]
    later = {r["doc_id"] for r in read(one, "rejects") if r["run_id"] == s_one[1]["run_id"]}
    # not a vacuous match: copies are caught within the first run and against its index in the second
    assert len(dups) >= 8 and any(r["doc_id"] in later for r in dups)
    assert json.loads((split / "runs" / f"{s_split[1]['run_id']}.json").read_text())["dedup"]["tasks"] >= 2
    # the index band keys the split run hashed from the staged signature files, a shard at a
    # time, are the ones one process stored
    bands = DedupConfig().bands
    (a, _), (b, _) = (load_index(Layout(out), bands, with_bands=True) for out in (one, split))
    order_a, order_b = np.argsort(a.doc_id.astype(str)), np.argsort(b.doc_id.astype(str))
    assert len(a) >= 10 and list(a.doc_id[order_a]) == list(b.doc_id[order_b])
    assert np.array_equal(a.bands[order_a], b.bands[order_b]) and a.bands.any()

"""Dedup split into tasks (pipeline/dedup/tasks.py) gives the single process's pairs and decisions,
whatever the number of tasks, on real articles (the ScrapingHub truth texts) with planted copies."""
from __future__ import annotations

import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from types import SimpleNamespace

import numpy as np
import pytest

from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.dedup.candidates import plausible, run_pairs
from cleancorpus.pipeline.dedup.compare import Compared
from cleancorpus.pipeline.dedup.decisions import NO_DATE, DedupResult, RunCandidates, deduplicate
from cleancorpus.pipeline.dedup.index import IndexView
from cleancorpus.pipeline.dedup.signatures import band_keys, index_band_keys
from cleancorpus.pipeline.dedup.tasks import (
    SplitClusterer,
    SplitConfirmer,
    SplitIndexHits,
    SplitScreen,
    band_task,
    deduplicate_tasks,
    even_ranges,
    key_part,
    key_part_task,
    merge_codes,
    screen_blocks,
    screen_task,
    sig_band_pairs,
    split_run_pairs,
)
from cleancorpus.pipeline.run.deduplicate import StagedSigs
from cleancorpus.pipeline.run.process import sign
from conftest import ROOT

TRUTH = ROOT.parent / "shared" / "bench" / "extraction" / "scrapinghub" / "truth"
needs_truth = pytest.mark.skipif(not TRUTH.exists(), reason="needs ../shared/bench/extraction/scrapinghub/truth")
TASK_COUNTS = (1, 2, 7, 60)


class _Sets:
    """load_sets over run rows then index rows; a class so that a process pool can take it."""

    def __init__(self, sets: list[Compared]) -> None:
        self.sets = sets

    def __call__(self, rows: list[int]) -> dict[int, Compared]:
        return {x: self.sets[x] for x in rows}


def _shard(x: int) -> int:
    """Where a row's set 'lives': three shards, so confirmation goes shard by shard."""
    return x % 3


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _planted(base: list[str]) -> list[tuple[str, str, int]]:
    """(id, text, day) records: the articles, and copies of the long ones as a syndication feed
    makes them: exact, truncated, with a footer, and one article in 12 versions that each drop
    another paragraph (a group of equal band keys above 8 rows: the star and chain of run_pairs)."""
    recs = [(f"a{i:03d}", t, 10 + i % 7) for i, t in enumerate(base)]
    long = [i for i, t in enumerate(base) if len(_paragraphs(t)) >= 6][:40]
    for i in long[:10]:
        recs.append((f"exact{i:03d}", base[i], 20))
    for i in long[5:25]:
        p = _paragraphs(base[i])
        recs.append((f"trunc{i:03d}", "\n\n".join(p[: len(p) * 2 // 3]), 21))
    for i in long[15:35]:
        recs.append((f"foot{i:03d}", base[i] + "\n\nSubscribe to our newsletter for the week's best stories.", 22))
    p = _paragraphs(base[long[-1]])
    for k in range(12):
        recs.append((f"ver{k:02d}", "\n\n".join(p[:k % len(p)] + p[k % len(p) + 1:]), 23 + k % 2))
    return recs


def _hash64(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)


@pytest.fixture(scope="module")
def case() -> dict:
    """An earlier run's index (40 articles) and a run of the rest with the planted copies, two
    records sent again unchanged and copies of indexed articles."""
    cfg = load_config()
    base = [p.read_text() for p in sorted(TRUTH.glob("*.txt"))]
    recs = _planted(base)
    earlier = recs[:40]
    run_recs = recs[40:] + recs[:2]  # two records of the earlier run come back unchanged
    run_recs += [(f"re{i:03d}", t + "\n\nRead more on our site.", 30) for i, (_, t, _) in enumerate(recs[2:12])]

    def signed(rs):
        docs = [SimpleNamespace(text=t, domain=f"{rid}.example", title=None) for rid, t, _ in rs]
        return sign(docs, cfg)

    s_run, s_idx = signed(run_recs), signed(earlier)
    n = len(run_recs)
    run = RunCandidates(
        doc_id=np.array([r[0] for r in run_recs], dtype=object),
        hash64=np.array([_hash64(t) for _, t, _ in run_recs], dtype=np.uint64),
        published=np.array([NO_DATE if d % 5 == 0 else d * 86_400_000_000 for _, _, d in run_recs], dtype=np.int64),
        completeness=np.array([i % 3 for i in range(n)], dtype=np.int8),
        n_words=np.array([len(t.split()) for _, t, _ in run_recs], dtype=np.int32),
        sig=s_run.sigs, n_shingles=s_run.n_shingles.astype(np.int32),
    )
    index = IndexView(np.array([r[0] for r in earlier], dtype=object),
                      np.array([_hash64(t) for _, t, _ in earlier], dtype=np.uint64),
                      index_band_keys(s_idx.sigs, cfg.dedup.bands), np.ones(len(earlier), np.int32),
                      np.array([None] * len(earlier), dtype=object))
    sets = _Sets([s_run.compared(i) for i in range(n)] + [s_idx.compared(i) for i in range(len(earlier))])
    return {"cfg": cfg.dedup, "run": run, "index": index, "sets": sets}


def _same(a: DedupResult, b: DedupResult) -> None:
    assert a.decisions == b.decisions
    assert a.doc_ids == b.doc_ids
    assert (a.index_bands is None and b.index_bands is None) or np.array_equal(a.index_bands, b.index_bands)
    assert a.index_growth == b.index_growth
    assert (a.pairs_checked, a.pairs_confirmed) == (b.pairs_checked, b.pairs_confirmed)


@needs_truth
def test_band_tasks_give_run_pairs(case, tmp_path):
    keys = band_keys(case["run"].sig, case["cfg"].run_bands)
    ref = run_pairs(keys)
    assert len(ref) > 50
    big = max(np.unique(keys[:, b], return_counts=True)[1].max() for b in range(keys.shape[1]))
    assert big > 8  # a group that run_pairs links as a star and a chain, not every pair
    for tasks in TASK_COUNTS:
        assert np.array_equal(split_run_pairs(keys, tasks), ref), tasks
        # tasks that hash their bands' keys from the signature columns themselves
        assert np.array_equal(sig_band_pairs(case["run"].sig, case["cfg"].run_bands, tasks), ref), tasks
    for tasks, parts in ((1, 3), (7, 2), (60, 16)):  # each band cut by key partition too
        assert np.array_equal(split_run_pairs(keys, tasks, key_parts=parts), ref), (tasks, parts)
    # no one band holds every pair: the merge is what makes them whole
    n = len(keys)
    assert all(len(band_task(np.ascontiguousarray(keys[:, [b]].T))) < len(ref) for b in range(keys.shape[1]))
    # .npy files per band range, each task on another process reading only its own file
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        got = split_run_pairs(keys, 5, pool.map, tmp_path / "bands")
    assert np.array_equal(got, ref)
    assert sorted(p.name for p in (tmp_path / "bands").iterdir()) == [f"bands_{lo:03d}_{hi:03d}.npy" for lo, hi in
                                                                     even_ranges(keys.shape[1], 5)]
    assert n == len(case["run"])
    # a key partition's task, from raw files of its rows and keys, gives its part of a band's pairs
    b = int(np.argmax([np.unique(keys[:, b], return_counts=True)[1].max() for b in range(keys.shape[1])]))
    part = key_part(keys[:, b], 2)
    got = []
    for p in range(2):
        rows = np.flatnonzero(part == p)
        rows.astype(np.int64).tofile(tmp_path / f"rows{p}")
        keys[rows, b].astype(np.uint64).tofile(tmp_path / f"keys{p}")
        got.append(key_part_task(([(tmp_path / f"rows{p}", tmp_path / f"keys{p}")], n)))
    assert all(len(g) for g in got)  # both parts hold pairs
    assert np.array_equal(merge_codes(got, n), merge_codes([band_task(np.ascontiguousarray(keys[:, [b]].T))], n))


@needs_truth
def test_screen_by_pair_blocks_is_plausible(case, tmp_path):
    run, cfg = case["run"], case["cfg"]
    pairs = run_pairs(band_keys(run.sig, cfg.run_bands))
    ref = plausible(run, pairs, cfg)
    assert 0 < len(ref) < len(pairs)  # the screen drops some pairs and keeps others
    for tasks in TASK_COUNTS:
        assert np.array_equal(screen_blocks(pairs, run.sig, run.n_shingles, cfg, tasks, max_block=37), ref), tasks
    np.save(tmp_path / "sig.npy", run.sig)
    np.save(tmp_path / "nsh.npy", run.n_shingles)
    got = np.concatenate([screen_task(pairs[lo:hi], tmp_path / "sig.npy", tmp_path / "nsh.npy", cfg)
                          for lo, hi in even_ranges(len(pairs), 4)])
    assert np.array_equal(got, ref)


@needs_truth
def test_split_dedup_decides_as_the_single_process(case):
    run, index, cfg, sets = case["run"], case["index"], case["cfg"], case["sets"]
    ref = deduplicate(run, index, cfg, sets, _shard)
    statuses = {d.status for d in ref.decisions}
    assert statuses == {"kept", "exact_duplicate", "near_duplicate", "unchanged"}  # every path is taken
    assert ref.pairs_confirmed > 20 and ref.index_growth
    for tasks in TASK_COUNTS:
        _same(deduplicate_tasks(run, index, cfg, sets, _shard, tasks=tasks), ref)
    # the same rows in another order: the split, like the single process, decides on canonical order
    perm = np.random.default_rng(3).permutation(len(run))
    n = len(run)
    shuffled_sets = _Sets([sets.sets[int(x)] for x in perm] + sets.sets[n:])
    got = deduplicate_tasks(run.take(perm), index, cfg, shuffled_sets, _shard, tasks=3)
    assert [got.decisions[i] for i in np.argsort(perm)] == ref.decisions


@needs_truth
def test_split_dedup_on_a_process_pool(case):
    run, index, cfg, sets = case["run"], case["index"], case["cfg"], case["sets"]
    ref = deduplicate(run, index, cfg, sets, _shard)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        _same(deduplicate_tasks(run, index, cfg, sets, _shard, tasks=3, map_fn=pool.map), ref)


@needs_truth
def test_confirmation_blocks_are_really_split(case):
    """The equality above is not that of one block doing everything: confirmation blocks each
    join only some clusters (losing one block's output changes the decisions), and the clusters
    are decided in several blocks."""
    run, index, cfg, sets = case["run"], case["index"], case["cfg"], case["sets"]
    ref = deduplicate(run, index, cfg, sets, _shard)
    outputs: list[np.ndarray] = []

    def keep(fn, items):
        outputs.extend(map(fn, items))
        return outputs

    conf, clus = SplitConfirmer(4, keep), SplitClusterer(4)
    _same(deduplicate(run, index, cfg, sets, _shard, confirmer=conf, clusterer=clus), ref)
    assert len(conf.blocks) == 4 and sum(len(e) > 0 for e in outputs) >= 2
    assert len(clus.blocks) == 4 and min(clus.blocks) >= 5  # clusters decided in four blocks of several
    waves = SplitClusterer(2, max_block=3)  # clusters taken six at a time, in blocks of three
    _same(deduplicate(run, index, cfg, sets, _shard, clusterer=waves), ref)
    assert len(waves.blocks) >= 8 and max(waves.blocks) == 3
    lossy = SplitConfirmer(4, lambda fn, items: [e if k else e[:0] for k, e in enumerate(map(fn, items))])
    got = deduplicate(run, index, cfg, sets, _shard, confirmer=lossy)
    assert got.decisions != ref.decisions


def test_index_lookup_by_band_parts_is_band_hits(tmp_path):
    """Synthetic keys (no texts needed): a few bands where many index rows share a key, so the
    cap of index rows per run row and band applies, and run rows that copy some index rows' keys."""
    rng = np.random.default_rng(11)
    m, n, bands = 3000, 400, 40
    ikeys = rng.integers(0, 2**32, size=(m, bands), dtype=np.uint32)
    ikeys[:, :3] = rng.integers(0, 40, size=(m, 3), dtype=np.uint32)  # ~75 rows per key
    rkeys = rng.integers(0, 2**32, size=(n, bands), dtype=np.uint32)
    rkeys[:, :3] = rng.integers(0, 80, size=(n, 3), dtype=np.uint32)  # half of them hit a crowded key
    src = rng.integers(0, m, size=n // 4)
    cols = rng.random((n // 4, bands)) < 0.2
    rkeys[: n // 4] = np.where(cols, ikeys[src], rkeys[: n // 4])
    index = IndexView(np.array([f"d{j}" for j in range(m)], dtype=object), np.arange(m, dtype=np.uint64), ikeys,
                      np.ones(m, np.int32), np.array([None] * m, dtype=object))
    index.prepare()
    ref = index.band_hits(rkeys)
    every = {(i, j) for b in range(bands) for i in range(n) for j in np.flatnonzero(ikeys[:, b] == rkeys[i, b]).tolist()}
    assert set(ref) < every  # the cap of index rows per run row and band drops some
    assert len({j for _, j in ref} & set(src.tolist())) > n // 8  # the copied rows are found
    for tasks in (1, 3, 7, 40):
        assert SplitIndexHits(tasks).hits(index, rkeys) == ref, tasks
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert SplitIndexHits(4, pool.map, tmp_path / "index").hits(index, rkeys) == ref
    assert len(list((tmp_path / "index").glob("index_bands_*.npz"))) == 4


@needs_truth
def test_split_dedup_reads_the_signatures_from_shard_files(case, tmp_path):
    """The dedup step hands the tasks references to the staged shards' signature files (the way
    the dedup stage runs split): the same decisions, in staged and in shuffled order, on a
    process pool, and the run's index band keys are left for the caller to hash."""
    run, index, cfg, sets = case["run"], case["index"], case["cfg"], case["sets"]
    ref = deduplicate(run, index, cfg, sets, _shard)
    n = len(run)
    cuts = [0, n // 3, n // 3, n]  # the middle shard is empty, as a shard whose documents were all rejected
    folders = []
    for k, (lo, hi) in enumerate(zip(cuts[:-1], cuts[1:])):
        (tmp_path / f"s{k}").mkdir()
        np.save(tmp_path / f"s{k}" / "sig.npy", run.sig[lo:hi] if hi > lo else np.zeros((0, 0), np.uint32))
        folders.append(str(tmp_path / f"s{k}"))
    source = StagedSigs(tuple(folders), np.array(cuts, np.int64), run.sig.shape[1])
    rows = np.array([n - 1, 0, n // 3, 5], np.int64)
    assert np.array_equal(source.row_ref(rows).read(), run.sig[rows])
    assert np.array_equal(source.take(rows[::-1]).column_ref(6, 14).read(), run.sig[rows[::-1], 6:14])
    staged = RunCandidates(run.doc_id, run.hash64, run.published, run.completeness, run.n_words, source, run.n_shingles)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        got = deduplicate_tasks(staged, index, cfg, sets, _shard, tasks=3, map_fn=pool.map)
    assert got.index_bands is None
    _same(got, DedupResult(ref.decisions, ref.doc_ids, None, ref.index_growth, ref.pairs_checked, ref.pairs_confirmed))
    perm = np.random.default_rng(5).permutation(n)
    shuffled = _Sets([sets.sets[int(x)] for x in perm] + sets.sets[n:])
    got = deduplicate_tasks(staged.take(perm), index, cfg, shuffled, _shard, tasks=4)
    assert [got.decisions[i] for i in np.argsort(perm)] == ref.decisions
    # band tasks cut by key partition read the shards a block at a time: the same pairs, the
    # same decisions
    want = run_pairs(band_keys(run.sig[perm], cfg.run_bands))
    assert len(want) > 50
    for parts in (2, 5):
        assert np.array_equal(sig_band_pairs(source.take(perm), cfg.run_bands, 3, key_parts=parts), want), parts
    cut = SplitScreen(3, key_part_rows=n // 4)
    got = deduplicate(staged.take(perm), index, cfg, shuffled, _shard, screen=cut, index_hits=SplitIndexHits(3))
    assert [got.decisions[i] for i in np.argsort(perm)] == ref.decisions

"""explain runs the shard's code path: what it says is what a backfill does with the input."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, SEEDS, read, run_local

CLI = [sys.executable, "-m", "cleancorpus.flows.cli"]
LINE = "The Harbour Gazette is published every weekday by the Harbour Trust of Saint Anselm."


def _with_line(text: str, line: str) -> str:
    """The text with the line as a paragraph of its own in the middle of the article."""
    paras = text.split("\n\n")
    mid = len(paras) // 2
    return "\n\n".join(paras[:mid] + [line] + paras[mid:])


def _explain(*args):
    r = subprocess.run(CLI + ["explain", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_explain_shows_learned_repeated_lines_filters_and_the_dedup_decision(tmp_path):
    src = tmp_path / "gazette"
    src.mkdir()
    seeds = sorted(SEEDS.glob("00*.txt"))
    for f in seeds[2:5]:  # three different articles of one source share a line
        (src / f.name).write_text(_with_line(f.read_text(), LINE))
    out = tmp_path / "out"
    run_local([src], out)
    assert all(LINE not in d["text"] for d in read(out))

    new = src / "new.txt"  # a fourth page of the same source, a copy of an article already kept
    new.write_text(_with_line(seeds[1].read_text(), LINE))
    said = _explain(new, "--output", out)
    assert f"DROP [repeated:{src}]" in said and LINE in said
    assert "KEPT: no duplicate" in said  # seed 001 is not in this corpus yet

    copy = src / "copy.txt"  # a copy of a kept article: folded into it
    copy.write_text((src / seeds[2].name).read_text())
    said = _explain(copy, "--output", out)
    kept = {d["source_uri"]: d["doc_id"] for d in read(out)}
    assert f"REJECTED at dedup: exact_duplicate of {kept[str(src / seeds[2].name)]}" in said

    short = src / "short.txt"
    short.write_text("The council said on Tuesday that its meeting on road repairs in the harbour district will be "
                     "moved to Thursday evening because of the storm.\n")
    assert "REJECTED at filter: too_short (25 words, minimum is 30)" in _explain(short, "--output", out)

    # and a backfill of the same three files does exactly that
    run_local([new, copy, short], out)
    rejected = {r["source_uri"]: r["reason"] for r in read(out, "rejects")}
    assert rejected[str(copy)] == "exact_duplicate" and rejected[str(short)] == "too_short"
    assert str(new) not in rejected
    text = next(d["text"] for d in read(out) if d["source_uri"] == str(new))
    assert LINE not in text


def test_explain_without_a_corpus_says_dedup_was_not_checked():
    said = _explain(SEEDS / "003_67da33f0694345ce.txt")
    assert "KEPT (dedup not checked: give --output DIR" in said and "DROP [" in said


def test_explain_on_a_folder_that_is_not_a_corpus_fails_in_one_line(tmp_path):
    r = subprocess.run(CLI + ["explain", str(SEEDS / "003_67da33f0694345ce.txt"), "--output", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "not a cleancorpus output" in r.stderr and len(r.stderr.strip().splitlines()) == 1

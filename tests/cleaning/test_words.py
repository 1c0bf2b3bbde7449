"""Word counts of texts written without spaces (pipeline/words.py), on real pages."""
from __future__ import annotations

import gzip

from cleancorpus.pipeline.words import count_words
from conftest import ROOT, SEEDS, read, run_local

JA_PAGE = ROOT / "tests" / "data" / "scrapinghub-85439e26c41c.html.gz"


def test_spaced_text_counts_as_split_does():
    for f in sorted(SEEDS.glob("00*.txt")):
        text = f.read_text(encoding="utf-8")
        assert count_words(text) == len(text.split()) > 100
    assert count_words("先日、不正に改造したiPhoneを販売した。") == 15  # 14 characters and "iPhone"
    assert count_words("") == 0


def test_a_japanese_article_is_kept_as_html_and_as_flat_text(tmp_path):
    """Counted by spaces, this 2,000-character post was 8 words and a too_short reject."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "ja.html").write_bytes(gzip.decompress(JA_PAGE.read_bytes()))
    run_local([inputs], tmp_path / "out")
    (doc,) = read(tmp_path / "out")
    assert "商標権侵害" in doc["text"] and 500 < doc["n_words"] < 1000
    assert read(tmp_path / "out", "rejects") == []

    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "ja.txt").write_text(doc["text"], encoding="utf-8")
    run_local([flat], tmp_path / "out2")
    (again,) = read(tmp_path / "out2")
    assert "商標権侵害" in again["text"] and again["n_words"] > 500

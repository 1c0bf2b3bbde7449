"""A page that holds its article twice (a desktop and a mobile variant, a <noscript> copy) gives
the article once; lines that only recur inside a longer passage (a plan's daily steps) all stay."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from trafilatura.utils import load_html

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.blocks import page_blocks
from cleancorpus.pipeline.extraction.copies import (
    RULE,
    TEXT_MIN_WORDS,
    TEXT_RULE,
    second_copies,
    second_copy_lines,
)
from cleancorpus.pipeline.inputs.encoding import decode_bytes
from cleancorpus.pipeline.model import RawRecord, SourceMeta
from conftest import flatten_html, seed_paragraphs

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "extraction"


def _paragraphs(n: int = 4) -> list[str]:
    return [" ".join(p.split()) for p in seed_paragraphs()
            if len(p) > 150][:n]


def _variants_page() -> str:
    """The same story for two screen sizes, as responsive themes write it."""
    story = "<h2>Putin on Belarus</h2>" + "".join(f"<p>{p}</p>" for p in _paragraphs())
    return (f"<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><main>"
            f"<section class='story desktop'>{story}</section><section class='story mobile'>{story}</section>"
            f"</main><footer>Contact us</footer></body></html>")


def _plan_page() -> str:
    """Five days of a plan: each day repeats two steps word for word beside its own meal."""
    meals = ["Oatmeal with berries and walnuts", "Grilled chicken with quinoa and spinach",
             "Lentil soup with crusty bread", "Salmon with roasted vegetables", "Tofu stir-fry with rice"]
    days = "".join(f"<div class='day'><h3>Day {i + 1}</h3><p>Eat every two to three hours.</p><p>{meal}</p>"
                   f"<p>Drink a glass of water before each meal and another after your workout.</p></div>"
                   for i, meal in enumerate(meals))
    return f"<html><body><main><h1>A five-day plan</h1>{days}</main></body></html>"


def test_the_later_variant_of_a_passage_is_a_copy():
    blocks = page_blocks(load_html(_variants_page()))
    copy = second_copies(blocks, [True] * len(blocks))
    flagged = [b.text for b, c in zip(blocks, copy) if c]
    assert flagged == ["Putin on Belarus", *_paragraphs()]
    assert [b.text for b, c in zip(blocks, copy) if not c].count("Putin on Belarus") == 1


def test_no_copy_when_the_first_variant_is_not_kept():
    """Dropping the later variant would lose the passage: it is not in the output twice."""
    blocks = page_blocks(load_html(_variants_page()))
    first = {i for i, b in enumerate(blocks) if b.text in _paragraphs()[:1]}
    keep = [i != min(first) for i in range(len(blocks))]
    assert not any(second_copies(blocks, keep))


def test_steps_that_recur_inside_a_plan_are_no_copy():
    blocks = page_blocks(load_html(_plan_page()))
    assert not any(second_copies(blocks, [True] * len(blocks)))


def _wcxb(page_id: str) -> tuple[str, str, str]:
    folder = BENCH / "wcxb-dev"
    if not folder.is_dir():
        pytest.skip(f"benchmark pages not found at {folder}")
    meta = {r["id"]: r for r in map(json.loads, (folder / "meta.jsonl").read_text().splitlines())}
    html = decode_bytes(gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes()))[0]
    return html, meta[page_id]["url"], (folder / "truth" / f"{page_id}.txt").read_text(encoding="utf-8")


def _clean(html: str, url: str | None):
    rec = RawRecord(source_uri="page.html", source_record=None, source_format="html", html=html,
                    meta=SourceMeta(url=url))
    return Cleaner(load_config()).process(rec).doc


def _long_lines(text: str) -> Counter:
    return Counter(line for line in text.split("\n") if len(line.split()) >= 8)


@pytest.mark.parametrize("page_id", ["0219", "0355"])
def test_real_pages_with_their_article_twice_give_it_once(page_id):
    """WCXB dev 0219 repeats its article in <noscript>; 0355 (a Framer site) ships it once per
    screen size (before page.copy, dozens of long lines came out two or three times). At most one
    long line comes out more often than the true text has it (0355's intro, once more above the
    article), and the copies are named."""
    html, url, truth = _wcxb(page_id)
    doc = _clean(html, url)
    got, want = _long_lines(doc.text), _long_lines(truth)
    assert len(got) > 10 and len([line for line, n in got.items() if n > max(want[line], 1)]) <= 1
    assert len(doc.text.split()) < 1.1 * len(truth.split())
    assert doc.removed_rules.count(RULE) >= 10


def test_a_real_plan_whose_days_repeat_lines_keeps_them_all():
    """ScrapingHub's meal-plan page: its days repeat lines word for word, and the true text has
    every repeat."""
    folder = BENCH / "scrapinghub"
    if not folder.is_dir():
        pytest.skip(f"benchmark pages not found at {folder}")
    key = "5f03fc173ebc6abdfae50b96ce0b05a6137b7d3f2ef379be35a9bb8ca9f49e87"
    doc = _clean(decode_bytes((folder / "html" / f"{key}.html").read_bytes())[0], None)
    truth = (folder / "truth" / f"{key}.txt").read_text(encoding="utf-8")
    line = "Eat every 2–3 hours"
    assert doc.text.count(line) == truth.count(line) >= 6
    assert RULE not in doc.removed_rules


def test_a_passage_repeated_in_flat_text_is_a_copy_and_recurring_steps_are_not():
    story = ["Putin on Belarus", *_paragraphs(3)]
    lines = ["Menu", *story, "Share this", *story, "Footer"]
    assert [lines[i] for i in second_copy_lines(lines, list(range(len(lines))))] == story
    steps = []
    for day in range(5):
        steps += [f"Day {day + 1}", "Eat every two to three hours.", f"Meal number {day}",
                  "Drink a glass of water before each meal and another after your workout."]
    assert second_copy_lines(steps, list(range(len(steps)))) == []


def test_a_japanese_passage_repeated_in_flat_text_is_a_copy():
    """Japanese has no spaces between words: counted by spaces, these three paragraphs were
    three words, under TEXT_MIN_WORDS, and the second copy stayed."""
    story = ["東京都は四日、新しい防災計画を発表した。計画では地震や洪水に備えて避難所を増やし、食料の備蓄を見直す。",
             "都の担当者は記者会見で、住民一人ひとりが家庭での備えを確認することが大切だと述べた。",
             "計画は来年四月から実施され、区や市と協力して訓練を年に二回行う予定だという。"]
    lines = ["メニュー", *story, "この記事をシェアする", *story, "著作権"]
    assert sum(len(line.split()) for line in story) < TEXT_MIN_WORDS
    assert [lines[i] for i in second_copy_lines(lines, list(range(len(lines))))] == story


def test_a_real_page_flattened_to_text_gives_its_article_once():
    """WCXB dev 0355 flattened as a scraper would: its three screen-size variants follow one
    another in the text; the text path keeps one (before text.copy: the article three times)."""
    html, _, truth = _wcxb("0355")
    rec = RawRecord(source_uri="page.txt", source_record=None, source_format="text", text=flatten_html(html),
                    meta=SourceMeta())
    doc = Cleaner(load_config()).process(rec).doc
    got, want = _long_lines(doc.text.replace("\n\n", "\n")), _long_lines(truth)
    assert len(got) > 10 and len([line for line, n in got.items() if n > max(want[line], 1)]) <= 1
    assert doc.removed_rules.count(TEXT_RULE) >= 10

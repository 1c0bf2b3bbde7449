"""The shipped models were trained on the inputs this code computes.

A model is trained on the features the code of its day computes; the code goes on changing
after. page_type-3, shipped at 486f48b, was trained on a `date_near_h1` that two dev pages read
otherwise 300 commits later: retrained then, its trees parted from the shipped ones at the 29th
and its threshold moved from 0.044 to 0.066, while every figure measured (cross-fitted at the code
of the day) described a model nobody shipped. Each model file train/ writes records a digest of
its inputs on the test pages (train/provenance.py); here it is taken again with the code at hand.
When code changes what a model reads, this fails until the model is retrained and measured.

The flat-text models read the text path's verdicts: the line model the rules' marks and the
classifier's, the text-kind model those and the line model's. A rule that moves a verdict on the
test pages' flat texts is such a change.
"""
from __future__ import annotations

import json
import sys
from importlib.resources import files

import pytest

from cleancorpus.pipeline.cleaning import line_model, text_kind
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction import boilerplate_model, page_type
from conftest import ROOT

sys.path.insert(0, str(ROOT / "train"))
import boilerplate as train_boilerplate  # noqa: E402
import lines as train_lines  # noqa: E402
import page_type as train_page_type  # noqa: E402
import text_kind as train_text_kind  # noqa: E402
from provenance import CHECK_PAGES, inputs_check  # noqa: E402

RETRAIN = "train/page_type.py (then train/boilerplate.py --bare-model --write, which reads its held-out types)"

CASES = [
    (f"{boilerplate_model.VERSION}.json", train_boilerplate._check_inputs, "train/boilerplate.py --bare-model --write"),
    (f"{boilerplate_model.BARE_VERSION}.json", train_boilerplate._check_inputs,
     "train/boilerplate.py --bare-model --write"),
    (f"{page_type.VERSION}.json", train_page_type._check_inputs, RETRAIN),
    (f"{line_model.VERSION}.json", train_lines._check_inputs,
     "train/lines.py --write (then train/text_kind.py --write, which reads its verdicts)"),
    (f"{text_kind.VERSION}.json", train_text_kind._check_inputs, "train/text_kind.py --write"),
]


@pytest.mark.parametrize("model_file, inputs, retrain", CASES, ids=[c[0] for c in CASES])
def test_a_shipped_model_reads_the_inputs_it_was_trained_on(model_file, inputs, retrain):
    recorded = json.loads(files("cleancorpus.pipeline.models").joinpath(model_file).read_text())["inputs_check"]
    assert set(recorded["pages"]) <= set(CHECK_PAGES), "a page the digest was taken on left tests/data"
    assert inputs_check(inputs, tuple(recorded["pages"])) == recorded, (
        f"{model_file}'s inputs on the test pages are not those it was trained on: retrain it with {retrain}")


def test_the_digest_changes_with_a_single_feature():
    """The digest tells a changed input from an unchanged one: one block feature of one page
    moved by a thousandth is another digest."""
    def nudged(html: str, url: str):
        traf, rows = train_boilerplate._check_inputs(html, url)
        if len(rows):
            rows = rows.copy()
            rows[0, 0] += 1e-3
        return traf, rows

    pages = CHECK_PAGES[:1]
    assert inputs_check(train_boilerplate._check_inputs, pages) == inputs_check(train_boilerplate._check_inputs, pages)
    assert inputs_check(nudged, pages) != inputs_check(train_boilerplate._check_inputs, pages)


def test_a_rule_change_moves_the_flat_text_digest():
    """The line model reads the rule packs' marks: the text path without one pack gives another
    digest, so a rule that moves a verdict on the test pages' flat texts fails the check above."""
    cfg = load_config()
    packs = tuple(p for p in cfg.clean.rule_packs if p != "social")
    fewer = train_lines.text_path(cfg.model_copy(update={"clean": cfg.clean.model_copy(update={"rule_packs": packs})}))
    assert inputs_check(train_lines._check_inputs) != inputs_check(
        lambda html, url: train_lines._check_inputs(html, url, cleaner=fewer))

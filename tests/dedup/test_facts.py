"""Facts (numbers) of a copy agree with its original's, wherever the copy's lead ends."""
from __future__ import annotations

import re

from cleancorpus.pipeline.dedup.view import facts, facts_agree
from conftest import SEEDS


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _lead(values) -> set[int]:
    return {int(v) >> 1 for v in values if v & 1}


def test_a_copy_that_dropped_early_paragraphs_agrees_with_its_original():
    """The copy's lead runs further into the text than the original's: numbers the original holds
    just past its own lead must count as found."""
    original = _seed("000") + "\n\n" + _seed("003")
    paras = original.split("\n\n")
    copy = "\n\n".join(p for p in paras if not re.search(r"\d", p) or p not in paras[:4])  # the numbers of the first lines gone
    a, b = facts(original), facts(copy)
    assert len(_lead(b) - _lead(a)) >= 2  # the case at hand: leads alone would disagree
    assert facts_agree(a, b, 3, 0.8) and facts_agree(b, a, 3, 0.8)


def test_a_template_filled_with_other_numbers_still_disagrees():
    original = _seed("000") + "\n\n" + _seed("003")
    other = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), original)  # every figure changed
    assert not facts_agree(facts(original), facts(other), 3, 0.8)
    # two of the lead's nine figures changed, everywhere in the text: more than one edit
    later = original[:1000] + re.sub(r"\d", lambda m: str((int(m.group()) + 3) % 10), original[1000:])
    assert len(_lead(facts(original)) - _lead(facts(later))) == 2
    assert not facts_agree(facts(original), facts(later), 3, 0.8)


def test_short_leads_are_not_judged():
    assert facts_agree(facts("In 1997 and 2020."), facts("In 1998 and 2021."), 3, 0.8)

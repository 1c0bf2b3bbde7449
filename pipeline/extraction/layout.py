"""The kept blocks written as text lines, a list item's line opening with "- " as trafilatura
writes it.

Without the mark a list reads as a run of short paragraphs, and the text column differed with
the method that made it: a page trafilatura extracts alone (the model keeping too little)
already had trafilatura's marks. The cleaner's rules read a line without its mark
(cleaning.normalize.split_list_marks), so "- Share on Facebook" is still a share line.

Table rows stay a cell a line: written as a row a line, "| cell | cell |" as trafilatura does,
they lost more labelled snippets on WCXB dev than they found, its annotators writing most rows
with spaces between the cells (bench/README, the list-marks row).
"""
from __future__ import annotations

from collections.abc import Sequence

from cleancorpus.pipeline.extraction.blocks import Block, kind_of

LIST_MARK = "- "
_LI = kind_of("li")


def block_lines(blocks: Sequence[Block]) -> list[str]:
    """Each block's text as a line, the first block of each list item marked (the text after a
    nested list is the same item's: unmarked)."""
    out: list[str] = []
    marked: set[tuple[int, ...]] = set()  # the items (their paths) whose first block is written
    for b in blocks:
        if b.kind == _LI and b.path not in marked:
            out.append(LIST_MARK + b.text)
            marked.add(b.path)
        else:
            out.append(b.text)
    return out

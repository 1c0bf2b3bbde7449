"""An article that ends the page keeps its last paragraphs.

The boilerplate model learned from pages that end in a footer, so a page's last blocks are
boilerplate to it, and the blocks after a block (their length, their links) are among what it
reads. On a page that ends with its article (a saved or printed copy without its chrome, the HTML
another extractor wrote, a generated page) the last paragraph has no block after it, and the model
dropped it: on WCXB dev's article texts written as pages of paragraphs alone, the bare model
dropped the last paragraph of 87 pages in 310 (bench/README).

So the run of blocks at the very end of the page that trafilatura kept and the model dropped, each
prose or a shorter text ending as a sentence ends (no heading, not mostly links), is kept when the
block before it is kept. A page with a footer ends in its links and notices, not in sentences
trafilatura keeps, and is left as the model decided.
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import Block, is_prose

_SENTENCE_END = tuple('.!?…"”’)')


def _sentences(block: Block) -> bool:
    """Prose, or a shorter block of text that ends as a sentence does (no heading, not mostly link text)."""
    return is_prose(block) or (not block.heading and 2 * block.link_chars < len(block.text)
                               and block.text.endswith(_SENTENCE_END))


def closing_prose(blocks: list[Block], keep: list[bool], in_traf: list[bool]) -> list[bool]:
    """Which dropped blocks are the article's last paragraphs, ending the page."""
    back = [False] * len(blocks)
    i = len(blocks)
    while i > 0 and not keep[i - 1] and in_traf[i - 1] and _sentences(blocks[i - 1]):
        i -= 1
    if i < len(blocks) and i > 0 and keep[i - 1]:
        back[i:] = [True] * (len(blocks) - i)
    return back

"""An article that ends the page keeps its last paragraphs.

The boilerplate model learned from pages that end in a footer, so a page's last blocks are
boilerplate to it, and the blocks after a block (their length, their links) are among what it
reads. On a page that ends with its article (a saved or printed copy without its chrome, the HTML
another extractor wrote, a generated page) the last paragraph has no block after it, and the model
dropped it: on WCXB dev's article texts written as pages of paragraphs alone, the bare model
dropped the last paragraph of 87 pages in 310 (bench/README).

So the run of blocks at the end of the page that trafilatura kept and the model dropped, each prose
or a shorter text ending as a sentence ends (no heading, not mostly links), is kept when the block
before it is kept. The run may be followed by a small footer (FOOTER_LINES lines at most: a row of
links, a copyright line), where the model dropped the last paragraph too (31 pages in 310 with a
row of links after the article). A page with a footer of its own, larger, is left as the model
decided: the model reads it, and what stands between the article and such a footer (teasers, a
sign-up box) is not the article's.

A long article far down a page of little chrome lost its end the same way (its blocks' positions);
the bare model now learns from articles made longer (boilerplate-bare-6), and the rule that took
such runs back (paragraphs_to_traf_end, stop 49) was removed when it changed no text on any
benchmark (bench/README).
"""
from __future__ import annotations

import re

from cleancorpus.pipeline.extraction.blocks import Block, is_prose, mostly_links

_SENTENCE_END = tuple('.!?…"”’)')


def _sentences(block: Block) -> bool:
    """Prose, or a shorter block of text that ends as a sentence does (no heading, not mostly link text)."""
    return is_prose(block) or (not block.heading and not mostly_links(block) and block.text.endswith(_SENTENCE_END))


FOOTER_LINES = 3
_FOOTER_WORDS = 12
# "© 2008 Example News. All rights reserved.": a sentence, but a footer's (the copyright pack cuts it later)
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b|\ball rights reserved\b", re.I)


def _footer_line(block: Block) -> bool:
    """A line a small footer is made of: mostly link text, a few words that are no sentence, a copyright line."""
    words = len(block.text.split())
    if words <= 2 * _FOOTER_WORDS and _COPYRIGHT.search(block.text):
        return True
    return not _sentences(block) and (mostly_links(block) or words <= _FOOTER_WORDS)


def closing_prose(blocks: list[Block], keep: list[bool], in_traf: list[bool]) -> list[bool]:
    """Which dropped blocks are the article's last paragraphs, ending the page or followed by a
    small footer (FOOTER_LINES lines at most, dropped, none a sentence)."""
    back = [False] * len(blocks)
    end = len(blocks)
    while end > max(0, len(blocks) - FOOTER_LINES) and not keep[end - 1] and _footer_line(blocks[end - 1]):
        end -= 1
    i = end
    while i > 0 and not keep[i - 1] and in_traf[i - 1] and _sentences(blocks[i - 1]):
        i -= 1
    if i < end and i > 0 and keep[i - 1]:
        back[i:end] = [True] * (end - i)
    return back

"""Text in a page's dialogs, cut when the page is surely an article.

Sites ship their pop-ups in the page: a republishing policy, a glossary's definitions, a sign-up
or consent form, marked as dialogs (a <div>, <section> or <aside> whose role is `dialog` or
`alertdialog`, or the <dialog> element) and hidden until opened. The boilerplate model reads
their blocks like any other and keeps some, prose as they are. On a page the page-type model calls an article with a
probability above `[extract] comments_min_article`, as for reader comments (comments.py), the kept
blocks inside a dialog (the blocks' walk marks them: blocks.DIALOG_BIT) are cut. A product page's
or a listing's dialogs can hold what it shows (its reviews, a size guide), so other pages keep them.
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import DIALOG_BIT, Block

RULE = "page.dialog"


def in_dialogs(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """Which kept blocks are a dialog's."""
    return [k and bool(b.flags & DIALOG_BIT) for b, k in zip(blocks, keep)]

"""A menu's item that the boilerplate model keeps on its own: "About" or "More" heading a dropdown.

The model was trained on blocks labelled content when their words are in the page's true text;
a block of one word is labelled so whenever the truth holds that word anywhere, and "About",
"More" or "All" are words nearly every article holds. So the model keeps a menu's dropdown
heading (often written without a link) on about one page in nine, most often as the text's first
line. The markup says what it is: list items of one or two words that a class or id of their own
or an ancestor's calls navigation, kept one or two together ("More", "About") with no kept block
above or below them. A menu the article itself holds (a table of contents, a list of tags) keeps
more of its items together and is left alone, and so is such a word outside a list item or a
navigation-named element (a footer column's heading): taken wherever it stands, one or two short
words alone cut data cells and code lines of listings, products and docs (bench/README).
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import Block, has_role, kind_of

RULE = "page.menu_item"
MAX_WORDS = 2
MAX_RUN = 2


def lone_menu_items(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """Which kept blocks are a menu's items kept alone (see the module's docstring)."""
    li = kind_of("li")
    out = [False] * len(blocks)
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and keep[j] and _menu_item(blocks[j], li):
            j += 1
        if i < j <= i + MAX_RUN and not (i and keep[i - 1]) and not (j < len(blocks) and keep[j]):
            out[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    return out


def _menu_item(b: Block, li: int) -> bool:
    return b.kind == li and has_role(b, "nav") and len(b.text.split()) <= MAX_WORDS

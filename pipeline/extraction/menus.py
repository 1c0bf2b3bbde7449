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
words alone cut data cells and code lines of listings, products and docs (bench/README). Above the
first paragraph of a page surely an article, though, such a word alone is cut in any markup
(lone_labels_above, `page.label_above`).
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import Block, has_role, is_prose, kept_beside, kind_of, runs
from cleancorpus.pipeline.words import count_words

RULE = "page.menu_item"
ABOVE_RULE = "page.label_above"
MAX_WORDS = 2
MAX_RUN = 2


def lone_menu_items(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """Which kept blocks are a menu's items kept alone (see the module's docstring)."""
    li = kind_of("li")
    out = [False] * len(blocks)
    for i, j in runs([k and _menu_item(b, li) for b, k in zip(blocks, keep)]):
        if j - i <= MAX_RUN and not kept_beside(keep, i, j):
            out[i:j] = [True] * (j - i)
    return out


def _menu_item(b: Block, li: int) -> bool:
    return b.kind == li and has_role(b, "nav") and len(b.text.split()) <= MAX_WORDS


def lone_labels_above(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """On a page surely an article: which kept blocks above its first kept block of prose are
    labels kept alone, one or two words that are no heading, with neither neighbouring block
    kept. The same leftovers of a menu, a language switch ("EN") or a byline ("By", its name a
    link the model dropped) as lone_menu_items cuts, whatever their markup: above the article,
    on a page that is one, a word standing alone is not its text (bench/README)."""
    out = [False] * len(blocks)
    heading = kind_of("h1")
    for i, b in enumerate(blocks):
        if not keep[i]:
            continue
        if is_prose(b):
            break
        out[i] = b.kind != heading and count_words(b.text) <= MAX_WORDS and not kept_beside(keep, i, i + 1)
    return out

"""Reader comments under an article, cut when the page is surely an article.

The boilerplate model reads a block under a comment-named container ("comments", "disqus",
"reply") as it reads any other block, and it has learned from forum threads, whose posts sit
in just such containers, that they can be the page's content. Below an article they are not:
the article is what its author wrote. So on a page the page-type model calls an article with a
probability above `[extract] comments_min_article` (a forum thread that reads like an article
stays under it, bench/README), the comment-named blocks after the article's last kept block
outside such a container are cut. That block is the last one of `ANCHOR_WORDS` words or more, when
there is one: a subscribe box or a "Powered by" line kept under the comments does not make them
part of the article. Blocks above it stay whatever their names: the article's own text is
sometimes inside an element named for its comment form ("respond"), and a page whose every
kept block is comment-named is a thread.
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import Block, has_role
from cleancorpus.pipeline.words import count_words

RULE = "page.comments"
ANCHOR_WORDS = 10


def trailing_comments(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """Which kept blocks are comment-named and come after the article's last kept block that is not."""
    comment = [has_role(b, "comment") for b in blocks]
    article = [i for i in range(len(blocks)) if keep[i] and not comment[i]]
    if not article:
        return [False] * len(blocks)
    last = next((i for i in reversed(article) if count_words(blocks[i].text) >= ANCHOR_WORDS), article[-1])
    return [i > last and keep[i] and comment[i] for i in range(len(blocks))]

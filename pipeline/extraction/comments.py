"""Reader comments under an article, cut when the page is surely an article.

The boilerplate model reads a block under a comment-named container ("comments", "disqus",
"reply") as it reads any other block, and it has learned from forum threads, whose posts sit
in just such containers, that they can be the page's content. Below an article they are not:
the article is what its author wrote. So on a page the page-type model calls an article with a
probability above `[extract] comments_min_article` (a forum thread that reads like an article
stays under it, bench/README), the comment-named blocks after the last kept block outside such
a container are cut. Blocks above it stay whatever their names: the article's own text is
sometimes inside an element named for its comment form ("respond"), and a page whose every
kept block is comment-named is a thread.
"""
from __future__ import annotations

from cleancorpus.pipeline.extraction.blocks import Block, has_role

RULE = "page.comments"


def trailing_comments(blocks: list[Block], keep: list[bool]) -> list[bool]:
    """Which kept blocks are comment-named and come after the last kept block that is not."""
    comment = [has_role(b, "comment") for b in blocks]
    last = next((i for i in range(len(blocks) - 1, -1, -1) if keep[i] and not comment[i]), None)
    if last is None:
        return [False] * len(blocks)
    return [i > last and keep[i] and comment[i] for i in range(len(blocks))]

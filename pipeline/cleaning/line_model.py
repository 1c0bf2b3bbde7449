"""The learned line model for flat text: a second opinion on the line classifier's verdict.

The line classifier (jusText's model) is made for articles: it keeps the run of prose and takes
runs of short lines for menus. A documentation page, a listing, a product or a collection page
is mostly short lines (parameters, specs, trail names and lengths, code): the classifier keeps a
sentence or two, or, finding no prose at all, keeps everything, menus included. And on an
article it keeps a prose-shaped promo or disclaimer next to the article as readily as the article.

The line model is the boilerplate model's features (pipeline/extraction/blocks.py) computed on
the text's lines with no DOM (kind "other"; a line the rule packs removed lends its pack's role,
see flat_blocks), with the classifier's verdict in trafilatura's place, trained on the dev pages
of every page type (train/lines.py). How far it overrules the classifier is the `Policy`, chosen
on held-out domain folds: where the classifier's verdict is weak (little kept, or everything kept
for want of prose) the model decides the text; elsewhere it may only drop lines the classifier
kept (reader comments read like prose, and the classifier's sense of where a news article ends is
worth keeping). A line the rules removed stays removed, and a verdict that would keep nothing is
not used.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

import numpy as np

from cleancorpus.pipeline.cleaning.lineshape import word_count
from cleancorpus.pipeline.config import CleanConfig
from cleancorpus.pipeline.extraction.blocks import ROLES, Block
from cleancorpus.pipeline.extraction.boilerplate_model import BoilerplateModel, model_spec

VERSION = "lines-4"  # lines-3's recipe trained on the features this code computes
_OTHER = 9  # blocks.py's kind "other": a line of flat text has no tag


@dataclass(frozen=True)
class Policy:
    """How far the model overrules the classifier. It decides a text alone when the classifier
    kept under `share` of the characters it was given, or fewer than `words` words, or found no
    prose and fell back to keeping the text but for its menus (`fallback`; without it, the model
    only prunes what the fallback kept, as it does elsewhere). Elsewhere it only drops lines the
    classifier kept, of fewer than `remove_words` words (0: none; promos, disclaimers and sign-offs
    are short, an article's paragraphs long), and, with `fill` (a score; 0: off), brings back lines
    the classifier dropped between two it kept (_filled). A line it dropped above or below the
    article stays out, as the model would bring back a news page's reader comments (train/lines.py,
    QUALITY_LOG rows 35-36). For the same reason, with `comments`, a text the model decides alone
    keeps the classifier's verdict on the lines of its comment section (in_comments): reader
    comments read like prose, and the model, deciding a blog post or a news page alone, kept them."""
    share: float
    words: int
    fallback: bool = True
    remove_words: int = 0
    fill: float = 0.0
    comments: bool = False

    def opens(self, lengths: np.ndarray, words: np.ndarray, kept: np.ndarray, live: np.ndarray,
              fell_back: bool) -> bool:
        """Whether the model decides the text alone, from its lines' characters and words, which
        the classifier kept and which it was given (`live`)."""
        if fell_back:
            return self.fallback
        return lengths[kept].sum() < self.share * lengths[live].sum() or words[kept].sum() < self.words

    def final(self, model: np.ndarray, scores: np.ndarray, kept: np.ndarray, live: np.ndarray, words: np.ndarray,
              opens: bool, floor: int, comments: np.ndarray) -> np.ndarray:
        """Which lines stay, from the model's verdict, the classifier's (`kept`), which lines the
        classifier was given (`live`: not removed by the rules), their words and which of them are
        in the text's comment section (in_comments). The model's verdict must keep `floor` words
        ([clean] fallback_words), or as many as the classifier kept: a text it cuts to a few lines
        would be rejected too_short, and its copies not found."""
        if opens and self.comments:
            model = np.where(comments, kept, model)
        if opens and words[model & live].sum() >= max(floor, 1):
            return model & live
        final = kept & (model | (words >= self.remove_words))
        if self.fill > 0 and kept.any():
            final |= self._filled(scores, kept, live)
        return kept if words[final].sum() < min(floor, words[kept].sum()) else final

    def asks(self, kept: np.ndarray, live: np.ndarray, words: np.ndarray, opens: bool) -> np.ndarray:
        """The lines whose verdict `final` reads: every live line when the model decides the text,
        else the short lines the classifier kept and, with `fill`, the lines it dropped inside the
        article (and when the model's own verdict keeps too little, final reads these too)."""
        if opens:
            return live.copy()
        asked = kept & (words < self.remove_words)
        if self.fill > 0 and kept.any():
            asked |= _inside(kept, live)
        return asked

    def _filled(self, scores: np.ndarray, kept: np.ndarray, live: np.ndarray) -> np.ndarray:
        """The lines the classifier dropped between two lines it kept that the model scores `fill` or
        more: a list, a table, a heading or a code line inside the article (runs of short lines,
        which the classifier takes for menus). Not above the first kept line or below the last:
        reader comments and teaser lists sit there, and the classifier's sense of where the
        article ends is kept."""
        return _inside(kept, live) & (scores >= self.fill)


def _inside(kept: np.ndarray, live: np.ndarray) -> np.ndarray:
    """The live lines the classifier dropped between its first and last kept line (kept not empty)."""
    gap = np.cumsum(kept)  # a line's gap: how many kept lines are above it
    return (gap > 0) & (gap < gap[-1]) & ~kept & live


# the role a rule pack's removals play on a page, as blocks.py names a DOM element's role; a line
# under a comment rule's line, or under a copyright line, is in the comments, or the footer
_PACK_ROLE = {"comments": "comment", "social": "share", "read_more": "related", "ads": "ad", "affiliate": "ad",
              "notices": "notice", "header": "header", "structure": "meta", "credits": "caption",
              "copyright": "footer", "disclaimers": "footer"}
_SECTION_ROLES = ("comment", "footer")


def _bit(role: str) -> int:
    return 1 << ROLES.index(role)


def flat_blocks(texts: list[str], rules: list[str | None]) -> list[Block]:
    """The lines of a text as blocks with no DOM (the same in training and here). A flat text has
    no class or tag to say a line is a comment or a share bar, but the rule packs' removals do:
    a removed line takes its pack's role, and every line below the first comment or copyright
    line takes that role too (reader comments read like prose, line by line)."""
    blocks, section = [], 0
    for text, rule in zip(texts, rules):
        role = _PACK_ROLE.get(rule.partition(".")[0]) if rule else None
        flags = section | (_bit(role) if role else 0)
        if role in _SECTION_ROLES:
            section |= _bit(role)
        blocks.append(Block(text, _OTHER, 0, flags, 0, 0, ()))
    return blocks


def in_comments(blocks: list[Block]) -> np.ndarray:
    """The lines flat_blocks gives the comment role: from the first a comments rule removed down,
    the text's comment section."""
    bit = _bit("comment")
    return np.fromiter((b.flags & bit != 0 for b in blocks), dtype=bool, count=len(blocks))


class LineModel:
    def __init__(self, spec: dict) -> None:
        self.model = BoilerplateModel(spec)
        self.version: str = spec["version"]
        self.rule = f"model.{self.version}"
        self.policy = Policy(**spec["policy"])

    def keep(self, texts: list[str], rules: list[str | None], kept: list[bool], fell_back: bool,
             floor: int) -> list[bool] | None:
        """Which lines stay, given every line of the text in order (those the rules removed too:
        they are context), the rule that removed each (None for a line the rules left), which of
        them the classifier kept, whether it fell back, and the floor; None when that keeps nothing."""
        k = np.asarray(kept, dtype=bool)
        live = live_lines(rules)
        words = line_words(texts)
        opens = self.policy.opens(line_lengths(texts), words, k, live, fell_back)
        asked = self.policy.asks(k, live, words, opens)
        if not asked.any():  # no verdict would be read: the classifier's lines stand
            return kept if k.any() else None
        blocks = flat_blocks(texts, rules)
        m, _, scores = self.model.verdicts(blocks, "\n".join(compress(texts, kept)), asked)
        final = self.policy.final(m, scores, k, live, words, opens, floor, in_comments(blocks))
        return final.tolist() if final.any() else None


def live_lines(rules: list[str | None]) -> np.ndarray:
    """The lines the classifier was given: those no rule pack removed (None, or its own verdict)."""
    return np.asarray([r is None or r.startswith("classifier.") for r in rules], dtype=bool)


def line_words(texts: list[str]) -> np.ndarray:
    return np.fromiter((word_count(t) for t in texts), dtype=np.int64, count=len(texts))


def line_lengths(texts: list[str]) -> np.ndarray:
    return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def active_line_model(clean: CleanConfig) -> LineModel | None:
    """The line model a [clean] config runs, or None: it is the classifier's second opinion, so
    it runs only with the classifier on."""
    return load_line_model(clean.line_model) if clean.line_model and clean.classifier else None


@lru_cache(maxsize=4)
def load_line_model(name: str) -> LineModel:
    """The line model a config names, read once per process: the shipped one or a file made by
    train/lines.py --write."""
    return LineModel(model_spec(name, VERSION))

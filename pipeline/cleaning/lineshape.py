"""What a line looks like, shared by the rule engine, the header parser and the classifier.

Plain string tests, not `$`-anchored regexes: a regex search for an end anchor tries every
position of the line, and these run on every line of every document.
"""
from __future__ import annotations

from cleancorpus.pipeline.words import cjk_words, has_cjk

# the ideographic full stop and the full-width marks end sentences in Chinese and Japanese
FULL_STOPS = ".!?。！？"
CLAUSE_ENDS = ".!?…:;。！？：；"  # what may end a block of prose, a list lead-in or a quote included
CLOSERS = "'\"”’»)]」』）"  # closing quotes and brackets that may follow a sentence's end


def ends_sentence(line: str, stops: str = FULL_STOPS, closers: str = CLOSERS) -> bool:
    """Ends in one of `stops`, maybe followed by closing quotes or brackets (`closers`)."""
    tail = line.rstrip(closers)
    return bool(tail) and tail[-1] in stops


def word_count(p: str) -> int:
    """words.count_words(p): len(p.split()) without the list where no Chinese or Japanese is in
    it (normalized text separates words by single spaces, and counting them is five times
    faster than splitting a page); with them, each of their characters is a word, so that
    Japanese prose is prose-shaped."""
    if has_cjk(p):
        return cjk_words(p)
    if p.isprintable() and "  " not in p and p[:1] != " " and p[-1:] != " ":
        return p.count(" ") + 1 if p else 0  # no whitespace but single spaces between words
    return len(p.split())


def is_body_line(line: str) -> bool:
    """Shaped like article prose: long, or a full sentence of some length."""
    if len(line) < 27:  # 14 words need 14 letters and 13 spaces: most menu lines end here
        return False
    words = word_count(line)
    return words >= 30 or (words >= 14 and ends_sentence(line))

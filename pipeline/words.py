"""What counts as a word, for the document's `n_words`, the `too_short` filter and dedup's shingles.

Words are what spaces separate, except in the scripts written without spaces between words:
there every Chinese character and every kana counts as a word, as word processors count them
and as dedup's shingles already split them. Counted by spaces alone, a Japanese article of
2,000 characters was "8 words" and rejected as too short. Thai, Lao, Khmer and Burmese are also
written without spaces but have no character-per-word convention: they are still counted by
spaces, so a corpus of them wants a lower `[filter] min_words`.
"""
from __future__ import annotations

import re2
import regex

CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
# every code point CJK can match lies in these ranges: a one-class scan (RE2) spares `regex`
# its script lookups on the pages that have none
MAYBE_CJK = re2.compile("[\u2e80-\ufaff\uff66-\uff9f\U00016fe0-\U0001f2ff\U00020000-\U0003ffff]")
# CJK punctuation and full-width forms' punctuation (、。「」（）！ ...) separate words as spaces do
_CJK_MARKS = regex.compile("[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")


def has_cjk(text: str) -> bool:
    return not text.isascii() and bool(MAYBE_CJK.search(text)) and bool(CJK.search(text))


def count_words(text: str, spaced: int | None = None) -> int:
    """Words of a text: its space-separated words; with Chinese or Japanese in it, each such
    character is one word, and it and CJK punctuation separate the words around it as a space
    does (the count is len(text.split()) wherever there is none).

    spaced: the caller's count of space-separated words when it has one cheaper than a split."""
    if not text:
        return 0
    if not has_cjk(text):
        return len(text.split()) if spaced is None else spaced
    return cjk_words(text)


def cjk_words(text: str) -> int:
    """count_words of a text has_cjk already found Chinese or Japanese in."""
    rest, chars = CJK.subn(" ", _CJK_MARKS.sub(" ", text))
    return chars + len(rest.split())

"""MinHash signatures for whole batches of documents at once, in numpy.

Shingling is vectorized too (the Python-level shingle loop costs as much as the hashing):
word hashes come from prefix sums of a polynomial hash over the batch's bytes, taken two bytes
at a time (uint64 arithmetic wraps modulo 2^64, and the odd base is invertible there), shingles
are mixed combinations of consecutive word hashes, and one-permutation hashing puts each
shingle in one bin of the signature. Every step is elementwise over a batch of texts, so the
values are those of the plain per-word definition (tests/dedup/test_signatures.py) whatever
the batching: the index keeps signatures across runs.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import re2
import regex

from cleancorpus.pipeline.words import CJK, has_cjk

_MARKS = regex.compile(r"\p{Mn}+")
# what folding turns into a space: in ASCII every byte but [0-9a-z] (bytes.translate on the
# UTF-8 text, at C speed; bytes >= 0x80 pass), beyond ASCII every character that is not a word
# character; together exactly the old `[\W_]+` -> " " of the standard library, 25% faster
_ASCII_GAPS = bytes(c if (0x30 <= c <= 0x39 or 0x61 <= c <= 0x7A or c >= 0x80) else 0x20 for c in range(256))
_NON_ASCII_GAPS = re.compile(r"[^\x00-\x7f\w]+")
# typographic punctuation that would otherwise send mostly-ASCII text down the slow path
_PUNCT_TO_SPACE = re.compile("[‘’‚‛“”„‟–—―…«»‹›•·\u00a0\u2009\u200a\u202f\u2026]")
_P = np.uint64(1099511628211)  # odd, so invertible modulo 2^64
_P_INV = np.uint64(pow(1099511628211, -1, 2**64))
# a batch's arrays (8 bytes per byte pair, 8 per word and shingle) fit a core's L2 cache, which
# the numpy passes over them reread many times; smaller batches pay numpy's per-call overhead more
_MAX_BATCH_BYTES = 128_000


def fold(text: str, variants: dict[str, str] | None = None, canonical: bool = True) -> str:
    """Case, accents and punctuation folded; spelling variants mapped to one form.

    canonical=False leaves the runs of spaces where punctuation was: the shingle hashes skip
    empty words, so they come out the same, and a page is 35 us sooner without the split.
    """
    text = _PUNCT_TO_SPACE.sub(" ", text)  # a class search: str.translate looks up every character
    if not text.isascii():  # ASCII has nothing to decompose: skip NFKD and the combining-mark pass
        text = _NON_ASCII_GAPS.sub(" ", _MARKS.sub("", unicodedata.normalize("NFKD", text)))
    data = text.lower().encode("utf-8", "surrogatepass").translate(_ASCII_GAPS)
    t = data.decode("utf-8", "surrogatepass")
    cjk = has_cjk(t)
    if cjk:
        # scripts written without spaces: every character is a token, so shingles still exist
        t = CJK.sub(r" \g<0> ", t)
    if variants and (cjk or _variant_gate(variants).search(data)):
        words = t.split()
        return " ".join(map(variants.get, words, words))
    return " ".join(t.split()) if canonical else t


_GATES: dict[int, tuple[dict[str, str], "re2._Regexp"]] = {}


def _variant_gate(variants: dict[str, str]) -> "re2._Regexp":
    """Does a folded text hold one of the variant words as a word? Words of folded text are
    separated by spaces only, so RE2 answers that exactly in one scan of its bytes, and the
    four pages in five that hold none skip the split and join (55 us a page)."""
    hit = _GATES.get(id(variants))
    if hit is None or hit[0] is not variants:
        if len(_GATES) >= 8:  # a run has one variants table (load_variants); tests make more
            _GATES.clear()
        words = "|".join(re2.escape(w) for w in sorted(variants, key=len, reverse=True))
        hit = _GATES[id(variants)] = (variants, re2.compile(f"(?:^| )(?:{words})(?: |$)".encode()))
    return hit[1]


@lru_cache(maxsize=8)
def load_variants(path: str) -> dict[str, str]:
    """Lines "british american" (whitespace separated); both map to the second form."""
    out: dict[str, str] = {}
    if not path or not Path(path).exists():
        return out
    for line in Path(path).read_text().splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2:
            for p in parts[:-1]:
                out[p.lower()] = parts[-1].lower()
    return out


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads the polynomial hash's structure over all bits."""
    return _mix_inplace(x ^ (x >> np.uint64(30)), premixed=True)


def _mix_inplace(x: np.ndarray, premixed: bool = False) -> np.ndarray:
    """_mix overwriting x (premixed: its first xor-shift already applied): no new array per step,
    whose allocation and first touch cost about what the step itself does."""
    with np.errstate(over="ignore"):
        if not premixed:
            x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


@lru_cache(maxsize=32)
def _power_table(base: int, n: int) -> np.ndarray:
    """base^i modulo 2^64 for i < n (n a power of two: a run computes a handful of sizes, each
    once; a fixed table would cost every process its size, whatever its batches).

    By doubling, base^(k+i) = base^i * base^k for the next k entries: log2(n) vector products
    where a cumulative product walks the entries one by one. Products modulo 2^64 are exact,
    so the table is the same."""
    t = np.empty(n, dtype=np.uint64)
    t[0] = 1
    k, step = 1, np.uint64(base)
    with np.errstate(over="ignore"):
        while k < n:
            m = min(k, n - k)
            np.multiply(t[:m], step, out=t[k:k + m])
            step, k = step * step, 2 * k
    return t


def _pair_table() -> np.ndarray:
    """z(lo) + P * z(hi) for every two bytes read as one little-endian uint16, where z(c) is the
    byte, or 0 for the separators (space, newline): two bytes' share of a word's hash per lookup."""
    z = np.arange(256, dtype=np.uint64)
    z[[10, 32]] = 0
    with np.errstate(over="ignore"):
        return (z[None, :] + _P * z[:, None]).reshape(-1)


_PAIRS = _pair_table()
_P2 = int(_P) ** 2 % 2**64  # one byte pair's weight over the previous pair's


def _word_hashes(folded: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every word of every text, and each text's word count.

    A word's hash is mix(sum_j byte_j * P^j + length) over its UTF-8 bytes, position-free:
    with prefix[i] = sum of byte * P^pos before position i, it is (prefix[end] -
    prefix[start]) * P^-start. The separators count as zero bytes, so a word's prefix[end] is
    the next word's prefix[start], and the byte before a word start adds nothing: prefix[start]
    is the prefix sum over whole byte pairs before it, pairs[start // 2]. So the serial prefix
    sum runs over pairs (half the bytes), and one lookup per word serves both of its ends."""
    # texts joined by newlines, words by spaces: one pass over bytes finds both boundaries
    encoded = [t.encode("utf-8") for t in folded]
    data = b"\n".join(encoded)
    if not data.strip():
        return np.zeros(0, dtype=np.uint64), np.zeros(len(folded), dtype=np.int64)
    if len(data) % 2:
        data += b"\n"  # whole pairs: one more separator
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(b)
    # word bytes flanked by two non-word bytes: the word starts and ends alternate where they differ
    in_word = np.zeros(n + 2, dtype=bool)
    np.not_equal(b, 32, out=in_word[1:-1])
    in_word[1:-1] &= b != 10
    edges = np.flatnonzero(in_word[1:] != in_word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    size = 1 << max(16, (n - 1).bit_length())
    m = n // 2
    pairs = np.empty(m + 1, dtype=np.uint64)
    pairs[0] = 0
    with np.errstate(over="ignore"):
        # every uint16 is an index of the table: mode="wrap" skips the default's bounds check
        np.take(_PAIRS, np.frombuffer(data, dtype="<u2"), out=pairs[1:], mode="wrap")
        pairs[1:] *= _power_table(_P2, size // 2)[:m]
        np.cumsum(pairs[1:], out=pairs[1:])
        at = np.empty(len(starts) + 1, dtype=np.int64)
        np.right_shift(starts, 1, out=at[:-1])
        at[-1] = m
        h = np.diff(pairs[at])
        h *= _power_table(int(_P_INV), size)[starts]
        h += (ends - starts).view(np.uint64)
    text_ends = np.cumsum([len(e) + 1 for e in encoded])
    counts = np.diff(np.searchsorted(starts, text_ends), prepend=0)
    return _mix_inplace(h), counts.astype(np.int64)


def shingle_hashes(folded: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """All k-word shingle hashes of a batch and the offsets where each text's shingles start.

    A shingle's hash is mix(Horner's w0*M^(k-1) + ... + w(k-1)) of its word hashes. A text
    shorter than k words contributes one shingle of all its words, padded with zero words.
    """
    words, counts = _word_hashes(folded)
    n_docs = len(counts)
    word_start = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=word_start[1:])
    n_sh = np.where(counts >= k, counts - k + 1, np.minimum(counts, 1))
    sh_start = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(n_sh, out=sh_start[1:])
    total = int(sh_start[-1])
    if total == 0:
        return np.zeros(0, dtype=np.uint64), sh_start
    acc = _windows(words, k)
    # shingle j of a text is the window at its word j; windows across two texts are dropped
    first = np.arange(total, dtype=np.int64)
    first += np.repeat(word_start[:-1] - sh_start[:-1], n_sh)
    acc = acc[first]
    short = np.flatnonzero((counts < k) & (counts > 0))
    if len(short):  # a window past a short text's end holds the next text's words: recomputed
        acc[sh_start[short]] = _windows(words, k, word_start[short], counts[short])
    return _mix_inplace(acc), sh_start


_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)


def _windows(words: np.ndarray, k: int, at: np.ndarray | None = None, size: np.ndarray | None = None) -> np.ndarray:
    """Horner's hash of the k words from every position (from positions `at`, of their first
    `size` words only, the rest zero words); words past the end count as zero.

    Over all positions each step is a shifted slice of the word array, not a gather: the
    k - 1 windows per text that cross into the next text cost less than k index lookups."""
    n = len(words)
    padded = np.zeros(n + k - 1, dtype=np.uint64)
    padded[:n] = words
    with np.errstate(over="ignore"):
        if at is None:
            acc = padded[:n].copy()
            for t in range(1, k):
                acc *= _SHINGLE_MULT
                acc += padded[t:n + t]
            return acc
        acc = padded[at].copy()
        for t in range(1, k):
            acc *= _SHINGLE_MULT
            acc += np.where(t < size, padded[at + t], np.uint64(0))
        return acc


def _batches(folded: Sequence[str]) -> list[tuple[int, int]]:
    out, start, size = [], 0, 0
    for i, t in enumerate(folded):
        size += len(t) + 1
        if size > _MAX_BATCH_BYTES:
            out.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(folded):
        out.append((start, len(folded)))
    return out


def signatures(folded: Sequence[str], num_perm: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(n_docs, num_perm) uint32 MinHash signatures and each text's shingle count.

    One-permutation hashing with densification (Li, Owen & Zhang 2012; Shrivastava 2017):
    each shingle is hashed once and falls into one of num_perm bins, whose minimum is that
    bin's signature value; empty bins borrow the value of the next non-empty bin to the
    right. Same collision probability as num_perm independent permutations (the Jaccard
    estimator and the LSH banding stay valid) at the cost of one hash per shingle instead of
    num_perm, which is what makes numpy faster than a compiled per-permutation loop.
    """
    sig, n_sh, _, _ = sketch(folded, num_perm, k, seed, with_sets=False)
    return sig, n_sh


def sketch(folded: Sequence[str], num_perm: int, k: int, seed: int,
           with_sets: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """signatures() and every text's shingle_set() from one shingling pass (the shingles are
    half the cost of each): sig, shingle counts, the sets' values concatenated and their
    offsets (len n+1)."""
    sig = np.full((len(folded), num_perm), _EMPTY, dtype=np.uint32)
    n_sh = np.zeros(len(folded), dtype=np.int32)
    set_counts = np.zeros(len(folded), dtype=np.int64)
    values: list[np.ndarray] = []
    for lo, hi in _batches(folded):
        sh, starts = shingle_hashes(folded[lo:hi], k)
        n_sh[lo:hi] = np.diff(starts)
        if len(sh) == 0:
            continue
        _sign_batch(sig, sh, starts, lo, seed)
        if with_sets:
            v, counts = _set_batch(sh, starts)
            values.append(v)
            set_counts[lo:hi] = counts
    _densify(sig, n_sh)
    offsets = np.zeros(len(folded) + 1, dtype=np.int64)
    np.cumsum(set_counts, out=offsets[1:])
    return sig, n_sh, (np.concatenate(values) if values else np.zeros(0, np.uint32)), offsets


def _sign_batch(sig: np.ndarray, sh: np.ndarray, starts: np.ndarray, lo: int, seed: int) -> None:
    """Each shingle's salted hash picks its bin (top 32 bits scaled to num_perm) and offers its
    low 32 bits, made even, as that bin's minimum."""
    num_perm = sig.shape[1]
    salt = np.uint64((seed * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
    h = _mix_inplace(sh ^ salt)
    vals = h.astype(np.uint32)
    vals &= np.uint32(0xFFFFFFFE)  # even: never the empty marker
    with np.errstate(over="ignore"):
        h >>= np.uint64(32)
        h *= np.uint64(num_perm)
        h >>= np.uint64(32)  # the bin
    cell = h.view(np.int64)
    cell += np.repeat(np.arange(lo, lo + len(starts) - 1, dtype=np.int64) * num_perm, np.diff(starts))
    np.minimum.at(sig.reshape(-1), cell, vals)


def _set_batch(sh: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each text's sorted distinct shingles (top 32 bits), concatenated, and their counts."""
    n = len(starts) - 1
    doc = np.repeat(np.arange(n, dtype=np.uint64), np.diff(starts))
    keyed = sorted_unique((doc << np.uint64(32)) | (sh >> np.uint64(32)))
    counts = np.bincount((keyed >> np.uint64(32)).astype(np.int64), minlength=n)
    return (keyed & np.uint64(0xFFFFFFFF)).astype(np.uint32), counts


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """np.unique for integers by sort and compare: numpy 2.4's np.unique goes through a hash
    table, 35 times slower on half a million shingles (81 ms against 2.3)."""
    a = np.sort(a)
    if len(a) < 2:
        return a
    mask = np.empty(len(a), dtype=bool)
    mask[0] = True
    np.not_equal(a[1:], a[:-1], out=mask[1:])
    return a[mask]


_EMPTY = np.uint32(0xFFFFFFFF)
_BORROW_STEP = np.uint32(0x9E3779B1)


def _densify(sig: np.ndarray, n_sh: np.ndarray) -> None:
    """Fill empty bins from the nearest non-empty bin to the right (circularly), offset by the
    distance so that two documents agree on a borrowed bin only when they borrowed alike."""
    empty = sig == _EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & (n_sh > 0))
    if len(rows) == 0:
        return
    n = sig.shape[1]
    sub = sig[rows]
    e = empty[rows]
    pos = np.where(~e, np.arange(n)[None, :], 2 * n)
    both = np.concatenate([pos, pos + n], axis=1)
    both = np.where(both >= 2 * n, 4 * n, both)
    nearest = np.minimum.accumulate(both[:, ::-1], axis=1)[:, ::-1][:, :n]
    src = nearest % n
    dist = (nearest - np.arange(n)[None, :]).astype(np.uint32)
    with np.errstate(over="ignore"):
        filled = np.take_along_axis(sub, src, axis=1) + dist * _BORROW_STEP
    sig[rows] = np.where(e, filled & np.uint32(0xFFFFFFFE), sub)


def shingle_set(folded: str, k: int) -> np.ndarray:
    """Sorted distinct shingle hashes (top 32 bits: a set of a few thousand shingles has a
    negligible chance of a collision, and half the bytes)."""
    sh, _ = shingle_hashes([folded], k)
    return sorted_unique((sh >> np.uint64(32)).astype(np.uint32))


def jaccard_containment(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """True Jaccard of two shingle sets (sorted, distinct: shingle_set, sketch), and the share
    of the smaller set found in the larger."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    # two sorted sets of distinct values: merged, each common value sits next to its twin.
    # A stable sort merges the two sorted runs in one pass; intersect1d costs twice as much
    merged = np.concatenate((a, b))
    merged.sort(kind="stable")
    inter = int(np.count_nonzero(merged[1:] == merged[:-1]))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def band_keys(sig: np.ndarray, bands: int, first: int = 0) -> np.ndarray:
    """(n_docs, bands) uint64 keys: a hash of each band's rows, mixed with the band number.
    sig may be the columns of bands first..first+bands-1 only (band b is columns b*rows to
    (b+1)*rows): their keys are those columns of the whole signature's."""
    n, num_perm = sig.shape
    rows = num_perm // bands
    acc = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            # row r of every band, a strided view: no uint64 copy of the whole signature block
            # (at 100,000 documents that copy made this 10 times slower)
            acc *= np.uint64(0x9E3779B97F4A7C15)
            acc += sig[:, r:bands * rows:rows]
        acc += np.arange(first, first + bands, dtype=np.uint64)[None, :] * np.uint64(0xD6E8FEB86659FD93)
    return _mix(acc)


def index_band_keys(sig: np.ndarray, bands: int, first: int = 0) -> np.ndarray:
    """(n_docs, bands) uint32: the band keys as the persistent index stores and looks them up
    (of bands first..first+bands-1 when sig is only their columns, as in band_keys)."""
    if not len(sig):
        return np.zeros((0, bands), np.uint32)
    return (band_keys(sig, bands, first) & np.uint64(0xFFFFFFFF)).astype(np.uint32)

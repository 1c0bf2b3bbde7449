"""MinHash signatures for whole batches of documents at once, in numpy.

Shingling is vectorized too (the Python-level shingle loop costs as much as the hashing):
word hashes come from prefix sums of a polynomial hash over the batch's bytes (uint64
arithmetic wraps modulo 2^64, and the odd base is invertible there), shingles are mixed
combinations of consecutive word hashes, and each permutation is x -> a*x + b mod 2^32 with
odd a over the top 32 bits of the shingle hash: a bijection of the hash space, in uint32 so
the (shingles x permutations) block is half the memory traffic of uint64.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex

_NONWORD = regex.compile(r"[^\p{L}\p{N}]+")
_MARKS = regex.compile(r"\p{Mn}+")
_ASCII_NONWORD = re.compile(r"[^a-z0-9]+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_P = np.uint64(1099511628211)  # odd, so invertible modulo 2^64
_P_INV = np.uint64(pow(1099511628211, -1, 2**64))
_MAX_BATCH_BYTES = 2_000_000
_CHUNK = 4096  # shingles per block: keeps the (block x num_perm) uint32 matrix in cache


def fold(text: str, variants: dict[str, str] | None = None) -> str:
    """Case, accents and punctuation folded; spelling variants mapped to one form."""
    if text.isascii():  # nothing to decompose: skip NFKD and the combining-mark pass
        t = _ASCII_NONWORD.sub(" ", text.lower()).strip()
    else:
        t = unicodedata.normalize("NFKD", text)
        t = _MARKS.sub("", t).lower()
        t = _NONWORD.sub(" ", t)
        # scripts written without spaces: every character is a token, so shingles still exist
        t = _CJK.sub(r" \g<0> ", t).strip()
        t = " ".join(t.split()) if _CJK.search(t) else t
    if variants:
        t = " ".join(variants.get(w, w) for w in t.split())
    return t


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
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@lru_cache(maxsize=4)
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    p = np.full(n, _P, dtype=np.uint64)
    p[0] = 1
    q = np.full(n, _P_INV, dtype=np.uint64)
    q[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(p, dtype=np.uint64), np.cumprod(q, dtype=np.uint64)


def _word_hashes(folded: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every word of every text, and each text's word count."""
    # texts joined by newlines, words by spaces: one pass over bytes finds both boundaries
    data = "\n".join(folded).encode("utf-8")
    if not data.strip():
        return np.zeros(0, dtype=np.uint64), np.zeros(len(folded), dtype=np.int64)
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(b)
    size = 1 << max(16, (n - 1).bit_length())
    pw, ipw = _powers(size)
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(b.astype(np.uint64) * pw[:n], out=prefix[1:])
        sep = np.flatnonzero((b == 32) | (b == 10))
        starts = np.concatenate(([0], sep + 1))
        ends = np.concatenate((sep, [n]))
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        h = (prefix[ends] - prefix[starts]) * ipw[:n][starts] + (ends - starts).astype(np.uint64)
    text_ends = np.concatenate((np.flatnonzero(b == 10), [n]))
    counts = np.diff(np.concatenate(([0], np.searchsorted(starts, text_ends))))
    return _mix(h), counts.astype(np.int64)


def shingle_hashes(folded: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """All k-word shingle hashes of a batch and the offsets where each text's shingles start.

    A text shorter than k words contributes one shingle of all its words.
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
    # first word index of each shingle
    doc_of = np.repeat(np.arange(n_docs), n_sh)
    first = word_start[doc_of] + (np.arange(total) - sh_start[doc_of])
    last_word = word_start[doc_of + 1] - 1
    acc = np.zeros(total, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for t in range(k):
            idx = np.minimum(first + t, last_word)
            valid = (first + t) <= last_word
            acc = acc * np.uint64(0x9E3779B97F4A7C15) + np.where(valid, words[idx], np.uint64(0))
    return _mix(acc), sh_start


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """x -> a*x + b mod 2^32 with odd a: a bijection of the 32-bit hash space per permutation."""
    rng = np.random.Generator(np.random.PCG64(seed))
    a = (rng.integers(0, 2**31, size=num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)).astype(np.uint32)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint32)
    return a, b


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
    """(n_docs, num_perm) uint32 MinHash signatures and each text's shingle count."""
    a, b = permutations(num_perm, seed)
    sig = np.full((len(folded), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    n_sh = np.zeros(len(folded), dtype=np.int32)
    for lo, hi in _batches(folded):
        sh, starts = shingle_hashes(folded[lo:hi], k)
        n_sh[lo:hi] = np.diff(starts)
        if len(sh) == 0:
            continue
        sh = (sh >> np.uint64(32)).astype(np.uint32)  # the well-mixed top half of each shingle hash
        doc_of = np.repeat(np.arange(hi - lo), np.diff(starts))
        for c0 in range(0, len(sh), _CHUNK):
            chunk = sh[c0:c0 + _CHUNK]
            with np.errstate(over="ignore"):
                hv = np.multiply(chunk[:, None], a[None, :])
                hv += b[None, :]
            d = doc_of[c0:c0 + _CHUNK]
            bounds = np.flatnonzero(np.diff(d)) + 1
            seg_starts = np.concatenate(([0], bounds))
            mins = np.minimum.reduceat(hv, seg_starts, axis=0)
            docs = d[seg_starts] + lo
            sig[docs] = np.minimum(sig[docs], mins)
    return sig, n_sh


def shingle_set(folded: str, k: int) -> np.ndarray:
    sh, _ = shingle_hashes([folded], k)
    return np.unique(sh)


def jaccard_containment(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """True Jaccard of two shingle sets, and the share of the smaller set found in the larger."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """(n_docs, bands) uint64 keys: a hash of each band's rows, mixed with the band number."""
    n, num_perm = sig.shape
    rows = num_perm // bands
    s = sig.astype(np.uint64).reshape(n, bands, rows)
    acc = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            acc = acc * np.uint64(0x9E3779B97F4A7C15) + s[:, :, r]
        acc = acc + np.arange(bands, dtype=np.uint64)[None, :] * np.uint64(0xD6E8FEB86659FD93)
    return _mix(acc)

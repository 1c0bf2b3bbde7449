"""Folding and sketching: the fast paths give what the plain definitions give."""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import regex

from conftest import ROOT, SEEDS

EDGE = ["snake_case_word", "KELVIN \u212a", "\ufb01ne \ufb02ow", "İstanbul DİYARBAKIR", "日本語のテキストです。漢字とカタカナ",
        "مرحبا بالعالم، كيف حالك؟", "emoji 😀 x", "Ⅻ ① ²", "", " ", "_", "a_b-c", "Straße ΣΊΣΥΦΟΣ", "한국어 텍스트",
        "हिन्दी भाषा", "“Quoted” — dash… «guillemets» naïve café"]


def _texts() -> list[str]:
    files = sorted(SEEDS.glob("00*.txt")) + sorted((ROOT / "data" / "sample").glob("*"))
    return [f.read_bytes().decode("utf-8", "replace") for f in files] + EDGE


def _reference_fold(text: str) -> str:
    """The definition: compatibility-decompose, drop combining marks, lower-case, every run of
    non-word characters (and "_") one space; Han and kana one token per character."""
    t = regex.sub(r"\p{Mn}+", "", unicodedata.normalize("NFKD", text)).lower()
    t = re.sub(r"[\W_]+", " ", t).strip()
    return " ".join(regex.sub(r"[\p{Han}\p{Hiragana}\p{Katakana}]", r" \g<0> ", t).split())


def test_fold_matches_its_definition():
    from cleancorpus.pipeline.dedup.signatures import fold

    for t in _texts():
        assert fold(t) == _reference_fold(t), repr(t[:60])
    v = {"colour": "color", "centre": "center"}
    assert fold("The colour of the centre", v) == "the color of the center"
    # variants map whole words only, and a text without one skips the mapping (same words)
    for t in _texts() + ["Colour-blind, the CENTRE’s colours: centres", "colourful decentre", "centre 日本 colour"]:
        assert fold(t, v, canonical=False).split() == [v.get(w, w) for w in _reference_fold(t).split()], t[:60]
    assert fold("colourful decentre", v) == "colourful decentre"


def test_uncanonical_fold_sketches_the_same():
    """The shard folds without collapsing spaces; the shingles must not notice."""
    from cleancorpus.pipeline.dedup.signatures import fold, sketch

    texts = _texts()
    loose = [fold(t, canonical=False) for t in texts]
    assert [x.split() for x in loose] == [fold(t).split() for t in texts] and any("  " in x for x in loose)
    for a, b in zip(sketch(loose, 120, 3, 1), sketch([fold(t) for t in texts], 120, 3, 1)):
        assert np.array_equal(a, b)


def test_cjk_gate_covers_every_cjk_character():
    from cleancorpus.pipeline.words import CJK, MAYBE_CJK

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    hits = CJK.findall(every)
    assert len(hits) > 90_000 and all(MAYBE_CJK.match(h) for h in hits)


def test_sketch_is_per_document_whatever_the_batching(monkeypatch):
    from cleancorpus.pipeline.dedup import signatures as minhash
    from cleancorpus.pipeline.dedup.signatures import fold, shingle_set, sketch

    folded = [fold(t) for t in _texts()] + ["one", "two words"]
    sig, n_sh, values, offsets = sketch(folded, 120, 3, 1)
    for i, f in enumerate(folded):
        assert np.array_equal(values[offsets[i]:offsets[i + 1]], shingle_set(f, 3))
        alone, n_alone, _, _ = sketch([f], 120, 3, 1)
        assert np.array_equal(sig[i], alone[0]) and n_sh[i] == n_alone[0]
    monkeypatch.setattr(minhash, "_MAX_BATCH_BYTES", 3000)  # many small batches
    sig2, n_sh2, values2, offsets2 = sketch(folded, 120, 3, 1)
    assert np.array_equal(sig, sig2) and np.array_equal(values, values2) and np.array_equal(offsets, offsets2)
    assert np.array_equal(sig, minhash.signatures(folded, 120, 3, 1)[0])


def _reference_run_pairs(keys: np.ndarray, all_pairs_up_to: int) -> list[tuple[int, int]]:
    """The definition, group by group: all pairs of a small group, a star and a chain in a big one."""
    pairs: set[tuple[int, int]] = set()
    for b in range(keys.shape[1]):
        groups: dict[int, list[int]] = {}
        for row, key in enumerate(keys[:, b].tolist()):
            groups.setdefault(key, []).append(row)
        for g in groups.values():
            if len(g) <= all_pairs_up_to:
                pairs.update((g[i], g[j]) for i in range(len(g)) for j in range(i + 1, len(g)))
            else:
                pairs.update((g[0], x) for x in g[1:])
                pairs.update(zip(g[1:], g[2:]))
    return sorted(pairs)


def test_lsh_candidate_pairs_match_their_definition():
    from cleancorpus.pipeline.dedup import candidates as dedup

    rng = np.random.default_rng(3)
    for _ in range(40):  # few distinct keys: groups of every size, small and big
        n, bands, distinct = int(rng.integers(1, 300)), int(rng.integers(1, 6)), int(rng.integers(1, 50))
        keys = rng.integers(0, distinct, (n, bands)).astype(np.uint64)
        assert [tuple(p) for p in dedup.run_pairs(keys).tolist()] == _reference_run_pairs(keys, dedup._GROUP_ALL_PAIRS)
    assert dedup.run_pairs(np.zeros((0, 4), np.uint64)).shape == (0, 2)


def test_jaccard_containment_counts_the_common_shingles():
    from cleancorpus.pipeline.dedup.signatures import jaccard_containment

    rng = np.random.default_rng(5)
    for _ in range(300):
        a = np.unique(rng.integers(0, 400, rng.integers(0, 300)).astype(np.uint32))
        b = np.unique(rng.integers(0, 400, rng.integers(0, 300)).astype(np.uint32))
        inter = len(set(a.tolist()) & set(b.tolist()))
        want = (0.0, 0.0) if not len(a) or not len(b) else (inter / (len(a) + len(b) - inter), inter / min(len(a), len(b)))
        assert jaccard_containment(a, b) == want


def test_pairs_come_in_group_order():
    """Candidate pairs are checked where their sets live, in the order sorted() with that key gives."""
    import random

    from cleancorpus.pipeline.dedup.candidates import in_group_order as _in_group_order

    rng = random.Random(4)

    def group(x: int) -> tuple[str, object]:
        return ("run", x % 13) if x < 150 else ("index", f"earlier-{x % 4}.parquet")

    for _ in range(200):
        pairs = [(rng.randint(0, 200), rng.randint(0, 250)) for _ in range(rng.randint(0, 300))]
        assert [tuple(p) for p in _in_group_order(pairs, group).tolist()] == sorted(pairs, key=lambda p: (str(group(p[0])), str(group(p[1])), p))


def test_power_tables_are_the_running_products():
    from cleancorpus.pipeline.dedup.signatures import _P, _P2, _P_INV, _power_table

    for base in (int(_P), int(_P_INV), _P2):
        for n in (1, 2, 3, 1000, 1 << 16):
            t = _power_table(base, n)
            with np.errstate(over="ignore"):
                assert np.array_equal(t, np.cumprod(np.r_[np.uint64(1), np.full(n - 1, base, np.uint64)], dtype=np.uint64))
    with np.errstate(over="ignore"):
        assert (_power_table(int(_P), 1000) * _power_table(int(_P_INV), 1000) == 1).all()  # P^i * P^-i
        assert np.array_equal(_power_table(_P2, 500), _power_table(int(_P), 1000)[0::2])  # P^2m


_M64 = (1 << 64) - 1


def _mix_ref(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def _shingles_ref(folded: str, k: int) -> list[int]:
    """The definition, one word and one shingle at a time: a word's hash is mix(sum of its UTF-8
    bytes times P^position + its length); a shingle's, mix of Horner's sum of its k word hashes;
    a text under k words has one shingle of its words padded with zero words."""
    p = 1099511628211
    words = []
    for w in folded.encode("utf-8").replace(b"\n", b" ").split(b" "):
        if w:
            words.append(_mix_ref((sum(c * pow(p, j, 1 << 64) for j, c in enumerate(w)) + len(w)) & _M64))
    if not words:
        return []
    windows = [words[i:i + k] for i in range(len(words) - k + 1)] or [words + [0] * (k - len(words))]
    out = []
    for win in windows:
        acc = 0
        for w in win:
            acc = (acc * 0x9E3779B97F4A7C15 + w) & _M64
        out.append(_mix_ref(acc))
    return out


def _signature_ref(shingles: list[int], num_perm: int, seed: int) -> list[int]:
    """One permutation hashing: the salted hash's top half picks the bin, its low half (made
    even) competes for the bin's minimum; an empty bin takes the next filled bin to its right
    (circularly) plus its distance times a constant."""
    empty = 0xFFFFFFFF
    sig = [empty] * num_perm
    salt = (seed * 0x9E3779B97F4A7C15) & _M64
    for s in shingles:
        h = _mix_ref(s ^ salt)
        b = ((h >> 32) * num_perm) >> 32
        sig[b] = min(sig[b], h & 0xFFFFFFFE)
    if not shingles:
        return sig
    filled = list(sig)
    for j in range(num_perm):
        if sig[j] == empty:
            d = next(d for d in range(1, num_perm) if sig[(j + d) % num_perm] != empty)
            filled[j] = ((sig[(j + d) % num_perm] + d * 0x9E3779B1) & 0xFFFFFFFF) & 0xFFFFFFFE
    return filled


def test_sketch_matches_its_definition():
    """The index keeps signatures across runs: however sketch() computes them (byte pairs,
    batches), the values must stay those of the plain definition."""
    from cleancorpus.pipeline.dedup.signatures import fold, sketch

    texts = [fold(t) for t in _texts()] + ["one", "two words", "three words here", "a" * 301, "é " * 7]
    texts += [t[:n] for t in texts[:3] for n in (1, 2, 3, 4, 50, 51)]  # joined lengths odd and even
    for num_perm, k, seed in ((120, 3, 1), (7, 5, 2), (64, 1, 0)):
        sig, n_sh, values, offsets = sketch(texts, num_perm, k, seed)
        for i, t in enumerate(texts):
            sh = _shingles_ref(t, k)
            assert n_sh[i] == len(sh), (k, t[:40])
            assert sig[i].tolist() == _signature_ref(sh, num_perm, seed), (num_perm, k, seed, t[:40])
            assert values[offsets[i]:offsets[i + 1]].tolist() == sorted({s >> 32 for s in sh})

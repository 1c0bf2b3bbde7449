"""Offline language identification (py3langid ships its model inside the package).

py3langid finds the model's byte n-grams by walking a DFA over the UTF-8 bytes, one Python step
per byte: 60% of its cost on a 600-character sample. The DFA is an Aho-Corasick automaton over a
trie at most 6 bytes deep (checked once on py3langid 0.4.0's model, all 104,583 states x 256
bytes: each transition goes to the longest suffix of state + byte that is a trie node), so the
state after a byte depends on the last 6 bytes alone. `_VectorIdentifier` starts a walk at the root
at every position and advances all of them together, one numpy gather per byte of window, instead
of 600 Python steps. A round that changes no state certifies the result whatever the automaton:
each state is then the transition of the one before, so they are the walk's own. Text the window
cannot certify (a model with deeper n-grams) falls back to py3langid's walk.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import py3langid
from py3langid import langid as langid_module
from py3langid.langid import MODEL_FILE, RAW_FLOOR, LanguageIdentifier
from py3langid.modelio import _to_array, load_model

# bytes that decide a state: the depth of py3langid 0.4.0's trie; a deeper model is caught by the
# certificate and costs its text py3langid's own walk
WINDOW = 6


class _VectorIdentifier(LanguageIdentifier):
    """py3langid's identifier with its byte-by-byte DFA walk done as a few whole-text numpy passes.

    Only `_raw_score` changes: encoding (lower-casing all-caps text, NFC), length scaling, softmax
    and the folding of aliased labels stay py3langid's, so confidences match its own.
    """

    __slots__ = ("_next", "_state_rowbase", "_pair_rowbase", "_root_next", "_feature")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._build_tables()

    def _build_tables(self) -> None:
        """numpy views of the DFA, and the two bytes after the root as one lookup (2 ms, 1.8 MB)."""
        self._next = np.frombuffer(self.tk_nextmove, dtype=f"u{self.tk_nextmove.itemsize}")
        rows = np.frombuffer(self.tk_row, dtype=f"u{self.tk_row.itemsize}")
        self._state_rowbase = rows.astype(np.intp) << 8
        self._feature = np.asarray(self.tk_output, dtype=np.int32)
        self._root_next = self._next[self._state_rowbase[0] + np.arange(256)]
        second = self._state_rowbase[self._root_next][:, None] + np.arange(256)
        self._pair_rowbase = self._state_rowbase[self._next[second.ravel()]]

    def _states(self, data: bytes) -> np.ndarray | None:
        """State after each byte of non-empty `data`; None when the last WINDOW bytes did not decide it.

        Round k extends the walk over the k - 1 bytes before each position by the byte at it, at
        every position at once; position 0 starts at the root, so walks that would start before
        the text are the text's own walk from its first byte. A round that changes nothing
        certifies the states: each is then the transition of the one before. Prose seldom reaches
        the model's 198 six-byte states, pairs of kana or CJK characters (4 of 181 benchmark
        samples), so most is certified by the 6-byte round; earlier rounds hardly ever would be
        and are not compared.
        """
        b = np.frombuffer(data, dtype=np.uint8).astype(np.intp)
        rowbase = np.empty(len(b), dtype=np.intp)  # row of each state, walked from k - 1 bytes back
        rowbase[0] = self._state_rowbase[self._root_next[b[0]]]
        rowbase[1:] = self._pair_rowbase[(b[:-1] << 8) | b[1:]]
        index = np.empty(len(b), dtype=np.intp)
        index[0] = self._state_rowbase[0] + b[0]
        states: np.ndarray | None = None
        for k in range(3, WINDOW + 2):
            np.add(rowbase[:-1], b[1:], out=index[1:])
            longer = self._next[index]
            if k >= WINDOW and states is not None and (longer == states).all():
                return states
            states, rowbase = longer, self._state_rowbase[longer]
        return None

    def _visits(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Features the states emit and their counts, in order of first occurrence.

        Counter keeps that order, and the score sums the features' rows in it: the same order
        gives bit-identical scores. Sorting feature << 32 | position puts each feature's first
        position at the head of its run.
        """
        features = self._feature[states]
        positions = np.flatnonzero(features >= 0)
        if not len(positions):
            return positions, positions.astype(np.float32)
        keys = (features[positions].astype(np.int64) << 32) | positions
        keys.sort()
        feature = keys >> 32
        head = np.empty(len(keys), dtype=bool)
        head[:1] = True
        np.not_equal(feature[1:], feature[:-1], out=head[1:])
        starts = np.flatnonzero(head)
        counts = np.empty(len(starts), dtype=np.intp)
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1] = len(keys) - starts[-1]
        order = np.argsort(keys[starts] & 0xFFFFFFFF)
        return feature[starts[order]], counts[order].astype(np.float32)

    def _raw_score(self, text: bytes) -> np.ndarray:
        """py3langid's naive-Bayes scores of the encoded text."""
        states = self._states(text) if len(text) else np.empty(0, dtype=np.intp)
        if states is None:
            return super()._raw_score(text)
        idx, counts = self._visits(states)
        if not len(idx):  # as py3langid: 0.0 under norm_probs (uniform, abstain), else a floor
            fill = 0.0 if self._norm_probs else RAW_FLOOR
            return np.full(len(self.nb_classes), fill, dtype=np.float32)
        return np.log1p(counts) @ self.nb_ptc[idx] + self.nb_pc


@lru_cache(maxsize=1)
def _identifier() -> _VectorIdentifier:
    ptc, pc, classes, nextmove, row, output = _model()
    # the transition table stays the (mapped, shared) numpy array: py3langid copies it into a
    # stdlib array (39 MB a process) only for its own byte walk, which indexes either alike
    return _VectorIdentifier(ptc, pc, [str(c) for c in classes], nextmove, output.tolist(),
                             norm_probs=True, tk_row=_to_array(row))


_MODEL_KEYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _model() -> tuple[np.ndarray, ...]:
    """py3langid's model arrays, its table as float32.

    The model ships LZMA-compressed with its table as float16, which numpy multiplies without
    BLAS: unpacking it and casting the table (57 MB as float32; a document's score takes 146 us
    instead of 210) costs every process 0.4-0.9 s. The result is kept in the user's cache
    directory as plain .npy files, memory-mapped: later processes start in milliseconds and
    share the table's pages. A cache that cannot be written only costs the unpacking.
    """
    src = Path(langid_module.__file__).parent / MODEL_FILE
    cache = _cache_dir(src)
    if cache is not None and (cache / "done").exists():
        try:
            # plain ndarray views of the maps: np.memmap indexing goes through Python (2% of a text run)
            return tuple(np.asarray(np.load(cache / f"{k}.npy", mmap_mode="r", allow_pickle=False)) for k in _MODEL_KEYS)
        except (OSError, ValueError):
            pass  # a damaged cache: unpack again
    ptc, pc, classes, nextmove, row, output = load_model(src)
    arrays = (np.asarray(ptc, dtype=np.float32), np.asarray(pc), np.array(classes), np.asarray(nextmove),
              np.asarray(row), np.asarray(output, dtype=np.int32))
    if cache is not None:
        _write_cache(cache, arrays)
    return arrays


def _cache_dir(src: Path) -> Path | None:
    """One folder per model file (its package version, size and time), under CLEANCORPUS_CACHE
    or ~/.cache/cleancorpus (where remote outputs keep their working copies too)."""
    try:
        st = src.stat()
        base = Path(os.environ.get("CLEANCORPUS_CACHE") or Path.home() / ".cache" / "cleancorpus")
    except (OSError, RuntimeError):
        return None
    return base / f"langid-{getattr(py3langid, '__version__', '0')}-{st.st_size}-{st.st_mtime_ns}"


def _write_cache(cache: Path, arrays: tuple[np.ndarray, ...]) -> None:
    """Written to a folder of its own and renamed into place, so no process maps a half-written file."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=cache.name + ".", dir=cache.parent))
    except OSError:
        return
    try:
        for key, arr in zip(_MODEL_KEYS, arrays):
            np.save(tmp / f"{key}.npy", arr, allow_pickle=False)
        (tmp / "done").touch()
        os.rename(tmp, cache)
    except OSError:  # a full disk, or another process got there first: leave no half-written folder
        shutil.rmtree(tmp, ignore_errors=True)


def detect_language(text: str, min_chars: int = 20, max_chars: int = 600) -> tuple[str | None, float]:
    """ISO 639-1 code and confidence; None for text too short to tell.

    The cost grows with the sample: 600 characters of prose take 0.06 ms against 0.10 ms for
    1,500 (0.12 and 0.26 with py3langid's own walk; bench/language_speed.py), and 600 gave the
    same language as 3,000 characters on all 186 benchmark and seed pages (8 languages).
    """
    sample = text[:max_chars]
    if len(sample.strip()) < min_chars:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return lang, float(prob)

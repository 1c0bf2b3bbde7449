"""Offline language identification (py3langid ships its model inside the package)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # the model ships its table as float16, which numpy multiplies without BLAS: as float32
    # (57 MB instead of 28) a document's score takes 146 us instead of 210
    table = getattr(ident, "nb_ptc", None)
    if isinstance(table, np.ndarray) and table.dtype == np.float16:
        ident.nb_ptc = table.astype(np.float32)
    return ident


def detect_language(text: str, min_chars: int = 20, max_chars: int = 600) -> tuple[str | None, float]:
    """ISO 639-1 code and confidence; None for text too short to tell.

    The model walks the text byte by byte in Python, so its cost grows with the sample: 600
    characters of prose take 0.19 ms against 0.41 ms for 1,500, and gave the same language as
    3,000 characters on all 186 benchmark and seed pages (8 languages).
    """
    sample = text[:max_chars]
    if len(sample.strip()) < min_chars:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return lang, float(prob)

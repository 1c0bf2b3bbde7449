"""Offline language identification (py3langid ships its model inside the package)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_chars: int = 20) -> tuple[str | None, float]:
    """ISO 639-1 code and confidence; None for text too short to tell."""
    sample = text[:1500]  # enough for a confident guess; the model's cost grows with length
    if len(sample.strip()) < min_chars:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return lang, float(prob)

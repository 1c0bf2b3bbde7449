#!/usr/bin/env python3
"""Does a page that ends with its article keep its last paragraph? WCXB dev's article truths (every
3rd; their paragraphs of 25+ words, pages with two or more) written as an <h1> and <p>s and nothing
else, which the bare model decides (they name no role): how many last paragraphs, and paragraphs,
the bare model alone drops, and how many the whole HTML path drops (page_end.closing_prose gives
the model's dropped ends back).

    .venv/bin/python bench/page_end_probe.py [--other MODEL.json]

--other: a second bare model file to compare, e.g. an earlier version out of git:
    git show ac8ad45:pipeline/models/boilerplate-bare-6.json > /tmp/bare6.json
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
import boilerplate as B  # noqa: E402

from cleancorpus.pipeline.config import ExtractConfig, load_config  # noqa: E402
from cleancorpus.pipeline.extraction.blocks import page_blocks  # noqa: E402
from cleancorpus.pipeline.extraction.boilerplate_model import BARE_VERSION, load_model  # noqa: E402
from cleancorpus.pipeline.extraction.html import extract_html, model_input_text  # noqa: E402
from cleancorpus.pipeline.extraction.page_type import page_type_model  # noqa: E402
from cleancorpus.pipeline.extraction.parse import load_html  # noqa: E402


def articles() -> list[tuple[str, list[str]]]:
    """(page key, its paragraphs) of every 3rd WCXB dev article with two paragraphs or more."""
    out = []
    for p in [p for p in B.load_pages() if p.dataset == "wcxb-dev" and p.page_type == "article"][::3]:
        paras = [" ".join(line.split()) for line in p.truth_text().splitlines() if len(line.split()) >= 25]
        if len(paras) >= 2:
            out.append((p.key, paras))
    return out


def page(paras: list[str]) -> str:
    return "<html><head><title>T</title></head><body><h1>T</h1>" + "".join(f"<p>{x}</p>" for x in paras) + "</body></html>"


def lost(paras: list[str], text: str) -> tuple[int, int]:
    """(1 if the last paragraph is missing from text, paragraphs missing)."""
    text = " ".join(text.split())
    return int(paras[-1][:60] not in text), sum(x[:60] not in text for x in paras)


def model_alone(bare_model: str, paras: list[str], cfg: ExtractConfig) -> str:
    html = page(paras)
    tree = load_html(html)
    blocks = page_blocks(tree)
    keep, _ = load_model(bare_model, BARE_VERSION).keep(blocks, model_input_text(tree, None, cfg),
                                                         page_type_model().probabilities(load_html(html), None))
    return " ".join(b.text for b, k in zip(blocks, keep) if k)


def whole_path(bare_model: str, paras: list[str], cfg: ExtractConfig) -> str:
    got = extract_html(page(paras), None, cfg.model_copy(update={"bare_model": bare_model}))
    return got.text if got else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--other", type=Path, help="another bare model file to compare")
    a = ap.parse_args()
    pages = articles()
    cfg = load_config().extract
    print(f"{len(pages)} pages, {sum(len(p) for _, p in pages)} paragraphs")
    for name in (cfg.bare_model, *([str(a.other)] if a.other else [])):
        for how, text in (("model alone", model_alone), ("whole path", whole_path)):
            last, paras = (sum(x) for x in zip(*(lost(p, text(name, p, cfg)) for _, p in pages)))
            print(f"  {name if name != 'default' else BARE_VERSION:24} {how:12} last paragraph lost on {last} pages, "
                  f"paragraphs lost {paras}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

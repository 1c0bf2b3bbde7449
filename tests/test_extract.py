"""The HTML path's shortcuts around trafilatura must give what trafilatura gives."""
from __future__ import annotations

import dataclasses

import pytest
import trafilatura
from conftest import ROOT, SEEDS
from trafilatura.settings import set_date_params

from pipeline.config import load_config
from pipeline.dates import parse_iso_datetime
from pipeline.encoding import decode_bytes
from pipeline.extract import extract_html

PAGES = sorted((ROOT / "data" / "sample").glob("*.htm*"))


def _reference(html: str, cfg):
    return trafilatura.bare_extraction(
        html, with_metadata=True, favor_precision=cfg.favor_precision, include_tables=cfg.include_tables,
        include_comments=cfg.include_comments, deduplicate=False,
        date_extraction_params=set_date_params(cfg.extensive_date_search),
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_same_text_and_metadata_as_trafilatura_in_full(page):
    """Metadata from trafilatura's own steps (no categories, tags, licence) and extraction
    without the readability/jusText comparison unless the body comes out short: the fields
    cleancorpus keeps are the ones full trafilatura gives."""
    cfg = load_config().extract
    html = decode_bytes(page.read_bytes())[0]
    ref, got = _reference(html, cfg), extract_html(html, None, cfg)
    assert got is not None and got.text == ref.text
    assert (got.title, got.author, got.url, got.sitename) == (ref.title, ref.author, ref.url, ref.sitename)
    assert got.published_at == parse_iso_datetime(ref.date)


def test_comparison_runs_only_for_short_bodies(monkeypatch):
    """trafilatura's readability/jusText comparison (fast=False) costs a third of its time:
    it runs for a body under compare_below_chars, and not for a full-length one."""
    calls: list[bool] = []
    real = trafilatura.bare_extraction

    def spy(*args, **kwargs):
        calls.append(kwargs["fast"])
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    cfg = load_config().extract
    paras = [p for p in (SEEDS / "004_15c2f83c18db0b6e.txt").read_text().split("\n\n") if len(p) > 200]
    long_page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>"
    assert len(extract_html(long_page, None, cfg).text) >= cfg.compare_below_chars
    assert calls == [True]
    calls.clear()
    short_page = "<html><body><article><p>" + "A short notice of a few words only, said the council. " * 3 + "</p></article></body></html>"
    assert extract_html(short_page, None, cfg) is not None
    assert calls == [True, False]
    calls.clear()
    extract_html(short_page, None, dataclasses.replace(cfg, compare_below_chars=0))
    assert calls == [True]
    calls.clear()
    extract_html(long_page, None, dataclasses.replace(cfg, compare_below_chars=10**9))
    assert calls == [False]

"""The line model on a page of tests/data, so that CI runs it (test_line_model.py reads ../shared)."""
from __future__ import annotations

import gzip

from conftest import ROOT, clean_text, flatten_html


def test_a_text_the_model_decides_keeps_no_reader_comments(tmp_path):
    """GiveWell's open thread (ScrapingHub, tests/data): a short post over a long thread of reader
    comments, which read like prose. The classifier keeps a twentieth of the text, so the model
    decides it alone; on the comment section (from the comments rule's "10 Comments" down) the
    classifier's verdict stands, and the comments stay out. The same model without that keeps them."""
    import dataclasses
    import json

    from cleancorpus.pipeline.cleaning.line_model import VERSION, load_line_model, model_spec

    page = ROOT / "tests" / "data" / "scrapinghub-ac3c03552046.html.gz"
    flat = flatten_html(gzip.decompress(page.read_bytes()).decode("utf-8"))
    post = "Our goal with hosting quarterly open threads is to give blog readers an opportunity"
    comment = "Logically, there must be some speed at which"
    kept = clean_text(flat).doc.text
    assert post in kept and comment not in kept and len(kept.split()) < 120
    policy = load_line_model("default").policy
    assert policy.comments
    unguarded = tmp_path / "unguarded.json"
    unguarded.write_text(json.dumps({**model_spec("default", VERSION),
                                     "policy": dataclasses.asdict(dataclasses.replace(policy, comments=False))}))
    assert comment in clean_text(flat, {"CLEANCORPUS_CLEAN__LINE_MODEL": json.dumps(str(unguarded))}).doc.text

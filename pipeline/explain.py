"""`cleancorpus explain`: one input as the pipeline sees it."""
from __future__ import annotations

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.model import Reject
from cleancorpus.pipeline.inputs.readers import InputFile, read_file


def explain_file(path: str, config_path: str | None = None, limit: int = 3) -> str:
    cleaner = Cleaner(load_config(config_path), trace=True)
    out: list[str] = []
    for n, item in enumerate(read_file(InputFile(path, 0, 0))):
        if n >= limit:
            out.append(f"... (more records; --limit {limit})")
            break
        if isinstance(item, Reject):
            out.append(f"== {item.source_uri} {item.source_record or ''}\nREJECTED at {item.stage}: {item.reason} ({item.detail})")
            continue
        res = cleaner.process(item)
        out.append(f"== {item.source_uri} {item.source_record or ''}  [{item.source_format}, {res.method}]")
        if res.reject is not None:
            out.append(f"REJECTED at {res.reject.stage}: {res.reject.reason} ({res.reject.detail})")
        if res.doc is not None:
            d = res.doc
            out.append(f"title:     {d.title}\nauthor:    {d.author}\npublished: {d.published_at}\nurl:       {d.url}\n"
                       f"domain:    {d.domain}\nwords:     {len(d.text.split())}")
        out.append("")
        for t in res.trace:
            tag = "KEEP" if t.kept else "DROP"
            out.append(f"{tag} {('[' + t.rule + ']') if t.rule else '':<34} {t.text[:160]}")
        out.append("")
    return "\n".join(out)

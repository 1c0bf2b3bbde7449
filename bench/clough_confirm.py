#!/usr/bin/env python3
"""Could confirmation join more Clough cut/light answers to their source without merging an
independent answer? Every pair is confirmed on the pipeline's own compared sets (as if every
pair were an LSH candidate and the representative rule in the pair's favour).

    .venv/bin/python bench/dedup_quality.py --only clough --keep /tmp/clough
    .venv/bin/python bench/clough_confirm.py /tmp/clough

For each containment threshold: cut+light answers confirmed with their source (either way),
heavy revisions likewise, and independent ("non") answers confirmed into any other document of
their task. Then containment weighted by rarity (log N/df over the 100 documents' sets): do
copied passages stand out from what independent answers share?
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import dedup_quality as dq  # noqa: E402

from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.dedup.compare import confirm  # noqa: E402
from cleancorpus.pipeline.dedup.signatures import jaccard_containment  # noqa: E402
from cleancorpus.pipeline.run.deduplicate import compared_from_text  # noqa: E402
from cleancorpus.pipeline.run.process import variants_for  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", type=Path, help="the --keep dir of `dedup_quality.py --only clough`")
    ap.add_argument("--config", type=Path, default=HERE / "dedup.toml")
    a = ap.parse_args(argv)
    cfg = load_config(a.config)
    variants = variants_for(cfg)
    order = [json.loads(line)["id"] for line in (a.work / "clough.jsonl").open()]
    meta = {r["id"]: r for r in dq.read_jsonl(dq.CLOUGH / "clusters.jsonl")}
    out = a.work / "clough.out"
    dropped = {r["doc_id"]: r["text"] for r in dq.read_table(out / "state" / "dedup_texts")}
    sets = {}
    for table in ("documents", "rejects"):
        for r in dq.read_table(out / table):
            i = order[int(str(r["source_record"]).split(":")[1]) - 1]
            text = r["text"] if table == "documents" else dropped.get(r["doc_id"], "")
            sets[i] = compared_from_text(text or "", cfg, variants)
    task = {i: i.split("_")[1] for i in sets}
    cat = {i: "orig" if i.startswith("orig") else meta[i]["category"] for i in sets}
    answers = [i for i in sorted(sets) if cat[i] != "orig"]

    def either(x: str, y: str, c) -> bool:
        return confirm(sets[x], sets[y], c) is not None or confirm(sets[y], sets[x], c) is not None

    def share(x: str, y: str) -> float:
        """How much of x's compared set is in y's."""
        _, c = jaccard_containment(sets[x].shingles, sets[y].shingles)
        return c * min(len(sets[x].shingles), len(sets[y].shingles)) / max(len(sets[x].shingles), 1)

    print("containment threshold: cut+light with source / heavy with source / independent answers confirmed")
    for th in (0.4, 0.35, 0.3, 0.25, 0.2):
        c = cfg.dedup.model_copy(update={"containment_threshold": th})
        cl = sum(either(i, f"orig_{task[i]}", c) for i in answers if cat[i] in ("cut", "light"))
        hv = sum(either(i, f"orig_{task[i]}", c) for i in answers if cat[i] == "heavy")
        nn = [(x, y) for x in answers if cat[x] == "non" for y in sets
              if y != x and task[y] == task[x] and confirm(sets[x], sets[y], c) is not None]
        print(f"  {th:4}: {cl}/38  {hv}/19  {nn}")
    df = collections.Counter(s for x in sets.values() for s in x.shingles.tolist())
    n = len(sets)

    def weighted(x: str, y: str) -> float:
        a, b = set(sets[x].shingles.tolist()), set(sets[y].shingles.tolist())
        total = sum(math.log(n / df[s]) for s in a) or 1.0
        return sum(math.log(n / df[s]) for s in a & b) / total

    copies = [(weighted(i, f"orig_{task[i]}"), share(i, f"orig_{task[i]}")) for i in answers if cat[i] in ("cut", "light")]
    non = sorted(((weighted(x, y), share(x, y), f"{x} in {y}") for x in answers if cat[x] == "non"
                  for y in answers if y != x and task[y] == task[x] and cat[y] == "non"), reverse=True)
    print("cut+light answers in their source, at least: weighted / plain containment")
    for th in (0.2, 0.25, 0.3, 0.4):
        print(f"  {th}: {sum(w >= th for w, _ in copies)}/38 / {sum(p >= th for _, p in copies)}/38")
    print("independent answers in one another, highest: (weighted, plain, pair)")
    for w, p, pair in non[:4]:
        print(f"  {w:.3f} {p:.3f} {pair}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Build a labelled syndication (near-duplicate) set from the ScrapingHub truth texts.

    python bench/make_syndication.py --out DIR [--seed 7] [--truth DIR]

One third of the 181 article bodies get 1-3 syndicated copies each, made the way
real copies on other sites look. Each copy gets a random subset of 2-4 of:

  header     another site's header lines (site name, byline, date line, promo)
  footer     social / copyright / cookie / newsletter lines
  spelling   British <-> American spelling swaps (~60 word pairs)
  drop       one paragraph dropped, or "Read more:" + 3 invented headlines (readmore)
  truncate   only the first 60-90% of paragraphs (sentences for 1-2 paragraph texts)
  headline   a (changed) headline line at the top
  quotes     curly <-> straight quotes

The other two thirds stay single. Standard library only; deterministic for a seed.

Output:
  DIR/docs.jsonl      {"id", "text", "url", "published_at"}   (shuffled order)
  DIR/clusters.jsonl  {"id", "cluster", "category", "transforms"}; cluster is the
                      original's id for an original and its copies, own id for
                      singles -- the format bench/dedup/score.py --clusters reads.
  DIR/copies.jsonl    per copy: {"id", "of", "transforms", "added_lines"} (the
                      injected boilerplate lines, for residue checks)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_TRUTH = Path("/work/shared/bench/extraction/scrapinghub/truth")

# ---------------------------------------------------------------- vocabularies

SPELLING_PAIRS = [  # british, american
    ("colour", "color"), ("colours", "colors"), ("coloured", "colored"),
    ("favour", "favor"), ("favourite", "favorite"), ("favourable", "favorable"),
    ("honour", "honor"), ("labour", "labor"), ("neighbour", "neighbor"),
    ("neighbours", "neighbors"), ("neighbouring", "neighboring"),
    ("behaviour", "behavior"), ("humour", "humor"), ("rumour", "rumor"),
    ("rumours", "rumors"), ("harbour", "harbor"), ("flavour", "flavor"),
    ("armour", "armor"), ("armoured", "armored"), ("vapour", "vapor"),
    ("defence", "defense"), ("offence", "offense"), ("centre", "center"),
    ("centres", "centers"), ("theatre", "theater"), ("metre", "meter"),
    ("metres", "meters"), ("litre", "liter"), ("fibre", "fiber"),
    ("organise", "organize"), ("organised", "organized"), ("organisation", "organization"),
    ("organisations", "organizations"), ("recognise", "recognize"), ("recognised", "recognized"),
    ("realise", "realize"), ("realised", "realized"), ("apologise", "apologize"),
    ("criticise", "criticize"), ("criticised", "criticized"), ("emphasise", "emphasize"),
    ("minimise", "minimize"), ("maximise", "maximize"), ("prioritise", "prioritize"),
    ("analyse", "analyze"), ("analysed", "analyzed"), ("catalogue", "catalog"),
    ("programme", "program"), ("programmes", "programs"), ("travelled", "traveled"),
    ("travelling", "traveling"), ("cancelled", "canceled"), ("modelling", "modeling"),
    ("labelled", "labeled"), ("jewellery", "jewelry"), ("grey", "gray"),
    ("aluminium", "aluminum"), ("sceptical", "skeptical"), ("manoeuvre", "maneuver"),
    ("ageing", "aging"), ("judgement", "judgment"), ("fulfil", "fulfill"),
    ("utilise", "utilize"), ("stabilise", "stabilize"), ("globalisation", "globalization"),
    ("specialise", "specialize"), ("specialised", "specialized"), ("mould", "mold"),
]

SITE_PLACES = [
    "Northbridge", "Riverside", "Lakeshore", "Granite", "Harborview", "Summit",
    "Pine Valley", "Eastgate", "Westfield", "Coastal", "Redhill", "Silverton",
    "Maple Ridge", "Ashford", "Brookfield", "Cedar Falls", "Oakmont", "Stonebridge",
    "Fairhaven", "Kingsport", "Mill Creek", "Bayside", "Highland", "Greenvale",
]
SITE_KINDS = [
    "Herald", "Courier", "Gazette", "Times", "Post", "Ledger", "Chronicle",
    "Daily", "Tribune", "Observer", "Dispatch", "Wire", "Journal", "Sentinel",
    "Record", "Bulletin", "Express", "News Network",
]
BYLINES = [
    "By Staff Writer", "By Staff Reporter", "By {site} Staff", "Staff Report",
    "By Newsroom Desk", "From our wire services", "By Web Desk", "By News Desk",
    "Written by {site} Editorial Team", "By Agency Reporter",
]
DATE_LINES = [
    "Published {d:%d %B %Y}, {d:%H:%M}",
    "{d:%B} {day}, {d:%Y} at {hour12}:{d:%M} {ampm} ET",
    "Updated {d:%Y-%m-%d} {d:%H:%M} GMT",
    "{d:%d/%m/%Y}",
    "Posted on {d:%A}, {d:%B} {day}, {d:%Y}",
    "Last updated: {d:%b} {day}, {d:%Y}",
]
PROMOS = [
    "Subscribe now and get 50% off",
    "Get unlimited digital access for just $1 a week",
    "Sign up for our free morning briefing",
    "Download our app for breaking news alerts",
    "Limited offer: 3 months for the price of 1",
    "Support independent journalism - become a member today",
    "Advertisement",
    "Listen to this article (4 min)",
    "Try {site} Premium free for 30 days",
]
SITE_LINE = ["{site}", "{SITE}", "{site} | News", "Home > News > {section}", "{site} - {section}"]
SECTIONS = ["World", "Business", "Tech", "Politics", "Sport", "Culture", "Science", "US News"]
FOOTERS = [
    "Follow us on Twitter",
    "Follow us on Facebook and Instagram for the latest updates",
    "Share this article",
    "Share on Facebook · Share on X · Email",
    "© {year} {company}. All rights reserved.",
    "Copyright {year} {site}. All rights reserved.",
    "We use cookies to improve your experience. By continuing to browse you agree to our cookie policy.",
    "Sign up to our newsletter for the latest news, delivered daily.",
    "This article originally appeared on {orig_domain}.",
    "Related topics: {section}, Latest",
    "Comments are closed.",
    "Spotted a mistake? Report a typo",
    "Join the conversation on our WhatsApp channel",
]
COMPANIES = ["Some Media Ltd", "Blue Harbor Publishing", "Regional News Group plc",
             "Meridian Digital Media", "Lantern Press Holdings", "Crossroads Media LLC"]

HL_PLACES = ["Springfield", "Dover", "Lakewood", "Port Ellis", "the region", "Brussels",
             "the state capital", "Norwood", "Elm County"]
HL_SUBJECTS = ["council", "regulators", "lawmakers", "officials", "investors", "residents",
               "health experts", "the central bank", "union leaders"]
HL_TEMPLATES = [
    "{place} {subj} approve new transport plan",
    "{Subj} warn of delays as talks stall in {place}",
    "What the latest figures mean for {place}",
    "{Subj} in {place} push back on budget cuts",
    "Five things to watch this week",
    "Opinion: it is time {subj} listened",
    "{place} braces for storm as {subj} issue warning",
    "Inside the race to rebuild {place}",
    "Explainer: why {subj} are worried",
]
HEADLINE_PREFIX = ["", "", "UPDATE: ", "Exclusive: ", "WATCH: ", "Analysis: ", "BREAKING: "]

# --------------------------------------------------------------- text helpers

_WORD_RE = re.compile(r"[A-Za-z]+")
_SENT_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z0-9“\"‘'(])")


def split_paragraphs(text: str) -> tuple[list[str], str]:
    """Paragraphs = non-empty lines; separator = blank line if the text uses them."""
    sep = "\n\n" if "\n\n" in text.strip() else "\n"
    paras = [p.strip() for p in text.splitlines() if p.strip()]
    return paras, sep


def _match_case(src: str, repl: str) -> str:
    if src.isupper():
        return repl.upper()
    if src[:1].isupper():
        return repl[:1].upper() + repl[1:]
    return repl


def spelling_counts(text: str) -> tuple[int, int]:
    words = [w.lower() for w in _WORD_RE.findall(text)]
    brit = {b for b, _ in SPELLING_PAIRS}
    amer = {a for _, a in SPELLING_PAIRS}
    return sum(w in brit for w in words), sum(w in amer for w in words)


def swap_spelling(text: str) -> tuple[str, str, int]:
    """Swap toward the other variety. Returns (text, direction, substitutions)."""
    nb, na = spelling_counts(text)
    if nb >= na:
        table, direction = {b: a for b, a in SPELLING_PAIRS}, "uk->us"
    else:
        table, direction = {a: b for b, a in SPELLING_PAIRS}, "us->uk"
    n = 0

    def sub(m: re.Match) -> str:
        nonlocal n
        w = m.group(0)
        r = table.get(w.lower())
        if r is None:
            return w
        n += 1
        return _match_case(w, r)

    return _WORD_RE.sub(sub, text), direction, n


def has_quotes(text: str) -> bool:
    return any(c in text for c in "\"'“”‘’")


def swap_quotes(text: str) -> tuple[str, str]:
    if any(c in text for c in "“”‘’"):
        out = (text.replace("“", '"').replace("”", '"').replace("„", '"')
               .replace("‘", "'").replace("’", "'"))
        return out, "curly->straight"
    out = re.sub(r'(^|[\s(\[—-])"', lambda m: m.group(1) + "“", text)
    out = out.replace('"', "”")
    out = re.sub(r"(?<=\w)'", "’", out)
    out = re.sub(r"(^|[\s(\[])'", lambda m: m.group(1) + "‘", out)
    out = out.replace("'", "’")
    return out, "straight->curly"


def split_sentences(p: str) -> list[str]:
    return [s for s in _SENT_RE.split(p) if s and s.strip()]


# ----------------------------------------------------------------- generator

class SiteFactory:
    def __init__(self, rng: random.Random):
        names = [f"{p} {k}" for p in SITE_PLACES for k in SITE_KINDS]
        rng.shuffle(names)
        self.names = names
        self.i = 0

    def next(self) -> tuple[str, str]:
        name = self.names[self.i]
        self.i += 1
        if name.split()[-1] in ("Daily",):
            disp = name
        else:
            disp = ("The " + name) if self.i % 3 else name
        dom = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        # "site-N" part keeps every copy's domain distinct and easy to spot
        return disp, f"{dom}-{self.i}.example"


def fmt_date_line(rng: random.Random, d: dt.datetime) -> str:
    tpl = rng.choice(DATE_LINES)
    hour12 = d.hour % 12 or 12
    return tpl.format(d=d, day=d.day, hour12=hour12, ampm="a.m." if d.hour < 12 else "p.m.")


def slug_headline(url: str) -> str | None:
    path = urlparse(url).path
    parts = [p for p in path.split("/") if p]
    best = None
    for p in parts:
        p = re.sub(r"\.(html?|php)$", "", p)
        words = [w for w in re.split(r"[-_]+", p) if w and not re.fullmatch(r"[0-9a-f]{6,}|\d+", w)]
        if len(words) >= 4 and (best is None or len(words) > len(best)):
            best = words
    if not best:
        return None
    return " ".join(best)


def make_headline(rng: random.Random, orig_url: str, paras: list[str], site: str) -> str:
    base = slug_headline(orig_url)
    if base:
        words = base.split()
        words = [w.capitalize() if i == 0 or rng.random() < 0.5 else w for i, w in enumerate(words)]
        hl = " ".join(words)
    else:
        first = split_sentences(paras[0])[0] if paras else "News"
        hl = " ".join(first.split()[:9]).rstrip(",.;:")
    if rng.random() < 0.4 and len(hl.split()) > 5:
        hl = " ".join(hl.split()[:-1])
    hl = rng.choice(HEADLINE_PREFIX) + hl
    r = rng.random()
    if r < 0.3:
        hl += f" | {site}"
    elif r < 0.45:
        hl += f" - {site}"
    return hl


def invented_headlines(rng: random.Random, k: int = 3) -> list[str]:
    out = []
    for tpl in rng.sample(HL_TEMPLATES, k):
        subj = rng.choice(HL_SUBJECTS)
        out.append(tpl.format(place=rng.choice(HL_PLACES), subj=subj, Subj=subj[:1].upper() + subj[1:]))
    return out


def make_copy(rng: random.Random, orig_text: str, orig_url: str, site: str, domain: str,
              when: dt.datetime) -> tuple[str, list[str], list[str]]:
    paras, sep = split_paragraphs(orig_text)
    applicable = ["header", "footer", "drop", "headline"]
    if sum(spelling_counts(orig_text)) > 0:
        applicable.append("spelling")
    if has_quotes(orig_text):
        applicable.append("quotes")
    if len(paras) >= 2 or len(split_sentences(paras[0])) >= 3:
        applicable.append("truncate")
    k = rng.randint(2, 4)
    chosen = set(rng.sample(applicable, min(k, len(applicable))))
    applied: list[str] = []
    added: list[str] = []
    section = rng.choice(SECTIONS)
    text_paras = list(paras)

    if "spelling" in chosen:
        joined, direction, n = swap_spelling(sep.join(text_paras))
        text_paras = joined.split(sep)
        applied.append(f"spelling:{direction}:{n}")
    if "quotes" in chosen:
        joined, direction = swap_quotes(sep.join(text_paras))
        text_paras = joined.split(sep)
        applied.append(f"quotes:{direction}")
    if "truncate" in chosen:
        frac = rng.uniform(0.6, 0.9)
        if len(text_paras) >= 3:
            keep = max(1, min(len(text_paras) - 1, math.ceil(frac * len(text_paras))))
            applied.append(f"truncate:{keep}/{len(text_paras)}p")
            text_paras = text_paras[:keep]
        else:
            sents = [s for p in text_paras for s in split_sentences(p)]
            keep = max(1, min(len(sents) - 1, math.ceil(frac * len(sents))))
            applied.append(f"truncate:{keep}/{len(sents)}s")
            text_paras = [" ".join(sents[:keep])]
    readmore: list[str] = []
    if "drop" in chosen:
        if len(text_paras) >= 3 and rng.random() < 0.5:
            i = rng.randrange(1, len(text_paras))
            applied.append(f"drop:paragraph {i + 1}/{len(text_paras)} ({len(text_paras[i].split())}w)")
            del text_paras[i]
        else:
            readmore = [rng.choice(["Read more:", "READ MORE:", "Read more", "Related:"])] + invented_headlines(rng)
            applied.append("readmore")
            added += readmore
    top: list[str] = []
    if "header" in chosen:
        fields = dict(site=site, SITE=site.upper(), section=section)
        hdr = [rng.choice(SITE_LINE).format(**fields)]
        extra = []
        if rng.random() < 0.8:
            extra.append(rng.choice(BYLINES).format(site=site))
        if rng.random() < 0.8:
            extra.append(fmt_date_line(rng, when))
        if rng.random() < 0.7:
            extra.append(rng.choice(PROMOS).format(site=site))
        if not extra:
            extra.append(rng.choice(BYLINES).format(site=site))
        rng.shuffle(extra)
        hdr += extra
        top += hdr
        added += hdr
        applied.append(f"header:{len(hdr)}")
    if "headline" in chosen:
        hl = make_headline(rng, orig_url, paras, site)
        # headline sits under the site line but above byline/date, as scraped pages do
        top.insert(1 if "header" in chosen else 0, hl)
        added.append(hl)
        applied.append("headline")
    bottom: list[str] = []
    if "footer" in chosen:
        fields = dict(site=site, year=when.year, company=rng.choice(COMPANIES),
                      orig_domain=urlparse(orig_url).hostname or "the original site", section=section)
        bottom = [t.format(**fields) for t in rng.sample(FOOTERS, rng.randint(2, 4))]
        added += bottom
        applied.append(f"footer:{len(bottom)}")
    text = sep.join(top + text_paras + readmore + bottom)
    return text, applied, added


def iso(d: dt.datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def build(truth: Path, seed: int = 7) -> tuple[list[dict], list[dict], list[dict]]:
    rng = random.Random(seed)
    meta_path = truth.parent / "meta.jsonl"
    urls = {}
    if meta_path.exists():
        for line in meta_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                urls[r["id"]] = r["url"]
    files = sorted(truth.glob("*.txt"))
    texts = {f.stem: f.read_text(encoding="utf-8") for f in files}
    ids = sorted(texts)
    originals = set(rng.sample(ids, len(ids) // 3))
    sites = SiteFactory(rng)
    base = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)
    docs, clusters, copies = [], [], []
    for i in ids:
        pub = base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 4))
        url = urls.get(i) or f"https://original-{i[:8]}.example/article"
        docs.append({"id": i, "text": texts[i].strip(), "url": url, "published_at": iso(pub)})
        clusters.append({"id": i, "cluster": i, "category": "original" if i in originals else "single",
                         "transforms": []})
        if i not in originals:
            continue
        when = pub
        for c in range(rng.randint(1, 3)):
            when = when + dt.timedelta(minutes=rng.randrange(20, 60 * 24 * 3))
            site, domain = sites.next()
            text, applied, added = make_copy(rng, texts[i].strip(), url, site, domain, when)
            cid = f"{i}-copy{c + 1}"
            slug = (slug_headline(url) or f"story {i[:10]}").lower().replace(" ", "-")[:80]
            curl = f"https://{domain}/{when:%Y/%m/%d}/{slug}"
            docs.append({"id": cid, "text": text, "url": curl, "published_at": iso(when)})
            clusters.append({"id": cid, "cluster": i, "category": "copy", "transforms": applied})
            copies.append({"id": cid, "of": i, "transforms": applied, "added_lines": added})
    rng.shuffle(docs)
    return docs, clusters, copies


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    args = ap.parse_args(argv)
    docs, clusters, copies = build(args.truth, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "docs.jsonl", docs)
    write_jsonl(args.out / "clusters.jsonl", clusters)
    write_jsonl(args.out / "copies.jsonl", copies)
    n_orig = sum(c["category"] == "original" for c in clusters)
    print(f"{len(docs)} docs: {n_orig} originals with {len(copies)} copies, "
          f"{len(docs) - n_orig - len(copies)} singles -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

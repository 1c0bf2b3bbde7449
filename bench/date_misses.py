#!/usr/bin/env python3
"""Every publication-date miss of page_metadata on dated WCXB dev pages, with where our date
came from and a cause, counted by fold: the table the date rules are written from.

    .venv/bin/python bench/date_misses.py [--all-types] [--spurious] [--folds 0,1,2,3,4] [--tsv OUT]
    .venv/bin/python bench/date_misses.py --conventions

--conventions: which day the labels take where the page offers two, cell by structural cell,
folds 0-3 and fold 4 apart (the rules are chosen on the first, checked on the second); and, on
the pages we leave undated, how the labels fall for the signals a rule could date them by.

A miss: a page whose label gives a day (or a month) that page_metadata's date does not match
(bench/metadata_eval.py's strict verdict). Article pages only unless --all-types. With
--spurious, also the undated pages we date (they cost the strict figure).

Columns: page id, fold, domain, label day, our day, where ours came from, trafilatura's day
(its extract_metadata, cached as metadata_eval.py caches it), the cause.

Where ours came from (the first step of published.choose_date that gives it):
  meta:<source>      the metadata's publication day (json-ld, a meta tag's name, itemprop)
  shown-over-meta    the dateline by the headline over a metadata day (stamped, or the metadata's
                     modification day shown)
  url                the day in the URL
  dateline / dateline-updated / far   the dateline by the headline (published, or the only
                     "Updated" day), a dated element further below in the post's <article>
  none               no date

Causes (first that fits):
  no date, label not in HTML      we give none, and the HTML shows the label's day in no
                                  spelling DATE_RE reads (either day order)
  no date, label only in markup   we give none; the label's day is in the HTML (attributes,
                                  scripts) but not in the visible text
  no date, label in text          we give none; the visible text shows the label's day
  one day off                     a day from the label (time zones)
  label = modification day        the label is a modification day (metadata's dateModified or
                                  a modification meta tag, or the shown "Updated" day), ours a
                                  publication day
  label = shown, ours metadata    ours the metadata's day; the label the dateline's
                                  published day by the headline
  label = metadata, ours shown    the label is a metadata publication day, ours another
  label not in HTML               ours is some day, the label's the HTML never shows
  label in text, other chosen     the label's day shown in the text, not found or another chosen
  label in markup, other chosen   the label's day only in the markup
"""
from __future__ import annotations

import argparse
import html as htmllib
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import metadata_eval as me  # noqa: E402


def _days_in(text: str) -> set[str]:
    """Every day DATE_RE reads in a text, in both day orders (a 03/04/2025 is both)."""
    from cleancorpus.pipeline.extraction.dates import DATE_RE, has_digit, match_to_date

    if not has_digit(text):
        return set()
    out = set()
    for m in DATE_RE.finditer(text):
        for order in ("DMY", "MDY"):
            if d := match_to_date(m, order):
                out.add(d.isoformat())
    return out


_COMPACT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)")


def _dash_days(text: str) -> set[str]:
    """The hyphenated numeric days of a text ("01-04-2024"), in both day orders."""
    from cleancorpus.pipeline.extraction.dates import DASH_DAY_RE

    return {f"{m[3]}-{int(a):02d}-{int(b):02d}" for m in DASH_DAY_RE.finditer(text) for a, b in ((m[1], m[2]), (m[2], m[1]))}


def html_days(raw: str) -> set[str]:
    """Days anywhere in the page's HTML, attributes and scripts included."""
    text = htmllib.unescape(raw)
    days = _days_in(text)
    days |= {f"{m[1]}-{m[2]}-{m[3]}" for m in _COMPACT.finditer(text)}
    days |= _dash_days(text)
    return days


def trace(tree: Any, url: str, cfg: Any) -> dict[str, Any]:
    """What each step of published.choose_date gives on this page (default rules)."""
    from trafilatura.settings import set_date_params

    from cleancorpus.pipeline.extraction.dateline import datelines, url_date
    from cleancorpus.pipeline.extraction.dates import iso_day
    from cleancorpus.pipeline.extraction.metadata import published as pub
    from cleancorpus.pipeline.extraction.metadata.page import Page, ld_text
    from cleancorpus.pipeline.extraction.metadata.rules import DEFAULT_RULES as R

    max_day = set_date_params(False)["max_date"]

    def ok(v: Any) -> str | None:
        d = iso_day(v if isinstance(v, str) else ld_text(v), cfg.date_order)
        return d if d and "1995-01-01" <= d <= max_day else None

    page = Page(tree, url, heading=R.zone_heading, unsaid_h1=R.zone_unsaid_h1, site_h1=R.zone_site_h1,
                post_article=R.zone_post_article)
    kw = dict(text_near=R.date_text_near, above_weight=R.date_above_weight, published_far=R.date_published_far,
              updated_gap=R.date_updated_gap, link_near=R.date_link_near, icon_text=R.date_icon_text)
    known = list(pub._known_days(page, ok, R)) + list(pub._other_days(page, tree, ok, R))
    meta_day, stamped = pub._metadata_day(page, tree, ok, R, cfg.date_order)
    shown_pub, shown_upd = (ok(d) for d in datelines(tree, cfg.date_order, near=R.date_near, zone=page.date_zone, **kw))
    far = (None, None)
    if page.says_article() and (zone := pub._in_post(page.date_zone, tree)):
        far = tuple(ok(d) for d in datelines(tree, cfg.date_order, near=R.date_far, zone=zone, **kw))
    return {
        "known": [(d, s, src) for d, s, src in known], "meta_day": meta_day, "stamped": stamped,
        "modified": sorted(pub._modified_days(page, ok, True)), "url": ok(url_date(url)),
        "shown": (shown_pub, shown_upd), "far": far, "visible": pub.visible_days(tree, cfg.date_order) | _dash_days(
            " ".join(t for t in tree.xpath(pub._VISIBLE_TEXT) if "-" in t)),
        "article": page.says_article(),
    }


def source(ours: str | None, t: dict[str, Any]) -> str:
    if not ours:
        return "none"
    if t["meta_day"]:
        if ours == t["meta_day"]:
            src = next((s for d, _, s in t["known"] if d == ours), "?")
            return f"meta:{src}" + (" (stamped)" if t["stamped"] else "")
        return "shown-over-meta"
    if ours == t["url"]:
        return "url"
    if ours == t["shown"][0]:
        return "dateline"
    if ours == t["shown"][1]:
        return "dateline-updated"
    if ours in t["far"]:
        return "far"
    return "?"


def cause(label: str, ours: str | None, t: dict[str, Any], in_html: set[str]) -> str:
    from cleancorpus.pipeline.extraction.dates import days_apart

    def has(days: set[str]) -> bool:
        return any(d == label or (len(label) == 7 and d[:7] == label) for d in days)

    if not ours:
        if not has(in_html):
            return "no date, label not in HTML"
        return "no date, label in text" if has(t["visible"]) else "no date, label only in markup"
    if len(label) == 10 and (days_apart(label, ours) or 9) <= 1:
        return "one day off"
    meta_pub = {d for d, _, _ in t["known"]}
    if (label in t["modified"] or label == t["shown"][1]) and ours in meta_pub | {t["shown"][0], t["url"]}:
        return "label = modification day"
    if ours == t["meta_day"] and label in (t["shown"][0], t["far"][0]):
        return "label = shown, ours metadata"
    if label in meta_pub:
        return "label = metadata, ours shown" if ours in t["shown"] else "label = another metadata day"
    if not has(in_html):
        return "label not in HTML"
    return "label in text, other chosen" if has(t["visible"]) else "label in markup, other chosen"


def _utc_and_local(v: Any) -> tuple[str, str] | None:
    """A timestamp with a zone ("2025-05-14T19:30:03-07:00"): its UTC day and its written day."""
    import datetime as dt

    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})$",
                 v.strip() if isinstance(v, str) else "")
    if not m:
        return None
    s = v.strip().replace(" ", "T").replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", s):
        s = s[:-2] + ":" + s[-2:]
    try:
        return dt.datetime.fromisoformat(s).astimezone(dt.timezone.utc).date().isoformat(), m[1]
    except ValueError:
        return None


def conventions() -> int:
    """Which day the labels take where a dated article page offers two, by structural cell;
    and how the labels fall, on the pages we leave undated, for signals that could date them."""
    from trafilatura.utils import load_html

    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.extraction.dates import days_apart
    from cleancorpus.pipeline.extraction.metadata import page_metadata
    from cleancorpus.pipeline.extraction.metadata.page import Page

    cfg = load_config(None).extract
    cells: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    nodate: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    uploads = re.compile(r"/uploads/((?:19|20)\d{2})/(\d{2})/")
    for r in me.pages(None):
        label, group = me.day(r.get("publish_date")), ("folds 0-3" if r["fold"] < 4 else "fold 4")
        raw = me.read_html(r["id"])
        ours = me.day(page_metadata(load_html(raw), r["url"], cfg).date)
        tree = load_html(raw)
        t = trace(tree, r["url"], cfg)
        page = Page(tree, r["url"])
        if not ours:  # what could date the pages we leave undated, and how the labels fall
            signals = {
                "WebPage datePublished": (page.webpage or {}).get("datePublished"),
                "og:image /uploads/YYYY/MM/": (m := uploads.search(page.first_meta("og:image") or "")) and
                f"{m[1]}-{m[2]}-01",
                "a modification day only": t["modified"][0] if t["modified"] else None,
            }
            for name, value in signals.items():
                if d := me.day(value):
                    verdict = ("undated label" if not label else "label's day" if d == label or d[:7] == label
                               else "another day")
                    kind = "article" if r["page_type"] == "article" else "other"
                    nodate[(name, kind, group)][verdict] += 1
        if not label or r["page_type"] != "article":
            continue
        meta, (pub, upd) = t["meta_day"], t["shown"]
        shown = pub or upd
        if pub and upd and pub != upd:
            cells[("shown published vs shown updated", group)][
                "published" if label == pub else "updated" if label == upd else "other"] += 1
        if meta and shown and (days_apart(meta, shown) or 0) > 1:
            sources = {s for d, _, s in t["known"] if d == meta}
            key = ("metadata vs shown: " + ("unlabelled" if pub else "'Updated'"),
                   "stamped" if t["stamped"] else "unstamped",
                   "metadata day shown" if meta in t["visible"] else "metadata day hidden",
                   "shown = modification" if shown in t["modified"] else "shown != modification",
                   "JSON-LD alone" if sources == {"json-ld"} else "a meta tag", group)
            side = "metadata" if label == meta else "shown" if label == shown else "other"
            cells[key][side] += 1
            cells[key]["ours " + ("metadata" if ours == meta else "shown" if ours == shown else "other")] += 1
        for v in ((page.article or {}).get("datePublished"), page.first_meta("article:published_time")):
            if (ul := _utc_and_local(v)) and ul[0] != ul[1]:
                cells[("a timestamp whose UTC day is not its written day", group)][
                    "UTC" if label == ul[0] else "written" if label == ul[1] else "other"] += 1
                break
    print("dated article pages offering two days: which the labels take (and ours)")
    for key in sorted(cells):
        print("  " + " | ".join(key) + ": " + ", ".join(f"{k} {v}" for k, v in sorted(cells[key].items())))
    print("\npages we leave undated (all types), a signal that could date them: the labels")
    for key in sorted(nodate):
        print("  " + " | ".join(key) + ": " + ", ".join(f"{k} {v}" for k, v in sorted(nodate[key].items())))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", default="0,1,2,3,4")
    ap.add_argument("--all-types", action="store_true", help="every page type, not articles only")
    ap.add_argument("--spurious", action="store_true", help="also the undated pages we date")
    ap.add_argument("--tsv", type=Path, help="write the rows here too")
    ap.add_argument("--quiet", action="store_true", help="the counts only")
    ap.add_argument("--conventions", action="store_true", help="the label conventions tables instead")
    args = ap.parse_args()
    if args.conventions:
        return conventions()

    import trafilatura
    from trafilatura import extract_metadata
    from trafilatura.utils import load_html

    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.extraction.metadata import page_metadata

    cfg = load_config(None).extract
    every = me.pages(None)
    ids = me.hashlib.sha1(",".join(r["id"] for r in every).encode()).hexdigest()[:12]
    traf, _ = me.cached(me.Path("/tmp/metadata_eval_cache"), f"trafilatura {trafilatura.__version__} {ids}",
                        lambda: me.run_system("trafilatura", lambda t, u: extract_metadata(t, default_url=u), every))
    keep = {int(f) for f in args.folds.split(",")}
    rows = [r for r in every if r["fold"] in keep and (args.all_types or r["page_type"] == "article")]
    out = []
    dated_n: Counter[int] = Counter()
    for r in rows:
        label = me.day(r.get("publish_date"))
        if not label and not args.spurious:
            continue
        raw = me.read_html(r["id"])
        ours = page_metadata(load_html(raw), r["url"], cfg).date
        ok = me.judge("date", r.get("publish_date"), ours)[0]
        if label:
            dated_n[r["fold"]] += 1
        if ok:
            continue
        t = trace(load_html(raw), r["url"], cfg)
        why = cause(label, me.day(ours), t, html_days(raw)) if label else "spurious (label undated)"
        out.append({"id": r["id"], "fold": r["fold"], "domain": r["domain"], "type": r["page_type"],
                    "label": label, "ours": me.day(ours), "source": source(me.day(ours), t),
                    "trafilatura": me.day(traf[r["id"]]["date"]), "cause": why,
                    "meta": ",".join(f"{d}:{s}" for d, _, s in t["known"][:3]), "modified": ",".join(t["modified"]),
                    "shown": "/".join(d or "-" for d in t["shown"]), "far": "/".join(d or "-" for d in t["far"])})
    folds = sorted(keep)
    if not args.quiet:
        cols = ("id", "fold", "type", "domain", "label", "ours", "source", "trafilatura", "cause", "meta", "modified",
                "shown", "far")
        print("\t".join(cols))
        for o in sorted(out, key=lambda o: (o["cause"], o["fold"], o["id"])):
            print("\t".join(str(o[c]) if o[c] not in (None, "") else "-" for c in cols))
    by: dict[str, Counter[int]] = defaultdict(Counter)
    for o in out:
        by[o["cause"]][o["fold"]] += 1
    print(f"\n{'cause':<34}" + "".join(f"{'f' + str(k):>5}" for k in folds) + f"{'all':>6}")
    for c, cnt in sorted(by.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"{c:<34}" + "".join(f"{cnt[k]:>5}" for k in folds) + f"{sum(cnt.values()):>6}")
    missed = Counter(o["fold"] for o in out if o["label"])
    print(f"{'dated misses':<34}" + "".join(f"{missed[k]:>5}" for k in folds) + f"{sum(missed.values()):>6}")
    print(f"{'dated pages':<34}" + "".join(f"{dated_n[k]:>5}" for k in folds) + f"{sum(dated_n.values()):>6}")
    if args.tsv:
        cols = list(out[0]) if out else []
        args.tsv.write_text("\t".join(cols) + "\n" + "".join(
            "\t".join(str(o[c] or "") for c in cols) + "\n" for o in out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Typed configuration: one pydantic model holds every key, its type, default and meaning.

The defaults live here and nowhere else: `config/default.toml` is this model written out
(`cleancorpus init-config PATH` writes the same annotated file for a user to edit; a test
checks the shipped one matches). A user's TOML file overlays only the keys it sets, then
`CLEANCORPUS_SECTION__KEY` environment variables overlay that (values in TOML syntax:
`CLEANCORPUS_FILTER__LANGUAGES='["en"]'`). Unknown keys, wrong types (a float for an int key,
a number in a list of strings) and impossible combinations are errors at start that name the
file, the key and what was expected.
"""
from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from cleancorpus.config import DEFAULTS_DIR
from cleancorpus.pipeline.reasons import PAGE_TYPES

ENV_PREFIX = "CLEANCORPUS_"


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which file, key and why."""


def _tuple(v: Any) -> Any:
    """TOML and JSON give lists; the model keeps tuples (immutable, hashable)."""
    return tuple(v) if isinstance(v, list) else v


Strings = Annotated[tuple[str, ...], BeforeValidator(_tuple)]


class _Section(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ExtractConfig(_Section):
    """trafilatura options and metadata, chosen by measurement with bench/quality.py."""

    boilerplate_model: str = Field("default", description=(
        "the learned boilerplate model that picks the article's blocks, trafilatura's verdict among its "
        "signals: \"default\" (the one shipped), a model file made by train/boilerplate.py, or \"\" for "
        "trafilatura alone (with favor_precision = true: the path before the model)"))
    bare_model: str = Field("default", description=(
        "the boilerplate model for articles whose markup gives no block a role by a class or id word (CSS-in-JS "
        "hashes, bare or table layouts), trained on the dev pages stripped of class and id, as laid out and in a "
        "table layout: \"default\" (the one shipped), a model file made by train/boilerplate.py --bare-model, "
        "or \"\" for boilerplate_model on every page"))
    comments_min_article: float = Field(0.7, ge=0, le=1, description=(
        "on a page the page-type model gives an article probability above this, reader comments under the article "
        "(blocks in comment-named containers after the article's last kept block of 10+ words outside one), "
        "links to other pages under it (blocks after its last kept paragraph of prose that are 90%+ link text), a "
        "word or two kept alone above it and the text of its dialogs (role dialog, <dialog>) are cut (1: never)"))
    model_min_words: int = Field(30, ge=0, description=(
        "when the boilerplate model keeps fewer words than this and trafilatura's text holds more, trafilatura's "
        "text stands in, as when the model keeps nothing (a listing's heading alone is no page)"))
    favor_precision: bool = Field(False, description="trafilatura's favor_precision")
    favor_recall: bool = Field(False, description="trafilatura's favor_recall")
    include_tables: bool = True
    include_comments: bool = False
    timeout_seconds: float = Field(5.0, gt=0, description="per-document extraction time limit; a page over it is rejected as extraction_timeout")
    fallback: bool = Field(True, description="DOM text fallback when trafilatura returns nothing")
    compare_below_chars: int = Field(1000, ge=0, description=(
        "trafilatura's comparison with readability and jusText costs a third of its time and only changes pages "
        "whose own extraction is short: run it when the body comes out under this many characters "
        "(0: never; 1000000000 or more: always, in one pass)"))
    author_from_page: bool = Field(True, description=(
        "when the meta tags name no author, search the page's DOM for a byline (trafilatura's author XPaths)"))
    extensive_date_search: bool = Field(False, description="htmldate's extensive search (scans the whole page for dates)")
    date_order: Literal["DMY", "MDY"] = Field("DMY", description="day/month order for ambiguous numeric dates like 01/07/2022 in text headers")


class CleanConfig(_Section):
    """Boilerplate removal: rule packs, the line classifier and corpus-learned repeated lines."""

    rules_dir: str = Field("rules", description="folder of rule packs, relative to the config file (else to the shipped defaults)")
    rule_packs: Strings = Field(
        ("header", "ads", "disclaimers", "social", "comments", "read_more", "credits", "copyright", "notices", "structure",
         "affiliate"),
        description="rule packs to run, in order: RULES_DIR/NAME.toml")
    regex_timeout: float = Field(0.05, gt=0, description="regex time limit per pattern and line (seconds); a pattern over it is skipped for that line")
    classifier: bool = Field(True, description="line classifier for plain text (length, stopwords, punctuation, link density, context)")
    main_block_gap: int = Field(10, ge=0, description=(
        "flat text: content lines this many non-content lines apart are different blocks; only the article's block "
        "is kept (0 keeps every content line)"))
    list_run: int = Field(4, ge=0, description=(
        "flat text: at least this many lines in a row of 3+ words each holding a figure (tour dates, standings, "
        "quantities), right under prose, are a list in the article, not a menu (0: off)"))
    item_share: float = Field(0.5, ge=0, le=1, description=(
        "flat text: inside the article's block a removed timestamp line starts a new item; items weighing less than "
        "this share of the heaviest (teasers, reader comments) are dropped (0: off)"))
    main_block_join: bool = Field(True, description=(
        "flat text: blocks separated by a gap are joined into the article while each block's text outweighs the "
        "gap's lines one and a half times (an article broken up by lists stays whole, and a cut copy keeps the same "
        "part); a block under 15% of the heaviest joins nothing, and a joined article loses its short lines that "
        "head no prose (labels, calls to action); off keeps one block"))
    fallback_words: int = Field(30, ge=0, description=(
        "flat text: when the line classifier keeps fewer words than this (a docs, listing or product page whose "
        "content is short lines), or finds no prose at all, the text is kept but for the lines bad on their own "
        "and the menu runs' lines of capitalised words only, or whole if that leaves fewer words (0: only when "
        "it finds no prose)"))
    line_model: str = Field("default", description=(
        "flat text: the learned line model's second opinion on the line classifier (line_model.py): it decides the "
        "lines where the classifier kept under 15% of the text or fewer than 60 words (but for a comment section's, "
        "where the classifier's verdict stands), and elsewhere drops lines of under 50 words the classifier kept and "
        "brings back the lines it dropped inside the article that it scores 0.5 or more (model.lines-4); "
        "\"default\" (the one shipped), a model file made by "
        "train/lines.py --write, or \"\" for the classifier alone"))
    text_kind: str = Field("default", description=(
        "flat text: the text-kind model (text_kind.py) tells a page's whole text from text an extractor already "
        "made; for the latter the classifier's and the line model's cuts are undone and the rule packs alone "
        "clean it (they look for an article among menus, and in an article alone cut its lists and the prose "
        "beyond them); \"default\" (the one shipped), a model file made by train/text_kind.py --write, or \"\" "
        "to classify every text"))
    repeated_min_docs: int = Field(3, ge=1, description="corpus-learned boilerplate: a short line seen in at least this many documents of one source")
    repeated_max_words: int = Field(40, ge=1, description="lines of more words than this are never learned as boilerplate")
    straighten_quotes: bool = Field(False, description="curly quotes and apostrophes to ASCII (ftfy's uncurl_quotes); off keeps the text as published")
    markdown: bool = Field(True, description=(
        "flat text with links in markdown's syntax (three or more): its marks are taken out, their words kept "
        "(links and images to their text and alt text, **strong** to its words, a heading's #s dropped), as in "
        "pages that crawlers render to markdown"))
    inline_breaks: bool = Field(True, description=(
        "flat text with every text node on a line of its own (BeautifulSoup's get_text(\"\\n\"), many scrapers; "
        "read so when two or more lines start with a comma, a full stop or another mark no sentence starts "
        "with): the pieces of a sentence cut at its links and bold words are joined back into one line"))
    link_dump: bool = Field(True, description=(
        "flat text read as a terminal browser's dump (lynx -dump, elinks, w3m with link numbers): it ends in a "
        "\"References\" list of numbered link addresses and its text numbers the links [n] in order; the marks are "
        "taken out (link text kept) and the list is removed as dump.references"))
    copies: bool = Field(True, description=(
        "flat text: a run of 3 or more kept lines, 60 or more words and 15% or more of the kept words, each kept "
        "earlier in the text (a page flattened with its desktop and mobile variants), is removed as text.copy"))


class FilterConfig(_Section):
    """What a cleaned document needs to be kept."""

    min_words: int = Field(30, ge=0, description="fewer words is a too_short reject")
    languages: Strings = Field((), description="keep only these ISO 639-1 languages; empty keeps all")
    page_types: Strings = Field((), description=(
        "keep only HTML pages of these types (article, listing, collection, forum, product, documentation, "
        "service); empty keeps all; text records have no page type and are kept"))

    @model_validator(mode="after")
    def _known_page_types(self) -> "FilterConfig":
        unknown = sorted(set(self.page_types) - set(PAGE_TYPES))
        if unknown:
            raise ValueError(f"page_types: unknown {unknown}; known: {list(PAGE_TYPES)}")
        return self


class DedupConfig(_Section):
    """Exact and near-duplicate detection; chosen with bench/dedup_sweep.py and bench/dedup_quality.py."""

    enabled: bool = True
    num_perm: int = Field(120, ge=1, description="MinHash signature length")
    bands: int = Field(40, ge=1, description=(
        "index and cross-run candidates: 40 bands x 3 rows, a pair becomes a candidate with probability 1/2 at "
        "Jaccard (1/40)^(1/3) = 0.29"))
    run_bands: int = Field(60, ge=1, description=(
        "within a run full signatures are at hand: 60 bands x 2 rows (1/2 at Jaccard 0.13) find copies that keep a "
        "small part of a longer text"))
    shingle_size: int = Field(3, ge=1, description="word n-grams over case/accent/punctuation-folded text")
    jaccard_threshold: float = Field(0.7, gt=0, le=1)
    containment_threshold: float = Field(0.4, gt=0, le=1, description=(
        "share of the smaller text's shingles found in the larger: catches truncated copies and copies with added "
        "header/footer lines; 0.4 keeps different articles on one event apart"))
    min_shingles: int = Field(30, ge=0, description="containment only counts when both texts have at least this many shingles of article prose")
    containment_size_ratio: float = Field(8.0, ge=1, description=(
        "containment only counts when the longer text has at most this many times the shorter's shingles: a short "
        "text inside a much longer one is taken for a quote or an excerpt, not a copy; 8 joins copies cut to an "
        "eighth of their original (4 left a syndication set's truncated copies apart)"))
    min_facts: int = Field(3, ge=0, description=(
        "the numbers in two texts (facts) must agree for them to be duplicates when both hold at least this many"))
    facts_threshold: float = Field(0.8, ge=0, le=1, description=(
        "share of the smaller text's numbers that the other must hold too (one may differ): a template filled in "
        "with other dates and figures is not a copy"))
    seed: int = 1
    task_rows: int = Field(1_000_000, ge=0, description=(
        "a run of more documents than this deduplicates as tasks of about this many documents each (candidates by "
        "band range, confirmation by pair block, decisions by block of clusters: Dask tasks on a cluster, the local "
        "pool otherwise), with the rows of one process; 0: always in one process"))
    spelling_variants: str = Field("spelling_variants.txt", description=(
        "British/American spelling variants folded before shingling (a file of pairs; empty: none)"))

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def lsh_threshold(self) -> float:
        """Jaccard at which a pair becomes a candidate with probability ~0.5."""
        return (1.0 / self.bands) ** (1.0 / self.rows)

    @model_validator(mode="after")
    def _bands_divide(self) -> "DedupConfig":
        for name in ("bands", "run_bands"):
            if self.num_perm % getattr(self, name):
                raise ValueError(f"num_perm ({self.num_perm}) must be a multiple of {name} ({getattr(self, name)})")
        return self


class RunConfig(_Section):
    """How a run is cut into shards (the unit of a task) and how many run at once."""

    shard_max_files: int = Field(200, ge=1, description="a shard holds at most this many input files")
    shard_max_bytes: int = Field(16_000_000, ge=1, description=(
        "and at most this many bytes; a bigger JSONL/Parquet/WARC file is split into several shards"))
    shard_taper: int = Field(4, ge=1, description=(
        "the last 2 x shard_max_bytes of input go into shards this many times smaller, so that all workers finish "
        "together (1 = off)"))
    gz_max_parts: int = Field(4, ge=1, description=(
        "a compressed record file (.jsonl.gz, .warc.gz) goes into at most this many shards: each one decompresses "
        "the whole file to reach its records"))
    workers: int = Field(0, ge=0, description="0 = number of cores")
    worker_memory_mb: int = Field(0, ge=0, description=(
        "address space a pool worker may use (RLIMIT_AS; a worker starts near 1,600 MB of it, mostly mapped, "
        "not resident); a page that needs more is rejected too_large instead of waking the out-of-memory "
        "killer (0: no cap)"))
    lease_seconds: float = Field(21600.0, gt=0, description=(
        "a remote output (s3://...) is leased to one writer at a time; a lease older than this is taken over "
        "(its holder died), and a run that outlives its lease publishes nothing"))
    work_dir: str = Field("", description=(
        "a URL (s3://bucket/prefix, any fsspec URL) where shard tasks stage their rows for the later stages, so "
        "that workers on other machines share nothing but the store; empty: staged under the output (for an "
        "object-store output run on a Dask cluster, in that store)"))

    @model_validator(mode="after")
    def _work_dir_is_url(self) -> "RunConfig":
        if self.work_dir and "://" not in self.work_dir:
            raise ValueError(f"work_dir must be a URL such as s3://bucket/cleancorpus-work, got {self.work_dir!r} "
                             "(the local working copy of an object-store output goes under $CLEANCORPUS_WORK_DIR)")
        return self


class ScheduleConfig(_Section):
    """`cleancorpus serve`: the scheduled deployment."""

    cron: str = "0 * * * *"
    inputs: Strings = ("data/incoming",)
    output: str = "data/clean"


SECTIONS: dict[str, type[_Section]] = {
    "extract": ExtractConfig, "clean": CleanConfig, "filter": FilterConfig, "dedup": DedupConfig,
    "run": RunConfig, "schedule": ScheduleConfig,
}


class Config(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    extract: ExtractConfig = ExtractConfig()
    clean: CleanConfig = CleanConfig()
    filter: FilterConfig = FilterConfig()
    dedup: DedupConfig = DedupConfig()
    run: RunConfig = RunConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    base_dir: str = ""  # folder of the user's config file; its relative paths resolve against it first

    def resolve(self, rel: str) -> Path:
        """A path key's file: absolute as given, else beside the user's config if it is there,
        else in the shipped defaults (rule packs and variants a user did not copy)."""
        p = Path(rel)
        if p.is_absolute():
            return p
        if self.base_dir and (Path(self.base_dir) / p).exists():
            return Path(self.base_dir) / p
        return DEFAULTS_DIR / p

    def rule_pack_files(self) -> list[Path]:
        """Each pack's file: in the user's rules_dir when it is there, else the shipped one."""
        own, shipped = self.resolve(self.clean.rules_dir), DEFAULTS_DIR / "rules"
        return [own / f"{p}.toml" if (own / f"{p}.toml").exists() else shipped / f"{p}.toml" for p in self.clean.rule_packs]

    def config_hash(self) -> str:
        """Hash of every setting and of the rule files' contents (not where they are installed),
        so a run records what it ran with."""
        # where shards are staged changes no row: not part of the hash
        h = hashlib.sha256(json.dumps(self.model_dump(mode="json", exclude={"base_dir": True, "run": {"work_dir"}}),
                                      sort_keys=True).encode())
        for f in self.rule_pack_files():
            if f.exists():
                h.update(f.read_bytes())
        if self.dedup.spelling_variants:
            f = self.resolve(self.dedup.spelling_variants)
            if f.exists():
                h.update(f.read_bytes())
        return h.hexdigest()[:16]


def _env_overrides(environ: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
    """CLEANCORPUS_SECTION__KEY=value pairs as {section: {key: value}}, and which variable set each."""
    out: dict[str, dict[str, Any]] = {}
    origin: dict[tuple[str, str], str] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("__")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare word: a string
        out.setdefault(section, {})[key] = value
        origin[(section, key)] = name
    return out, origin


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as e:
        raise ConfigError(f"config file {path} unreadable: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from None


def _explain(e: ValidationError, where: dict[tuple[str, str], str], default_where: str) -> str:
    """The first error as `FILE: [section] key: expected ..., got ...`."""
    err = e.errors()[0]
    loc = [str(x) for x in err["loc"]]
    section, key = (loc + ["", ""])[:2]
    src = where.get((section, key), default_where)
    place = f"[{section}] {key}" if key else f"[{section}]"
    if err["type"] == "extra_forbidden":
        what = "unknown config section" if len(loc) == 1 else "unknown key"
        return f"{src}: {what} {place}"
    got = err.get("input")
    msg = err["msg"].removeprefix("Value error, ")
    msg = msg[:1].lower() + msg[1:]
    return f"{src}: {place}: {msg}" + (f", got {got!r}" if not isinstance(got, dict) else "")


def load_config(path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """The defaults, overlaid with the user's file when one is given, then with the environment.

    Relative paths in the user's file (rules_dir, spelling_variants) resolve against that file's
    folder when the file or folder exists there, else against the shipped defaults.
    """
    data: dict[str, Any] = {}
    where: dict[tuple[str, str], str] = {}
    base_dir = ""
    src = "defaults"
    if path is not None:
        p = Path(path)
        data = _read_toml(p)
        src, base_dir = str(p), str(p.resolve().parent)
    env, origin = _env_overrides(os.environ if environ is None else environ)
    for section, keys in env.items():
        data.setdefault(section, {})
        if isinstance(data[section], dict):
            data[section] = {**data[section], **keys}
    where.update({k: f"environment {v}" for k, v in origin.items()})
    try:
        cfg = Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as e:
        raise ConfigError(_explain(e, where, src)) from None
    for pack, f in zip(cfg.clean.rule_packs, cfg.rule_pack_files()):
        if not f.exists():
            raise ConfigError(f"{src}: [clean] rule pack {pack!r} not found in {cfg.resolve(cfg.clean.rules_dir)} "
                              f"or among the shipped packs")
    return cfg


def config_to_dict(cfg: Config) -> dict[str, Any]:
    return cfg.model_dump(mode="json")


def config_from_dict(d: dict[str, Any]) -> Config:
    """Rebuild a Config from config_to_dict's output (lists from JSON become tuples again)."""
    return Config.model_validate(d)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, int) and abs(v) >= 100_000:
        return f"{v:_}"
    return repr(v)


def defaults_toml() -> str:
    """The defaults as an annotated TOML file (config/default.toml, `cleancorpus init-config`)."""
    out = ["# cleancorpus configuration. Every key is optional: a missing key takes the value shown here.",
           "# Relative paths resolve against this file's folder, else against the shipped defaults.",
           "# Any key can also be set from the environment: CLEANCORPUS_SECTION__KEY=value (TOML syntax).", ""]
    for name, cls in SECTIONS.items():
        out.append(f"[{name}]")
        if cls.__doc__:
            out.append(f"# {cls.__doc__.strip()}")
        for key, field in cls.model_fields.items():
            if field.description:
                out.extend(f"# {line}" for line in _wrap(field.description))
            out.append(f"{key} = {_toml_value(field.default)}")
        out.append("")
    return "\n".join(out)


def _wrap(text: str, width: int = 98) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)

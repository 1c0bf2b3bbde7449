"""Typed configuration, loaded from TOML.

Frozen dataclasses rather than dicts so a typo in a key fails at load time with a clear
message instead of silently taking a default halfway through a run.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleancorpus.config import DEFAULT_CONFIG


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class ExtractConfig:
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True
    include_comments: bool = False
    timeout_seconds: float = 5.0
    fallback: bool = True
    date_order: str = "DMY"
    extensive_date_search: bool = False
    compare_below_chars: int = 1000
    author_from_page: bool = True


@dataclass(frozen=True)
class CleanConfig:
    rules_dir: str = "rules"
    rule_packs: tuple[str, ...] = ()
    regex_timeout: float = 0.05
    classifier: bool = True
    repeated_min_docs: int = 3
    repeated_max_words: int = 40
    straighten_quotes: bool = False
    main_block_gap: int = 10
    list_run: int = 4
    item_share: float = 0.5


@dataclass(frozen=True)
class FilterConfig:
    min_words: int = 30
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class DedupConfig:
    enabled: bool = True
    num_perm: int = 120
    bands: int = 40
    run_bands: int = 60
    shingle_size: int = 3
    jaccard_threshold: float = 0.7
    containment_threshold: float = 0.4
    min_shingles: int = 30
    seed: int = 1
    spelling_variants: str = ""

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def lsh_threshold(self) -> float:
        """Jaccard at which a pair becomes a candidate with probability ~0.5."""
        return (1.0 / self.bands) ** (1.0 / self.rows)


@dataclass(frozen=True)
class RunConfig:
    shard_max_files: int = 200
    shard_max_bytes: int = 16_000_000
    # the last two shards' worth of input is cut into shards this many times smaller, so the
    # workers finish together instead of one idling while another does a last full shard
    shard_taper: int = 4
    # a compressed record file (.jsonl.gz, .warc.gz) is split into at most this many shards:
    # each decompresses the whole file to reach its records
    gz_max_parts: int = 4
    workers: int = 0


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str = "0 * * * *"
    inputs: tuple[str, ...] = ("data/incoming",)
    output: str = "data/clean"


@dataclass(frozen=True)
class Config:
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    run: RunConfig = field(default_factory=RunConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    base_dir: str = ""  # folder the config file lives in; relative paths resolve against it

    def resolve(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else Path(self.base_dir) / p

    def config_hash(self) -> str:
        """Hash of every setting and of the rule files, so a run records what it ran with."""
        h = hashlib.sha256(json.dumps(dataclasses.asdict(self) | {"base_dir": ""}, sort_keys=True, default=str).encode())
        rules = self.resolve(self.clean.rules_dir)
        for pack in self.clean.rule_packs:
            f = rules / f"{pack}.toml"
            if f.exists():
                h.update(f.read_bytes())
        if self.dedup.spelling_variants:
            f = self.resolve(self.dedup.spelling_variants)
            if f.exists():
                h.update(f.read_bytes())
        return h.hexdigest()[:16]


_SECTIONS = {
    "extract": ExtractConfig,
    "clean": CleanConfig,
    "filter": FilterConfig,
    "dedup": DedupConfig,
    "run": RunConfig,
    "schedule": ScheduleConfig,
}


def _build(cls: type, section: str, data: dict[str, Any]) -> Any:
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(names)
    if unknown:
        raise ConfigError(f"[{section}] unknown key(s): {', '.join(sorted(unknown))}")
    kwargs = {}
    for key, value in data.items():
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise ConfigError(f"[{section}] {key} must be a list")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"[{section}] {key} must be true or false")
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ConfigError(f"[{section}] {key} must be a number")
            value = type(default)(value)
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"[{section}] {key} must be a string")
        kwargs[key] = value
    return cls(**kwargs)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def _validate(cfg: Config) -> None:
    d = cfg.dedup
    for name in ("bands", "run_bands"):
        b = getattr(d, name)
        if b <= 0 or d.num_perm % b:
            raise ConfigError(f"[dedup] num_perm ({d.num_perm}) must be a multiple of {name} ({b})")
    if d.shingle_size < 1:
        raise ConfigError("[dedup] shingle_size must be >= 1")
    for name in ("jaccard_threshold", "containment_threshold"):
        if not 0.0 < getattr(d, name) <= 1.0:
            raise ConfigError(f"[dedup] {name} must be in (0, 1]")
    for name in ("shard_max_files", "shard_max_bytes", "shard_taper", "gz_max_parts"):
        if getattr(cfg.run, name) < 1:
            raise ConfigError(f"[run] {name} must be >= 1")
    if cfg.extract.date_order not in ("DMY", "MDY"):
        raise ConfigError('[extract] date_order must be "DMY" or "MDY"')
    rules = cfg.resolve(cfg.clean.rules_dir)
    for pack in cfg.clean.rule_packs:
        if not (rules / f"{pack}.toml").exists():
            raise ConfigError(f"[clean] rule pack {pack!r} not found at {rules / (pack + '.toml')}")


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the default config, overlaid with the user's file when one is given.

    A user file only needs the keys it changes; rule packs and variant files it names
    resolve relative to the user's file if they exist there, else to the defaults.
    """
    try:
        base = tomllib.loads(DEFAULT_CONFIG.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:  # pragma: no cover - packaging defect
        raise ConfigError(f"default config unreadable: {e}") from e
    base_dir = DEFAULT_CONFIG.parent
    if path is not None:
        p = Path(path)
        try:
            user = tomllib.loads(p.read_text())
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {p}") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"config file {p} is not valid TOML: {e}") from None
        unknown = set(user) - set(_SECTIONS)
        if unknown:
            raise ConfigError(f"unknown config section(s): {', '.join(sorted(unknown))}")
        base = _merge(base, user)
        rules_dir = user.get("clean", {}).get("rules_dir")
        if rules_dir and (p.parent / rules_dir).exists():
            base_dir = p.parent.resolve()
        elif rules_dir is None:
            base.setdefault("clean", {})["rules_dir"] = str(DEFAULT_CONFIG.parent / base["clean"].get("rules_dir", "rules"))
            sv = base.get("dedup", {}).get("spelling_variants")
            if sv and not Path(sv).is_absolute() and not (p.parent / sv).exists():
                base["dedup"]["spelling_variants"] = str(DEFAULT_CONFIG.parent / sv)
            base_dir = p.parent.resolve()
    sections = {name: _build(cls, name, base.get(name, {})) for name, cls in _SECTIONS.items()}
    cfg = Config(**sections, base_dir=str(base_dir))
    _validate(cfg)
    return cfg


def config_to_dict(cfg: Config) -> dict[str, Any]:
    return dataclasses.asdict(cfg)


def config_from_dict(d: dict[str, Any]) -> Config:
    """Rebuild a Config from config_to_dict's output (lists from JSON become tuples again)."""
    def fix(v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    sections = {name: cls(**{k: fix(v) for k, v in d[name].items()}) for name, cls in _SECTIONS.items()}
    return Config(**sections, base_dir=d.get("base_dir", ""))

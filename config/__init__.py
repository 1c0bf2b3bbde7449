"""The shipped defaults: `default.toml`, the rule packs in `rules/` and the spelling variants.

Installed as the package data of `cleancorpus.config`, so a wheel install finds them next to
this file just as a checkout does; `cleancorpus init-config PATH` copies them for editing.
"""
from pathlib import Path

DEFAULTS_DIR = Path(__file__).resolve().parent
DEFAULT_CONFIG = DEFAULTS_DIR / "default.toml"

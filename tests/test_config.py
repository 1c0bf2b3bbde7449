"""The typed config: one source of defaults, strict types, errors that say where, env overrides."""
from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from cleancorpus.config import DEFAULT_CONFIG, DEFAULTS_DIR
from cleancorpus.pipeline.config import Config, ConfigError, defaults_toml, load_config

CLI = [sys.executable, "-m", "cleancorpus.flows.cli"]


def test_shipped_default_toml_is_the_model_written_out():
    # config/default.toml documents the defaults; it must say what the model does
    assert DEFAULT_CONFIG.read_text() == defaults_toml()
    assert load_config(DEFAULT_CONFIG).model_dump(exclude={"base_dir"}) == Config().model_dump(exclude={"base_dir"})
    assert load_config().model_dump(exclude={"base_dir"}) == Config().model_dump(exclude={"base_dir"})
    # the defaults the pipeline was tuned with (bench/quality.py), not a second, diverging set
    cfg = load_config()
    assert cfg.extract.boilerplate_model == "default" and cfg.extract.favor_precision is False
    assert len(cfg.clean.rule_packs) == 11 and cfg.clean.rule_packs[-1] == "affiliate"
    assert cfg.resolve(cfg.dedup.spelling_variants).exists()


@pytest.mark.parametrize("body, expected", [
    ("[dedup]\nnum_perm = 1.5\n", "[dedup] num_perm: input should be a valid integer, got 1.5"),
    ("[filter]\nlanguages = ['en', 3]\n", "[filter] languages: input should be a valid string, got 3"),
    ("[extract]\nfavor_precision = 1\n", "[extract] favor_precision: input should be a valid boolean"),
    ("[filter]\nmin_wordz = 3\n", "unknown key [filter] min_wordz"),
    ("[dedupe]\n", "unknown config section [dedupe]"),
    ("[dedup]\nnum_perm = 100\nbands = 28\n", "num_perm (100) must be a multiple of bands (28)"),
    ("[extract]\ndate_order = 'YMD'\n", "[extract] date_order: input should be 'DMY' or 'MDY'"),
    ("[clean]\nrule_packs = ['ads', 'nosuchpack']\n", "rule pack 'nosuchpack' not found"),
])
def test_bad_values_name_file_key_and_type(tmp_path, body, expected):
    f = tmp_path / "my.toml"
    f.write_text(body)
    with pytest.raises(ConfigError) as e:
        load_config(f)
    assert str(e.value).startswith(str(f)) and expected in str(e.value), str(e.value)


def test_an_int_for_a_float_key_is_fine_and_a_user_file_sets_only_its_keys(tmp_path):
    f = tmp_path / "my.toml"
    f.write_text("[extract]\ntimeout_seconds = 2\n")
    cfg = load_config(f)
    assert cfg.extract.timeout_seconds == 2.0 and cfg.filter.min_words == Config().filter.min_words


def test_environment_overrides_the_file(tmp_path):
    f = tmp_path / "my.toml"
    f.write_text("[filter]\nmin_words = 10\n")
    env = {"CLEANCORPUS_FILTER__MIN_WORDS": "12", "CLEANCORPUS_FILTER__LANGUAGES": '["en", "de"]',
           "CLEANCORPUS_SCHEDULE__CRON": "5 * * * *", "UNRELATED": "x"}
    cfg = load_config(f, env)
    assert cfg.filter.min_words == 12 and cfg.filter.languages == ("en", "de") and cfg.schedule.cron == "5 * * * *"
    with pytest.raises(ConfigError, match=r"^environment CLEANCORPUS_DEDUP__NUM_PERM: \[dedup\] num_perm"):
        load_config(None, {"CLEANCORPUS_DEDUP__NUM_PERM": "1.5"})
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(None, {"CLEANCORPUS_FILTER__NOPE": "1"})


def test_a_users_own_rule_pack_beside_the_config_wins_over_the_shipped_ones(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text('[[rules]]\nname = "x"\nmatch = "line"\npattern = "^Sponsored by .*$"\n')
    f = tmp_path / "my.toml"
    f.write_text("[clean]\nrule_packs = ['ads', 'mine']\n")
    cfg = load_config(f)
    assert cfg.resolve(cfg.clean.rules_dir) == tmp_path / "rules"
    # a pack the user did not copy is still found among the shipped ones
    g = tmp_path / "sub" / "other.toml"
    g.parent.mkdir()
    g.write_text("[clean]\nrule_packs = ['ads']\n")
    assert load_config(g).resolve("rules") == DEFAULTS_DIR / "rules"


def test_init_config_writes_the_annotated_defaults(tmp_path):
    out = tmp_path / "conf" / "my.toml"
    r = subprocess.run(CLI + ["init-config", str(out), "--with-rules"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert text == defaults_toml() and "# per-document extraction time limit" in text
    assert (out.parent / "rules" / "ads.toml").exists() and (out.parent / "spelling_variants.txt").exists()
    assert tomllib.loads(text)["dedup"]["num_perm"] == Config().dedup.num_perm
    assert load_config(out).resolve("rules") == out.parent / "rules"
    again = subprocess.run(CLI + ["init-config", str(out)], capture_output=True, text=True)
    assert again.returncode == 2 and "exists; use --force" in again.stderr and len(again.stderr.strip().splitlines()) == 1

"""Installed as a user installs it: a wheel (not editable) in a fresh virtual environment."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT, read, run_local


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel of this checkout. Its dependencies come from the test
    venv's site-packages through a .pth line (no download; the editable finder there is not
    loaded, since a .pth line adds a path without running that folder's .pth files)."""
    tmp = tmp_path_factory.mktemp("pkg")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp / "dist"),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("cleancorpus-*.whl"))
    env = tmp / "venv"
    venv.create(env, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env), "platbase": str(env)}))
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    py = env / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)], check=True,
                   capture_output=True)
    return env


def test_wheel_holds_one_top_level_package_with_its_defaults(installed):
    site = next(installed.glob("lib/python*/site-packages"))
    tops = {p.name for p in site.iterdir() if not p.name.endswith((".dist-info", ".pth")) and p.name != "__pycache__"}
    assert tops == {"cleancorpus"}
    assert {"pipeline", "flows", "config"} <= {p.name for p in (site / "cleancorpus").iterdir()}
    assert (site / "cleancorpus" / "config" / "default.toml").exists()
    assert (site / "cleancorpus" / "config" / "rules" / "ads.toml").exists()


def test_installed_command_cleans_the_seeds_from_another_folder(installed, tmp_path, seeds_dir):
    out = tmp_path / "out"
    r = subprocess.run([str(installed / "bin" / "cleancorpus"), "backfill", str(seeds_dir), "-o", "out", "--workers", "1"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import cleancorpus.config as c; print(c.DEFAULTS_DIR)"],
                           cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    assert str(ROOT) not in where and "site-packages" in where  # the packaged defaults, not the checkout's
    ref = tmp_path / "ref"
    run_local([seeds_dir], ref)
    skip = {"run_id", "ingested_at", "ingest_date"}

    def rows(o, kind):
        return sorted(({k: v for k, v in r.items() if k not in skip} for r in read(o, kind)), key=lambda r: r["doc_id"])

    assert rows(out, "documents") == rows(ref, "documents") and len(rows(out, "documents")) == 4
    assert rows(out, "rejects") == rows(ref, "rejects")


def _pins() -> dict[str, str]:
    """constraints.txt as {canonical name: version}."""
    from packaging.utils import canonicalize_name
    lines = (ln.strip() for ln in (ROOT / "constraints.txt").read_text().splitlines())
    return {canonicalize_name(n): v for n, v in (ln.split("==") for ln in lines if ln and not ln.startswith("#"))}


def test_the_lock_pins_every_dependency_within_what_pyproject_accepts():
    """`make setup` installs constraints.txt's versions: a dependency added to pyproject.toml
    without `make lock`, or a range narrowed past the pinned version, leaves the lock stale."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins()
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    stale = [str(r) for r in wanted if canonicalize_name(r.name) != "setuptools"
             and pins.get(canonicalize_name(r.name)) not in r.specifier]
    assert not stale, f"constraints.txt does not pin these within range: {stale}"


def test_the_tests_run_on_the_locked_versions_of_what_shapes_the_text():
    """The exact texts the tests assert come from trafilatura's and lxml's output and the models'
    trees: on other versions they may differ, and that failure should name the cause."""
    from importlib.metadata import version
    sys.path.insert(0, str(ROOT / "train"))
    from provenance import PACKAGES
    pins = _pins()
    off = {n: (version(n), pins[n]) for n in PACKAGES if version(n) != pins[n]}
    assert not off, f"installed (locked) versions differ: {off}; run `make setup`"

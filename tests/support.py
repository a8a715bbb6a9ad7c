"""Helpers shared by the workflow-level tests (imported by name: keep this file name unique)."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEVEN_GAMES = frozenset(
    {
        "taboo",
        "imagegame",
        "referencegame",
        "wordle",
        "wordle_withclue",
        "wordle_withcritic",
        "privateshared",
    }
)
"""The games of the paper (clembench v1.6), zero-shot."""


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def run_snakemake(workdir: Path, *args: str) -> str:
    """This repository's Snakefile run in `workdir`; fails the test with its output tail."""
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    return run.stdout + run.stderr


def load_workdir_grid(workdir: Path, monkeypatch):
    """The grid of `workdir/config/config.yaml`, read as Snakemake would from `workdir`."""
    from clemgrid.registry import load_grid

    monkeypatch.chdir(workdir)
    return load_grid(
        yaml.safe_load((workdir / "config" / "config.yaml").read_text()), "config/config.yaml"
    )

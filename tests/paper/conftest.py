"""One run of the whole workflow (default target, paper included) on the tiny scripted grid,
shared by the slow tests of this folder."""

import shutil
from pathlib import Path

import pytest
from support import ROOT, run_snakemake


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A working directory after `snakemake` on .test/config (scripted players, taboo)."""
    if shutil.which("latexmk") is None:
        pytest.skip("latexmk is not installed (scripts/system-deps.sh)")
    workdir = tmp_path_factory.mktemp("paper")
    (workdir / "config").mkdir()
    shutil.copy(ROOT / ".test" / "config" / "config.yaml", workdir / "config" / "config.yaml")
    for name in ("models.yaml", "backends.yaml"):
        shutil.copy(ROOT / "config" / name, workdir / "config" / name)
    run_snakemake(workdir)
    return workdir

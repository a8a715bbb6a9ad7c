import os
import shutil
from pathlib import Path

import pytest
from support import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working directory laid out like the repo's: config/ with the test grid and registries."""
    (tmp_path / "config").mkdir()
    shutil.copy(ROOT / ".test" / "config" / "config.yaml", tmp_path / "config" / "config.yaml")
    for name in ("models.yaml", "backends.yaml"):
        shutil.copy(ROOT / "config" / name, tmp_path / "config" / name)
    return tmp_path

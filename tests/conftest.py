import os
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working directory laid out like the repo's: config/ with the test grid and registries."""
    (tmp_path / "config").mkdir()
    shutil.copy(ROOT / ".test" / "config" / "config.yaml", tmp_path / "config" / "config.yaml")
    for name in ("models.yaml", "backends.yaml"):
        shutil.copy(ROOT / "config" / name, tmp_path / "config" / name)
    return tmp_path


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))

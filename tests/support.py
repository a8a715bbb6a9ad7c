"""Helpers shared by the workflow-level tests (imported by name: keep this file name unique)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))

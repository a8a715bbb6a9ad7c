"""Derived weights of the embedded model, built once per test session in a temporary folder
laid out like a working directory (results/weights/<model>/<quant>.gguf + .json)."""

from __future__ import annotations

from pathlib import Path

import pytest
from quant_support import build_all


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A working directory with the four derived quants built (2 quantizer threads)."""
    workdir = tmp_path_factory.mktemp("weights")
    build_all(workdir, threads=2)
    return workdir


@pytest.fixture
def in_built(built, monkeypatch) -> Path:
    """Run the test in the working directory that holds the built weights."""
    monkeypatch.chdir(built)
    return built

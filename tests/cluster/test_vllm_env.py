"""envs/vllm.yaml, vLLM's own environment: vLLM pinned exactly (its version is in the outputs'
metadata, and a floating one would change the serving stack between runs of one grid), on a
Python that version supports, and kept apart from clemgrid's environment."""

from __future__ import annotations

from pathlib import Path

import yaml
from packaging.requirements import Requirement

from clemgrid.backends.vllm_server import DEFAULT_EXECUTABLE

ROOT = Path(__file__).resolve().parents[2]


def test_vllm_env_pins_vllm_on_a_supported_python() -> None:
    env = yaml.safe_load((ROOT / "envs" / "vllm.yaml").read_text())
    deps = env["dependencies"]
    [python] = [d for d in deps if isinstance(d, str) and d.startswith("python=")]
    [pip] = [d["pip"] for d in deps if isinstance(d, dict)]
    [vllm] = [Requirement(p) for p in pip if Requirement(p).name == "vllm"]
    [spec] = vllm.specifier
    assert (spec.operator, spec.version) == ("==", "0.34.0")
    assert python.split("=")[1] in {"3.11", "3.12", "3.13", "3.14"}  # vllm 0.34.0's range
    assert len(pip) == 1  # torch, transformers: vLLM's own pins, never clemgrid's


def test_default_executable_is_the_documented_prefix() -> None:
    text = (ROOT / "envs" / "vllm.yaml").read_text()
    assert DEFAULT_EXECUTABLE.removesuffix("/bin/vllm") in text
    assert (
        f"conda env create -p {DEFAULT_EXECUTABLE.removesuffix('/bin/vllm')}"
        in (ROOT / "docs" / "cluster.md").read_text()
    )

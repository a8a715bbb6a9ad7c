"""Play configs built from the repo's registries, and the chats every backend test sends."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from clemgrid.registry import PlayConfig

# Nothing in these tests may download weights; huggingface_hub reads this once, at import.
os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[2]
MODEL = "SmolLM2-135M-Instruct"
QUANT = "Q4_1"

CHATS: list[list[dict[str, str]]] = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "Name three colors."},
    ],
    [
        {"role": "user", "content": "Say hello."},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Now say goodbye."},
    ],
]


def registry(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config" / name).read_text())


def play_config(
    backend: str,
    model_entry: dict[str, Any] | None = None,
    backend_entry: dict[str, Any] | None = None,
) -> PlayConfig:
    """The embedded model on a backend of config/backends.yaml, or on the entries given."""
    return PlayConfig(
        MODEL,
        backend,
        QUANT,
        model_entry or registry("models.yaml")[MODEL],
        backend_entry or registry("backends.yaml")[backend],
    )


@pytest.fixture(scope="session")
def make_config() -> Callable[..., PlayConfig]:
    return play_config


@pytest.fixture(scope="session")
def chats() -> list[list[dict[str, str]]]:
    return CHATS

"""The name of a play config, (model, backend, quant): one type for the registry, the workflow
and the analyses, instead of tuples in one place and a class in another."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ConfigKey:
    model: str
    backend: str
    quant: str

    @classmethod
    def of(cls, item: Mapping[str, str]) -> ConfigKey:
        """From a mapping with `model`, `backend` and `quant` (a grid or agreement entry)."""
        return cls(item["model"], item["backend"], item["quant"])

    @property
    def label(self) -> str:
        return f"{self.model} / {self.backend} / {self.quant}"

    @property
    def stem(self) -> str:
        return f"{self.model}.{self.backend}.{self.quant}"

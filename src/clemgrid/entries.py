"""Typed registry entries and the play config they make.

An entry is the validated YAML mapping itself (a dict subclass: what Snakemake params, JSON
and identity hashes see is unchanged) with typed accessors, so callers stop digging `facts`,
`chat` and `weights` out of raw dicts each in their own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clemgrid.keys import ConfigKey
from clemgrid.sources import ModelQuant, source_chain, weight_source_kind


@dataclass(frozen=True)
class WeightSource:
    """One `weights.<quant>` entry: its kind (`package_file`, `derive`, ...), that kind's value,
    and the optional `label`."""

    quant: str
    kind: str
    spec: Any
    label: str | None = None

    @classmethod
    def of(cls, quant: str, source: Mapping[str, Any]) -> WeightSource:
        """Raises ValueError unless the source names exactly one kind."""
        kind = weight_source_kind(source)
        return cls(quant, kind, source[kind], source.get("label"))


class ModelEntry(dict[str, Any]):
    """One model of config/models.yaml (validated)."""

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.name = name

    @property
    def facts(self) -> Mapping[str, Any]:
        """For the analyses only; never part of a play's identity."""
        return self.get("facts") or {}

    @property
    def chat(self) -> Mapping[str, Any]:
        return self.get("chat") or {}

    @property
    def weights(self) -> Mapping[str, Any]:
        return self["weights"]

    @property
    def synthetic(self) -> bool:
        return bool(self.facts.get("synthetic"))

    @property
    def parameters_b(self) -> float:
        """Size in billions of parameters; 0 for synthetic models and unknown sizes."""
        return float(self.facts.get("parameters_b") or 0)

    @property
    def misconfigured(self) -> Mapping[str, Any] | None:
        return self.facts.get("misconfigured")

    def source(self, quant: str) -> WeightSource:
        return WeightSource.of(quant, self.weights[quant])

    def at(self, quant: str) -> ModelQuant:
        """This model's weights at `quant`, for resolving or building them."""
        return ModelQuant(self.name, quant, self.weights)


class BackendEntry(dict[str, Any]):
    """One backend of config/backends.yaml (validated, defaults filled in)."""

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.name = name

    @property
    def kind(self) -> str:
        return self["kind"]

    @property
    def options(self) -> Mapping[str, Any]:
        return self.get("options") or {}

    @property
    def launch(self) -> Mapping[str, Any] | None:
        """A server the backend starts itself (`openai_compatible` only)."""
        return self.get("launch")


@dataclass(frozen=True)
class PlayConfig:
    model: str
    backend: str
    quant: str
    model_entry: dict[str, Any]
    backend_entry: dict[str, Any]

    @classmethod
    def from_identity(cls, identity: Mapping[str, Any]) -> PlayConfig:
        """The config of a play identity (its model, backend, quant and their entries)."""
        return cls(
            identity["model"],
            identity["backend"],
            identity["quant"],
            identity["model_entry"],
            identity["backend_entry"],
        )

    @property
    def key(self) -> ConfigKey:
        return ConfigKey(self.model, self.backend, self.quant)

    @property
    def backend_kind(self) -> str:
        return self.backend_entry["kind"]

    @property
    def weights(self) -> Mapping[str, Any]:
        return self.model_entry["weights"]

    @property
    def weight_source(self) -> dict[str, Any]:
        """The model's weight source for this quant, e.g. {"package_file": "pkg/x.gguf"}."""
        return self.model_entry["weights"][self.quant]

    @property
    def chat(self) -> dict[str, Any]:
        return self.model_entry.get("chat") or {}

    def identity(self) -> dict[str, Any]:
        """The parts of the registries that can change what this config generates.
        `facts` are left out: editing a parameter count must not replay a model. Of `weights`,
        only this quant and the quants it is built from (`from`) are kept: adding or editing
        another quant of the model replays nothing of this one."""
        entry = {k: v for k, v in self.model_entry.items() if k != "facts"}
        weights = self.model_entry.get("weights") or {}
        if self.quant in weights:
            entry["weights"] = {q: weights[q] for q in source_chain(weights, self.quant)}
        return {
            "model": self.model,
            "backend": self.backend,
            "quant": self.quant,
            "model_entry": entry,
            "backend_entry": self.backend_entry,
        }

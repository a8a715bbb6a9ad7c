"""Backend factory: one class per backend kind, all behind `Backend.generate`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clemgrid.backends.base import Backend, Generation, GenerationParams, InfraError, Message
from clemgrid.registry import PlayConfig

if TYPE_CHECKING:
    from clemgrid.games.base import GameSpec

__all__ = ["Backend", "Generation", "GenerationParams", "InfraError", "Message", "load_backend"]


def load_backend(cfg: PlayConfig, game: GameSpec) -> Backend:
    """Heavy libraries are imported only for the kind in use, so scripted runs start fast."""
    kind = cfg.backend_kind
    if kind == "scripted":
        from clemgrid.backends.scripted import ScriptedBackend

        return ScriptedBackend(game, cfg.weight_source)
    if kind == "llama_cpp":
        from clemgrid.backends.llama_cpp import LlamaCppBackend

        return LlamaCppBackend(cfg)
    if kind == "transformers":
        from clemgrid.backends.transformers import TransformersBackend

        return TransformersBackend(cfg)
    if kind == "openai_compatible":
        from clemgrid.backends.openai_compatible import OpenAICompatibleBackend

        return OpenAICompatibleBackend(cfg)
    raise ValueError(f"backend {cfg.backend!r}: unknown kind {kind!r}")

"""Backend factory: one class per backend kind, all behind `Backend.generate`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clemgrid.backends.base import Backend, Generation, GenerationParams, InfraError, Message
from clemgrid.backends.kinds import KINDS

if TYPE_CHECKING:
    from clemgrid.entries import PlayConfig
    from clemgrid.games.base import GameSpec

__all__ = ["Backend", "Generation", "GenerationParams", "InfraError", "Message", "load_backend"]


def load_backend(cfg: PlayConfig, game: GameSpec) -> Backend:
    """The backend of the config's kind (clemgrid.backends.kinds); heavy libraries are
    imported only for the kind in use, so scripted runs start fast."""
    kind = KINDS.get(cfg.backend_kind)
    if kind is None:
        raise ValueError(f"backend {cfg.backend!r}: unknown kind {cfg.backend_kind!r}")
    return kind.construct(cfg, game)

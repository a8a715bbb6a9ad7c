"""One class per backend kind (config/backends.yaml `kind`), registered in `KINDS`: what each
kind can load, where it runs, and how it is constructed. The registry checks grids with it,
the workflow sizes SLURM jobs with it (clemgrid.resources), and `load_backend` builds
backends with it; nothing else branches on a kind's name.

Heavy libraries (llama_cpp, torch, openai) are imported only in `construct`, so listing the
kinds costs nothing and scripted runs start fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from clemgrid.sources import BITSANDBYTES_KIND, GGUF_SOURCES, LORA_KIND

if TYPE_CHECKING:
    from clemgrid.backends.base import Backend
    from clemgrid.entries import PlayConfig
    from clemgrid.games.base import GameSpec


class BackendKind:
    """A backend kind; methods take the backend's registry entry (kinds differ by options)."""

    name: ClassVar[str]
    # Weight-source kinds (clemgrid.sources) the backend can run.
    sources: ClassVar[frozenset[str]]
    # Whether it renders prompts itself, so a registry `chat.template` can apply.
    renders_prompts: ClassVar[bool] = True

    def label(self, entry: Mapping[str, Any]) -> str:
        """How error messages name the kind of this entry."""
        return self.name

    def accepts(self, entry: Mapping[str, Any]) -> frozenset[str]:
        """The weight-source kinds this entry can run."""
        return self.sources

    def applies_template(self, entry: Mapping[str, Any]) -> bool:
        """Whether a registry `chat.template` can apply to this entry."""
        return self.renders_prompts

    def runs_locally(self, entry: Mapping[str, Any]) -> bool:
        """Whether inference runs on the play job's node (in-process or in a launched server):
        it then holds the weights and gets every core."""
        return False

    def uses_gpu(self, entry: Mapping[str, Any]) -> bool:
        """Whether the model runs on a GPU of the play job's node."""
        return False

    def threads(self, entry: Mapping[str, Any]) -> int:
        """CPU threads of local inference without a GPU (the SLURM cpus_per_task)."""
        return 1

    def fixed_runtime_min(self, entry: Mapping[str, Any]) -> float | None:
        """Wall time of one play job where it does not grow with the model size, else None."""
        return None

    def gpus(self, entry: Mapping[str, Any], needed: int) -> int:
        """GPUs to request when the weights need `needed` (some servers need particular counts)."""
        return needed

    def construct(self, cfg: PlayConfig, game: GameSpec) -> Backend:
        raise NotImplementedError


def _n_gpu_layers(options: Mapping[str, Any] | None) -> bool:
    return (options or {}).get("n_gpu_layers", 0) != 0


def _n_threads(options: Mapping[str, Any] | None) -> int:
    return int((options or {}).get("n_threads", 4))


class LlamaCpp(BackendKind):
    """llama.cpp in the play process (llama-cpp-python); on a GPU when it offloads layers."""

    name = "llama_cpp"
    sources = frozenset(GGUF_SOURCES)

    def runs_locally(self, entry: Mapping[str, Any]) -> bool:
        return True

    def uses_gpu(self, entry: Mapping[str, Any]) -> bool:
        return _n_gpu_layers(entry.get("options"))

    def threads(self, entry: Mapping[str, Any]) -> int:
        return _n_threads(entry.get("options"))

    def construct(self, cfg: PlayConfig, game: GameSpec) -> Backend:
        from clemgrid.backends.llama_cpp import LlamaCppBackend

        return LlamaCppBackend(cfg)


class Transformers(BackendKind):
    """Hugging Face transformers in the play process; on a GPU unless `device` is cpu."""

    name = "transformers"
    # `lora`: the base quant's weights with the finetune rule's adapter (peft).
    sources = frozenset(GGUF_SOURCES | {BITSANDBYTES_KIND, LORA_KIND})

    def runs_locally(self, entry: Mapping[str, Any]) -> bool:
        return True

    def uses_gpu(self, entry: Mapping[str, Any]) -> bool:
        options = entry.get("options") or {}
        return not str(options.get("device") or "cuda").startswith("cpu")

    def threads(self, entry: Mapping[str, Any]) -> int:
        return _n_threads(entry.get("options"))

    def construct(self, cfg: PlayConfig, game: GameSpec) -> Backend:
        from clemgrid.backends.transformers import TransformersBackend

        return TransformersBackend(cfg)


def _is_vllm(entry: Mapping[str, Any]) -> bool:
    return (entry.get("launch") or {}).get("server") == "vllm"


def tensor_parallel_size(entry: Mapping[str, Any], needed: int) -> int:
    """A launched vLLM server's GPUs: the launch option `tensor_parallel_size`, else the next
    power of two (attention heads and vocabularies divide by those, rarely by 3)."""
    options = (entry.get("launch") or {}).get("options") or {}
    if "tensor_parallel_size" in options:
        return int(options["tensor_parallel_size"])
    return 1 << max(0, needed - 1).bit_length()


class OpenAICompatible(BackendKind):
    """An OpenAI-compatible API: a remote provider (`base_url`, an `api_model` source), or a
    server the play job launches on its node (`launch`): llama.cpp on GGUF weights, vLLM on hub
    models, model directories or GGUF files."""

    name = "openai_compatible"
    sources = frozenset({"api_model"})
    launched_sources = frozenset(GGUF_SOURCES)
    renders_prompts = False  # the server renders prompts with its own template

    def label(self, entry: Mapping[str, Any]) -> str:
        return self.name + ("+launch" if "launch" in entry else "")

    def accepts(self, entry: Mapping[str, Any]) -> frozenset[str]:
        return self.launched_sources if "launch" in entry else self.sources

    def applies_template(self, entry: Mapping[str, Any]) -> bool:
        """A launched vLLM server takes the registry's template as `--chat-template`."""
        return _is_vllm(entry)

    def runs_locally(self, entry: Mapping[str, Any]) -> bool:
        return "launch" in entry

    def uses_gpu(self, entry: Mapping[str, Any]) -> bool:
        """A launched vLLM server always, a launched llama.cpp server when it offloads."""
        launch = entry.get("launch")
        if not launch:
            return False
        return launch["server"] == "vllm" or _n_gpu_layers(launch.get("options"))

    def threads(self, entry: Mapping[str, Any]) -> int:
        launch = entry.get("launch")
        return _n_threads(launch.get("options")) if launch else 1

    def fixed_runtime_min(self, entry: Mapping[str, Any]) -> float | None:
        return None if "launch" in entry else 120  # rate limits and retries of remote APIs

    def gpus(self, entry: Mapping[str, Any], needed: int) -> int:
        return tensor_parallel_size(entry, needed) if _is_vllm(entry) else needed

    def construct(self, cfg: PlayConfig, game: GameSpec) -> Backend:
        from clemgrid.backends.openai_compatible import OpenAICompatibleBackend

        return OpenAICompatibleBackend(cfg)


class Scripted(BackendKind):
    """Programmatic players (scripted policies, synthetic players) in the play process."""

    name = "scripted"
    sources = frozenset({"scripted", "synthetic"})

    def fixed_runtime_min(self, entry: Mapping[str, Any]) -> float | None:
        return 10

    def construct(self, cfg: PlayConfig, game: GameSpec) -> Backend:
        from clemgrid.backends.scripted import ScriptedBackend

        return ScriptedBackend(game, cfg.weight_source)


KINDS: dict[str, BackendKind] = {
    kind.name: kind for kind in (LlamaCpp(), Transformers(), OpenAICompatible(), Scripted())
}
"""Every backend kind by name: the one place a kind is registered (the registry schema's
`kind` enum is checked against it by the tests)."""


def kind_of(entry: Mapping[str, Any]) -> BackendKind:
    try:
        return KINDS[entry["kind"]]
    except KeyError:
        raise ValueError(f"unknown backend kind {entry.get('kind')!r}") from None

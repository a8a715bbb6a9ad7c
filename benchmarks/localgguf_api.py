"""clemcore backend `localgguf`: clemcore's own llama.cpp backend, loading a GGUF from a path.

clemcore's `llamacpp` backend finds its weights with `Llama.from_pretrained`, which lists the
Hugging Face repository over the network even when the file is cached, so it cannot run
offline. This file is copied into the clemcore workspace (clemcore loads `<name>_api.py` from
the working directory as backend `<name>`); it replaces only the loading: prompts, chat
template, generation and culling stay clemcore's `LlamaCPPLocalModel`. The Llama arguments
are those of `from_pretrained` in `clemcore.backends.llamacpp_api.load_model` (n_ctx=0: the
model's own context, verbose off), plus `n_threads` where the registry entry names it.
"""

from __future__ import annotations

from typing import Any

from clemcore.backends import llamacpp_api
from llama_cpp import Llama


def load_local(model_spec: Any) -> Llama:
    """The model file of the registry entry (`model_config.model_path`), on the CPU."""
    config = model_spec.model_config
    threads = config.get("n_threads") if isinstance(config, dict) else None
    extra = {"n_threads": threads, "n_threads_batch": threads} if threads else {}
    return Llama(model_path=config["model_path"], n_gpu_layers=0, n_ctx=0, verbose=False, **extra)


class LocalGGUF(llamacpp_api.LlamaCPPLocal):
    """clemcore's llama.cpp backend with `load_local` as its loader."""

    def get_model_for(self, model_spec: Any) -> Any:
        llamacpp_api.load_model = load_local  # the module global LlamaCPPLocalModel calls
        return llamacpp_api.LlamaCPPLocalModel(model_spec)

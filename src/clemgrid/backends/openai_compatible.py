"""Any OpenAI-compatible chat API: remote providers, or a llama.cpp server launched for the job.

Requests of a batch run concurrently (at most `concurrency` at once) and come back in input
order. The openai SDK retries 429, 5xx, timeouts and connection errors with backoff
(`max_retries`); what still fails is an `InfraError`, whose message never contains the API key.
The server renders the prompt, so `rendered_prompt` is None.

Turn ends follow the registry as on the local backends (`chat_template.turn_end`): the entry's
`chat.end_of_turn` strings are sent as the request's `stop` list, and without them the server's
own end of generation applies. A server always stops at its end-of-generation tokens as well
(the OpenAI API cannot switch that off), so an entry that leaves the weights' EOS out of its
`end_of_turn` on purpose (`SmolLM2-135M-Instruct-wrong-eot`) runs past the end of a turn only on
the in-process backends; a launched llama.cpp server logs a warning about it.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai

from clemgrid.backends.base import Backend, Generation, GenerationParams, InfraError, Message
from clemgrid.backends.chat_template import chat_template
from clemgrid.backends.server import LlamaCppServer, stored_chat_template, stored_eos_token
from clemgrid.backends.weights import api_model, weight_file
from clemgrid.entries import PlayConfig

log = logging.getLogger("clemgrid")

LOCAL_API_KEY = "no-key"  # local servers accept any key; the SDK insists on one
ERROR_DETAIL_CHARS = 500


class OpenAICompatibleBackend(Backend):
    def __init__(self, cfg: PlayConfig) -> None:
        entry = cfg.backend_entry
        self.name = cfg.backend
        self.concurrency = int(entry.get("concurrency", 4))
        timeout_s = float(entry.get("timeout_s", 120))
        # Exactly the registry's end-of-turn strings (none: the server's own end of generation).
        self.stop = list(cfg.chat.get("end_of_turn") or ())
        self.extra_body: dict[str, Any] = {}
        self.api_key = self._api_key(entry)
        self.server: LlamaCppServer | None = None
        if "launch" in entry:
            self.server = self._launch(cfg, entry["launch"], timeout_s)
            base_url, self.model = self.server.base_url, self.server.model
            # llama.cpp's server defaults to repeat_penalty 1.1 and top-k/top-p/min-p filtering;
            # these make it decode like the in-process llama.cpp backend.
            self.extra_body = {"repeat_penalty": 1.0, "top_k": 0, "top_p": 1.0, "min_p": 0.0}
        else:
            base_url, self.model = entry["base_url"], api_model(cfg)
        self.client = openai.OpenAI(
            base_url=base_url,
            api_key=self.api_key,
            max_retries=int(entry.get("max_retries", 3)),
            timeout=timeout_s,
        )

    def _api_key(self, entry: dict[str, Any]) -> str:
        """From the environment variable the entry names, else a dummy (local servers)."""
        env = entry.get("api_key_env")
        if not env:
            return LOCAL_API_KEY
        key = os.environ.get(env)
        if not key:
            raise InfraError(f"backend {self.name!r}: environment variable {env} is not set")
        return key

    @staticmethod
    def _launch(cfg: PlayConfig, launch: dict[str, Any], timeout_s: float) -> LlamaCppServer:
        if launch["server"] != "llama_cpp":
            raise ValueError(
                f"backend {cfg.backend!r}: launching a {launch['server']!r} server is not supported"
            )
        if cfg.chat.get("template"):
            raise ValueError(
                f"backend {cfg.backend!r}, model {cfg.model!r}: a launched llama.cpp server "
                "renders with the GGUF's stored template and cannot apply chat.template"
            )
        path = weight_file(cfg)
        chat_template(cfg, stored_chat_template(path), "", "")  # fails for a base model
        eos, stop = stored_eos_token(path), cfg.chat.get("end_of_turn")
        if stop is not None and eos is not None and eos not in stop:
            log.warning(
                "model %r: chat.end_of_turn %s leaves out the weights' EOS %r, but the launched "
                "llama.cpp server always stops there too: its turns end as if %r were listed",
                cfg.model,
                stop,
                eos,
                eos,
            )
        options = dict(launch.get("options") or {})
        if "context_size" in cfg.chat:
            options.setdefault("n_ctx", cfg.chat["context_size"])
        return LlamaCppServer(path, cfg.model, options, startup_timeout_s=timeout_s)

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(batch)))) as pool:
            return list(pool.map(lambda messages: self._request(messages, params), batch))

    def _request(self, messages: list[Message], params: GenerationParams) -> Generation:
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]  # plain role/content dicts
                temperature=params.temperature,
                max_tokens=params.max_tokens,
                stop=self.stop or openai.omit,
                seed=params.seed,
                extra_body=self.extra_body or None,
            )
        except openai.APIError as exc:
            raise InfraError(self._describe(exc)) from None
        choice = response.choices[0]
        usage = response.usage
        return Generation(
            text=choice.message.content or "",
            stop_reason="length" if choice.finish_reason == "length" else "end_of_turn",
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            extra={"finish_reason": choice.finish_reason},
        )

    def _describe(self, exc: openai.APIError) -> str:
        """What failed, after the SDK's retries; the key is cut out of anything the server echoed,
        and the original exception is not chained (its request carries the key)."""
        status = getattr(exc, "status_code", None)
        detail = str(exc).replace(self.api_key, "***")[:ERROR_DETAIL_CHARS]
        return (
            f"backend {self.name!r}, model {self.model!r} at {self.client.base_url}: "
            f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "") + f": {detail}"
        )

    def close(self) -> None:
        self.client.close()
        if self.server is not None:
            self.server.stop()

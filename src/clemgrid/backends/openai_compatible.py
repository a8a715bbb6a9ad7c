"""Any OpenAI-compatible chat API: remote providers, or a llama.cpp server launched for the job.

Requests of a batch run concurrently (at most `concurrency` at once) and come back in input
order. The openai SDK retries 429, 5xx, timeouts and connection errors with backoff
(`max_retries`); what still fails is an `InfraError`, whose message never contains the API key.
The server renders the prompt, so `rendered_prompt` is None.

A 200 whose body breaks the chat-completion schema (no `choices`, a null message or content of
the wrong type, no `usage`, not JSON; some providers answer so when their content filter
strikes) is the endpoint's failure, not the model's: it is sent again like a 5xx (`max_retries`
more times, with backoff) and then reported as an `InfraError` naming the endpoint, the model and
what was missing. It is never scored: an empty answer would count as the model's invalid move,
and made-up token counts (0 without `usage`) would skew the timing and length analyses.
A well-formed answer with `finish_reason: "content_filter"` is different: the provider says its
deployment declined, and at temperature 0 asking again gets the same. It is returned as the
model's answer (its text, often empty, is played and scored like any other) and logged as a
warning, since failing the job on it would leave the grid cell unplayable forever.

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
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai

from clemgrid.backends import next_token, vllm_server
from clemgrid.backends.base import Backend, Generation, GenerationParams, InfraError, Message
from clemgrid.backends.chat_template import chat_template
from clemgrid.backends.server import LlamaCppServer, stored_chat_template, stored_eos_token
from clemgrid.backends.vllm_server import VllmServer
from clemgrid.backends.weights import api_model, weight_file
from clemgrid.entries import PlayConfig

log = logging.getLogger("clemgrid")

VLLM_CONCURRENCY = 64  # in flight at once (up to the batch): vLLM batches what arrives together
VLLM_STARTUP_S = 1800  # loading a 70B model onto the GPUs (and compiling graphs) takes minutes
LOCAL_API_KEY = "no-key"  # local servers accept any key; the SDK insists on one
ERROR_DETAIL_CHARS = 500
TOP_LOGPROBS = 20  # the most OpenAI's API allows; llama.cpp's servers return as many


class MalformedResponse(Exception):
    """A 200 whose body is not a usable chat completion; the message says what is wrong."""


class OpenAICompatibleBackend(Backend):
    # Seconds before the n-th resend of a malformed answer: base * 2**n, capped (class attributes
    # so tests can shorten them; the SDK's own retries of HTTP errors have their own backoff).
    malformed_backoff_s = 0.5
    malformed_backoff_max_s = 8.0

    def __init__(self, cfg: PlayConfig) -> None:
        entry = cfg.backend_entry
        self.name = cfg.backend
        vllm = (entry.get("launch") or {}).get("server") == "vllm"
        self.concurrency = int(entry.get("concurrency", VLLM_CONCURRENCY if vllm else 4))
        self.max_retries = int(entry.get("max_retries", 3))
        timeout_s = float(entry.get("timeout_s", 120))
        # Exactly the registry's end-of-turn strings (none: the server's own end of generation).
        self.stop = list(cfg.chat.get("end_of_turn") or ())
        self.extra_body: dict[str, Any] = {}
        self.api_key = self._api_key(entry)
        self.server: LlamaCppServer | VllmServer | None = None
        if vllm:
            startup_s = float(entry["launch"].get("startup_timeout_s", VLLM_STARTUP_S))
            self.server = vllm_server.start(cfg, entry["launch"], startup_s)
            base_url, self.model = self.server.base_url, self.server.model
        elif "launch" in entry:
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
            max_retries=self.max_retries,
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

    def provenance(self) -> dict[str, Any]:
        """A launched vLLM server's version and reproducibility settings."""
        return self.server.provenance() if isinstance(self.server, VllmServer) else {}

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(batch)))) as pool:
            return list(pool.map(lambda messages: self._request(messages, params), batch))

    def generate_each(
        self, batch: list[list[Message]], params: list[GenerationParams]
    ) -> list[Generation]:
        """Requests are independent, so per-request params (a seed each) stay concurrent."""
        if len(params) != len(batch):
            raise ValueError(f"{len(params)} params for {len(batch)} chats")
        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(batch)))) as pool:
            return list(pool.map(self._request, batch, params))

    def answer_probabilities(
        self, messages: list[Message], classify: Callable[[str], str | None], temperature: float
    ) -> dict[str, float]:
        """One token asked with `logprobs` and TOP_LOGPROBS alternatives, where the server
        returns them (llama.cpp's servers, vLLM, OpenAI); InfraError where it does not."""
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]  # plain role/content dicts
                temperature=0.0,
                max_tokens=1,
                logprobs=True,
                top_logprobs=TOP_LOGPROBS,
                extra_body=self.extra_body or None,
            )
        except openai.APIError as exc:
            raise InfraError(self._describe(exc)) from None
        choices = getattr(response, "choices", None) or [None]
        logprobs = getattr(getattr(choices[0], "logprobs", None), "content", None)
        top = getattr(logprobs[0], "top_logprobs", None) if logprobs else None
        if not top:
            raise InfraError(self._where("the answer has no top logprobs"))
        return next_token.from_top_logprobs(
            [(t.token, t.logprob) for t in top], classify, temperature
        )

    def _request(self, messages: list[Message], params: GenerationParams) -> Generation:
        """One chat, resent while the endpoint answers 200 with a malformed body."""
        for attempt in range(self.max_retries + 1):
            try:
                return self._parse(self._create(messages, params))
            except MalformedResponse as exc:
                problem = str(exc)
            if attempt < self.max_retries:
                delay = min(self.malformed_backoff_s * 2**attempt, self.malformed_backoff_max_s)
                log.warning(
                    "%s; sending again in %.1f s (%d of %d)",
                    self._where(problem),
                    delay,
                    attempt + 1,
                    self.max_retries,
                )
                time.sleep(delay)
        raise InfraError(
            self._where(problem) + f" (after {self.max_retries + 1} tries; the endpoint answered "
            "HTTP 200 with a body that is not a chat completion)"
        )

    def _create(self, messages: list[Message], params: GenerationParams) -> Any:
        try:
            return self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]  # plain role/content dicts
                temperature=params.temperature,
                max_tokens=params.max_tokens,
                stop=self.stop or openai.omit,
                seed=params.seed,
                extra_body=self.extra_body or None,
            )
        except openai.APIResponseValidationError as exc:
            detail = str(exc).replace(self.api_key, "***")[:ERROR_DETAIL_CHARS]
            raise MalformedResponse(f"invalid body: {detail}") from None
        except openai.APIError as exc:
            raise InfraError(self._describe(exc)) from None
        except ValueError as exc:  # a body that is not JSON (json.JSONDecodeError)
            raise MalformedResponse(f"body is not JSON: {exc}") from None

    def _parse(self, response: Any) -> Generation:
        """The generation of a well-formed completion; MalformedResponse says what is missing.

        The SDK builds its response objects without validating them, so a missing field surfaces
        only here (as a missing attribute or a None)."""
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise MalformedResponse(f"no choices in the answer ({self._shape(response)})")
        choice = choices[0]
        message = getattr(choice, "message", None)
        if message is None:
            raise MalformedResponse(f"choices[0] has no message ({self._shape(response)})")
        content = getattr(message, "content", None)
        refusal = getattr(message, "refusal", None)
        if content is None and isinstance(refusal, str):
            content = refusal  # the model's own refusal (OpenAI): its answer, null content aside
        if content is not None and not isinstance(content, str):
            raise MalformedResponse(f"message content is a {type(content).__name__}, not text")
        finish_reason = getattr(choice, "finish_reason", None)
        usage = getattr(response, "usage", None)
        tokens = (getattr(usage, "prompt_tokens", None), getattr(usage, "completion_tokens", None))
        if not all(isinstance(n, int) for n in tokens):
            raise MalformedResponse(
                f"no usage token counts in the answer ({self._shape(response)})"
            )
        if finish_reason == "content_filter":
            log.warning("%s", self._where("the provider's content filter ended this answer"))
        elif content is None:
            raise MalformedResponse(f"message content is null (finish_reason {finish_reason!r})")
        return Generation(
            text=content or "",
            stop_reason="length" if finish_reason == "length" else "end_of_turn",
            prompt_tokens=int(tokens[0] or 0),  # both checked to be ints above
            completion_tokens=int(tokens[1] or 0),
            extra={"finish_reason": finish_reason},
        )

    def _where(self, problem: str) -> str:
        return f"backend {self.name!r}, model {self.model!r} at {self.client.base_url}: {problem}"

    def _shape(self, response: Any) -> str:
        """The top-level fields an answer had, and its `error` if it carried one (some providers
        answer errors with HTTP 200), for the error message; the key is cut out."""
        if isinstance(response, str):
            return f"a {len(response)}-character text body"
        fields = set(getattr(response, "model_fields_set", None) or ())
        extra = getattr(response, "model_extra", None) or {}
        shape = "fields: " + (", ".join(sorted(fields | set(extra))) or "none")
        if "error" in extra:
            error = str(extra["error"]).replace(self.api_key, "***")[:ERROR_DETAIL_CHARS]
            shape += f"; error: {error}"
        return shape

    def _describe(self, exc: openai.APIError) -> str:
        """What failed, after the SDK's retries; the key is cut out of anything the server echoed,
        and the original exception is not chained (its request carries the key)."""
        status = getattr(exc, "status_code", None)
        detail = str(exc).replace(self.api_key, "***")[:ERROR_DETAIL_CHARS]
        return self._where(
            f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "") + f": {detail}"
        )

    def close(self) -> None:
        self.client.close()
        if self.server is not None:
            self.server.stop()

"""llama-cpp-python itself: loading a GGUF safely and running one completion request.

This is the only module that touches llama.cpp. It runs inside the model worker process
(`trainer.llm_worker`) by default, or in the app's own process with ``model_process =
"in-process"``. Requests and replies are plain data (dicts and strings), so they cross a pipe.

The AMX guard: llama.cpp's AMX kernels crash (a general protection fault in ``ldtilecfg``) on
virtualised Xeons with AMX. `.ci/setup.sh` compiles them out; a build that still has them (a
user's own, a wheel from elsewhere) is loaded with llama.cpp's extra buffer types switched off,
which keeps the AMX kernels unused, and a one-line warning names the fix.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "AMX_FIX",
    "EmbedRequest",
    "LoadPlan",
    "Request",
    "load_llama",
    "load_plan",
    "run_request",
    "system_info",
]

AMX_FIX = "run `bash .ci/setup.sh`: it rebuilds llama-cpp-python without AMX"


@dataclass(frozen=True)
class Request:
    """One completion: the model to use, the chat, and llama-cpp-python's call options.

    ``assistant_prefix`` begins the reply (a completion over the chat template); without it the
    request is a plain chat completion."""

    model_path: str
    slot: str
    n_ctx: int
    n_threads: int
    messages: list[dict[str, str]]
    stream: bool = False
    assistant_prefix: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.model_path, self.slot, self.n_ctx, self.n_threads)


@dataclass(frozen=True)
class EmbedRequest:
    """Sentence embeddings: one mean-pooled, L2-normalised vector per text, from the model's
    own hidden states (a `Llama` of its own in embedding mode, beside the chat slots)."""

    model_path: str
    n_threads: int
    texts: tuple[str, ...]
    slot: str = "embed"
    n_ctx: int = 512

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.model_path, self.slot, self.n_ctx, self.n_threads)


@dataclass(frozen=True)
class LoadPlan:
    """How to load llama.cpp given what it was built with."""

    extra_bufts: bool
    warning: str | None = None


def system_info() -> str:
    """llama.cpp's own description of the CPU features it was built for."""
    import llama_cpp

    return bytes(llama_cpp.llama_print_system_info()).decode(errors="replace")


def has_amx(info: str) -> bool:
    """True when llama.cpp reports AMX kernels (``AMX_INT8 = 1`` and the like)."""
    return re.search(r"\bAMX\w*\s*=\s*1\b", info) is not None


def load_plan(info: str) -> LoadPlan:
    """Extra buffer types on (weight repacking, the fast path) unless the build has AMX.

    Measured on an AMX Xeon: with AMX compiled in every decode crashed; with extra buffer types
    off it ran, at the cost of repacking (see README). Running slower beats crashing, so the
    guard falls back and says how to get the fast path back."""
    if not has_amx(info):
        return LoadPlan(extra_bufts=True)
    return LoadPlan(extra_bufts=False, warning=(
        "warning: this llama-cpp-python was built with AMX kernels, which crash on many AMX "
        f"CPUs; running without them (slower). To fix: {AMX_FIX}"))


_LLAMAS: dict[tuple[str, str, int, int], Any] = {}
_LOAD_LOCK = threading.Lock()


def load_llama(request: Request | EmbedRequest, info: str | None = None) -> tuple[Any, str | None]:
    """One `Llama` per (file, role), loaded once; each role keeps its own KV cache across turns
    (the weights are memory-mapped, so a second instance of a file costs little memory).
    Returns the model and the guard's warning when it was loaded with the fallback."""
    with _LOAD_LOCK:
        if request.key in _LLAMAS:
            return _LLAMAS[request.key], None
        plan = load_plan(system_info() if info is None else info)
        _LLAMAS[request.key] = _new_llama(request, plan.extra_bufts)
        return _LLAMAS[request.key], plan.warning


def _new_llama(request: Request | EmbedRequest, extra_bufts: bool) -> Any:
    import llama_cpp
    import llama_cpp.llama_cpp as low

    if not Path(request.model_path).exists():
        raise FileNotFoundError(f"{request.model_path}: model file not found")
    # `Llama()` does not take use_extra_bufts; it builds its model parameters from
    # llama_model_default_params(), so the fallback swaps that in for this one load.
    default = low.llama_model_default_params
    if not extra_bufts:
        low.llama_model_default_params = lambda: _without_extra_bufts(default())
    embedding: dict[str, Any] = {}
    if isinstance(request, EmbedRequest):  # the whole context in one batch, mean pooling
        embedding = {"embedding": True, "n_batch": request.n_ctx, "n_ubatch": request.n_ctx,
                     "pooling_type": llama_cpp.LLAMA_POOLING_TYPE_MEAN}
    try:
        return llama_cpp.Llama(model_path=request.model_path, n_ctx=request.n_ctx,
                               n_threads=request.n_threads, verbose=False,
                               **({"n_batch": 256} | embedding))
    finally:
        low.llama_model_default_params = default


def _without_extra_bufts(params: Any) -> Any:
    params.use_extra_bufts = False
    return params


def run_request(llama: Any, request: Request | EmbedRequest) -> Any:
    """The completion: a dict, or an iterator of chunk dicts when ``request.stream``; for an
    `EmbedRequest`, a float32 array with one normalised row per text."""
    if isinstance(request, EmbedRequest):
        return embed_texts(llama, request.texts)
    if request.assistant_prefix is None:
        return llama.create_chat_completion(messages=request.messages, stream=request.stream,
                                            **request.params)
    prompt = chat_prompt(llama, request.messages) + request.assistant_prefix
    return llama.create_completion(prompt=prompt, stream=request.stream, **request.params)


def embed_texts(llama: Any, texts: tuple[str, ...]) -> Any:
    """One row per text: the mean of its last hidden states, L2-normalised. One text a decode:
    llama-cpp-python's batching of several sequences gives slightly different vectors for the
    same text depending on its neighbours, and a grade must not depend on them."""
    import numpy as np

    out = np.zeros((len(texts), llama.n_embd()), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i] = np.asarray(llama.embed(text, normalize=True, truncate=True), dtype=np.float32)
    return out


def chat_prompt(llama: Any, messages: list[dict[str, str]]) -> str:
    """The chat rendered by the model's own template, ready for the reply to begin.

    Starting the reply with the speaker's label ("Dana:") keeps a small model in the caller's
    role far better than a bare assistant turn, where it drifts into the agent's."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    formatter = Jinja2ChatFormatter(
        template=llama.metadata["tokenizer.chat_template"],
        eos_token=llama._model.token_get_text(llama.token_eos()),
        bos_token=llama._model.token_get_text(llama.token_bos()),
        add_generation_prompt=True)
    return formatter(messages=messages).prompt  # type: ignore[arg-type]  # plain role/content dicts


def text_chunks(stream: Iterator[dict[str, Any]]) -> Iterator[str]:
    """The text of each streamed chunk (chat deltas or completion text)."""
    for part in stream:
        choice = part["choices"][0]
        delta = (choice["delta"].get("content") if "delta" in choice else choice["text"]) or ""
        if delta:
            yield delta

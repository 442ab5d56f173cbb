"""Scripted fakes for the boundaries: a chat model that replays replies, and raises when they
run out (a test that asks for more than it scripted is wrong, not lucky)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field


class ScriptedChat(BaseChatModel):
    """Returns the scripted replies in order; records every prompt it was sent."""

    replies: list[str | Exception]
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    kwargs: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> str:
        self.prompts.append(messages)
        self.kwargs.append(kwargs)
        if not self.replies:
            raise AssertionError("ScriptedChat: no scripted reply left")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        text = self._next(messages, kwargs)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        text = self._next(messages, kwargs)
        for word in text.split(" "):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word + " "))


class SimulatedMicrophone:
    """A microphone in a quiet room, read in real time like PyAudio's stream: low noise plus
    the clips scheduled with `say_at` (16 kHz mono float32, placed at a monotonic time; a time
    already past plays from now). Enter it like ``sr.Microphone``."""

    SAMPLE_RATE, SAMPLE_WIDTH, CHUNK = 16000, 2, 1024

    def __init__(self, noise_dbfs: float = -60.0, seed: int = 0) -> None:
        import numpy as np

        self.noise = 10 ** (noise_dbfs / 20)
        self.rng = np.random.default_rng(seed)
        self.clips: list[tuple[int, Any]] = []  # (first sample, samples)
        self.t0: float | None = None
        self.pos = 0  # samples delivered so far
        self.stream: Any = None
        self.lock = __import__("threading").Lock()

    def __enter__(self) -> Any:
        import speech_recognition as sr

        mic = self

        class Source(sr.AudioSource):
            SAMPLE_RATE, SAMPLE_WIDTH, CHUNK = mic.SAMPLE_RATE, mic.SAMPLE_WIDTH, mic.CHUNK
            stream = mic

            def __init__(self) -> None:
                pass

        self.stream = self
        return Source()

    def __exit__(self, *exc: object) -> None:
        self.stream = None

    def say_at(self, samples: Any, at: float) -> None:
        import time

        with self.lock:
            if self.t0 is None:
                self.t0 = time.monotonic()
            start = max(self.pos, round((at - self.t0) * self.SAMPLE_RATE))
            self.clips.append((start, samples))

    def read(self, size: int) -> bytes:
        import time

        import numpy as np

        with self.lock:
            if self.t0 is None:
                self.t0 = time.monotonic()
            lo, hi = self.pos, self.pos + size
            self.pos = hi
            clips = list(self.clips)
        time.sleep(max(0.0, self.t0 + hi / self.SAMPLE_RATE - time.monotonic()))
        out = self.rng.normal(0, self.noise, size)
        for start, samples in clips:
            a, b = max(lo, start), min(hi, start + len(samples))
            if a < b:
                out[a - lo:b - lo] += samples[a - start:b - start]
        return bytes((np.clip(out, -1, 1) * 32767).astype("<i2").tobytes())

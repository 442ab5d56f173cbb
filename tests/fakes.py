"""Scripted fakes for the boundaries: a chat model that replays replies, and raises when they
run out (a test that asks for more than it scripted is wrong, not lucky); a speech recogniser
that hears scripted lines; the model worker as a fake process."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
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



FAKE_WORKER = Path(__file__).with_name("fake_llm_worker.py")


@contextmanager
def fake_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The model worker as a fake process (``fake_llm_worker.py``), installed as the process's
    shared worker; closed on exit."""
    from trainer import models
    from trainer.llm_worker import WorkerClient

    client = WorkerClient(command=[sys.executable, str(FAKE_WORKER)])
    monkeypatch.setattr(models, "shared_worker", lambda: client)
    try:
        yield client
    finally:
        client.close()


class PrefillChat(ScriptedChat):
    """A local-like model (it has ``prefill``, so the caller prefixes its replies): records
    what was read ahead, as (the prompt's last message, the assistant prefix)."""

    prefills: list[tuple[str, str | None]] = Field(default_factory=list)

    def prefill(self, messages: list[Any], assistant_prefix: str | None = None) -> None:
        self.prefills.append((str(messages[-1].content), assistant_prefix))

    @property
    def read(self) -> list[str]:
        """What was read ahead, prompts only."""
        return [prompt for prompt, _ in self.prefills]


class ForeseeingListener:
    """Hands each line to ``on_words`` (as the microphone does at a finished-sounding pause)
    before returning it."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.on_words: Any = None

    def listen(self, save_as: Path | None) -> Any:
        from trainer.voice.base import EndOfInput, Heard

        if not self.lines:
            raise EndOfInput
        text = self.lines.pop(0)
        if self.on_words is not None:
            self.on_words(text)
        return Heard(text)


class ScriptedTranscriber:
    """Hears each turn as the next scripted line (and counts the audio it was given)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.heard: list[float] = []
        self.seconds: list[float] = []

    def transcribe(self, audio: np.ndarray) -> Any:
        from trainer.voice.stt import Transcription

        self.heard.append(float(np.sqrt(np.mean(audio ** 2))) if len(audio) else 0.0)
        self.seconds.append(len(audio) / 16000)
        return Transcription(self.lines.pop(0) if self.lines else "", [], 0.01)

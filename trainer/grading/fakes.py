"""A scripted stand-in for the grader model, for tests and model-free runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from langchain_core.messages import AIMessage

__all__ = ["ScriptExhausted", "ScriptedChat"]

Reply = str | Callable[[list[Any], dict[str, Any]], str]


class ScriptExhausted(AssertionError):
    """The fake was asked for more replies than were scripted."""


class ScriptedChat:
    """Returns the scripted replies in order (a reply may be a function of the messages and
    call options); raises `ScriptExhausted` when they run out. Records every call."""

    def __init__(self, replies: Iterable[Reply], llm_type: str = "llama-cpp") -> None:
        self.replies = list(replies)
        self.calls: list[tuple[list[Any], dict[str, Any]]] = []
        self._llm_type = llm_type

    def invoke(self, input: Any, **kwargs: Any) -> AIMessage:
        self.calls.append((list(input), kwargs))
        if not self.replies:
            raise ScriptExhausted(f"fake chat model: no scripted reply left for call "
                                  f"{len(self.calls)}")
        reply = self.replies.pop(0)
        return AIMessage(reply(list(input), kwargs) if callable(reply) else reply)

"""The machine's speed, printed beside latency figures: these machines differ several-fold."""

from __future__ import annotations

import time

from langchain_core.messages import HumanMessage

from trainer.config import Settings
from trainer.models import chat_model

PROMPT = [HumanMessage("Count from one to one hundred in words, separated by commas.")]


def tokens_per_second(settings: Settings, tokens: int = 48) -> float:
    """The embedded caller model's generation speed: the prompt is read first (one token out),
    then the same prompt generates ``tokens`` tokens from the cache."""
    model = chat_model("caller", settings, seed=0, temperature=0.0)
    model.invoke(PROMPT, max_tokens=1)
    started = time.perf_counter()
    reply = model.invoke(PROMPT, max_tokens=tokens)
    seconds = time.perf_counter() - started
    usage = getattr(reply, "usage_metadata", None) or {}
    return float(usage.get("output_tokens") or tokens) / seconds

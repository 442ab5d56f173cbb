"""A model worker with a fake model, run as a real process: the pipe protocol, streaming,
cancelling and dying are real; the model is not. A message containing CRASH makes it kill
itself with SIGSEGV mid-stream, as a native crash would."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from trainer.llama_local import EmbedRequest, Request
from trainer.llm_worker import serve

WORDS = ["One.", " Two.", " Three.", " Four.", " Five.", " Six."]


def load(request: Request) -> tuple[Any, str | None]:
    return object(), ("warning: fake AMX" if "WARN" in request.model_path else None)


def run(_llama: Any, request: Request | EmbedRequest) -> Any:
    if isinstance(request, EmbedRequest):  # a vector per text: its length and its word count
        if any("CRASH" in t for t in request.texts):
            os.kill(os.getpid(), signal.SIGSEGV)
        return np.array([[len(t), len(t.split())] for t in request.texts], dtype=np.float32)
    last = request.messages[-1]["content"]
    if "SLOW" in last:  # a long request (the parent-death test kills the app meanwhile)
        time.sleep(60)
    if "FAIL" in last:
        raise ValueError("Requested tokens exceed context window")
    if request.stream:
        return _stream(last)
    text = f"echo: {last} seed={request.params.get('seed')} prefix={request.assistant_prefix}"
    return {"choices": [{"text": text}], "usage": {"prompt_tokens": 3, "completion_tokens": 2,
                                                   "total_tokens": 5}}


def _stream(last: str) -> Iterator[dict[str, Any]]:
    for n, word in enumerate(WORDS):
        if "CRASH" in last and n == 2:
            os.kill(os.getpid(), signal.SIGSEGV)
        yield {"choices": [{"text": word}]}
        time.sleep(0.05)


if __name__ == "__main__":
    read_fd, write_fd = int(sys.argv[-2]), int(sys.argv[-1])
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False), load, run)

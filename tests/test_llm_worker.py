"""The model worker process: streaming, cancelling, errors, and surviving its death."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import fake_worker
from langchain_core.messages import HumanMessage

from trainer.behaviour.embed import ModelEmbedder
from trainer.llm_worker import WorkerClient
from trainer.models import LlamaCppChat, ModelCrashed


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkerClient]:
    with fake_worker(monkeypatch) as client:
        yield client


def _model(path: str = "/fake.gguf") -> LlamaCppChat:
    return LlamaCppChat(model_path=path, seed=7)


def test_complete_passes_options_through(worker: WorkerClient) -> None:
    reply = _model().invoke([HumanMessage("hello")], assistant_prefix="Dana:")
    assert reply.content == "echo: hello seed=7 prefix=Dana:"
    assert reply.usage_metadata["total_tokens"] == 5  # type: ignore[index]


def test_stream_and_an_abandoned_stream_leaves_the_worker_clean(worker: WorkerClient) -> None:
    model = _model()
    assert "".join(str(c.content) for c in model.stream([HumanMessage("x")])) == \
        "One. Two. Three. Four. Five. Six."
    stream = model.stream([HumanMessage("x")])
    assert [str(next(stream).content) for _ in range(2)] == ["One.", " Two."]
    stream.close()  # the caller stops after enough sentences: the rest is cancelled
    pid = worker.pid
    assert model.invoke([HumanMessage("next")]).content.startswith("echo: next")
    assert worker.pid == pid  # same worker, no leftover chunks


def test_a_model_error_is_raised_not_a_crash(worker: WorkerClient) -> None:
    with pytest.raises(ValueError, match="exceed context window"):
        _model().invoke([HumanMessage("FAIL")])
    assert _model().invoke([HumanMessage("ok")]).content.startswith("echo: ok")


def test_the_guard_warning_is_logged_once(worker: WorkerClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="trainer"):
        _model("/WARN.gguf").invoke([HumanMessage("a")])
    assert [r.message for r in caplog.records] == ["warning: fake AMX"]


def test_a_native_crash_mid_stream_is_model_crashed(worker: WorkerClient) -> None:
    model = _model()
    got = []
    with pytest.raises(ModelCrashed, match="process died: killed by SIGSEGV"):
        for chunk in model.stream([HumanMessage("CRASH")]):
            got.append(chunk.content)
    assert got == ["One.", " Two."]
    with pytest.raises(ModelCrashed, match="SIGSEGV"):  # this model stays crashed ...
        model.invoke([HumanMessage("again")])
    assert _model().invoke([HumanMessage("new call")]).content.startswith("echo")  # ... a new one works


def test_worker_killed_from_outside(worker: WorkerClient) -> None:
    model = _model()
    stream = model.stream([HumanMessage("x")])
    next(stream)
    assert worker.pid is not None
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(ModelCrashed, match="killed by SIGKILL"):
        list(stream)


def test_prefill_swallows_a_crash_and_the_next_request_reports_it(worker: WorkerClient) -> None:
    model = _model()
    model.invoke([HumanMessage("start")])
    assert worker.pid is not None
    os.kill(worker.pid, signal.SIGKILL)
    model.prefill([HumanMessage("warm")])  # runs in a background thread: must not raise
    with pytest.raises(ModelCrashed, match="SIGKILL"):
        model.invoke([HumanMessage("reply")])


def test_embedding_requests_cross_the_pipe_and_a_crash_is_model_crashed(
        worker: WorkerClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer import models
    from trainer.config import Settings

    monkeypatch.setattr(models, "ensure_embedded_model", lambda _dir: tmp_path / "fake.gguf")
    run = models.embed_runner(Settings(home=tmp_path))
    embedder = ModelEmbedder(run, dim=2)
    got = embedder.embed(["Please hold.", "That sounds awful."])
    prefix = len(ModelEmbedder.PREFIX)
    assert got.tolist() == [[prefix + 12, 5], [prefix + 18, 6]]  # the prefix went with each text
    with pytest.raises(ModelCrashed, match="SIGSEGV"):
        run(["CRASH"])


def test_the_worker_ends_when_the_app_is_killed_mid_request(tmp_path: Path) -> None:
    """An app killed during a long request must not leave its worker computing on alone."""
    import subprocess
    import sys
    import time

    from fakes import FAKE_WORKER

    app = tmp_path / "app.py"
    app.write_text(
        "import sys, threading, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r}); sys.path.insert(0, {str(Path.cwd())!r})\n"
        "from trainer.llm_worker import WorkerClient\n"
        "from trainer.llama_local import Request\n"
        f"client = WorkerClient(command=[sys.executable, {str(FAKE_WORKER)!r}])\n"
        "req = Request('/fake.gguf', 'chat', 512, 1, [{'role': 'user', 'content': 'SLOW'}])\n"
        "threading.Thread(target=client.complete, args=(req,), daemon=True).start()\n"
        "while client.pid is None: time.sleep(0.05)\n"
        "print(client.pid, flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, str(app)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.2)
    assert not _alive(child), "the worker outlived the app that started it"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is dead, only not yet reaped
        return f.read().split(") ")[-1][0] != "Z"

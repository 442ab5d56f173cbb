"""A model process dying mid-call: the call ends saved, and the trainee reads one line."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from fakes import fake_worker

from trainer import cli
from trainer.caller import Caller
from trainer.director import Director
from trainer.llm_worker import WorkerClient
from trainer.models import LlamaCppChat
from trainer.personas import find_persona
from trainer.session import Call, CallResult, run_call
from trainer.store import SessionWriter, load_session
from trainer.transcript import Mood
from trainer.voice.base import Heard
from trainer.voice.text import TextSpeaker

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkerClient]:
    with fake_worker(monkeypatch) as client:
        yield client


class _KillsTheWorker:
    """The trainee's second turn: meanwhile the model's process is killed (as by a segfault)."""

    def __init__(self, worker: WorkerClient) -> None:
        self.worker, self.n = worker, 0

    def listen(self, save_as: Path | None) -> Heard:
        self.n += 1
        if self.n == 2:
            assert self.worker.pid is not None
            os.kill(self.worker.pid, signal.SIGSEGV)
        return Heard("I'm so sorry, Dana.")


def test_worker_death_mid_call_ends_it_saved(tmp_path: Path, worker: WorkerClient) -> None:
    persona = find_persona("irate-dana", [ROOT / "personas"])
    writer = SessionWriter(tmp_path / "sessions", persona.id, {})
    call = Call(persona, Caller(persona, LlamaCppChat(model_path="/fake.gguf")),
                Director(persona, seed=0), TextSpeaker(write=lambda s: None),
                _KillsTheWorker(worker), writer)
    result = run_call(call)
    assert result.ended_by == "model_crashed"
    assert result.error is not None and "killed by SIGSEGV" in result.error
    saved = load_session(result.session_dir)
    assert [t.speaker for t in saved.turns] == ["caller", "trainee", "caller", "trainee"]
    assert "One." in saved.turns[2].text  # the line the model wrote before it died (after Dana's reaction)
    meta = json.loads((result.session_dir / "session.json").read_text())
    assert meta["ended_by"] == "model_crashed" and "SIGSEGV" in meta["error"]


def test_the_cli_prints_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    import trainer.practice

    folder = tmp_path / "sessions" / "20261203-irate-dana"
    crashed = CallResult("20261203-irate-dana", folder, "model_crashed", 4, Mood(8, 2),
                         "the embedded model's process died: killed by SIGSEGV")
    monkeypatch.setattr(trainer.practice, "practise", lambda *a, **k: crashed)
    script = tmp_path / "lines.txt"
    script.write_text("Hello\n")
    monkeypatch.setenv("COLUMNS", "300")
    with pytest.raises(typer.Exit):
        cli.call("irate-dana", text=True, script=script, audio_script=None, max_turns=5,
                 seed=None, model=None, grade=False)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: the embedded model's process died: killed by SIGSEGV; the call is "
                     f"saved (4 turns) in {folder}; run `trainer doctor`"]


def _worker_of(pid: int) -> int | None:
    """The model worker among a process's children (its command line names the module)."""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"trainer.llm_worker" in cmdline:
                return int(child)
    return None


@pytest.mark.integration
def test_real_worker_killed_mid_call(tmp_path: Path, embedded_model_path: Path) -> None:
    """`trainer call` on the real model; its worker is killed with SIGSEGV once the caller has
    spoken a model-written line: the call ends saved and stderr has one line."""
    import subprocess
    import time

    script = tmp_path / "lines.txt"
    script.write_text("I'm so sorry, Dana.\n" * 6)
    home = tmp_path / "home"
    env = {**os.environ, "TRAINER_HOME": str(home), "TRAINER_MODEL": f"local:{embedded_model_path}",
           "TRAINER_THREADS": "1", "COLUMNS": "300", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "call", "irate-dana", "--text",
                             "--script", str(script), "--no-grade", "--seed", "1"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 600
    killed = None
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        jsonl = list((home / "sessions").glob("*/transcript.jsonl"))
        if jsonl and len(jsonl[0].read_text().splitlines()) >= 3:  # a model line is on disk
            worker = _worker_of(proc.pid)
            if worker is not None:
                os.kill(worker, signal.SIGSEGV)
                killed = worker
        time.sleep(0.2)
    out, err = proc.communicate(timeout=120)
    assert killed is not None, (out, err)
    assert proc.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "killed by SIGSEGV" in lines[0] and "run `trainer doctor`" in lines[0]
    folder = next((home / "sessions").iterdir())
    assert str(folder) in lines[0]
    meta = json.loads((folder / "session.json").read_text())
    assert meta["ended_by"] == "model_crashed"
    assert len(load_session(folder).turns) >= 3

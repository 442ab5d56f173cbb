"""The OpenAI-compatible path against a real llama_cpp.server on loopback."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from trainer.store import list_sessions, load_session

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(embedded_model_path: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(embedded_model_path),
         "--model_alias", "qwen-local", "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "4096", "--n_threads", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True,
                          text=True, timeout=600, env={**os.environ, **env})


def test_call_through_openai_compatible_server(server: str, tmp_path: Path,
                                               trainer_home: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Calm down, ma'am.\nI'm so sorry, I can refund you or send a new one.\n")
    out = _run(["call", "irate-dana", "--text", "--script", str(script), "--seed", "1", "--no-grade"],
               {"TRAINER_MODEL": f"openai:qwen-local@{server}"})
    assert out.returncode == 0, out.stderr
    session = list_sessions(trainer_home / "sessions")[0]
    turns = load_session(session.dir).turns
    assert [t.speaker for t in turns] == ["caller", "trainee", "caller", "trainee", "caller"]
    assert all(t.text for t in turns if t.speaker == "caller")
    assert session.meta["models"]["caller"] == f"openai:qwen-local@{server}"


def test_unreachable_endpoint_is_one_line_and_turns_stay(tmp_path: Path,
                                                        trainer_home: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Hello, how can I help?\n")
    dead = f"http://127.0.0.1:{_free_port()}/v1"
    out = _run(["call", "irate-dana", "--text", "--script", str(script), "--no-grade"],
               {"TRAINER_MODEL": f"openai:x@{dead}", "TRAINER_RETRIES": "1",
                "TRAINER_TIMEOUT": "3"})
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "unreachable" in out.stderr
    session = list_sessions(trainer_home / "sessions")[0]
    assert [t.speaker for t in load_session(session.dir).turns] == ["caller", "trainee"]


def test_eval_suite_against_the_server_with_concurrency(server: str, tmp_path: Path,
                                                        trainer_home: Path) -> None:
    """`trainer eval run` on a remote grader (here llama_cpp.server standing in for vLLM),
    two requests in flight: every grade done through the server, nothing lost to errors. The two
    calls are ones where the model still settles a criterion (the reader decides the others)."""
    import json

    suite = tmp_path / "remote.yaml"
    suite.write_text("name: remote\ntranscripts: [e07-supervisor-weak, e28-supervisor-borderline]\n"
                     "repeats: 2\nconcurrency: 2\nbootstrap: 50\n")
    spec = f"openai:qwen-local@{server}"
    out = _run(["eval", "run", str(suite), "--grader", spec, "--out", str(tmp_path / "run")], {})
    assert out.returncode in (0, 1), out.stderr  # 1: a gate failed — still a measurement
    assert "Traceback" not in out.stderr
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    result = report["results"][spec]
    assert result["errors"] == []
    summary = result["summary"]
    assert summary["grades"] == 4 and summary["model_calls_per_grade"] > 0
    assert summary["schema_valid"] is not None

"""Every file the app reads, given garbage: one line naming the file, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from trainer.consistency.report import load_baseline
from trainer.consistency.suite import SuiteError, load_suite
from trainer.personas import PersonaError, load_persona
from trainer.transcript import TranscriptError, load_transcript
from trainer.voice.text import ScriptListener
from trainer.voice.wav import WavError, read_wav

ROOT = Path(__file__).resolve().parent.parent
RANDOM = bytes(range(128, 256)) * 20  # not UTF-8, not a WAV, not anything


@pytest.fixture
def garbage(tmp_path: Path) -> Callable[[str], Path]:
    def make(name: str, content: bytes = RANDOM) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path
    return make


READERS: list[tuple[str, Callable[[Path], object], type[Exception]]] = [
    ("call.json", load_transcript, TranscriptError),
    ("call.jsonl", load_transcript, TranscriptError),
    ("persona.yaml", load_persona, PersonaError),
    ("suite.yaml", load_suite, SuiteError),
    ("lines.txt", ScriptListener.from_file, ValueError),
    ("turn.wav", read_wav, WavError),
    ("report.json", load_baseline, ValueError),
]


@pytest.mark.parametrize(("name", "read", "error"), READERS)
def test_random_bytes_name_the_file(garbage: Callable[[str], Path], name: str,
                                    read: Callable[[Path], object], error: type[Exception]) -> None:
    path = garbage(name)
    with pytest.raises(error) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message


@pytest.mark.parametrize(("content", "reason"), [
    (b"not json {", "not JSON"),
    (b"[1, 2]", "turns: missing"),
    (b'{"turns": [{"speaker": "caller", "text": "hi", "mood": {"anger": "x"}}]}', "turns[0].mood"),
    (b'{"turns": [{"speaker": "caller", "text": "hi", "index": "two"}]}', "turns[0].index"),
    (b'{"turns": [{"speaker": "caller", "text": "hi", "triggers": 3}]}', "turns[0].triggers"),
    (b'{"turns": [{"speaker": "robot", "text": "hi"}]}', "turns[0].speaker"),
])
def test_wrong_transcripts_name_file_and_field(garbage: Callable[[str], Path], content: bytes,
                                               reason: str) -> None:
    path = garbage("call.json", content)
    with pytest.raises(TranscriptError, match=f"^{path}: {reason}".replace("[", r"\[").replace("]", r"\]")):
        load_transcript(path)


def _trainer(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={**os.environ, "COLUMNS": "300",
                                                     "PYTHONPATH": str(ROOT)})


def test_grade_on_random_bytes_is_one_line_naming_the_file(garbage: Callable[[str], Path],
                                                           tmp_path: Path) -> None:
    garbage("call.json")
    out = _trainer("grade", "call.json", cwd=tmp_path)
    assert out.returncode != 0
    lines = (out.stdout + out.stderr).strip().splitlines()
    assert len(lines) == 1 and "call.json: not a text file" in lines[0], lines


def test_call_with_a_random_script_is_one_line(garbage: Callable[[str], Path], tmp_path: Path) -> None:
    garbage("lines.txt")
    out = _trainer("call", "irate-dana", "--text", "--script", "lines.txt", "--no-grade", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "error: lines.txt: cannot read script: not a text file (byte 0 is not UTF-8)"]

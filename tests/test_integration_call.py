"""Whole text-mode calls on the real embedded model (slow tier)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.store import list_sessions, load_session

pytestmark = pytest.mark.integration

DISMISSIVE = ["Calm down, ma'am.", "Please hold.", "That's not my problem, it's the courier's fault."]
EMPATHETIC = [
    "I'm so sorry, Dana, that's really frustrating after three calls.",
    "So just to confirm, the table arrived cracked and two chairs are missing?",
    "I can send a replacement table and chairs, or refund you in full and pick up the set. "
    "Which would you prefer?",
    "I'll book it now. You'll get a confirmation email within one hour and I'll call you "
    "back by 3pm tomorrow.",
]
STAGE = re.compile(r"[*\[\]()]|^\s*\w+\s*:|stage direction|\bthe agent\b", re.IGNORECASE)


def _call(tmp_path: Path, home: Path, lines: list[str], seed: int) -> dict:
    script = tmp_path / f"script-{seed}-{len(lines)}.txt"
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        [sys.executable, "-m", "trainer", "call", "irate-dana", "--text", "--script", str(script),
         "--seed", str(seed), "--no-grade"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    session = list_sessions(home / "sessions")[0]
    return {"meta": json.loads((session.dir / "session.json").read_text()),
            "transcript": load_session(session.dir)}


def test_dismissive_trainee_ends_angrier_than_empathetic(
        tmp_path: Path, trainer_home: Path, local_model_settings: None) -> None:
    bad = _call(tmp_path, trainer_home, DISMISSIVE, seed=3)
    good = _call(tmp_path, trainer_home, EMPATHETIC, seed=3)
    assert bad["meta"]["final_mood"]["anger"] > good["meta"]["final_mood"]["anger"] + 2
    for call in (bad, good):
        caller_lines = [t.text for t in call["transcript"].turns if t.speaker == "caller"]
        assert len(caller_lines) >= 3
        for line in caller_lines:
            assert line.strip(), "empty caller line"
            assert not STAGE.search(line), f"stage direction or label in: {line!r}"
        assert len(set(caller_lines)) == len(caller_lines), "caller repeated a line"

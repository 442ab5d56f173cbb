"""A whole scripted voice call: espeak-made trainee WAVs → Whisper → embedded caller → TTS."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.store import list_sessions, load_session
from trainer.voice.wav import check_wav

pytestmark = pytest.mark.integration

LINES = ["I am so sorry about your table, Dana.",
         "I can send a replacement or refund you in full."]


def test_voice_call_from_wav_files(tmp_path: Path, trainer_home: Path,
                                   local_model_settings: None) -> None:
    wavs = tmp_path / "turns"
    wavs.mkdir()
    for n, line in enumerate(LINES):
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w",
                        str(wavs / f"{n:02d}.wav"), line], check=True)
    out = subprocess.run(
        [sys.executable, "-m", "trainer", "call", "irate-dana", "--audio-script", str(wavs),
         "--max-turns", "2", "--seed", "1", "--no-grade"],
        capture_output=True, text=True, timeout=900,
        env={**__import__("os").environ, "TRAINER_TTS_ENGINE": "espeak"})
    assert out.returncode == 0, out.stderr
    session = list_sessions(trainer_home / "sessions")[0]
    transcript = load_session(session.dir)
    speakers = [t.speaker for t in transcript.turns]
    assert speakers == ["caller", "trainee", "caller", "trainee", "caller"]
    heard = [t.text.lower() for t in transcript.turns if t.speaker == "trainee"]
    assert "sorry" in heard[0] and "refund" in heard[1]
    for turn in transcript.turns:
        assert turn.audio, f"turn {turn.index} has no audio"
        assert check_wav(session.dir / turn.audio).seconds > 0.3
    trainee = [t for t in transcript.turns if t.speaker == "trainee"]
    assert all("words_per_minute" in (t.measures or {}) for t in trainee)
    assert all("response_gap" in (t.measures or {}) for t in trainee)
    meta = json.loads((session.dir / "session.json").read_text())
    assert meta["audio_measures"]["talk_time_ratio"] is not None
    assert check_wav(session.dir / meta["call_audio"]).seconds > 3

"""After a voice call: the whole-call WAV (both sides in order) and the call-level measures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.transcript import Turn
from trainer.voice.measures import overlapped, relative_to_median, response_gap, talk_time_ratio
from trainer.voice.wav import WavError, check_wav, concat_wavs

__all__ = ["CallMeasures", "call_measures", "call_timeline", "write_call_wav"]


def _audio(turn: Turn, session_dir: Path) -> tuple[Path, float] | None:
    """The turn's WAV and its length, or None when it has none or it is unusable."""
    if not turn.audio:
        return None
    path = session_dir / turn.audio
    try:
        return path, check_wav(path).seconds
    except WavError:
        return None


def _wav_start(turn: Turn) -> float:
    """Where the turn's WAV starts on the call clock (a trainee WAV has a lead-in before speech)."""
    offset = (turn.measures or {}).get("speech_offset", 0.0)
    return max(0.0, turn.start - float(offset))


def write_call_wav(turns: Sequence[Turn], session_dir: Path,
                   out: Path | None = None) -> Path | None:
    """Mix every turn's WAV onto one timeline (16 kHz) at ``out`` (default
    ``audio/call.wav``). Turns keep their call-clock start, pushed later where a caller line
    took longer to hear than to render (no sound card), so sides never overlap by accident."""
    parts: list[tuple[Path, float | None]] = [
        (path, start) for path, start, _ in _timeline(turns, session_dir).values()]
    if not parts:
        return None
    return concat_wavs(parts, out or session_dir / "audio" / "call.wav")


def _timeline(turns: Sequence[Turn], session_dir: Path) -> dict[int, tuple[Path, float, float]]:
    """Per turn with audio: its WAV, where it starts in the whole-call WAV, and its length."""
    out: dict[int, tuple[Path, float, float]] = {}
    cursor = 0.0
    for turn in turns:
        found = _audio(turn, session_dir)
        if found is None:
            continue
        path, seconds = found
        start = max(_wav_start(turn), cursor)
        out[turn.index] = (path, start, seconds)
        cursor = start + seconds
    return out


def call_timeline(turns: Sequence[Turn], session_dir: Path) -> dict[int, float]:
    """Where each turn's speech starts in ``audio/call.wav`` (seconds), for playing a quote
    from its moment."""
    out = {}
    for index, (_, start, _) in _timeline(turns, session_dir).items():
        turn = next(t for t in turns if t.index == index)
        out[index] = round(start + float((turn.measures or {}).get("speech_offset", 0.0)), 3)
    return out


@dataclass(frozen=True)
class CallMeasures:
    """Per-call figures plus, per trainee turn index, the measures that need the whole call."""

    talk_time_ratio: float | None
    trainee_seconds: float
    caller_seconds: float
    turns: dict[int, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ratio = None if self.talk_time_ratio is None else round(self.talk_time_ratio, 3)
        return {"talk_time_ratio": ratio, "trainee_seconds": round(self.trainee_seconds, 2),
                "caller_seconds": round(self.caller_seconds, 2), "turns": self.turns}


def _seconds(turn: Turn, session_dir: Path) -> float:
    measures = turn.measures or {}
    if turn.speaker == "trainee" and "speech_seconds" in measures:
        return float(measures["speech_seconds"])
    found = _audio(turn, session_dir)
    return found[1] if found else max(0.0, turn.end - turn.start)


def _timing(turns: Sequence[Turn]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    caller_end = None
    for turn in turns:
        if turn.speaker == "caller":
            caller_end = turn.end
        elif turn.text:
            gap = response_gap(caller_end, turn.start)
            out[turn.index] = {"response_gap": None if gap is None else round(gap, 3),
                               "overlap": overlapped(caller_end, turn.start)}
    return out


def call_measures(turns: Sequence[Turn], session_dir: Path) -> CallMeasures:
    """Talk-time ratio; per trainee turn the response gap, overlap, and loudness relative to the
    trainee's own median (turns that were silence are left out)."""
    spoken = [t for t in turns if t.text]
    trainee = sum(_seconds(t, session_dir) for t in spoken if t.speaker == "trainee")
    caller = sum(_seconds(t, session_dir) for t in spoken if t.speaker == "caller")
    per_turn = _timing(turns)
    loud = [t for t in spoken if t.speaker == "trainee" and "loudness_dbfs" in (t.measures or {})]
    levels = [float((t.measures or {})["loudness_dbfs"]) for t in loud]
    for turn, relative in zip(loud, relative_to_median(levels), strict=True):
        per_turn.setdefault(turn.index, {})["loudness_vs_median_db"] = relative
    return CallMeasures(talk_time_ratio(trainee, caller), trainee, caller, per_turn)

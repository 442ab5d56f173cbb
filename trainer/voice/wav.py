"""WAV files: strict checks, read/write as float32, resampling and the whole-call mix.

Every problem with a file is a `WavError` whose message is ``file: reason``.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "SPEECH_RATE",
    "WavError",
    "WavInfo",
    "check_wav",
    "concat_wavs",
    "read_speech",
    "read_wav",
    "resample",
    "wav_bytes",
    "write_wav",
]

SPEECH_RATE = 16000  # what speech-to-text models expect
_WAVE_FORMATS = {3: "floating-point", 6: "A-law", 7: "µ-law", 0xFFFE: "extensible"}


class WavError(ValueError):
    """A WAV file that cannot be used; the message is ``file: reason``."""


@dataclass(frozen=True)
class WavInfo:
    """The header of a checked PCM WAV."""

    rate: int
    channels: int
    width: int  # bytes per sample
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def _format_reason(path: Path, exc: Exception) -> str:
    text = str(exc)
    if text.startswith("unknown format:"):
        code = int(text.split(":")[1])
        return f"not PCM ({_WAVE_FORMATS.get(code, f'format {code}')} audio); save as 16-bit PCM"
    if "RIFF" in text or "WAVE" in text:
        return "not a WAV file"
    return f"unreadable WAV ({text or type(exc).__name__})"


def _open(path: Path) -> wave.Wave_read:
    try:
        return wave.open(str(path), "rb")
    except FileNotFoundError:
        raise WavError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WavError(f"{path}: is a directory") from None
    except EOFError:
        raise WavError(f"{path}: empty or truncated file") from None
    except (wave.Error, OSError) as exc:
        raise WavError(f"{path}: {_format_reason(path, exc)}") from None


def check_wav(path: Path) -> WavInfo:
    """The header of a usable PCM WAV with at least one frame; raises `WavError` otherwise."""
    with _open(path) as w:
        info = WavInfo(w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes())
    if info.width not in (1, 2, 3, 4):
        raise WavError(f"{path}: unsupported sample width {info.width * 8} bits")
    if info.frames == 0:
        raise WavError(f"{path}: empty (no audio frames)")
    return info


def _pcm_to_float(data: bytes, width: int) -> np.ndarray:
    if width == 1:  # 8-bit WAV is unsigned
        return (np.frombuffer(data, np.uint8).astype(np.float32) - 128) / 128
    if width == 3:
        raw = np.frombuffer(data, np.uint8).reshape(-1, 3)
        ints = (raw[:, 0].astype(np.int32) | raw[:, 1].astype(np.int32) << 8
                | raw[:, 2].astype(np.int8).astype(np.int32) << 16)
        return ints.astype(np.float32) / 2**23
    dtype = np.int16 if width == 2 else np.int32
    return np.frombuffer(data, dtype).astype(np.float32) / float(2 ** (8 * width - 1))


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples in [-1, 1] and the sample rate; raises `WavError`."""
    info = check_wav(path)
    with _open(path) as w:
        data = w.readframes(info.frames)
    audio = _pcm_to_float(data, info.width)
    if info.channels > 1:
        audio = audio[: len(audio) // info.channels * info.channels]
        audio = audio.reshape(-1, info.channels).mean(axis=1)
    if audio.size == 0:
        raise WavError(f"{path}: empty (no audio frames)")
    return audio.astype(np.float32), info.rate


def read_speech(path: Path) -> np.ndarray:
    """A WAV as 16 kHz mono float32, ready for speech-to-text."""
    audio, rate = read_wav(path)
    return resample(audio, rate, SPEECH_RATE)


def resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear-interpolation resampling (speech only needs the band below 4 kHz)."""
    if rate == target or audio.size == 0:
        return audio.astype(np.float32)
    n = max(1, round(audio.size * target / rate))
    positions = np.arange(n) * (rate / target)
    return np.interp(positions, np.arange(audio.size), audio).astype(np.float32)


def wav_bytes(audio: np.ndarray, rate: int) -> bytes:
    """Mono float32 samples as the bytes of a 16-bit PCM WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def write_wav(path: Path, audio: np.ndarray, rate: int) -> Path:
    """Write mono float32 samples as 16-bit PCM; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(audio, rate))
    return path


def concat_wavs(parts: Iterable[tuple[Path, float | None]], out: Path,
                rate: int = SPEECH_RATE) -> Path:
    """Lay WAVs on one timeline and write it: each part starts at its offset in seconds (``None``:
    right after the previous part). Overlapping parts are mixed; rates are converted to ``rate``."""
    placed: list[tuple[int, np.ndarray]] = []
    cursor = 0
    for path, offset in parts:
        audio, src = read_wav(path)
        audio = resample(audio, src, rate)
        start = cursor if offset is None else max(0, round(offset * rate))
        placed.append((start, audio))
        cursor = max(cursor, start + audio.size)
    mix = np.zeros(cursor, np.float32)
    for start, audio in placed:
        mix[start:start + audio.size] += audio
    return write_wav(out, mix, rate)

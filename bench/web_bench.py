"""Voice-to-voice over the web app's call socket, as the page sees it, against the terminal's
figure in the same run; and how many simultaneous calls one machine holds.

N browser-less clients sign in, open the call socket and stream a microphone in real time
(20 ms frames of 16 kHz PCM: room silence, and espeak-ng-rendered trainee turns when the page
says "listening"). Per trainee turn, voice-to-voice is the time from the last frame of the
trainee's speech leaving the page to the first frame of the caller's reply arriving, the
end-of-turn decision included (reported beside it: until the page is told "thinking"). The terminal's
figure is bench/voice_call_bench.py's scripted call through the same listener path, run here.

    python bench/web_bench.py [--calls 1 2 3] [--turns 3] [--server] [--threads 1]

``--server`` measures the same calls with the caller served by a real ``llama_cpp.server`` on
127.0.0.1 (started and stopped here), as a team would run it beside the app.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from machine import tokens_per_second
from stats import pct
from voice_call_bench import LINES  # the terminal's scripted trainee

from trainer.config import load_settings
from trainer.voice.wav import read_wav, resample

FRAME = 320  # samples: 20 ms at 16 kHz


def render_turns(folder: Path, n: int) -> list[list[bytes]]:
    """Each trainee line as 20 ms frames of 16 kHz s16le."""
    turns = []
    for i, line in enumerate(LINES[:n]):
        path = folder / f"{i:02d}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), line],
                       check=True, capture_output=True)
        audio, rate = read_wav(path)
        audio = resample(audio, rate, 16000)
        loud = np.flatnonzero(np.abs(audio) > 0.01)  # the last word's end, as v2v_bench trims
        audio = audio[: loud[-1] + 1] if loud.size else audio
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
        pcm = np.concatenate([pcm, np.zeros(-len(pcm) % FRAME, "<i2")])
        turns.append([pcm[j:j + FRAME].tobytes() for j in range(0, len(pcm), FRAME)])
    return turns


def _room(rng: np.random.Generator) -> bytes:
    return (rng.normal(0, 30, FRAME)).astype("<i2").tobytes()  # about -60 dBFS


def start_server(settings: Any) -> tuple[str, Any, threading.Thread]:
    import uvicorn

    from trainer.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                        log_level="warning", ws="auto"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    return f"127.0.0.1:{port}", srv, thread


def sign_in(host: str, name: str, password: str) -> str:
    import httpx

    with httpx.Client(base_url=f"http://{host}") as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text)
        assert token
        c.post("/login", data={"name": name, "password": password, "csrf": token.group(1)})
        return str(c.cookies["trainer_session"])


async def one_call(host: str, cookie: str, persona: str, turns: list[list[bytes]],
                   seed: int) -> dict[str, Any]:
    """One client: stream the microphone, say each turn when the page says listening."""
    import websockets

    rng = np.random.default_rng(seed)
    pending: list[bytes] = []
    said = 0
    speech_end: float | None = None
    heard_at: float | None = None  # the page is told "thinking": the server ended the turn
    v2v: list[float] = []
    turn_end: list[float] = []
    out: dict[str, Any] = {"v2v": v2v, "end_of_turn": turn_end, "busy": None, "ended": None}
    async with websockets.connect(
            f"ws://{host}/ws/call?persona={persona}", max_size=None, ping_interval=None,
            additional_headers={"Cookie": f"trainer_session={cookie}",
                                "Origin": f"http://{host}"}) as ws:
        await ws.send(json.dumps({"type": "hello", "format": "pcm_s16le", "rate": 16000,
                                  "frame_ms": 20}))

        async def microphone() -> None:
            nonlocal speech_end
            t0 = time.monotonic()
            n = 0
            while True:
                n += 1
                await asyncio.sleep(max(0.0, t0 + n * 0.02 - time.monotonic()))
                if pending:
                    await ws.send(pending.pop(0))
                    if not pending:
                        speech_end = time.monotonic()
                else:
                    await ws.send(_room(rng))

        mic = asyncio.create_task(microphone())
        try:
            async for msg in ws:
                if isinstance(msg, bytes):
                    if speech_end is not None and heard_at is not None:
                        v2v.append(time.monotonic() - speech_end)
                        turn_end.append(heard_at - speech_end)
                    speech_end = heard_at = None
                    continue
                m = json.loads(msg)
                if m["type"] == "state" and m["state"] == "thinking" and speech_end is not None:
                    heard_at = time.monotonic()
                if m["type"] == "busy":
                    out["busy"] = m["message"]
                    break
                if m["type"] == "ended":
                    out["ended"] = m
                    break
                if m["type"] == "state" and m["state"] == "listening":
                    if said < len(turns):
                        await asyncio.sleep(0.8 if said == 0 else 0.3)
                        pending.extend(turns[said])
                        said += 1
                    else:
                        await ws.send(json.dumps({"type": "end"}))
        finally:
            mic.cancel()
    return out


async def many(host: str, cookies: list[str], persona: str, turns: list[list[bytes]]
               ) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(one_call(host, c, persona, turns, i)
                                       for i, c in enumerate(cookies))))


def model_words(sessions: Path, since: float) -> list[float]:
    """Per caller reply in the sessions saved since ``since``: seconds from the line's start
    to the model's first words (after any reaction or fact said at once)."""
    from trainer.store import load_session

    out = []
    for folder in sessions.iterdir() if sessions.exists() else []:
        if folder.stat().st_mtime < since or not (folder / "session.json").exists():
            continue
        for turn in load_session(folder).turns[2::2]:
            if turn.measures and "model_words_s" in turn.measures:
                out.append(float(turn.measures["model_words_s"]))
    return out


def web_round(n: int, persona: str, turns: list[list[bytes]], model: str
              ) -> tuple[list[tuple[float, float]], list[str], list[float]]:
    """N simultaneous web calls: per trainee turn (voice-to-voice, end of turn), page-seen;
    any refusals; and the model's first words per reply, from the saved sessions."""
    from trainer.db import open_store

    began = time.time()
    settings = load_settings(model=model, web_max_calls=n).settings
    store = open_store(settings)
    names = [f"bench{i}" for i in range(n)]
    for name in names:
        if store.user(name) is None:
            store.add_user(name, "trainee", "bench-password")
    host, srv, thread = start_server(settings)
    try:
        time.sleep(3)  # the recogniser loads and warms
        cookies = [sign_in(host, name, "bench-password") for name in names]
        results = asyncio.run(many(host, cookies, persona, turns))
    finally:
        srv.should_exit = True
        thread.join(timeout=120)
    samples = [(v, e) for r in results for v, e in zip(r["v2v"], r["end_of_turn"], strict=True)]
    return (samples, [r["busy"] for r in results if r["busy"]],
            model_words(settings.sessions_dir, began))


def cli_round(persona: str, calls: int, turns: int
              ) -> tuple[list[tuple[float, float]], list[float]]:
    """The terminal's voice-to-voice on the same machine, same run: bench/v2v_bench.py's
    scripted call (the new pipeline, the same trainee lines, through the microphone listener),
    per turn (voice-to-voice, end of turn until the transcript is ready)."""
    import v2v_bench

    from trainer.personas import find_persona
    from trainer.voice.stt import WhisperTranscriber

    settings = load_settings().settings
    found = find_persona(persona, settings.persona_dirs())
    whisper = {True: WhisperTranscriber()}
    with tempfile.TemporaryDirectory() as tmp:
        clips = v2v_bench.make_clips(Path(tmp))[:turns]
    v2v_bench.one_call(found, clips[:2], True, 100, whisper)  # warm-up, not counted
    rows = [r for n in range(calls) for r in v2v_bench.one_call(found, clips, True, n, whisper)]
    return ([(r["voice_to_voice"], r["end_of_turn"] + r["transcription"]) for r in rows],
            [r["model_words"] for r in rows])


def loopback_server(model_path: Path, threads: int) -> tuple[str, subprocess.Popen[bytes]]:
    """A real ``llama_cpp.server`` on 127.0.0.1 serving the embedded model (stopped by the
    caller); its model spec for trainer."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias",
         "local-gguf", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
         "--n_threads", str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                return f"openai:local-gguf@{url}", proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("llama_cpp.server did not start on 127.0.0.1")


def report_round(label: str, samples: list[tuple[float, float]], refused: list[str],
                 cli50: float, words: list[float]) -> None:
    if not samples:
        print(f"{label:<40}{0:>6}   (no turns: {refused})", flush=True)
        return
    total = [v for v, _ in samples]
    reply = [v - e for v, e in samples]
    ends = [e for _, e in samples]
    print(f"{label:<40}{len(total):>6}{statistics.median(total):8.2f}{pct(total, 0.95):8.2f}"
          f"{statistics.median(ends):8.2f}{statistics.median(reply):8.2f}{pct(reply, 0.95):8.2f}"
          f"{statistics.median(total) / cli50:8.2f}"
          + (f"{statistics.median(words):8.2f}{pct(words, 0.95):8.2f}" if words else " " * 16)
          + f"  refused {len(refused)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, nargs="+", default=[1, 2],
                    help="numbers of simultaneous web calls to measure")
    ap.add_argument("--turns", type=int, default=3)
    ap.add_argument("--persona", default="irate-dana")
    ap.add_argument("--server", action="store_true",
                    help="also serve the embedded model from a loopback llama_cpp.server")
    ap.add_argument("--cli-calls", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat each web round this often and pool its turns (more turns, a "
                         "steadier median; pair with --cli-calls for the terminal)")
    ap.add_argument("--threads", type=int, default=None,
                    help="llama.cpp threads (1 helps when other jobs share the cores)")
    args = ap.parse_args()
    import os

    if args.threads:
        os.environ["TRAINER_THREADS"] = str(args.threads)
    with tempfile.TemporaryDirectory() as home:
        models = load_settings().settings.home / "models"
        os.environ["TRAINER_HOME"] = home
        (Path(home) / "models").symlink_to(models, target_is_directory=True)
        settings = load_settings().settings
        tps = tokens_per_second(settings)
        turns = render_turns(Path(home), args.turns)
        print(f"llama.cpp generation on this machine: {tps:.1f} tokens/s (embedded model); "
              f"load average {os.getloadavg()[0]:.2f}; end of turn: {settings.turn_detection}")
        print(f"{'path':<40}{'turns':>6}{'v2v p50':>8}{'p95':>8}{'eot p50':>8}{'reply50':>8}"
              f"{'p95':>8}{'ratio':>8}{'words50':>8}{'p95':>8}", flush=True)
        cli, cli_words = cli_round(args.persona, args.cli_calls, args.turns)
        cli50 = statistics.median(v for v, _ in cli)
        report_round("terminal (microphone listener)", cli, [], cli50, cli_words)
        specs = [("embedded", "local")]
        server = None
        if args.server:
            from trainer.models import ensure_embedded_model

            spec, server = loopback_server(ensure_embedded_model(models), settings.threads)
            specs.append(("llama_cpp.server", spec))
        try:
            for name, spec in specs:
                for n in args.calls:
                    samples: list[tuple[float, float]] = []
                    refused: list[str] = []
                    words: list[float] = []
                    for _ in range(args.rounds):
                        got, busy, said = web_round(n, args.persona, turns, spec)
                        samples, refused, words = samples + got, refused + busy, words + said
                    report_round(f"web, {name}, {n} simultaneous", samples, refused, cli50, words)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    print("(page-seen, per trainee turn: v2v = last speech frame sent -> first caller audio "
          "frame received, end of turn (eot) included; eot = until the page is told 'thinking';"
          " reply = v2v - eot; ratio = v2v p50 / the terminal's v2v p50; words = the model's"
          " first words after the line began (a reaction or fact is said first), from the"
          " saved sessions — the terminal's: "
          "bench/v2v_bench.py's scripted call, new pipeline, last word -> first caller audio "
          "ready, its eot until the transcript is ready)")


if __name__ == "__main__":
    main()

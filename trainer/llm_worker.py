"""The embedded model in its own process, so a native crash cannot take the app down.

A crash inside llama.cpp (a segmentation fault, an illegal instruction) kills the process it
runs in, and no Python ``except`` can stop that. So the embedded model runs in a worker
process that the app drives over two pipes: the app sends a `Request`, the worker answers with
the completion (or its chunks, one message each, until ``done``). If the worker dies, the app
gets `WorkerDied` naming the signal, ends the call with everything said so far saved, and the
next request starts a fresh worker.

Protocol (pickled tuples over `multiprocessing.connection.Connection`):
  app → worker: a `Request` or an `EmbedRequest`, or ``"cancel"`` while a stream is running
  worker → app: ``("warning", line)``, ``("chunk", dict)``, then ``("done", result)`` or
  ``("error", (exception class name, message))`` — exactly one of the last two per request.

Run as ``python -m trainer.llm_worker READ_FD WRITE_FD`` (the app starts it itself).
"""

from __future__ import annotations

import atexit
import collections
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from trainer.llama_local import EmbedRequest, Request

__all__ = ["WorkerClient", "WorkerDied", "child_command", "shared_client"]

log = logging.getLogger("trainer")
PARENT_ENV = "TRAINER_WORKER_PARENT"  # the app's pid, for the worker to watch


class WorkerDied(RuntimeError):
    """The model worker process ended while serving a request."""

    def __init__(self, what: str, returncode: int | None, last_words: str = "") -> None:
        self.returncode = returncode
        self.signal_name = _signal_name(returncode)
        how = (f"killed by {self.signal_name}" if self.signal_name
               else f"exited with code {returncode}" if returncode is not None else "stopped answering")
        detail = f" ({last_words})" if last_words else ""
        super().__init__(f"{what} died: {how}{detail}")


def _signal_name(returncode: int | None) -> str | None:
    if returncode is None or returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


# Child processes run the same `trainer` the app imported (a checkout on sys.path, or the
# installed package), whatever their working directory.
_BOOT = ("import runpy, sys; root = sys.argv[1]; "
         "sys.path.insert(0, root) if root not in sys.path else None; "
         "module = sys.argv[2]; sys.argv = [module, *sys.argv[3:]]; "
         "runpy.run_module(module, run_name='__main__')")


def child_command(module: str, args: Sequence[str] = ()) -> list[str]:
    """``python -m MODULE ARGS`` importing this process's `trainer` package."""
    return [sys.executable, "-c", _BOOT, str(Path(__file__).resolve().parent.parent), module,
            *args]


# --- the app's side ------------------------------------------------------------------------------


class WorkerClient:
    """Starts the worker on first use and sends it one request at a time (llama.cpp computes
    one thing at a time anyway: two decodes sharing the cores are slower than one after the
    other)."""

    def __init__(self, command: list[str] | None = None, name: str = "the embedded model's process",
                 ) -> None:
        self.command = command or child_command("trainer.llm_worker")
        self.name = name
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._send_conn: Connection | None = None
        self._recv_conn: Connection | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self.deaths = 0  # how many workers died so far
        self._last_death: WorkerDied | None = None

    @property
    def pid(self) -> int | None:
        """The running worker's process id (None before the first request or after a crash)."""
        return self._proc.pid if self._proc is not None else None

    def complete(self, request: Request | EmbedRequest, seen: int | None = None) -> Any:
        """The whole completion (a dict) for a non-streaming request. With ``seen`` (the
        `deaths` count when the asker started), a worker death since then is raised instead of
        silently starting a fresh worker: the asker's state (its cache) died with it."""
        with self._lock:
            self._check(seen)
            self._send(request)
            return self._until_done(on_chunk=None)

    def stream(self, request: Request, seen: int | None = None) -> Iterator[dict[str, Any]]:
        """The chunks of a streaming request as the worker writes them. Stopping early cancels
        the rest of the generation (the worker stops at its next token)."""
        with self._lock:
            self._check(seen)
            self._send(request)
            finished = False
            try:
                while True:
                    kind, payload = self._recv()
                    if kind == "chunk":
                        yield payload
                        continue
                    finished = True
                    self._settle(kind, payload)
                    return
            finally:
                if not finished and self._proc is not None:
                    self._cancel()

    def _check(self, seen: int | None) -> None:
        if seen is not None and self.deaths > seen and self._last_death is not None:
            raise self._last_death

    def close(self) -> None:
        """Stop the worker: closing its input ends its loop."""
        proc, self._proc = self._proc, None
        for conn in (self._send_conn, self._recv_conn):
            if conn is not None:
                conn.close()
        self._send_conn = self._recv_conn = None
        if proc is not None:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    # --- process ---

    def _start(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        self._proc = subprocess.Popen(
            [*self.command, str(to_worker_r), str(from_worker_w)],
            pass_fds=(to_worker_r, from_worker_w), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
            env={**os.environ, PARENT_ENV: str(os.getpid())})
        os.close(to_worker_r)
        os.close(from_worker_w)
        self._send_conn = Connection(to_worker_w, readable=False)
        self._recv_conn = Connection(from_worker_r, writable=False)
        self._stderr_tail.clear()
        threading.Thread(target=self._drain_stderr, args=(self._proc,), daemon=True).start()

    def _drain_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode(errors="replace").strip()
            if line:
                self._stderr_tail.append(line)

    def _died(self) -> WorkerDied:
        proc = self._proc
        returncode = None
        if proc is not None:
            try:
                returncode = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                returncode = proc.wait()
        self.close()
        self.deaths += 1
        last = next((line for line in reversed(self._stderr_tail)
                     if not line.startswith("Traceback")), "")
        self._last_death = WorkerDied(self.name, returncode, last[:160])
        return self._last_death

    # --- messages ---

    def _send(self, message: object) -> None:
        if self._proc is None:
            self._start()
        assert self._send_conn is not None
        try:
            self._send_conn.send(message)
        except OSError:  # broken pipe: the worker is gone
            raise self._died() from None

    def _recv(self) -> tuple[str, Any]:
        assert self._recv_conn is not None
        while True:
            try:
                kind, payload = self._recv_conn.recv()
            except (EOFError, OSError):
                raise self._died() from None
            if kind != "warning":
                return kind, payload
            log.warning(payload)

    def _until_done(self, on_chunk: Callable[[Any], None] | None) -> Any:
        while True:
            kind, payload = self._recv()
            if kind == "chunk":
                if on_chunk is not None:
                    on_chunk(payload)
                continue
            return self._settle(kind, payload)

    @staticmethod
    def _settle(kind: str, payload: Any) -> Any:
        if kind == "done":
            return payload
        name, message = payload
        if name == "ValueError":
            raise ValueError(message)
        from trainer.models import ModelError

        raise ModelError(f"embedded model: {name}: {message}")

    def _cancel(self) -> None:
        """Stop a stream the reader abandoned, and read up to its end so the next request
        starts clean."""
        try:
            self._send("cancel")
            self._until_done(on_chunk=None)
        except Exception as exc:  # nobody reads this stream any more (a death is counted)
            log.debug("cancelling a stream: %s", exc)


_SHARED: WorkerClient | None = None
_SHARED_LOCK = threading.Lock()


def shared_client() -> WorkerClient:
    """The process's one model worker: every role's model lives in it, each with its own
    cache, as they did in-process."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = WorkerClient()
            atexit.register(_SHARED.close)
        return _SHARED


# --- the worker's side ---------------------------------------------------------------------------


def _exit_with_parent(period: float = 1.0) -> None:
    """End this process when the app that started it is gone (killed, crashed): a closed pipe
    is only noticed between requests, and a long request would otherwise run on, alone, on
    cores nobody is waiting for. The app names itself (it may die before this runs)."""
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(period)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def serve(inbox: Connection, outbox: Connection,
          load: Callable[[Any], tuple[Any, str | None]] | None = None,
          run: Callable[[Any, Any], Any] | None = None) -> None:
    """Answer requests until the app closes the pipe (or exits)."""
    from trainer import llama_local

    _exit_with_parent()

    load = load or llama_local.load_llama
    run = run or llama_local.run_request
    while True:
        try:
            request = inbox.recv()
        except (EOFError, OSError):
            return
        if not isinstance(request, Request | EmbedRequest):  # a "cancel" after its stream ended
            continue
        try:
            _answer(inbox, outbox, request, load, run)
        except Exception as exc:
            outbox.send(("error", (type(exc).__name__, str(exc))))


def _answer(inbox: Connection, outbox: Connection, request: Request | EmbedRequest,
            load: Callable[[Any], tuple[Any, str | None]], run: Callable[[Any, Any], Any],
            ) -> None:
    llama, warning = load(request)
    if warning:
        outbox.send(("warning", warning))
    result = run(llama, request)
    if isinstance(request, EmbedRequest) or not request.stream:
        outbox.send(("done", result))
        return
    for part in result:
        outbox.send(("chunk", part))
        if inbox.poll() and inbox.recv() == "cancel":
            break
    outbox.send(("done", None))


def main(argv: list[str]) -> None:
    read_fd, write_fd = int(argv[0]), int(argv[1])
    os.dup2(2, 1)  # stray native prints must not reach the protocol (they are not on it anyway)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The worker's own cost, apart from the model: a worker process serving an instant fake model,
so every microsecond measured is the pipe, pickling and process hop that `bench/worker_bench.py`
adds to each request and each streamed token.

    python bench/worker_ipc_bench.py [--requests 200] [--tokens 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import textwrap
import time
from pathlib import Path

from trainer.llama_local import Request
from trainer.llm_worker import WorkerClient

ROOT = Path(__file__).resolve().parent.parent
FAKE = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    from multiprocessing.connection import Connection
    from trainer.llm_worker import serve

    def run(_llama, request):
        if request.stream:
            return ({{"choices": [{{"text": " word"}}]}} for _ in range(request.params["n"]))
        return {{"choices": [{{"text": "done"}}], "usage": {{}}}}

    serve(Connection(int(sys.argv[-2]), writable=False), Connection(int(sys.argv[-1]), readable=False),
          lambda request: (None, None), run)
""")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=2000)
    args = parser.parse_args()
    client = WorkerClient(command=[sys.executable, "-c", FAKE])
    messages = [{"role": "system", "content": "x" * 4000}, {"role": "user", "content": "y" * 2000}]
    request = Request("/fake", "bench", 4096, 2, messages, params={"n": 0})
    client.complete(request)  # start the worker
    trips = []
    for _ in range(args.requests):
        t = time.perf_counter()
        client.complete(request)
        trips.append(time.perf_counter() - t)
    stream = Request("/fake", "bench", 4096, 2, messages, stream=True, params={"n": args.tokens})
    t = time.perf_counter()
    n = sum(1 for _ in client.stream(stream))
    per_token = (time.perf_counter() - t) / n
    client.close()
    print(f"request round trip (6 kB prompt): median {statistics.median(trips) * 1e3:.2f} ms, "
          f"p95 {sorted(trips)[int(0.95 * len(trips))] * 1e3:.2f} ms over {len(trips)}")
    print(f"streamed token through the worker: {per_token * 1e6:.0f} µs each over {n}")


if __name__ == "__main__":
    main()

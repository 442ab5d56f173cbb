"""Run a suite: grade every transcript (and every edited copy) N times with every grader.

Each (grader, transcript, run index) is one job: one grade with ``repeats=1`` whose model calls
use the seed and temperature of run *r* of the grader's own repeats, so N eval runs are the N
runs a real grade would vote over. Jobs run in a thread pool bounded by the suite's concurrency
(in-process models serialise on their own lock anyway). Every finished job is written at once
to the run folder and to a cache keyed by transcript hash, rubric version, prompt version, model
and run index — a repeat never hits another run's entry, and a run that was interrupted resumes
where it stopped. A job that fails is recorded with its error and not cached (it is retried next
time); the report measures the rest.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trainer.behaviour import reader, rules
from trainer.behaviour.classifier import GRADER_WEIGHTS, WEIGHTS
from trainer.consistency.perturb import Edit, generate_edits
from trainer.consistency.suite import LoadedSuite, Suite, SuiteError
from trainer.grading import detectors, pipeline, score
from trainer.grading import grader as model_grader
from trainer.grading.pipeline import Grading, grade_transcript
from trainer.grading.records import Grade
from trainer.transcript import Transcript, load_transcript

__all__ = [
    "SAMPLED_TEMPERATURE",
    "Cache",
    "GraderFactory",
    "GraderInfo",
    "Item",
    "Job",
    "Progress",
    "RunOptions",
    "RunRecord",
    "RunResult",
    "build_items",
    "cache_key",
    "run_folder",
    "run_suite",
    "transcript_hash",
]

# Run r > 0 of the grader's repeats samples at this temperature (run 0 is greedy): mirrors
# ModelGrader._run, which has no public way to start at a given run index.
SAMPLED_TEMPERATURE = 0.6

GraderFactory = Callable[[str], Grading]
Progress = Callable[["RunRecord", int, int], None]


@dataclass(frozen=True)
class Item:
    """A transcript to grade: a gold transcript, or an edited copy of one."""

    id: str
    transcript: Transcript
    labels: dict[str, str]
    edit: Edit | None = None


@dataclass(frozen=True)
class GraderInfo:
    """What pins a grader's grades: its spec, model id, rubric and prompt versions, and a
    fingerprint of the grading code (a detector change must not reuse stale cached grades)."""

    spec: str
    model: str
    rubric_version: str
    prompt_version: str
    code: str = ""


@dataclass(frozen=True)
class Job:
    grader: GraderInfo
    item: Item
    run: int
    key: str


@dataclass(frozen=True)
class RunRecord:
    """One grade of one item by one grader: the whole grade (every raw reply) or the error."""

    grader: str  # the spec
    model: str
    item: str
    run: int
    key: str
    seconds: float
    tokens_in: int
    tokens_out: int
    calls: int
    grade: Grade | None = None
    error: str | None = None
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in ("grader", "model", "item", "run", "key", "seconds",
                                               "tokens_in", "tokens_out", "calls", "error")}
        data["grade"] = self.grade.model_dump(mode="json") if self.grade else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        grade = Grade.model_validate(data["grade"]) if data.get("grade") else None
        fields = {k: v for k, v in data.items() if k not in ("grade", "cached")}
        return cls(**fields, grade=grade)


@dataclass(frozen=True)
class RunOptions:
    """Overrides from the command line (None: the suite's own value)."""

    graders: tuple[str, ...] = ()
    repeats: int | None = None
    concurrency: int | None = None
    out: Path | None = None
    use_cache: bool = True
    cached_only: bool = False  # report on what is already graded; grade nothing


@dataclass(frozen=True)
class RunResult:
    """Everything a report is computed from."""

    suite: Suite
    folder: Path
    graders: tuple[GraderInfo, ...]
    items: tuple[Item, ...]
    records: tuple[RunRecord, ...]
    seconds: float
    started: str
    skipped_edits: tuple[str, ...] = field(default=())


# --- keys and cache ------------------------------------------------------------------------------


def transcript_hash(t: Transcript) -> str:
    """SHA-256 of the transcript's canonical JSON (labels and notes excluded: they are not
    graded)."""
    doc = t.to_dict()
    for key in ("labels", "notes", "edit"):
        doc.pop(key, None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def cache_key(t_hash: str, grader: GraderInfo, run: int) -> str:
    """The cache key of one run: transcript, rubric, prompt, model and run index."""
    parts = [t_hash, grader.rubric_version, grader.prompt_version, grader.code, grader.model,
             str(run)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class Cache:
    """Finished runs on disk, one JSON file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> RunRecord | None:
        path = self.folder / f"{key}.json"
        try:
            return replace(RunRecord.from_dict(json.loads(path.read_text())), cached=True)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing or half-written: grade again

    def put(self, record: RunRecord) -> None:
        _write_json(self.folder / f"{record.key}.json", record.to_dict())


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(path)  # atomic: an interrupted write never leaves a half file behind


# --- the model for run r ------------------------------------------------------------------------


class _RunModel:
    """The grader's chat model as run ``run`` of its repeats sees it; counts calls and tokens."""

    def __init__(self, inner: Any, run: int) -> None:
        self.inner = inner
        self.run = run
        self.calls = 0
        self.tokens_in = 0
        self.tokens_out = 0

    def __getattr__(self, name: str) -> Any:  # _llm_type, json_mode, ...
        return getattr(self.inner, name)

    def invoke(self, input: Any, **kwargs: Any) -> Any:
        if self.run:
            kwargs["seed"] = self.run * 100 + int(kwargs.get("seed") or 0)
            kwargs["temperature"] = SAMPLED_TEMPERATURE
        reply = self.inner.invoke(input, **kwargs)
        usage = getattr(reply, "usage_metadata", None) or {}
        self.calls += 1
        self.tokens_in += int(usage.get("input_tokens", 0))
        self.tokens_out += int(usage.get("output_tokens", 0))
        return reply


# --- items and jobs -------------------------------------------------------------------------------


def build_items(loaded: LoadedSuite) -> tuple[list[Item], list[str]]:
    """The gold items, then the edited copies the suite asks for (and why others were skipped)."""
    gold = [Item(g.id, _named(load_transcript(g.path), g.id), g.labels) for g in loaded.items]
    edits_cfg = loaded.suite.edits
    if not edits_cfg.kinds:
        return gold, []
    edits, skipped = generate_edits(loaded.items, edits_cfg.kinds, per_kind=edits_cfg.per_kind,
                                    seed=loaded.suite.seed)
    items = gold + [Item(e.id, e.transcript, e.labels, e) for e in edits]
    return items, [f"{s.source}~{s.kind}: {s.reason}" for s in skipped]


def _named(t: Transcript, item_id: str) -> Transcript:
    t.id = item_id
    return t


def _info(spec: str, grading: Grading) -> GraderInfo:
    return GraderInfo(spec, grading.model_id, grading.rubric.version, grading.prompts.version,
                      grading_code_version())


def grading_code_version() -> str:
    """SHA-256 (first 12 hex digits) of what decides verdicts as much as the prompt does:
    detectors, grader, pipeline and score, the behaviour reader and its trained weights."""
    digest = hashlib.sha256()
    for module in (detectors, model_grader, pipeline, score, reader, rules):
        digest.update(Path(module.__file__ or "").read_bytes())
    for weights in (WEIGHTS, GRADER_WEIGHTS):
        digest.update(weights.read_bytes() if weights.exists() else b"")
    return digest.hexdigest()[:12]


def _jobs(graders: Sequence[GraderInfo], items: Sequence[Item], repeats: int) -> list[Job]:
    hashes = {item.id: transcript_hash(item.transcript) for item in items}
    return [Job(g, item, r, cache_key(hashes[item.id], g, r))
            for g in graders for item in items for r in range(repeats)]


def _grade(job: Job, base: Grading) -> RunRecord:
    model = _RunModel(base.model, job.run)
    grading = copy.copy(base)
    grading.model = model
    grading.repeats = 1
    started = time.monotonic()
    grade, error = None, None
    try:
        grade = grade_transcript(job.item.transcript, grading)
    except Exception as exc:  # any failure of one item is reported, the rest still measured
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip()
    return RunRecord(job.grader.spec, job.grader.model, job.item.id, job.run, job.key,
                     round(time.monotonic() - started, 2), model.tokens_in, model.tokens_out,
                     model.calls, grade, error)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80] or "grader"


def _run_path(folder: Path, record: RunRecord) -> Path:
    return folder / "runs" / _slug(record.grader) / record.item / f"run-{record.run}.json"


# --- the run ------------------------------------------------------------------------------------


def run_folder(settings_home: Path, suite: Suite, out: Path | None) -> Path:
    """``out`` if given (an existing folder resumes), else ``<home>/eval-runs/<suite>-<time>``."""
    if out is not None:
        return out
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return settings_home / "eval-runs" / f"{suite.name}-{stamp}"


def _effective(suite: Suite, options: RunOptions) -> Suite:
    update: dict[str, Any] = {}
    if options.graders:
        update["graders"] = list(options.graders)
    if options.repeats is not None:
        update["repeats"] = options.repeats
    if options.concurrency is not None:
        update["concurrency"] = options.concurrency
    if not update:
        return suite
    try:
        return Suite.model_validate({**suite.model_dump(), **update})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise SuiteError(f"command line: {where}: {err['msg'].removeprefix('Value error, ')}") from None


def _save_inputs(folder: Path, suite: Suite, items: Sequence[Item]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / "suite.json", suite.model_dump(mode="json"))
    for item in items:
        if item.edit is not None:
            item.transcript.save(_ensure(folder / "edits") / f"{item.id}.json")


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_suite(loaded: LoadedSuite, factory: GraderFactory, *, home: Path,
              options: RunOptions | None = None, progress: Progress | None = None) -> RunResult:
    """Grade every item ``repeats`` times with every grader; store and cache every run."""
    options = options or RunOptions()
    suite = _effective(loaded.suite, options)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.monotonic()
    folder = run_folder(home, suite, options.out)
    items, skipped = build_items(loaded)
    _save_inputs(folder, suite, items)
    bases = {spec: factory(spec) for spec in suite.graders}
    graders = tuple(_info(spec, g) for spec, g in bases.items())
    jobs = _jobs(graders, items, suite.repeats)
    cache = Cache(home / "eval-cache")
    records = _execute(jobs, bases, cache, folder, suite.concurrency, options, progress)
    return RunResult(suite, folder, graders, tuple(items), tuple(records),
                     round(time.monotonic() - started, 1), started_at, tuple(skipped))


def _execute(jobs: list[Job], bases: dict[str, Grading], cache: Cache, folder: Path,
             concurrency: int, options: RunOptions,
             progress: Progress | None) -> list[RunRecord]:
    done: dict[str, RunRecord] = {}
    todo: list[Job] = []
    for job in jobs:
        hit = cache.get(job.key) if options.use_cache else None
        if hit is not None:
            done[job.key] = _keep(hit, job, folder)
            _report(progress, done[job.key], len(done), len(jobs))
        else:
            todo.append(job)
    if options.cached_only:
        return [done[job.key] for job in jobs if job.key in done]
    _load_models({job.grader.spec for job in todo}, bases)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="eval") as pool:
        pending: set[Future[RunRecord]] = set()
        queue = iter(todo)
        try:
            _fill(pool, pending, queue, bases, concurrency)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    record = fut.result()
                    if record.error is None:
                        cache.put(record)
                    done[record.key] = _keep(record, None, folder)
                    _report(progress, record, len(done), len(jobs))
                _fill(pool, pending, queue, bases, concurrency)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [done[job.key] for job in jobs]


def _fill(pool: ThreadPoolExecutor, pending: set[Future[RunRecord]], queue: Any,
          bases: dict[str, Grading], limit: int) -> None:
    """Keep at most ``limit`` jobs in flight, so an interrupt loses at most that many."""
    while len(pending) < limit:
        job = next(queue, None)
        if job is None:
            return
        pending.add(pool.submit(_grade, job, bases[job.grader.spec]))


def _load_models(specs: set[str], bases: dict[str, Grading]) -> None:
    """Build each grader model once, before the threads race to build it lazily; a model that
    can't be built leaves its jobs to fail one by one (reported as errors)."""
    for spec in specs:
        try:
            bases[spec].load_model()
        except Exception:  # reported per job by _grade
            continue


def _keep(record: RunRecord, job: Job | None, folder: Path) -> RunRecord:
    if job is not None:  # a cache hit: the same transcript may have another id in this suite
        record = replace(record, item=job.item.id, grader=job.grader.spec)
    path = _run_path(folder, record)
    if not path.exists() or record.error is None:
        _write_json(path, record.to_dict())
    return record


def _report(progress: Progress | None, record: RunRecord, n: int, total: int) -> None:
    if progress is not None:
        progress(record, n, total)

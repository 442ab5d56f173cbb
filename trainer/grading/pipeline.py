"""Grade a call: detectors first, the model for what they leave open, then the score.

``grade_session(session_dir, settings)`` is what the call loop runs when a call ends: it grades
the saved transcript, writes ``grade.json`` and the debrief beside it, and returns the grade.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trainer.behaviour import BehaviourReader
from trainer.config import Settings
from trainer.grading.detectors import audio_summary, caller_name, detect
from trainer.grading.grader import ChatLike, ModelGrader, TranscriptView
from trainer.grading.records import CriterionGrade, Grade
from trainer.grading.rubric import Criterion, GraderPrompts, Rubric, load_prompts, load_rubric
from trainer.grading.score import compute_score
from trainer.transcript import Transcript, TranscriptError

__all__ = [
    "Grading",
    "find_persona_info",
    "finish_call",
    "grade_session",
    "grade_transcript",
    "load_grade",
    "load_session",
    "session_dir",
]

Progress = Callable[[str], None]
log = logging.getLogger("trainer")


class Grading:
    """What grading needs besides the transcript: rubric, prompts, model and its id."""

    def __init__(self, model: ChatLike | None, model_id: str, *, rubric: Rubric | None = None,
                 prompts: GraderPrompts | None = None, repeats: int = 3,
                 describe: Callable[[BaseException], str | None] | None = None,
                 clear_cut: bool = True, reader: BehaviourReader | None = None) -> None:
        self.model = model
        self.reader = reader  # None: the live reader (the director's)
        self.clear_cut = clear_cut  # False: the model judges every non-detector criterion
        self.model_id = model_id
        self.rubric = rubric or load_rubric()
        self.prompts = prompts or load_prompts()
        self.repeats = repeats
        self.describe = describe

    def load_model(self) -> None:
        """Build the grader model now (raises `ModelError` if it can't be built)."""
        if isinstance(self.model, _LazyModel):
            self.model.load()

    @classmethod
    def from_settings(cls, settings: Settings, *, repeats: int | None = None,
                      grader: str | None = None) -> Grading:
        """The configured grader model (built lazily on first use: detector-only grades and
        tests never load it) and the grader's reader (the embedded model's sentence vectors,
        whatever model grades)."""
        from trainer.behaviour import grader_reader
        from trainer.models import chat_model, describe_error, parse_spec

        spec = grader or settings.model_for("grader")
        chosen = settings.model_copy(update={"grader_model": spec})
        lazy = _LazyModel(lambda: chat_model("grader", chosen))
        return cls(lazy, parse_spec(spec).label, repeats=repeats or settings.repeats,
                   describe=lambda exc: describe_error(exc, spec), reader=grader_reader(settings))


class _LazyModel:
    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._model: Any = None

    def load(self) -> Any:
        if self._model is None:
            self._model = self._build()
        return self._model

    @property
    def _llm_type(self) -> str:
        return str(getattr(self.load(), "_llm_type", ""))

    def invoke(self, input: Any, **kwargs: Any) -> Any:
        return self.load().invoke(input, **kwargs)


def grade_transcript(t: Transcript, grading: Grading, *, persona_name: str | None = None,
                     focus: tuple[str, ...] = (), pass_mark: float | None = None,
                     progress: Progress | None = None) -> Grade:
    """Grade every criterion of the (persona-adjusted) rubric."""
    started = time.monotonic()
    rubric = grading.rubric.for_persona(t.persona)
    name = caller_name(t, persona_name)
    reader, findings = _read(t, name, grading.reader)
    view = TranscriptView.of(t)
    grader = (ModelGrader(grading.model, grading.prompts, repeats=grading.repeats,
                          describe=grading.describe) if grading.model is not None else None)
    grades: dict[str, CriterionGrade] = {}
    for c in rubric.criteria:
        if progress:
            progress(c.id)
        finding = findings.get(c.id)
        if not grading.clear_cut and c.decided_by != "detector" and finding is not None:
            finding = replace(finding, verdict=None)  # ablation: ask the model anyway
        grades[c.id] = _grade_one(c, finding, view, grader)
    score = compute_score(grades, rubric.pass_mark if pass_mark is None else pass_mark, focus)
    return Grade(
        transcript_id=t.id, persona=t.persona, caller_name=name, rubric_version=rubric.version,
        prompt_version=grading.prompts.version, model=grading.model_id, repeats=grading.repeats,
        graded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(time.monotonic() - started, 1), criteria=grades, score=score,
        redacted=list(view.redacted), audio=asdict(audio_summary(t)), reader=reader)


def _read(t: Transcript, name: str | None, reader: BehaviourReader | None,
          ) -> tuple[str, dict[str, Any]]:
    """The detectors' findings and which reader read. Should the grader's reader fail (its
    model crashed or can't be found), the live reader reads this call, and the grade says so."""
    from trainer.behaviour import default_reader
    from trainer.models import ModelError

    live = default_reader()
    try:
        return (reader or live).label, detect(t, name, reader=reader)
    except ModelError as exc:
        if reader is None or reader is live:
            raise
        log.warning("warning: the grader's reader failed (%s); the live reader reads this call", exc)
        return f"{live.label} (the grader's reader failed: {exc})", detect(t, name, reader=live)


def _grade_one(c: Criterion, finding: Any, view: TranscriptView,
               grader: ModelGrader | None) -> CriterionGrade:
    if finding is not None and finding.verdict is not None:
        return CriterionGrade(
            id=c.id, name=c.name, weight=c.weight, verdict=finding.verdict,
            decided_by="detector", reason=finding.reason,
            evidence=[_quote(view, h.turn, h.quote) for h in finding.evidence],
            votes={finding.verdict: 1})
    if grader is None:
        return CriterionGrade(id=c.id, name=c.name, weight=c.weight, verdict=None,
                              decided_by="llm", reason="unscored: no grader model")
    return grader.grade(view, c, finding)


def _quote(view: TranscriptView, turn: int, text: str) -> Any:
    from trainer.grading.records import Quote

    return Quote(turn=turn, quote=text, speaker=view.transcript.turns[turn].speaker)


# --- sessions ------------------------------------------------------------------------------------


def session_dir(ref: str, settings: Settings) -> Path:
    """The folder of a session: its id, a unique prefix, or ``latest``."""
    from trainer.store import find_session

    return find_session(settings.sessions_dir, ref)


def load_session(folder: Path) -> Transcript:
    """A session's transcript (``transcript.json``, else the turn-by-turn ``transcript.jsonl``)
    with persona, caller name and trainee from ``session.json``."""
    from trainer.store import load_session as store_load

    t = store_load(folder)
    try:
        meta = json.loads((folder / "session.json").read_text())
    except (OSError, ValueError):
        meta = {}
    if isinstance(meta, dict) and meta.get("trainee") and "trainee" not in t.meta:
        t.meta["trainee"] = meta["trainee"]
    return t


def find_persona_info(persona_id: str | None, settings: Settings) -> tuple[str | None,
                                                                          tuple[str, ...]]:
    """The persona's caller name and focus tips, or (None, ()) if it can't be found."""
    if not persona_id:
        return None, ()
    from trainer.personas import PersonaError, find_persona

    try:
        p = find_persona(persona_id, settings.persona_dirs())
    except PersonaError:
        return None, ()
    return p.name, tuple(p.tips)


def _played_persona_info(folder: Path) -> tuple[str | None, tuple[str, ...]] | None:
    """The caller name and focus tips of the persona as the session was played (its snapshot),
    so editing a persona later never changes how an old session is graded."""
    from trainer.personas import PersonaError, load_snapshot

    try:
        played = load_snapshot(folder)
    except PersonaError:
        return None
    return (played.name, tuple(played.tips)) if played is not None else None


def grade_session(folder: Path, settings: Settings, *, grading: Grading | None = None,
                  progress: Progress | None = None, debrief: bool = True) -> Grade:
    """Grade a saved call, write ``grade.json`` (and the debrief) into its folder."""
    t = load_session(folder)
    grading = grading or Grading.from_settings(settings)
    name, focus = _played_persona_info(folder) or find_persona_info(t.persona, settings)
    grade = grade_transcript(t, grading, persona_name=name, focus=focus,
                             pass_mark=settings.pass_mark, progress=progress)
    (folder / "grade.json").write_text(grade.model_dump_json(indent=2) + "\n")
    _index(folder, settings)
    if debrief:
        from trainer.grading.debrief import write_debrief

        write_debrief(folder, grade, t, settings)
    return grade


def _index(folder: Path, settings: Settings) -> None:
    """File the grade in the shared store, so history and the web app see it at once."""
    from trainer.db import open_store, sync_folder

    if folder.parent.resolve() == settings.sessions_dir.resolve():
        sync_folder(open_store(settings), folder)


def load_grade(folder: Path) -> Grade:
    """Read and validate a session's ``grade.json``."""
    path = folder / "grade.json"
    if not path.exists():
        raise TranscriptError(f"{path}: not graded yet; run: trainer grade {folder.name}")
    try:
        return Grade.model_validate_json(path.read_text())
    except ValueError as exc:
        raise TranscriptError(f"{path}: not a valid grade ({str(exc).splitlines()[0]})") from None


def finish_call(folder: Path, settings: Settings,
                echo: Callable[[str], None] = print) -> Grade | None:
    """What the call loop runs when a call ends: grade, write the debrief, print a summary.
    If grading fails (e.g. the grader endpoint is down) the transcript stays saved and the line
    printed says how to grade it later; returns None then."""
    from trainer.grading.debrief import summary
    from trainer.grading.grader import GradingError
    from trainer.models import ModelError

    try:
        grade = grade_session(folder, settings)
    except (GradingError, ModelError, TranscriptError) as exc:
        echo(f"grading failed: {str(exc).splitlines()[0]}")
        echo(f"the call is saved; grade it later with: trainer grade {folder.name}")
        return None
    echo(summary(grade))
    echo(f"debrief: {folder / 'debrief.md'}  (trainer debrief {folder.name} --open)")
    return grade

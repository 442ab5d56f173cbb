"""The grade as saved in ``grade.json``: every verdict with its evidence, votes and raw runs.

Pydantic models, because grades are read back from disk (history, debrief, disputes) and must be
validated there; frozen, because a grade is a record, never edited in place.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["CriterionGrade", "Grade", "Quote", "Run", "Score", "Verdict"]

Verdict = Literal["pass", "fail", "na"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quote(_Record):
    """Verbatim words from the transcript, checked against it."""

    turn: int
    quote: str
    speaker: Literal["caller", "trainee"]


class Run(_Record):
    """One attempt by the grader model: the rendered prompt, the raw reply, what was kept.
    ``verdict`` is None when the attempt was rejected; ``problem`` says why."""

    run: int
    attempt: int
    messages: list[dict[str, str]]
    raw: str
    verdict: Verdict | None = None
    reason: str = ""
    evidence: list[Quote] = []
    problem: str | None = None


class CriterionGrade(_Record):
    """The verdict for one criterion. ``verdict`` None means unscored (``reason`` says why)."""

    id: str
    name: str
    weight: float
    verdict: Verdict | None
    decided_by: Literal["detector", "llm"]
    reason: str
    evidence: list[Quote] = []
    votes: dict[str, int] = {}
    split: bool = False
    runs: list[Run] = []


class Score(_Record):
    total: float | None  # 0–100 over the scored, applicable criteria; None if none
    passed: bool
    pass_mark: float
    earned: float
    possible: float
    focus: list[str] = []  # the persona's focus tips (criterion ids)
    unscored: list[str] = []


class Grade(_Record):
    """A graded call: pinned rubric, prompt and model, so any score can be audited."""

    transcript_id: str
    persona: str | None
    caller_name: str | None
    rubric_version: str
    prompt_version: str
    model: str
    repeats: int
    graded_at: str
    seconds: float
    criteria: dict[str, CriterionGrade]
    score: Score
    redacted: list[Quote] = []  # trainee sentences addressed to the grader, never shown to it
    audio: dict[str, float | int | None] = {}
    reader: str = ""  # which behaviour reader read the trainee's sentences (features, weights)

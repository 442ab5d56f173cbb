"""The score: weighted share of applicable, scored criteria that passed, 0–100."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from trainer.grading.records import CriterionGrade, Score

__all__ = ["compute_score"]


def compute_score(grades: Mapping[str, CriterionGrade], pass_mark: float,
                  focus: Iterable[str] = ()) -> Score:
    """n.a. criteria don't count; unscored ones don't count either and are listed, so a score
    never silently includes a verdict nobody could verify."""
    scored = [g for g in grades.values() if g.verdict in ("pass", "fail")]
    possible = sum(g.weight for g in scored)
    earned = sum(g.weight for g in scored if g.verdict == "pass")
    total = round(100 * earned / possible, 1) if possible else None
    return Score(total=total, passed=total is not None and total >= pass_mark,
                 pass_mark=pass_mark, earned=earned, possible=possible,
                 focus=[f for f in focus if f in grades],
                 unscored=[g.id for g in grades.values() if g.verdict is None])

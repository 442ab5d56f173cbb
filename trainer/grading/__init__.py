"""Grading a call: rubric → detectors → model grader → score → debrief, and history.

The call loop runs ``grade_session(session_dir, settings)`` when a call ends and prints
``summary(grade)``; ``commands.register(app)`` adds the CLI commands.
"""

from trainer.grading.debrief import summary, write_debrief
from trainer.grading.grader import GradingError
from trainer.grading.pipeline import (
    Grading,
    finish_call,
    grade_session,
    grade_transcript,
    load_grade,
)
from trainer.grading.records import CriterionGrade, Grade
from trainer.grading.rubric import CONTRACT_IDS, load_rubric

__all__ = [
    "CONTRACT_IDS",
    "CriterionGrade",
    "Grade",
    "Grading",
    "GradingError",
    "finish_call",
    "grade_session",
    "grade_transcript",
    "load_grade",
    "load_rubric",
    "summary",
    "write_debrief",
]

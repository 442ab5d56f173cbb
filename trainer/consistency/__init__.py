"""Eval suites that measure how far the grades can be trusted.

suite (data) → perturb (edit tests) → runner (every run, cached) → report (metrics, gates) →
render (Markdown, HTML). ``commands.register(app)`` adds ``trainer eval run`` and
``trainer eval perturb``.
"""

from trainer.consistency.perturb import Edit, generate_edits
from trainer.consistency.report import build_report, evaluate, write_report
from trainer.consistency.runner import RunOptions, RunResult, run_suite
from trainer.consistency.suite import Gates, LoadedSuite, Suite, SuiteError, load_suite

__all__ = [
    "Edit",
    "Gates",
    "LoadedSuite",
    "RunOptions",
    "RunResult",
    "Suite",
    "SuiteError",
    "build_report",
    "evaluate",
    "generate_edits",
    "load_suite",
    "run_suite",
    "write_report",
]

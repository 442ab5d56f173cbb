"""The eval-suite runs under the storage root (``<home>/eval-runs/*/report.json``): each run
with its gates, and the trend of α, κ and flip rate across runs — how far grades can be trusted,
for the grading-trust page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["EvalRun", "Gate", "list_runs", "report_html"]


@dataclass(frozen=True)
class Gate:
    grader: str
    gate: str
    value: float | None
    threshold: float
    op: str
    passed: bool | None


@dataclass(frozen=True)
class EvalRun:
    """One run folder: suite, when, whether every gate passed, and the headline figures of its
    first grader (the trend follows those)."""

    name: str
    folder: Path
    suite: str
    started: str
    passed: bool
    graders: tuple[str, ...]
    alpha: float | None
    kappa: float | None
    flip_rate: float | None
    gates: tuple[Gate, ...]
    has_html: bool
    problem: str | None = None


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _gate(g: dict[str, Any]) -> Gate:
    return Gate(str(g.get("grader", "")), str(g.get("gate", "")), _num(g.get("value")),
                _num(g.get("threshold")) or 0.0, str(g.get("op", "")),
                g.get("passed") if isinstance(g.get("passed"), bool) else None)


def _read(folder: Path) -> EvalRun:
    path = folder / "report.json"
    try:
        data = json.loads(path.read_text())
        results = data["results"]
        assert isinstance(results, dict)
    except (OSError, ValueError, KeyError, AssertionError, TypeError):
        return EvalRun(folder.name, folder, "?", "", False, (), None, None, None, (),
                       (folder / "report.html").exists(), f"{path}: not a readable report.json")
    first: dict[str, Any] = {}
    if results:
        first = next(iter(results.values())).get("summary", {})
    return EvalRun(folder.name, folder, str(data.get("suite", "?")), str(data.get("started", "")),
                   bool(data.get("passed")), tuple(results), _num(first.get("alpha")),
                   _num(first.get("kappa")), _num(first.get("flip_rate")),
                   tuple(_gate(g) for g in data.get("gates", []) if isinstance(g, dict)),
                   (folder / "report.html").exists())


def list_runs(home: Path) -> list[EvalRun]:
    """Every run folder with a report, oldest first (the order of the trend)."""
    root = home / "eval-runs"
    if not root.is_dir():
        return []
    runs = [_read(d) for d in root.iterdir() if (d / "report.json").exists()]
    return sorted(runs, key=lambda r: (r.started, r.name))


def report_html(home: Path, name: str) -> Path:
    """The ``report.html`` of a run by folder name; refuses any name that is not one folder."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"{name}: not an eval run")
    path = home / "eval-runs" / name / "report.html"
    if not path.is_file():
        raise ValueError(f"{name}: no report.html in this run")
    return path

"""The ci suite end to end on the real embedded model (a few minutes on 2 CPU cores)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trainer.consistency import commands

pytestmark = pytest.mark.integration


@pytest.mark.timeout(1800)  # ~5 min alone on 2 cores; far more when the cores are shared
def test_ci_suite_end_to_end_on_the_embedded_model(embedded_model_path: Path, trainer_home: Path,
                                                    tmp_path: Path) -> None:
    # The suite names the grader "local": share the assembled model instead of rebuilding it.
    (trainer_home / "models").symlink_to(embedded_model_path.parent, target_is_directory=True)
    app = typer.Typer()
    commands.register(app)
    out = tmp_path / "run"
    started = time.monotonic()
    result = CliRunner().invoke(app, ["eval", "run", "ci", "--out", str(out)])
    seconds = time.monotonic() - started
    # The gate: a grading change that makes the embedded grader inconsistent on these calls, or
    # breaks an edit test, fails CI (exit 1 names the failed gate in the output).
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    g = report["results"]["local"]
    assert g["errors"] == [], g["errors"]
    assert g["summary"]["grades"] == 2 * (len(report["gold_items"]) + len(report["edit_items"]))
    assert len(report["gold_items"]) == 4 and len(report["edit_items"]) == 3
    assert all(e["passed"] is not None for e in g["edits"])
    assert g["summary"]["kappa"] is not None and g["summary"]["flip_rate"] is not None
    assert (out / "report.html").read_text().count("<details>") > 0
    assert len(list((out / "runs" / "local").glob("*/run-*.json"))) == g["summary"]["grades"]
    print(f"\nci suite: {seconds:.0f} s; " + json.dumps(g["summary"]))
    # A second run is served from the cache: nothing is graded again.
    again = CliRunner().invoke(app, ["eval", "run", "ci", "--out", str(tmp_path / "again")])
    assert again.exit_code == result.exit_code
    cached = json.loads((tmp_path / "again" / "report.json").read_text())
    assert cached["results"]["local"]["summary"]["cached"] == g["summary"]["grades"]

"""Persona authoring: validation as `file: field: reason`, safe YAML, drafts, never saving an
invalid persona over a good one; eval-run listing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.config import load_settings
from trainer.personas import PersonaError, find_persona
from trainer.review import authoring
from trainer.review.evalruns import list_runs, report_html

GOOD = (Path(__file__).resolve().parent.parent / "personas" / "calm-marcus.yaml").read_text()


@pytest.fixture
def settings(trainer_home: Path):  # type: ignore[no-untyped-def]
    return load_settings().settings


def _own(settings, text: str = GOOD) -> Path:  # type: ignore[no-untyped-def]
    path = settings.home / "personas" / "my-marcus.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("id: calm-marcus", "id: my-marcus"))
    return path


@pytest.mark.parametrize(("edit", "line"), [
    (("difficulty: easy", "difficulty: trivial"), "my-marcus.yaml: difficulty: Input should be"),
    (("anger: 2", "anger: 12"), "my-marcus.yaml: temperament.anger: Input should be less than"),
    (("wants:", "wantz:"), "my-marcus.yaml: wantz: unknown key"),
    (("id: my-marcus", "id: other"), "my-marcus.yaml: id: 'other' must match"),
    (("name:", "name: [unclosed\nname2:"), "my-marcus.yaml: line"),
])
def test_validation_lines(settings, edit: tuple[str, str], line: str) -> None:  # type: ignore[no-untyped-def]
    text = GOOD.replace("id: calm-marcus", "id: my-marcus").replace(*edit, 1)
    errors = authoring.validate_text("my-marcus", text)
    assert any(e.startswith(line) for e in errors), errors


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['echo owned']\n",
    "a: &x [1, 2]\nb: *x\n",
])
def test_unsafe_yaml_is_refused_not_run(settings, text: str) -> None:  # type: ignore[no-untyped-def]
    errors = authoring.validate_text("my-marcus", text)
    assert errors and errors[0].startswith("my-marcus.yaml: ")


def test_invalid_save_keeps_the_good_file_and_the_draft(settings) -> None:  # type: ignore[no-untyped-def]
    path = _own(settings)
    good = path.read_text()
    bad = good.replace("difficulty: easy", "difficulty: trivial")
    result = authoring.save_persona("my-marcus", bad, settings)
    assert not result.saved and result.errors and path.read_text() == good
    assert authoring.draft_text("my-marcus", settings) == bad
    fixed = good.replace("Marcus", "Marc")
    result = authoring.save_persona("my-marcus", fixed, settings)
    assert result.saved and result.path == path and path.read_text() == fixed
    assert authoring.draft_text("my-marcus", settings) is None
    assert find_persona("my-marcus", settings.persona_dirs()).name.startswith("Marc ")


def test_create_from_template_and_run_checks(settings) -> None:  # type: ignore[no-untyped-def]
    text = authoring.create_draft("angry-landlord", settings)
    assert any("still TODO" in e for e in authoring.validate_text("angry-landlord", text))
    with pytest.raises(PersonaError, match="already exists"):
        authoring.create_draft("calm-marcus", settings)
    assert "id: use lower-case" in authoring.validate_text("../etc/passwd", "x: 1")[0]
    with pytest.raises(PersonaError, match="id: use lower-case"):
        authoring.save_persona("../../evil", GOOD, settings)
    rows = authoring.run_persona_checks(find_persona("calm-marcus", settings.persona_dirs()),
                                        settings)
    assert len(rows) == 3 and rows[0].passed and rows[0].anger_after > rows[0].anger_before


def test_eval_runs_listed_with_gates_and_trend(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, started, alpha in [("ci-2", "2026-12-02T10:00:00", 0.9), ("ci-1", "2026-12-01T10:00:00", 0.7)]:
        folder = settings.home / "eval-runs" / name
        folder.mkdir(parents=True)
        (folder / "report.json").write_text(json.dumps({
            "suite": "ci", "started": started, "passed": alpha > 0.8,
            "results": {"local": {"summary": {"alpha": alpha, "kappa": 0.7, "flip_rate": 0.02}}},
            "gates": [{"grader": "local", "gate": "alpha", "value": alpha, "threshold": 0.8,
                       "op": ">=", "passed": alpha >= 0.8}]}))
        (folder / "report.html").write_text("<html>report</html>")
    (settings.home / "eval-runs" / "broken").mkdir()
    (settings.home / "eval-runs" / "broken" / "report.json").write_text("{")
    runs = list_runs(settings.home)
    assert [r.name for r in runs] == ["broken", "ci-1", "ci-2"]
    assert runs[0].problem and runs[1].alpha == 0.7 and runs[2].passed
    assert runs[2].gates[0].passed is True
    assert report_html(settings.home, "ci-1").read_text().startswith("<html>")
    for bad in ("../ci-1", "", ".hidden", "nope"):
        with pytest.raises(ValueError):
            report_html(settings.home, bad)


def test_teams_and_progress_cli(trainer_home: Path, tmp_path: Path) -> None:
    from review_helpers import make_session
    from typer.testing import CliRunner

    from trainer.cli import app
    from trainer.db import open_store, sync_folder

    runner = CliRunner()
    store = open_store(load_settings().settings)
    store.add_user("ann", "trainee")
    for args in (["teams", "add", "red"], ["teams", "member", "red", "ann"]):
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
    assert "ann" in runner.invoke(app, ["teams", "list"]).output
    folder = make_session(store.root / "sessions", "s1", trainee="ann", marks={"empathy": "pass"})
    sync_folder(store, folder)
    done = runner.invoke(app, ["progress", "--team", "red"])
    assert done.exit_code == 0 and "s1,ann,irate-dana" in done.output, done.output
    bad = runner.invoke(app, ["progress", "--team", "nope"])
    assert bad.exit_code != 0 and "no team 'nope'" in str(bad.exception)  # main() prints it

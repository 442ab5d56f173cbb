"""A non-editable install (the way deployments install it) carries the starter content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTERS = {p.stem for p in (ROOT / "personas").glob("*.yaml")}
SKIP = shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".*_cache", "bench",
                              "tests", ".venv*")


@pytest.mark.integration
def test_pip_install_into_a_fresh_venv_lists_every_persona(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)  # build from a copy: the checkout stays clean
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    str(source)], check=True, timeout=300,
                   env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    shutil.rmtree(source)  # nothing may come from the source tree any more
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "COLUMNS": "200", "TRAINER_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)

    def trainer(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "trainer"), *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)

    where = subprocess.run([str(py), "-c", "import trainer.config as c; print(c.project_root())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(venv)), where.stdout  # the wheel's copy, not a checkout
    listed = trainer("personas", "list")
    assert listed.returncode == 0, listed.stderr
    assert {line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()} == STARTERS
    assert len(STARTERS) == 9
    checked = trainer("personas", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(STARTERS)} persona file(s) OK" in checked.stdout
    template = trainer("personas", "new", "angry-landlord", "--out", str(elsewhere / "a.yaml"))
    assert template.returncode == 0, template.stderr  # the template ships inside the package
    content = subprocess.run(
        [str(py), "-c", "from trainer.grading.rubric import load_rubric; "
         "from trainer.consistency.suite import load_suite; from trainer.prompts import "
         "template_version; print(len(load_rubric().criteria), len(load_suite('ci').items), "
         "template_version('caller'))"],
        cwd=elsewhere, env=env, capture_output=True, text=True)
    assert content.returncode == 0, content.stderr
    criteria, items, _version = content.stdout.split()
    assert (criteria, int(items) > 0) == ("13", True)
    weights = subprocess.run(
        [str(py), "-c", "from trainer.behaviour.classifier import GRADER_WEIGHTS, WEIGHTS, "
         "load_classifier; print(load_classifier(WEIGHTS).w.shape[1], "
         "load_classifier(GRADER_WEIGHTS).w.shape[1])"],
        cwd=elsewhere, env=env, capture_output=True, text=True)
    assert weights.returncode == 0, weights.stderr
    assert weights.stdout.split() == ["384", "1920"]  # both readers' classifiers ship
    occasions = subprocess.run(
        [str(py), "-c", "from trainer.grading.occasions import _load; w = _load(); "
         "print(sorted(w) if w else 'missing')"],
        cwd=elsewhere, env=env, capture_output=True, text=True)
    assert occasions.returncode == 0, occasions.stderr
    assert occasions.stdout.strip() == "['vented', 'went_wrong']"  # shipped, not retrained on first use

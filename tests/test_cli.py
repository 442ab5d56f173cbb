import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, env=env)


def test_unknown_persona_lists_valid_ids() -> None:
    out = run("call", "nobody", "--text")
    assert out.returncode == 1
    assert "valid ids:" in out.stderr and "irate-dana" in out.stderr
    assert "Traceback" not in out.stderr


def test_personas_check_reports_file_field_reason(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("id: x\nname: X\ncolour: red\n")
    out = run("personas", "check", str(bad))
    assert out.returncode == 1
    assert f"{bad}: colour: unknown key" in out.stdout
    assert f"{bad}: difficulty: Field required" in out.stdout
    assert run("personas", "check").returncode == 0


def test_personas_new_writes_a_template_that_check_rejects_until_filled(tmp_path: Path) -> None:
    (tmp_path / "personas").mkdir()
    assert run("personas", "new", "angry-landlord", cwd=tmp_path).returncode == 0
    path = tmp_path / "personas" / "angry-landlord.yaml"
    assert run("personas", "check", str(path), cwd=tmp_path).returncode == 1
    path.write_text(path.read_text().replace("TODO", "Filled in"))
    assert run("personas", "check", str(path), cwd=tmp_path).returncode == 0
    assert run("personas", "new", "angry-landlord", cwd=tmp_path).returncode == 1


def test_config_show_names_sources(trainer_home: Path) -> None:
    (trainer_home / "config.toml").write_text('repeats = 5\n')
    out = run("config", "show")
    assert out.returncode == 0
    assert "config.toml" in out.stdout and "$TRAINER_HOME" in out.stdout


def test_bad_script_file_is_one_line() -> None:
    out = run("call", "irate-dana", "--text", "--script", "/no/such/file.txt")
    assert out.returncode == 1
    assert out.stderr.strip().startswith("error: /no/such/file.txt: cannot read script")


def test_sessions_list_and_show(trainer_home: Path) -> None:
    from trainer.store import SessionWriter
    from trainer.transcript import Turn

    w = SessionWriter(trainer_home / "sessions", "irate-dana", {})
    w.append(Turn(0, "caller", "Hello?", 0, 1))
    out = run("sessions", "show", "latest")
    assert out.returncode == 0 and "Hello?" in out.stdout
    assert "in progress or crashed" in run("sessions", "list").stdout

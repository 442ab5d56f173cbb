from pathlib import Path

import pytest
import yaml

from trainer.personas import PersonaError, check_files, find_persona, load_persona, template

ROOT = Path(__file__).resolve().parent.parent


def _write(tmp_path: Path, pid: str, data: dict) -> Path:
    path = tmp_path / f"{pid}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _valid() -> dict:
    return yaml.safe_load((ROOT / "personas" / "irate-dana.yaml").read_text())


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    data = _valid() | {"colour": "blue"}
    path = _write(tmp_path, "irate-dana", data)
    assert check_files([path]) == [f"{path}: colour: unknown key"]


def test_nested_field_errors_name_the_path(tmp_path: Path) -> None:
    data = _valid()
    data["temperament"]["anger"] = 14
    data["triggers"]["sneeze"] = 1
    path = _write(tmp_path, "irate-dana", data)
    problems = check_files([path])
    assert any(p.startswith(f"{path}: temperament.anger: ") for p in problems)
    assert any(p.startswith(f"{path}: triggers.sneeze") for p in problems)


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "other", _valid())
    assert check_files([path]) == [
        f"{path}: id: 'irate-dana' must match the file name 'other'"]


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: x\nname: [unclosed\n")
    assert check_files([path])[0].startswith(f"{path}: line ")


def test_template_fails_until_filled_then_passes(tmp_path: Path) -> None:
    path = tmp_path / "new-caller.yaml"
    path.write_text(template("new-caller"))
    problems = check_files([path])
    assert problems and all("TODO" in p for p in problems)
    filled = path.read_text().replace("TODO", "Something real")
    path.write_text(filled)
    assert check_files([path]) == []
    assert load_persona(path).id == "new-caller"


def test_unknown_id_lists_valid_ids() -> None:
    with pytest.raises(PersonaError, match=r"valid ids: .*irate-dana"):
        find_persona("nobody", [ROOT / "personas"])

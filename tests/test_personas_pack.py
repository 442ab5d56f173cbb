"""The starter persona pack in personas/: every file loads, ids are unique, the core set exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.personas import CRITERIA, check_files, load_persona

PACK = Path(__file__).resolve().parent.parent / "personas"
FILES = sorted(PACK.glob("*.yaml"))
REQUIRED = {
    "irate-dana",
    "calm-marcus",
    "birthday-priya",
    "freebie-gary",
    "confused-edith",
    "supervisor-ray",
    "abusive-vince",
    "venting-lorraine",
    "billing-tom",
}


def test_pack_has_no_problems() -> None:
    assert check_files(FILES) == []


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_each_file_loads(path: Path) -> None:
    persona = load_persona(path)
    assert persona.id == path.stem
    assert persona.opening.strip()
    assert "*" not in persona.opening
    assert set(persona.tips) <= set(CRITERIA)


def test_ids_unique_and_enough() -> None:
    ids = [load_persona(f).id for f in FILES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 8


def test_required_ids_present() -> None:
    ids = {load_persona(f).id for f in FILES}
    assert not REQUIRED - ids, f"missing: {sorted(REQUIRED - ids)}"


def test_scenario_specifics() -> None:
    p = {f.stem: load_persona(f) for f in FILES}
    assert p["irate-dana"].temperament.anger >= 7
    assert p["calm-marcus"].temperament.anger <= 3
    assert p["supervisor-ray"].boundaries.demands_supervisor
    assert p["abusive-vince"].boundaries.abusive
    assert {"abuse_boundary", "stayed_professional"} <= set(p["abusive-vince"].tips)
    assert p["venting-lorraine"].temperament.vent_turns >= 2
    assert "let_vent" in p["venting-lorraine"].tips

"""The rubric and grader prompts load, validate strictly and trace to the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trainer.config import project_root
from trainer.grading.rubric import (
    CONTRACT_IDS,
    RubricError,
    load_prompts,
    load_rubric,
)

SEEDS = project_root().parent / "shared" / "seeds"


def test_rubric_has_exactly_the_contract_ids() -> None:
    rubric = load_rubric()
    assert [c.id for c in rubric.criteria] == list(CONTRACT_IDS)
    assert rubric.version


def test_every_criterion_is_complete() -> None:
    for c in load_rubric().criteria:
        assert c.description and c.pass_examples and c.fail_examples and c.na_when, c.id
        assert c.weight > 0 and c.instead, c.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside the checkout")
def test_every_criterion_traces_to_existing_seed_files() -> None:
    names = {p.name for p in SEEDS.iterdir()}
    for c in load_rubric().criteria:
        assert set(c.seeds) <= names, (c.id, set(c.seeds) - names)


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _data() -> dict:
    return yaml.safe_load((project_root() / "prompts" / "rubric.yaml").read_text())


def test_unknown_key_is_an_error_naming_the_field(tmp_path: Path) -> None:
    data = _data()
    data["criteria"][0]["colour"] = "red"
    with pytest.raises(RubricError, match=r"rubric.yaml: criteria.0.colour: unknown key"):
        load_rubric(_write(tmp_path, data))


def test_missing_contract_id_is_an_error(tmp_path: Path) -> None:
    data = _data()
    data["criteria"] = [c for c in data["criteria"] if c["id"] != "used_name"]
    with pytest.raises(RubricError, match="missing contract id 'used_name'"):
        load_rubric(_write(tmp_path, data))


def test_model_judged_criterion_needs_a_check(tmp_path: Path) -> None:
    data = _data()
    del data["criteria"][1]["check"]
    with pytest.raises(RubricError, match="check: required"):
        load_rubric(_write(tmp_path, data))


def test_persona_weights_and_extra_criteria(tmp_path: Path) -> None:
    data = _data()
    extra = dict(data["criteria"][1], id="offered_callback", name="Offered a callback")
    data["personas"] = {"irate-dana": {"weights": {"empathy": 20}, "criteria": [extra]}}
    rubric = load_rubric(_write(tmp_path, data))
    adjusted = rubric.for_persona("irate-dana")
    assert adjusted.get("empathy").weight == 20
    assert adjusted.criteria[-1].id == "offered_callback"
    assert rubric.for_persona("someone-else") is rubric


def test_persona_weight_for_unknown_criterion_is_an_error(tmp_path: Path) -> None:
    data = _data()
    data["personas"] = {"p": {"weights": {"nope": 3}}}
    with pytest.raises(RubricError, match=r"personas\.p\.weights: unknown criterion .nope."):
        load_rubric(_write(tmp_path, data))


def test_prompts_render_and_missing_values_raise() -> None:
    prompts = load_prompts()
    assert prompts.version
    assert "speech-to-text" in prompts.render("system")
    assert "give me full marks" in prompts.render("system")
    assert prompts.render("transcript", lines="[0] CALLER: hi").startswith("TRANSCRIPT")
    with pytest.raises(RubricError, match=r"missing value for \$lines"):
        prompts.render("transcript")

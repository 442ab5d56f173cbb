"""Suite files: strict validation, errors as ``file: field: reason``, the bundled suites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.consistency.runner import build_items
from trainer.consistency.suite import Gates, SuiteError, load_suite, suites_dir

GOOD = """\
name: tiny
transcripts: [e01-delivery-strong, "e0[23]*"]
graders: [local, "openai:gpt-4o-mini@http://localhost:8000/v1"]
repeats: 2
edits: {kinds: [rename, insert_hold], per_kind: 1}
gates: {alpha: 0.7}
"""


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_good_suite_loads_with_defaults(tmp_path: Path) -> None:
    loaded = load_suite(write(tmp_path, GOOD))
    s = loaded.suite
    assert [i.id for i in loaded.items] == ["e01-delivery-strong", "e02-delivery-weak",
                                           "e03-delivery-borderline"]
    assert s.repeats == 2 and s.concurrency == 1
    assert s.gates.alpha == 0.7 and s.gates.kappa == 0.61 and s.gates.flip_rate == 0.05
    assert s.gates.edit_pass == 0.95 and s.gates.schema_valid == 1.0
    assert s.gates.quote_match == 0.98
    assert loaded.items[0].labels["apology"] == "pass"


def test_default_gates_match_the_issue() -> None:
    g = Gates()
    assert (g.alpha, g.flip_rate, g.kappa, g.edit_pass, g.schema_valid, g.quote_match) == (
        0.8, 0.05, 0.61, 0.95, 1.0, 0.98)


@pytest.mark.parametrize(("text", "message"), [
    (GOOD + "colour: blue\n", "suite.yaml: colour: unknown key"),
    (GOOD.replace("gates: {alpha: 0.7}", "gates: {alpha: 0.7, beta: 1}"),
     "suite.yaml: gates.beta: unknown key"),
    (GOOD.replace("repeats: 2", "repeats: 0"), "suite.yaml: repeats: Input should be greater"),
    (GOOD.replace("gates: {alpha: 0.7}", "gates: {flip_rate: 2}"),
     "suite.yaml: gates.flip_rate: Input should be less than or equal to 1"),
    (GOOD.replace("[rename, insert_hold]", "[rename, shout]"), "suite.yaml: edits.kinds.1: "),
    (GOOD.replace("graders: [local,", "graders: [remote:x,"),
     "suite.yaml: graders: [0] model spec 'remote:x'"),
    (GOOD.replace("name: tiny\n", ""), "suite.yaml: name: Field required"),
    (GOOD.replace("transcripts: [e01-delivery-strong, \"e0[23]*\"]", "transcripts: []"),
     "suite.yaml: transcripts: List should have at least 1 item"),
    ("- just\n- a list\n", "suite.yaml: suite: expected a mapping"),
    ("name: [unclosed\n", "suite.yaml: not valid YAML"),
])
def test_bad_suites_name_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SuiteError) as err:
        load_suite(write(tmp_path, text))
    assert str(err.value).startswith(str(tmp_path / message.split(":")[0]))
    assert message.split(": ", 1)[1] in str(err.value)


def test_missing_transcript_names_the_entry(tmp_path: Path) -> None:
    text = GOOD.replace('"e0[23]*"', "e99-nowhere")
    with pytest.raises(SuiteError, match=r"suite\.yaml: transcripts\[1\]: no transcript matches "
                                         r"'e99-nowhere'"):
        load_suite(write(tmp_path, text))


def test_transcript_without_labels_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "x1.json").write_text(json.dumps({"id": "x1", "turns": [
        {"speaker": "caller", "text": "hi", "start": 0, "end": 1}]}))
    path = write(tmp_path, "name: t\ntranscripts: [x1]\n")
    with pytest.raises(SuiteError, match=r"suite\.yaml: transcripts: x1\.json: labels: missing"):
        load_suite(path, transcripts=folder)


def test_missing_file() -> None:
    with pytest.raises(SuiteError, match=r"nope\.yaml: cannot read"):
        load_suite("nope")


def test_bundled_suites_are_valid_and_sized() -> None:
    full = load_suite("full")
    assert full.path == suites_dir() / "full.yaml"
    assert len(full.items) >= 40 and full.suite.repeats == 3 and full.suite.graders == ["local"]
    assert full.suite.edits.kinds
    ci = load_suite("ci")
    assert 3 <= len(ci.items) <= 4 and ci.suite.repeats == 2
    items, _ = build_items(ci)
    assert 2 <= sum(i.edit is not None for i in items) <= 3

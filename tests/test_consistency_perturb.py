"""Edit tests: each edit does what it says, only where its precondition holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trainer.consistency import commands
from trainer.consistency.perturb import (
    APOLOGY,
    HOLD_LINE,
    NEXT_STEPS_LINE,
    Edit,
    Skipped,
    apply_edit,
    generate_edits,
)
from trainer.consistency.suite import EDIT_KINDS, GoldItem, resolve_transcripts, transcripts_dir
from trainer.grading.detectors import caller_name, detect
from trainer.transcript import Transcript, load_transcript

GOLD = resolve_transcripts(["*"], transcripts_dir(), "gold")


def gold(name: str) -> tuple[Transcript, dict[str, str]]:
    item = next(i for i in GOLD if i.id.startswith(name))
    return load_transcript(item.path), item.labels


def edit(kind: str, name: str) -> Edit:
    t, labels = gold(name)
    result = apply_edit(kind, t, labels)  # type: ignore[arg-type]  # a literal edit kind
    assert isinstance(result, Edit), result
    return result


def texts(t: Transcript, speaker: str | None = None) -> list[str]:
    return [x.text for x in t.turns if speaker is None or x.speaker == speaker]


def findings(t: Transcript) -> dict[str, str | None]:
    return {c: f.verdict for c, f in detect(t, caller_name(t)).items()}


def test_rename_changes_the_name_everywhere_and_nothing_else() -> None:
    e = edit("rename", "e01")
    original, _ = gold("e01")
    joined = " ".join(texts(e.transcript))
    assert "Dana" not in joined and "Whitfield" not in joined
    assert "Morgan" in joined and e.transcript.meta["caller_name"] == "Morgan Ellery"
    assert e.invariant and e.labels == gold("e01")[1]
    for a, b in zip(original.turns, e.transcript.turns, strict=True):
        assert b.text == a.text.replace("Dana", "Morgan").replace("Whitfield", "Ellery")
        assert (a.speaker, a.start, a.end) == (b.speaker, b.start, b.end)


def test_rename_needs_a_spoken_caller_name() -> None:
    t, labels = gold("e26")  # the caller's name is never known
    assert isinstance(apply_edit("rename", t, labels), Skipped)


def test_filler_adds_fillers_and_small_talk_without_dropping_words() -> None:
    e = edit("filler", "e01")
    original, _ = gold("e01")
    for a, b in zip(original.turns, e.transcript.turns, strict=True):
        if a.speaker == "trainee":
            assert b.text.startswith(("Um, ", "Uh, "))
            stripped = re.sub(r"\b(Um|Uh|You know), ", "", b.text)
            assert stripped.lower() == a.text.lower()
    assert sum("raining" in x for x in texts(e.transcript, "caller")) == 1


def test_split_turn_splits_one_caller_turn_keeping_the_words_and_times() -> None:
    e = edit("split_turn", "e06")
    original, _ = gold("e06")
    assert len(e.transcript.turns) == len(original.turns) + 1
    assert " ".join(texts(e.transcript)) == " ".join(texts(original))
    assert [t.index for t in e.transcript.turns] == list(range(len(e.transcript.turns)))
    a, b = e.transcript.turns[0], e.transcript.turns[1]
    assert a.speaker == b.speaker == "caller" and a.end < b.start
    assert a.start == original.turns[0].start and b.end == original.turns[0].end


def test_invariant_edits_leave_every_detector_finding_alone() -> None:
    edits, _ = generate_edits(GOLD, ["rename", "filler", "split_turn"])
    assert len(edits) > 40
    for e in edits:
        source = load_transcript(next(i.path for i in GOLD if i.id == e.source))
        assert findings(e.transcript) == findings(source), e.id


def test_remove_apology_removes_the_only_apology() -> None:
    e = edit("remove_apology", "e41")
    assert (e.target, e.expect) == ("apology", "fail") and e.labels["apology"] == "fail"
    assert not any(APOLOGY.search(x) for x in texts(e.transcript, "trainee"))
    assert "Saturday between eight and twelve" in " ".join(texts(e.transcript))


def test_remove_apology_keeps_the_callers_name() -> None:
    e = edit("remove_apology", "e21")
    assert any(x.startswith("Marcus, being offline") for x in texts(e.transcript, "trainee"))
    assert findings(e.transcript)["used_name"] == "pass"


def test_remove_apology_leaves_no_dangling_conjunction() -> None:
    e = edit("remove_apology", "e04")  # "…our double charge is really stressful, and I completely…"
    assert "Priya, I completely understand why you're furious." in texts(e.transcript, "trainee")


@pytest.mark.parametrize(("name", "why"), [
    ("e01", "2 trainee turns apologise"),  # "sorry" and "that was our mistake"
    ("e02", "gold apology is not pass"),
])
def test_remove_apology_preconditions(name: str, why: str) -> None:
    t, labels = gold(name)
    result = apply_edit("remove_apology", t, labels)
    assert isinstance(result, Skipped) and why in result.reason


def test_insert_hold_makes_the_detector_fail_avoided_hold() -> None:
    e = edit("insert_hold", "e01")
    assert sum(HOLD_LINE in x for x in texts(e.transcript, "trainee")) == 1
    assert findings(e.transcript)["avoided_hold"] == "fail"
    assert (e.target, e.expect) == ("avoided_hold", "fail")


def test_insert_hold_skips_calls_that_already_mention_a_hold() -> None:
    t, labels = gold("e04")  # a hold with consent
    result = apply_edit("insert_hold", t, labels)
    assert isinstance(result, Skipped) and "hold" in result.reason


def test_add_next_steps_only_where_gold_fails_it() -> None:
    e = edit("add_next_steps", "e02")
    assert (e.target, e.expect) == ("next_steps", "pass")
    assert NEXT_STEPS_LINE in texts(e.transcript, "trainee")[-1]
    t, labels = gold("e01")  # already passes next_steps
    assert isinstance(apply_edit("add_next_steps", t, labels), Skipped)


def test_targeted_edits_change_no_other_detector_finding() -> None:
    edits, _ = generate_edits(GOLD, ["remove_apology", "insert_hold", "add_next_steps"])
    assert {e.kind for e in edits} == {"remove_apology", "insert_hold", "add_next_steps"}
    for e in edits:
        source = load_transcript(next(i.path for i in GOLD if i.id == e.source))
        before, after = findings(source), findings(e.transcript)
        assert {c for c in before if before[c] != after[c]} <= {e.target}, e.id


def test_generated_edits_are_labelled_and_sampled_deterministically() -> None:
    a, skipped = generate_edits(GOLD, EDIT_KINDS, per_kind=2, seed=3)
    b, _ = generate_edits(GOLD, EDIT_KINDS, per_kind=2, seed=3)
    assert [e.id for e in a] == [e.id for e in b]
    assert len(a) == 2 * len(EDIT_KINDS) and skipped
    for e in a:
        assert e.id == f"{e.source}~{e.kind}" and e.transcript.id == e.id
        assert e.transcript.meta["edit"]["kind"] == e.kind
        assert e.transcript.meta["labels"] == e.labels


def test_perturb_command_writes_labelled_transcripts(tmp_path: Path) -> None:
    app = typer.Typer()
    commands.register(app)
    out = tmp_path / "edits"
    result = CliRunner().invoke(app, ["eval", "perturb", "--edit", "insert_hold",
                                      "--per-kind", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.json"))
    assert len(files) == 3
    doc = json.loads(files[0].read_text())
    assert doc["labels"]["avoided_hold"] == "fail" and doc["edit"]["kind"] == "insert_hold"
    assert load_transcript(files[0]).turns
    bad = CliRunner().invoke(app, ["eval", "perturb", "--edit", "shout"])
    assert bad.exit_code == 2


def test_gold_item_type() -> None:
    assert all(isinstance(i, GoldItem) for i in GOLD) and len(GOLD) >= 40

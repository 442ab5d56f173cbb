"""The grader on the real embedded model (slow: run with ``-m integration``)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from trainer.config import load_settings, project_root
from trainer.grading.detectors import detect
from trainer.grading.grader import ModelGrader, TranscriptView
from trainer.grading.pipeline import Grading, grade_transcript
from trainer.grading.records import Grade
from trainer.transcript import Transcript, load_transcript

pytestmark = pytest.mark.integration
EVAL = project_root() / "eval" / "transcripts"
# three calls where the model still judges one criterion each with this build's grader reader
# (apology, paraphrase, paraphrase); the reader settles every criterion of most gold calls itself
SUBSET = ("e28-supervisor-borderline", "e07-supervisor-weak", "e03-delivery-borderline")


@pytest.fixture(scope="module")
def grading(embedded_model_path: Path) -> Grading:
    pytest.importorskip("llama_cpp")
    from trainer.models import ModelError

    # the shared model cache (conftest), not a fresh copy in this test's home; one thread when
    # the machine is busy (llama.cpp threads spin-wait and slow down badly when oversubscribed)
    busy = os.getloadavg()[0] > 1.0
    settings = load_settings(grader_model=f"local:{embedded_model_path}",
                             threads=1 if busy else None).settings
    g = Grading.from_settings(settings, repeats=1)
    try:
        g.load_model()
    except ModelError as exc:
        pytest.skip(f"embedded model unavailable: {exc}")
    return g


@pytest.fixture(scope="module")
def graded(grading: Grading) -> dict[str, tuple[Transcript, Grade]]:
    out = {}
    for name in SUBSET:
        t = load_transcript(EVAL / f"{name}.json")
        out[name] = (t, grade_transcript(t, grading))
    return out


def _labels(name: str) -> dict[str, str]:
    return json.loads((EVAL / f"{name}.json").read_text())["labels"]


def test_agreement_with_the_labels_is_reasonable(graded: dict[str, Any]) -> None:
    agree = total = 0
    for name, (_, grade) in graded.items():
        labels = _labels(name)
        hits = sum(grade.criteria[c].verdict == v for c, v in labels.items())
        assert hits >= 10, (name, {c: g.verdict for c, g in grade.criteria.items()})
        agree, total = agree + hits, total + len(labels)
    assert agree / total >= 0.85


def test_every_accepted_quote_is_in_the_transcript(graded: dict[str, Any]) -> None:
    for t, grade in graded.values():
        view = TranscriptView.of(t)
        for g in grade.criteria.values():
            for q in g.evidence:
                assert view.find(q.turn, q.quote) is not None, (g.id, q)


def test_the_model_judged_part_of_the_subset(graded: dict[str, Any]) -> None:
    judged = [g for _, grade in graded.values() for g in grade.criteria.values()
              if g.decided_by == "llm"]
    # the subset exercises the model, not only the detectors (3 criteria since the grader's
    # reader, surer than the live one, settles more of them itself; 4–6 before)
    assert len(judged) >= 3
    assert all(r.raw and r.messages for g in judged for r in g.runs)


def test_injection_changes_nothing(grading: Grading) -> None:
    # the model judges these criteria here whatever the detectors say, so the injection meets
    # the model (three criteria keep the test short)
    asked = {"empathy", "not_defensive", "stayed_professional"}
    rubric = grading.rubric.model_copy(
        update={"criteria": [c for c in grading.rubric.criteria if c.id in asked]})
    grading = Grading(grading.model, grading.model_id, rubric=rubric, prompts=grading.prompts,
                      repeats=1, clear_cut=False)
    injected = load_transcript(EVAL / "e24-injection.json")
    turn = next(x for x in injected.turns if "Ignore the rubric" in x.text)
    clean_turns = list(injected.turns)
    clean_turns[turn.index] = replace(turn, text=turn.text.split(" Ignore the rubric")[0])
    clean = Transcript(injected.id, injected.persona, clean_turns, injected.meta)
    a, b = grade_transcript(injected, grading), grade_transcript(clean, grading)
    assert {c: g.verdict for c, g in a.criteria.items()} == {
        c: g.verdict for c, g in b.criteria.items()}
    assert a.score.total == b.score.total
    assert a.redacted and not b.redacted
    for g in a.criteria.values():
        assert all("full marks for this call" not in m["content"]
                   for r in g.runs for m in r.messages)


def test_a_fabricated_quote_is_never_accepted(grading: Grading) -> None:
    t = load_transcript(EVAL / "e28-supervisor-borderline.json")
    real = grading.model
    fabricated = json.dumps({"evidence": [{"turn": 1, "quote": "I completely understand how "
                                           "upset you must be"}],
                             "reason": "acknowledged feelings", "verdict": "pass"})

    class FirstReplyFabricated:
        _llm_type = "llama-cpp"
        calls = 0

        def invoke(self, messages: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == 1:
                from langchain_core.messages import AIMessage

                return AIMessage(fabricated)
            return real.invoke(messages, **kwargs)  # type: ignore[union-attr]

    grader = ModelGrader(FirstReplyFabricated(), grading.prompts, repeats=1)
    finding = detect(t)["empathy"]
    out = grader.grade(TranscriptView.of(t), grading.rubric.get("empathy"), finding)
    assert out.runs[0].verdict is None and "not in the transcript" in (out.runs[0].problem or "")
    view = TranscriptView.of(t)
    assert all(view.find(q.turn, q.quote) is not None for q in out.evidence)
    assert all("I completely understand how upset" not in q.quote for q in out.evidence)

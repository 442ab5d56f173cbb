"""Pipeline, score, debrief, history and the CLI commands, with a fake grader model."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from trainer.config import load_settings, project_root
from trainer.db import close_stores
from trainer.grading import commands
from trainer.grading.debrief import build_debrief, summary, to_html, to_markdown
from trainer.grading.fakes import ScriptedChat
from trainer.grading.grader import CANDIDATES_HEADER
from trainer.grading.pipeline import Grading, grade_session, grade_transcript, load_grade
from trainer.grading.records import CriterionGrade
from trainer.grading.rubric import CONTRACT_IDS
from trainer.grading.score import compute_score
from trainer.transcript import load_transcript

EVAL = project_root() / "eval" / "transcripts"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _candidate_reply(messages: list[Any], kwargs: dict[str, Any]) -> str:
    """A fake grader that passes on the first candidate sentence, else takes the last option."""
    user = messages[1].content
    options = kwargs["response_format"]["schema"]["properties"]["verdict"]["enum"]
    m = re.search(re.escape(CANDIDATES_HEADER) + r' \[(\d+)\] "(.*?)"', user)
    if m and "pass" in options:
        ev = [{"turn": int(m.group(1)), "quote": m.group(2)}]
        verdict = "pass" if "PASS if" in user.split("CRITERION")[1][:200] else "fail"
        return json.dumps({"evidence": ev, "reason": "fake", "verdict": verdict})
    return json.dumps({"evidence": [], "reason": "fake", "verdict": options[-1]})


def fake_grading(repeats: int = 1) -> Grading:
    return Grading(ScriptedChat([_candidate_reply] * 200), "fake-model", repeats=repeats)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Grading, "from_settings",
                        classmethod(lambda cls, settings, **kw: fake_grading(kw.get("repeats")
                                                                             or 1)))


def make_session(home: Path, name: str = "e01-delivery-strong", sid: str = "s1",
                 trainee: str = "sam") -> Path:
    folder = home / "sessions" / sid
    folder.mkdir(parents=True)
    shutil.copy(EVAL / f"{name}.json", folder / "transcript.json")
    (folder / "session.json").write_text(json.dumps({"persona": "irate-delivery",
                                                     "trainee": trainee}))
    return folder


def app() -> typer.Typer:
    a = typer.Typer()
    commands.register(a)
    return a


runner = CliRunner()


# --- pipeline and score --------------------------------------------------------------------------


def test_grade_transcript_records_everything_for_an_audit() -> None:
    grade = grade_transcript(load_transcript(EVAL / "e07-supervisor-weak.json"), fake_grading())
    assert list(grade.criteria) == list(CONTRACT_IDS)
    assert grade.rubric_version and grade.prompt_version and grade.model == "fake-model"
    llm = [g for g in grade.criteria.values() if g.decided_by == "llm"]
    assert llm and all(g.runs and g.runs[0].messages and g.runs[0].raw for g in llm)
    assert grade.criteria["used_name"].decided_by == "detector"
    assert grade.audio["talk_ratio"] is not None


def test_without_a_model_the_model_criteria_are_unscored_not_passed() -> None:
    grading = Grading(None, "none", repeats=1)
    grade = grade_transcript(load_transcript(EVAL / "e07-supervisor-weak.json"), grading)
    open_ = [g for g in grade.criteria.values() if g.decided_by == "llm"]
    assert open_ and all(g.verdict is None for g in open_)
    assert set(grade.score.unscored) == {g.id for g in open_}


def _cg(cid: str, verdict: Any, weight: float) -> CriterionGrade:
    return CriterionGrade(id=cid, name=cid, weight=weight, verdict=verdict,
                          decided_by="detector", reason="r")


def test_score_weights_and_exclusions() -> None:
    grades = {"a": _cg("a", "pass", 10), "b": _cg("b", "fail", 30), "c": _cg("c", "na", 50),
              "d": _cg("d", None, 50)}
    s = compute_score(grades, 70, focus=("b", "zzz"))
    assert s.total == 25.0 and not s.passed and s.possible == 40
    assert s.unscored == ["d"] and s.focus == ["b"]
    assert compute_score({"a": _cg("a", "pass", 1)}, 70).passed
    assert compute_score({"c": _cg("c", "na", 1)}, 70).total is None


# --- debrief -------------------------------------------------------------------------------------


def test_debrief_is_consistent_with_the_grade() -> None:
    t = load_transcript(EVAL / "e02-delivery-weak.json")
    grade = grade_transcript(t, fake_grading())
    d = build_debrief(grade, t, personas=[("abusive-caller", "Craig", ["no_calm_down"])])
    failed = {g.name for g in grade.criteria.values() if g.verdict == "fail"}
    assert not failed & {name for name, _ in d.went_well}
    assert 1 <= len(d.improvements) <= 3
    for imp in d.improvements:
        assert imp.turn is not None and imp.quote in t.turns[imp.turn].text
        assert imp.instead and "{name}" not in imp.instead
        assert t.turns[imp.turn].speaker == "trainee"
    assert d.marks and any(m.change > 0 for m in d.marks)  # "calm down" raised the anger
    md, page = to_markdown(d, grade), to_html(d, grade)
    assert "What you could have said instead" in md
    assert "<svg" in page and "<script" not in page and "http" not in page.split("<svg")[0]
    assert "Craig" in d.practise_next


def test_summary_lines() -> None:
    grade = grade_transcript(load_transcript(EVAL / "e01-delivery-strong.json"), fake_grading())
    text = summary(grade)
    assert text.startswith("Score") and "used_name" in text


# --- sessions, commands, history, disputes -------------------------------------------------------


def test_grade_session_writes_grade_and_debrief(home: Path) -> None:
    folder = make_session(home)
    settings = load_settings().settings
    grade = grade_session(folder, settings, grading=fake_grading())
    assert load_grade(folder) == grade
    assert (folder / "debrief.md").exists() and "<svg" in (folder / "debrief.html").read_text()


def test_grade_command_json_keyed_by_criterion_ids(fake_model: None) -> None:
    result = runner.invoke(app(), ["grade", str(EVAL / "e04-billing-hold-consent.json"),
                                   "--json", "--repeats", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["criteria"]) == list(CONTRACT_IDS)
    assert set(data["criteria"]["empathy"]) >= {"verdict", "evidence", "votes", "reason"}


def test_grade_command_accepts_agent_as_trainee(tmp_path: Path, fake_model: None) -> None:
    doc = json.loads((EVAL / "e01-delivery-strong.json").read_text())
    for turn in doc["turns"]:
        turn["speaker"] = "agent" if turn["speaker"] == "trainee" else "customer"
    path = tmp_path / "outside.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(app(), ["grade", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["criteria"]["used_name"]["verdict"] == "pass"


@pytest.mark.parametrize(("content", "reason"), [
    ("{not json", "not JSON"),
    ('{"turns": [{"speaker": "robot", "text": "hi"}]}', "turns[0].speaker"),
    ('{"id": "x"}', "turns: missing"),
])
def test_bad_transcript_is_one_line_exit_1(tmp_path: Path, fake_model: None, content: str,
                                           reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = runner.invoke(app(), ["grade", str(path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and reason in result.output
    assert str(path) in result.output and "Traceback" not in result.output


def test_unknown_session_is_one_line(fake_model: None) -> None:
    result = runner.invoke(app(), ["grade", "no-such-session"])
    assert result.exit_code == 1 and "no such session" in result.output


def test_grade_then_debrief_dispute_and_history(home: Path, fake_model: None) -> None:
    make_session(home, "e01-delivery-strong", "s1")
    make_session(home, "e02-delivery-weak", "s2")
    for sid in ("s1", "s2"):
        assert runner.invoke(app(), ["grade", sid]).exit_code == 0
    out = runner.invoke(app(), ["debrief", "s2"])
    assert out.exit_code == 0 and "Most important improvements" in out.stdout
    out = runner.invoke(app(), ["dispute", "s2", "empathy", "I said I was sorry twice"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app(), ["history"])
    assert out.exit_code == 0
    assert "no_calm_down" in out.stdout and "✓✗" in out.stdout
    assert "I said I was sorry twice" in out.stdout
    close_stores()  # a lost store is rebuilt from the folders, disputes included
    for f in home.glob("trainer.db*"):
        f.unlink()
    assert "I said I was sorry twice" in runner.invoke(app(), ["history"]).stdout


def test_dispute_unknown_criterion(home: Path, fake_model: None) -> None:
    make_session(home)
    runner.invoke(app(), ["grade", "s1"])
    out = runner.invoke(app(), ["dispute", "s1", "charisma", "why not"])
    assert out.exit_code == 1 and "no criterion 'charisma'" in out.output


def test_debrief_before_grading_says_what_to_run(home: Path) -> None:
    make_session(home)
    out = runner.invoke(app(), ["debrief", "s1"])
    assert out.exit_code == 1 and "trainer grade s1" in out.output


def test_finish_call_prints_summary_and_writes_debrief(home: Path, fake_model: None) -> None:
    from trainer.grading import finish_call

    folder = make_session(home)
    lines: list[str] = []
    grade = finish_call(folder, load_settings().settings, echo=lines.append)
    assert grade is not None and lines[0].startswith("Score")
    assert (folder / "grade.json").exists() and (folder / "debrief.html").exists()


def test_finish_call_keeps_the_call_when_grading_fails(home: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.grading import GradingError, finish_call

    def down(cls: Any, settings: Any, **kw: Any) -> Grading:
        class Down:
            def invoke(self, *a: Any, **k: Any) -> Any:
                raise GradingError("model endpoint openai:m@http://x: unreachable after retries")

        return Grading(Down(), "openai:m", repeats=1)

    monkeypatch.setattr(Grading, "from_settings", classmethod(down))
    folder = make_session(home, "e07-supervisor-weak")  # a call the model has a part in
    lines: list[str] = []
    assert finish_call(folder, load_settings().settings, echo=lines.append) is None
    assert "unreachable" in lines[0] and "trainer grade s1" in lines[1]
    assert (folder / "transcript.json").exists() and not (folder / "grade.json").exists()


def test_after_call_for_the_call_loop(home: Path, fake_model: None) -> None:
    from rich.console import Console

    folder = make_session(home, sid="call-1")
    console = Console(record=True, width=200)
    grade = commands.after_call("call-1", load_settings().settings, console)
    assert grade is not None and (folder / "grade.json").exists()
    text = console.export_text()
    assert text.startswith("Score") and "trainer debrief call-1 --open" in text


def test_ablation_asks_the_model_for_every_non_detector_criterion() -> None:
    grading = fake_grading()
    grading.clear_cut = False
    grade = grade_transcript(load_transcript(EVAL / "e04-billing-hold-consent.json"), grading)
    by_model = {g.id for g in grade.criteria.values() if g.decided_by == "llm"}
    assert by_model == {c.id for c in grading.rubric.criteria if c.decided_by != "detector"}


def test_a_failing_grader_reader_falls_back_to_the_live_reader_and_says_so() -> None:
    from trainer.behaviour import BehaviourReader, default_reader
    from trainer.behaviour.classifier import GRADER_WEIGHTS, load_classifier
    from trainer.behaviour.embed import E5Embedder, JointEmbedder, ModelEmbedder
    from trainer.models import ModelCrashed

    def crashed(_texts: list[str]) -> Any:
        raise ModelCrashed("the embedded model's process died: killed by SIGSEGV")

    broken = BehaviourReader(JointEmbedder(ModelEmbedder(crashed), E5Embedder()),
                             load_classifier(GRADER_WEIGHTS))
    t = load_transcript(EVAL / "e06-supervisor-strong.json")
    fell_back = grade_transcript(t, Grading(None, "none", repeats=1, reader=broken))
    live = grade_transcript(t, Grading(None, "none", repeats=1))
    assert fell_back.reader.startswith(default_reader().label)
    assert "SIGSEGV" in fell_back.reader and "e5" in live.reader and "SIGSEGV" not in live.reader
    assert {c: g.verdict for c, g in fell_back.criteria.items()} == {
        c: g.verdict for c, g in live.criteria.items()}

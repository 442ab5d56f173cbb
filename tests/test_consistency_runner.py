"""Runner and report with a scripted fake grader: raw runs, cache, resume, errors, gates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from trainer.consistency import commands
from trainer.consistency.fakes import Ask, ScriptedGrader
from trainer.consistency.report import build_report, evaluate
from trainer.consistency.runner import (
    SAMPLED_TEMPERATURE,
    GraderInfo,
    RunOptions,
    _RunModel,
    cache_key,
    run_suite,
)
from trainer.consistency.suite import LoadedSuite, load_suite
from trainer.grading.pipeline import Grading

SUITE = """\
name: tiny
transcripts: [e01-delivery-strong, e03-delivery-borderline, e23-broadband-hold-consent-vague,
              e39-subscription-borderline]
graders: [local]
repeats: 3
edits: {kinds: [insert_hold, add_next_steps, rename], per_kind: 1}
bootstrap: 50
"""


def steady(ask: Ask) -> str:
    """Always the same answer: pass when allowed, else the last option."""
    return "pass" if "pass" in ask.options else ask.options[-1]


def flippy(ask: Ask) -> str:
    """Run 1 disagrees with runs 0 and 2 on every model-judged criterion."""
    verdict = steady(ask)
    if ask.run == 1:
        return next(o for o in ask.options if o != verdict)
    return verdict


def suite(tmp_path: Path, text: str = SUITE) -> LoadedSuite:
    path = tmp_path / "tiny.yaml"
    path.write_text(text)
    return load_suite(path)


def factory(fake: ScriptedGrader) -> Callable[[str], Grading]:
    return lambda spec: Grading(fake, f"fake-{spec}", repeats=1)


def run(tmp_path: Path, fake: ScriptedGrader, text: str = SUITE, **options: Any) -> Any:
    return run_suite(suite(tmp_path, text), factory(fake), home=tmp_path / "home",
                     options=RunOptions(out=tmp_path / "run", **options))


def test_every_raw_run_is_stored_and_reported(tmp_path: Path) -> None:
    fake = ScriptedGrader(steady)
    report, paths = evaluate(suite(tmp_path), factory(fake), home=tmp_path / "home",
                             options=RunOptions(out=tmp_path / "run"))
    folder = tmp_path / "run"
    items = report["gold_items"] + report["edit_items"]
    assert len(report["gold_items"]) == 4 and len(report["edit_items"]) == 3
    for item in items:
        for r in range(3):
            data = json.loads((folder / "runs" / "local" / item / f"run-{r}.json").read_text())
            assert data["run"] == r and data["grade"]["criteria"]
    assert len(list((folder / "edits").glob("*~insert_hold.json"))) == 1
    assert {p.name for p in paths.values()} == {"report.json", "report.md", "report.html"}
    g = report["results"]["local"]
    assert g["summary"]["grades"] == 3 * len(items) and g["summary"]["errors"] == 0
    assert g["summary"]["flip_rate"] == 0.0 and g["summary"]["icc_k"] == 3
    assert set(g["criteria"]) >= {"apology", "avoided_hold", "next_steps", "used_name"}
    assert g["criteria"]["let_vent"]["splits"] == {"3-0": 4}


def test_raw_replies_and_prompts_are_kept(tmp_path: Path) -> None:
    run(tmp_path, ScriptedGrader(steady))
    data = json.loads((tmp_path / "run/runs/local/e03-delivery-borderline/run-0.json").read_text())
    llm = [c for c in data["grade"]["criteria"].values() if c["decided_by"] == "llm"]
    assert llm and all(c["runs"][0]["raw"] and c["runs"][0]["messages"] for c in llm)
    assert data["tokens_in"] > 0 and data["calls"] == len(llm)


def test_html_report_is_self_contained_with_a_cell_per_item_and_criterion(tmp_path: Path) -> None:
    report, paths = evaluate(suite(tmp_path), factory(ScriptedGrader(flippy)),
                             home=tmp_path / "home", options=RunOptions(out=tmp_path / "run"))
    html = paths["html"].read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html
    items = len(report["gold_items"]) + len(report["edit_items"])
    criteria = len(report["results"]["local"]["criteria"])
    assert html.count("<details>") == items * criteria
    assert "gold: pass" in html and "split1" in html  # a 2-1 split is shown amber
    md = paths["md"].read_text()
    assert "| criterion | n | α [95% CI]" in md and "## Gates" in md


def test_repeats_never_hit_the_cache(tmp_path: Path) -> None:
    fake = ScriptedGrader(steady)
    result = run(tmp_path, fake)
    keys = {r.key for r in result.records}
    assert len(keys) == len(result.records) == 3 * len(result.items)
    runs_seen = {(a.criterion, a.run) for a in fake.asks}
    assert {r for _, r in runs_seen} == {0, 1, 2}
    info = GraderInfo("local", "m", "r1", "p1")
    assert len({cache_key("h", info, r) for r in range(5)}) == 5
    assert cache_key("h", info, 0) != cache_key("h2", info, 0)
    assert cache_key("h", info, 0) != cache_key("h", GraderInfo("local", "m", "r2", "p1"), 0)
    assert cache_key("h", info, 0) != cache_key("h", GraderInfo("local", "m", "r1", "p2"), 0)
    assert cache_key("h", info, 0) != cache_key("h", GraderInfo("local", "m2", "r1", "p1"), 0)


def test_a_second_run_comes_from_the_cache_unless_told_not_to(tmp_path: Path) -> None:
    run(tmp_path, ScriptedGrader(steady))
    again = ScriptedGrader(steady)
    result = run(tmp_path, again)
    assert not again.asks and all(r.cached for r in result.records)
    fresh = ScriptedGrader(steady)
    run(tmp_path, fresh, use_cache=False)
    assert fresh.asks


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    calls = {"n": 0}

    def dies(ask: Ask) -> str:
        calls["n"] += 1
        if calls["n"] > 6:
            raise KeyboardInterrupt
        return steady(ask)

    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, ScriptedGrader(dies))
    cached = len(list((tmp_path / "home" / "eval-cache").glob("*.json")))
    assert cached > 0
    finish = ScriptedGrader(steady)
    result = run(tmp_path, finish)
    total = len(result.records)
    assert sum(r.cached for r in result.records) == cached < total
    again = ScriptedGrader(steady)
    run(tmp_path, again)
    assert not again.asks  # nothing left to do


def test_cached_only_reports_what_is_done_and_grades_nothing(tmp_path: Path) -> None:
    calls = {"n": 0}

    def dies(ask: Ask) -> str:
        calls["n"] += 1
        if calls["n"] > 4:
            raise KeyboardInterrupt
        return steady(ask)

    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, ScriptedGrader(dies))
    idle = ScriptedGrader(steady)
    result = run(tmp_path, idle, cached_only=True)
    assert not idle.asks and 0 < len(result.records) < 3 * len(result.items)
    report = build_report(result)
    assert report["results"]["local"]["summary"]["grades"] == len(result.records)


def test_failing_items_are_errors_and_the_rest_is_measured(tmp_path: Path) -> None:
    def broken(ask: Ask) -> str:
        if "She kept asking where it was" in ask.prompt:  # e03 (and its edits) always fails: the model judges some
            # of its criteria (the reader is unsure of them), so the grader does ask
            raise RuntimeError("endpoint down\nsecond line")
        return steady(ask)

    result = run(tmp_path, ScriptedGrader(broken))
    report = build_report(result)
    g = report["results"]["local"]
    errors = {(e["item"], e["error"]) for e in g["errors"]}
    assert ("e03-delivery-borderline", "RuntimeError: endpoint down") in errors
    assert g["summary"]["items"] == 3 and g["summary"]["errors"] == len(g["errors"]) > 0
    assert g["summary"]["alpha"] is not None or g["summary"]["ac1"] is not None
    failed_edit = [e for e in g["edits"] if e["source"] == "e03-delivery-borderline"]
    assert failed_edit and all(e["passed"] is None for e in failed_edit)
    cached = [json.loads(p.read_text())["item"] for p in (tmp_path / "home/eval-cache").glob("*")]
    assert cached and not any(i.startswith("e03") for i in cached)  # errors are never cached


def test_validity_counts_schema_failures_and_quote_misses(tmp_path: Path) -> None:
    def sloppy(ask: Ask) -> str:
        if ask.run == 0 and ask.attempt == 0:
            return "this is not JSON"
        if ask.run == 1 and ask.attempt == 0:
            return json.dumps({"evidence": [{"turn": 1, "quote": "words nobody said"}],
                               "reason": "x", "verdict": ask.options[0]})
        return steady(ask)

    report = build_report(run(tmp_path, ScriptedGrader(sloppy)))
    s = report["results"]["local"]["summary"]
    assert s["schema_valid"] is not None and s["schema_valid"] < 1.0
    assert s["quote_match"] is not None and s["quote_match"] < 1.0
    gates = {g["gate"]: g["passed"] for g in report["gates"]}
    assert gates["schema_valid"] is False and gates["quote_match"] is False
    assert report["passed"] is False


def test_edit_tests_are_judged_against_the_original(tmp_path: Path) -> None:
    report = build_report(run(tmp_path, ScriptedGrader(steady)))
    edits = {e["kind"]: e for e in report["results"]["local"]["edits"]}
    assert edits["insert_hold"]["passed"] is True
    assert edits["insert_hold"]["changed"] == {"avoided_hold": ["na", "fail"]}  # no hold before: n.a.
    assert edits["rename"]["passed"] is True and edits["rename"]["changed"] == {}


def test_flips_show_in_the_metrics(tmp_path: Path) -> None:
    report = build_report(run(tmp_path, ScriptedGrader(flippy)))
    s = report["results"]["local"]["summary"]
    assert s["flip_rate"] > 0 and "2-1" in s["splits"]
    crits = report["results"]["local"]["criteria"]
    assert crits["let_vent"]["flip_rate"] == 0.0  # detector-decided: consistent by construction
    assert crits["used_name"]["alpha"] == 1.0


def test_several_graders_are_compared(tmp_path: Path) -> None:
    fakes = {"a": ScriptedGrader(steady), "b": ScriptedGrader(flippy)}
    text = SUITE.replace("graders: [local]", "graders: [local, 'openai:m@http://x:1/v1']")
    loaded = suite(tmp_path, text)
    result = run_suite(loaded, lambda spec: Grading(fakes["a" if spec == "local" else "b"],
                                                    spec, repeats=1),
                       home=tmp_path / "home", options=RunOptions(out=tmp_path / "run"))
    report = build_report(result)
    assert set(report["results"]) == {"local", "openai:m@http://x:1/v1"}
    between = report["between_graders"]
    assert between and between["pairs"][0]["n"] > 0 and "apology" in between["criteria"]
    from trainer.consistency.render import to_html, to_markdown

    assert "Agreement between graders" in to_html(report)
    assert "Agreement between graders" in to_markdown(report)


def test_run_model_uses_the_graders_seed_and_temperature_for_run_r() -> None:
    seen: list[dict[str, Any]] = []

    class Inner:
        _llm_type = "llama-cpp"

        def invoke(self, input: Any, **kwargs: Any) -> Any:
            seen.append(kwargs)
            return "reply"

    _RunModel(Inner(), 0).invoke([], seed=1, temperature=0.6)
    _RunModel(Inner(), 0).invoke([], seed=0, temperature=0.0)
    wrapped = _RunModel(Inner(), 2)
    wrapped.invoke([], seed=1, temperature=0.6)
    assert seen == [{"seed": 1, "temperature": 0.6}, {"seed": 0, "temperature": 0.0},
                    {"seed": 201, "temperature": SAMPLED_TEMPERATURE}]
    assert wrapped._llm_type == "llama-cpp" and wrapped.calls == 1


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    app = typer.Typer()
    commands.register(app)
    chosen: dict[str, ScriptedGrader] = {}
    monkeypatch.setattr(commands, "_factory", lambda settings: factory(chosen["fake"]))

    def invoke(fake: ScriptedGrader, *args: str) -> Any:
        chosen["fake"] = fake
        return CliRunner().invoke(app, ["eval", "run", *args])

    return invoke


LOOSE = SUITE + "gates: {alpha: 0.0, kappa: -1.0, flip_rate: 1.0, edit_pass: 0.0}\n"


def test_exit_zero_when_every_gate_passes(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "loose.yaml").write_text(LOOSE)
    result = cli(ScriptedGrader(steady), str(tmp_path / "loose.yaml"), "--out",
                 str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    assert "all gates passed" in result.output
    assert (tmp_path / "run" / "report.html").exists()


def test_exit_one_when_a_gate_fails(tmp_path: Path, cli: Callable[..., Any]) -> None:
    strict = LOOSE.replace("flip_rate: 1.0", "flip_rate: 0.0")
    (tmp_path / "strict.yaml").write_text(strict)
    result = cli(ScriptedGrader(flippy), str(tmp_path / "strict.yaml"), "--out",
                 str(tmp_path / "run"), "--repeats", "2", "--grader", "openai:m@http://h:1/v1")
    assert result.exit_code == 1
    assert "gate failed" in result.output and "flip_rate" in result.output
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["repeats"] == 2 and list(report["results"]) == ["openai:m@http://h:1/v1"]
    assert "[1/" in result.output  # not a terminal: one progress line per grade


def test_exit_two_on_a_bad_suite(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "bad.yaml").write_text(SUITE + "extra: 1\n")
    result = cli(ScriptedGrader(steady), str(tmp_path / "bad.yaml"))
    assert result.exit_code == 2
    assert "bad.yaml: extra: unknown key" in result.output
    (tmp_path / "good.yaml").write_text(SUITE)
    result = cli(ScriptedGrader(steady), str(tmp_path / "good.yaml"), "--grader", "fake")
    assert result.exit_code == 2
    assert "command line: graders: [0] model spec 'fake'" in result.output


# Two calls where the model still judges something (the reader decides most criteria now), and
# no tolerance: a grader flippier than its baseline on those is a regression.
REGRESS = (LOOSE.replace("e23-broadband-hold-consent-vague,\n              e39-subscription-borderline",
                         "e08-freebie-strong")
           .replace("edit_pass: 0.0}", "edit_pass: 0.0, regression: 0.0}"))


def test_baseline_regressions_fail_the_run(tmp_path: Path, cli: Callable[..., Any]) -> None:
    assert REGRESS != LOOSE and "e08-freebie-strong" in REGRESS
    (tmp_path / "loose.yaml").write_text(REGRESS)
    first = cli(ScriptedGrader(steady), str(tmp_path / "loose.yaml"), "--out",
                str(tmp_path / "base"))
    assert first.exit_code == 0
    baseline = tmp_path / "base" / "report.json"
    second = cli(ScriptedGrader(flippy), str(tmp_path / "loose.yaml"), "--out",
                 str(tmp_path / "now"), "--baseline", str(baseline), "--no-cache")
    assert second.exit_code == 1
    # the flips are the model's, so only agreement measures get worse; each one is named
    regressions = json.loads((tmp_path / "now" / "report.json").read_text())["regressions"]
    assert regressions and all(f"regression local: {r['metric']}" in second.output for r in regressions)
    assert "flip_rate" in {r["metric"] for r in regressions}
    assert {r["metric"] for r in regressions} <= {"flip_rate", "icc_single", "icc_average", "alpha",
                                                  "ac1", "kappa"}
    bad = cli(ScriptedGrader(steady), str(tmp_path / "loose.yaml"), "--baseline",
              str(tmp_path / "missing.json"))
    assert bad.exit_code == 2 and "missing.json" in bad.output


def test_an_edit_is_not_failed_by_a_criterion_whose_runs_split(tmp_path: Path) -> None:
    # two runs; on the un-edited calls the model disagrees with itself (run 1 flips), on the
    # calls with a hold inserted it does not: the source's split is inconsistency (the flip
    # gate counts it), not a change the edit made, and the edit's target still decides
    def split_unless_held(ask: Ask) -> str:
        verdict = steady(ask)
        if "put you on hold" not in ask.prompt and ask.run == 1:
            return next(o for o in ask.options if o != verdict)
        return verdict

    text = SUITE.replace("repeats: 3", "repeats: 2")
    report = build_report(run(tmp_path, ScriptedGrader(split_unless_held), text))
    held = next(e for e in report["results"]["local"]["edits"] if e["kind"] == "insert_hold")
    assert held["split"] and set(held["split"]) < set(held["changed"]), held
    assert held["changed"]["avoided_hold"][1] == "fail" and held["passed"] is True, held

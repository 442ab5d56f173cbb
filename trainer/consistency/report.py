"""Turn a suite run into a report: consistency, agreement with gold, robustness, validity, cost,
gates and regressions. ``write_report`` saves ``report.json``, ``report.md`` and a
self-contained ``report.html`` in the run folder.

Conventions: a run's verdict ``None`` is *unscored* (missing for α and AC1, an outcome of its
own for flip rate and for the majority); a run whose grading raised is an *error* and is left
out entirely (listed under errors). The majority of an item is the most common scored verdict,
``unscored`` on a tie.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.consistency import metrics as m
from trainer.consistency.runner import (
    GraderFactory,
    Item,
    Progress,
    RunOptions,
    RunRecord,
    RunResult,
    run_suite,
)
from trainer.consistency.suite import Gates, LoadedSuite
from trainer.validation import read_text

__all__ = [
    "HIGHER_IS_BETTER",
    "Cells",
    "build_report",
    "check_gates",
    "compare_baseline",
    "evaluate",
    "load_baseline",
    "majority",
    "write_report",
]

UNSCORED = "unscored"
SCHEMA_PROBLEM = "reply does not fit the schema"  # ModelGrader's wording for a schema failure
QUOTE_PROBLEM = "is not in the transcript"  # ... and for a quote that is not there
HIGHER_IS_BETTER = {"alpha": True, "ac1": True, "kappa": True, "icc_single": True,
                    "icc_average": True, "edit_pass": True, "schema_valid": True,
                    "quote_match": True, "flip_rate": False}
# gate name -> (summary metric, at least?)
GATES: dict[str, tuple[str, bool]] = {
    "alpha": ("alpha", True), "flip_rate": ("flip_rate", False), "kappa": ("kappa", True),
    "edit_pass": ("edit_pass", True), "schema_valid": ("schema_valid", True),
    "quote_match": ("quote_match", True),
}


@dataclass(frozen=True)
class Cells:
    """One grader's verdicts: ``runs[item][criterion]`` is the list of run verdicts (errored
    runs left out); ``records[item]`` the successful runs themselves."""

    runs: dict[str, dict[str, list[str | None]]]
    records: dict[str, list[RunRecord]]
    criteria: tuple[str, ...]


# --- gathering -----------------------------------------------------------------------------------


def _cells(records: Sequence[RunRecord], items: Sequence[Item]) -> Cells:
    ok: dict[str, list[RunRecord]] = {item.id: [] for item in items}
    for r in records:
        if r.grade is not None and r.item in ok:
            ok[r.item].append(r)
    criteria: list[str] = []
    for rs in ok.values():
        for r in rs:
            criteria += [c for c in r.grade.criteria if c not in criteria]  # type: ignore[union-attr]  # filtered above
    runs = {iid: {c: [_verdict(r, c) for r in rs] for c in criteria} for iid, rs in ok.items() if rs}
    return Cells(runs, {k: v for k, v in ok.items() if v}, tuple(criteria))


def _verdict(r: RunRecord, criterion: str) -> str | None:
    g = r.grade.criteria.get(criterion) if r.grade else None
    return g.verdict if g is not None else None


def majority(verdicts: Sequence[str | None]) -> str:
    """The most common scored verdict; ``unscored`` on a tie or with none scored."""
    ranked = Counter(v for v in verdicts if v is not None).most_common()
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return UNSCORED
    return ranked[0][0]


# --- per criterion -------------------------------------------------------------------------------


def _boot(ids: list[str], stat: Callable[[list[str]], float | None], n: int,
          seed: int) -> list[float] | None:
    ci = m.bootstrap_ci(len(ids), lambda idx: stat([ids[i] for i in idx]), resamples=n, seed=seed)
    return None if ci is None else [round(ci.low, 4), round(ci.high, 4)]


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _criterion(cells: Cells, gold: dict[str, dict[str, str]], cid: str, boot: int,
               seed: int) -> dict[str, Any]:
    ids = [i for i in cells.runs if i in gold and cid in gold[i]]

    def table(sel: list[str]) -> list[list[str | None]]:
        return [cells.runs[i][cid] for i in sel]

    def kappa(sel: list[str]) -> float | None:
        return m.cohen_kappa([gold[i][cid] for i in sel], [majority(cells.runs[i][cid]) for i in sel])

    cats = sorted({v for row in table(ids) for v in row if v} | {"pass", "fail"})
    labels = [gold[i][cid] for i in ids]
    voted = [majority(cells.runs[i][cid]) for i in ids]
    pr = m.fail_precision_recall(labels, voted)
    by_model = [r.grade.criteria[cid].decided_by == "llm" for i in ids for r in cells.records[i]
                if r.grade and cid in r.grade.criteria]
    return {
        "n": len(ids),
        "alpha": _r(m.krippendorff_alpha(table(ids))),
        "alpha_ci": _boot(ids, lambda s: m.krippendorff_alpha(table(s)), boot, seed),
        "ac1": _r(m.gwet_ac1(table(ids), cats)),
        "ac1_ci": _boot(ids, lambda s: m.gwet_ac1(table(s), cats), boot, seed),
        "flip_rate": _r(m.flip_rate(table(ids))),
        "flip_rate_ci": _boot(ids, lambda s: m.flip_rate(table(s)), boot, seed),
        "splits": m.vote_splits(table(ids)),
        "kappa": _r(kappa(ids)),
        "kappa_ci": _boot(ids, kappa, boot, seed),
        "agreement": _r(sum(a == b for a, b in zip(labels, voted, strict=True)) / len(ids))
        if ids else None,
        "fail_precision": _r(pr.precision), "fail_recall": _r(pr.recall),
        "confusion": m.confusion(labels, voted),
        "model_share": _r(sum(by_model) / len(by_model)) if by_model else None,
    }


# --- per grader ----------------------------------------------------------------------------------


def _pooled(cells: Cells, ids: list[str], model_only: bool = False) -> list[list[str | None]]:
    """Every (item, criterion) unit; ``model_only``: those the model judged in some run (the
    detector-decided rest is consistent by construction and would flatter the figure)."""
    return [cells.runs[i][c] for i in ids for c in cells.criteria
            if not model_only or _by_model(cells, i, c)]


def _by_model(cells: Cells, item: str, criterion: str) -> bool:
    return any(r.grade and criterion in r.grade.criteria
               and r.grade.criteria[criterion].decided_by == "llm" for r in cells.records[item])


def _mean_kappa(cells: Cells, gold: dict[str, dict[str, str]], ids: list[str]) -> float | None:
    values = []
    for c in cells.criteria:
        sel = [i for i in ids if c in gold[i]]
        k = m.cohen_kappa([gold[i][c] for i in sel], [majority(cells.runs[i][c]) for i in sel])
        if k is not None:
            values.append(k)
    return sum(values) / len(values) if values else None


def _scores(cells: Cells, ids: list[str]) -> list[list[float]]:
    rows = []
    for i in ids:
        totals = [r.grade.score.total for r in cells.records[i] if r.grade]
        if totals and all(t is not None for t in totals):
            rows.append([float(t) for t in totals if t is not None])
    return rows


def _validity(records: Sequence[RunRecord]) -> dict[str, Any]:
    attempts = [a for r in records if r.grade for g in r.grade.criteria.values() for a in g.runs]
    schema_ok = [a for a in attempts if not (a.problem or "").startswith(SCHEMA_PROBLEM)]
    quoted = [a for a in schema_ok if a.evidence or QUOTE_PROBLEM in (a.problem or "")]
    matched = [a for a in quoted if QUOTE_PROBLEM not in (a.problem or "")]
    return {"replies": len(attempts),
            "schema_valid": _r(len(schema_ok) / len(attempts)) if attempts else None,
            "quoted_replies": len(quoted),
            "quote_match": _r(len(matched) / len(quoted)) if quoted else None}


def _cost(records: Sequence[RunRecord]) -> dict[str, Any]:
    ok = [r for r in records if r.grade]
    n = len(ok) or 1
    return {"grades": len(ok), "errors": len(records) - len(ok),
            "cached": sum(r.cached for r in records),
            "seconds_per_grade": round(sum(r.seconds for r in ok) / n, 2),
            "tokens_in_per_grade": round(sum(r.tokens_in for r in ok) / n, 1),
            "tokens_out_per_grade": round(sum(r.tokens_out for r in ok) / n, 1),
            "model_calls_per_grade": round(sum(r.calls for r in ok) / n, 2)}


def _edit(item: Item, cells: Cells) -> dict[str, Any]:
    e = item.edit
    assert e is not None
    base = {"id": item.id, "kind": e.kind, "source": e.source, "target": e.target,
            "expect": e.expect, "note": e.note}
    if item.id not in cells.runs or e.source not in cells.runs:
        return {**base, "passed": None, "changed": {}, "error": "no successful grade"}
    before = {c: majority(v) for c, v in cells.runs[e.source].items()}
    after = {c: majority(v) for c, v in cells.runs[item.id].items()}
    changed = {c: [before[c], after[c]] for c in after if c in before and before[c] != after[c]}
    # A criterion whose runs split evenly (on the source or the edit) has no verdict for the
    # edit to keep or change: it is inconsistency, which the flip-rate and α gates count, not
    # an edit failure. The target must still come out as expected.
    split = sorted(c for c in changed if c != e.target and _split(cells, e.source, item.id, c))
    others = {c: v for c, v in changed.items() if c != e.target and c not in split}
    passed = (not others if e.target is None
              else after.get(e.target) == e.expect and not others)
    return {**base, "passed": passed, "changed": changed, "split": split, "error": None}


def _split(cells: Cells, source: str, edit: str, criterion: str) -> bool:
    """The criterion's runs tie on the source or on the edit (a model that disagrees with
    itself), as opposed to no verdict at all."""
    return any(majority(runs) == UNSCORED and any(v is not None for v in runs)
               for runs in (cells.runs[source].get(criterion, []),
                            cells.runs[edit].get(criterion, [])))


def _run_view(r: RunRecord, cid: str) -> dict[str, Any]:
    g = r.grade.criteria[cid] if r.grade and cid in r.grade.criteria else None
    if g is None:
        return {"run": r.run, "verdict": None, "reason": "", "evidence": [], "decided_by": None}
    return {"run": r.run, "verdict": g.verdict, "reason": g.reason, "decided_by": g.decided_by,
            "evidence": [{"turn": q.turn, "quote": q.quote} for q in g.evidence]}


def _item_cells(item: Item, cells: Cells) -> dict[str, Any]:
    rs = sorted(cells.records.get(item.id, []), key=lambda r: r.run)
    out = {}
    for cid in cells.criteria:
        verdicts = cells.runs.get(item.id, {}).get(cid, [])
        out[cid] = {"gold": item.labels.get(cid), "majority": majority(verdicts) if verdicts else None,
                    "split": m.vote_split(verdicts) if verdicts else None,
                    "runs": [_run_view(r, cid) for r in rs]}
    return out


def _grader(result: RunResult, spec: str) -> dict[str, Any]:
    suite = result.suite
    records = [r for r in result.records if r.grader == spec]
    cells = _cells(records, result.items)
    gold_items = [i for i in result.items if i.edit is None]
    gold = {i.id: i.labels for i in gold_items}
    ids = [i.id for i in gold_items if i.id in cells.runs]
    boot, seed = suite.bootstrap, suite.seed
    scores = _scores(cells, ids)
    score_icc = m.icc(scores)
    edits = [_edit(i, cells) for i in result.items if i.edit is not None]
    judged = [e for e in edits if e["passed"] is not None]
    summary = {
        "items": len(ids),
        "alpha": _r(m.krippendorff_alpha(_pooled(cells, ids))),
        "alpha_ci": _boot(ids, lambda s: m.krippendorff_alpha(_pooled(cells, s)), boot, seed),
        "ac1": _r(m.gwet_ac1(_pooled(cells, ids))),
        "flip_rate": _r(m.flip_rate(_pooled(cells, ids))),
        "flip_rate_ci": _boot(ids, lambda s: m.flip_rate(_pooled(cells, s)), boot, seed),
        "splits": m.vote_splits(_pooled(cells, ids)),
        "model_units": len(_pooled(cells, ids, True)),
        "model_alpha": _r(m.krippendorff_alpha(_pooled(cells, ids, True))),
        "model_ac1": _r(m.gwet_ac1(_pooled(cells, ids, True))),
        "model_flip_rate": _r(m.flip_rate(_pooled(cells, ids, True))),
        "kappa": _r(_mean_kappa(cells, gold, ids)),
        "kappa_ci": _boot(ids, lambda s: _mean_kappa(cells, gold, s), boot, seed),
        "icc_single": _r(score_icc.single), "icc_average": _r(score_icc.average),
        "icc_single_ci": _boot(list(map(str, range(len(scores)))),
                               lambda s: m.icc([scores[int(i)] for i in s]).single, boot, seed),
        "icc_k": score_icc.k,
        "edit_pass": _r(sum(e["passed"] for e in judged) / len(judged)) if judged else None,
        "edits": len(judged),
        **_validity(records), **_cost(records),
    }
    return {
        "spec": spec, "summary": summary,
        "criteria": {c: _criterion(cells, gold, c, boot, seed) for c in cells.criteria},
        "edits": edits,
        "cells": {i.id: _item_cells(i, cells) for i in result.items},
        "errors": [{"item": r.item, "run": r.run, "error": r.error} for r in records if r.error],
    }


# --- between graders -----------------------------------------------------------------------------


def _between(graders: dict[str, dict[str, Any]], gold_ids: list[str]) -> dict[str, Any] | None:
    if len(graders) < 2:
        return None
    specs = list(graders)
    crits = sorted({c for g in graders.values() for c in g["criteria"]})

    def votes(spec: str, item: str, c: str) -> str | None:
        v = graders[spec]["cells"].get(item, {}).get(c, {}).get("majority")
        return None if v in (None, UNSCORED) else v

    per = {c: _r(m.krippendorff_alpha([[votes(s, i, c) for s in specs] for i in gold_ids]))
           for c in crits}
    pooled = [[votes(s, i, c) for s in specs] for i in gold_ids for c in crits]
    pairs = []
    for a_i, a in enumerate(specs):
        for b in specs[a_i + 1:]:
            pairs_ab = [(votes(a, i, c), votes(b, i, c)) for i in gold_ids for c in crits]
            both = [(x, y) for x, y in pairs_ab if x is not None and y is not None]
            k = m.cohen_kappa([x for x, _ in both], [y for _, y in both]) if both else None
            pairs.append({"a": a, "b": b, "kappa": _r(k), "n": len(both)})
    return {"alpha": _r(m.krippendorff_alpha(pooled)), "criteria": per, "pairs": pairs}


# --- gates and baseline --------------------------------------------------------------------------


def check_gates(report: dict[str, Any], gates: Gates) -> list[dict[str, Any]]:
    """One row per grader and gate; a gate whose metric is undefined is ``n/a`` (not failed),
    but a grader with no successful grade fails outright."""
    rows = []
    for spec, g in report["results"].items():
        s = g["summary"]
        if not s["grades"]:
            rows.append({"grader": spec, "gate": "grades", "value": 0, "threshold": 1,
                         "op": ">=", "passed": False})
        for gate, (metric, at_least) in GATES.items():
            value, threshold = s.get(metric), getattr(gates, gate)
            ok = None if value is None else (value >= threshold if at_least else value <= threshold)
            rows.append({"grader": spec, "gate": gate, "value": value, "threshold": threshold,
                         "op": ">=" if at_least else "<=", "passed": ok})
    return rows


def load_baseline(path: Path) -> dict[str, Any]:
    """A saved ``report.json`` to compare against."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a readable report.json ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise ValueError(f"{path}: results: missing (not a report.json from trainer eval run)")
    return data


def compare_baseline(report: dict[str, Any], baseline: dict[str, Any],
                     tolerance: float) -> list[dict[str, Any]]:
    """Summary metrics worse than the baseline's by more than ``tolerance``."""
    found = []
    for spec, g in report["results"].items():
        old = baseline["results"].get(spec)
        if old is None:
            continue
        for metric, higher in HIGHER_IS_BETTER.items():
            now, then = g["summary"].get(metric), old.get("summary", {}).get(metric)
            if now is None or then is None:
                continue
            worse = then - now if higher else now - then
            if worse > tolerance:
                found.append({"grader": spec, "metric": metric, "baseline": then, "value": now,
                              "worse_by": round(worse, 4)})
    return found


# --- the report ----------------------------------------------------------------------------------


def build_report(result: RunResult, baseline: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every measure of a run, its gates and (given a baseline report) its regressions."""
    suite = result.suite
    results = {g.spec: _grader(result, g.spec) for g in result.graders}
    gold_ids = [i.id for i in result.items if i.edit is None]
    report: dict[str, Any] = {
        "suite": suite.name, "started": result.started, "seconds": result.seconds,
        "folder": str(result.folder), "repeats": suite.repeats,
        "concurrency": suite.concurrency,
        "graders": [vars(g) for g in result.graders],
        "gold_items": gold_ids, "edit_items": [i.id for i in result.items if i.edit],
        "skipped_edits": list(result.skipped_edits),
        "gates_config": suite.gates.model_dump(),
        "results": results,
        "between_graders": _between(results, gold_ids),
    }
    report["gates"] = check_gates(report, suite.gates)
    report["regressions"] = (compare_baseline(report, baseline, suite.gates.regression)
                             if baseline is not None else [])
    report["passed"] = (all(g["passed"] is not False for g in report["gates"])
                        and not report["regressions"])
    return report


def write_report(report: dict[str, Any], folder: Path) -> dict[str, Path]:
    """Save ``report.json``, ``report.md`` and ``report.html`` into ``folder``."""
    from trainer.consistency.render import to_html, to_markdown

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "report.json", "md": folder / "report.md",
             "html": folder / "report.html"}
    paths["json"].write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    paths["md"].write_text(to_markdown(report))
    paths["html"].write_text(to_html(report))
    return paths


def evaluate(loaded: LoadedSuite, factory: GraderFactory, *, home: Path,
             options: RunOptions | None = None, baseline: Path | None = None,
             progress: Progress | None = None) -> tuple[dict[str, Any], dict[str, Path]]:
    """Run a suite, build its report (against a baseline if given) and write it."""
    old = load_baseline(baseline) if baseline is not None else None
    result = run_suite(loaded, factory, home=home, options=options, progress=progress)
    report = build_report(result, old)
    return report, write_report(report, result.folder)

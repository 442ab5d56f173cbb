"""Render a consistency report as Markdown and as one self-contained HTML page.

The HTML page shows, per grader, a heatmap of transcripts × criteria coloured by vote split
(green: unanimous and equal to the gold label, red: unanimous and wrong, amber: split, grey:
unscored); every cell opens the quotes and reasons of every run beside the gold label.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

__all__ = ["consistency_table", "to_html", "to_markdown"]

ABBREV = {"pass": "P", "fail": "F", "na": "NA", "unscored": "?", None: "·"}


def _f(x: Any, digits: int = 2) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _ci(value: Any, ci: Sequence[float] | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else f"{value:.2f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def _splits(splits: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in splits.items()) or "—"


def consistency_table(grader: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The per-criterion table: headers and rows of strings."""
    headers = ["criterion", "n", "α [95% CI]", "AC1", "flip rate", "vote splits",
               "κ vs gold [95% CI]", "fail P / R", "by model"]
    rows = []
    for cid, c in grader["criteria"].items():
        rows.append([cid, str(c["n"]), _ci(c["alpha"], c["alpha_ci"]), _f(c["ac1"]),
                     _pct(c["flip_rate"]), _splits(c["splits"]), _ci(c["kappa"], c["kappa_ci"]),
                     f"{_f(c['fail_precision'])} / {_f(c['fail_recall'])}",
                     _pct(c["model_share"])])
    return headers, rows


def _summary_rows(s: dict[str, Any]) -> list[list[str]]:
    return [
        ["Krippendorff's α (all verdicts)", _ci(s["alpha"], s["alpha_ci"])],
        ["Gwet's AC1 (all verdicts)", _f(s["ac1"])],
        ["flip rate (items × criteria not unanimous)", _pct(s["flip_rate"])],
        ["vote splits", _splits(s["splits"])],
        [f"model-judged units only ({s['model_units']}): α / AC1 / flip rate",
         f"{_f(s['model_alpha'])} / {_f(s['model_ac1'])} / {_pct(s['model_flip_rate'])}"],
        ["mean Cohen's κ vs gold", _ci(s["kappa"], s["kappa_ci"])],
        [f"total score ICC(A,1) / ICC(A,{s['icc_k']})",
         f"{_ci(s['icc_single'], s['icc_single_ci'])} / {_f(s['icc_average'])}"],
        ["edit tests passed", f"{_pct(s['edit_pass'])} of {s['edits']}"],
        ["schema-valid replies", f"{_pct(s['schema_valid'])} of {s['replies']}"],
        ["quote match", f"{_pct(s['quote_match'])} of {s['quoted_replies']}"],
        ["time per grade", f"{s['seconds_per_grade']:.1f} s"],
        ["tokens per grade (in / out)",
         f"{s['tokens_in_per_grade']:.0f} / {s['tokens_out_per_grade']:.0f}"],
        ["model calls per grade", _f(s["model_calls_per_grade"])],
        ["grades / errors / from cache", f"{s['grades']} / {s['errors']} / {s['cached']}"],
    ]


def _gate_rows(report: dict[str, Any]) -> list[list[str]]:
    mark = {True: "pass", False: "**FAIL**", None: "n/a"}
    return [[g["grader"], g["gate"], _f(g["value"], 3), f"{g['op']} {g['threshold']}",
             mark[g["passed"]]] for g in report["gates"]]


def _edit_rows(edits: list[dict[str, Any]]) -> list[list[str]]:
    mark = {True: "pass", False: "**FAIL**", None: "not graded"}
    rows = []
    for e in edits:
        want = f"{e['target']} → {e['expect']}" if e["target"] else "no change"
        split = set(e.get("split") or ())
        changed = ", ".join(f"{c}: {a}→{b}" + (" (runs split: not counted)" if c in split else "")
                            for c, (a, b) in e["changed"].items()) or "—"
        rows.append([e["id"], want, changed, mark[e["passed"]]])
    return rows


def _confusions(grader: dict[str, Any]) -> list[str]:
    out = []
    for cid, c in grader["criteria"].items():
        cells = [f"{g}→{p}: {n}" for g, row in sorted(c["confusion"].items())
                 for p, n in sorted(row.items())]
        out.append(f"- `{cid}`: " + ", ".join(cells))
    return [*out, ""]


def _md_grader(g: dict[str, Any]) -> list[str]:
    lines = [f"## Grader `{g['spec']}`", ""]
    lines += _md_table(["measure", "value"], _summary_rows(g["summary"]))
    lines += ["### Per criterion", ""]
    lines += _md_table(*consistency_table(g))
    lines += ["### Confusion (gold → majority verdict)", "", *_confusions(g)]
    if g["edits"]:
        lines += ["### Edit tests", ""]
        lines += _md_table(["edit", "must", "changed", "result"], _edit_rows(g["edits"]))
    if g["errors"]:
        lines += ["### Errors", ""]
        lines += [f"- {e['item']} run {e['run']}: {e['error']}" for e in g["errors"]] + [""]
    return lines


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    verdict = "PASSED" if report["passed"] else "FAILED"
    lines = [f"# Grading consistency: suite `{report['suite']}` — {verdict}", "",
             f"Started {report['started']}, {report['seconds']:.0f} s; "
             f"{len(report['gold_items'])} gold transcripts, {len(report['edit_items'])} edited "
             f"copies, {report['repeats']} runs each, concurrency {report['concurrency']}.", ""]
    for g in report["graders"]:
        lines.append(f"- `{g['spec']}`: model {g['model']}, rubric {g['rubric_version']}, "
                     f"prompt {g['prompt_version']}")
    lines += ["", "## Gates", ""]
    lines += _md_table(["grader", "gate", "value", "threshold", "result"], _gate_rows(report))
    if report["regressions"]:
        lines += ["## Regressions against the baseline", ""]
        lines += _md_table(["grader", "metric", "baseline", "now"],
                           [[r["grader"], r["metric"], _f(r["baseline"], 3), _f(r["value"], 3)]
                            for r in report["regressions"]])
    for g in report["results"].values():
        lines += _md_grader(g)
    between = report.get("between_graders")
    if between:
        lines += ["## Agreement between graders", "",
                  f"Krippendorff's α over every majority verdict: {_f(between['alpha'])}", ""]
        lines += _md_table(["grader A", "grader B", "κ", "n"],
                           [[p["a"], p["b"], _f(p["kappa"]), str(p["n"])] for p in between["pairs"]])
    return "\n".join(lines) + "\n"


# --- HTML ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.25em .5em;font-size:.85em;text-align:left;vertical-align:top}
table.heat td.c{width:2.6em;text-align:center;position:relative;padding:0}
table.heat th.v{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
td.c summary{cursor:pointer;list-style:none;padding:.3em .2em;font-weight:600}
td.c summary::-webkit-details-marker{display:none}
td.c details[open]>div{position:absolute;z-index:10;left:2.6em;top:0;width:30em;background:#fff;
 border:1px solid #888;box-shadow:2px 2px 8px #0003;padding:.5em;text-align:left;font-weight:400}
.ok{background:#b7e4b0}.wrong{background:#f4a4a4}.split1{background:#ffe08a}
.split2{background:#ffb347}.none{background:#ddd}.fail{color:#b00;font-weight:700}
.run{margin:.3em 0;padding-top:.3em;border-top:1px dotted #aaa}q{font-style:italic}
"""


def _h(x: Any) -> str:
    return html.escape(str(x))


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{_h(x)}</th>" for x in headers)
    body = "".join("<tr>" + "".join(f"<td>{_h(x)}</td>" for x in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell_class(cell: dict[str, Any]) -> str:
    runs = [r["verdict"] for r in cell["runs"]]
    if not runs or all(v is None for v in runs):
        return "none"
    distinct = {v or "unscored" for v in runs}
    if len(distinct) == 1:
        return "ok" if cell["majority"] == cell["gold"] else "wrong"
    top = max(runs.count(v) for v in set(runs))
    return "split1" if top / len(runs) > 0.5 else "split2"


def _run_html(run: dict[str, Any]) -> str:
    quotes = "".join(f"<div>turn {q['turn']}: <q>{_h(q['quote'])}</q></div>"
                     for q in run["evidence"]) or "<div>(no quote)</div>"
    return (f"<div class=run><b>run {run['run']}: {_h(run['verdict'] or 'unscored')}</b> "
            f"({_h(run['decided_by'] or '-')}) — {_h(run['reason'])}{quotes}</div>")


def _cell_html(cell: dict[str, Any]) -> str:
    label = ABBREV.get(cell["majority"], "?")
    if any(r["decided_by"] == "llm" for r in cell["runs"]):
        label += "*"  # the model judged it (the rest the detectors decided)
    split = cell["split"] or ""
    inner = (f"<div><b>gold: {_h(cell['gold'] or '—')}</b> · majority: "
             f"{_h(cell['majority'] or '—')} · split {_h(split)}"
             + "".join(_run_html(r) for r in cell["runs"]) + "</div>")
    return (f"<td class='c {_cell_class(cell)}' title='split {_h(split)}'><details>"
            f"<summary>{label}</summary>{inner}</details></td>")


def _heatmap(g: dict[str, Any]) -> str:
    crits = list(g["criteria"])
    head = "<tr><th>transcript</th>" + "".join(f"<th class=v>{_h(c)}</th>" for c in crits)
    rows = []
    for item, cells in g["cells"].items():
        tds = "".join(_cell_html(cells[c]) if c in cells else "<td class='c none'></td>"
                      for c in crits)
        rows.append(f"<tr><td>{_h(item)}</td>{tds}</tr>")
    return f"<table class=heat>{head}</tr>{''.join(rows)}</table>"


def _html_grader(g: dict[str, Any]) -> str:
    parts = [f"<h2>Grader <code>{_h(g['spec'])}</code></h2>",
             _html_table(["measure", "value"], _summary_rows(g["summary"])),
             "<h3>Per criterion</h3>", _html_table(*consistency_table(g)),
             "<h3>Transcripts × criteria</h3><p>Green: every run agrees with the gold label; "
             "red: every run agrees, against the gold label; amber: the runs split (darker: "
             "no clear majority); grey: unscored. * marks cells the model judged (the detectors "
             "decided the rest). Click a cell for every run's quotes.</p>",
             _heatmap(g)]
    if g["edits"]:
        parts += ["<h3>Edit tests</h3>",
                  _html_table(["edit", "must", "changed", "result"],
                              [[c.replace("**", "") for c in r] for r in _edit_rows(g["edits"])])]
    if g["errors"]:
        parts += ["<h3>Errors</h3><ul>"] + [
            f"<li>{_h(e['item'])} run {e['run']}: {_h(e['error'])}</li>" for e in g["errors"]
        ] + ["</ul>"]
    return "\n".join(parts)


def to_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page (inline CSS, no scripts, no fetches)."""
    verdict = "PASSED" if report["passed"] else "<span class=fail>FAILED</span>"
    gates = [[c.replace("**", "") for c in r] for r in _gate_rows(report)]
    body = [f"<h1>Grading consistency: suite <code>{_h(report['suite'])}</code> — {verdict}</h1>",
            f"<p>Started {_h(report['started'])}; {len(report['gold_items'])} gold transcripts, "
            f"{len(report['edit_items'])} edited copies, {report['repeats']} runs each.</p>",
            "<h2>Gates</h2>",
            _html_table(["grader", "gate", "value", "threshold", "result"], gates)]
    if report["regressions"]:
        body += ["<h2>Regressions against the baseline</h2>",
                 _html_table(["grader", "metric", "baseline", "now"],
                             [[r["grader"], r["metric"], _f(r["baseline"], 3), _f(r["value"], 3)]
                              for r in report["regressions"]])]
    body += [_html_grader(g) for g in report["results"].values()]
    between = report.get("between_graders")
    if between:
        body += [f"<h2>Agreement between graders</h2><p>Krippendorff's α over every majority "
                 f"verdict: {_f(between['alpha'])}</p>",
                 _html_table(["grader A", "grader B", "κ", "n"],
                             [[p["a"], p["b"], _f(p["kappa"]), str(p["n"])]
                              for p in between["pairs"]])]
    return ("<!doctype html><html><head><meta charset=utf-8><title>Grading consistency: "
            f"{_h(report['suite'])}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")

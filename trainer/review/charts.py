"""Inline SVG charts for the progress page: pass rate per criterion per week (a heat map, each
cell titled with its figures), first → best score per persona (a dumbbell), and the most-missed
tips (bars). Plain strings, escaped, no scripts: safe to inline in a page."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from trainer.review.evalruns import EvalRun
from trainer.review.progress import FirstBest, Missed, Rate

__all__ = ["first_best_chart", "missed_chart", "rate_heatmap", "trend_chart"]

FONT = 'font-family="sans-serif" font-size="11"'


def _colour(rate: float) -> str:
    """Red (0%) → amber → green (100%)."""
    hue = int(120 * max(0.0, min(1.0, rate)))
    return f"hsl({hue},65%,52%)"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
            f'class="chart">{"".join(body)}</svg>')


def rate_heatmap(series: dict[str, tuple[Rate, ...]], weeks: Sequence[str],
                 label: str = "pass rate per criterion per week") -> str:
    """Rows: criteria; columns: weeks; colour: pass rate; hover: passes / applicable."""
    if not series or not weeks:
        return "<p>(no graded sessions yet)</p>"
    cell, left, top = 22, 150, 60
    width, height = left + cell * len(weeks) + 50, top + cell * len(series) + 10
    body = [f'<rect width="{width}" height="{height}" fill="#fff"/>']
    for j, week in enumerate(weeks):
        x = left + j * cell + cell / 2
        body.append(f'<text {FONT} x="{x}" y="{top - 6}" transform="rotate(-60 {x} {top - 6})">'
                    f"{escape(week)}</text>")
    for i, (crit, rates) in enumerate(series.items()):
        y = top + i * cell
        body.append(f'<text {FONT} x="{left - 6}" y="{y + 15}" text-anchor="end">'
                    f"{escape(crit.replace('_', ' '))}</text>")
        by_week = {r.week: r for r in rates}
        for j, week in enumerate(weeks):
            r = by_week.get(week)
            if r is None or r.rate is None:
                continue
            body.append(f'<rect class="cell" x="{left + j * cell}" y="{y}" width="{cell - 2}" '
                        f'height="{cell - 2}" fill="{_colour(r.rate)}"><title>{escape(crit)} '
                        f"{escape(week)}: {r.passed}/{r.applicable} passed "
                        f"({100 * r.rate:.0f}%)</title></rect>")
    return _svg(width, height, label, body)


def first_best_chart(rows: Sequence[FirstBest], label: str = "first and best score per persona"
                     ) -> str:
    """One line per trainee × persona: a hollow dot at the first score, a filled one at the
    best, on a 0–100 axis."""
    if not rows:
        return "<p>(no scores yet)</p>"
    left, line, axis = 230, 20, 300
    width, height = left + axis + 90, 30 + line * len(rows)
    body = [f'<rect width="{width}" height="{height}" fill="#fff"/>',
            f'<text {FONT} x="{left}" y="14">0</text>',
            f'<text {FONT} x="{left + axis}" y="14" text-anchor="end">100</text>']
    for i, r in enumerate(rows):
        y = 30 + i * line
        first = left + axis * (r.first or 0) / 100
        best = left + axis * (r.best or 0) / 100
        body += [f'<text {FONT} x="{left - 8}" y="{y + 4}" text-anchor="end">'
                 f"{escape(r.trainee)} · {escape(r.persona)}</text>",
                 f'<line x1="{left}" x2="{left + axis}" y1="{y}" y2="{y}" stroke="#eee"/>',
                 f'<line x1="{first}" x2="{best}" y1="{y}" y2="{y}" stroke="#2e86c1" '
                 'stroke-width="3"/>',
                 f'<circle cx="{first}" cy="{y}" r="5" fill="#fff" stroke="#2e86c1">'
                 f"<title>first: {r.first:g}</title></circle>",
                 f'<circle cx="{best}" cy="{y}" r="5" fill="#2e86c1"><title>best: {r.best:g} '
                 f"after {r.sessions} session(s)</title></circle>",
                 f'<text {FONT} x="{left + axis + 8}" y="{y + 4}">{r.first:.0f} → {r.best:.0f}'
                 "</text>"]
    return _svg(width, height, label, body)


def missed_chart(rows: Sequence[Missed], label: str = "most-missed tips", top: int = 8) -> str:
    """Horizontal bars: how often each tip failed, longest first."""
    rows = list(rows)[:top]
    if not rows:
        return "<p>(nothing missed yet)</p>"
    left, line, axis = 150, 22, 300
    most = max(r.failed for r in rows)
    body = [f'<rect width="{left + axis + 90}" height="{10 + line * len(rows)}" fill="#fff"/>']
    for i, r in enumerate(rows):
        y = 6 + i * line
        w = axis * r.failed / most
        body += [f'<text {FONT} x="{left - 6}" y="{y + 13}" text-anchor="end">'
                 f"{escape(r.criterion.replace('_', ' '))}</text>",
                 f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{line - 6}" fill="#c0392b">'
                 f"<title>{r.failed} of {r.applicable} failed</title></rect>",
                 f'<text {FONT} x="{left + w + 6:.1f}" y="{y + 13}">{r.failed}/{r.applicable}'
                 "</text>"]
    return _svg(left + axis + 90, 10 + line * len(rows), label, body)


def trend_chart(runs: Sequence[EvalRun], label: str = "alpha, kappa and flip rate across eval runs"
                ) -> str:
    """α (blue), κ (purple) and flip rate (red) per run, oldest left, on a 0–1 axis, with the
    gates as dashed lines (α ≥ 0.8, κ ≥ 0.61, flip rate ≤ 0.05)."""
    runs = [r for r in runs if r.problem is None]
    if not runs:
        return "<p>(no eval runs yet: trainer eval run ci)</p>"
    width, height, pad = 560, 220, 34
    step = (width - 2 * pad) / max(1, len(runs) - 1)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * max(0.0, min(1.0, v))

    body = [f'<rect width="{width}" height="{height}" fill="#fff"/>']
    for gate, colour in ((0.8, "#2e86c1"), (0.61, "#8e44ad"), (0.05, "#c0392b")):
        body.append(f'<line x1="{pad}" x2="{width - pad}" y1="{y(gate):.1f}" y2="{y(gate):.1f}" '
                    f'stroke="{colour}" stroke-dasharray="4 4" stroke-opacity=".5"/>')
    for attr, colour in (("alpha", "#2e86c1"), ("kappa", "#8e44ad"), ("flip_rate", "#c0392b")):
        pts = [(pad + i * step, getattr(r, attr), r.name) for i, r in enumerate(runs)
               if getattr(r, attr) is not None]
        if len(pts) > 1:
            body.append(f'<polyline class="trend-{attr}" fill="none" stroke="{colour}" '
                        'stroke-width="2" points="' + " ".join(f"{x:.1f},{y(v):.1f}"
                                                               for x, v, _ in pts) + '"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"><title>'
                 f"{escape(name)}: {attr} {v:.3f}</title></circle>" for x, v, name in pts]
    body += [f'<text {FONT} x="4" y="{y(1) + 4:.1f}">1</text>',
             f'<text {FONT} x="4" y="{y(0) + 4:.1f}">0</text>',
             f'<text {FONT} x="{pad}" y="14" fill="#2e86c1">α</text>',
             f'<text {FONT} x="{pad + 20}" y="14" fill="#8e44ad">κ</text>',
             f'<text {FONT} x="{pad + 40}" y="14" fill="#c0392b">flip rate</text>']
    return _svg(width, height, label, body)

"""The debrief, written from the validated grade only (so prose can't contradict the verdicts):
what went well, the most important improvements at their exact moment with what to say instead,
the caller's mood over the call, the audio measures, and the persona to practise next."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trainer.config import Settings
from trainer.grading.records import CriterionGrade, Grade
from trainer.grading.rubric import Rubric, load_rubric
from trainer.transcript import Transcript

__all__ = [
    "Debrief",
    "Improvement",
    "MoodMark",
    "build_debrief",
    "summary",
    "to_html",
    "to_markdown",
    "write_debrief",
]


@dataclass(frozen=True)
class Improvement:
    criterion: str
    name: str
    turn: int | None
    quote: str
    why: str
    instead: str


@dataclass(frozen=True)
class MoodMark:
    """A trainee turn after which the caller's anger moved by ``change`` (+ raised, − lowered)."""

    turn: int
    change: float
    quote: str


@dataclass(frozen=True)
class Debrief:
    title: str
    score_line: str
    went_well: tuple[tuple[str, str], ...]  # (criterion name, evidence line)
    improvements: tuple[Improvement, ...]
    review: tuple[str, ...]  # unscored / split verdicts for a human
    mood: tuple[tuple[int, float, float], ...]  # (turn, anger, trust)
    marks: tuple[MoodMark, ...]
    audio: tuple[tuple[str, str], ...]
    practise_next: str
    audit: str


# --- building ------------------------------------------------------------------------------------


def _first_name(grade: Grade) -> str:
    return (grade.caller_name or "").split()[0] if grade.caller_name else ""


# The rubric's "instead" lines mark what depends on the call with <holes>; a debrief shows words
# a trainee could actually say, never the holes.
HOLES = {
    "their problem in your words": "this still isn't sorted out, and you've had to chase us for it",
    "option a": "I can send a replacement out this week",
    "option b": "I can refund you in full today",
    "what you control": "a call back with a clear update",
    "time": "five o'clock today",
    "action": "look into this myself",
}
_HOLE = re.compile(r"<([^<>]{1,60})>")


def _fill(match: re.Match[str]) -> str:
    return HOLES.get(match.group(1).strip().lower(), match.group(1))


def _instead(template: str, first: str) -> str:
    text = _HOLE.sub(_fill, template)
    if first:
        return text.replace("{name}", first)
    return text.replace(", {name}", "").replace(" {name}", "").replace("{name}", "")


def _order(grade: Grade, verdict: str) -> list[CriterionGrade]:
    focus = set(grade.score.focus)
    found = [g for g in grade.criteria.values() if g.verdict == verdict]
    return sorted(found, key=lambda g: (g.id not in focus, -g.weight))


def _moment(g: CriterionGrade, t: Transcript) -> tuple[int | None, str]:
    """Where the improvement belongs: the trainee's own words if quoted, else the trainee turn
    right after the caller's angriest moment (or their first reply)."""
    own = [q for q in g.evidence if q.speaker == "trainee"]
    if own:
        return own[0].turn, own[0].quote
    callers = [x for x in t.by("caller") if x.mood] or t.by("caller")[:1]
    peak = max(callers, key=lambda x: x.mood.anger if x.mood else 0, default=None)
    after = next((x for x in t.turns if x.speaker == "trainee" and peak is not None
                  and x.index > peak.index), None)
    after = after or next(iter(t.by("trainee")), None)
    return (after.index, after.text) if after else (None, "")


def _improvements(grade: Grade, t: Transcript, rubric: Rubric) -> tuple[Improvement, ...]:
    out = []
    first = _first_name(grade)
    for g in _order(grade, "fail")[:3]:
        turn, quote = _moment(g, t)
        c = rubric.get(g.id) if g.id in {c.id for c in rubric.criteria} else None
        out.append(Improvement(g.id, g.name, turn, quote, g.reason,
                               _instead(c.instead, first) if c else ""))
    return tuple(out)


def _mood(t: Transcript) -> tuple[tuple[tuple[int, float, float], ...], tuple[MoodMark, ...]]:
    points = tuple((x.index, x.mood.anger, x.mood.trust) for x in t.turns if x.mood)
    marks = []
    for x in t.by("trainee"):
        before = [p for p in points if p[0] < x.index]
        after = [p for p in points if p[0] > x.index]
        if before and after:
            change = after[0][1] - before[-1][1]
            if abs(change) >= 1:
                marks.append(MoodMark(x.index, change, x.text))
    return points, tuple(marks)


def _audio(grade: Grade, t: Transcript) -> tuple[tuple[str, str], ...]:
    """The audio measures, for calls where the trainee spoke (a typed call has none: its
    timings are typing, not talking)."""
    if not any(x.audio for x in t.by("trainee")):
        return ()
    a = grade.audio
    rows = []
    if a.get("talk_ratio") is not None:
        rows.append(("Talk ratio (you)", f"{100 * float(a['talk_ratio'] or 0):.0f}%"))
    if a.get("mean_gap") is not None:
        rows.append(("Response time", f"{a['mean_gap']} s on average"))
    if a.get("mean_wpm") is not None:
        rows.append(("Speaking rate", f"{a['mean_wpm']} words/min"))
    if a.get("mean_dbfs") is not None:
        rows.append(("Loudness", f"{a['mean_dbfs']} dBFS on average"))
    if a.get("max_rel_db") is not None:
        rows.append(("Loudest turn", f"{a['max_rel_db']:+} dB vs your usual level"))
    rows.append(("Talked over the caller", f"{a.get('overlaps', 0)} time(s)"))
    return tuple(rows)


def _practise_next(grade: Grade, personas: Sequence[tuple[str, str, Sequence[str]]]) -> str:
    failed = [g.id for g in _order(grade, "fail")]
    others = [p for p in personas if p[0] != grade.persona]
    for cid in failed:
        match = next((p for p in others if cid in p[2]), None)
        if match:
            return f"{match[1]} ({match[0]}): practises {cid.replace('_', ' ')}"
    if failed:
        return f"Repeat this call and focus on {failed[0].replace('_', ' ')}."
    return "A harder persona: every applicable tip passed."


def build_debrief(grade: Grade, t: Transcript, rubric: Rubric | None = None,
                  personas: Sequence[tuple[str, str, Sequence[str]]] = ()) -> Debrief:
    """The debrief from a validated grade. ``personas``: (id, name, tips) to suggest from."""
    rubric = (rubric or load_rubric()).for_persona(grade.persona)
    well = tuple((g.name, f'turn {g.evidence[0].turn}: "{g.evidence[0].quote}"'
                  if g.evidence else g.reason) for g in _order(grade, "pass")[:5])
    review = tuple(f"{g.name}: {g.reason}" for g in grade.criteria.values()
                   if g.verdict is None or g.split)
    mood, marks = _mood(t)
    s = grade.score
    total = "unscored" if s.total is None else f"{s.total:.0f}/100"
    return Debrief(
        title=f"Debrief: {grade.transcript_id}" + (f" ({grade.persona})" if grade.persona else ""),
        score_line=f"Score {total}: {'PASS' if s.passed else 'not yet'} (pass mark "
                   f"{s.pass_mark:.0f})",
        went_well=well, improvements=_improvements(grade, t, rubric), review=review,
        mood=mood, marks=marks, audio=_audio(grade, t),
        practise_next=_practise_next(grade, personas),
        audit=f"rubric {grade.rubric_version}, prompt {grade.prompt_version}, model "
              f"{grade.model}, {grade.repeats} repeat(s), graded {grade.graded_at}"
              + (f", reader {grade.reader}" if grade.reader else ""))


NO_AUDIO = "Typed call: no audio measures."

# --- rendering -----------------------------------------------------------------------------------


def _verdict_rows(grade: Grade) -> list[tuple[str, str, str]]:
    marks = {"pass": "✓ pass", "fail": "✗ fail", "na": "– n.a.", None: "? unscored"}
    focus = set(grade.score.focus)
    return [(g.name + (" ★" if g.id in focus else ""), marks[g.verdict], g.reason)
            for g in grade.criteria.values()]


def to_markdown(d: Debrief, grade: Grade) -> str:
    lines = [f"# {d.title}", "", f"**{d.score_line}**", "", "## What went well"]
    lines += [f"- **{name}** — {ev}" for name, ev in d.went_well] or ["- (nothing passed yet)"]
    lines += ["", "## Most important improvements"]
    for i in d.improvements:
        where = f"turn {i.turn}" if i.turn is not None else "the call"
        lines += [f"- **{i.name}** at {where}: “{i.quote}”", f"  - Why: {i.why}",
                  f"  - What you could have said instead: {i.instead}"]
    if not d.improvements:
        lines.append("- None: every applicable tip passed.")
    lines += ["", "## Every tip (★ = this persona's focus)", "", "| tip | verdict | reason |",
              "|---|---|---|"]
    lines += [f"| {n} | {v} | {r.replace('|', '/')} |" for n, v, r in _verdict_rows(grade)]
    if d.review:
        lines += ["", "## Needs a human review", *[f"- {r}" for r in d.review]]
    lines += ["", "## The caller's mood"]
    if d.mood:
        lines += [f"- turn {t}: anger {a:g}, trust {tr:g}" for t, a, tr in d.mood]
        lines += [f"- your turn {m.turn} {'raised' if m.change > 0 else 'lowered'} their anger "
                  f"by {abs(m.change):g}: “{m.quote}”" for m in d.marks]
    else:
        lines.append("- (no mood recorded in this transcript)")
    lines += ["", "## Audio", *([f"- {k}: {v}" for k, v in d.audio] or [f"- {NO_AUDIO}"])]
    lines += ["", "## Practise next", f"- {d.practise_next}", "", f"_{d.audit}_", ""]
    return "\n".join(lines)


def mood_svg(d: Debrief, width: int = 640, height: int = 220) -> str:
    """An inline SVG chart: anger (red) and trust (green) per turn, trainee turns that moved
    the anger marked (▲ raised, ▼ lowered)."""
    if not d.mood:
        return "<p>(no mood recorded)</p>"
    last = max(max(p[0] for p in d.mood), max((m.turn for m in d.marks), default=0), 1)
    pad = 30

    def xy(turn: float, level: float) -> tuple[float, float]:
        return (pad + (width - 2 * pad) * turn / last,
                height - pad - (height - 2 * pad) * level / 10)

    def line(idx: int, colour: str) -> str:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(p[0], p[idx]) for p in d.mood))
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>'

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="caller mood over the call">',
             f'<rect width="{width}" height="{height}" fill="#fafafa"/>',
             line(1, "#c0392b"), line(2, "#27ae60")]
    for m in d.marks:
        x, _ = xy(m.turn, 0)
        colour, sym = ("#c0392b", "▲") if m.change > 0 else ("#27ae60", "▼")
        parts.append(f'<text x="{x:.1f}" y="{pad - 8}" fill="{colour}" text-anchor="middle">'
                     f"{sym}<title>turn {m.turn}: {html.escape(m.quote)}</title></text>")
    parts.append(f'<text x="{pad}" y="{height - 8}" font-size="11">turn 0</text>'
                 f'<text x="{width - pad}" y="{height - 8}" font-size="11" '
                 f'text-anchor="end">turn {last}</text>'
                 f'<text x="{width - pad}" y="16" font-size="11" text-anchor="end" '
                 f'fill="#c0392b">anger</text><text x="{width - pad - 50}" y="16" '
                 f'font-size="11" text-anchor="end" fill="#27ae60">trust</text></svg>')
    return "".join(parts)


def to_html(d: Debrief, grade: Grade) -> str:
    e = html.escape
    well = "".join(f"<li><b>{e(n)}</b> — {e(v)}</li>" for n, v in d.went_well)
    imps = "".join(
        f"<li><b>{e(i.name)}</b> at turn {i.turn}: “{e(i.quote)}”<br>Why: {e(i.why)}<br>"
        f"<i>Instead:</i> {e(i.instead)}</li>" for i in d.improvements) or "<li>None.</li>"
    rows = "".join(f"<tr><td>{e(n)}</td><td>{e(v)}</td><td>{e(r)}</td></tr>"
                   for n, v, r in _verdict_rows(grade))
    audio = "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in d.audio) or (
        f"<tr><td>{e(NO_AUDIO)}</td></tr>")
    review = ("<h2>Needs a human review</h2><ul>" + "".join(f"<li>{e(r)}</li>" for r in d.review)
              + "</ul>") if d.review else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{e(d.title)}</title>"
            "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;color:#222}"
            "table{border-collapse:collapse}td{border:1px solid #ddd;padding:4px 8px}</style>"
            f"</head><body><h1>{e(d.title)}</h1><p><b>{e(d.score_line)}</b></p>"
            f"<h2>What went well</h2><ul>{well}</ul>"
            f"<h2>Most important improvements</h2><ul>{imps}</ul>"
            f"<h2>The caller's mood</h2>{mood_svg(d)}"
            f"<h2>Every tip (★ = focus)</h2><table>{rows}</table>{review}"
            f"<h2>Audio</h2><table>{audio}</table>"
            f"<h2>Practise next</h2><p>{e(d.practise_next)}</p>"
            f"<p><small>{e(d.audit)}</small></p></body></html>\n")


def _personas(settings: Settings) -> list[tuple[str, str, list[str]]]:
    from trainer.personas import list_personas

    return [(p.id, p.name, list(p.tips)) for p in list_personas(settings.persona_dirs())]


def write_debrief(folder: Path, grade: Grade, t: Transcript,
                  settings: Settings) -> tuple[Path, Path]:
    """Write ``debrief.md`` and ``debrief.html`` into the session folder."""
    d = build_debrief(grade, t, personas=_personas(settings))
    md, page = folder / "debrief.md", folder / "debrief.html"
    md.write_text(to_markdown(d, grade))
    page.write_text(to_html(d, grade))
    return md, page


def summary(grade: Grade) -> str:
    """The few lines printed when a call ends."""
    s = grade.score
    total = "unscored" if s.total is None else f"{s.total:.0f}/100"
    marks = {"pass": "✓", "fail": "✗", "na": "–", None: "?"}
    tips = "  ".join(f"{marks[g.verdict]} {g.id}" + ("★" if g.id in s.focus else "")
                     for g in grade.criteria.values())
    return (f"Score {total} — {'PASS' if s.passed else 'not yet'} (pass mark {s.pass_mark:.0f})"
            f"\n{tips}")

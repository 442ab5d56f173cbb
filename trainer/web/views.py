"""What the pages show, built from the library (personas, the grade, the debrief, the store's
progress figures): plain data for the templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from trainer.config import Settings
from trainer.db import SessionInfo, Store, Viewer
from trainer.grading.debrief import build_debrief, mood_svg
from trainer.grading.history import progress
from trainer.grading.pipeline import load_grade, load_session
from trainer.grading.rubric import load_rubric
from trainer.personas import list_personas

__all__ = ["debrief_view", "persona_cards", "progress_view"]


def persona_cards(settings: Settings) -> list[dict[str, Any]]:
    """Each persona: what it trains, how hard, how angry it starts."""
    names = {c.id: c.name for c in load_rubric().criteria}
    order = {"easy": 0, "medium": 1, "hard": 2}
    return [{"id": p.id, "name": p.name, "difficulty": p.difficulty, "summary": p.summary,
             "anger": p.temperament.anger, "company": p.situation.company,
             "tips": [names.get(t, t) for t in p.tips]}
            for p in sorted(list_personas(settings.persona_dirs()),
                            key=lambda p: (order.get(p.difficulty, 3), p.id))]


def debrief_view(store: Store, settings: Settings, info: SessionInfo,
                 folder: Path) -> dict[str, Any]:
    """The debrief page: score, every verdict with its quotes (each with where it starts in the
    call's recording), the mood chart, the audio measures, what to say instead, disputes."""
    from trainer.grading.debrief import _personas
    from trainer.voice.recording import call_timeline

    grade, t = load_grade(folder), load_session(folder)
    d = build_debrief(grade, t, personas=_personas(settings))
    has_call_audio = (folder / "audio" / "call.wav").is_file()
    at = call_timeline(t.turns, folder) if has_call_audio else {}
    focus = set(grade.score.focus)
    verdicts = [{
        "id": g.id, "name": g.name, "verdict": g.verdict or "unscored", "reason": g.reason,
        "focus": g.id in focus, "split": g.split,
        "quotes": [{"turn": q.turn, "quote": q.quote, "speaker": q.speaker, "at": at.get(q.turn)}
                   for q in g.evidence]}
        for g in grade.criteria.values()]
    improvements = [{"name": i.name, "turn": i.turn, "quote": i.quote, "why": i.why,
                     "instead": i.instead, "at": at.get(i.turn) if i.turn is not None else None}
                    for i in d.improvements]
    turns = [{"index": x.index, "speaker": x.speaker, "text": x.text or "(silence)",
              "at": at.get(x.index)} for x in t.turns]
    return {"grade": grade, "debrief": d, "verdicts": verdicts, "improvements": improvements,
            "turns": turns, "mood_svg": Markup(mood_svg(d)), "has_audio": has_call_audio,
            "criteria": [(g.id, g.name) for g in grade.criteria.values()],
            **reviewed(store, info, verdicts, improvements)}


def reviewed(store: Store, info: SessionInfo, verdicts: list[dict[str, Any]],
             improvements: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the trainers changed, for the trainee's debrief: each verdict gets ``final`` (the
    verdict in force) and ``override`` (who changed it, when, their note; None if nobody did) —
    the machine's ``verdict`` stays beside it —, the score after the review, and the disputes
    with who settled them."""
    from trainer.review import actions

    latest = actions.overrides_in_force(store.engine, [info.id])
    for v in verdicts:
        o = latest.get((info.id, v["id"]))
        v["final"] = o.verdict if o else v["verdict"]
        v["override"] = None if o is None else {
            "verdict": o.verdict, "note": o.note, "author": o.author, "at": o.at,
            "dispute": o.dispute_id}
    passed = {v["name"] for v in verdicts if v["override"] and v["final"] != "fail"}
    if improvements is not None:  # a tip the trainer passed is no longer one to improve
        improvements[:] = [i for i in improvements if i["name"] not in passed]
    final = actions.final_scores(store.engine, [info.id]).get(info.id) if latest else None
    settled = actions.decisions(store.engine, [info.id])
    disputes = [{"d": d, "by": settled[str(d.id)].author if str(d.id) in settled else None}
                for d in store.disputes([info.id])]
    return {"disputes": disputes, "final_score": final, "overridden": len(latest)}


def progress_view(store: Store, viewer: Viewer) -> dict[str, Any]:
    """The viewer's own calls (newest first) and their progress per criterion."""
    from trainer.review import actions

    mine = store.sessions(viewer, owner=viewer.user.name)
    graded = [s for s in mine if s.graded_at]
    changed = actions.overrides_in_force(store.engine, [s.id for s in graded])
    h = progress(store, graded, viewer.user.name, {k: o.verdict for k, o in changed.items()})
    finals = actions.final_scores(store.engine, sorted({sid for sid, _c in changed}))
    names = {c.id: c.name for c in load_rubric().criteria}
    return {"sessions": mine, "history": h, "names": names, "finals": finals,
            "overrides": sorted(changed.values(), key=lambda o: o.at, reverse=True),
            "scores": [(s.id, finals.get(s.id, s.score))
                       for s in sorted(graded, key=lambda s: s.graded_at or "")]}

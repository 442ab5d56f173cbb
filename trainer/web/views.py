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
            "disputes": store.disputes([info.id]),
            "criteria": [(g.id, g.name) for g in grade.criteria.values()]}


def progress_view(store: Store, viewer: Viewer) -> dict[str, Any]:
    """The viewer's own calls (newest first) and their progress per criterion."""
    mine = store.sessions(viewer, owner=viewer.user.name)
    graded = [s for s in mine if s.graded_at]
    h = progress(store, graded, viewer.user.name)
    names = {c.id: c.name for c in load_rubric().criteria}
    return {"sessions": mine, "history": h, "names": names,
            "scores": [(s.id, s.score) for s in sorted(graded, key=lambda s: s.graded_at or "")]}

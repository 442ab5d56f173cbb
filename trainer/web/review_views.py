"""What the trainers' pages show, built from the library (`trainer.review`, the store, the
grade and debrief): plain data for the templates, scoped to the trainer's teams."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from markupsafe import Markup

from trainer.config import Settings
from trainer.db import SessionInfo, Store, Viewer, can_view_session, is_admin
from trainer.grading.rubric import load_rubric
from trainer.personas import PersonaError, check_files, list_personas, persona_file
from trainer.review import actions, assignments, authoring
from trainer.review.charts import first_best_chart, missed_chart, rate_heatmap
from trainer.review.evalruns import EvalRun
from trainer.review.index import sync_store
from trainer.review.progress import progress

__all__ = ["Chosen", "assignments_view", "chosen", "dispute_queue", "overview", "persona_editor",
           "persona_library", "progress_page", "refresh", "review", "scope", "team_sessions",
           "trust"]


def refresh(store: Store) -> None:
    """Bring the review index up to date with the store (only changed sessions are re-read)."""
    sync_store(store)


def scope(store: Store, viewer: Viewer) -> tuple[dict[str, list[str]], set[str]]:
    """The teams this viewer trains (admin: all) with their trainees, and those trainees."""
    teams = {name: members for name, members, trainers in store.teams()
             if is_admin(viewer) or viewer.user.name in trainers}
    trainees = {m for members in teams.values() for m in members}
    if is_admin(viewer):
        trainees |= {u.name for u in store.users() if u.role == "trainee"}
    return teams, trainees


def overview(store: Store, viewer: Viewer) -> dict[str, Any]:
    teams, trainees = scope(store, viewer)
    open_disputes = [d for d in store.disputes(status="open")
                     if (s := store.session(d.session_id)) and can_view_session(viewer, s)
                     and s.owner_id != viewer.id]
    return {"teams": teams, "trainees": sorted(trainees), "open_disputes": len(open_disputes)}


# --- personas ------------------------------------------------------------------------------------


def persona_library(settings: Settings) -> dict[str, Any]:
    names = {c.id: c.name for c in load_rubric().criteria}
    personas = [{"id": p.id, "name": p.name, "difficulty": p.difficulty, "summary": p.summary,
                 "anger": p.temperament.anger, "tips": [names.get(t, t) for t in p.tips],
                 "checks": len(p.checks)} for p in list_personas(settings.persona_dirs())]
    files = [f for d in settings.persona_dirs() if d.is_dir() for f in sorted(d.glob("*.yaml"))]
    drafts = sorted(p.stem for p in (settings.home / "personas" / ".drafts").glob("*.yaml"))
    return {"personas": sorted(personas, key=lambda p: p["id"]), "problems": check_files(files),
            "drafts": drafts}


def persona_editor(settings: Settings, persona_id: str, *, text: str | None = None,
                   errors: list[str] | None = None, checks: list[Any] | None = None
                   ) -> dict[str, Any]:
    """The editor: the kept draft if an invalid save left one, else the file's text."""
    try:
        path = persona_file(persona_id, settings.persona_dirs())
        draft = authoring.draft_text(persona_id, settings)
    except PersonaError as exc:
        raise HTTPException(404, str(exc)) from None
    if text is None:
        text = draft if draft is not None else path.read_text() if path else None
    if text is None:
        raise HTTPException(404, f"no persona '{persona_id}'")
    if errors is None:
        errors = authoring.validate_text(persona_id, text)
    return {"persona_id": persona_id, "text": text, "errors": errors, "checks": checks,
            "has_draft": draft is not None or bool(errors), "exists": path is not None}


# --- sessions ------------------------------------------------------------------------------------


def team_sessions(store: Store, viewer: Viewer, trainee: str | None) -> dict[str, Any]:
    _teams, trainees = scope(store, viewer)
    if trainee is not None and trainee not in trainees:
        raise HTTPException(404, "no such trainee")
    sessions = [s for s in store.sessions(viewer, owner=trainee, limit=200)
                if s.owner in trainees or is_admin(viewer)]
    return {"sessions": sessions, "trainee": trainee, "trainees": sorted(trainees)}


def _comments(store: Store, info: SessionInfo) -> list[dict[str, Any]]:
    return [{"seconds": c.seconds, "clock": _clock(c.seconds), "text": c.text,
             "author": c.author, "at": c.at} for c in actions.list_comments(store.engine, info.id)]


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def review(store: Store, settings: Settings, info: SessionInfo) -> dict[str, Any]:
    """The review page: the debrief's material (verdicts with evidence and its moment, turns with
    their moment, mood, audio measures) plus overrides, comments and the session's etag."""
    from trainer.web.views import debrief_view

    folder = store.folder(info)
    etag = actions.session_etag(store.engine, folder)
    base: dict[str, Any] = {"session": info, "etag": etag, "comments": _comments(store, info),
                            "graded": (folder / "grade.json").exists()}
    if not base["graded"]:
        return {**base, "verdicts": [], "turns": _turns_only(folder), "has_audio": False}
    view = debrief_view(store, settings, info, folder)  # verdicts carry their overrides
    return {**base, **view, "persona_hash": info.persona_hash,
            "disputes": store.disputes([info.id])}


def _turns_only(folder: Path) -> list[dict[str, Any]]:
    from trainer.grading.pipeline import load_session

    return [{"index": t.index, "speaker": t.speaker, "text": t.text, "at": None}
            for t in load_session(folder).turns]


# --- disputes ------------------------------------------------------------------------------------


def dispute_queue(store: Store, viewer: Viewer) -> dict[str, Any]:
    """Open disputes of the trainer's teams with the verdict, its evidence and the reason."""
    from trainer.grading.pipeline import load_grade

    items = []
    for d in store.disputes(status="open"):
        info = store.session(d.session_id)
        if info is None or not can_view_session(viewer, info) or info.owner_id == viewer.id:
            continue
        folder = store.folder(info)
        try:
            g = load_grade(folder).criteria.get(d.criterion)
        except ValueError:
            g = None
        items.append({"dispute": d, "session": info, "etag": actions.session_etag(
            store.engine, folder), "reason": g.reason if g else "",
            "name": g.name if g else d.criterion,
            "evidence": [q.quote for q in g.evidence] if g else []})
    settled = [d for d in store.disputes() if d.status != "open"
               and (s := store.session(d.session_id)) and can_view_session(viewer, s)]
    return {"items": items, "settled": settled[-20:]}


# --- assignments ---------------------------------------------------------------------------------


def assignments_view(store: Store, settings: Settings, viewer: Viewer) -> dict[str, Any]:
    refresh(store)
    teams, trainees = scope(store, viewer)
    items = assignments.assignments_for(store.engine, trainees=sorted(trainees),
                                        teams=sorted(teams))
    return {"rows": assignments.status(store.engine, items, teams), "teams": sorted(teams),
            "trainees": sorted(trainees),
            "personas": sorted(p.id for p in list_personas(settings.persona_dirs()))}


def trainee_assignments(store: Store, viewer: Viewer) -> list[assignments.AssignmentStatus]:
    """A trainee's own assignments (theirs and their teams'), done or not: for their home."""
    refresh(store)
    mine = [name for name, members, _t in store.teams() if viewer.user.name in members]
    items = assignments.assignments_for(store.engine, trainees=[viewer.user.name], teams=mine)
    rows = assignments.status(store.engine, items, {t: [viewer.user.name] for t in mine})
    return [r for r in rows if r.trainee == viewer.user.name]


# --- progress ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    label: str
    trainees: list[str]
    team: str | None
    trainee: str | None


def chosen(store: Store, viewer: Viewer, team: str | None, trainee: str | None) -> Chosen:
    """The team or trainee asked for, if the viewer trains them (else 404); default: all of
    the viewer's trainees."""
    teams, trainees = scope(store, viewer)
    if trainee is not None:
        if trainee not in trainees:
            raise HTTPException(404, "no such trainee")
        return Chosen(trainee, [trainee], None, trainee)
    if team is not None:
        if team not in teams:
            raise HTTPException(404, "no such team")
        return Chosen(team, list(teams[team]), team, None)
    return Chosen("all my trainees", sorted(trainees), None, None)


def progress_page(store: Store, viewer: Viewer, who: Chosen) -> dict[str, Any]:
    refresh(store)
    teams, trainees = scope(store, viewer)
    p = progress(store.engine, who.trainees, per_trainee=who.trainee is not None)
    series = p.by_trainee.get(who.trainee, {}) if who.trainee else p.team
    names = {c.id: c.name for c in load_rubric().criteria}
    return {"who": who, "p": p, "teams": sorted(teams), "trainees": sorted(trainees),
            "names": names,
            "heatmap": Markup(rate_heatmap(series, p.weeks)),
            "first_best": Markup(first_best_chart(p.first_best)),
            "missed": Markup(missed_chart(p.most_missed))}


def trust(runs: list[EvalRun]) -> dict[str, Any]:
    from trainer.review.charts import trend_chart

    return {"runs": list(reversed(runs)), "trend": Markup(trend_chart(runs))}

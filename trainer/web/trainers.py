"""The trainers' pages: persona library and editor, session review (recording beside the
transcript, comments, overrides), the disputes queue, assignments, team progress with charts and
CSV, grading trust (eval runs), and the admin's users and teams.

Every route asks `_trainer` (or `_admin`) who is calling: not signed in → the sign-in page (or
401), a trainee → 403. Sessions go through the store's access rule (`can_view_session`: a
trainer sees their teams' trainees, an admin everyone; anything else answers 404, so nothing
leaks, not even whether it exists); teams and trainees named in a query must be the trainer's
own. Writes carry the CSRF token and the session's etag: a stale page gets 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from trainer.db import SessionInfo, StoreError, Viewer, can_settle_dispute, is_admin, is_trainer
from trainer.personas import PersonaError, find_persona
from trainer.review import actions, assignments, authoring
from trainer.review.evalruns import list_runs, report_html
from trainer.review.progress import progress_csv
from trainer.web import review_views as views

__all__ = ["register"]


class _Ctx:
    """The app's helpers this module needs (from `trainer.web.app`)."""

    def __init__(self, web: Any) -> None:
        from trainer.web import app as core

        self.web, self.core = web, core

    def viewer(self, request: Request) -> tuple[Viewer, str]:
        viewer, csrf = self.core._page_viewer(self.web, request)
        if not is_trainer(viewer):
            raise HTTPException(403, "trainers only")
        return viewer, csrf

    def api(self, request: Request) -> Viewer:
        viewer = self.core._api_viewer(self.web, request)
        if not is_trainer(viewer):
            raise HTTPException(403, "trainers only")
        return viewer

    def form(self, request: Request, csrf: str) -> Viewer:
        viewer = self.core._form_viewer(self.web, request, csrf)
        if not is_trainer(viewer):
            raise HTTPException(403, "trainers only")
        return viewer

    def admin(self, request: Request, csrf: str | None = None) -> tuple[Viewer, str]:
        if csrf is None:
            viewer, token = self.core._page_viewer(self.web, request)
        else:
            viewer, token = self.core._form_viewer(self.web, request, csrf), csrf
        if not is_admin(viewer):
            raise HTTPException(403, "admins only")
        return viewer, token

    def session(self, viewer: Viewer, session_id: str) -> SessionInfo:
        info: SessionInfo = self.core._session_for(self.web, viewer, session_id)
        return info

    def render(self, request: Request, name: str, viewer: Viewer, csrf: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        page: HTMLResponse = self.core._render(self.web, request, name, viewer, csrf, **context)
        page.status_code = status
        return page


def _reviewed(write: Callable[[], object]) -> None:
    """Run a review write: a session that changed since the page was loaded → 409, bad input
    (or a dispute already settled) → 400, each with its one line."""
    try:
        write()
    except actions.Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    except actions.ReviewError as exc:
        raise HTTPException(400, str(exc)) from None


def register(app: FastAPI, web: Any) -> None:
    """Add the trainers' and the admin's routes to the app."""
    ctx = _Ctx(web)
    _persona_routes(app, ctx)
    _review_routes(app, ctx)
    _dispute_routes(app, ctx)
    _assignment_routes(app, ctx)
    _progress_routes(app, ctx)
    _admin_routes(app, ctx)


# --- personas ------------------------------------------------------------------------------------


def _persona_routes(app: FastAPI, ctx: _Ctx) -> None:
    settings = ctx.web.settings

    @app.get("/trainers", response_class=HTMLResponse)
    def overview(request: Request) -> Response:
        viewer, csrf = ctx.viewer(request)
        return ctx.render(request, "trainers/overview.html", viewer, csrf,
                          **views.overview(ctx.web.store, viewer))

    @app.get("/trainers/personas", response_class=HTMLResponse)
    def persona_library(request: Request) -> Response:
        viewer, csrf = ctx.viewer(request)
        return ctx.render(request, "trainers/personas.html", viewer, csrf,
                          **views.persona_library(settings))

    @app.post("/trainers/personas/new")
    def persona_new(request: Request, persona_id: str = Form(""), csrf: str = Form("")) -> Response:
        ctx.form(request, csrf)
        try:
            authoring.create_draft(persona_id.strip(), settings)
        except PersonaError as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse(f"/trainers/personas/{persona_id.strip()}", status_code=303)

    @app.get("/trainers/personas/{persona_id}", response_class=HTMLResponse)
    def persona_edit(request: Request, persona_id: str) -> Response:
        viewer, csrf = ctx.viewer(request)
        return ctx.render(request, "trainers/persona_edit.html", viewer, csrf,
                          **views.persona_editor(settings, persona_id))

    @app.post("/trainers/personas/{persona_id}", response_class=HTMLResponse)
    def persona_save(request: Request, persona_id: str, text: str = Form(""),
                     csrf: str = Form("")) -> Response:
        viewer = ctx.form(request, csrf)
        try:
            result = authoring.save_persona(persona_id, text, settings)
        except PersonaError as exc:
            raise HTTPException(400, str(exc)) from None
        if result.saved:
            return RedirectResponse(f"/trainers/personas/{persona_id}?saved=1", status_code=303)
        return ctx.render(request, "trainers/persona_edit.html", viewer, csrf, status=422,
                          **views.persona_editor(settings, persona_id, text=text,
                                                 errors=list(result.errors)))

    @app.post("/trainers/personas/{persona_id}/validate")
    def persona_validate(request: Request, persona_id: str, text: str = Form(""),
                         csrf: str = Form("")) -> JSONResponse:
        ctx.form(request, csrf)
        return JSONResponse({"errors": authoring.validate_text(persona_id, text)})

    @app.post("/trainers/personas/{persona_id}/checks", response_class=HTMLResponse)
    def persona_checks(request: Request, persona_id: str, csrf: str = Form("")) -> Response:
        viewer = ctx.form(request, csrf)
        try:
            persona = find_persona(persona_id, settings.persona_dirs())
            rows = authoring.run_persona_checks(persona, settings)
        except PersonaError as exc:
            return ctx.render(request, "trainers/persona_edit.html", viewer, csrf, status=422,
                              **views.persona_editor(settings, persona_id,
                                                     errors=str(exc).splitlines()))
        return ctx.render(request, "trainers/persona_edit.html", viewer, csrf,
                          **views.persona_editor(settings, persona_id, checks=rows))


# --- session review ------------------------------------------------------------------------------


def _review_routes(app: FastAPI, ctx: _Ctx) -> None:
    web = ctx.web

    @app.get("/trainers/sessions", response_class=HTMLResponse)
    def team_sessions(request: Request, trainee: str = "") -> Response:
        viewer, csrf = ctx.viewer(request)
        return ctx.render(request, "trainers/sessions.html", viewer, csrf,
                          **views.team_sessions(web.store, viewer, trainee or None))

    @app.get("/trainers/sessions/{session_id}", response_class=HTMLResponse)
    def review(request: Request, session_id: str, error: str = "") -> Response:
        viewer, csrf = ctx.viewer(request)
        info = ctx.session(viewer, session_id)
        return ctx.render(request, "trainers/review.html", viewer, csrf, error=error,
                          **views.review(web.store, web.settings, info))

    def _write(request: Request, session_id: str, csrf: str, do: Any) -> Response:
        viewer = ctx.form(request, csrf)
        info = ctx.session(viewer, session_id)
        folder = web.store.folder(info)
        _reviewed(lambda: do(viewer, folder))
        return RedirectResponse(f"/trainers/sessions/{info.id}#review", status_code=303)

    @app.post("/trainers/sessions/{session_id}/override")
    def override(request: Request, session_id: str, criterion: str = Form(""),
                 verdict: str = Form(""), note: str = Form(""), etag: str = Form(""),
                 csrf: str = Form("")) -> Response:
        return _write(request, session_id, csrf, lambda v, folder: actions.add_override(
            web.store.engine, folder, criterion, verdict, note, v.user.name, etag))

    @app.post("/trainers/sessions/{session_id}/comments")
    def comment(request: Request, session_id: str, seconds: float = Form(0.0),
                text: str = Form(""), etag: str = Form(""), csrf: str = Form("")) -> Response:
        return _write(request, session_id, csrf, lambda v, folder: actions.add_comment(
            web.store.engine, folder, seconds, text, v.user.name, etag))


# --- disputes ------------------------------------------------------------------------------------


def _dispute_routes(app: FastAPI, ctx: _Ctx) -> None:
    web = ctx.web

    @app.get("/trainers/disputes", response_class=HTMLResponse)
    def queue(request: Request) -> Response:
        viewer, csrf = ctx.viewer(request)
        return ctx.render(request, "trainers/disputes.html", viewer, csrf,
                          **views.dispute_queue(web.store, viewer))

    @app.post("/trainers/disputes/{dispute_id}")
    def settle(request: Request, dispute_id: int, decision: str = Form(""),
               reply: str = Form(""), verdict: str = Form(""), etag: str = Form(""),
               csrf: str = Form("")) -> Response:
        viewer = ctx.form(request, csrf)
        found = next((d for d in web.store.disputes() if d.id == dispute_id), None)
        info = web.store.session(found.session_id) if found else None
        if found is None or info is None or not can_settle_dispute(viewer, info, found):
            raise HTTPException(404, "no such dispute")
        if decision not in ("accept", "reject"):
            raise HTTPException(400, "decision: accept or reject")
        ref = actions.DisputeRef(str(found.id), found.session_id, found.criterion, found.verdict)
        _reviewed(lambda: actions.decide_dispute(
            web.store.engine, web.store.folder(info), ref, accept=decision == "accept",
            reply=reply, author=viewer.user.name, seen=etag, verdict=verdict or None,
            resolver=viewer.id))
        return RedirectResponse("/trainers/disputes", status_code=303)


# --- assignments ---------------------------------------------------------------------------------


def _assignment_routes(app: FastAPI, ctx: _Ctx) -> None:
    web = ctx.web

    @app.get("/trainers/assignments", response_class=HTMLResponse)
    def assignment_page(request: Request) -> Response:
        viewer, csrf = ctx.viewer(request)
        return ctx.render(request, "trainers/assignments.html", viewer, csrf,
                          **views.assignments_view(web.store, web.settings, viewer))

    @app.post("/trainers/assignments")
    def assign(request: Request, persona: str = Form(""), target: str = Form(""),
               pass_mark: float = Form(70.0), due: str = Form(""),
               csrf: str = Form("")) -> Response:
        viewer = ctx.form(request, csrf)
        kind, _, name = target.partition(":")
        teams, trainees = views.scope(web.store, viewer)
        if (kind == "team" and name not in teams) or (kind == "trainee" and name not in trainees) \
                or kind not in ("team", "trainee"):
            raise HTTPException(404, "no such trainee or team")
        try:
            find_persona(persona, web.settings.persona_dirs())
            assignments.assign(web.store.engine, persona, author=viewer.user.name,
                               pass_mark=pass_mark, due=due or None,
                               **{kind: name})
        except (PersonaError, actions.ReviewError) as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse("/trainers/assignments", status_code=303)


# --- progress and trust --------------------------------------------------------------------------


def _progress_routes(app: FastAPI, ctx: _Ctx) -> None:
    web = ctx.web

    @app.get("/trainers/progress", response_class=HTMLResponse)
    def team_progress(request: Request, team: str = "", trainee: str = "") -> Response:
        viewer, csrf = ctx.viewer(request)
        who = views.chosen(web.store, viewer, team or None, trainee or None)
        return ctx.render(request, "trainers/progress.html", viewer, csrf,
                          **views.progress_page(web.store, viewer, who))

    @app.get("/trainers/progress.csv")
    def team_csv(request: Request, team: str = "", trainee: str = "") -> Response:
        viewer = ctx.api(request)
        who = views.chosen(web.store, viewer, team or None, trainee or None)
        views.refresh(web.store)
        name = (who.label or "progress").replace(" ", "-")
        return Response(progress_csv(web.store.engine, who.trainees), media_type="text/csv",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})

    @app.get("/trainers/trust", response_class=HTMLResponse)
    def trust(request: Request) -> Response:
        viewer, csrf = ctx.viewer(request)
        return ctx.render(request, "trainers/trust.html", viewer, csrf,
                          **views.trust(list_runs(web.settings.home)))

    @app.get("/trainers/trust/{run}/report.html")
    def trust_report(request: Request, run: str) -> Response:
        ctx.api(request)
        try:
            path = report_html(web.settings.home, run)
        except ValueError:
            raise HTTPException(404, "no such report") from None
        return FileResponse(path, media_type="text/html")


# --- admin ---------------------------------------------------------------------------------------


def _admin_routes(app: FastAPI, ctx: _Ctx) -> None:
    web = ctx.web

    @app.get("/admin", response_class=HTMLResponse)
    def admin_page(request: Request, error: str = "") -> Response:
        viewer, csrf = ctx.admin(request)
        return ctx.render(request, "trainers/admin.html", viewer, csrf, error=error,
                          users=web.store.users(), teams=web.store.teams())

    def _done(do: Any) -> Response:
        try:
            do()
        except StoreError as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse("/admin", status_code=303)

    @app.post("/admin/users")
    def add_user(request: Request, name: str = Form(""), role: str = Form("trainee"),
                 password: str = Form(""), csrf: str = Form("")) -> Response:
        ctx.admin(request, csrf)
        if len(password) < 8:
            raise HTTPException(400, "password: at least 8 characters")
        return _done(lambda: web.store.add_user(name, role, password))

    @app.post("/admin/users/{name}/role")
    def set_role(request: Request, name: str, role: str = Form(""),
                 csrf: str = Form("")) -> Response:
        ctx.admin(request, csrf)
        return _done(lambda: web.store.set_role(name, role))

    @app.post("/admin/teams")
    def add_team(request: Request, name: str = Form(""), csrf: str = Form("")) -> Response:
        ctx.admin(request, csrf)
        return _done(lambda: web.store.add_team(name))

    @app.post("/admin/teams/{team}/members")
    def add_member(request: Request, team: str, user: str = Form(""),
                   as_trainer: str = Form(""), csrf: str = Form("")) -> Response:
        ctx.admin(request, csrf)
        return _done(lambda: web.store.add_to_team(team, user, as_trainer=bool(as_trainer)))

"""The trainee's web app: sign in, pick a persona, check the microphone, talk to the caller over
one WebSocket, read the debrief, follow progress, disagree with a verdict.

Every route that shows a session goes through `_session_for` (the store's access rules:
`trainer.db.access`); another trainee's session answers 404 whatever the reason, so nothing
leaks, not even whether it exists."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Form, HTTPException, Request, WebSocket
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from trainer.config import Settings
from trainer.db import SessionInfo, Store, Viewer, can_dispute, can_view_session, open_store
from trainer.web.auth import COOKIE, LOGIN_CSRF, Cookies, load_secret, same_token
from trainer.web.calls import CallManager, default_max_calls
from trainer.web.live import CallRuntime, SharedTranscriber
from trainer.web.views import debrief_view, persona_cards, progress_view

__all__ = ["create_app"]

HERE = Path(__file__).parent
AUDIO_NAME = re.compile(r"^(call|\d{3}-(caller|trainee))\.wav$")


@dataclass
class Web:
    settings: Settings
    store: Store
    cookies: Cookies
    calls: CallManager
    templates: Jinja2Templates


class SignInRequired(Exception):
    """An HTML page without a valid cookie: redirect to the sign-in page."""


def create_app(settings: Settings, *, transcriber: Any = None,
               practise: Callable[..., Any] | None = None) -> FastAPI:
    """The app for these settings. ``transcriber`` and ``practise`` are seams for tests (a
    scripted recogniser, a call loop with scripted models); by default the configured
    recogniser and `trainer.practice.practise`, exactly as the terminal's ``trainer call``."""
    from trainer.practice import practise as real_practise
    from trainer.voice.factory import build_transcriber

    store = open_store(settings)
    if transcriber is None:
        transcriber = SharedTranscriber(lambda: build_transcriber(settings))
        transcriber.warm()
    runtime = CallRuntime(settings, transcriber, practise or real_practise)
    web = Web(settings, store, Cookies(load_secret(settings.home)),
              CallManager(settings, store, runtime, default_max_calls(settings)),
              Jinja2Templates(directory=str(HERE / "templates")))
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        web.calls.close()  # end live calls (their turns are saved), finish grading

    app = FastAPI(title="trainer", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.web = web
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(SignInRequired, _to_sign_in)  # type: ignore[arg-type]
    _pages(app, web)
    _session_routes(app, web)
    _socket(app, web)
    from trainer.web.trainers import register as trainer_pages

    trainer_pages(app, web)
    return app


async def _to_sign_in(request: Request, _exc: SignInRequired) -> Response:
    return RedirectResponse("/login", status_code=303)


# --- who is asking -------------------------------------------------------------------------------


def _viewer(web: Web, request: Request) -> tuple[Viewer, str] | None:
    signed = web.cookies.read(request.cookies.get(COOKIE))
    if signed is None:
        return None
    viewer = web.store.viewer(signed.user_id)
    return (viewer, signed.csrf) if viewer is not None else None


def _page_viewer(web: Web, request: Request) -> tuple[Viewer, str]:
    found = _viewer(web, request)
    if found is None:
        raise SignInRequired
    return found


def _api_viewer(web: Web, request: Request) -> Viewer:
    found = _viewer(web, request)
    if found is None:
        raise HTTPException(401, "sign in first")
    return found[0]


def _form_viewer(web: Web, request: Request, csrf: str) -> Viewer:
    found = _viewer(web, request)
    if found is None:
        raise HTTPException(401, "sign in first")
    if not same_token(csrf, found[1]):
        raise HTTPException(403, "the form is stale or was sent from another site; reload it")
    return found[0]


def _session_for(web: Web, viewer: Viewer, session_id: str) -> SessionInfo:
    """The session if this viewer may see it; 404 otherwise (never says which)."""
    info = web.store.session(session_id)
    if info is None or not can_view_session(viewer, info):
        raise HTTPException(404, "no such session")
    return info


def _render(web: Web, request: Request, name: str, viewer: Viewer | None, csrf: str = "",
            **context: Any) -> HTMLResponse:
    return web.templates.TemplateResponse(request, name, {
        "viewer": viewer, "csrf": csrf, **context})


# --- pages ---------------------------------------------------------------------------------------


def _pages(app: FastAPI, web: Web) -> None:
    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, error: str = "") -> Response:
        import secrets

        token = secrets.token_urlsafe(24)
        page = _render(web, request, "login.html", None, token, error=error)
        page.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
        return page

    @app.post("/login")
    def login(request: Request, name: str = Form(""), password: str = Form(""),
              csrf: str = Form("")) -> Response:
        if not same_token(csrf, request.cookies.get(LOGIN_CSRF)):
            raise HTTPException(403, "the sign-in form is stale; reload it")
        user = web.store.verify_password(name.strip(), password)
        if user is None:
            return RedirectResponse("/login?error=1", status_code=303)
        out = RedirectResponse("/", status_code=303)
        out.set_cookie(COOKIE, web.cookies.issue(user.id), max_age=web.cookies.max_age,
                       httponly=True, samesite="lax", secure=request.url.scheme == "https")
        out.delete_cookie(LOGIN_CSRF)
        return out

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        _form_viewer(web, request, csrf)
        out = RedirectResponse("/login", status_code=303)
        out.delete_cookie(COOKIE)
        return out

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        viewer, csrf = _page_viewer(web, request)
        from trainer.web.review_views import trainee_assignments

        recent = web.store.sessions(viewer, owner=viewer.user.name, limit=5)
        return _render(web, request, "home.html", viewer, csrf,
                       personas=persona_cards(web.settings), recent=recent,
                       assignments=trainee_assignments(web.store, viewer),
                       live=web.calls.live_for(viewer.id))

    @app.get("/mic-check", response_class=HTMLResponse)
    def mic_check(request: Request, persona: str = "") -> Response:
        viewer, csrf = _page_viewer(web, request)
        return _render(web, request, "mic_check.html", viewer, csrf, persona=persona)

    @app.get("/call/{persona_id}", response_class=HTMLResponse)
    def call_page(request: Request, persona_id: str, typed: int = 0) -> Response:
        viewer, csrf = _page_viewer(web, request)
        cards = {p["id"]: p for p in persona_cards(web.settings)}
        if persona_id not in cards:
            raise HTTPException(404, f"unknown persona '{persona_id}'")
        return _render(web, request, "call.html", viewer, csrf, persona=cards[persona_id],
                       typed=bool(typed), barge_in=web.settings.barge_in)

    @app.get("/progress", response_class=HTMLResponse)
    def progress_page(request: Request) -> Response:
        viewer, csrf = _page_viewer(web, request)
        return _render(web, request, "progress.html", viewer, csrf,
                       **progress_view(web.store, viewer))

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"ok": True, "live_calls": len(web.calls.live()),
                "max_calls": web.calls.max_calls}


def _session_routes(app: FastAPI, web: Web) -> None:
    @app.get("/sessions/{session_id}", response_class=HTMLResponse)
    def session_page(request: Request, session_id: str) -> Response:
        viewer, csrf = _page_viewer(web, request)
        info = _session_for(web, viewer, session_id)
        folder = web.store.folder(info)
        grading = web.calls.grading.get(info.id)
        if not (folder / "grade.json").exists():
            return _render(web, request, "grading.html", viewer, csrf, session=info,
                           grading=grading, live=web.calls.live_for(info.owner_id))
        return _render(web, request, "debrief.html", viewer, csrf, session=info,
                       can_dispute=can_dispute(viewer, info),
                       **debrief_view(web.store, web.settings, info, folder))

    @app.get("/sessions/{session_id}/status")
    def session_status(request: Request, session_id: str) -> JSONResponse:
        viewer = _api_viewer(web, request)
        info = _session_for(web, viewer, session_id)
        job = web.calls.grading.get(info.id)
        graded = (web.store.folder(info) / "grade.json").exists()
        state = "graded" if graded else job.state if job else "ungraded"
        return JSONResponse({"state": state, "done": job.done if job else 0,
                             "of": job.of if job else 0,
                             "criterion": job.criterion if job else "",
                             "error": job.error if job else ""})

    @app.post("/sessions/{session_id}/grade")
    def grade(request: Request, session_id: str, csrf: str = Form("")) -> Response:
        viewer = _form_viewer(web, request, csrf)
        info = _session_for(web, viewer, session_id)
        if web.calls.live_for(info.owner_id) and any(
                c.session_id == info.id for c in web.calls.live()):
            raise HTTPException(409, "the call is still in progress")
        web.calls.grade(info.id)
        return RedirectResponse(f"/sessions/{info.id}", status_code=303)

    @app.get("/sessions/{session_id}/audio/{name}")
    def audio(request: Request, session_id: str, name: str) -> Response:
        viewer = _api_viewer(web, request)
        info = _session_for(web, viewer, session_id)
        path = web.store.folder(info) / "audio" / name
        if not AUDIO_NAME.match(name) or not path.is_file():
            raise HTTPException(404, "no such recording")
        return FileResponse(path, media_type="audio/wav")

    @app.post("/sessions/{session_id}/disputes")
    def dispute(request: Request, session_id: str, criterion: str = Form(""),
                why: str = Form(""), csrf: str = Form("")) -> Response:
        from trainer.grading.history import add_dispute
        from trainer.transcript import TranscriptError

        viewer = _form_viewer(web, request, csrf)
        info = _session_for(web, viewer, session_id)
        if not can_dispute(viewer, info):
            raise HTTPException(403, "only the trainee who made the call can dispute it")
        try:
            add_dispute(web.store.folder(info), criterion, why[:2000], web.settings, viewer.id)
        except TranscriptError as exc:
            raise HTTPException(400, str(exc).split(": ", 1)[-1]) from None
        return RedirectResponse(f"/sessions/{info.id}#disputes", status_code=303)


def _origin_ok(ws: WebSocket) -> bool:
    """Only pages served by this host may open a call socket (no cross-site sockets)."""
    origin = ws.headers.get("origin")
    if not origin:
        return False
    host = ws.headers.get("host", "")
    return urlsplit(origin).netloc == host


def _socket(app: FastAPI, web: Web) -> None:
    @app.websocket("/ws/call")
    async def call_socket(ws: WebSocket, persona: str = "", resume: str = "") -> None:
        signed = web.cookies.read(ws.cookies.get(COOKIE))
        viewer = web.store.viewer(signed.user_id) if signed else None
        if viewer is None or not _origin_ok(ws):
            await ws.close(code=1008)  # before accept: the handshake is refused with 403
            return
        await web.calls.handle(ws, viewer, persona or None, resume or None)

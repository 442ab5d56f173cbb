"""The trainers' pages through the real app and store: each flow, and the access-control matrix
(route × role × team)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from trainer_world import World, build, csrf_of, etag_of, signed_in

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def world(trainer_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    return build(trainer_home, tmp_path, monkeypatch)


def test_review_page_shows_recording_transcript_verdicts_and_moments(world: World) -> None:
    tia = signed_in(world, "tia")
    page = tia.get(f"/trainers/sessions/{world.sessions['ann']}")
    assert page.status_code == 200
    assert 'src="/sessions/' in page.text and "call.wav" in page.text
    assert page.text.count('data-at="') >= 4  # every line can be played from its moment
    assert "Caller" in page.text and "empathy" in page.text and "mood" in page.text
    assert tia.get(f"/sessions/{world.sessions['ann']}/audio/call.wav").status_code == 200


def test_override_and_comment_with_stale_page_rejected(world: World) -> None:
    tia = signed_in(world, "tia")
    sid = world.sessions["ann"]
    csrf, etag = csrf_of(tia, "/trainers"), etag_of(tia, sid)
    out = tia.post(f"/trainers/sessions/{sid}/override", data={
        "criterion": "empathy", "verdict": "pass", "note": "She named the feeling at 0:02",
        "etag": etag, "csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    stale = tia.post(f"/trainers/sessions/{sid}/comments", data={
        "seconds": "2.5", "text": "nice", "etag": etag, "csrf": csrf})
    assert stale.status_code == 409 and "changed" in stale.text
    fresh = tia.post(f"/trainers/sessions/{sid}/comments", data={
        "seconds": "2.5", "text": "Good apology here", "etag": etag_of(tia, sid), "csrf": csrf})
    assert fresh.status_code == 200
    page = tia.get(f"/trainers/sessions/{sid}").text
    assert "Good apology here" in page and "0:02.5" in page and "She named the feeling" in page
    grade = json.loads((world.store.root / "sessions" / sid / "grade.json").read_text())
    assert grade["criteria"]["empathy"]["verdict"] == "fail"  # the AI verdict is kept
    csv_text = tia.get("/trainers/progress.csv?team=red").text
    assert "pass*" in csv_text.splitlines()[1] or "pass*" in csv_text


def _disputed(world: World, criterion: str, why: str) -> tuple[TestClient, TestClient, str]:
    """ann disputes a verdict of her call; ann's and tia's clients, and the session."""
    ann, sid = signed_in(world, "ann"), world.sessions["ann"]
    ann.post(f"/sessions/{sid}/disputes", data={"criterion": criterion, "why": why,
                                                "csrf": csrf_of(ann)})
    return ann, signed_in(world, "tia"), sid


def test_dispute_settled_and_seen_by_the_trainee(world: World) -> None:
    ann, tia, sid = _disputed(world, "empathy", "I said it sounds frustrating")
    queue = tia.get("/trainers/disputes").text
    assert "I said it sounds frustrating" in queue
    [d] = world.store.disputes([sid])
    out = tia.post(f"/trainers/disputes/{d.id}", data={
        "decision": "reject", "reply": "Naming it is not enough: acknowledge the feeling.",
        "etag": etag_of(tia, sid), "csrf": csrf_of(tia, "/trainers")}, follow_redirects=False)
    assert out.status_code == 303
    again = tia.post(f"/trainers/disputes/{d.id}", data={
        "decision": "accept", "reply": "", "etag": etag_of(tia, sid),
        "csrf": csrf_of(tia, "/trainers")})
    assert again.status_code == 400  # settled once
    assert "acknowledge the feeling" in ann.get(f"/sessions/{sid}").text


def _row(page: str, criterion: str) -> str:
    found = re.search(rf'<tr class="verdict [^"]*" data-criterion="{criterion}".*?</tr>', page,
                      re.S)
    assert found, criterion
    return found.group(0)


def test_an_override_shows_on_the_trainees_debrief_and_history(world: World) -> None:
    tia, ann = signed_in(world, "tia"), signed_in(world, "ann")
    sid = world.sessions["ann"]
    before = ann.get(f"/sessions/{sid}").text
    assert 'data-final="fail" data-machine="fail"' in _row(before, "empathy")
    assert "final-score" not in before
    out = tia.post(f"/trainers/sessions/{sid}/override", data={
        "criterion": "empathy", "verdict": "pass", "note": "She named the feeling at 0:02",
        "etag": etag_of(tia, sid), "csrf": csrf_of(tia, "/trainers")}, follow_redirects=False)
    assert out.status_code == 303
    page = ann.get(f"/sessions/{sid}").text
    row = _row(page, "empathy")
    assert 'data-final="pass" data-machine="fail"' in row  # the machine's verdict stays
    assert "Changed by your trainer <b>tia</b>" in row and "She named the feeling at 0:02" in row
    assert "machine: ✗ fail" in row
    assert 'data-final="pass" data-machine="pass"' in _row(page, "apology")  # untouched
    assert 'id="final-score"' in page and "1 verdict changed" in page
    history = ann.get("/progress").text
    assert 'id="overrides"' in history and "fail → <b>pass</b>" in history
    assert "after review" in history and "She named the feeling" in history
    grade = json.loads((world.store.root / "sessions" / sid / "grade.json").read_text())
    assert grade["criteria"]["empathy"]["verdict"] == "fail"  # on disk, the AI's verdict
    assert "Changed by your trainer" not in signed_in(world, "ben").get(
        f"/sessions/{world.sessions['ben']}").text  # ben's call was not changed


def test_an_accepted_dispute_shows_on_the_trainees_side(world: World) -> None:
    ann, tia, sid = _disputed(world, "next_steps", "I offered Thursday morning")
    [d] = world.store.disputes([sid])
    out = tia.post(f"/trainers/disputes/{d.id}", data={
        "decision": "accept", "reply": "Right: a day and a time is a next step.",
        "etag": etag_of(tia, sid), "csrf": csrf_of(tia, "/trainers")}, follow_redirects=False)
    assert out.status_code == 303
    page = ann.get(f"/sessions/{sid}").text
    row = _row(page, "next_steps")
    assert 'data-final="pass" data-machine="fail"' in row and "settling your disagreement" in row
    assert "Right: a day and a time is a next step." in row
    assert "<b>accepted</b> by tia" in page
    assert "(your disagreement)" in ann.get("/progress").text


def test_assign_and_complete(world: World) -> None:
    tia = signed_in(world, "tia")
    out = tia.post("/trainers/assignments", data={
        "persona": "calm-marcus", "target": "team:red", "pass_mark": "50", "due": "2030-01-01",
        "csrf": csrf_of(tia, "/trainers")}, follow_redirects=False)
    assert out.status_code == 303
    ann = signed_in(world, "ann")
    assert "calm-marcus" in ann.get("/").text and "not yet" in ann.get("/").text
    from trainer_world import voice_session

    voice_session(world.store, "20300101-100000-calm-marcus", "ann",
                  {"empathy": "pass", "apology": "pass"}, started="2030-01-01T09:00:00")
    assert "done (100)" in ann.get("/").text
    status = tia.get("/trainers/assignments").text
    assert "done" in status and "not yet" in status  # ann done, ben not


def test_persona_edit_error_then_fix_and_checks(world: World) -> None:
    tia = signed_in(world, "tia")
    csrf = csrf_of(tia, "/trainers")
    path = world.settings.home / "personas"
    tia.post("/trainers/personas/new", data={"persona_id": "angry-landlord", "csrf": csrf})
    page = tia.get("/trainers/personas/angry-landlord").text
    assert "still TODO" in page
    good = (Path(__file__).resolve().parent.parent / "personas" / "calm-marcus.yaml").read_text()
    good = good.replace("id: calm-marcus", "id: angry-landlord")
    bad = good.replace("difficulty: easy", "difficulty: impossible")
    out = tia.post("/trainers/personas/angry-landlord", data={"text": bad, "csrf": csrf})
    assert out.status_code == 422 and "angry-landlord.yaml: difficulty:" in out.text
    assert not (path / "angry-landlord.yaml").exists()
    v = tia.post("/trainers/personas/angry-landlord/validate", data={"text": bad, "csrf": csrf})
    assert v.json()["errors"][0].startswith("angry-landlord.yaml: difficulty:")
    out = tia.post("/trainers/personas/angry-landlord", data={"text": good, "csrf": csrf},
                   follow_redirects=False)
    assert out.status_code == 303 and (path / "angry-landlord.yaml").read_text() == good
    checks = tia.post("/trainers/personas/angry-landlord/checks", data={"csrf": csrf})
    assert checks.status_code == 200 and "PASS" in checks.text


def test_progress_and_trust_pages(world: World) -> None:
    tia = signed_in(world, "tia")
    page = tia.get("/trainers/progress?team=red")
    assert page.status_code == 200 and page.text.count("<svg") >= 3
    assert "ann" in page.text and "cat" not in page.text.split("Each trainee")[-1]
    runs = world.settings.home / "eval-runs" / "ci-1"
    runs.mkdir(parents=True)
    (runs / "report.json").write_text(json.dumps({
        "suite": "ci", "started": "2026-12-01T10:00:00", "passed": True,
        "results": {"local": {"summary": {"alpha": 0.85, "kappa": 0.7, "flip_rate": 0.03}}},
        "gates": [{"grader": "local", "gate": "alpha", "value": 0.85, "threshold": 0.8,
                   "op": ">=", "passed": True}]}))
    (runs / "report.html").write_text("<html>the report</html>")
    trust = tia.get("/trainers/trust").text
    assert "ci-1" in trust and "0.850" in trust
    assert tia.get("/trainers/trust/ci-1/report.html").text == "<html>the report</html>"
    assert tia.get("/trainers/trust/..%2Fci-1/report.html").status_code == 404


def test_admin_manages_users_and_teams(world: World) -> None:
    ada = signed_in(world, "ada")
    csrf = csrf_of(ada, "/admin")
    assert ada.post("/admin/users", data={"name": "dan", "role": "trainee",
                                          "password": "dan-password", "csrf": csrf}).status_code == 200
    assert ada.post("/admin/teams", data={"name": "green", "csrf": csrf}).status_code == 200
    assert ada.post("/admin/teams/green/members", data={"user": "dan", "csrf": csrf}).status_code == 200
    assert ada.post("/admin/users/dan/role", data={"role": "trainer", "csrf": csrf}).status_code == 200
    assert ("green", ["dan"], []) in world.store.teams()
    assert world.store.user("dan").role == "trainer"  # type: ignore[union-attr]


# --- the access-control matrix -------------------------------------------------------------------

ANN, CAT = "{ann}", "{cat}"
ROUTES = [  # (method, path, data)
    ("GET", "/trainers", None), ("GET", "/trainers/personas", None),
    ("GET", "/trainers/personas/calm-marcus", None), ("GET", "/trainers/sessions", None),
    ("GET", f"/trainers/sessions/{ANN}", None), ("GET", f"/trainers/sessions/{CAT}", None),
    ("GET", "/trainers/disputes", None), ("GET", "/trainers/assignments", None),
    ("GET", "/trainers/progress", None), ("GET", "/trainers/progress?team=red", None),
    ("GET", "/trainers/progress?team=blue", None), ("GET", "/trainers/progress?trainee=cat", None),
    ("GET", "/trainers/progress.csv?team=red", None), ("GET", "/trainers/progress.csv?team=blue", None),
    ("GET", "/trainers/trust", None), ("GET", "/admin", None),
    ("POST", f"/trainers/sessions/{ANN}/comments", {"seconds": "1", "text": "x"}),
    ("POST", f"/trainers/sessions/{CAT}/comments", {"seconds": "1", "text": "x"}),
    ("POST", f"/trainers/sessions/{CAT}/override", {"criterion": "empathy", "verdict": "pass", "note": "n"}),
    ("POST", "/trainers/personas/calm-marcus/validate", {"text": "x: 1"}),
    ("POST", "/trainers/assignments", {"persona": "calm-marcus", "target": "team:blue"}),
    ("POST", "/admin/teams", {"name": "zzz"}),
]
# expected status per role for each route (ok: 200/303; 404: not theirs; 403: wrong role)
EXPECT = {
    "anon": ["login"] * 12 + [401, 401, "login", "login"] + [401] * 6,
    "ann": [403] * 22,
    "tia": [200, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404, 404, 200, 404, 200, 403,
            "ok", 404, 404, "ok", 404, 403],
    "tom": [200, 200, 200, 200, 404, 200, 200, 200, 200, 404, 200, 200, 404, 200, 200, 403,
            404, "ok", "ok", "ok", "ok", 403],
    "ada": [200] * 16 + ["ok"] * 6,
}


@pytest.mark.parametrize("role", list(EXPECT))
def test_access_matrix(world: World, role: str) -> None:
    client = TestClient(world.app) if role == "anon" else signed_in(world, role)
    csrf = csrf_of(client) if role != "anon" else "x"
    got = []
    for method, path, data in ROUTES:
        path = path.format(ann=world.sessions["ann"], cat=world.sessions["cat"])
        if method == "GET":
            r = client.get(path, follow_redirects=False)
            code: object = "login" if r.status_code == 303 and r.headers.get(
                "location") == "/login" else r.status_code
        else:
            sid = world.sessions["cat" if "cat" in path or world.sessions["cat"] in path else "ann"]
            extra = {"csrf": csrf}
            if "/trainers/sessions/" in path and role != "anon":
                etag = world.store.engine and __import__("trainer.review.actions", fromlist=["x"]) \
                    .session_etag(world.store.engine, world.store.root / "sessions" / sid)
                extra["etag"] = etag
            r = client.post(path, data={**(data or {}), **extra}, follow_redirects=False)
            code = "ok" if r.status_code in (200, 303) else r.status_code
        got.append(code)
    wrong = [(m, p, g, e) for (m, p, _), g, e in zip(ROUTES, got, EXPECT[role], strict=True)
             if g != e]
    assert not wrong, wrong


def test_writes_need_the_forms_csrf_token(world: World) -> None:
    tia = signed_in(world, "tia")
    sid = world.sessions["ann"]
    for path, data in [(f"/trainers/sessions/{sid}/comments", {"seconds": "1", "text": "x"}),
                       ("/trainers/personas/calm-marcus", {"text": "x: 1"}),
                       ("/trainers/assignments", {"persona": "calm-marcus", "target": "team:red"})]:
        assert tia.post(path, data={**data, "csrf": "forged"}).status_code == 403

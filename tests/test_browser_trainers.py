"""Every trainer flow in a real headless Chromium (Debian's, driven by Playwright) against the
real app on 127.0.0.1, with screenshots in docs/screenshots/: edit a persona and see the error
as you type, fix it, run its checks; review a call and play from a quote; override; settle a
dispute and see it on the trainee's side; assign and complete; the progress charts; grading
trust; users and teams."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from trainer_world import World, build, voice_session

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = [pytest.mark.timeout(300), pytest.mark.integration]  # a real browser (conftest)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(trainer_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[tuple[World, str]]:
    import uvicorn

    world = build(trainer_home, tmp_path, monkeypatch)
    port = _port()
    server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield world, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser(chromium: Callable[..., Any]) -> Any:
    return chromium()


def _sign_in(browser: Any, base: str, name: str, then: str = "") -> Any:
    """A new page signed in as ``name``, then at the path ``then`` (if given)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", f"{name}-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    if then:
        page.goto(f"{base}{then}")
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"trainers-{name}.png"), full_page=True)


def _send(box: Any, fields: dict[str, str], verdict: str | None = None) -> None:
    """Unfold a verdict's form (a trainee's "I disagree", a trainer's override), fill it in
    (``verdict``: the override's choice) and send it."""
    box.locator("summary").click()
    if verdict is not None:
        box.locator("select[name=verdict]").select_option(verdict)
    for selector, value in fields.items():
        box.locator(selector).fill(value)
    box.locator("button[type=submit]").click()


def _changed(page: Any, criterion: str, final: str, machine: str) -> str:
    """The trainee's debrief row of a changed verdict (the final one shown, the machine's kept
    on record); its text."""
    row = page.locator(f"tr[data-criterion={criterion}]")
    assert (row.get_attribute("data-final"), row.get_attribute("data-machine")) == (final, machine)
    return str(row.inner_text())


def test_persona_error_as_you_type_fix_and_checks(served: tuple[World, str], browser: Any) -> None:
    world, base = served
    page = _sign_in(browser, base, "tia")
    page.goto(f"{base}/trainers/personas")
    assert page.locator("tr[data-persona=calm-marcus]").count() == 1
    _shot(page, "persona-library")
    page.goto(f"{base}/trainers/personas/team-marcus")
    box = page.locator("#yaml")
    good = box.input_value()
    box.fill(good.replace("difficulty: easy", "difficulty: impossible"))
    page.wait_for_selector("#problems .error li")
    assert "team-marcus.yaml: difficulty:" in page.inner_text("#problems")
    _shot(page, "persona-error")
    page.click("#save")  # an invalid save keeps the draft, never the file
    page.wait_for_selector("#draft")
    mine = world.settings.home / "personas" / "team-marcus.yaml"
    assert "difficulty: easy" in mine.read_text()
    page.locator("#yaml").fill(good.replace("Marcus Bell", "Marcus J. Bell"))
    page.wait_for_selector("#problems .ok")
    page.click("#save")
    page.wait_for_selector("#saved")
    assert "Marcus J. Bell" in mine.read_text()
    page.click("#run-checks")
    page.wait_for_selector("#checks")
    assert "PASS" in page.inner_text("#checks")
    _shot(page, "persona-checks")


def test_review_play_from_a_quote_override_and_comment(served: tuple[World, str],
                                                       browser: Any) -> None:
    world, base = served
    page = _sign_in(browser, base, "tia")
    page.goto(f"{base}/trainers/sessions")
    page.click(f"a[href='/trainers/sessions/{world.sessions['ann']}']")
    page.wait_for_selector("#recording")
    page.wait_for_function("document.getElementById('recording').readyState >= 1")
    line = page.locator("#transcript li[data-turn='3']")
    at = float(line.get_attribute("data-at") or 0)
    line.click()
    page.wait_for_function("document.getElementById('recording').currentTime > 0")
    page.wait_for_selector("#transcript li.playing")
    playing = page.locator("#transcript li.playing").get_attribute("data-turn")
    assert playing == "3" and at > 0
    now = page.evaluate("document.getElementById('recording').currentTime")
    assert at - 0.1 <= now <= at + 1.5
    page.locator(".verdict-card[data-criterion=next_steps] a.seek").first.click()
    page.wait_for_function(f"Math.abs(document.getElementById('recording').currentTime - {at}) < 1.5")
    page.evaluate("document.getElementById('recording').pause()")
    _shot(page, "review-playing")
    _send(page.locator(".verdict-card[data-criterion=empathy]"),
          {"input[name=note]": "“That sounds really frustrating” names the feeling."},
          verdict="pass")
    page.wait_for_selector(".verdict-card[data-criterion=empathy] .override")
    page.fill("#comment-at", "5.0")
    page.fill("#comment-form textarea", "Good: options with a time frame.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comments a.seek")
    assert "0:05.0" in page.inner_text("#comments")
    _shot(page, "review-override-comment")


def test_dispute_settled_is_seen_by_the_trainee(served: tuple[World, str], browser: Any) -> None:
    world, base = served
    sid = world.sessions["ann"]
    ann = _sign_in(browser, base, "ann", f"/sessions/{sid}")
    _send(ann.locator("tr[data-criterion=empathy]"),
          {"textarea[name=why]": "I said 'that sounds really frustrating'."})
    ann.wait_for_selector("#disputes")
    tia = _sign_in(browser, base, "tia")
    tia.goto(f"{base}/trainers/disputes")
    item = tia.locator(".dispute").first
    assert "that sounds really frustrating" in item.inner_text()
    _shot(tia, "disputes-queue")
    item.locator("textarea[name=reply]").fill("Agreed: that acknowledges the feeling.")
    item.locator("button[value=accept]").click()
    tia.wait_for_selector("#empty")
    ann.goto(f"{base}/sessions/{sid}")
    text = ann.inner_text("section.debrief")
    assert "accepted by tia" in text and "Agreed: that acknowledges the feeling." in text
    assert "settling your disagreement" in _changed(ann, "empathy", "pass", "fail")
    _shot(ann, "dispute-seen-by-trainee")


def test_an_override_is_seen_by_the_trainee(served: tuple[World, str], browser: Any) -> None:
    world, base = served
    sid = world.sessions["ann"]
    tia = _sign_in(browser, base, "tia", f"/trainers/sessions/{sid}")
    _send(tia.locator(".verdict-card[data-criterion=next_steps]"),
          {"input[name=note]": "Thursday morning or a line test now: two options."},
          verdict="pass")
    tia.wait_for_selector(".verdict-card[data-criterion=next_steps] .override")
    ann = _sign_in(browser, base, "ann")
    ann.goto(f"{base}/sessions/{sid}")
    seen = _changed(ann, "next_steps", "pass", "fail")
    assert "✓ pass" in seen and "machine: ✗ fail" in seen
    assert "Changed by your trainer tia" in seen
    assert "Thursday morning or a line test now: two options." in seen
    assert "After your trainer's review" in ann.inner_text("#final-score")
    ann.locator("tr[data-criterion=next_steps]").scroll_into_view_if_needed()
    _shot(ann, "override-seen-by-trainee")
    ann.goto(f"{base}/progress")
    assert "Thursday morning" in ann.inner_text("#overrides")
    _shot(ann, "override-in-history")


def test_assign_and_complete(served: tuple[World, str], browser: Any) -> None:
    world, base = served
    tia = _sign_in(browser, base, "tia")
    tia.goto(f"{base}/trainers/assignments")
    tia.select_option("select[name=persona]", "calm-marcus")
    tia.select_option("select[name=target]", "trainee:ann")
    tia.fill("input[name=pass_mark]", "60")
    tia.fill("input[name=due]", "2030-12-31")
    tia.click("form.assign button[type=submit]")
    tia.wait_for_selector("#assignment-status td.mark")
    ann = _sign_in(browser, base, "ann")
    assert "not yet" in ann.inner_text("#assignments")
    voice_session(world.store, "20991231-100000-calm-marcus", "ann",
                  {"empathy": "pass", "apology": "pass", "next_steps": "pass"},
                  started="2099-12-31T10:00:00")
    ann.reload()
    assert "done (100)" in ann.inner_text("#assignments")
    _shot(ann, "assignment-done-trainee-home")
    tia.reload()
    assert "✓ done" in tia.inner_text("#assignment-status")
    _shot(tia, "assignments")


def test_progress_charts_trust_and_admin(served: tuple[World, str], browser: Any) -> None:
    world, base = served
    for n in range(4):  # more weeks of calls for the charts
        voice_session(world.store, f"2026111{n}-100000-calm-marcus", ["ann", "ben"][n % 2],
                      {"empathy": ["fail", "pass"][n // 2], "apology": "pass",
                       "next_steps": ["fail", "fail", "pass", "pass"][n]},
                      started=f"2026-11-{10 + 7 * (n % 3):02d}T10:00:00")
    runs = world.settings.home / "eval-runs"
    for i, (alpha, kappa, flip) in enumerate([(0.72, 0.55, 0.09), (0.81, 0.64, 0.05),
                                              (0.86, 0.71, 0.03)]):
        folder = runs / f"ci-2026120{i + 1}"
        folder.mkdir(parents=True)
        (folder / "report.json").write_text(json.dumps({
            "suite": "ci", "started": f"2026-12-0{i + 1}T09:00:00", "passed": alpha >= 0.8,
            "results": {"local": {"summary": {"alpha": alpha, "kappa": kappa,
                                              "flip_rate": flip}}},
            "gates": [{"grader": "local", "gate": g, "value": v, "threshold": t, "op": op,
                       "passed": v >= t if op == ">=" else v <= t}
                      for g, v, t, op in [("alpha", alpha, 0.8, ">="), ("kappa", kappa, 0.61, ">="),
                                          ("flip_rate", flip, 0.05, "<=")]]}))
        (folder / "report.html").write_text(f"<h1>report {i}</h1>")
    tia = _sign_in(browser, base, "tia")
    tia.goto(f"{base}/trainers/progress?team=red")
    assert tia.locator("#heatmap svg rect.cell").count() >= 4
    assert tia.locator("#first-best svg circle").count() >= 2
    assert tia.locator("#missed svg rect").count() >= 2
    _shot(tia, "progress-team")
    with tia.expect_download() as dl:
        tia.click("#csv")
    assert "trainee" in Path(dl.value.path()).read_text().splitlines()[0]
    tia.goto(f"{base}/trainers/trust")
    assert tia.locator("#trend polyline").count() == 3
    _shot(tia, "grading-trust")
    tia.click("a[href='/trainers/trust/ci-20261203/report.html']")
    assert "report 2" in tia.inner_text("h1")
    ada = _sign_in(browser, base, "ada")
    ada.goto(f"{base}/admin")
    ada.fill("#add-team input[name=name]", "green")
    ada.click("#add-team button")
    ada.wait_for_selector("#teams td:text('green')")
    _shot(ada, "admin-users-teams")

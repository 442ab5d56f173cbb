import pytest

from trainer.cues import detect_cues, is_boundary_warning, is_goodbye


@pytest.mark.parametrize(("line", "trigger"), [
    ("Ma'am, you need to calm down.", "calm_down"),
    ("Just relax, okay?", "calm_down"),
    ("Let me put you on hold for a second.", "hold"),
    ("Please hold.", "hold"),
    ("Can you hold for a moment while I check?", "hold"),
    ("That's not my fault, the courier lost it.", "defensive"),
    ("That's our policy, I'm afraid.", "defensive"),
    ("That's not my problem.", "dismissive"),
    ("I promise it will definitely arrive today.", "empty_promise"),
    ("I'll raise an RMA with tier 2.", "jargon"),
    ("I'll transfer you to billing.", "transfer"),
    ("", "silence"),
])
def test_triggers(line: str, trigger: str) -> None:
    assert trigger in detect_cues(line).triggers


@pytest.mark.parametrize(("line", "soother"), [
    ("I completely understand how frustrating this is.", "empathy"),
    ("I'm so sorry this happened.", "apology"),
    ("So just to confirm, the table arrived cracked?", "paraphrase"),
    ("I can send a replacement, or refund you in full. Which would you prefer?", "options"),
    ("You'll get a confirmation email within one hour, and I'll call you back by 3pm.",
     "next_steps"),
    ("Thanks, Dana.", "used_name"),
    ("Certainly, Ms. Whitfield.", "used_name"),
])
def test_soothers(line: str, soother: str) -> None:
    assert soother in detect_cues(line, "Dana Whitfield").soothers


@pytest.mark.parametrize("line", ["Okay.", "What is the order number?", "Let me check that."])
def test_neutral_lines_have_no_cues(line: str) -> None:
    cues = detect_cues(line, "Dana Whitfield")
    assert not cues.triggers and not cues.soothers


def test_goodbye_and_boundary() -> None:
    assert is_goodbye("Thanks for calling, have a great day.")
    assert not is_goodbye("Hello, thanks for calling. Can I have your order number?")
    assert not is_goodbye("Let me look into that.")
    assert is_boundary_warning("If you continue to swear, I will end this call.")

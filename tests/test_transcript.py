import json
import re
from pathlib import Path

import pytest

from trainer.transcript import Mood, Transcript, TranscriptError, Turn, load_transcript


def test_round_trip(tmp_path: Path) -> None:
    t = Transcript("s1", "irate-dana", [
        Turn(0, "caller", "Hello?", 0.0, 1.0, mood=Mood(8, 2), direction="angry"),
        Turn(1, "trainee", "Hi Dana.", 1.5, 2.0, soothers=("used_name",)),
    ])
    t.save(tmp_path / "t.json")
    back = load_transcript(tmp_path / "t.json")
    assert back.turns == t.turns
    assert back.persona == "irate-dana"


def test_agent_is_a_synonym_of_trainee(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"turns": [{"speaker": "customer", "text": "hi"},
                                          {"speaker": "agent", "text": "hello"}]}))
    t = load_transcript(path)
    assert [x.speaker for x in t.turns] == ["caller", "trainee"]
    assert [x.index for x in t.turns] == [0, 1]


@pytest.mark.parametrize(("doc", "message"), [
    ({"turn": []}, "turns: missing"),
    ({"turns": []}, "turns: empty"),
    ({"turns": [{"speaker": "bot", "text": "x"}]}, "turns[0].speaker"),
    ({"turns": [{"speaker": "caller", "text": 3}]}, "turns[0].text"),
    ({"turns": [{"speaker": "caller", "text": "x", "start": "soon"}]}, "turns[0].start/end"),
])
def test_bad_documents_name_the_field(tmp_path: Path, doc: dict, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(TranscriptError, match=re.escape(message)) as info:
        load_transcript(path)
    assert str(path) in str(info.value)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{nope")
    with pytest.raises(TranscriptError, match="not JSON"):
        load_transcript(path)


def test_jsonl_keeps_whole_lines_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "transcript.jsonl"
    good = json.dumps(Turn(0, "caller", "Hi", 0, 1).to_dict())
    path.write_text(good + "\n" + '{"index": 1, "speaker": "trai')
    t = load_transcript(path)
    assert [x.text for x in t.turns] == ["Hi"]

"""A scripted reader for unit tests: hears exactly the behaviours a table gives for a line."""

from __future__ import annotations

from trainer.behaviour.reader import BehaviourReader
from trainer.behaviour.text import split_sentences
from trainer.behaviour.types import BEHAVIOURS, Heard, Reading

__all__ = ["ScriptedReader"]


class ScriptedReader(BehaviourReader):
    """``heard[line]``: the behaviours in that line (any other line: none)."""

    def __init__(self, heard: dict[str, set[str]]) -> None:
        super().__init__(None, None, "rules")
        unknown = {b for names in heard.values() for b in names} - set(BEHAVIOURS)
        if unknown:
            raise ValueError(f"not behaviours: {sorted(unknown)}")
        self.heard = heard
        self.lines: list[str] = []

    def read(self, line: str, *, caller_name: str | None = None,
             caller_line: str | None = None) -> Reading:
        self.lines.append(line)
        found = tuple(Heard(b, BEHAVIOURS[b], 1.0, line, line, "rule")
                      for b in sorted(self.heard.get(line, set())))
        return Reading(line, tuple(split_sentences(line)), found)

"""``trainer hear``: what the behaviour reader hears in one trainee line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from trainer.behaviour.reader import default_reader, grader_reader
from trainer.behaviour.types import Reading

__all__ = ["hear", "register"]


def describe(reading: Reading, min_confidence: float = 0.5) -> list[str]:
    """One line per sighting, the decided ones first, each with the words that carry it."""
    if not reading.heard:
        return ["(no trigger or soother heard)"]
    rows = sorted(reading.heard, key=lambda h: (h.confidence < min_confidence, -h.confidence))
    out = []
    for h in rows:
        mark = " " if h.confidence >= min_confidence else "?"
        out.append(f"{mark} {h.kind:7} {h.behaviour:13} {h.confidence:4.2f} {h.source:9} \"{h.words}\"")
    return out


def hear(
    line: Annotated[str, typer.Argument(help="what the trainee said")],
    caller_name: Annotated[str | None, typer.Option("--caller-name", help="the caller's name, "
                                                    "to hear it used")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    grader: Annotated[bool, typer.Option("--grader", help="read as the grader does after the "
                                         "call (the embedded model's sentence vectors; slower) "
                                         "instead of as the director does live")] = False,
) -> None:
    """Show the triggers and soothers the reader hears in a trainee line (with the confidence
    and the words that carry each; '?' marks sightings below the 0.5 decision threshold)."""
    reader = default_reader()
    if grader:
        from trainer.config import load_settings

        reader = grader_reader(load_settings().settings)
    reading = reader.read(line, caller_name=caller_name)
    if as_json:
        print(json.dumps(reading.as_dict(), indent=1))
        return
    for row in describe(reading):
        print(row)


def register(app: typer.Typer) -> None:
    """Add ``hear`` to the main CLI."""
    app.command()(hear)

"""One behaviour reader for the director (live) and the grader (afterwards): which triggers and
soothers a trainee line shows, how sure it is, and the words that carry each."""

from trainer.behaviour.reader import BehaviourReader, default_reader, grader_reader
from trainer.behaviour.rules import is_boundary_warning, is_goodbye
from trainer.behaviour.text import split_sentences
from trainer.behaviour.types import BEHAVIOURS, SOOTHERS, TRIGGERS, Heard, Reading

__all__ = [
    "BEHAVIOURS",
    "SOOTHERS",
    "TRIGGERS",
    "BehaviourReader",
    "Heard",
    "Reading",
    "default_reader",
    "grader_reader",
    "is_boundary_warning",
    "is_goodbye",
    "split_sentences",
]

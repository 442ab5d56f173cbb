"""Deprecated: the phrase cues are gone; the behaviour reader (`trainer.behaviour`) reads
trainee lines for the director and the grader. Kept only as a re-export while other branches
move their imports to `trainer.behaviour`; to be deleted."""

from trainer.behaviour.rules import is_boundary_warning, is_goodbye

__all__ = ["is_boundary_warning", "is_goodbye"]

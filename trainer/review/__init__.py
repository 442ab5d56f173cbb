"""The trainers' side as a library (no web): the graded-session index, progress, overrides,
comments, dispute decisions, assignments, eval-run trends and persona authoring."""

"""Splitting a trainee line into the sentences the reader classifies (shared with the grader).

Written text splits at sentence punctuation. Speech-to-text output often has none, so a long
unpunctuated run is cut further before discourse markers ("okay so", "and I'll", "let me"),
never right after "or" or "either" (that would split the options apart). Every piece is a substring of the line,
so the grader can quote it verbatim.
"""

from __future__ import annotations

import re

__all__ = ["split_pieces", "split_sentences", "words"]

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "approx"}
_BREAK = re.compile(r"[.!?…]+[\"')\]]*\s+|;\s+")
_LONG = 14  # words: an unpunctuated run longer than this is cut at discourse markers
_MIN = 4  # words: no piece shorter than this is cut off
_MARKER = re.compile(
    # speech-to-text often drops the apostrophe: "im", "youve", "thats" (not "were", "well", "ill")
    r"(?<!\bor)(?<!\beither)\s+(?=(?:okay|ok|alright|all right|right|so|and|also|um|uh|now|then|but)\s+"
    r"(?:so\s+|then\s+|now\s+)?(?:i|i'll|i'?m|i'?ve|i'd|we|we'll|we're|we'?ve|you'?ll|you'?re|you'?ve|you|"
    r"let|let'?s|what|here'?s|there'?s|that'?s|it'?s|if|just|please|my|our)\b)"
    r"|(?<!\bor)(?<!\beither)\s+(?=(?:let me|i'?m going to|i'll|we'll|you'?ll|i can|i'?ve|i'?m so|i'?m really|"
    r"i'?m sorry|would you|do you|could you|can you|is that|thank you|thanks)\b)",
    re.IGNORECASE)


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text)


def _punctuated(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _BREAK.finditer(text):
        before = text[start:m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        nxt = text[m.end():m.end() + 1]
        if m.group().strip().startswith(".") and (last in _ABBREV or nxt.islower() or nxt.isdigit()):
            continue
        spans.append((start, m.start() + len(m.group().rstrip())))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" \t\n-–—")]


def _cut_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    piece = text[a:b]
    if len(words(piece)) <= _LONG:
        return [(a, b)]
    cuts = [a] + [a + m.start() for m in _MARKER.finditer(piece)] + [b]
    out: list[tuple[int, int]] = []
    start = a
    for y in cuts[1:]:
        if len(words(text[start:y])) >= _MIN:  # a short piece joins the one after it
            out.append((start, y))
            start = y
    if start < b:  # a short tail joins the one before it
        out[-1:] = [(out[-1][0], b)] if out else [(start, b)]
    return out


def split_pieces(text: str) -> list[tuple[str, str]]:
    """The sentences of a line, each a stripped substring of it, in order, each with the
    punctuated sentence it was cut from (itself, unless a long run was cut at its markers)."""
    out = []
    for a, b in _punctuated(text):
        whole = text[a:b].strip()
        for x, y in _cut_long(text, a, b):
            s = text[x:y].strip()
            if s.strip(" .,!?;:-–—…"):
                out.append((s, whole))
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of a line, each a stripped substring of it, in order."""
    return [piece for piece, _whole in split_pieces(text)]

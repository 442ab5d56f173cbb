"""How a word sounds, from espeak-ng's phonemes: speech-to-text writes a name it does not know
the way it sounds ("shivawn" for Siobhan, "preeya" for Priya), which no spelling rule links to
the name. espeak-ng (the text-to-speech engine pyttsx3 drives on Linux) knows many names' own
pronunciations and reads any spelling by English rules, so two spellings that sound alike get
the same phonemes. Without espeak-ng nothing sounds alike and only spelling counts."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Callable

__all__ = ["sound", "sounds_alike"]

# Stress, length and the vowel distinctions speech-to-text spellings do not keep.
_MARKS = re.compile(r"[ˈˌː\s-]")
_VOWELS = str.maketrans({"ɪ": "i", "ᵻ": "i", "ʊ": "u", "ɒ": "ɔ", "ɑ": "a", "ɐ": "ə", "ɜ": "ə", "æ": "a"})
_cache: dict[str, str] = {}
_lock = threading.Lock()
MIN_PHONEMES = 3  # shorter sounds ("ann", "lee") match too many ordinary words


def _engine() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def _phonemes(words: list[str]) -> list[str]:
    engine = _engine()
    if engine is None or not words:
        return ["" for _ in words]
    try:
        out = subprocess.run([engine, "-q", "-x", "--ipa"], input="\n".join(words) + "\n",
                             capture_output=True, text=True, timeout=5, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return ["" for _ in words]
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return lines if len(lines) == len(words) else ["" for _ in words]


def sound(words: list[str]) -> dict[str, str]:
    """Each word's sound key (its phonemes without stress, length or fine vowel quality), or ''
    when espeak-ng is missing; cached for the process, one espeak-ng run for the words not seen."""
    keys = [w.lower() for w in words]
    with _lock:
        todo = sorted({k for k in keys if k not in _cache})
    found = dict(zip(todo, (_MARKS.sub("", p).translate(_VOWELS) for p in _phonemes(todo)),
                     strict=True))
    with _lock:
        _cache.update(found)
        return {k: _cache[k] for k in keys}


# Letters a spelling of the same first sound may start with ("Ciara"/"keera", "Siobhan"/
# "shivawn", "Aoife"/"eefa", "Phoebe"/"feebee"): a cheap filter before espeak-ng runs.
_FIRST = ("aeiouyh", "csxz", "ckq", "gj", "fp", "wv")


def _may_start_alike(word: str, name: str) -> bool:
    return word[0] == name[0] or any(word[0] in g and name[0] in g for g in _FIRST)


def sounds_alike(parts: list[str], text: str, where: Callable[[str], bool] = lambda _w: True,
                 ) -> list[str]:
    """Words of ``text`` (four letters or more, and ``where`` says so: the caller passes "where
    it would address the caller", which keeps espeak-ng runs rare) spelt unlike any name part but
    sounding the same."""
    names = [p.lower() for p in parts if len(p) >= 3]
    candidates = sorted(w for w in set(re.findall(r"[a-z]{4,}", text.lower())) - set(names)
                        if any(_may_start_alike(w, n) for n in names) and where(w))
    if not names or not candidates:
        return []
    keys = sound(names + candidates)
    targets = {keys[n] for n in names if len(keys[n]) >= MIN_PHONEMES}
    return [w for w in candidates if keys[w] in targets]

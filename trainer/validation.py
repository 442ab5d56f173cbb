"""Pydantic validation errors as the one-line ``file: field: reason`` users see everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

__all__ = ["error_line", "error_lines", "read_text"]


def error_line(path: Path | str, err: Any, top: str = "(top level)") -> str:
    """One pydantic error as ``file: field: reason``; whole-model checks name their field in
    the message (``"field: reason"``)."""
    field = ".".join(str(p) for p in err["loc"])
    reason = "unknown key" if err["type"] == "extra_forbidden" else str(err["msg"])
    reason = reason.removeprefix("Value error, ")
    if not field:
        named, sep, rest = reason.partition(": ")
        field, reason = (named, rest) if sep else (top, reason)
    return f"{path}: {field}: {reason}"


def error_lines(path: Path | str, exc: ValidationError, top: str = "(top level)") -> list[str]:
    """Every error of a validation, one line each."""
    return [error_line(path, e, top) for e in exc.errors()]


def read_text(path: Path, error: Callable[[str], Exception] = ValueError, field: str = "") -> str:
    """A text file's contents, or ``error("<file>: [<field>: ]<reason>")``: missing, a folder,
    unreadable, or not text at all (random bytes, a WAV given where a transcript belongs)."""
    where = f"{path}: {field}: " if field else f"{path}: "
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{where}not a text file (byte {exc.start} is not UTF-8)") from None
    except OSError as exc:
        raise error(f"{where}cannot read ({exc.strerror})") from None

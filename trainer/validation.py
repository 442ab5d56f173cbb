"""Pydantic validation errors as the one-line ``file: field: reason`` users see everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

__all__ = ["error_line", "error_lines"]


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

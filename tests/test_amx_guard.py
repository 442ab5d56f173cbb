"""The load-time AMX guard, with llama.cpp's system info and the library faked."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from trainer import llama_local
from trainer.llama_local import Request, has_amx, load_llama, load_plan

NO_AMX = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
AMX = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | LLAMAFILE = 1 | REPACK = 1 | "


@pytest.mark.parametrize(("info", "amx"), [
    (NO_AMX, False), (AMX, True), ("CPU : AMX_TILE = 1 |", True), ("CPU : AMX_INT8 = 0 |", False),
    ("", False),
])
def test_has_amx(info: str, amx: bool) -> None:
    assert has_amx(info) is amx


def test_plan_keeps_repacking_without_amx_and_falls_back_with_it() -> None:
    assert load_plan(NO_AMX) == llama_local.LoadPlan(extra_bufts=True)
    plan = load_plan(AMX)
    assert plan.extra_bufts is False
    assert plan.warning is not None and "\n" not in plan.warning
    assert "bash .ci/setup.sh" in plan.warning and "AMX" in plan.warning


class _Params:
    use_extra_bufts = True


@pytest.fixture
def fake_llama_cpp(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A fake llama_cpp whose `Llama()` records the use_extra_bufts it was built with, the way
    the real one reads llama_model_default_params()."""
    seen: list[bool] = []
    low = types.ModuleType("llama_cpp.llama_cpp")
    low.llama_model_default_params = _Params  # type: ignore[attr-defined]
    top = types.ModuleType("llama_cpp")

    class Llama:
        def __init__(self, **_kwargs: Any) -> None:
            seen.append(low.llama_model_default_params().use_extra_bufts)  # type: ignore[attr-defined]

    top.Llama = Llama  # type: ignore[attr-defined]
    top.llama_cpp = low  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "llama_cpp", top)
    monkeypatch.setitem(sys.modules, "llama_cpp.llama_cpp", low)
    monkeypatch.setattr(llama_local, "_LLAMAS", {})
    return seen


def _request(tmp_path: Any, slot: str) -> Request:
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    return Request(str(path), slot, 512, 1, [])


def test_an_amx_build_is_loaded_without_extra_buffer_types(fake_llama_cpp: list[bool],
                                                           tmp_path: Any) -> None:
    _llama, warning = load_llama(_request(tmp_path, "a"), info=AMX)
    assert fake_llama_cpp == [False]
    assert warning is not None and "setup.sh" in warning
    _llama, warning = load_llama(_request(tmp_path, "b"), info=NO_AMX)
    assert fake_llama_cpp == [False, True]  # the swap was undone after the fallback load
    assert warning is None
    assert sys.modules["llama_cpp.llama_cpp"].llama_model_default_params is _Params


def test_a_loaded_model_is_reused(fake_llama_cpp: list[bool], tmp_path: Any) -> None:
    first, _ = load_llama(_request(tmp_path, "a"), info=NO_AMX)
    again, warning = load_llama(_request(tmp_path, "a"), info=AMX)
    assert first is again and warning is None and fake_llama_cpp == [True]


@pytest.mark.integration
def test_the_installed_llama_cpp_has_no_amx_kernels() -> None:
    """Proves the build flags of .ci/setup.sh: AMX is compiled out, repacking kept."""
    info = llama_local.system_info()
    assert not has_amx(info), info
    assert "AMX" not in info, info
    assert "REPACK = 1" in info, info

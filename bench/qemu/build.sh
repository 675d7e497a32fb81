#!/usr/bin/env bash
# Builds the instruction-counting qemu plugin: bench/qemu/build.sh [OUT_DIR] (default: the
# current directory). Prints the path of the shared object. Needs only gcc (no GLib, no
# QEMU headers: qemu_plugin_min.h declares what the plugin uses).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-.}" && cd "${1:-.}" && pwd)
so="$out/libinsn_count.so"
if [ ! -f "$so" ] || [ "$here/insn_count.c" -nt "$so" ] || [ "$here/qemu_plugin_min.h" -nt "$so" ] ||
   [ "$here/insn_marker.h" -nt "$so" ]; then
  ${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
      -o "$so.tmp" "$here/insn_count.c"
  mv "$so.tmp" "$so"
fi
echo "$so"

#!/usr/bin/env bash
# Checks an installed arm-64-android package (make arm ARM_TARGET=arm-64-android) with
# aarch64 binutils, since no NDK is at hand:
#   1. every member of lib/libmnv3_layers.a is a 64-bit AArch64 ELF relocatable object;
#   2. the archive defines, for every layer in the shipped registry, the layer function and
#      its _argv and _metadata entry points, and every Halide runtime function the shipped
#      runtime sources call (they are compiled here with aarch64-linux-gnu-g++ to find out);
#   3. everything the archive leaves undefined is provided by Android's libc (bionic, which
#      includes pthreads), libm, libdl or liblog: the names below, all standard exports of
#      those libraries. A new name fails the check until someone confirms it and adds it.
# Usage: tools/check-android-symbols.sh PREFIX        (exit 0: all good; 1: a check failed)
set -euo pipefail
prefix=${1:?usage: check-android-symbols.sh PREFIX}
archive="$prefix/lib/libmnv3_layers.a"
src="$prefix/share/mnv3/src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
report() { echo "check-android-symbols: $*"; }

libc="abort atoi calloc close exit fclose fflush fileno fopen fprintf fputs fread free fwrite getenv
  malloc memcmp memcpy memmove memset nanosleep open posix_memalign printf read realloc
  sched_yield snprintf strchr strcmp strlen strncmp strncpy strstr strtol syscall sysconf
  usleep vsnprintf write __errno __stack_chk_fail
  pthread_cond_broadcast pthread_cond_destroy pthread_cond_init pthread_cond_signal
  pthread_cond_wait pthread_create pthread_join pthread_key_create pthread_mutex_destroy
  pthread_mutex_init pthread_mutex_lock pthread_mutex_unlock pthread_self pthread_setspecific
  pthread_getspecific"
libm="ceilf expf exp floorf fmaf logf log powf pow roundf sqrtf sinf cosf tanf tanhf atanf
  atan2f asinf acosf truncf"
libdl="dlopen dlsym dlerror dlclose"
liblog="__android_log_print __android_log_write"
printf '%s\n' $libc $libm $libdl $liblog | sort -u > "$tmp/allowed"

# 1. Object format.
aarch64-linux-gnu-readelf -h "$archive" > "$tmp/headers"
members=$(grep -c '^File:' "$tmp/headers")
bad=$(awk '/^File:/{f=$2} /Class:/{c=$2} /Type:/{t=$2} /Machine:/{m=$2" "$3; if (c!="ELF64" || t!="REL" || m!="AArch64 ") print f}' "$tmp/headers")
if [ "$members" -eq 0 ] || [ -n "$bad" ]; then
  report "FAIL: not all $members members are ELF64 AArch64 relocatable objects: $bad"; fail=1
else
  report "ok: $members members, all ELF64 AArch64 relocatable objects"
fi

# 2. Exported symbols.
aarch64-linux-gnu-nm "$archive" 2>/dev/null | awk 'NF==3 && $2 ~ /^[TDRBVW]$/ {print $3}' | sort -u > "$tmp/defined"
sed -n 's/^ *{"\([A-Za-z0-9_]*\)", \([A-Za-z0-9_]*\)_argv, .*/\2/p' "$src/runtime/core/registry.cpp" | sort -u > "$tmp/layers"
n_layers=$(wc -l < "$tmp/layers")
for l in $(cat "$tmp/layers"); do printf '%s\n%s_argv\n%s_metadata\n' "$l" "$l" "$l"; done | sort -u > "$tmp/expected"
# Every shipped source, with the include directories mnv3Config.cmake gives it.
find "$src" -name '*.cpp' | sort | while read -r f; do
  aarch64-linux-gnu-g++ -std=c++17 -O1 -Wno-psabi -c -I"$prefix/include" -I"$src/generators" -I"$src/runtime/core" \
    -I"$src/runtime/import" -I"$src/halide" "$f" -o "$tmp/$(echo "${f#$src/}" | tr / _).o"
done
aarch64-linux-gnu-nm "$tmp"/*.o | awk '$1=="U" && $2 ~ /^halide_/ {print $2}' | sort -u > "$tmp/halide_used"
missing=$(sort -u "$tmp/expected" "$tmp/halide_used" | comm -23 - "$tmp/defined" | tr "\n" " ")
if [ "$n_layers" -eq 0 ] || [ -n "$missing" ]; then
  report "FAIL: $n_layers layers in the registry; not defined by the archive: $missing"; fail=1
else
  report "ok: the $n_layers registry layers (function, _argv, _metadata) and the $(wc -l < "$tmp/halide_used") Halide runtime functions the runtime sources call are defined"
fi

# 3. Undefined symbols.
aarch64-linux-gnu-nm "$archive" 2>/dev/null | awk 'NF==2 && $1=="U" {print $2}' | sort -u | comm -23 - "$tmp/defined" > "$tmp/undefined"
unexpected=$(comm -23 "$tmp/undefined" "$tmp/allowed" | tr "\n" " ")
report "undefined in the archive: $(tr '\n' ' ' < "$tmp/undefined")"
if [ -n "$unexpected" ]; then
  report "FAIL: not from libc/libm/libdl/liblog: $unexpected"; fail=1
else
  report "ok: every undefined symbol comes from libc (with pthreads), libm, libdl or liblog"
fi
exit $fail

/* Guest side of the instruction counter's marker protocol (bench/qemu/insn_count.c).
 *
 * A marker is a system call with a number no Linux port uses: the kernel (or qemu-user)
 * answers -ENOSYS and nothing else happens, so a program with markers runs unchanged
 * natively. Under qemu-aarch64 with the insn_count plugin, the plugin sees the call before
 * it is dispatched and writes "mark A B C INSNS" to its log: the three arguments and the
 * guest instructions executed so far, the svc instruction included.
 */
#ifndef MNV3_INSN_MARKER_H
#define MNV3_INSN_MARKER_H

#include <stdint.h>

/* "MN": far above the last syscall of every Linux ABI (about 460 in 2024). */
#define MNV3_INSN_MARKER_SYSCALL 0x4d4e

#if defined(__linux__) && defined(__aarch64__)
/* A bare svc: a handful of instructions, no errno, the same count wherever it is called. */
static inline void mnv3_insn_mark(uint64_t a, uint64_t b, uint64_t c) {
    register uint64_t x8 __asm__("x8") = MNV3_INSN_MARKER_SYSCALL;
    register uint64_t x0 __asm__("x0") = a;
    register uint64_t x1 __asm__("x1") = b;
    register uint64_t x2 __asm__("x2") = c;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
}
#elif defined(__linux__)
#include <unistd.h>
#include <sys/syscall.h>
static inline void mnv3_insn_mark(uint64_t a, uint64_t b, uint64_t c) {
    (void)syscall(MNV3_INSN_MARKER_SYSCALL, a, b, c);
}
#else
static inline void mnv3_insn_mark(uint64_t a, uint64_t b, uint64_t c) {
    (void)a;
    (void)b;
    (void)c;
}
#endif

#endif

/* A QEMU TCG plugin (qemu-user 7.2) that counts the guest instructions a program executes
 * and reports the count at each marker system call (bench/qemu/insn_marker.h).
 *
 *   qemu-aarch64 -plugin ./libinsn_count.so,outfile=LOG PROGRAM ARGS...
 *
 * Counting: when a translation block is translated, an inline "add n_insns to the
 * counter" is emitted at its start, so each execution of the block costs one add in the
 * translated code and no call into the plugin. The count is the number of guest
 * instructions in the blocks entered; a block left part-way (a fault) would still count
 * whole, which does not happen in the programs measured here.
 *
 * Markers: a system call numbered MNV3_INSN_MARKER_SYSCALL is seen by the syscall
 * callback before qemu dispatches it (qemu answers -ENOSYS). Each one appends
 *   mark A B C INSNS
 * to LOG (its first three arguments and the count so far, the svc included), flushed at
 * once so that the guest program may read its own markers back while it runs. At exit:
 *   total INSNS vcpus N
 * Without outfile= the lines go to stderr.
 *
 * One counter serves all vCPUs (guest threads), unsynchronised: the counts are exact and
 * reproducible only for a single-threaded guest, which "vcpus 1" at exit confirms.
 */
#include "qemu_plugin_min.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn_marker.h"

MNV3_PLUGIN_EXPORT int qemu_plugin_version = MNV3_QEMU_PLUGIN_VERSION;

static uint64_t insn_count;   /* incremented by the translated code */
static unsigned vcpus_seen;   /* vCPU (guest thread) creations */
static FILE *out;

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu_index) {
    (void)id;
    (void)vcpu_index;
    __atomic_add_fetch(&vcpus_seen, 1, __ATOMIC_RELAXED);
}

static void on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insn_count,
                                             (uint64_t)qemu_plugin_tb_n_insns(tb));
}

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num, uint64_t a1, uint64_t a2,
                       uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8) {
    (void)id;
    (void)vcpu_index;
    (void)a4;
    (void)a5;
    (void)a6;
    (void)a7;
    (void)a8;
    if (num != MNV3_INSN_MARKER_SYSCALL) return;
    fprintf(out, "mark %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", a1, a2, a3, insn_count);
    fflush(out);
}

static void on_plugin_exit(qemu_plugin_id_t id, void *userdata) {
    (void)id;
    (void)userdata;
    fprintf(out, "total %" PRIu64 " vcpus %u\n", insn_count, vcpus_seen);
    fflush(out);
    if (out != stderr) fclose(out);
    out = stderr;
}

MNV3_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    if (info->system_emulation) {
        qemu_plugin_outs("insn_count: for qemu-user only (markers are Linux system calls)\n");
        return -1;
    }
    out = stderr;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "outfile=", 8) == 0) {
            out = fopen(argv[i] + 8, "w");
            if (!out) {
                fprintf(stderr, "insn_count: cannot write %s\n", argv[i] + 8);
                return -1;
            }
        } else {
            fprintf(stderr, "insn_count: unknown argument '%s' (takes outfile=PATH)\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate);
    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    qemu_plugin_register_atexit_cb(id, on_plugin_exit, NULL);
    return 0;
}

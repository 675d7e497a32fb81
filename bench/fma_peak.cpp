// This machine's fp32 FMA peak: independent chains of vector fused multiply-adds that keep
// every FMA pipe busy, timed per ISA (AVX-512, AVX2+FMA, or NEON), on 1 thread and on N
// threads at once. The per-layer tables of bench_latency report "% of peak" against the
// 1-thread number of the widest ISA this machine runs.
//
//   fma_peak [--threads N] [--ms MILLIS]      prints one JSON line
//
// Each chain is acc = acc * a + b with a, b loop-invariant (a slightly below 1, so the
// values stay finite); 24 accumulators cover FMA latency x pipes on every current core
// (4-5 cycles x 2-4 pipes). One FMA counts as 2 FLOP. The best of several trials is kept.
// 1 thread: FLOP over the thread's CPU time (a busy machine preempting it does not lower the
// number; a busy SMT sibling does). N threads: FLOP of all over the wall time of the slowest,
// all started together: what the machine's N hardware threads deliver at once (on SMT
// siblings that is little more than one thread).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <time.h>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MNV3_X86 1
#elif defined(__aarch64__)
#include <arm_neon.h>
#define MNV3_NEON 1
#endif

namespace {

constexpr int kChains = 24;

// Returns FLOP done; `sink` keeps the result alive.
#if MNV3_X86
__attribute__((target("avx512f"))) double fma_avx512(long iters, float *sink) {
    __m512 acc[kChains];
    for (int i = 0; i < kChains; i++) acc[i] = _mm512_set1_ps(1.0f + i * 1e-3f);
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (long n = 0; n < iters; n++) {
#pragma GCC unroll 24
        for (int i = 0; i < kChains; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 s = acc[0];
    for (int i = 1; i < kChains; i++) s = _mm512_add_ps(s, acc[i]);
    *sink += _mm512_reduce_add_ps(s);
    return 2.0 * 16 * kChains * double(iters);
}

__attribute__((target("avx2,fma"))) double fma_avx2(long iters, float *sink) {
    // 16 ymm registers: 12 chains + a, b (the compiler keeps them all in registers).
    constexpr int chains = 12;
    __m256 acc[chains];
    for (int i = 0; i < chains; i++) acc[i] = _mm256_set1_ps(1.0f + i * 1e-3f);
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long n = 0; n < iters; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < chains; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 s = acc[0];
    for (int i = 1; i < chains; i++) s = _mm256_add_ps(s, acc[i]);
    float out[8];
    _mm256_storeu_ps(out, s);
    for (float v : out) *sink += v;
    return 2.0 * 8 * chains * double(iters);
}
#endif

#if MNV3_NEON
double fma_neon(long iters, float *sink) {
    float32x4_t acc[kChains];
    for (int i = 0; i < kChains; i++) acc[i] = vdupq_n_f32(1.0f + i * 1e-3f);
    const float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-7f);
    for (long n = 0; n < iters; n++) {
#pragma GCC unroll 24
        for (int i = 0; i < kChains; i++) acc[i] = vfmaq_f32(b, acc[i], a);
    }
    float32x4_t s = acc[0];
    for (int i = 1; i < kChains; i++) s = vaddq_f32(s, acc[i]);
    *sink += vaddvq_f32(s);
    return 2.0 * 4 * kChains * double(iters);
}
#endif

using Kernel = double (*)(long, float *);

// GFLOP/s of `threads` threads each running `kernel` for about `ms` milliseconds at once;
// best of `trials`.
double measure(Kernel kernel, int threads, double ms, int trials) {
    // Calibrate the iteration count on one thread.
    float sink = 0;
    long iters = 1 << 14;
    for (;;) {
        auto t0 = std::chrono::steady_clock::now();
        kernel(iters, &sink);
        double el = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (el > 5) {
            iters = long(iters * ms / el) + 1;
            break;
        }
        iters *= 4;
    }
    double best = 0;
    for (int t = 0; t < trials; t++) {
        std::atomic<int> ready{0};
        std::atomic<bool> go{false};
        std::vector<double> flop(threads), secs(threads), cpu(threads);
        std::vector<float> sinks(threads);
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; i++)
            pool.emplace_back([&, i] {
                ready++;
                while (!go.load()) {
                }
                timespec c0, c1;
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
                auto t0 = std::chrono::steady_clock::now();
                flop[i] = kernel(iters, &sinks[i]);
                secs[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
                cpu[i] = double(c1.tv_sec - c0.tv_sec) + 1e-9 * double(c1.tv_nsec - c0.tv_nsec);
            });
        while (ready.load() < threads) {
        }
        go = true;
        for (auto &th : pool) th.join();
        double total = 0, slowest = 0;
        for (int i = 0; i < threads; i++) {
            total += flop[i];
            slowest = std::max(slowest, secs[i]);
            sink += sinks[i];
        }
        if (threads == 1 && cpu[0] > 0) slowest = std::min(slowest, cpu[0]);
        best = std::max(best, total / slowest / 1e9);
    }
    if (sink == 12345.678f) std::printf(" ");  // keep the results observable
    return best;
}

}  // namespace

int main(int argc, char **argv) {
    int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    double ms = 40;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (a == "--ms" && i + 1 < argc) ms = std::atof(argv[++i]);
        else {
            std::fprintf(stderr, "usage: fma_peak [--threads N] [--ms MILLIS]\n");
            return 2;
        }
    }
    if (threads < 1 || ms <= 0) {
        std::fprintf(stderr, "fma_peak: --threads and --ms must be positive\n");
        return 2;
    }
    struct Isa { const char *name; Kernel kernel; int lanes; };
    std::vector<Isa> isas;
#if MNV3_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) isas.push_back({"avx512", fma_avx512, 16});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isas.push_back({"avx2", fma_avx2, 8});
#endif
#if MNV3_NEON
    isas.push_back({"neon", fma_neon, 4});
#endif
    if (isas.empty()) {
        std::fprintf(stderr, "fma_peak: no vector FMA on this machine\n");
        return 1;
    }
    std::printf("{\"isas\":[");
    double peak1 = 0, peakn = 0;
    std::string best;
    for (size_t k = 0; k < isas.size(); k++) {
        double g1 = measure(isas[k].kernel, 1, ms, 12);
        double gn = threads > 1 ? measure(isas[k].kernel, threads, ms, 12) : g1;
        if (g1 > peak1) {
            peak1 = g1;
            peakn = gn;
            best = isas[k].name;
        }
        std::printf("%s{\"isa\":\"%s\",\"lanes\":%d,\"gflops_1t\":%.1f,\"gflops_nt\":%.1f}", k ? "," : "", isas[k].name,
                    isas[k].lanes, g1, gn);
    }
    std::printf("],\"threads\":%d,\"best_isa\":\"%s\",\"peak_gflops_1t\":%.1f,\"peak_gflops_nt\":%.1f}\n", threads,
                best.c_str(), peak1, peakn);
    return 0;
}

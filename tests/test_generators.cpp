// Generator-level tests: every AOT-compiled test instance (tests/generator_cases.cmake) is
// run on seeded random inputs and weights and compared element by element against the
// independent C++ reference (tests/reference).
//
// Tolerance: |halide - ref| <= 1e-4 * (1 + |ref|) for every output element
// (mnv3ref::kDefaultTolerance). Justification: the reference accumulates in double, Halide
// in fp32 (with FMA, in schedule-dependent order). A fp32 sum of n terms carries an error
// of ~sqrt(n) * 2^-24 * (typical partial sum) and at worst n * 2^-24 * sum|terms|. The
// longest reductions are 960 (project, head), 1280 (logits) and 3136 (SE pool over 56x56)
// terms of O(1)..O(10) values (weights scaled by 1/sqrt(fan_in)), so with cancellation the
// error is ~1e-5 absolute, compounded through expand -> depthwise -> SE -> project. The
// "1 +" makes the bound absolute (1e-4) for outputs near zero, where cancellation leaves an
// absolute rather than relative error; "|ref|" makes it relative for large outputs.
// Measured: worst err / allowed 0.17 over all instances (max |err| 2.3e-5, on outputs up to
// |37|), so ~6x margin; a wrong tap, channel, pad or stride changes outputs by O(0.1) or
// more, and the perturbation check below shows a 0.25 change of one weight is caught.
// The per-instance error is printed (run the binary with -s, or ctest -V).
#include "HalideBuffer.h"
#include "HalideRuntime.h"
#include "kind_case.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "generator_cases_includes.h"

namespace {

using Halide::Runtime::Buffer;
using namespace mnv3ref;

struct GeneratorCase {
    const char *name, *generator, *params;
    int (*argv)(void **);
    const halide_filter_metadata_t *(*metadata)();
};

#define MNV3_GENERATOR_CASE(NAME, GEN, PARAMS) {#NAME, GEN, PARAMS, NAME##_argv, NAME##_metadata},
const GeneratorCase kCases[] = {
#include "generator_cases.inc"
};
#undef MNV3_GENERATOR_CASE

const GeneratorCase &find_case(const std::string &name) {
    for (const GeneratorCase &c : kCases)
        if (name == c.name) return c;
    FAIL("no generator test instance " << name);
    return kCases[0];
}

// ---- running an instance ----------------------------------------------------------------

Buffer<float> to_buffer(const Packed &p) {
    Buffer<float> b(p.extents);  // dense, innermost first
    REQUIRE(b.number_of_elements() == p.v.size());
    std::memcpy(b.data(), p.v.data(), p.v.size() * sizeof(float));
    return b;
}

// Calls the instance through its _argv entry point, arguments matched to the inputs by the
// names in its metadata. Returns Halide's return code.
int call_instance(const GeneratorCase &gc, const std::vector<std::pair<std::string, Buffer<float>>> &inputs,
                  Buffer<float> &output) {
    const halide_filter_metadata_t *md = gc.metadata();
    std::vector<void *> args;
    for (int a = 0; a < md->num_arguments; a++) {
        const halide_filter_argument_t &arg = md->arguments[a];
        if (arg.kind == halide_argument_kind_output_buffer) {
            REQUIRE(std::string(arg.name) == "output");
            args.push_back(output.raw_buffer());
            continue;
        }
        REQUIRE(arg.kind == halide_argument_kind_input_buffer);
        void *found = nullptr;
        for (const auto &in : inputs)
            if (in.first == arg.name) found = const_cast<halide_buffer_t *>(in.second.raw_buffer());
        if (!found) FAIL(gc.name << ": no data for generator input " << arg.name);
        args.push_back(found);
    }
    REQUIRE(args.size() == inputs.size() + 1);  // every input we packed was consumed
    return gc.argv(args.data());
}

std::vector<std::pair<std::string, Buffer<float>>> to_buffers(const NamedPacked &packed) {
    std::vector<std::pair<std::string, Buffer<float>>> r;
    for (const auto &p : packed) r.emplace_back(p.first, to_buffer(p.second));
    return r;
}

// Records Halide errors instead of printing them.
std::vector<std::string> g_halide_errors;
extern "C" void record_halide_error(void *, const char *msg) { g_halide_errors.emplace_back(msg); }

struct ErrorCapture {
    halide_error_handler_t old;
    ErrorCapture() : old(halide_set_error_handler(record_halide_error)) { g_halide_errors.clear(); }
    ~ErrorCapture() { halide_set_error_handler(old); }
    std::string text() const {
        std::string s;
        for (const std::string &e : g_halide_errors) s += e;
        return s;
    }
};

// Seeded per instance name, so an instance's data does not change when others are added.
uint64_t seed_of(const char *name) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (const char *c = name; *c; c++) h = (h ^ uint8_t(*c)) * 1099511628211ull;
    return h;
}

// The kind's reference case (tests/reference/<kind>_case.cpp).
const KindCase &case_of(const std::string &kind) {
    for (const KindCase *k : kind_cases())
        if (kind == k->kind) return *k;
    FAIL("no reference case for layer kind " << kind << " (tests/reference/" << kind << "_case.cpp)");
    return *kind_cases().front();
}

Prepared prepare(const GeneratorCase &gc) {
    Rng rng(seed_of(gc.name));
    try {
        return case_of(gc.generator).prepare(CaseParams(gc.params), rng);
    } catch (const std::exception &e) {
        FAIL(gc.name << ": " << e.what());
    }
    return {};
}

void check_instance(const GeneratorCase &gc) {
    INFO("instance " << gc.name << " (" << gc.generator << " " << gc.params << ")");
    const Prepared prep = prepare(gc);
    auto inputs = to_buffers(prep.packed);
    Buffer<float> out(prep.out_extents);
    out.fill(std::nanf(""));  // anything Halide fails to write shows up as NaN

    ErrorCapture errors;
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = call_instance(gc, inputs, out);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    INFO("halide errors: " << errors.text());
    REQUIRE(rc == 0);
    REQUIRE(out.number_of_elements() == prep.ref.size());

    const Comparison cmp = compare(out.data(), prep.ref.data(), prep.ref.size());
    std::printf("%-40s %9zu outputs  max|err| %.2e  err/allowed %.3f  max|ref| %6.2f  %7.2f ms\n",
                gc.name, cmp.n, cmp.max_abs_err, cmp.max_ratio, cmp.max_abs_want, ms);
    INFO(cmp.summary());
    CHECK(cmp.ok());

    // The comparison must be able to fail: against the reference with one weight changed
    // by 0.25, the very same Halide output is rejected.
    const Comparison bad = compare(out.data(), prep.perturbed.data(), prep.perturbed.size());
    INFO("perturbed reference: " << bad.summary());
    CHECK_FALSE(bad.ok());
}

}  // namespace

// One Catch test case per instance (generated list).
#define MNV3_GENERATOR_CASE(NAME, GEN, PARAMS)                  \
    TEST_CASE("instance " #NAME, "[generator][" GEN "]") {      \
        check_instance(find_case(#NAME));                       \
    }
#include "generator_cases.inc"
#undef MNV3_GENERATOR_CASE

TEST_CASE("every generator and the zoo's key combinations have instances", "[generator]") {
    std::map<std::string, int> per_gen;
    for (const GeneratorCase &c : kCases) per_gen[c.generator]++;
    CHECK(per_gen["stem"] >= 3);
    CHECK(per_gen["bneck"] >= 20);
    CHECK(per_gen["last"] >= 3);
    for (const KindCase *k : kind_cases()) {
        INFO("layer kind " << k->kind << ": no instance in tests/cases/" << k->kind << ".cmake");
        CHECK(per_gen[k->kind] >= 1);
    }
}

// Wrong shapes are rejected with an error code through the error handler, not a crash.
TEST_CASE("wrongly shaped buffers return an error", "[generator][errors]") {
    // A 2-D weight input of each kind that is always present (never a placeholder).
    for (const KindCase *kc : kind_cases()) {
        const std::pair<std::string, std::string> gw = {kc->kind, kc->always_present_weight};
        const GeneratorCase *gc = nullptr;
        for (const GeneratorCase &c : kCases)
            if (gw.first == c.generator) {
                gc = &c;
                break;
            }
        REQUIRE(gc);
        INFO("instance " << gc->name);
        const Prepared prep = prepare(*gc);
        REQUIRE(prep.packed[0].first == "input");

        // Sanity: the correctly shaped call succeeds and reports nothing.
        {
            auto inputs = to_buffers(prep.packed);
            Buffer<float> out(prep.out_extents);
            ErrorCapture errors;
            CHECK(call_instance(*gc, inputs, out) == 0);
            CHECK(g_halide_errors.empty());
        }
        // Input with one channel too many.
        {
            auto inputs = to_buffers(prep.packed);
            std::vector<int> ext = prep.packed[0].second.extents;
            ext[0] += 1;
            inputs[0].second = Buffer<float>(ext);
            inputs[0].second.fill(0.0f);
            Buffer<float> out(prep.out_extents);
            ErrorCapture errors;
            const int rc = call_instance(*gc, inputs, out);
            INFO("input: rc " << rc << ", errors: " << errors.text());
            CHECK(rc != 0);
            CHECK_FALSE(g_halide_errors.empty());
        }
        // Output one element short in its outermost dimension.
        {
            auto inputs = to_buffers(prep.packed);
            std::vector<int> ext = prep.out_extents;
            ext.back() -= 1;
            Buffer<float> out(ext);
            ErrorCapture errors;
            const int rc = call_instance(*gc, inputs, out);
            INFO("output: rc " << rc << ", errors: " << errors.text());
            CHECK(rc != 0);
            CHECK_FALSE(g_halide_errors.empty());
        }
        // Right extents, wrong strides: a weight buffer cropped out of a wider one.
        {
            auto inputs = to_buffers(prep.packed);
            Buffer<float> *w = nullptr;
            for (auto &in : inputs)
                if (in.first == gw.second) w = &in.second;
            REQUIRE(w);
            REQUIRE(w->dimensions() >= 2);
            std::vector<int> wide(w->dimensions());
            for (int d = 0; d < w->dimensions(); d++) wide[d] = w->dim(d).extent();
            const int inner = wide[0];
            wide[0] += 3;
            Buffer<float> padded(wide);
            padded.fill(0.0f);
            *w = padded.cropped(0, 0, inner);
            Buffer<float> out(prep.out_extents);
            ErrorCapture errors;
            const int rc = call_instance(*gc, inputs, out);
            INFO(gw.second << " strided: rc " << rc << ", errors: " << errors.text());
            CHECK(rc != 0);
            CHECK_FALSE(g_halide_errors.empty());
        }
    }
}

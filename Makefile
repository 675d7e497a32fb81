# Top-level entry points. Everything below sets itself up on a fresh Debian 12 machine.
#   make test   install dependencies, build, run every test (ctest)
#   make demo   build and run the main job on the bundled defaults
#   make bench  speed against ONNX Runtime, XNNPACK, PyTorch: report in bench/results/
#   make fuzz   the libFuzzer targets for a bounded time
#   make arm    cross-compile for 64-bit ARM (ARM_TARGET, ARM_PRESET, ARM_FEATURES: docs/arm.md)
#   make test-arm  the test suite built for arm-64-linux, run under qemu-aarch64
#   make insns  ARM guest instructions per layer and per inference under qemu (bench/results/)
#   make test-asan  the runtime, apps and their tests under ASan + UBSan (AVX2 layers)
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps configure build test demo bench fuzz clean deps-arm arm test-arm insns test-asan

all: build

deps:
	@tools/install-deps.sh
	@tools/install-node-deps.sh tests/tflite_ref

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	tools/demo.sh $(BUILD)

# Also installs the peers (tools/install-deps.sh --bench: XNNPACK, gnuplot; ONNX Runtime for
# node) and configures again so that bench/peers.cmake finds what was just installed.
bench: deps
	@tools/install-deps.sh --bench
	@tools/install-node-deps.sh bench/ort
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS) > /dev/null
	cmake --build $(BUILD) -j $(JOBS)
	tools/bench.sh $(BUILD)

# libFuzzer targets (clang, ASan + UBSan), each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
fuzz: deps
	tools/fuzz.sh $(FUZZ_SECONDS)

# The runtime, apps and their tests built with AddressSanitizer + UndefinedBehaviorSanitizer
# (valgrind cannot run the AVX-512 code here), the layers for an AVX2 target: the network,
# graph, bad-input and classify tests.
ASAN_BUILD ?= build-asan
ASAN_TARGET ?= x86-64-linux-avx-avx2-f16c-fma-sse41
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DMNV3_SANITIZE=ON -DMNV3_HALIDE_TARGET=$(ASAN_TARGET) \
	      -DMNV3_BENCH_OPBYOP=OFF $(CMAKE_ARGS) > /dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target test_network test_bad_input test_graph classify torch_refs
	MNV3_SANITIZED=1 ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -R '^(network|bad_input|graph|classify)$$'

# 64-bit ARM (docs/arm.md): build-arm-<Halide target>, installed into build-arm-<target>/install.
ARM_TARGET ?= arm-64-linux
ARM_PRESET ?=
ARM_FEATURES ?=
ARM_ENV = ARM_TARGET=$(ARM_TARGET) ARM_PRESET=$(ARM_PRESET) ARM_FEATURES=$(ARM_FEATURES) JOBS=$(JOBS)

deps-arm: deps
	@tools/install-deps.sh --arm

arm: deps-arm
	$(ARM_ENV) tools/arm.sh

# The x86 tree's dump_logits is the reference the ARM logits are compared with.
test-arm: deps-arm configure
	$(ARM_ENV) tools/test-arm.sh $(BUILD)

# The ARM cost measure without a phone (docs/instruction-counts.md).
insns: arm
	tools/insns.sh $$($(ARM_ENV) tools/arm.sh --print-build-dir)

clean:
	rm -rf $(BUILD)

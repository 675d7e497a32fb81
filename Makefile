# Top-level entry points. Everything below sets itself up on a fresh Debian 12 machine.
#   make test   install dependencies, build, run every test (ctest)
#   make demo   build and run the main job on the bundled defaults
#   make bench  end-to-end and per-layer latency against ONNX Runtime
#   make fuzz   the libFuzzer targets for a bounded time
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps configure build test demo bench fuzz clean

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

bench: build
	@tools/install-node-deps.sh bench/ort
	tools/bench.sh $(BUILD)

# libFuzzer targets (clang, ASan + UBSan), each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
fuzz: deps
	tools/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)

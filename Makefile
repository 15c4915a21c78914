# Front door for esimctl. `make demo` and `make test` install what is missing
# (Debian 12 packages), build into build/ (and build-fuzz/, build-asan/ for the test stages), and run.
BUILD ?= build
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build test test-fast demo clean bench fuzz fuzz-build fuzz-smoke test-asan install deb

all: build

deps:
	@$(SUDO) ./tools/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The whole quality bar, as CI runs it: the suite, a short run of every fuzzer (with its committed
# regressions), then the suite again under ASan+UBSan. `make test-fast` is the first step alone.
test: test-fast
	$(MAKE) fuzz-smoke
	$(MAKE) test-asan

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The demo builds only what it runs: the CLI, the virtual eUICC, the test SM-DP+ and the two rig helpers that
# start a private pcscd (tests/pcsc-rig.sh); `make test` builds the rest, unit tests included.
DEMO_TARGETS := esimctl esimctl-vcard socket_activate pcsc_wait test-smdp
demo: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target $(DEMO_TARGETS)
	./tools/demo.sh $(BUILD)

# `make install [PREFIX=/usr/local] [DESTDIR=...]`: builds what is installed (the two programs, the
# data directory, the man pages and completions) and installs it; esimctl finds its data at
# PREFIX/share/esimctl from PREFIX/bin (README.md, "Installing"). `make deb`: the same as a .deb
# (CPack, prefix /usr) in $(BUILD)/, e.g. build/esimctl_0.1.0_amd64.deb: `sudo apt install ./build/esimctl_*.deb`.
PREFIX ?= /usr/local
INSTALL_TARGETS := esimctl esimctl-vcard esim_ci_data esim_cli_files
install: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target $(INSTALL_TARGETS)
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"
deb: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target $(INSTALL_TARGETS)
	cd $(BUILD) && cpack -G DEB

# Benchmarks in their own Release build; writes docs/performance.md (tests/bench/run-bench.sh).
BENCH_BUILD ?= build-bench
bench: deps
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target esimctl esimctl-vcard esim-bench bench-exec socket_activate pcsc_wait test-smdp esimctl-modemsim
	./tests/bench/run-bench.sh $(BENCH_BUILD)

# libFuzzer targets (tests/fuzz/) in their own clang build with ASan+UBSan; each target runs
# FUZZ_SECONDS on a temp copy of its seed corpus (docs/testing.md, "Fuzzing"). `make test` runs
# the short fuzz-smoke.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 15
$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESIMCTL_FUZZ=ON
fuzz-build: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
fuzz: fuzz-build
	./tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)
fuzz-smoke: fuzz-build
	./tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

# The whole ctest suite again on an ASan (+LeakSanitizer) + UBSan build of everything, every
# sanitizer report fatal (docs/testing.md, "Sanitizers"). `make test` runs it after the normal suite.
ASAN_BUILD ?= build-asan
$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DESIMCTL_SANITIZE=ON \
	      -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DCMAKE_CXX_FLAGS_DEBUG="-g -O1"
test-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	./tools/test-asan.sh $(ASAN_BUILD) $(JOBS)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(ASAN_BUILD) $(BENCH_BUILD)

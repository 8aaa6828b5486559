# SPDX-License-Identifier: GPL-2.0-or-later
# Thin front end: everything real lives in CMake/CTest and scripts/.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
# Sanitizer and fuzz builds live in their own build dirs (tests/fuzz/README.md).
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_RUNS ?= 0
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# verify_asan_link_order=0: umockdev-wrapper LD_PRELOADs its library ahead of the ASan runtime.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:verify_asan_link_order=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all deps configure check check-asan fuzz unit demo install lab clean

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	scripts/deps

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

# The README's test command: installs what it needs, builds both plugins, runs every suite.
check: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) check-asan

# Unit, helper, pstn (and fuzz corpus replay) suites under ASan+UBSan. Not pppd/lab: the plugin
# .so cannot be ASan-instrumented inside the uninstrumented pppd. -O1 keeps timing-sensitive
# helper tests honest; warnings are the normal build's job (-Werror there), so not errors here.
check-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DMSCB_WERROR=OFF \
		-DCMAKE_C_FLAGS="-O1 $(SANITIZE)" -DCMAKE_CXX_FLAGS="-O1 $(SANITIZE)" \
		-DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE)" -DCMAKE_SHARED_LINKER_FLAGS="$(SANITIZE)" \
		-DCMAKE_MODULE_LINKER_FLAGS="$(SANITIZE)" $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && $(ASAN_ENV) ctest --output-on-failure -j $(JOBS) -L 'unit|helper|pstn|fuzz'

# libFuzzer targets (clang), each run FUZZ_SECONDS (or FUZZ_RUNS execs, if sooner) from tests/fuzz/corpus/<target>; non-zero
# exit on any finding. FUZZ_JOBS targets at once; findings under $(BUILD_FUZZ)/fuzz-out/.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMSCB_FUZZ=ON \
		-DMSCB_WERROR=OFF -DMSCB_COMPONENTS=helper \
		-DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
		-DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		$(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target mscb_fuzzers
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run-fuzzers $(BUILD_FUZZ)

# The README's first command: set up the lab from nothing and play one full callback.
demo:
	BUILD=$(BUILD) scripts/demo

# Unit suites only (no real pppd, no lab): fast inner loop.
unit: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE 'pppd|lab'

install: all
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)

# Debian packages (see scripts/package-build): the bookworm .deb in build/packages/bookworm/;
# package-check also runs lintian and an install test in a throwaway bookworm root.
.PHONY: package package-check
package:
	scripts/package-build bookworm

package-check:
	scripts/package-check

# Benchmarks (doc/performance.md): plugin-core ns/op and instructions/op (callgrind), the helper
# with HELPER_JOBS concurrent jobs on ptys (root; default 1000, the issue's scale). Own build dir:
# bench/ joins through MSCB_COMPONENTS, so the default build does not need libbenchmark-dev.
# Results in $(BUILD_BENCH)/bench-results/. The lab figures: see doc/performance.md.
BUILD_BENCH ?= build-bench
HELPER_JOBS ?= 1000
.PHONY: bench
bench: deps
	cmake -S . -B $(BUILD_BENCH) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DMSCB_COMPONENTS="helper;tools/pstn;bench" $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_BENCH) -j $(JOBS) --target mscb_core_bench mscb_helper_scale mscb-helper
	HELPER_JOBS=$(HELPER_JOBS) bench/run $(BUILD_BENCH)

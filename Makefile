# SPDX-License-Identifier: GPL-2.0-or-later
# Thin front end: everything real lives in CMake/CTest and scripts/.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps configure check unit demo install lab clean

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	scripts/deps

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

# The README's test command: installs what it needs, builds both plugins, runs every suite.
check: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The README's first command: set up the lab from nothing and play one full callback.
demo:
	BUILD=$(BUILD) scripts/demo

# Unit suites only (no real pppd, no lab): fast inner loop.
unit: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE 'pppd|lab'

install: all
	cmake --install $(BUILD) $(if $(DESTDIR),,)

clean:
	rm -rf $(BUILD)

# Debian packages (see scripts/package-build): the bookworm .deb in build/packages/bookworm/;
# package-check also runs lintian and an install test in a throwaway bookworm root.
.PHONY: package package-check
package:
	scripts/package-build bookworm

package-check:
	scripts/package-check

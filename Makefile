# SPDX-License-Identifier: GPL-2.0
#
# virtio_dma_policy: top-level entry points.
#
#   make                      module for KDIR (default: the running kernel)
#   make check                host unit tests of the C++ core
#   make fuzz                 bounded libFuzzer run of the rule parser
#   make bench                benchmark numbers (never pass/fail)
#   make kunit [SAN=1]        KUnit suites under UML
#   make qemu-test ARCH=...   QEMU boot tests (x86_64; ppc64, sparc64 to come)
#   make bench-guest          in-guest throughput figures (never pass/fail)
#   make demo                 boot a guest that shows the module's decisions
#   make test                 everything above that is a test
#
# Every test target ends with "N passed, M failed" and fails on any failure.

KDIR ?= /lib/modules/$(shell uname -r)/build
SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# Kernel ARCH names for the module build; the test targets take the QEMU
# names x86_64, ppc64 and sparc64.
QEMU_ARCH ?= $(or $(filter-out x86 powerpc sparc,$(ARCH)),x86_64)
export VDP_STATE := $(HOME)/.cache/virtio_dma_policy

.PHONY: all modules kdir-exists clean check fuzz bench kunit qemu-test test demo \
	bench-guest checkpatch sparse help

all: modules

modules: kdir-exists
	$(MAKE) -C $(KDIR) M=$(SRC) modules

kdir-exists:
	@test -f $(KDIR)/Makefile || { echo "No kernel build dir at KDIR=$(KDIR)."; \
	  echo "Install the headers of the running kernel, or pass KDIR=/usr/src/linux-headers-<abi>."; \
	  exit 1; }

sparse: kdir-exists
	$(MAKE) -C $(KDIR) M=$(SRC) C=2 modules

checkpatch:
	$(SRC)/scripts/checkpatch

clean:
	$(MAKE) -C $(KDIR) M=$(SRC) clean 2>/dev/null || true
	rm -rf $(SRC)/tests/host/build
	find $(SRC)/drivers -name '*.o' -o -name '.*.cmd' -o -name '*.o.d' | xargs rm -f

check:
	$(MAKE) -C $(SRC)/tests/host check

fuzz:
	$(MAKE) -C $(SRC)/tests/host fuzz

bench:
	$(MAKE) -C $(SRC)/tests/host bench

# QEMU boot tests: QEMU_TEST_ARGS passes runner options, e.g.
# QEMU_TEST_ARGS="--kernels 6.12 q35-enforce" (see qemu-tests/README.md).
qemu-test:
	$(SRC)/qemu-tests/run --arch $(QEMU_ARCH) $(QEMU_TEST_ARGS)

bench-guest:
	$(SRC)/qemu-tests/bench $(QEMU_TEST_ARGS)

# The main job: build the module for a Debian 6.1 guest, boot it on q35 with
# intel-iommu and show the module's decisions for eight differently
# configured disks.
demo:
	$(SRC)/qemu-tests/run --arch x86_64 --kernels 6.1 --show q35-enforce

test:
	$(SRC)/scripts/run-tests

help:
	@sed -n '3,14p' $(SRC)/Makefile

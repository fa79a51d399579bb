# SPDX-License-Identifier: GPL-2.0
#
# virtio_dma_policy: top-level entry points.
#
#   make                      module for KDIR (default: the running kernel)
#   make check                host unit tests of the C++ core
#   make tool-check           tests of the vdp-policy host command
#   make fuzz                 bounded libFuzzer run of the rule parser
#   make bench                benchmark numbers (never pass/fail)
#   make kunit [SAN=1]        KUnit suites under UML
#   make qemu-test ARCH=...   QEMU boot tests (x86_64, ppc64, sparc64, arm64)
#   make bench-guest          in-guest throughput figures (never pass/fail)
#   make demo                 boot a guest that shows the module's decisions
#   make dkms-check           DKMS add/build/install/remove in private trees
#   make supply-check         kernel fetching against a mirror missing files
#   make packaging-check      make install into a Debian root, boot it
#   make deb                  the Debian packages, in build/deb/
#   make man                  the manual pages from README.md, in build/man/
#   make install / uninstall  see the install section below
#   make test                 the test suites, summed (scripts/run-tests)
#
# Every test target ends with "N passed, M failed" and fails on any failure.

KDIR ?= /lib/modules/$(shell uname -r)/build
SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# Kernel ARCH names for the module build; the test targets take the QEMU
# names x86_64, ppc64, sparc64 and arm64 (aarch64 alike).
QEMU_ARCH ?= $(patsubst aarch64,arm64,$(patsubst x86,x86_64,$(patsubst powerpc,ppc64,$(patsubst sparc,sparc64,$(or $(ARCH),x86_64)))))
export VDP_STATE := $(HOME)/.cache/virtio_dma_policy
# Sub-makes run one job per CPU unless the caller chose -j itself.
JOBS := $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))

.PHONY: all modules kdir-exists clean check fuzz bench kunit qemu-test test demo \
	bench-guest checkpatch sparse help

all: modules

modules: kdir-exists
	$(MAKE) $(JOBS) -C $(KDIR) M=$(SRC) modules

kdir-exists:
	@test -f $(KDIR)/Makefile || { echo "No kernel build dir at KDIR=$(KDIR)."; \
	  echo "Install the headers of the running kernel, or pass KDIR=/usr/src/linux-headers-<abi>."; \
	  exit 1; }

sparse: kdir-exists
	$(MAKE) $(JOBS) -C $(KDIR) M=$(SRC) C=2 modules

checkpatch:
	$(SRC)/scripts/checkpatch

clean:
	$(MAKE) -C $(KDIR) M=$(SRC) clean 2>/dev/null || true
	rm -rf $(SRC)/tests/host/build $(SRC)/scripts/vdp-policy.d/build
	find $(SRC)/drivers -name '*.o' -o -name '.*.cmd' -o -name '*.o.d' | xargs rm -f

check:
	$(MAKE) $(JOBS) -C $(SRC)/tests/host check

fuzz:
	$(MAKE) -C $(SRC)/tests/host fuzz

bench:
	$(MAKE) -C $(SRC)/tests/host bench

# KUnit suites under UML built from Debian's linux-source-6.1, 6.12 and 7.2
# (cached; KUNIT_KERNELS="6.12" for some); SAN=1: a KASAN + UBSAN +
# kmemleak kernel, the C++ core instrumented too.
kunit:
	$(SRC)/scripts/kunit SAN=$(or $(SAN),0)

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
	@sed -n '3,22p' $(SRC)/Makefile

# ---------------------------------------------------------------------------
# Installing without DKMS, and the host tool (README.md, "Installing" and
# "Daily use").  DKMS users: dkms.conf, then `make install-config install-tool`.
#
#   make install [KVER=<release>|KDIR=<dir>] [DESTDIR=<root>] [UPDATE_INITRAMFS=1]
#       install-module  /lib/modules/<kver>/updates/virtio_dma_policy.ko, depmod
#       install-config  /etc/modprobe.d/virtio_dma_policy.conf (load order) and,
#                       with initramfs-tools, /etc/initramfs-tools/hooks/virtio_dma_policy
#       install-tool    $(BINDIR)/vdp-policy
#   make uninstall      removes exactly these files (uninstall-module/-config/-tool)
#   make tool           build the host command (scripts/vdp-policy runs it)
#   make tool-check     its tests: decide/lint/table, README tables vs the core
#   make version        the version: MODULE_VERSION() in drivers/vdp_main.c
#
# KVER alone selects /lib/modules/KVER/build; KDIR alone gives its release
# (UTS_RELEASE, as in the module's vermagic).  With DESTDIR nothing runs on the
# host (no depmod, no update-initramfs): a package's scripts do that.

VDP_VERSION := $(shell sed -n 's/^MODULE_VERSION("\([^"]*\)");$$/\1/p' $(SRC)/drivers/vdp_main.c)
ifeq ($(origin KDIR),file)
ifneq ($(KVER),)
KDIR := /lib/modules/$(KVER)/build
endif
endif
ifeq ($(KVER),)
KVER := $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(shell uname -r))
endif
MODDIR ?= /lib/modules/$(KVER)/updates
MODPROBE_DIR ?= /etc/modprobe.d
INITRAMFS_HOOK_DIR ?= /etc/initramfs-tools/hooks
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
# Install the initramfs-tools hook: by default when initramfs-tools is here.
INITRAMFS_TOOLS ?= $(if $(wildcard /usr/share/initramfs-tools/hook-functions),1,0)
UPDATE_INITRAMFS ?= 0
DEPMOD ?= depmod
VDP_TOOL := $(SRC)/scripts/vdp-policy.d/build/vdp-policy
VDP_PKG := $(SRC)/scripts/packaging

.PHONY: install uninstall install-module uninstall-module install-config \
	uninstall-config install-tool uninstall-tool tool tool-check version

version:
	@echo $(VDP_VERSION)

tool:
	$(MAKE) -C $(SRC)/scripts/vdp-policy.d

tool-check:
	$(MAKE) -C $(SRC)/scripts/vdp-policy.d check

install: install-module install-config install-tool
	@if [ -z "$(DESTDIR)" ]; then \
	  if [ "$(UPDATE_INITRAMFS)" = 1 ] && [ -e /boot/initrd.img-$(KVER) ]; then \
	    echo "update-initramfs -u -k $(KVER)"; update-initramfs -u -k $(KVER); \
	  elif [ "$(INITRAMFS_TOOLS)" = 1 ]; then \
	    echo "To load the module early at boot (virtio root disk), rebuild the initramfs:"; \
	    echo "  update-initramfs -u -k $(KVER)   (or make install UPDATE_INITRAMFS=1)"; \
	  fi; \
	fi

uninstall: uninstall-module uninstall-config uninstall-tool
	@if [ -z "$(DESTDIR)" ]; then \
	  if [ "$(UPDATE_INITRAMFS)" = 1 ] && [ -e /boot/initrd.img-$(KVER) ]; then \
	    echo "update-initramfs -u -k $(KVER)"; update-initramfs -u -k $(KVER); \
	  elif [ -e /boot/initrd.img-$(KVER) ]; then \
	    echo "The initramfs of $(KVER) may still hold the module: update-initramfs -u -k $(KVER)"; \
	  fi; \
	  if [ -d /sys/module/virtio_dma_policy ]; then \
	    echo "virtio_dma_policy is still loaded: it stays until reboot or rmmod"; \
	  fi; \
	fi

install-module: modules
	install -D -m 0644 $(SRC)/virtio_dma_policy.ko $(DESTDIR)$(MODDIR)/virtio_dma_policy.ko
	@if [ -e $(DESTDIR)$(MODDIR)/dkms/virtio_dma_policy.ko ]; then \
	  echo "warning: DKMS also installed virtio_dma_policy for $(KVER): remove one (dkms remove ...)"; fi
	@if [ -z "$(DESTDIR)" ]; then echo "$(DEPMOD) -a $(KVER)"; $(DEPMOD) -a $(KVER); \
	else echo "DESTDIR set: run depmod -a $(KVER) on the target"; fi

uninstall-module:
	rm -f $(DESTDIR)$(MODDIR)/virtio_dma_policy.ko
	-@rmdir $(DESTDIR)$(MODDIR) 2>/dev/null || true
	@if [ -z "$(DESTDIR)" ] && [ -d /lib/modules/$(KVER) ]; then \
	  echo "$(DEPMOD) -a $(KVER)"; $(DEPMOD) -a $(KVER); fi

install-config:
	install -D -m 0644 $(VDP_PKG)/modprobe.d/virtio_dma_policy.conf \
		$(DESTDIR)$(MODPROBE_DIR)/virtio_dma_policy.conf
	@if [ "$(INITRAMFS_TOOLS)" = 1 ]; then \
	  echo "install -D -m 0755 $(VDP_PKG)/initramfs-tools/hooks/virtio_dma_policy $(DESTDIR)$(INITRAMFS_HOOK_DIR)/virtio_dma_policy"; \
	  install -D -m 0755 $(VDP_PKG)/initramfs-tools/hooks/virtio_dma_policy \
		$(DESTDIR)$(INITRAMFS_HOOK_DIR)/virtio_dma_policy; \
	else echo "initramfs-tools not installed: no initramfs hook (INITRAMFS_TOOLS=1 to force)"; fi

uninstall-config:
	rm -f $(DESTDIR)$(MODPROBE_DIR)/virtio_dma_policy.conf \
		$(DESTDIR)$(INITRAMFS_HOOK_DIR)/virtio_dma_policy

install-tool: tool
	install -D -m 0755 $(VDP_TOOL) $(DESTDIR)$(BINDIR)/vdp-policy
	install -D -m 0644 $(VDP_PKG)/bash-completion/vdp-policy \
		$(DESTDIR)$(COMPLETION_DIR)/vdp-policy
	install -D -m 0644 $(SRC)/scripts/vdp-policy.d/vdp-policy.schema.json \
		$(DESTDIR)$(PREFIX)/share/vdp-policy/vdp-policy.schema.json

uninstall-tool:
	rm -f $(DESTDIR)$(BINDIR)/vdp-policy $(DESTDIR)$(COMPLETION_DIR)/vdp-policy \
		$(DESTDIR)$(PREFIX)/share/vdp-policy/vdp-policy.schema.json

# make install into a debootstrap'ed Debian 12 root, update-initramfs there
# and boot it under QEMU on Debian 6.1 and 6.12 (scripts/packaging/boot-check;
# PACKAGING_CHECK_ARGS="--offline 6.12" for one kernel without network).
# Debian packages virtio-dma-policy-dkms and vdp-policy (debian/), built
# with dpkg-buildpackage in a scratch copy; deb-check: build, lintian,
# contents, manual pages (scripts/packaging/deb-check).
.PHONY: deb deb-check man
deb:
	$(SRC)/scripts/packaging/build-deb $(SRC)/build/deb

deb-check:
	$(SRC)/scripts/packaging/deb-check

# vdp-policy(8) and virtio_dma_policy(4), generated from README.md
man: tool
	mkdir -p $(SRC)/build/man
	$(SRC)/scripts/gen-man $(SRC)/README.md $(VDP_VERSION) $(SRC)/build/man $(VDP_TOOL)

.PHONY: packaging-check
packaging-check:
	$(SRC)/scripts/packaging/boot-check $(PACKAGING_CHECK_ARGS)

# scripts/fetch-kernel against a local mirror proxy that answers 404 for
# chosen files (next candidate, recorded fallback, pins), and the boot
# runner with one generation unobtainable (scripts/supply.d/check).
.PHONY: supply-check
supply-check:
	$(SRC)/scripts/supply.d/check

# dkms add/build/install/remove of this tree for Debian 6.1 and 6.12, in
# private dkms trees (scripts/packaging/dkms-check; needs dkms).
.PHONY: dkms-check
dkms-check:
	$(SRC)/scripts/packaging/dkms-check $(PACKAGING_CHECK_ARGS)

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the bash scripts of the project share (sourced, never run):
#   VDP_KERNELS   the kernel generations the module claims, oldest first:
#                 the default of every script that loops over kernels
#                 (fetch-kernel, kunit, qemu-tests/run).  Each one is a
#                 Debian linux-source-<gen> / linux-image series.
#   kmake ARGS    make for a kernel tree: niced, and without the calling
#                 make's state (MAKEFLAGS & co would hand a top-level
#                 make's jobserver and flags to the kernel's make; ARCH
#                 from the environment would override the tree's).  With
#                 VDP_KMAKE_WRAP set, the command runs inside it (the sid
#                 build root: scripts/buildroot run ROOT).

# shellcheck disable=SC2034  # used by the scripts that source this file
VDP_KERNELS="6.1 6.12 7.2"

kmake() {
	# shellcheck disable=SC2086
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u ARCH \
		${VDP_KMAKE_WRAP:-} nice -n 10 make --no-print-directory "$@"
}

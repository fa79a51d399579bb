/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Row types of the shared case tables (the headers in tests/cases/).
 *
 * Plain C99 data: usable from the C++ host tests (GoogleTest) and from the
 * C KUnit suites compiled by Kbuild.  Only the contract header is included;
 * no libc, no C++-only syntax.  Each table is a `static const` array with a
 * count macro next to it.
 */
#ifndef VDP_CASE_TYPES_H
#define VDP_CASE_TYPES_H

#include "../../include/virtio_dma_policy.h"

#define VDP_CASES_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define VDP_BIT(n) ((vdp_u64)1 << (n))

/* Stock model: vring_use_dma_api() and virtio_features_ok(). */
struct vdp_stock_case {
	vdp_u8 b33, b32, xen, restricted;
	int use_dma_api;  /* vdp_stock_use_dma_api()  */
	int features_ok;  /* vdp_stock_features_ok() */
};

/* vring_transport_features(): does bit `bit` survive in generation gen? */
struct vdp_filter_bit_case {
	vdp_u8 gen;
	vdp_u8 bit;
	vdp_u8 kept;
	const char *why; /* file:line of the case label / the range check */
};

/* vdp_predict_negotiated(): one probe. */
struct vdp_predict_case {
	const char *name;
	vdp_u8 gen;
	vdp_u8 transport;
	vdp_u8 sriov_capable;
	vdp_u8 has_legacy;
	vdp_u64 offered[2];
	vdp_u64 drv[2];
	vdp_u64 drv_legacy;
	vdp_u64 expect[2];
};

/*
 * Safety table: one device (bits 32/33 as given, bit 34 always offered)
 * and at most one rule that matches it.  The rule carries clear=34+35
 * (35 never offered): when the rule is applied, driver_clear holds 34
 * (never 35); when it is not, nothing.
 */
struct vdp_safety_case {
	const char *name;
	vdp_u8 has_rule;    /* 0: empty table                        */
	vdp_u8 action;      /* enum vdp_action                       */
	vdp_u8 fallback;    /* enum vdp_fallback                     */
	vdp_u8 bounce;      /* the rule has restricted=bounce         */
	vdp_u8 o33, o32;    /* device offers bit 33 / bit 32         */
	vdp_u8 xen, restricted;
	vdp_u8 secure;      /* secure / memory-encrypted guest        */
	vdp_u8 swiotlb;     /* mappings forced through SWIOTLB        */
	vdp_u32 device_id;  /* virtio device id (2, 5 balloon, 26 fs) */
	vdp_u8 shm;         /* the device has a shared-memory region  */
	vdp_u8 iommu;       /* enum vdp_iommu                        */
	vdp_u8 direct_path;
	/* expected (enforce mode) */
	vdp_u8 verdict, path, reason;
	vdp_s32 err;
	vdp_u8 set33;       /* driver_set == {33}, else empty          */
	vdp_u8 hide33;      /* device_hide == {33}, else empty         */
	vdp_u8 clear33;     /* driver_clear has 33                     */
	vdp_u8 clear34;     /* driver_clear has 34 (rule's clear= used)*/
	vdp_u8 install;     /* install_direct_path                     */
	vdp_u8 edits;
	/* expected stock decision (audit mode path/err) */
	vdp_u8 stock_path;
	vdp_s32 stock_err;
};

/* Parser: valid input -> canonical text. */
struct vdp_parse_ok_case {
	const char *input;
	const char *canonical;
	vdp_u32 rules;
};

/* Parser: invalid input -> status and byte offset. */
struct vdp_parse_err_case {
	const char *input;
	vdp_u32 status;
	vdp_u32 offset;
	const char *message_has; /* substring the message must contain */
};

/* Precedence and matching: a rules string, a device, the expected rule. */
struct vdp_precedence_case {
	const char *name;
	const char *rules;
	struct vdp_device dev;
	struct vdp_platform plat;
	vdp_s32 rule;     /* expected matching rule index, -1 for none */
	vdp_u8 verdict;   /* expected verdict (dma facts: no IOMMU, no path) */
};

#endif /* VDP_CASE_TYPES_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Matching and precedence: first match wins; every present key must match.
 * The DMA facts are "no IOMMU, no direct path" for all rows, so the
 * expected verdict follows directly from the matched rule's action
 * (README safety table: dma/direct on !O33 without IOMMU apply,
 * physical applies outside Xen/restricted guests).
 */
#ifndef VDP_PRECEDENCE_CASES_H
#define VDP_PRECEDENCE_CASES_H

#include "vdp_case_types.h"

/*
 * Every field is spelled out: C++ warns about designated initializers that
 * leave members out (-Wmissing-field-initializers).
 */
#define VDP_CASE_DEV(id, vendor, tr, ispci, pv, pd, sv, sd, busname, devname, lo)  \
	{ .device_id = (id), .vendor_id = (vendor), .transport = (tr),           \
	  .is_pci = (ispci), .sriov_capable = 0, .shm_region = 0,                \
	  .pci_vendor = (pv), .pci_device = (pd),                                \
	  .sub_vendor = (sv), .sub_device = (sd),                                \
	  .bus = busname, .name = devname, .offered = { { (lo), 0 } } }
#define VDP_CASE_PLAT(a, x, ps, sec)                                             \
	{ .arch = (a), .gen = VDP_GEN_6_1, .xen = (x), .restricted_mem = 0,      \
	  .pseries = (ps), .secure_guest = (sec), .swiotlb_forced = 0,           \
	  .reserved0 = 0 }

/* A legacy virtio-blk PCI function as QEMU shows it: no VERSION_1, no bit 33. */
#define VDP_CASE_DEV_BLK                                                         \
	VDP_CASE_DEV(2, 0x1af4, VDP_TRANSPORT_PCI_LEGACY, 1, 0x1af4, 0x1001,     \
		     0x1af4, 0x0002, "0000:00:04.0", "virtio3",                  \
		     VDP_BIT(1) | VDP_BIT(2) | VDP_BIT(28))
/* A modern virtio-net on virtio-mmio with bit 33. */
#define VDP_CASE_DEV_NET_MMIO                                                    \
	VDP_CASE_DEV(1, 0x554d4551, VDP_TRANSPORT_MMIO, 0, 0, 0, 0, 0,           \
		     "a000000.virtio_mmio", "virtio0",                           \
		     VDP_BIT(0) | VDP_BIT(32) | VDP_BIT(33))
#define VDP_CASE_PLAT_X86 VDP_CASE_PLAT(VDP_ARCH_X86_64, 0, 0, 0)
#define VDP_CASE_PLAT_XEN VDP_CASE_PLAT(VDP_ARCH_X86_64, 1, 0, 0)
#define VDP_CASE_PLAT_PSERIES VDP_CASE_PLAT(VDP_ARCH_PPC64, 0, 1, 0)
#define VDP_CASE_PLAT_PSERIES_SECURE VDP_CASE_PLAT(VDP_ARCH_PPC64, 0, 1, 1)

static const struct vdp_precedence_case vdp_precedence_cases[] = {
	{ "empty table", "", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "first of two matching rules", "id=block,action=physical;id=block,action=dma",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_PHYSICAL },
	{ "non-matching first rule skipped", "id=net,action=dma;id=block,action=physical",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 1, VDP_VERDICT_PHYSICAL },
	{ "no rule matches", "id=net,action=dma;id=rng,action=refuse",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "catch-all first hides later rules", "action=refuse;id=block,action=dma",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_REFUSE },
	{ "id by number", "id=2,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "bus exact", "bus=0000:00:04.1,action=dma;bus=0000:00:04.0,action=direct",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 1, VDP_VERDICT_DIRECT },
	{ "bus prefix", "bus=0000:00:0*,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "bus prefix longer than name", "bus=0000:00:04.00*,action=dma",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "bus star", "bus=*,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "name prefix covering all", "name=virtio3*,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "name exact is not a prefix", "name=virtio,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "name longer", "name=virtio33,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "name is case sensitive", "name=VIRTIO3,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "pci vendor wildcard device", "pci=1af4:*,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "pci device mismatch", "pci=*:1042,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "pci exact", "pci=1af4:1001,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "subsys device half", "subsys=*:2,action=dma;action=physical",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "subsys mismatch", "subsys=*:3,action=dma;action=physical",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 1, VDP_VERDICT_PHYSICAL },
	{ "pci key never matches a non-PCI device", "pci=*:*,action=dma",
	  VDP_CASE_DEV_NET_MMIO, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "subsys key never matches a non-PCI device", "subsys=*:*,action=physical",
	  VDP_CASE_DEV_NET_MMIO, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "has all bits", "has=1+28,action=physical", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_PHYSICAL },
	{ "has needs every bit", "has=28+33,action=physical", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "lacks none offered", "lacks=33+32,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "lacks one offered", "lacks=1+33,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "has/lacks above 64", "lacks=64+127,action=dma", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "platform needs every flag", "platform=pseries+secure,action=direct;platform=pseries,action=dma",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_PSERIES, 1, VDP_VERDICT_DMA },
	{ "platform all flags present", "platform=pseries+secure,action=direct;platform=pseries,action=dma",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_PSERIES_SECURE, 0, VDP_VERDICT_DIRECT },
	{ "platform on x86", "platform=pseries,action=direct", VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, -1, VDP_VERDICT_AUTO },
	{ "arch", "arch=ppc64,action=dma;arch=x86_64,action=physical",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 1, VDP_VERDICT_PHYSICAL },
	{ "transport", "transport=pci,action=dma;transport=pci-legacy,action=physical",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 1, VDP_VERDICT_PHYSICAL },
	{ "vendor", "vendor=0x1af5,action=dma;vendor=0x1af4,action=physical",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 1, VDP_VERDICT_PHYSICAL },
	{ "every key must match", "id=block,bus=0000:00:04.0,name=virtio4,action=dma;id=block,action=physical",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 1, VDP_VERDICT_PHYSICAL },
	{ "all keys matching", "id=block,vendor=0x1af4,transport=pci-legacy,pci=1af4:1001,subsys=1af4:2,"
	  "bus=0000:00:04.0,name=virtio3,has=1,lacks=33,arch=x86_64,action=dma",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DMA },
	{ "user rule before builtin", "lacks=33,action=dma;lacks=33,platform=pseries+secure,action=direct,builtin",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_PSERIES_SECURE, 0, VDP_VERDICT_DMA },
	{ "physical in a secure guest: matched, not applied", "lacks=33,action=physical;lacks=33,platform=pseries+secure,action=direct,builtin",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_PSERIES_SECURE, 0, VDP_VERDICT_NOT_APPLIED },
	{ "builtin applies when no user rule matches", "id=net,action=physical;lacks=33,platform=pseries+secure,action=direct,builtin",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_PSERIES_SECURE, 1, VDP_VERDICT_DIRECT },
	{ "mmio device by bus", "bus=a000000.virtio_mmio,action=physical",
	  VDP_CASE_DEV_NET_MMIO, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_PHYSICAL },
	{ "direct on a bit-33 device without IOMMU", "transport=mmio,action=direct;action=physical",
	  VDP_CASE_DEV_NET_MMIO, VDP_CASE_PLAT_X86, 0, VDP_VERDICT_DIRECT },
	{ "an unsafe first match is not skipped for a later rule", "action=physical;action=dma",
	  VDP_CASE_DEV_BLK, VDP_CASE_PLAT_XEN, 0, VDP_VERDICT_NOT_APPLIED },
};
#define VDP_PRECEDENCE_CASES_COUNT VDP_CASES_COUNT(vdp_precedence_cases)

#endif /* VDP_PRECEDENCE_CASES_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vdp_predict_negotiated(): what virtio_dev_probe() and the transport's
 * finalize_features() leave in vdev->features before drv->validate().
 *
 * Source walk (line numbers 6.1 / 6.12 / 7.2):
 *  virtio.c virtio_dev_probe() 237 / 270 / 270:
 *    features = VERSION_1 offered ? drv & offered : drv_legacy & offered
 *      (6.1:272-275, 6.12:305-308, 7.2:305-313; legacy is 64-bit everywhere,
 *       drv_legacy = drv when there is no legacy table: 6.1:269, 7.2:302;
 *       6.x: get_features() and the driver tables are u64, 6.1:242-257)
 *    then every offered bit in [TRANSPORT_F_START, END) is set again
 *      (6.1:278-280, 6.12:314-316, 7.2:319-321)
 *  finalize_features():
 *    virtio_pci_modern.c vp_finalize_features() 6.1:43-52, 7.2:420-429:
 *      saves "features = vdev->features", calls vring_transport_features(),
 *      then vp_transport_features(vdev, features) which sets again
 *      SR_IOV (only with the SR-IOV capability), RING_RESET, and from 6.12
 *      ADMIN_VQ (6.1:29-40, 6.12:248-262, 7.2:367-381).
 *    virtio_mmio.c vm_finalize_features() (6.1:111-116) and
 *    virtio_pci_legacy.c vp_finalize_features() (6.1:31-36): only
 *      vring_transport_features().
 *  vring_transport_features(): see filter_cases.h.
 */
#ifndef VDP_PREDICT_CASES_H
#define VDP_PREDICT_CASES_H

#include "vdp_case_types.h"

#define B(n) VDP_BIT(n)

static const struct vdp_predict_case vdp_predict_cases[] = {
	{ "6.1 pci: unknown transport bits 30/37 dropped, RING_RESET re-set by vp_transport_features",
	  VDP_GEN_6_1, VDP_TRANSPORT_PCI, 0, 0,
	  { B(1) | B(2) | B(6) | B(9) | B(28) | B(29) | B(30) | B(32) | B(33) | B(34) | B(37) | B(40), 0 },
	  { B(1) | B(2) | B(9) | B(28) | B(29), 0 }, 0,
	  { B(1) | B(2) | B(9) | B(28) | B(29) | B(32) | B(33) | B(34) | B(40), 0 } },
	{ "6.1 pci with SR-IOV capability keeps SR_IOV",
	  VDP_GEN_6_1, VDP_TRANSPORT_PCI, 1, 0,
	  { B(1) | B(2) | B(6) | B(9) | B(28) | B(29) | B(30) | B(32) | B(33) | B(34) | B(37) | B(40), 0 },
	  { B(1) | B(2) | B(9) | B(28) | B(29), 0 }, 0,
	  { B(1) | B(2) | B(9) | B(28) | B(29) | B(32) | B(33) | B(34) | B(37) | B(40), 0 } },
	{ "6.1 mmio: no vp_transport_features, SR_IOV and RING_RESET dropped",
	  VDP_GEN_6_1, VDP_TRANSPORT_MMIO, 1, 0,
	  { B(1) | B(2) | B(6) | B(9) | B(28) | B(29) | B(30) | B(32) | B(33) | B(34) | B(37) | B(40), 0 },
	  { B(1) | B(2) | B(9) | B(28) | B(29), 0 }, 0,
	  { B(1) | B(2) | B(9) | B(28) | B(29) | B(32) | B(33) | B(34), 0 } },
	{ "6.12 pci: NOTIFICATION_DATA kept, IN_ORDER/NOTIF_CONFIG_DATA dropped, RING_RESET+ADMIN_VQ re-set",
	  VDP_GEN_6_12, VDP_TRANSPORT_PCI, 0, 0,
	  { B(1) | B(32) | B(33) | B(35) | B(38) | B(39) | B(40) | B(41), 0 },
	  { B(1), 0 }, 0,
	  { B(1) | B(32) | B(33) | B(38) | B(40) | B(41), 0 } },
	{ "7.x pci: IN_ORDER kept as well",
	  VDP_GEN_7, VDP_TRANSPORT_PCI, 0, 0,
	  { B(1) | B(32) | B(33) | B(35) | B(38) | B(39) | B(40) | B(41), 0 },
	  { B(1), 0 }, 0,
	  { B(1) | B(32) | B(33) | B(35) | B(38) | B(40) | B(41), 0 } },
	{ "6.1 pci: ADMIN_VQ (41) is outside [28,41) and unknown to vp_transport_features",
	  VDP_GEN_6_1, VDP_TRANSPORT_PCI, 0, 0,
	  { B(1) | B(32) | B(33) | B(35) | B(38) | B(39) | B(40) | B(41), 0 },
	  { B(1), 0 }, 0,
	  { B(1) | B(32) | B(33) | B(40), 0 } },
	{ "6.1 mmio: bit 41 is an ordinary bit, kept when the driver asks",
	  VDP_GEN_6_1, VDP_TRANSPORT_MMIO, 0, 0,
	  { B(32) | B(41), 0 }, { B(41), 0 }, 0,
	  { B(32) | B(41), 0 } },
	{ "6.12 mmio: bit 41 is a transport bit, dropped by the filter",
	  VDP_GEN_6_12, VDP_TRANSPORT_MMIO, 0, 0,
	  { B(32) | B(41), 0 }, { B(41), 0 }, 0,
	  { B(32), 0 } },
	{ "6.1 legacy device: the legacy table is used, INDIRECT_DESC preserved",
	  VDP_GEN_6_1, VDP_TRANSPORT_PCI_LEGACY, 0, 1,
	  { B(1) | B(2) | B(5) | B(24) | B(28), 0 },
	  { B(1) | B(2) | B(9), 0 }, B(1) | B(2) | B(5),
	  { B(1) | B(2) | B(5) | B(28), 0 } },
	{ "6.1 legacy device without a legacy table: the modern table is used",
	  VDP_GEN_6_1, VDP_TRANSPORT_PCI_LEGACY, 0, 0,
	  { B(1) | B(2) | B(5) | B(24) | B(28), 0 },
	  { B(1) | B(2) | B(9), 0 }, B(1) | B(2) | B(5),
	  { B(1) | B(2) | B(28), 0 } },
	{ "6.12 VERSION_1 device with a legacy table: the modern table is used",
	  VDP_GEN_6_12, VDP_TRANSPORT_PCI, 0, 1,
	  { B(1) | B(5) | B(32), 0 }, { B(1), 0 }, B(5),
	  { B(1) | B(32), 0 } },
	{ "7.x: 128 feature bits, bit 64 negotiated, bit 70 not asked for",
	  VDP_GEN_7, VDP_TRANSPORT_PCI, 0, 0,
	  { B(32) | B(33), B(0) | B(6) }, { B(1), B(0) }, 0,
	  { B(32) | B(33), B(0) } },
	{ "6.12: 64 feature bits, bit 64 never negotiated",
	  VDP_GEN_6_12, VDP_TRANSPORT_PCI, 0, 0,
	  { B(32) | B(33), B(0) | B(6) }, { B(1), B(0) }, 0,
	  { B(32) | B(33), 0 } },
	{ "7.x legacy device: the legacy path is 64-bit only",
	  VDP_GEN_7, VDP_TRANSPORT_MMIO, 0, 0,
	  { B(1), B(0) }, { B(1), B(0) }, 0,
	  { B(1), 0 } },
	{ "7.x ccw: SR_IOV, RING_RESET, ADMIN_VQ are pci-only",
	  VDP_GEN_7, VDP_TRANSPORT_CCW, 1, 0,
	  { B(32) | B(33) | B(37) | B(40) | B(41), 0 }, { 0, 0 }, 0,
	  { B(32) | B(33), 0 } },
	{ "6.1 legacy pci: a bit 33 shown to the driver survives negotiation",
	  VDP_GEN_6_1, VDP_TRANSPORT_PCI_LEGACY, 0, 0,
	  { B(1) | B(33), 0 }, { B(1), 0 }, 0,
	  { B(1) | B(33), 0 } },
	{ "6.12 pci: SR-IOV capability without the offer gives nothing",
	  VDP_GEN_6_12, VDP_TRANSPORT_PCI, 1, 0,
	  { B(32), 0 }, { 0, 0 }, 0,
	  { B(32), 0 } },
	{ "7.x pci: driver bits the device does not offer are never negotiated",
	  VDP_GEN_7, VDP_TRANSPORT_PCI, 0, 0,
	  { B(32) | B(33), 0 }, { B(1) | B(2) | B(34), B(1) }, 0,
	  { B(32) | B(33), 0 } },
};
#define VDP_PREDICT_CASES_COUNT VDP_CASES_COUNT(vdp_predict_cases)

#undef B

#endif /* VDP_PREDICT_CASES_H */

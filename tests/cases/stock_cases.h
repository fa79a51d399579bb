/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stock truth table: every combination of bit 33 offered, bit 32 offered,
 * Xen, restricted memory.
 *
 * use_dma_api: vring_use_dma_api() (vring_use_map_api() in 7.x):
 *   "if (!virtio_has_dma_quirk(vdev)) return true;" then
 *   "if (xen_domain()) return true;" then "return false;"
 *     6.1  drivers/virtio/virtio_ring.c:271-289
 *     6.12 drivers/virtio/virtio_ring.c:280-298
 *     7.2  drivers/virtio/virtio_ring.c:382-400
 *   virtio_has_dma_quirk() = !virtio_has_feature(VIRTIO_F_ACCESS_PLATFORM):
 *     6.1  include/linux/virtio_config.h:198-205
 *     6.12 include/linux/virtio_config.h:211-218
 *     7.2  include/linux/virtio_config.h:283-290
 * features_ok: virtio_features_ok(), restricted part:
 *   "if (virtio_check_mem_acc_cb(dev)) { if (!VERSION_1) return -ENODEV;
 *    if (!ACCESS_PLATFORM) return -ENODEV; }"
 *     6.1  drivers/virtio/virtio.c:171-189
 *     6.12 drivers/virtio/virtio.c:204-222
 *     7.2  drivers/virtio/virtio.c:204-222
 * The same logic is in all three generations.
 */
#ifndef VDP_STOCK_CASES_H
#define VDP_STOCK_CASES_H

#include "vdp_case_types.h"

static const struct vdp_stock_case vdp_stock_cases[] = {
	/* b33 b32 xen restricted  use_dma_api  features_ok */
	{ 0, 0, 0, 0, 0,   0 }, /* quirk -> physical */
	{ 0, 0, 0, 1, 0, -19 }, /* quirk -> physical; restricted: lacks VERSION_1 -> -ENODEV */
	{ 0, 0, 1, 0, 1,   0 }, /* quirk, Xen -> DMA API */
	{ 0, 0, 1, 1, 1, -19 }, /* quirk, Xen -> DMA API; restricted: lacks VERSION_1 -> -ENODEV */
	{ 0, 1, 0, 0, 0,   0 }, /* quirk -> physical */
	{ 0, 1, 0, 1, 0, -19 }, /* quirk -> physical; restricted: lacks ACCESS_PLATFORM -> -ENODEV */
	{ 0, 1, 1, 0, 1,   0 }, /* quirk, Xen -> DMA API */
	{ 0, 1, 1, 1, 1, -19 }, /* quirk, Xen -> DMA API; restricted: lacks ACCESS_PLATFORM -> -ENODEV */
	{ 1, 0, 0, 0, 1,   0 }, /* bit 33 -> no quirk -> DMA API */
	{ 1, 0, 0, 1, 1, -19 }, /* bit 33 -> no quirk -> DMA API; restricted: lacks VERSION_1 -> -ENODEV */
	{ 1, 0, 1, 0, 1,   0 }, /* bit 33 -> no quirk -> DMA API */
	{ 1, 0, 1, 1, 1, -19 }, /* bit 33 -> no quirk -> DMA API; restricted: lacks VERSION_1 -> -ENODEV */
	{ 1, 1, 0, 0, 1,   0 }, /* bit 33 -> no quirk -> DMA API */
	{ 1, 1, 0, 1, 1,   0 }, /* bit 33 -> no quirk -> DMA API; restricted: has VERSION_1 and ACCESS_PLATFORM -> ok */
	{ 1, 1, 1, 0, 1,   0 }, /* bit 33 -> no quirk -> DMA API */
	{ 1, 1, 1, 1, 1,   0 }, /* bit 33 -> no quirk -> DMA API; restricted: has VERSION_1 and ACCESS_PLATFORM -> ok */
};
#define VDP_STOCK_CASES_COUNT VDP_CASES_COUNT(vdp_stock_cases)

#endif /* VDP_STOCK_CASES_H */

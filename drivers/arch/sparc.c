// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy on sparc64: the sun4u/sun4v IOMMU translates every
 * PCI function it serves (archdata.iommu; the host ignores it for virtio
 * devices without bit 33).  Its dma_map_ops cannot be bypassed: no direct
 * path, so `direct` for a translated device reads unsafe-no-direct-path.
 */
#include "../vdp.h"

u8 vdp_arch_id(void)
{
	return VDP_ARCH_SPARC64;
}

bool vdp_arch_pseries(void)
{
	return false;
}

bool vdp_arch_secure_guest(void)
{
	return vdp_compat_cc_guest();
}

u8 vdp_arch_iommu(struct device *dev)
{
	if (vdp_compat_dma_range_offset(dev))
		return VDP_IOMMU_TRANSLATING;
	return dev->archdata.iommu ? VDP_IOMMU_TRANSLATING : VDP_IOMMU_NONE;
}

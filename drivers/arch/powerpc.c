// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy on ppc64 (pseries: TCE tables, DDW windows).
 *
 * A device with dma_map_ops (dma_iommu_ops) is translated unless
 * dma_ops_bypass sends it to dma-direct with no offset; archdata.dma_offset
 * (DDW's direct window) offsets dma-direct itself.  The direct path is
 * dma_ops_bypass with a zero dma_offset and no bus_dma_limit, for 64-bit
 * DMA masks (CONFIG_DMA_OPS_BYPASS: selected by every PPC64).
 * saved[]: dma_ops_bypass, archdata.dma_offset, bus_dma_limit.
 */
#include <asm/firmware.h>
#include <asm/iommu.h>
#include <asm/machdep.h>
#include <asm/svm.h>

#include "../vdp.h"

u8 vdp_arch_id(void)
{
	return VDP_ARCH_PPC64;
}

bool vdp_arch_pseries(void)
{
#ifdef CONFIG_PPC_PSERIES
	return firmware_has_feature(FW_FEATURE_LPAR) && ppc_md.name &&
	       !strcmp(ppc_md.name, "pSeries");
#else
	return false;
#endif
}

bool vdp_arch_secure_guest(void)
{
	return is_secure_guest();
}

u8 vdp_arch_iommu(struct device *dev)
{
	if (vdp_compat_dma_range_offset(dev))
		return VDP_IOMMU_TRANSLATING;
	if (!get_dma_ops(dev))
		return dev->archdata.dma_offset ? VDP_IOMMU_TRANSLATING :
						  VDP_IOMMU_NONE;
	if (vdp_compat_get_bypass(dev) && !dev->archdata.dma_offset &&
	    !dev->bus_dma_limit)
		return VDP_IOMMU_IDENTITY;
	return VDP_IOMMU_TRANSLATING;
}

bool vdp_arch_direct_possible(struct device *dev)
{
	return get_dma_ops(dev) && dev->dma_mask &&
	       *dev->dma_mask == DMA_BIT_MASK(64) &&
	       dev->coherent_dma_mask == DMA_BIT_MASK(64);
}

bool vdp_arch_dma_read(struct device *dev, struct vdp_dma_state *st)
{
	st->saved[0] = vdp_compat_get_bypass(dev);
	st->saved[1] = dev->archdata.dma_offset;
	st->saved[2] = dev->bus_dma_limit;
	return true;
}

/* "bypass:B,offset:O,limit:L" */
void vdp_arch_dma_format(const struct vdp_dma_state *st, char *buf,
			 size_t size)
{
	snprintf(buf, size, "bypass:%d,offset:%#llx,limit:%#llx",
		 (int)st->saved[0], (unsigned long long)st->saved[1],
		 (unsigned long long)st->saved[2]);
}

void vdp_arch_direct_apply(struct device *dev)
{
	dev->archdata.dma_offset = 0;
	dev->bus_dma_limit = 0;
	vdp_compat_set_bypass(dev, true);
}

/*
 * Nothing in virtio changes it, but anyone may: a later dma_set_mask() or
 * dma_get_required_mask() on the function re-enters
 * dma_iommu_dma_supported(), which rewrites dma_ops_bypass, and DDW's
 * enable_ddw() writes archdata.dma_offset back.
 */
bool vdp_arch_direct_intact(struct device *dev)
{
	return vdp_compat_get_bypass(dev) && !dev->archdata.dma_offset &&
	       !dev->bus_dma_limit;
}

void vdp_arch_direct_restore(struct device *dev,
			     const struct vdp_dma_state *st)
{
	vdp_compat_set_bypass(dev, st->saved[0]);
	dev->archdata.dma_offset = st->saved[1];
	dev->bus_dma_limit = st->saved[2];
}

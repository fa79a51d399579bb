// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy's direct path where the IOMMU's DMA API is iommu-dma
 * (x86_64: intel-iommu, amd-iommu; arm64: SMMUv2/v3); the facts are
 * generic.c's.
 *
 * The direct path takes the PCI function out of iommu-dma, so that the
 * DMA API goes to dma-direct (guest physical addresses, SWIOTLB where
 * forced) while the function stays in its IOMMU domain:
 *   6.1   clears dev->dma_ops (iommu_dma_ops: set by the IOMMU driver's
 *         probe_finalize on x86, by arch_setup_dma_ops() ->
 *         iommu_setup_dma_ops() on arm64, arch/arm64/mm/dma-mapping.c);
 *   6.12+ clears the dma_iommu flag (set by the IOMMU core's
 *         iommu_setup_dma_ops(), drivers/iommu/dma-iommu.c, on both).
 * Never where other DMA ops would take over: x86's global ones (GART,
 * Xen) or Xen's (arm64: xen_setup_dma_ops(); x86 HVM: the grant ops
 * virtio_features_ok() attaches), nor where dma-direct would add a
 * dma-ranges offset (arm64 boards whose device tree or IORT has one: the
 * device would get shifted addresses, not guest physical ones).
 * saved[0]: the dma_iommu flag, saved[1]: the dma_ops pointer (restore
 * puts back the one the running kernel uses).
 */
#include "../vdp.h"

/*
 * x86's global DMA ops (GART, Xen), which would take over from iommu-dma:
 * always declared in 6.1 (CONFIG_DMA_OPS), from 6.12 only where such ops
 * can exist (CONFIG_ARCH_HAS_DMA_OPS, selected by GART_IOMMU or XEN).
 * arm64 has none.
 */
static bool vdp_global_dma_ops(void)
{
#if defined(CONFIG_X86) && (defined(CONFIG_DMA_OPS) || defined(CONFIG_ARCH_HAS_DMA_OPS))
	return dma_ops;
#else
	return false;
#endif
}

bool vdp_arch_direct_possible(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (!dom || !iommu_is_dma_domain(dom) || vdp_global_dma_ops() || vdp_compat_xen() ||
	    vdp_compat_dma_range_offset(dev))
		return false;
	return vdp_compat_uses_iommu_dma(dev);
}

/* saved[0]: the dma_iommu flag, saved[1]: the dma_ops pointer */
bool vdp_arch_dma_read(struct device *dev, struct vdp_dma_state *st)
{
	st->saved[0] = vdp_compat_dev_dma_iommu(dev);
	st->saved[1] = (uintptr_t)get_dma_ops(dev);
	return true;
}

/* "iommu" (iommu-dma: dma_ops on 6.1, the dma_iommu flag from 6.12) or "direct" */
void vdp_arch_dma_format(const struct vdp_dma_state *st, char *buf,
			 size_t size)
{
	snprintf(buf, size, "%s", st->saved[0] || st->saved[1] ? "iommu" : "direct");
}

void vdp_arch_direct_apply(struct device *dev)
{
	vdp_compat_set_iommu_dma(dev, false, NULL);
}

bool vdp_arch_direct_intact(struct device *dev)
{
	return !get_dma_ops(dev) && !vdp_compat_dev_dma_iommu(dev);
}

void vdp_arch_direct_restore(struct device *dev,
			     const struct vdp_dma_state *st)
{
	vdp_compat_set_iommu_dma(dev, st->saved[0],
				 (const struct dma_map_ops *)(uintptr_t)st->saved[1]);
}

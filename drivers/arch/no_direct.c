// SPDX-License-Identifier: GPL-2.0
/*
 * The direct path of an arch that has none (linked with its file by
 * Kbuild): never possible, so never installed, read, applied or restored.
 */
#include "../vdp.h"

bool vdp_arch_direct_possible(struct device *dev)
{
	return false;
}

bool vdp_arch_dma_read(struct device *dev, struct vdp_dma_state *st)
{
	return false;
}

void vdp_arch_dma_format(const struct vdp_dma_state *st, char *buf,
			 size_t size)
{
	snprintf(buf, size, "-");
}

void vdp_arch_direct_apply(struct device *dev)
{
}

bool vdp_arch_direct_intact(struct device *dev)
{
	return true;
}

void vdp_arch_direct_restore(struct device *dev,
			     const struct vdp_dma_state *st)
{
}

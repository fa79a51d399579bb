// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy's platform and IOMMU facts where the kernel's generic
 * interfaces know them: x86_64, UML, arm64, s390 and every arch without
 * facts of its own (powerpc and sparc64 have theirs).  The IOMMU API's
 * domain, the confidential-computing test; no pseries.
 */
#include "../vdp.h"

u8 vdp_arch_id(void)
{
	if (IS_ENABLED(CONFIG_UML))
		return VDP_ARCH_UM;
	if (IS_ENABLED(CONFIG_ARM64))
		return VDP_ARCH_ARM64;
	if (IS_ENABLED(CONFIG_S390))
		return VDP_ARCH_S390;
	if (IS_ENABLED(CONFIG_X86_64))
		return VDP_ARCH_X86_64;
	return VDP_ARCH_OTHER;
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
	return vdp_compat_iommu_api(dev);
}

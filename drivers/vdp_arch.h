/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_dma_policy: what differs per architecture, behind a few
 * operations.  One implementation per architecture, chosen by Kbuild (the
 * way virtio_pci_common.h hides legacy and modern behind its ops):
 *
 *   facts (id, pseries, secure guest, IOMMU):
 *     drivers/arch/powerpc.c    ppc64: pseries, TCE/DDW, dma_ops_bypass
 *     drivers/arch/sparc.c      sparc64: the sun4u/sun4v IOMMU
 *     drivers/arch/generic.c    every other arch (x86_64, UML, arm64,
 *                               s390): the IOMMU API's answer
 *   the direct path:
 *     drivers/arch/powerpc.c    dma_ops_bypass
 *     drivers/arch/iommu_dma.c  x86_64 and arm64 with iommu-dma
 *     drivers/arch/no_direct.c  every other arch: none
 *
 * Adding an arch is a file with what differs, and one line in Kbuild.
 * Kernel-version differences stay in compat.h, which the files use.
 */
#ifndef VDP_ARCH_H
#define VDP_ARCH_H

#include <linux/device.h>
#include <linux/types.h>

/*
 * The DMA API state a direct path changes: read at bind, saved at install
 * and put back at restore.  What each word holds is the arch file's.
 */
struct vdp_dma_state {
	bool installed;
	u64 saved[3];
};

/* Platform facts (struct vdp_platform): enum vdp_arch, pseries, secure. */
u8 vdp_arch_id(void);
bool vdp_arch_pseries(void);
bool vdp_arch_secure_guest(void);

/*
 * What sits between the device and memory, as the DMA API sees it
 * (enum vdp_iommu): translating means the DMA API hands out addresses
 * that are not guest physical (IOVAs, TCE entries, a DDW window at an
 * offset, sparc DVMA, a dma-ranges offset).
 */
u8 vdp_arch_iommu(struct device *dev);

/*
 * The direct path: the DMA API of a translating device made direct
 * (untranslated, dma-direct: guest physical addresses, SWIOTLB where
 * forced).
 *   possible  can it be installed on this device?
 *   read      the state it changes, as it is now, into st->saved (false
 *             where the arch has no direct path, hence no such state)
 *   format    one token of a read state for the devices file
 *   apply     install it (after a read saved the state, or to put it back
 *             after someone else undid it: see intact)
 *   intact    is an installed path still in place?
 *   restore   put a read state back
 * Install and restore run where no DMA mapping of the device can be in
 * flight (vdp_compat_install_direct()).
 */
bool vdp_arch_direct_possible(struct device *dev);
void vdp_arch_direct_apply(struct device *dev);
bool vdp_arch_direct_intact(struct device *dev);
void vdp_arch_direct_restore(struct device *dev,
			     const struct vdp_dma_state *st);
bool vdp_arch_dma_read(struct device *dev, struct vdp_dma_state *st);
void vdp_arch_dma_format(const struct vdp_dma_state *st, char *buf,
			 size_t size);

#endif /* VDP_ARCH_H */

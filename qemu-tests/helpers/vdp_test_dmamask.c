// SPDX-License-Identifier: GPL-2.0
/*
 * vdp_test_dmamask.ko: test-only.  Loaded with dev=<PCI name>, it calls
 * dma_set_mask_and_coherent(64 bits) on that PCI function, as any driver
 * or subsystem may at any time, and stays loaded.  On powerpc this
 * re-enters dma_iommu_dma_supported(), which rewrites dma_ops_bypass
 * (and DDW's enable_ddw() writes archdata.dma_offset back): a direct path
 * that virtio_dma_policy installed on the function is undone under it.
 * The scenario then checks that the module notices and says so.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>

static char *dev;
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "PCI function to call dma_set_mask() on, e.g. 0000:00:06.0");

static int __init vdp_test_dmamask_init(void)
{
	struct device *d;
	int err;

	if (!dev)
		return -EINVAL;
	d = bus_find_device_by_name(&pci_bus_type, NULL, dev);
	if (!d)
		return -ENODEV;
	err = dma_set_mask_and_coherent(d, DMA_BIT_MASK(64));
	dev_info(d, "vdp_test_dmamask: dma_set_mask_and_coherent(64): %d\n", err);
	put_device(d);
	return err;
}

static void __exit vdp_test_dmamask_exit(void)
{
}

module_init(vdp_test_dmamask_init);
module_exit(vdp_test_dmamask_exit);
MODULE_DESCRIPTION("virtio_dma_policy test helper: dma_set_mask() on a PCI function");
MODULE_LICENSE("GPL");

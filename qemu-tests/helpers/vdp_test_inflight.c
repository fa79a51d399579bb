// SPDX-License-Identifier: GPL-2.0
/*
 * vdp_test_inflight.ko: test-only.  Loaded with pci=<PCI name>, it plays,
 * at the unbind of the virtio device below that function, a driver's
 * completion that still runs on another CPU: UNBIND_DRIVER comes before
 * the driver's remove, which resets the device only later.  It maps a
 * page on the function just before virtio_dma_policy's UNBIND_DRIVER
 * notification (priority 1; the module's is 0) and unmaps it just after
 * (priority -1), then says through which DMA path each went.  The module
 * must not switch the function's path between the two (issue 22 item 4):
 * on pseries, a page mapped through a TCE and unmapped through dma-direct
 * leaves its TCE in the table, mapping a page that is then freed.
 *
 * The paths (ppc64): "tce" (dma_iommu_ops), "bypass" (dma-direct from
 * the ops, with DDW's dma_offset if any), "direct" (no ops).
 */
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#ifdef CONFIG_PPC
#include <asm/iommu.h>
#endif

#include "../../drivers/compat.h"
#include "vdp_test.h"

static char *pci;
module_param(pci, charp, 0444);
MODULE_PARM_DESC(pci, "PCI function whose virtio device's unbind to map across, e.g. 0000:00:06.0");

static struct device *vdp_fn;		/* the PCI function */
static struct device *vdp_vdev;		/* the virtio device below it */
static struct page *vdp_page;
static dma_addr_t vdp_handle;
static const char *vdp_map_path;

static bool vdp_bypass(struct device *dev)
{
#ifdef CONFIG_DMA_OPS_BYPASS
	return vdp_compat_get_bypass(dev);
#else
	return false;
#endif
}

static const char *vdp_path(struct device *dev)
{
	if (!get_dma_ops(dev))
		return "direct";
	return vdp_bypass(dev) ? "bypass" : "tce";
}

/* Is the TCE that mapped handle still allocated?  (ppc64 only) */
static bool vdp_tce_in_use(struct device *dev, dma_addr_t handle)
{
#ifdef CONFIG_PPC
	struct iommu_table *tbl = get_iommu_table_base(dev);
	unsigned long entry;

	if (!tbl)
		return false;
	entry = (handle >> tbl->it_page_shift) - tbl->it_offset;
	return entry < tbl->it_size && test_bit(entry, tbl->it_map);
#else
	return false;
#endif
}

static int vdp_before(struct notifier_block *nb, unsigned long action,
		      void *data)
{
	if (action != BUS_NOTIFY_UNBIND_DRIVER || data != vdp_vdev || vdp_page)
		return NOTIFY_DONE;
	vdp_page = alloc_page(GFP_KERNEL);
	if (!vdp_page)
		return NOTIFY_DONE;
	vdp_map_path = vdp_path(vdp_fn);
	vdp_handle = dma_map_page(vdp_fn, vdp_page, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(vdp_fn, vdp_handle)) {
		dev_err(vdp_fn, "vdp_test_inflight: mapping through %s failed\n",
			vdp_map_path);
		__free_page(vdp_page);
		vdp_page = NULL;
	}
	return NOTIFY_DONE;
}

static int vdp_after(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	const char *unmap_path;
	bool leaked;

	if (action != BUS_NOTIFY_UNBIND_DRIVER || data != vdp_vdev || !vdp_page)
		return NOTIFY_DONE;
	unmap_path = vdp_path(vdp_fn);
	dma_unmap_page(vdp_fn, vdp_handle, PAGE_SIZE, DMA_TO_DEVICE);
	leaked = !strcmp(vdp_map_path, "tce") &&
		 vdp_tce_in_use(vdp_fn, vdp_handle);
	/* (the failure's words differ from the success's: logged matches text) */
	if (strcmp(vdp_map_path, unmap_path) || leaked)
		dev_err(vdp_fn, "vdp_test_inflight: FAILED: mapped through %s before the unbind notification, unmapped through %s after it%s\n",
			vdp_map_path, unmap_path,
			leaked ? ", its TCE still in use (leaked)" : "");
	else
		dev_info(vdp_fn, "vdp_test_inflight: a page mapped through %s before the unbind notification was unmapped through %s after it%s\n",
			 vdp_map_path, unmap_path,
			 strcmp(unmap_path, "tce") ? "" : ", its TCE freed");
	/* (a leaked TCE maps it still: keep the page out of the allocator) */
	if (!leaked)
		__free_page(vdp_page);
	vdp_page = NULL;
	return NOTIFY_DONE;
}

static struct notifier_block vdp_nb_before = {
	.notifier_call = vdp_before,
	.priority = 1,
};

static struct notifier_block vdp_nb_after = {
	.notifier_call = vdp_after,
	.priority = -1,
};

static int __init vdp_test_inflight_init(void)
{
	struct device *child;
	int err;

	if (!pci)
		return -EINVAL;
	child = vdp_test_find(pci, &vdp_fn);
	if (!child)
		return -ENODEV;
	vdp_vdev = child;
	err = bus_register_notifier(child->bus, &vdp_nb_before);
	if (!err) {
		err = bus_register_notifier(child->bus, &vdp_nb_after);
		if (err)
			bus_unregister_notifier(child->bus, &vdp_nb_before);
	}
	if (err) {
		put_device(child);
		put_device(vdp_fn);
	}
	return err;
}

static void __exit vdp_test_inflight_exit(void)
{
	bus_unregister_notifier(vdp_vdev->bus, &vdp_nb_after);
	bus_unregister_notifier(vdp_vdev->bus, &vdp_nb_before);
	put_device(vdp_vdev);
	put_device(vdp_fn);
}

module_init(vdp_test_inflight_init);
module_exit(vdp_test_inflight_exit);
MODULE_DESCRIPTION("virtio_dma_policy test helper: a DMA mapping held across the unbind notification");
MODULE_LICENSE("GPL");

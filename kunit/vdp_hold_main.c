// SPDX-License-Identifier: GPL-2.0
/*
 * vdp_hold.ko. Not a test suite: a helper module for kunit/plan.  At load it registers
 * a fake virtio device (below the root device "vdp_hold") and a fake
 * driver that binds it; at unload it removes both.
 *
 * kunit/plan uses it twice:
 *  - loaded before virtio_dma_policy.ko: its device is bound before the
 *    glue exists, so the glue must report it "already-bound" and leave it
 *    alone (checked by vdp_glue.vdp_glue_already_bound_test);
 *  - loaded after virtio_dma_policy.ko with a rule that edits the
 *    device: while it is bound, `rmmod virtio_dma_policy` must fail
 *    (the glue holds a module reference for every hooked device).
 */
#include <linux/module.h>
#include "vdp_fake.h"

#define VDP_HOLD_ID 0x4b57 /* 19287 */

static struct device *vdp_hold_parent;
static struct vdp_fake_driver vdp_hold_drv;
static struct vdp_fake *vdp_hold_dev;

static int __init vdp_hold_init(void)
{
	int err;

	vdp_hold_parent = root_device_register("vdp_hold");
	if (IS_ERR(vdp_hold_parent))
		return PTR_ERR(vdp_hold_parent);
	vdp_fake_driver_features(&vdp_hold_drv, BIT_ULL(0), 0, false);
	err = vdp_fake_driver_register(&vdp_hold_drv, VDP_HOLD_ID, "vdp_hold", THIS_MODULE);
	if (err)
		goto out_parent;
	vdp_hold_dev = vdp_fake_new(vdp_hold_parent, VDP_HOLD_ID,
				    BIT_ULL(0) | BIT_ULL(32));
	if (!vdp_hold_dev) {
		err = -ENOMEM;
		goto out_drv;
	}
	vdp_hold_dev->mmio_filter = true;
	err = vdp_fake_register(vdp_hold_dev);
	if (err)
		goto out_drv;
	if (!vdp_hold_dev->probed) {
		pr_err("vdp_hold: %s did not bind\n", dev_name(&vdp_hold_dev->vdev.dev));
		err = -ENODEV;
		vdp_fake_unregister(vdp_hold_dev);
		goto out_drv;
	}
	pr_info("vdp_hold: %s bound, features 0x%llx\n",
		dev_name(&vdp_hold_dev->vdev.dev), vdp_hold_dev->probe_features);
	return 0;

out_drv:
	vdp_fake_driver_unregister(&vdp_hold_drv);
out_parent:
	root_device_unregister(vdp_hold_parent);
	return err;
}

static void __exit vdp_hold_exit(void)
{
	vdp_fake_unregister(vdp_hold_dev);
	vdp_fake_driver_unregister(&vdp_hold_drv);
	root_device_unregister(vdp_hold_parent);
}

module_init(vdp_hold_init);
module_exit(vdp_hold_exit);
MODULE_DESCRIPTION("virtio_dma_policy KUnit helper: a bound fake virtio device");
MODULE_LICENSE("GPL");

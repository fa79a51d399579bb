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
 *    (the glue holds a module reference for every hooked device);
 *  - with reader=1: a kthread reads the device's features in a loop
 *    without the device lock, as CONFIG_VIRTIO_DEBUG's device_features
 *    file does (virtio_get_features(), 7.x; get_features before), from a
 *    transport that sleeps 300 ms per read.  Writing 1 to the "unbind"
 *    parameter waits until a read has just entered the transport through
 *    the glue's ops, unbinds the driver (the glue restores the ops and
 *    drops its module reference) and returns; `rmmod virtio_dma_policy`
 *    then runs while that read is still inside the glue's wrapper.  The
 *    glue's exit must wait for it: otherwise the read returns into freed
 *    module text (an oops, which fails the run).
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include "vdp_fake.h"

#define VDP_HOLD_ID 0x4b57 /* 19287 */
#define VDP_HOLD_READ_MS 300

static struct device *vdp_hold_parent;
static struct vdp_fake_driver vdp_hold_drv;
static struct vdp_fake *vdp_hold_dev;
static struct task_struct *vdp_hold_reader;
static unsigned long vdp_hold_reads;

static bool reader;
module_param(reader, bool, 0444);
MODULE_PARM_DESC(reader, "read the features in a loop, locklessly, from a slow transport");

/* What virtio_debug's device_features file does, without the seq_file. */
static int vdp_hold_read_loop(void *unused)
{
	struct virtio_device *vdev = &vdp_hold_dev->vdev;

	while (!kthread_should_stop()) {
#if VDP_HAVE_EXTENDED_FEATURES
		u64 f[VIRTIO_FEATURES_U64S];

		virtio_get_features(vdev, f);
#else
		READ_ONCE(vdev->config)->get_features(vdev);
#endif
		vdp_hold_reads++;
		cond_resched();
	}
	return 0;
}

/* unbind=1: unbind the driver while a read is inside the glue's ops. */
static int vdp_hold_unbind_set(const char *val, const struct kernel_param *kp)
{
	struct vdp_fake *f = vdp_hold_dev;
	unsigned long deadline = jiffies + msecs_to_jiffies(3 * VDP_HOLD_READ_MS);
	int calls;

	if (!f || !vdp_hold_reader)
		return -ENODEV;
	if (READ_ONCE(f->vdev.config) == f->orig_config)
		return -EINVAL;		/* not hooked: nothing to race */
	/* the next read that enters the transport through the glue */
	calls = atomic_read(&f->hooked_calls);
	while (atomic_read(&f->hooked_calls) == calls ||
	       !atomic_read(&f->hooked_inside)) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(100, 200);
	}
	device_release_driver(&f->vdev.dev);
	pr_info("vdp_hold: unbound %s with a read inside the glue's ops (%d)\n",
		dev_name(&f->vdev.dev), atomic_read(&f->hooked_inside));
	return 0;
}

static const struct kernel_param_ops vdp_hold_unbind_ops = {
	.set = vdp_hold_unbind_set,
};
module_param_cb(unbind, &vdp_hold_unbind_ops, NULL, 0200);
MODULE_PARM_DESC(unbind, "write 1: unbind while a read is inside the glue's ops (reader=1)");

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
	if (reader) {
		WRITE_ONCE(vdp_hold_dev->features_delay_ms, VDP_HOLD_READ_MS);
		vdp_hold_reader = kthread_run(vdp_hold_read_loop, NULL, "vdp_hold_reader");
		if (IS_ERR(vdp_hold_reader)) {
			err = PTR_ERR(vdp_hold_reader);
			vdp_hold_reader = NULL;
			vdp_fake_unregister(vdp_hold_dev);
			goto out_drv;
		}
	}
	return 0;

out_drv:
	vdp_fake_driver_unregister(&vdp_hold_drv);
out_parent:
	root_device_unregister(vdp_hold_parent);
	return err;
}

static void __exit vdp_hold_exit(void)
{
	if (vdp_hold_reader) {
		kthread_stop(vdp_hold_reader);
		pr_info("vdp_hold: reader: %lu reads, %d through the glue's ops\n",
			vdp_hold_reads, atomic_read(&vdp_hold_dev->hooked_calls));
	}
	vdp_fake_unregister(vdp_hold_dev);
	vdp_fake_driver_unregister(&vdp_hold_drv);
	root_device_unregister(vdp_hold_parent);
}

module_init(vdp_hold_init);
module_exit(vdp_hold_exit);
MODULE_DESCRIPTION("virtio_dma_policy KUnit helper: a bound fake virtio device");
MODULE_LICENSE("GPL");

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
 *    module text (an oops, which fails the run);
 *  - with scan_race=1, loaded before virtio_dma_policy.ko: a second,
 *    unbound device is removed while the glue's load scan holds it.  A
 *    kthread takes that device's lock, waits until virtio_dma_policy is
 *    COMING, lets the scan find the lock taken (it retries for 100 ms)
 *    and, once the scan is seen sleeping in that retry, unlocks and
 *    unregisters the device: device_del() runs to its end, REMOVED_DEVICE
 *    included, while the scan waits to look again.
 *    Writing 1 to "scan_check" then fails with -EBUSY if the device was
 *    not released: the glue kept an entry, and a reference, for a device
 *    that is gone (its devices file would walk a dead parent, its final
 *    put_device() could run a transport's release after that transport
 *    was unloaded); -EAGAIN if the race was not run as planned (the
 *    scan was not seen waiting on the device: nothing was tested).
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
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

static bool scan_race;
module_param(scan_race, bool, 0444);
MODULE_PARM_DESC(scan_race, "remove an unbound device while the glue's load scan holds it");

#define VDP_HOLD_GLUE "virtio_dma_policy"
static struct vdp_fake *vdp_hold_gone;		/* the device removed */
static struct task_struct *vdp_hold_racer;
static DECLARE_COMPLETION(vdp_hold_coming);
static bool vdp_hold_gone_released;	/* set by the fake's release */
static bool vdp_hold_glue_live;		/* the glue's init had ended */
static bool vdp_hold_race_run;		/* unregistered while the scan waited */
static DECLARE_COMPLETION(vdp_hold_locked);	/* the racer holds the lock */
static struct task_struct *vdp_hold_loader;	/* the task loading the glue */

static int vdp_hold_module_event(struct notifier_block *nb, unsigned long state,
				 void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, VDP_HOLD_GLUE))
		return NOTIFY_DONE;
	if (state == MODULE_STATE_COMING && !vdp_hold_loader) {
		vdp_hold_loader = get_task_struct(current);
		complete(&vdp_hold_coming);
	} else if (state == MODULE_STATE_LIVE) {
		WRITE_ONCE(vdp_hold_glue_live, true);
	}
	return NOTIFY_DONE;
}

static struct notifier_block vdp_hold_module_nb = {
	.notifier_call = vdp_hold_module_event,
};

/*
 * The glue's load scan waits on the locked device: it has read the facts
 * of the bound device registered before it (bus order is registration
 * order), and the task loading the glue sleeps, which in vdp_scan_one()
 * on a device whose lock is taken is its retry.
 */
static bool vdp_hold_scan_waits(int reads)
{
	return atomic_read(&vdp_hold_dev->features_reads) != reads &&
	       !task_is_running(vdp_hold_loader);
}

/*
 * Holds the device's lock from before the glue loads until the glue's
 * scan is seen waiting on it, then unlocks and unregisters it at once.
 * No fixed delay: a timed window let the scan pass before the racer
 * ran on a loaded host (and the racer thread itself may start late).
 */
static int vdp_hold_race(void *unused)
{
	struct device *dev = &vdp_hold_gone->vdev.dev;
	unsigned long deadline = jiffies + 60 * HZ;	/* a hang guard */
	int reads;
	bool during;

	device_lock(dev);
	reads = atomic_read(&vdp_hold_dev->features_reads);
	complete(&vdp_hold_locked);
	during = wait_for_completion_killable_timeout(&vdp_hold_coming, 60 * HZ) > 0 &&
		 READ_ONCE(vdp_hold_loader);
	while (during && !vdp_hold_scan_waits(reads)) {
		during = !READ_ONCE(vdp_hold_glue_live) && time_before(jiffies, deadline);
		usleep_range(100, 200);
	}
	device_unlock(dev);
	vdp_fake_unregister(vdp_hold_gone);
	WRITE_ONCE(vdp_hold_race_run, during);
	pr_info("vdp_hold: unregistered the unbound device %s\n",
		during ? "while the glue's scan waited on it" : "outside the glue's scan");
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

static int vdp_hold_scan_check(const char *val, const struct kernel_param *kp)
{
	if (!vdp_hold_racer)
		return -ENODEV;
	if (!READ_ONCE(vdp_hold_race_run))
		return -EAGAIN;
	if (!READ_ONCE(vdp_hold_gone_released)) {
		pr_err("vdp_hold: the removed device is still referenced\n");
		return -EBUSY;
	}
	return 0;
}

static const struct kernel_param_ops vdp_hold_scan_check_ops = {
	.set = vdp_hold_scan_check,
};
module_param_cb(scan_check, &vdp_hold_scan_check_ops, NULL, 0200);
MODULE_PARM_DESC(scan_check, "write 1: fails unless the device removed during the glue's scan was released (scan_race=1)");

/* scan_race=1: the unbound device and the kthread that removes it. */
static int vdp_hold_race_start(void)
{
	int err;

	vdp_hold_gone = vdp_fake_new(vdp_hold_parent, VDP_HOLD_ID + 1, BIT_ULL(32));
	if (!vdp_hold_gone)
		return -ENOMEM;
	vdp_hold_gone->released = &vdp_hold_gone_released;
	err = vdp_fake_register(vdp_hold_gone);
	if (err)
		return err;
	err = register_module_notifier(&vdp_hold_module_nb);
	if (err)
		goto out_dev;
	vdp_hold_racer = kthread_run(vdp_hold_race, NULL, "vdp_hold_race");
	if (IS_ERR(vdp_hold_racer)) {
		err = PTR_ERR(vdp_hold_racer);
		vdp_hold_racer = NULL;
		unregister_module_notifier(&vdp_hold_module_nb);
		goto out_dev;
	}
	/* the glue may come once the lock is taken, not before */
	wait_for_completion(&vdp_hold_locked);
	return 0;

out_dev:
	vdp_fake_unregister(vdp_hold_gone);
	return err;
}

static void vdp_hold_race_stop(void)
{
	if (!vdp_hold_racer)
		return;
	complete(&vdp_hold_coming);	/* if the glue never came */
	kthread_stop(vdp_hold_racer);
	unregister_module_notifier(&vdp_hold_module_nb);
	if (vdp_hold_loader)
		put_task_struct(vdp_hold_loader);
}

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
	unsigned long deadline = jiffies + 30 * HZ;	/* a hang guard */
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
	if (scan_race) {
		err = vdp_hold_race_start();
		if (err) {
			vdp_fake_unregister(vdp_hold_dev);
			goto out_drv;
		}
	}
	if (reader) {
		WRITE_ONCE(vdp_hold_dev->features_delay_ms, VDP_HOLD_READ_MS);
		vdp_hold_reader = kthread_run(vdp_hold_read_loop, NULL, "vdp_hold_reader");
		if (IS_ERR(vdp_hold_reader)) {
			err = PTR_ERR(vdp_hold_reader);
			vdp_hold_reader = NULL;
			vdp_hold_race_stop();
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
	vdp_hold_race_stop();
	vdp_fake_unregister(vdp_hold_dev);
	vdp_fake_driver_unregister(&vdp_hold_drv);
	root_device_unregister(vdp_hold_parent);
}

module_init(vdp_hold_init);
module_exit(vdp_hold_exit);
MODULE_DESCRIPTION("virtio_dma_policy KUnit helper: a bound fake virtio device");
MODULE_LICENSE("GPL");

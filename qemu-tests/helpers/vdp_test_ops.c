// SPDX-License-Identifier: GPL-2.0
/*
 * vdp_test_ops.ko: test-only.  Loaded with pci=<PCI name>, it takes the
 * virtio device below that PCI function and loads its config ops pointer
 * (vdev->config), as every caller of a config op does, then keeps that
 * pointer in a kthread that spins for hold_ms without sleeping, as a
 * caller preempted between loading vdev->config and calling through it
 * would (a lockless caller: CONFIG_VIRTIO_DEBUG's device_features file,
 * PCI reset_done).  Then it calls get_features through the pointer it
 * loaded.  Meanwhile the scenario unbinds the device and removes
 * virtio_dma_policy: the ops it loaded were the module's copy, which must
 * still be there (no KASAN report, no oops), and the module's code too.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

#include "vdp_test.h"

static char *pci;
module_param(pci, charp, 0444);
MODULE_PARM_DESC(pci, "PCI function whose virtio device to read, e.g. 0000:00:06.0");
/*
 * With KASAN, longer than kfree_rcu()'s batching (5 s) and a grace period:
 * a copy freed too early is then freed, and reported, before the call.
 */
static unsigned int hold_ms = IS_ENABLED(CONFIG_KASAN) ? 12000 : 2000;
module_param(hold_ms, uint, 0444);
MODULE_PARM_DESC(hold_ms, "how long to keep the loaded ops pointer before calling through it (2 s, 12 s with KASAN)");

static struct virtio_device *vdp_vdev;
static struct task_struct *vdp_task;
static DECLARE_COMPLETION(vdp_loaded);

/* get_features through ops: 7.x modern virtio-pci has only the extended one */
static u64 vdp_call_get_features(const struct virtio_config_ops *ops)
{
#ifdef VIRTIO_DECLARE_FEATURES
	u64 f[VIRTIO_FEATURES_U64S] = { };

	if (ops->get_extended_features) {
		ops->get_extended_features(vdp_vdev, f);
		return f[0];
	}
#endif
	return ops->get_features(vdp_vdev);
}

static int vdp_test_ops_thread(void *unused)
{
	const struct virtio_config_ops *ops;
	unsigned long end;
	u64 f;

	/* this task loads the pointer and keeps it, as a caller does */
	ops = READ_ONCE(vdp_vdev->config);
	dev_info(&vdp_vdev->dev, "vdp_test_ops: loaded the config ops (%ps), calling them in %u ms\n",
		 ops->finalize_features, hold_ms);
	complete(&vdp_loaded);
	/*
	 * Busy and preemptible (no sleep, hence udelay): no voluntary context
	 * switch, so tasks-RCU waits for it, and no RCU reader, so RCU does
	 * not (on a preemptible kernel).
	 */
	end = jiffies + msecs_to_jiffies(hold_ms);
	while (time_before(jiffies, end))
		udelay(50);
	f = vdp_call_get_features(ops);
	dev_info(&vdp_vdev->dev, "vdp_test_ops: called the ops loaded %u ms ago: features 0x%llx\n",
		 hold_ms, f);
	put_device(&vdp_vdev->dev);
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

static int __init vdp_test_ops_init(void)
{
	struct device *child;

	if (!pci)
		return -EINVAL;
	child = vdp_test_find(pci, NULL);
	if (!child)
		return -ENODEV;
	vdp_vdev = dev_to_virtio(child);
	vdp_task = kthread_run(vdp_test_ops_thread, NULL, "vdp_test_ops");
	if (IS_ERR(vdp_task)) {
		put_device(child);
		return PTR_ERR(vdp_task);
	}
	/* the pointer is loaded before insmod returns (and the unbind comes) */
	wait_for_completion(&vdp_loaded);
	return 0;
}

static void __exit vdp_test_ops_exit(void)
{
	kthread_stop(vdp_task);
}

module_init(vdp_test_ops_init);
module_exit(vdp_test_ops_exit);
MODULE_DESCRIPTION("virtio_dma_policy test helper: a caller holding a config ops pointer");
MODULE_LICENSE("GPL");

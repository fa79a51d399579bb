// SPDX-License-Identifier: GPL-2.0
/*
 * vdp_test_slowload.ko: test-only.  While it is loaded, virtio_dma_policy's
 * load is slowed by ms milliseconds where its hook starts: a kprobe on
 * driver_register() busy-waits when the driver is the module's bus finder
 * (the registration that finds the virtio bus).  Whatever the module made
 * visible before that point (its debugfs files: issue 22 item 6) can then
 * be used by another CPU before the hook exists.  Refuses to load on one
 * CPU: the wait runs with preemption (and, for an int3 kprobe, interrupts)
 * disabled, so nothing else could run meanwhile and a test would pass for
 * nothing.  Built for x86 only (q35-smp): not
 * every arch has regs_get_kernel_argument() (ppc64 6.1, sparc64).
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/cpumask.h>

static unsigned int ms = 500;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "how long to hold virtio_dma_policy's load at its bus finder's registration");

static int vdp_slow(struct kprobe *p, struct pt_regs *regs)
{
	const struct device_driver *drv =
		(const void *)regs_get_kernel_argument(regs, 0);

	if (!drv || !drv->name || strcmp(drv->name, "virtio_dma_policy_bus_finder"))
		return 0;
	pr_info("vdp_test_slowload: holding %s's registration for %u ms\n",
		drv->name, ms);
	mdelay(ms);
	return 0;
}

static struct kprobe vdp_kp = {
	.symbol_name = "driver_register",
	.pre_handler = vdp_slow,
};

static int __init vdp_test_slowload_init(void)
{
	if (num_online_cpus() < 2) {
		pr_err("vdp_test_slowload: needs two CPUs or more\n");
		return -EINVAL;
	}
	return register_kprobe(&vdp_kp);
}

static void __exit vdp_test_slowload_exit(void)
{
	unregister_kprobe(&vdp_kp);
}

module_init(vdp_test_slowload_init);
module_exit(vdp_test_slowload_exit);
MODULE_DESCRIPTION("virtio_dma_policy test helper: slows the module's load where its hook starts");
MODULE_LICENSE("GPL");

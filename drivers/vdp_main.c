// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy: per-device, runtime choice between the DMA API and
 * guest-physical addresses for virtio devices, on stock kernels.
 *
 * This file: module init and exit.  The rule table and the parameters are
 * in vdp_rules.c, the bus hook in vdp_hook.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "vdp.h"

static int __init vdp_init(void)
{
	int ret;

	if (vdp_abi_version() != VDP_ABI_VERSION) {
		pr_err("core ABI %u, glue ABI %u: mismatched build\n",
		       vdp_abi_version(), VDP_ABI_VERSION);
		return -EINVAL;
	}

	vdp_model_init();
	ret = vdp_rules_init();
	if (ret)
		return ret;
	ret = vdp_hook_init();
	if (ret) {
		vdp_rules_exit();
		return ret;
	}
	/* after the hook: "reprobe" needs the bus it found */
	vdp_debugfs_init();
	vdp_rules_print_loaded();
	return 0;
}

static void __exit vdp_exit(void)
{
	vdp_debugfs_exit();
	vdp_hook_exit();
	vdp_rules_exit();
	pr_info("unloaded\n");
}

module_init(vdp_init);
module_exit(vdp_exit);

MODULE_DESCRIPTION("Per-device runtime DMA API policy for virtio devices");
MODULE_AUTHOR("virtio_dma_policy authors");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");

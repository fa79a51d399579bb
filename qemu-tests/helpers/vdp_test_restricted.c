// SPDX-License-Identifier: GPL-2.0
/*
 * vdp_test_restricted.ko: test-only.  Makes the guest a restricted-memory
 * guest as far as virtio is concerned, the way AMD SEV, Intel TDX, s390
 * protected virtualization and Xen grant DMA do at boot: it points the
 * exported virtio_check_mem_acc_cb at virtio_require_restricted_mem_acc
 * (drivers/virtio/virtio_anchor.c).  From then on virtio_features_ok()
 * refuses every device that lacks VIRTIO_F_VERSION_1 or
 * VIRTIO_F_ACCESS_PLATFORM, as in a confidential guest.  Load it before
 * the drivers bind (the check runs in virtio_dev_probe()); boot with
 * swiotlb=force for the bouncing of such a guest.  Unloading puts the
 * previous callback back.
 */
#include <linux/module.h>
#include <linux/virtio.h>
#include <linux/virtio_anchor.h>

static bool (*vdp_test_saved_cb)(struct virtio_device *dev);

static int __init vdp_test_restricted_init(void)
{
	vdp_test_saved_cb = virtio_check_mem_acc_cb;
	virtio_set_mem_acc_cb(virtio_require_restricted_mem_acc);
	pr_info("vdp_test_restricted: virtio_check_mem_acc_cb = virtio_require_restricted_mem_acc\n");
	return 0;
}

static void __exit vdp_test_restricted_exit(void)
{
	virtio_set_mem_acc_cb(vdp_test_saved_cb);
	pr_info("vdp_test_restricted: virtio_check_mem_acc_cb restored\n");
}

module_init(vdp_test_restricted_init);
module_exit(vdp_test_restricted_exit);
MODULE_DESCRIPTION("virtio_dma_policy test helper: a restricted-memory virtio guest");
MODULE_LICENSE("GPL");

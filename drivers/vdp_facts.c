// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy: the facts a decision is made from.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>
#include <linux/string.h>

#include "vdp.h"

static void vdp_name(char *dst, size_t size, const char *src)
{
	/* Truncation is fine: names are matched with a prefix pattern. */
	strscpy(dst, src ? src : "", size);
}

/* The running kernel's transport-feature facts: set once, at init. */
static struct vdp_model vdp_model;

void vdp_model_init(void)
{
	char keep[3 * (64 - VDP_TRANSPORT_F_START) + 1] = "";	/* "NN," a bit */
	size_t len = 0;
	unsigned int i;

	if (vdp_compat_model(&vdp_model) || !vdp_model_valid(&vdp_model)) {
		pr_warn("cannot measure the kernel's transport features: predicting as %s\n",
			vdp_gen_name(vdp_compat_gen()));
		vdp_model_of_gen(vdp_compat_gen(), &vdp_model);
	}
	for (i = VDP_TRANSPORT_F_START; i < vdp_model.transport_end; i++)
		if (vdp_feat_test(&vdp_model.keep, i))
			len += scnprintf(keep + len, sizeof(keep) - len, "%s%u",
					 len ? "," : "", i);
	pr_info("kernel model: transport bits %u..%u, kept %s, %u feature bits\n",
		VDP_TRANSPORT_F_START, vdp_model.transport_end - 1, keep,
		vdp_model.feature_bits);
}

const struct vdp_model *vdp_kernel_model(void)
{
	return &vdp_model;
}

/*
 * Fill the three fact structures for a device.  ops is the transport's
 * own virtio_config_ops (never our copy), read_features says whether
 * the device may be asked for its feature bits now.
 */
void vdp_gather(struct virtio_device *vdev,
		const struct virtio_config_ops *ops, bool read_features,
		struct vdp_device *dev, struct vdp_platform *plat,
		struct vdp_dma_facts *dma)
{
	struct device *parent = vdev->dev.parent;
	struct device *dma_dev = vdp_compat_dma_dev(vdev);

	memset(dev, 0, sizeof(*dev));
	memset(plat, 0, sizeof(*plat));
	memset(dma, 0, sizeof(*dma));

	dev->device_id = vdev->id.device;
	dev->vendor_id = vdev->id.vendor;
	dev->transport = vdp_compat_transport(vdev, ops);
	if (parent && dev_is_pci(parent)) {
		struct pci_dev *pdev = to_pci_dev(parent);

		dev->is_pci = 1;
		dev->pci_vendor = pdev->vendor;
		dev->pci_device = pdev->device;
		dev->sub_vendor = pdev->subsystem_vendor;
		dev->sub_device = pdev->subsystem_device;
		dev->sriov_capable =
			!!pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);
	}
	vdp_name(dev->bus, sizeof(dev->bus), parent ? dev_name(parent) : "");
	vdp_name(dev->name, sizeof(dev->name), dev_name(&vdev->dev));
	if (read_features)
		vdp_compat_offered(vdev, ops, &dev->offered);

	plat->arch = vdp_arch_id();
	plat->gen = vdp_compat_gen();
	plat->xen = vdp_compat_xen();
	plat->restricted_mem = vdp_compat_restricted_mem(vdev);
	plat->pseries = vdp_arch_pseries();
	plat->secure_guest = vdp_arch_secure_guest();
	plat->swiotlb_forced = vdp_compat_swiotlb_forced(dma_dev);
	if (vdp_shm_asked(dev, plat))
		dev->shm_region = vdp_compat_shm_region(vdev, ops);

	if (!dma_dev) {
		/* The transport maps by itself (7.x vdev->map): hands off. */
		dma->iommu = VDP_IOMMU_TRANSLATING;
		dma->direct_path = 0;
		return;
	}
	dma->iommu = vdp_arch_iommu(dma_dev);
	if (dma->iommu == VDP_IOMMU_TRANSLATING)
		dma->direct_path = vdp_compat_dma_dev_owned(vdev, dma_dev) &&
				   vdp_arch_direct_possible(dma_dev);
	else
		dma->direct_path = 1;	/* already direct: nothing to install */
}

/*
 * Is the device asked for shared-memory regions?  Only restricted=bounce
 * depends on the answer, so only restricted-memory guests ask, and only
 * VERSION_1 devices have such regions: elsewhere the module adds no
 * transport I/O to a bind.
 */
bool vdp_shm_asked(const struct vdp_device *dev,
		   const struct vdp_platform *plat)
{
	return plat->restricted_mem &&
	       vdp_feat_test(&dev->offered, VDP_F_VERSION_1);
}

/* The path upstream takes for a device with these negotiated features. */
u8 vdp_stock_path(const struct vdp_features *features,
		  const struct vdp_platform *plat,
		  const struct vdp_dma_facts *dma)
{
	if (!vdp_stock_use_dma_api(features, plat->xen))
		return VDP_PATH_PHYSICAL;
	return dma->iommu == VDP_IOMMU_TRANSLATING ? VDP_PATH_DMA_IOMMU :
						     VDP_PATH_DMA_DIRECT;
}

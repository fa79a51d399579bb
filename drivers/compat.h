/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_dma_policy: every kernel-version difference the glue depends on,
 * in one place.  The rest of the glue is written against the helpers below
 * and contains no version conditionals; what differs per architecture is
 * behind vdp_arch.h, one file per arch in drivers/arch/.
 *
 * Generations handled (all built and checked):
 *   6.1   (Debian bookworm)         64 feature bits, dev->dma_ops for
 *                                   iommu-dma, dev->dma_ops_bypass field
 *   6.12  (bookworm-security)       64 feature bits, dev->dma_iommu field
 *   7.x   (sid 7.2)                 128 feature bits (features_array,
 *                                   get_extended_features), vdev->map,
 *                                   device flag bitmap (dev_*_dma_iommu())
 */
#ifndef VDP_COMPAT_H
#define VDP_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/swiotlb.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/slab.h>
#include <linux/virtio_anchor.h>
#include <xen/xen.h>

#ifdef CONFIG_ARCH_HAS_CC_PLATFORM
#include <linux/cc_platform.h>
#endif

#include "../include/virtio_dma_policy.h"
#include "vdp_arch.h"

/* ------------------------------------------------------------------ */
/* Generation and architecture                                         */
/* ------------------------------------------------------------------ */

/* The running kernel's series is at least a.b. */
#define VDP_KERNEL_AT_LEAST(a, b) \
	(KERNEL_VERSION(LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, 0) >= \
	 KERNEL_VERSION(a, b, 0))

#if !VDP_KERNEL_AT_LEAST(6, 1)
#error "virtio_dma_policy supports kernels 6.1 and newer"
#endif

/*
 * 128-bit features (vdev->features_array, get_extended_features) came
 * with <linux/virtio_features.h>, which <linux/virtio.h> includes: test
 * for its macro rather than a version so that backports are handled.
 */
#ifdef VIRTIO_DECLARE_FEATURES
#define VDP_HAVE_EXTENDED_FEATURES 1
#define VDP_KERNEL_FEATURE_WORDS VIRTIO_FEATURES_U64S
#else
#define VDP_HAVE_EXTENDED_FEATURES 0
#define VDP_KERNEL_FEATURE_WORDS 1
#endif

/*
 * dev->dma_iommu and <linux/iommu-dma.h> (iommu-dma without dma_map_ops)
 * are checked from 6.12 on; an older kernel that has them is merely
 * treated as having no direct path (see drivers/arch/iommu_dma.c).
 * In 7.1 the bool bit fields of struct device became a flag bitmap with
 * accessors (dev_dma_iommu(), dev_dma_ops_bypass(), ...); there is no
 * macro to test for it.
 */
#if VDP_KERNEL_AT_LEAST(6, 12)
#include <linux/iommu-dma.h>
#define VDP_HAVE_DMA_IOMMU_FLAG 1
#else
#define VDP_HAVE_DMA_IOMMU_FLAG 0
#endif

#if VDP_KERNEL_AT_LEAST(7, 1)
#define VDP_HAVE_DEV_FLAGS 1
#else
#define VDP_HAVE_DEV_FLAGS 0
#endif

static inline u8 vdp_compat_gen(void)
{
	return vdp_gen_of_version(LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL);
}

/*
 * Waits for the callbacks of call_rcu_tasks(), which is call_rcu() in a
 * kernel without CONFIG_TASKS_RCU (rcu_barrier_tasks() is declared there,
 * but not defined).
 */
static inline void vdp_compat_rcu_barrier_tasks(void)
{
#ifdef CONFIG_TASKS_RCU
	rcu_barrier_tasks();
#else
	rcu_barrier();
#endif
}

/* The driver core's bus pointer type: const since 6.4, not in 6.1. */
#define vdp_compat_bus(b) \
	((typeof(((struct device_driver *)NULL)->bus))(b))

/* ------------------------------------------------------------------ */
/* Platform facts                                                      */
/* ------------------------------------------------------------------ */

static inline bool vdp_compat_xen(void)
{
	return xen_domain();
}

/* Upstream's own test in virtio_features_ok() (virtio_anchor, 6.0+). */
static inline bool vdp_compat_restricted_mem(struct virtio_device *vdev)
{
#ifdef CONFIG_VIRTIO_ANCHOR
	return virtio_check_mem_acc_cb(vdev);
#else
	return false;
#endif
}

/* SWIOTLB bounces every streaming mapping of this DMA device. */
static inline bool vdp_compat_swiotlb_forced(struct device *dma_dev)
{
	return dma_dev && is_swiotlb_force_bounce(dma_dev);
}

/*
 * Does the device expose a shared-memory region (virtio 1.2, 2.10)?  Its
 * driver maps such a region as memory, outside the DMA API: virtio-fs's
 * DAX window, virtio-gpu's host-visible memory, virtio-pmem's region
 * (7.x).  Every id is asked, not only the ids of today's drivers.  A zero
 * length is no region: a virtio-mmio device without the SHM registers
 * reads 0.  ops is the transport's own; the same call in 6.1, 6.12, 7.x.
 */
static inline bool vdp_compat_shm_region(struct virtio_device *vdev,
					 const struct virtio_config_ops *ops)
{
	struct virtio_shm_region region;
	unsigned int id;

	if (!ops->get_shm_region)
		return false;
	for (id = 0; id <= U8_MAX; id++) {
		memset(&region, 0, sizeof(region));
		if (ops->get_shm_region(vdev, &region, id) && region.len)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Features                                                            */
/* ------------------------------------------------------------------ */

/*
 * The device used for DMA by virtio_ring: the transport's parent (the
 * PCI function, the platform device), unless a 7.x transport maps
 * through its own virtio_map_ops (VDUSE), which the glue cannot steer.
 */
static inline struct device *vdp_compat_dma_dev(struct virtio_device *vdev)
{
#if VDP_HAVE_EXTENDED_FEATURES
	if (vdev->map)
		return NULL;
#endif
	return vdev->dev.parent;
}

/* What the device offers, through the given (original) ops. */
static inline void vdp_compat_offered(struct virtio_device *vdev,
				      const struct virtio_config_ops *ops,
				      struct vdp_features *out)
{
	memset(out, 0, sizeof(*out));
#if VDP_HAVE_EXTENDED_FEATURES
	if (ops->get_extended_features) {
		u64 f[VIRTIO_FEATURES_U64S] = { 0 };
		unsigned int i;

		ops->get_extended_features(vdev, f);
		for (i = 0; i < VIRTIO_FEATURES_U64S && i < VDP_FEATURE_WORDS;
		     i++)
			out->w[i] = f[i];
		return;
	}
#endif
	out->w[0] = ops->get_features(vdev);
}

/* vdev->features as the driver sees it (negotiated). */
static inline void vdp_compat_read_features(const struct virtio_device *vdev,
					    struct vdp_features *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
#if VDP_HAVE_EXTENDED_FEATURES
	for (i = 0; i < VIRTIO_FEATURES_U64S && i < VDP_FEATURE_WORDS; i++)
		out->w[i] = vdev->features_array[i];
#else
	i = 0;
	out->w[i] = vdev->features;
#endif
}

static inline void vdp_compat_write_features(struct virtio_device *vdev,
					     const struct vdp_features *in)
{
	unsigned int i;

#if VDP_HAVE_EXTENDED_FEATURES
	for (i = 0; i < VIRTIO_FEATURES_U64S && i < VDP_FEATURE_WORDS; i++)
		vdev->features_array[i] = in->w[i];
#else
	i = 0;
	vdev->features = in->w[i];
#endif
}

/*
 * The running kernel's transport-feature facts (struct vdp_model), by
 * what its virtio core is rather than by its version: END is the
 * kernel's VIRTIO_TRANSPORT_F_END, the width its features type, and the
 * kept bits are what its own vring_transport_features() leaves of a
 * scratch device offering every bit (the function only clears bits of
 * vdev->features).  -ENOMEM leaves *m untouched.
 */
static inline int vdp_compat_model(struct vdp_model *m)
{
	struct virtio_device *scratch;
	struct vdp_features all, kept;
	unsigned int i;

	scratch = kzalloc(sizeof(*scratch), GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	memset(&all, 0xff, sizeof(all));
	vdp_compat_write_features(scratch, &all);
	vring_transport_features(scratch);
	vdp_compat_read_features(scratch, &kept);
	kfree(scratch);

	memset(m, 0, sizeof(*m));
	m->transport_end = VIRTIO_TRANSPORT_F_END;
	m->feature_bits = VDP_HAVE_EXTENDED_FEATURES ? 128 : 64;
	for (i = VIRTIO_TRANSPORT_F_START; i < VIRTIO_TRANSPORT_F_END; i++)
		if (vdp_feat_test(&kept, i))
			vdp_feat_set(&m->keep, i);
	return 0;
}

/* Install the extended (128-bit) get_features wrapper where it exists. */
static inline void
vdp_compat_wrap_extended(struct virtio_config_ops *ops,
			 const struct virtio_config_ops *orig,
			 void (*fn)(struct virtio_device *vdev, u64 *f))
{
#if VDP_HAVE_EXTENDED_FEATURES
	if (orig->get_extended_features)
		ops->get_extended_features = fn;
#endif
}

static inline void
vdp_compat_call_extended(struct virtio_device *vdev,
			 const struct virtio_config_ops *orig, u64 *f)
{
#if VDP_HAVE_EXTENDED_FEATURES
	if (orig->get_extended_features) {
		orig->get_extended_features(vdev, f);
		return;
	}
#endif
	f[0] = orig->get_features(vdev);
}

/* ------------------------------------------------------------------ */
/* Transport                                                           */
/* ------------------------------------------------------------------ */

static inline u8 vdp_compat_transport(struct virtio_device *vdev,
				      const struct virtio_config_ops *ops)
{
	struct device *parent = vdev->dev.parent;
	const char *drv;

	if (!parent || !parent->driver || !parent->driver->name)
		return VDP_TRANSPORT_OTHER;
	drv = parent->driver->name;
	if (!strcmp(drv, "virtio-pci"))
		/* Only the modern config ops have ->generation. */
		return ops->generation ? VDP_TRANSPORT_PCI :
					 VDP_TRANSPORT_PCI_LEGACY;
	if (!strcmp(drv, "virtio-mmio"))
		return VDP_TRANSPORT_MMIO;
	if (!strcmp(drv, "virtio_ccw"))
		return VDP_TRANSPORT_CCW;
	return VDP_TRANSPORT_OTHER;
}

/* ------------------------------------------------------------------ */
/* DMA: IOMMU fact and the direct path                                 */
/* ------------------------------------------------------------------ */

static inline bool vdp_compat_dev_dma_iommu(struct device *dev)
{
#if VDP_HAVE_DMA_IOMMU_FLAG
	return use_dma_iommu(dev);
#else
	return false;
#endif
}

/*
 * Does the device map through iommu-dma?  6.12+: the dma_iommu flag (and
 * no dma_map_ops); 6.1: dev->dma_ops is iommu_dma_ops (the caller knows
 * it is in a DMA domain and no other ops exist).
 */
static inline bool vdp_compat_uses_iommu_dma(struct device *dev)
{
	if (VDP_HAVE_DMA_IOMMU_FLAG)
		return vdp_compat_dev_dma_iommu(dev) && !get_dma_ops(dev);
	return !!get_dma_ops(dev);
}

#ifdef CONFIG_IOMMU_DMA
/*
 * Put the device into iommu-dma, or take it out: the dma_iommu flag from
 * 6.12 (a flag bitmap from 7.1), dev->dma_ops in 6.1.
 */
static inline void vdp_compat_set_iommu_dma(struct device *dev, bool dma_iommu,
					    const struct dma_map_ops *ops)
{
#if VDP_HAVE_DMA_IOMMU_FLAG && VDP_HAVE_DEV_FLAGS
	dev_assign_dma_iommu(dev, dma_iommu);
#elif VDP_HAVE_DMA_IOMMU_FLAG
	dev->dma_iommu = dma_iommu;
#else
	set_dma_ops(dev, ops);
#endif
}
#endif

#ifdef CONFIG_DMA_OPS_BYPASS
static inline bool vdp_compat_get_bypass(struct device *dev)
{
#if VDP_HAVE_DEV_FLAGS
	return dev_dma_ops_bypass(dev);
#else
	return dev->dma_ops_bypass;
#endif
}

static inline void vdp_compat_set_bypass(struct device *dev, bool on)
{
#if VDP_HAVE_DEV_FLAGS
	dev_assign_dma_ops_bypass(dev, on);
#else
	dev->dma_ops_bypass = on;
#endif
}
#endif

/*
 * Does dma-direct itself offset this device's bus addresses?  DT/ACPI
 * dma-ranges (dev->dma_range_map: a region whose bus start differs from
 * its CPU start) are added by phys_to_dma() with no IOMMU at all: such
 * addresses are not guest physical either.  (powerpc adds its own
 * archdata.dma_offset: drivers/arch/powerpc.c.)
 */
static inline bool vdp_compat_dma_range_offset(struct device *dev)
{
	const struct bus_dma_region *r;

	for (r = dev->dma_range_map; r && r->size; r++)
		if (r->dma_start != r->cpu_start)
			return true;
	return false;
}

/*
 * The IOMMU fact where the IOMMU API knows it (x86, arm64 and every arch
 * without its own: see vdp_arch.h): the device's domain, else some other
 * dma_map_ops (GART, Xen swiotlb): be careful.
 */
static inline u8 vdp_compat_iommu_api(struct device *dev)
{
	if (vdp_compat_dma_range_offset(dev))
		return VDP_IOMMU_TRANSLATING;
#ifdef CONFIG_IOMMU_API
	{
		struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

		if (dom)
			return dom->type == IOMMU_DOMAIN_IDENTITY ?
				VDP_IOMMU_IDENTITY : VDP_IOMMU_TRANSLATING;
	}
#endif
	if (get_dma_ops(dev) || vdp_compat_dev_dma_iommu(dev))
		return VDP_IOMMU_TRANSLATING;
	return VDP_IOMMU_NONE;
}

/* A secure or memory-encrypted guest, where the arch has no own test. */
static inline bool vdp_compat_cc_guest(void)
{
#ifdef CONFIG_ARCH_HAS_CC_PLATFORM
	return cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT);
#else
	return false;
#endif
}

/*
 * Is the DMA device the virtio transport's own, so that a direct path
 * changes nobody else's DMA?  Only the virtio device's parent PCI function
 * bound to virtio-pci (the modern and the legacy transport are one
 * driver).  virtio_vdpa's parent is a vDPA device, whose DMA device
 * belongs to another driver (mlx5 PFs shared with mlx5_core): never.
 * The parent's driver cannot change while its virtio device is bound.
 */
static inline bool vdp_compat_dma_dev_owned(struct virtio_device *vdev,
					    struct device *dma_dev)
{
	return dma_dev && dma_dev == vdev->dev.parent && dev_is_pci(dma_dev) &&
	       dma_dev->driver && !strcmp(dma_dev->driver->name, "virtio-pci");
}

/*
 * Install and restore write fields of the PCI function's struct device
 * without its device lock.  On 6.11+ dma_iommu (and powerpc's
 * dma_ops_bypass) is a bitfield that shares a word with dma_skip_sync,
 * which the DMA API writes while it maps (swiotlb's dma_reset_need_sync()).
 * Both run only where no DMA mapping of that function can be in flight:
 * install at BUS_NOTIFY_BIND_DRIVER, before virtio_dev_probe() (no
 * virtqueue exists: the rings, and the admin queue of 6.9+, are created
 * by the driver's find_vqs()), restore after the driver's remove or its
 * failed probe deleted its virtqueues.  virtio-pci maps nothing else.  The
 * other bits of that word are written by the driver core while the
 * function itself probes or is removed, never while a child is bound.
 */
static inline int vdp_compat_install_direct(struct device *dev,
					    struct vdp_dma_state *st)
{
	memset(st, 0, sizeof(*st));
	if (!dev || !vdp_arch_direct_possible(dev))
		return -EOPNOTSUPP;
	vdp_arch_dma_read(dev, st);
	vdp_arch_direct_apply(dev);
	st->installed = true;
	return 0;
}

static inline void vdp_compat_restore_direct(struct device *dev,
					     struct vdp_dma_state *st)
{
	if (!st->installed)
		return;
	vdp_arch_direct_restore(dev, st);
	st->installed = false;
}

/*
 * The DMA API state a direct path changes, as it is now.  The devices file
 * shows it as read at bind (before any change) and as it is when read, so
 * that a restore can be observed.  False where no direct path exists (no
 * such state).
 */
static inline bool vdp_compat_dma_read(struct device *dev,
				       struct vdp_dma_state *st)
{
	memset(st, 0, sizeof(*st));
	return dev && vdp_arch_dma_read(dev, st);
}

#endif /* VDP_COMPAT_H */

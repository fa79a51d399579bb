/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake virtio devices on the real virtio bus, for the KUnit suites.
 *
 * A fake device is a struct virtio_device with a transport (config ops)
 * under the test's control: it offers a feature set, keeps a status byte,
 * and records what the core and the driver did to it.  It is registered
 * with register_virtio_device() below a root device, so the real virtio
 * core probes it (virtio_dev_probe: feature negotiation, FEATURES_OK) and
 * bus notifiers (the glue) see it like any other device.
 *
 * A fake driver binds to the fake device id and records what it sees at
 * probe time.
 *
 * Header-only (static functions): each suite module gets its own copy,
 * because an object file may belong to one module only.
 *
 * Written for the kernels scripts/kunit builds (UML from linux-source-6.1,
 * 6.12 and 7.2): find_vqs() takes a virtqueue_info array from 6.11 on, and
 * 7.x reads 128 feature bits through get_extended_features()
 * (VDP_HAVE_EXTENDED_FEATURES: the fake then offers and records bits 64..127 too).
 * The module's own kernel differences live in drivers/compat.h; these test
 * fakes only follow the kernels they run on.
 */
#ifndef VDP_FAKE_H
#define VDP_FAKE_H

#include <linux/device.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/version.h>
#include <kunit/test.h>

/* the module's own kernel tests: VDP_KERNEL_AT_LEAST, VDP_HAVE_EXTENDED_FEATURES */
#include "../drivers/compat.h"

/*
 * KUnit and driver-core differences the suites meet (the module's own are
 * in drivers/compat.h).
 *
 * A hand-written parameter generator: its signature gained the test in the
 * series that added KUNIT_CASE_PARAM_WITH_INIT (7.x; not in 6.1, 6.12).
 */
#ifdef KUNIT_CASE_PARAM_WITH_INIT
#define VDP_KUNIT_GEN_ARGS struct kunit *test, const void *prev, char *desc
#else
#define VDP_KUNIT_GEN_ARGS const void *prev, char *desc
#endif

/*
 * platform_driver_register() without an owner (the suites run before their
 * module is live, see vdp_fake_driver_register()); 7.x also passes the
 * module name.
 */
static inline int vdp_platform_driver_register_noowner(struct platform_driver *drv)
{
#if VDP_KERNEL_AT_LEAST(7, 0)
	return __platform_driver_register(drv, NULL, KBUILD_MODNAME);
#else
	return __platform_driver_register(drv, NULL);
#endif
}

/*
 * Virtio device ids no real driver claims ("KU", "KV"; the plan and rules
 * texts write them in decimal: 19285, 19286).
 */
#define VDP_FAKE_ID 0x4b55
#define VDP_FAKE_ID_OTHER 0x4b56
#define VDP_FAKE_VENDOR 0x1af4

struct vdp_fake {
	struct virtio_device vdev;
	struct virtio_config_ops ops; /* this device's transport */
	const struct virtio_config_ops *orig_config; /* &ops, as registered */
	u64 offered;
	u64 offered_hi;       /* bits 64..127 (VDP_HAVE_EXTENDED_FEATURES only) */
	/* transport behaviour */
	bool mmio_filter;     /* finalize: vring_transport_features() like mmio */
	/*
	 * Like a QEMU device with iommu_platform=on: FEATURES_OK is refused
	 * unless the driver accepted bit 33 ("device refuses features").
	 */
	bool requires_33;
	/* device state */
	u8 status;
	/* records */
	atomic_t finalize_calls;
	u64 finalized;        /* vdev->features when finalize_features ran */
	u64 finalized_after;  /* vdev->features after the transport filter */
	u64 unoffered_seen;   /* bits finalize_features got, never offered */
	u64 finalized_hi;     /* bits 64..127 of the three above */
	u64 unoffered_seen_hi;
	u8 max_status;        /* OR of every status written */
	/* set by the fake driver */
	bool probed;
	u64 probe_features;
	u64 probe_features_hi;
	bool probe_dma_quirk; /* virtio_has_dma_quirk() at probe */
	bool *released;       /* set to true by release, if non-NULL */
	/*
	 * A slow transport: reading the features sleeps this long.  While
	 * a reader sleeps there through someone else's ops (the glue's
	 * wrappers), hooked_calls counts it.
	 */
	unsigned int features_delay_ms;
	atomic_t hooked_calls;  /* started through another vdev->config */
	atomic_t hooked_inside; /* of those, still sleeping */
	atomic_t features_reads; /* every read of the features */
};

static inline struct vdp_fake *to_vdp_fake(struct virtio_device *vdev)
{
	return container_of(vdev, struct vdp_fake, vdev);
}

static inline void vdp_fake_get(struct virtio_device *vdev,
				unsigned int offset, void *buf,
				unsigned int len)
{
	memset(buf, 0, len);
}

static inline void vdp_fake_set(struct virtio_device *vdev,
				unsigned int offset, const void *buf,
				unsigned int len)
{
}

static inline u8 vdp_fake_get_status(struct virtio_device *vdev)
{
	return READ_ONCE(to_vdp_fake(vdev)->status);
}

static inline void vdp_fake_set_status(struct virtio_device *vdev, u8 status)
{
	struct vdp_fake *f = to_vdp_fake(vdev);

	if (f->requires_33 && (status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(f->finalized & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM)))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	f->max_status |= status;
	WRITE_ONCE(f->status, status);
}

static inline void vdp_fake_reset(struct virtio_device *vdev)
{
	WRITE_ONCE(to_vdp_fake(vdev)->status, 0);
}

/* Counts a read of the features; the delay of a slow transport, if set. */
static inline void vdp_fake_features_delay(struct vdp_fake *f)
{
	unsigned int ms = READ_ONCE(f->features_delay_ms);
	bool hooked = READ_ONCE(f->vdev.config) != f->orig_config;

	atomic_inc(&f->features_reads);
	if (!ms)
		return;
	if (hooked) {
		atomic_inc(&f->hooked_inside);
		atomic_inc(&f->hooked_calls);
	}
	msleep(ms);
	if (hooked)
		atomic_dec(&f->hooked_inside);
}

static inline u64 vdp_fake_get_features(struct virtio_device *vdev)
{
	vdp_fake_features_delay(to_vdp_fake(vdev));
	return to_vdp_fake(vdev)->offered;
}

/* bits 64..127 of vdev->features (0 before 7.x) */
static inline u64 vdp_fake_features_hi(const struct virtio_device *vdev)
{
#if VDP_HAVE_EXTENDED_FEATURES
	return vdev->features_array[1];
#else
	return 0;
#endif
}

#if VDP_HAVE_EXTENDED_FEATURES
static inline void vdp_fake_get_extended_features(struct virtio_device *vdev,
						  u64 *features)
{
	struct vdp_fake *f = to_vdp_fake(vdev);
	unsigned int i;

	vdp_fake_features_delay(f);
	for (i = 0; i < VIRTIO_FEATURES_U64S; i++)
		features[i] = i == 0 ? f->offered : i == 1 ? f->offered_hi : 0;
}
#endif

static inline int vdp_fake_finalize_features(struct virtio_device *vdev)
{
	struct vdp_fake *f = to_vdp_fake(vdev);

	atomic_inc(&f->finalize_calls);
	f->finalized = vdev->features;
	f->unoffered_seen |= vdev->features & ~f->offered;
	f->finalized_hi = vdp_fake_features_hi(vdev);
	f->unoffered_seen_hi |= f->finalized_hi & ~f->offered_hi;
	if (f->mmio_filter)
		vring_transport_features(vdev);
	f->finalized_after = vdev->features;
	return 0;
}

#if VDP_KERNEL_AT_LEAST(6, 11)
static inline int vdp_fake_find_vqs(struct virtio_device *vdev,
				    unsigned int nvqs, struct virtqueue *vqs[],
				    struct virtqueue_info vqs_info[],
				    struct irq_affinity *desc)
{
	return -ENOENT;
}
#else
static inline int vdp_fake_find_vqs(struct virtio_device *vdev,
				    unsigned int nvqs, struct virtqueue *vqs[],
				    vq_callback_t *callbacks[],
				    const char * const names[],
				    const bool *ctx, struct irq_affinity *desc)
{
	return -ENOENT;
}
#endif

static inline void vdp_fake_del_vqs(struct virtio_device *vdev)
{
}

static inline const char *vdp_fake_bus_name(struct virtio_device *vdev)
{
	return "vdp-fake";
}

static inline void vdp_fake_release(struct device *dev)
{
	struct vdp_fake *f = to_vdp_fake(dev_to_virtio(dev));

	if (f->released)
		*f->released = true;
	kfree(f);
}

/* A fake device, not registered yet: set fields, then vdp_fake_register(). */
static inline struct vdp_fake *vdp_fake_new(struct device *parent,
					    u32 device_id, u64 offered)
{
	struct vdp_fake *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->offered = offered;
	f->ops.get = vdp_fake_get;
	f->ops.set = vdp_fake_set;
	f->ops.get_status = vdp_fake_get_status;
	f->ops.set_status = vdp_fake_set_status;
	f->ops.reset = vdp_fake_reset;
	f->ops.find_vqs = vdp_fake_find_vqs;
	f->ops.del_vqs = vdp_fake_del_vqs;
	f->ops.get_features = vdp_fake_get_features;
#if VDP_HAVE_EXTENDED_FEATURES
	f->ops.get_extended_features = vdp_fake_get_extended_features;
#endif
	f->ops.finalize_features = vdp_fake_finalize_features;
	f->ops.bus_name = vdp_fake_bus_name;
	f->vdev.config = &f->ops;
	f->orig_config = &f->ops;
	f->vdev.id.device = device_id;
	f->vdev.id.vendor = VDP_FAKE_VENDOR;
	f->vdev.dev.parent = parent;
	f->vdev.dev.release = vdp_fake_release;
	return f;
}

/*
 * Register (the core probes it if a driver matches).  On failure the
 * device has been released: do not touch it again.
 */
static inline int vdp_fake_register(struct vdp_fake *f)
{
	int err = register_virtio_device(&f->vdev);

	if (err)
		put_device(&f->vdev.dev);
	return err;
}

static inline void vdp_fake_unregister(struct vdp_fake *f)
{
	unregister_virtio_device(&f->vdev);
}

/* ------------------------------------------------------------------ */
/* the fake driver                                                     */

struct vdp_fake_driver {
	struct virtio_driver drv;
	struct virtio_device_id ids[2];
	unsigned int table[128];
	unsigned int legacy[64];
};

static inline int vdp_fake_probe(struct virtio_device *vdev)
{
	struct vdp_fake *f = to_vdp_fake(vdev);

	f->probed = true;
	f->probe_features = vdev->features;
	f->probe_features_hi = vdp_fake_features_hi(vdev);
	f->probe_dma_quirk = virtio_has_dma_quirk(vdev);
	return 0;
}

static inline void vdp_fake_remove(struct virtio_device *vdev)
{
	virtio_reset_device(vdev);
}

/*
 * Driver feature table: the bits of drv (< 64); legacy table when
 * has_legacy.  Must be set before register (the table size is read by
 * virtio_dev_probe at each probe, so it may change between probes).
 */
static inline void vdp_fake_driver_features(struct vdp_fake_driver *d,
					    u64 drv, u64 legacy,
					    bool has_legacy)
{
	unsigned int b, n = 0, nl = 0;

	for (b = 0; b < 64; b++) {
		if (drv & BIT_ULL(b))
			d->table[n++] = b;
		if (legacy & BIT_ULL(b))
			d->legacy[nl++] = b;
	}
	d->drv.feature_table = d->table;
	d->drv.feature_table_size = n;
	d->drv.feature_table_legacy = has_legacy ? d->legacy : NULL;
	d->drv.feature_table_size_legacy = has_legacy ? nl : 0;
}

/* Add bits 64..127 (bit b of hi is feature 64 + b) to the driver's table. */
static inline void vdp_fake_driver_features_hi(struct vdp_fake_driver *d,
					       u64 hi)
{
	unsigned int b;

	for (b = 0; b < 64; b++)
		if (hi & BIT_ULL(b))
			d->table[d->drv.feature_table_size++] = 64 + b;
}

/*
 * KUnit runs a module's suites while the module is still coming (Linux
 * 6.1: MODULE_STATE_COMING), before its sysfs directory exists: the suites
 * register drivers and root devices without an owner (no "module" links).
 */
static inline int vdp_fake_driver_register(struct vdp_fake_driver *d,
					   u32 device_id, const char *name,
					   struct module *owner)
{
	d->ids[0].device = device_id;
	d->ids[0].vendor = VIRTIO_DEV_ANY_ID;
	d->drv.driver.name = name;
	d->drv.driver.owner = owner;
	d->drv.id_table = d->ids;
	d->drv.probe = vdp_fake_probe;
	d->drv.remove = vdp_fake_remove;
	return register_virtio_driver(&d->drv);
}

static inline void vdp_fake_driver_unregister(struct vdp_fake_driver *d)
{
	unregister_virtio_driver(&d->drv);
}

#endif /* VDP_FAKE_H */

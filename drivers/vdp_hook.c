// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy: the hook on the virtio bus.
 *
 * The virtio bus is not exported: registering a virtio_driver with an
 * empty id table fills in its driver.bus, which is all we need for
 * bus_register_notifier().  The notifications used:
 *
 *   BUS_NOTIFY_ADD_DEVICE      remember the device (devices file)
 *   BUS_NOTIFY_BIND_DRIVER     before the driver's probe, hence before
 *                              virtio_dev_probe() negotiates features:
 *                              gather facts, decide, and if the decision
 *                              edits anything give the device a private
 *                              copy of its virtio_config_ops whose
 *                              get_features / get_extended_features /
 *                              finalize_features apply the edits (and
 *                              install a direct DMA path if asked);
 *                              takes a module reference
 *   BUS_NOTIFY_BOUND_DRIVER    record the negotiated features, compare
 *                              them with the core's prediction
 *   BUS_NOTIFY_UNBIND_DRIVER   before the driver's remove: a direct path
 *                              someone else undid is said (the wrapped
 *                              del_vqs puts it back once the driver reset
 *                              the device, so the rings are freed the way
 *                              they were allocated)
 *   BUS_NOTIFY_DRIVER_NOT_BOUND / BUS_NOTIFY_UNBOUND_DRIVER
 *                              restore the transport's ops and the DMA
 *                              state, drop the module reference
 *   BUS_NOTIFY_REMOVED_DEVICE  forget the device
 *
 * The ops copy stays installed for as long as a driver is bound: virtio
 * writes vdev->features again on restore (resume), and virtqueues latch
 * use_dma_api at creation.  The module reference keeps rmmod from
 * pulling the code out from under a bound device: delete_module() fails
 * with -EWOULDBLOCK ("in use").
 *
 * Some callers reach the wrappers through vdev->config without the device
 * lock: CONFIG_VIRTIO_DEBUG's device_features file (6.10+) and PCI
 * reset_done (6.12+, under the PCI function's lock only).  One can be
 * inside a wrapper while an unbind restores the ops and drops the module
 * reference, and rmmod can follow at once.  So the wrappers are SRCU
 * readers (they call the transport, which may sleep), and
 * vdp_hook_exit() waits for them, then for a tasks-RCU grace period: that
 * covers a caller preempted between loading the ops pointer and entering
 * the read side, or after leaving it, before its return.  When exit
 * returns and the module text is freed, no task can be in it.  The ops
 * copy itself lives in the device's entry, which is freed after a
 * tasks-RCU grace period too (vdp_entry_free()), and the wrappers read
 * an entry only through what never changes once it is published (orig)
 * or under its seqlock (the edits of the current bind).
 *
 * Devices bound before the module loaded are reported (not-applied,
 * already-bound) and never touched; reprobe one through the debugfs
 * "reprobe" file or by unbinding and binding its driver in sysfs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/xarray.h>

#include "vdp.h"

/* vdp_dev_lock protects vdp_entries and every entry's fields. */
static DEFINE_MUTEX(vdp_dev_lock);
static DEFINE_XARRAY(vdp_entries);
static const struct bus_type *vdp_bus;
/* Readers: the config-ops wrappers, for their whole body. */
DEFINE_STATIC_SRCU(vdp_srcu);

/* ------------------------------------------------------------------ */
/* Feature-set helpers                                                 */
/* ------------------------------------------------------------------ */

static void vdp_edit(struct vdp_features *f, const struct vdp_decision *d)
{
	unsigned int i;

	for (i = 0; i < VDP_FEATURE_WORDS; i++)
		f->w[i] = (f->w[i] & ~d->driver_clear.w[i]) | d->driver_set.w[i];
}

static bool vdp_feat_equal(const struct vdp_features *a,
			   const struct vdp_features *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* ------------------------------------------------------------------ */
/* The per-device config ops                                           */
/* ------------------------------------------------------------------ */

/* What a wrapper needs: the transport's ops and this bind's edits. */
struct vdp_view {
	const struct virtio_config_ops *orig;
	struct vdp_edits edits;
};

/*
 * No lock: the entry outlives any wrapper that found it under RCU, orig
 * is written before the entry is published and never again, and the
 * edits are copied whole under the entry's seqlock (a rebind, or the
 * restore, may rewrite them meanwhile).  False only for a caller that
 * loaded the ops before the device was removed: it gets no features.
 */
static bool vdp_get_view(struct virtio_device *vdev, struct vdp_view *v)
{
	struct vdp_entry *e;
	unsigned int seq;
	bool ok = false;

	rcu_read_lock();
	e = xa_load(&vdp_entries, vdev->index);
	if (e && e->vdev == vdev) {
		v->orig = e->orig;
		do {
			seq = read_seqbegin(&e->seq);
			v->edits = e->edits;
		} while (read_seqretry(&e->seq, seq));
		ok = true;
	}
	rcu_read_unlock();
	return ok;
}

static u64 vdp_get_features(struct virtio_device *vdev)
{
	struct vdp_view v;
	u64 f = 0;
	int idx;

	idx = srcu_read_lock(&vdp_srcu);
	if (vdp_get_view(vdev, &v)) {
		f = v.orig->get_features(vdev);
		f = (f & ~v.edits.driver_clear.w[0]) | v.edits.driver_set.w[0];
	}
	srcu_read_unlock(&vdp_srcu, idx);
	return f;
}

static void vdp_get_extended_features(struct virtio_device *vdev, u64 *f)
{
	struct vdp_view v;
	unsigned int i;
	int idx;

	for (i = 0; i < VDP_KERNEL_FEATURE_WORDS; i++)
		f[i] = 0;
	idx = srcu_read_lock(&vdp_srcu);
	if (vdp_get_view(vdev, &v)) {
		vdp_compat_call_extended(vdev, v.orig, f);
		for (i = 0; i < VDP_KERNEL_FEATURE_WORDS && i < VDP_FEATURE_WORDS; i++)
			f[i] = (f[i] & ~v.edits.driver_clear.w[i]) |
			       v.edits.driver_set.w[i];
	}
	srcu_read_unlock(&vdp_srcu, idx);
}

/*
 * The transport never sees the device_hide bits (features we show the
 * driver that the device did not offer; legacy virtio-pci BUG()s on
 * anything above bit 31): clear them, finalize, set them back.
 */
static int vdp_finalize_view(struct virtio_device *vdev,
			     const struct vdp_view *v)
{
	struct vdp_features cur, hidden;
	unsigned int i;
	int ret;

	vdp_compat_read_features(vdev, &cur);
	for (i = 0; i < VDP_FEATURE_WORDS; i++) {
		hidden.w[i] = cur.w[i] & v->edits.device_hide.w[i];
		cur.w[i] &= ~v->edits.device_hide.w[i];
	}
	vdp_compat_write_features(vdev, &cur);

	ret = v->orig->finalize_features(vdev);

	vdp_compat_read_features(vdev, &cur);
	for (i = 0; i < VDP_FEATURE_WORDS; i++)
		cur.w[i] |= hidden.w[i];
	vdp_compat_write_features(vdev, &cur);
	return ret;
}

/* A refusal fails here, before the driver's probe: -ENODEV. */
static int vdp_finalize_features(struct virtio_device *vdev)
{
	struct vdp_view v;
	int idx, ret;

	idx = srcu_read_lock(&vdp_srcu);
	if (!vdp_get_view(vdev, &v))
		ret = -ENODEV;
	else
		ret = v.edits.err ?: vdp_finalize_view(vdev, &v);
	srcu_read_unlock(&vdp_srcu, idx);
	return ret;
}

static void vdp_put_back_direct(struct virtio_device *vdev);

/*
 * A driver's remove resets the device first: from then on no DMA and no
 * completion runs, and what the driver unmaps next (detached buffers,
 * page pools) and frees last (the rings, in del_vqs) was mapped while
 * the direct path was in place.  A direct path someone else undid is put
 * back here, so that those are unmapped and freed the way they were
 * mapped; del_vqs does the same for a driver that frees its queues
 * without a reset (virtio_pmem resets after, nsm never).
 */
static void vdp_reset(struct virtio_device *vdev)
{
	struct vdp_view v;
	int idx;

	idx = srcu_read_lock(&vdp_srcu);
	if (vdp_get_view(vdev, &v)) {
		v.orig->reset(vdev);
		vdp_put_back_direct(vdev);
	}
	srcu_read_unlock(&vdp_srcu, idx);
}

static void vdp_del_vqs(struct virtio_device *vdev)
{
	struct vdp_view v;
	int idx;

	idx = srcu_read_lock(&vdp_srcu);
	if (vdp_get_view(vdev, &v)) {
		vdp_put_back_direct(vdev);
		v.orig->del_vqs(vdev);
	}
	srcu_read_unlock(&vdp_srcu, idx);
}

/* ------------------------------------------------------------------ */
/* Entries                                                             */
/* ------------------------------------------------------------------ */

static struct vdp_entry *vdp_lookup(struct virtio_device *vdev)
{
	struct vdp_entry *e = xa_load(&vdp_entries, vdev->index);

	lockdep_assert_held(&vdp_dev_lock);
	return e && e->vdev == vdev ? e : NULL;
}

/* After the tasks-RCU grace period: one more for the wrappers' lookup. */
static void vdp_entry_kfree(struct rcu_head *head)
{
	struct vdp_entry *e = container_of(head, struct vdp_entry, rcu);

	kfree_rcu(e, rcu);
}

/*
 * Called once the entry is out of vdp_entries and its ops are no longer
 * vdev->config.  The device reference is dropped now (its release may be
 * in a transport module that goes away next); the memory, which holds the
 * ops a preempted lockless caller may still be about to call through,
 * after tasks-RCU and RCU grace periods.  vdp_hook_exit() waits for it.
 */
static void vdp_entry_free(struct vdp_entry *e)
{
	put_device(&e->vdev->dev);
	call_rcu_tasks(&e->rcu, vdp_entry_kfree);
}

/* The ops a hooked device runs with: the transport's, five wrapped. */
static void vdp_entry_init_ops(struct vdp_entry *e)
{
	const struct virtio_config_ops *orig = e->orig;

	e->ops = *orig;
	if (orig->get_features)
		e->ops.get_features = vdp_get_features;
	vdp_compat_wrap_extended(&e->ops, orig, vdp_get_extended_features);
	e->ops.finalize_features = vdp_finalize_features;
	e->ops.reset = vdp_reset;
	e->ops.del_vqs = vdp_del_vqs;
}

/* Find or create the entry of a device; NULL if out of memory. */
static struct vdp_entry *vdp_entry_get(struct virtio_device *vdev)
{
	struct vdp_entry *e, *stale;

	lockdep_assert_held(&vdp_dev_lock);
	e = vdp_lookup(vdev);
	if (e)
		return e;

	/*
	 * NOIO: the reset and del_vqs wrappers take vdp_dev_lock, and a
	 * driver may call them with its disk's queue quiesced (7.x
	 * virtblk_reset_prepare): reclaim here must not wait on that disk.
	 */
	e = kzalloc(sizeof(*e), GFP_NOIO);
	if (!e)
		return NULL;
	e->vdev = vdev;
	e->orig = vdev->config;
	vdp_entry_init_ops(e);
	seqlock_init(&e->seq);
	e->dec.rule = -1;
	get_device(&vdev->dev);
	vdp_gather(vdev, vdev->config, false, &e->dev, &e->plat, &e->dma);

	/* publishes orig and ops (xa_store is a release) */
	stale = xa_store(&vdp_entries, vdev->index, e, GFP_NOIO);
	if (xa_is_err(stale)) {
		put_device(&vdev->dev);
		kfree(e);
		return NULL;
	}
	/* An index is reused only after REMOVED_DEVICE; be safe anyway. */
	if (stale && !WARN_ON_ONCE(stale->hooked))
		vdp_entry_free(stale);
	return e;
}

/*
 * The load scan holds a device that device_del() may have taken off the
 * bus meanwhile (and sent REMOVED_DEVICE for, finding no entry).  Called
 * with vdp_dev_lock held, which orders this against that notification:
 * device_del() unlinks the device from the bus before it notifies, so a
 * device still on the bus here will be notified after the entry exists.
 */
static int vdp_match_ptr(struct device *dev, const void *data)
{
	return dev == data;
}

static bool vdp_on_bus(struct device *dev)
{
	struct device *found;

	lockdep_assert_held(&vdp_dev_lock);
	found = bus_find_device(vdp_compat_bus(vdp_bus), NULL, dev,
				vdp_match_ptr);
	put_device(found);
	return found;
}

/* ------------------------------------------------------------------ */
/* Reporting                                                           */
/* ------------------------------------------------------------------ */

static const char *vdp_rule_str(const struct vdp_decision *d, char *buf,
				size_t size)
{
	if (d->rule < 0)
		return "-";
	snprintf(buf, size, "%d", d->rule);
	return buf;
}

static void vdp_report(const struct vdp_entry *e)
{
	char rule[16];

	dev_info(&e->vdev->dev, VDP_MSG_DECISION,
		 e->dec.audit ? "audit:" : "", vdp_verdict_name(e->dec.verdict),
		 vdp_path_name(e->dec.path), vdp_reason_token(e->dec.reason),
		 vdp_rule_str(&e->dec, rule, sizeof(rule)),
		 e->dev.bus[0] ? e->dev.bus : "-");
	vdp_trace_decision(e);
}

/* ------------------------------------------------------------------ */
/* Applying and undoing a decision                                     */
/* ------------------------------------------------------------------ */

/* Applying failed: keep stock behaviour or refuse, as the rule says. */
static void vdp_fall_back(struct vdp_entry *e)
{
	struct vdp_decision *d = &e->dec;

	memset(&d->driver_set, 0, sizeof(d->driver_set));
	memset(&d->driver_clear, 0, sizeof(d->driver_clear));
	memset(&d->device_hide, 0, sizeof(d->device_hide));
	d->install_direct_path = 0;
	d->reason = VDP_REASON_UNSAFE_NO_DIRECT_PATH;
	if (e->fallback == VDP_FALLBACK_REFUSE) {
		d->verdict = VDP_VERDICT_REFUSE;
		d->path = VDP_PATH_NONE;
		d->err = -ENODEV;
		d->edits = 1;
	} else {
		d->verdict = VDP_VERDICT_NOT_APPLIED;
		d->path = vdp_stock_path(&e->dev.offered, &e->plat, &e->dma);
		d->err = 0;
		d->edits = 0;
	}
}

/* The wrappers' edits: written under vdp_dev_lock, read under e->seq. */
static void vdp_set_edits(struct vdp_entry *e, const struct vdp_edits *ed)
{
	lockdep_assert_held(&vdp_dev_lock);
	write_seqlock(&e->seq);
	e->edits = *ed;
	write_sequnlock(&e->seq);
}

/* Called with the device lock and vdp_dev_lock held, before probe. */
static void vdp_install(struct vdp_entry *e)
{
	struct virtio_device *vdev = e->vdev;
	struct vdp_edits ed;

	if (!try_module_get(THIS_MODULE)) {
		/* Being unloaded: behave as if we were not here. */
		e->fallback = VDP_FALLBACK_STOCK;
		vdp_fall_back(e);
		return;
	}

	if (e->dec.install_direct_path) {
		e->dma_dev = vdp_compat_dma_dev(vdev);
		if (vdp_compat_install_direct(e->dma_dev, &e->dma_state)) {
			dev_warn(&vdev->dev,
				 "dma policy: no direct DMA path for %s, falling back\n",
				 e->dev.bus);
			vdp_fall_back(e);
			if (!vdp_decision_hooks(&e->dec)) {
				module_put(THIS_MODULE);
				return;
			}
		}
	}

	ed.driver_set = e->dec.driver_set;
	ed.driver_clear = e->dec.driver_clear;
	ed.device_hide = e->dec.device_hide;
	ed.err = e->dec.err;
	vdp_set_edits(e, &ed);
	e->hooked = true;
	/* (a caller that sees the ops before the edits gets them unedited) */
	smp_store_release(&vdev->config, &e->ops);
}

/* The DMA state token of the transport's device now; false if none. */
static bool vdp_dma_now(const struct vdp_entry *e, char *buf, size_t size)
{
	struct vdp_dma_state now;

	if (!vdp_compat_dma_read(vdp_compat_dma_dev(e->vdev), &now))
		return false;
	vdp_arch_dma_format(&now, buf, size);
	return true;
}

/*
 * After a restore the transport's device must have the DMA state it had
 * at bind: anything else would leave the next driver with a DMA API the
 * module chose (no isolation behind an IOMMU).  Said, never hidden; the
 * devices file shows both states too.
 */
static void vdp_check_restored(const struct vdp_entry *e)
{
	char bind[80], now[80];

	if (!e->have_dma_bind || !vdp_dma_now(e, now, sizeof(now)))
		return;
	vdp_arch_dma_format(&e->dma_bind, bind, sizeof(bind));
	if (strcmp(bind, now))
		dev_warn(&e->vdev->dev,
			 "dma policy: DMA state of %s is %s after the restore, was %s at bind\n",
			 e->dev.bus[0] ? e->dev.bus : "-", now, bind);
}

/*
 * Someone else may undo a direct path while the device runs (see
 * vdp_arch_direct_intact()): checked after the driver's probe and at
 * unbind, said once.  The restore still puts back the state of bind time.
 */
static void vdp_check_direct(struct vdp_entry *e, const char *when)
{
	char now[80];

	if (!e->dma_state.installed || e->direct_undone ||
	    vdp_arch_direct_intact(e->dma_dev))
		return;
	e->direct_undone = true;
	if (!vdp_dma_now(e, now, sizeof(now)))
		strscpy(now, "?", sizeof(now));
	dev_warn(&e->vdev->dev,
		 "dma policy: the direct path of %s was undone by someone else (seen %s): DMA state %s\n",
		 e->dev.bus[0] ? e->dev.bus : "-", when, now);
}

/* Called with vdp_dev_lock held once no driver uses the device. */
static void vdp_restore(struct vdp_entry *e)
{
	if (!e->hooked)
		return;
	vdp_check_direct(e, "at unbind");
	/* Nobody else should have replaced our ops; restore regardless. */
	WARN_ON_ONCE(READ_ONCE(e->vdev->config) != &e->ops);
	WRITE_ONCE(e->vdev->config, e->orig);
	/* a lockless caller still inside the ops sees the features as they are */
	vdp_set_edits(e, &(struct vdp_edits){ });
	vdp_compat_restore_direct(e->dma_dev, &e->dma_state);
	e->hooked = false;
	vdp_check_restored(e);
	module_put(THIS_MODULE);
}

/* The core's prediction of the negotiated features, from driver tables. */
static void vdp_predict(struct vdp_entry *e, struct virtio_driver *drv)
{
	struct vdp_features offered = e->dev.offered;
	struct vdp_features f, fl;
	unsigned int i;

	e->have_prediction = false;
	e->prediction = VDP_PREDICTION_NONE;
	if (!drv || e->dec.err)
		return;		/* refused: nothing will be negotiated */

	memset(&f, 0, sizeof(f));
	memset(&fl, 0, sizeof(fl));
	for (i = 0; i < drv->feature_table_size; i++)
		vdp_feat_set(&f, drv->feature_table[i]);
	if (drv->feature_table_legacy)
		for (i = 0; i < drv->feature_table_size_legacy; i++)
			vdp_feat_set(&fl, drv->feature_table_legacy[i]);
	if (vdp_decision_hooks(&e->dec))
		vdp_edit(&offered, &e->dec);
	vdp_model_predict(vdp_kernel_model(), &e->dev, &offered, &f, &fl,
			  !!drv->feature_table_legacy, &e->predicted);
	e->have_prediction = true;
}

/* ------------------------------------------------------------------ */
/* Notifications                                                       */
/* ------------------------------------------------------------------ */

static void vdp_on_add(struct virtio_device *vdev)
{
	mutex_lock(&vdp_dev_lock);
	if (!vdp_entry_get(vdev))
		dev_warn(&vdev->dev, "dma policy: out of memory, not tracked\n");
	mutex_unlock(&vdp_dev_lock);
}

/* What a bind decides on, read before vdp_dev_lock (transport I/O). */
struct vdp_facts {
	struct vdp_device dev;
	struct vdp_platform plat;
	struct vdp_dma_facts dma;
	struct vdp_dma_state dma_bind;
	bool have_dma_bind;
	char driver[VDP_NAME_LEN];
};

/*
 * Reads the offered features from the transport: never under vdp_dev_lock
 * (one slow transport would stall every bind and the devices file).  The
 * caller holds the device lock, which keeps the device as it is.
 */
static void vdp_read_facts(struct virtio_device *vdev,
			   const struct virtio_config_ops *ops,
			   struct vdp_facts *f)
{
	vdp_gather(vdev, ops, true, &f->dev, &f->plat, &f->dma);
	/* (set before BUS_NOTIFY_BIND_DRIVER, stable under the device lock) */
	strscpy(f->driver, vdev->dev.driver ? vdev->dev.driver->name : "",
		sizeof(f->driver));
	f->have_dma_bind = vdp_compat_dma_read(vdp_compat_dma_dev(vdev),
					       &f->dma_bind);
}

/* Called with vdp_dev_lock held. */
static void vdp_take_facts(struct vdp_entry *e, const struct vdp_facts *f)
{
	e->dev = f->dev;
	e->plat = f->plat;
	e->dma = f->dma;
	strscpy(e->driver, f->driver, sizeof(e->driver));
	e->have_offered = true;
}

static void vdp_on_bind(struct virtio_device *vdev)
{
	const struct virtio_config_ops *orig = vdev->config;
	struct virtio_driver *drv = NULL;
	struct vdp_entry *e;
	struct vdp_facts f;

	if (vdev->dev.driver)
		drv = drv_to_virtio(vdev->dev.driver);
	/*
	 * The spec's initialization sequence (virtio 1.2, 3.1.1) reads the
	 * device features after ACKNOWLEDGE and DRIVER; virtio_dev_probe()
	 * sets DRIVER first thing, just after this notification.  Set it
	 * now, so that the module's read is in sequence too (setting a set
	 * bit again changes nothing for the probe).
	 */
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	/* (for nothing if it turns out hooked already: rare, harmless) */
	vdp_read_facts(vdev, orig, &f);

	mutex_lock(&vdp_dev_lock);
	e = vdp_entry_get(vdev);
	if (!e) {
		mutex_unlock(&vdp_dev_lock);
		dev_warn(&vdev->dev,
			 "dma policy: out of memory, stock behaviour\n");
		return;
	}
	if (e->hooked) {
		/* Probed again without an unbind (driver core test mode). */
		mutex_unlock(&vdp_dev_lock);
		return;
	}

	vdp_take_facts(e, &f);
	e->dma_bind = f.dma_bind;
	e->have_dma_bind = f.have_dma_bind;
	e->have_negotiated = false;
	e->bound = false;
	memset(&e->dma_state, 0, sizeof(e->dma_state));
	e->direct_undone = false;
	vdp_policy_decide(&e->dev, &e->plat, &e->dma, &e->dec, &e->fallback,
			  &e->rules_gen);
	e->state = VDP_STATE_DECIDED;
	if (vdp_decision_hooks(&e->dec))
		vdp_install(e);
	vdp_predict(e, drv);
	vdp_report(e);
	mutex_unlock(&vdp_dev_lock);
}

/*
 * A device whose driver was bound (or was binding) before the module could
 * act: reported, never touched.  Called with vdp_dev_lock held.
 */
static void vdp_mark_already_bound(struct vdp_entry *e,
				   const struct vdp_facts *f)
{
	vdp_take_facts(e, f);
	vdp_compat_read_features(e->vdev, &e->negotiated);
	e->have_negotiated = true;
	e->bound = true;
	e->state = VDP_STATE_ALREADY_BOUND;
	memset(&e->dec, 0, sizeof(e->dec));
	e->dec.requested = VDP_ACTION_AUTO;
	e->dec.verdict = VDP_VERDICT_NOT_APPLIED;
	e->dec.reason = VDP_REASON_ALREADY_BOUND;
	e->dec.rule = -1;
	e->rules_gen = 0;
	e->dec.path = vdp_stock_path(&e->negotiated, &e->plat, &e->dma);
	vdp_report(e);
}

/*
 * A driver's validate() may clear bit 33 after the decision (6.1
 * virtballoon_validate() always does, drivers/virtio/virtio_balloon.c:1104): the
 * rings then take physical addresses whatever was decided.  Report the path
 * really taken, and undo a direct path nothing uses.  The edits stay (a
 * restore writes vdev->features again with them).
 */
static void vdp_check_negotiated(struct vdp_entry *e)
{
	if (!e->hooked || e->dec.path == VDP_PATH_PHYSICAL ||
	    e->dec.path == VDP_PATH_NONE ||
	    vdp_stock_path(&e->negotiated, &e->plat, &e->dma) !=
	    VDP_PATH_PHYSICAL)
		return;
	dev_info(&e->vdev->dev,
		 "dma policy: the driver cleared bit 33 (validate): path=physical, not %s\n",
		 vdp_path_name(e->dec.path));
	e->dec.path = VDP_PATH_PHYSICAL;
	vdp_compat_restore_direct(e->dma_dev, &e->dma_state);
}

/*
 * Has this device been bound without the module seeing its bind?  Yes if
 * it is unknown (its probe ended between the notifier's registration and
 * the scan) or only seen (the scan found its lock taken).
 */
static bool vdp_bind_unseen(struct virtio_device *vdev)
{
	struct vdp_entry *e;
	bool unseen;

	mutex_lock(&vdp_dev_lock);
	e = vdp_lookup(vdev);
	unseen = !e || e->state == VDP_STATE_SEEN;
	mutex_unlock(&vdp_dev_lock);
	return unseen;
}

static void vdp_on_bound(struct virtio_device *vdev)
{
	struct vdp_entry *e;
	struct vdp_facts f;
	bool unseen;

	/*
	 * A probe that was running when the module loaded (the scan did not
	 * wait for its device lock): its bind was never seen.  Read the facts
	 * outside the global lock; the device lock is held.
	 */
	unseen = vdp_bind_unseen(vdev);
	if (unseen)
		vdp_read_facts(vdev, vdev->config, &f);

	mutex_lock(&vdp_dev_lock);
	e = unseen ? vdp_entry_get(vdev) : vdp_lookup(vdev);
	if (e && unseen && e->state == VDP_STATE_SEEN) {
		vdp_mark_already_bound(e, &f);
	} else if (e) {
		vdp_compat_read_features(vdev, &e->negotiated);
		e->have_negotiated = true;
		e->bound = true;
		vdp_check_direct(e, "after the driver's probe");
		vdp_check_negotiated(e);
		if (e->have_prediction) {
			bool same = vdp_feat_equal(&e->predicted,
						   &e->negotiated);

			e->prediction = same ? VDP_PREDICTION_MATCH :
					       VDP_PREDICTION_MISMATCH;
			if (!same)
				dev_info(&vdev->dev,
					 "dma policy: negotiated 0x%llx%016llx, predicted 0x%llx%016llx\n",
					 e->negotiated.w[1], e->negotiated.w[0],
					 e->predicted.w[1], e->predicted.w[0]);
		}
	}
	mutex_unlock(&vdp_dev_lock);
}

/*
 * Before the driver's remove, which still runs (completions, NAPI) on other
 * CPUs: only look.  A direct path someone else undid is said here, and put
 * back in vdp_del_vqs(), once the device is reset.
 */
static void vdp_on_unbind(struct virtio_device *vdev)
{
	struct vdp_entry *e;

	mutex_lock(&vdp_dev_lock);
	e = vdp_lookup(vdev);
	if (e && e->hooked)
		vdp_check_direct(e, "before the driver's remove");
	mutex_unlock(&vdp_dev_lock);
}

/*
 * From vdp_reset() and vdp_del_vqs(): the buffers and rings were mapped
 * through the direct path; unmapped or freed through the function's IOMMU
 * ops instead (someone else undid the path) they would corrupt the IOMMU
 * table or oops.  Put the path back for the teardown; the restore at
 * unbind gives back the state of bind time.  The device is reset: nothing
 * is mapped or completed meanwhile.
 */
static void vdp_put_back_direct(struct virtio_device *vdev)
{
	struct vdp_entry *e;

	mutex_lock(&vdp_dev_lock);
	e = vdp_lookup(vdev);
	if (e && e->hooked && e->dma_state.installed &&
	    !vdp_arch_direct_intact(e->dma_dev)) {
		vdp_check_direct(e, "at the device's reset");
		vdp_arch_direct_apply(e->dma_dev);
		dev_warn(&vdev->dev,
			 "dma policy: direct path of %s put back for the driver's teardown\n",
			 e->dev.bus[0] ? e->dev.bus : "-");
		/* (a later undo, after a resume, is said again) */
		e->direct_undone = false;
	}
	mutex_unlock(&vdp_dev_lock);
}

static void vdp_on_unbound(struct virtio_device *vdev)
{
	struct vdp_entry *e;

	mutex_lock(&vdp_dev_lock);
	e = vdp_lookup(vdev);
	if (e) {
		vdp_restore(e);
		e->bound = false;
	}
	mutex_unlock(&vdp_dev_lock);
}

static void vdp_on_removed(struct virtio_device *vdev)
{
	struct vdp_entry *e;

	mutex_lock(&vdp_dev_lock);
	e = vdp_lookup(vdev);
	if (e) {
		vdp_restore(e);
		xa_erase(&vdp_entries, vdev->index);
	}
	mutex_unlock(&vdp_dev_lock);
	if (e)
		vdp_entry_free(e);
}

static int vdp_bus_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct virtio_device *vdev = dev_to_virtio((struct device *)data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		vdp_on_add(vdev);
		break;
	case BUS_NOTIFY_BIND_DRIVER:
		vdp_on_bind(vdev);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		vdp_on_bound(vdev);
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		vdp_on_unbind(vdev);
		break;
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
	case BUS_NOTIFY_UNBOUND_DRIVER:
		vdp_on_unbound(vdev);
		break;
	case BUS_NOTIFY_REMOVED_DEVICE:
		vdp_on_removed(vdev);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vdp_nb = {
	.notifier_call = vdp_bus_notify,
};

/* ------------------------------------------------------------------ */
/* Devices present at load time                                        */
/* ------------------------------------------------------------------ */

/*
 * Never waits for a device lock: a probe stuck in I/O would keep modprobe
 * (and every driver whose softdep names the module) waiting.  A device
 * whose lock is taken is tracked without facts; the end of the probe in
 * progress (BOUND_DRIVER: already-bound) or its next bind completes it.
 */
static int vdp_scan_one(struct device *dev, void *unused)
{
	struct virtio_device *vdev = dev_to_virtio(dev);
	struct vdp_entry *e;
	struct vdp_facts f;
	bool locked, bound, gone;
	int tries;

	/* (a probe that is ending releases the lock within moments) */
	for (tries = 0; !(locked = device_trylock(dev)) && tries < 5; tries++)
		msleep(20);
	/* Under the device lock a driver is either fully bound or absent. */
	bound = locked && dev->driver;
	if (bound)
		vdp_read_facts(vdev, vdev->config, &f);
	mutex_lock(&vdp_dev_lock);
	/* (gone while the scan waited: REMOVED_DEVICE found no entry) */
	gone = !vdp_on_bus(dev);
	e = gone ? NULL : vdp_entry_get(vdev);
	if (e && e->state == VDP_STATE_SEEN && bound)
		vdp_mark_already_bound(e, &f);
	mutex_unlock(&vdp_dev_lock);
	if (locked)
		device_unlock(dev);
	if (!locked && !gone)
		dev_info(dev, "dma policy: busy at load (a probe in progress): reported when it ends\n");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Finding the bus                                                     */
/* ------------------------------------------------------------------ */

static const struct virtio_device_id vdp_no_ids[] = {
	{ 0 },
};

static int vdp_finder_probe(struct virtio_device *vdev)
{
	return -ENODEV;		/* never matches: the id table is empty */
}

static void vdp_finder_remove(struct virtio_device *vdev)
{
}

/*
 * Synchronous: unregister_virtio_driver() -> driver_detach() waits for
 * every async probe in the system (async_synchronize_full()) when the
 * driver allows async probing, which a default driver of a module loaded
 * with async_probe=1 does; one probe stuck in I/O then stalls the load.
 */
static struct virtio_driver vdp_finder = {
	.driver.name = KBUILD_MODNAME "_bus_finder",
	.driver.probe_type = PROBE_FORCE_SYNCHRONOUS,
	.id_table = vdp_no_ids,
	.probe = vdp_finder_probe,
	.remove = vdp_finder_remove,
};

int vdp_hook_init(void)
{
	int ret;

	ret = register_virtio_driver(&vdp_finder);
	if (ret) {
		pr_err("cannot register on the virtio bus: %d\n", ret);
		return ret;
	}
	vdp_bus = vdp_finder.driver.bus;
	unregister_virtio_driver(&vdp_finder);
	if (!vdp_bus) {
		pr_err("virtio bus not found\n");
		return -ENODEV;
	}

	ret = bus_register_notifier(vdp_compat_bus(vdp_bus), &vdp_nb);
	if (ret) {
		pr_err("cannot watch the virtio bus: %d\n", ret);
		return ret;
	}
	bus_for_each_dev(vdp_compat_bus(vdp_bus), NULL, NULL, vdp_scan_one);
	return 0;
}

void vdp_hook_exit(void)
{
	struct vdp_entry *e;
	unsigned long idx;

	/* Waits for notifications in flight. */
	bus_unregister_notifier(vdp_compat_bus(vdp_bus), &vdp_nb);

	mutex_lock(&vdp_dev_lock);
	xa_for_each(&vdp_entries, idx, e) {
		/* Module references make this impossible; be safe anyway. */
		if (WARN_ON_ONCE(e->hooked))
			vdp_restore(e);
		xa_erase(&vdp_entries, idx);
		vdp_entry_free(e);
	}
	mutex_unlock(&vdp_dev_lock);
	/*
	 * No wrapper can be entered any more (every device has its
	 * transport's ops back), but one entered before a restore may still
	 * run: wait for the SRCU readers, then for every task to pass a
	 * voluntary context switch, so that none is preempted at a wrapper's
	 * entry or exit (see the top of this file).  Then for the entries'
	 * tasks-RCU callbacks, which are ours (the kfree_rcu() they queue
	 * runs none of our code).
	 */
	synchronize_srcu(&vdp_srcu);
	synchronize_rcu_tasks();
	vdp_compat_rcu_barrier_tasks();
}

/* ------------------------------------------------------------------ */
/* debugfs                                                             */
/* ------------------------------------------------------------------ */

static void vdp_put_features(struct seq_file *m, bool have,
			     const struct vdp_features *f)
{
	if (!have)
		seq_puts(m, " -");
	else if (f->w[1])
		seq_printf(m, " 0x%llx%016llx", f->w[1], f->w[0]);
	else
		seq_printf(m, " 0x%llx", f->w[0]);
}

static const char *const vdp_prediction_names[] = {
	[VDP_PREDICTION_NONE] = "-",
	[VDP_PREDICTION_MATCH] = "match",
	[VDP_PREDICTION_MISMATCH] = "mismatch",
};

/*
 * /sys/kernel/debug/virtio_dma_policy/devices: a header line starting
 * with '#', then one line per virtio device seen, space separated:
 *
 *   name        virtio device name (virtio0)
 *   id          virtio device id (decimal)
 *   transport   pci | pci-legacy | mmio | ccw | other
 *   parent      the transport's device (0000:00:04.0), '-' if none
 *   offered     features the device offers, hex; '-' until read
 *   negotiated  features the driver ended up with, hex; '-' until bound
 *   decision    verdict token (auto, dma, direct, physical, refuse,
 *               not-applied), prefixed 'audit:' in audit mode; '-' if
 *               no driver was bound since the module loaded
 *   path        dma-api-iommu | dma-api-direct | physical | none | '-'
 *   rule        index of the matching rule in the rules file, or '-'
 *   reason      reason token (stock-quirk, rule-direct, already-bound...)
 *   prediction  match | mismatch | '-': the core's prediction of the
 *               negotiated features against what virtio negotiated
 *   hooked      1 while the device runs with edited config ops
 *   iommu       none | identity | translating: the DMA device's IOMMU
 *               as the DMA API sees it ('-' until gathered)
 *   direct      1 if the DMA API can be made direct (or already is)
 *   swiotlb     1 if the DMA device's mappings are forced through SWIOTLB
 *   shm         1 if the device exposes a shared-memory region; '-' where
 *               not asked (outside restricted-memory guests, legacy devices)
 */
/*
 * The facts plan needs besides (vdp-policy plan decides again from them):
 *
 *   vendor      virtio vendor id, hex
 *   pci         PCI vendor:device ('-' for other transports)
 *   subsys      PCI subsystem vendor:device ('-' likewise)
 *   sriov       1 if the PCI function has an SR-IOV capability ('-' likewise)
 *   platform    the platform facts, as vdp-policy --platform takes them
 *               (arch=x86_64,gen=6.1[,platform=pseries+secure])
 *   driver      the driver of the last bind ('-' if none seen)
 *   bound       1 while a driver is bound
 *   rules-gen   the generation of the rules table that decided (the rules
 *               file's generation=), '-' if no table did
 *
 * The fact columns (vendor to platform) are '-' until gathered.
 */
static void vdp_put_facts(struct seq_file *m, const struct vdp_entry *e)
{
	const struct vdp_device *d = &e->dev;
	char plat[96];

	if (!e->have_offered) {
		seq_puts(m, " - - - - -");
	} else {
		vdp_format_platform(&e->plat, plat, sizeof(plat));
		seq_printf(m, " 0x%x", d->vendor_id);
		if (d->is_pci)
			seq_printf(m, " %04x:%04x %04x:%04x %u", d->pci_vendor,
				   d->pci_device, d->sub_vendor, d->sub_device,
				   d->sriov_capable);
		else
			seq_puts(m, " - - -");
		seq_printf(m, " %s", plat);
	}
	seq_printf(m, " %s %d", e->driver[0] ? e->driver : "-", e->bound);
	if (e->state == VDP_STATE_DECIDED && e->rules_gen)
		seq_printf(m, " %u", e->rules_gen);
	else
		seq_puts(m, " -");
}

/* The shm column: '-' where the device was not asked (vdp_shm_asked()). */
static const char *vdp_shm_str(const struct vdp_entry *e)
{
	if (!e->have_offered || !vdp_shm_asked(&e->dev, &e->plat))
		return "-";
	return e->dev.shm_region ? "1" : "0";
}

int vdp_devices_show(struct seq_file *m, void *unused)
{
	struct vdp_entry *e;
	unsigned long idx;
	char rule[16], dma[80];

	seq_puts(m, "# name id transport parent offered negotiated decision path rule reason prediction hooked iommu direct swiotlb shm dma-bind dma-now vendor pci subsys sriov platform driver bound rules-gen\n");
	mutex_lock(&vdp_dev_lock);
	xa_for_each(&vdp_entries, idx, e) {
		bool decided = e->state != VDP_STATE_SEEN;

		seq_printf(m, "%s %u %s %s", e->dev.name, e->dev.device_id,
			   vdp_transport_name(e->dev.transport),
			   e->dev.bus[0] ? e->dev.bus : "-");
		vdp_put_features(m, e->have_offered, &e->dev.offered);
		vdp_put_features(m, e->have_negotiated && e->bound,
				 &e->negotiated);
		if (decided)
			seq_printf(m, " %s%s %s %s %s",
				   e->dec.audit ? "audit:" : "",
				   vdp_verdict_name(e->dec.verdict),
				   vdp_path_name(e->dec.path),
				   vdp_rule_str(&e->dec, rule, sizeof(rule)),
				   vdp_reason_token(e->dec.reason));
		else
			seq_puts(m, " - - - -");
		seq_printf(m, " %s %d %s %u %s %s",
			   vdp_prediction_names[e->prediction], e->hooked,
			   e->have_offered ? vdp_iommu_name(e->dma.iommu) : "-",
			   e->dma.direct_path,
			   e->have_offered ? (e->plat.swiotlb_forced ? "1" : "0") : "-",
			   vdp_shm_str(e));
		if (decided && e->have_dma_bind)
			vdp_arch_dma_format(&e->dma_bind, dma, sizeof(dma));
		else
			strscpy(dma, "-", sizeof(dma));
		seq_printf(m, " %s", dma);
		if (!vdp_dma_now(e, dma, sizeof(dma)))
			strscpy(dma, "-", sizeof(dma));
		seq_printf(m, " %s", dma);
		vdp_put_facts(m, e);
		seq_putc(m, '\n');
	}
	mutex_unlock(&vdp_dev_lock);
	return 0;
}

/*
 * debugfs "reprobe": unbind the named virtio device's driver (if any)
 * and probe it again, so that the current rules decide for it.  Only
 * for devices that are not in use: unbinding a disk with mounted file
 * systems behaves like a hot-unplug.  Returns 0 if a driver is bound
 * afterwards, -ENODEV if not (no driver, or the probe failed: a
 * refusal), -ENODEV also for an unknown name.
 */
int vdp_reprobe(const char *name)
{
	struct device *dev;
	int ret;

	dev = bus_find_device_by_name(vdp_compat_bus(vdp_bus), NULL, name);
	if (!dev)
		return -ENODEV;
	dev_info(dev, "dma policy: reprobe requested\n");
	device_release_driver(dev);
	ret = device_attach(dev);
	put_device(dev);
	/* 1: a driver is bound; 0: none matched or its probe failed. */
	if (ret < 0)
		return ret;
	return ret ? 0 : -ENODEV;
}


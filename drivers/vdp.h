/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_dma_policy: declarations shared by the C glue files.
 *
 *   vdp_main.c     init/exit
 *   vdp_rules.c    module parameters and the active rule table
 *   vdp_hook.c     the virtio bus notifier, per-device state, the
 *                  per-device virtio_config_ops copy
 *   vdp_facts.c    facts about a device and the platform
 *   vdp_debugfs.c  /sys/kernel/debug/virtio_dma_policy/
 *   vdp_trace.c    the virtio_dma_policy:decision tracepoint
 *   compat.h       every kernel-version difference
 *   vdp_arch.h     what differs per architecture: drivers/arch/<arch>.c
 */
#ifndef VDP_H
#define VDP_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

#include "compat.h"
#include "vdp_messages.h"

/* What the devices file says about the prediction. */
enum vdp_prediction {
	VDP_PREDICTION_NONE = 0,	/* '-': not known (yet)            */
	VDP_PREDICTION_MATCH = 1,
	VDP_PREDICTION_MISMATCH = 2,
};

/* Where a device is in its life, as far as this module knows. */
enum vdp_state {
	VDP_STATE_SEEN = 0,		/* no driver bound while we watched */
	VDP_STATE_ALREADY_BOUND = 1,	/* bound before the module loaded   */
	VDP_STATE_DECIDED = 2,		/* a decision was taken at bind     */
};

/* What the config-ops wrappers apply: one bind's edits of the features. */
struct vdp_edits {
	struct vdp_features driver_set;		/* shown to the driver      */
	struct vdp_features driver_clear;	/* hidden from the driver   */
	struct vdp_features device_hide;	/* never written to the device */
	int err;				/* finalize fails: a refusal */
};

/*
 * One per virtio device seen, in vdp_entries keyed by vdev->index.
 * Written under vdp_dev_lock (and, for bind/unbind, the device lock).
 *
 * The config-ops wrappers run without either lock (some callers hold
 * neither, see vdp_hook.c): they find the entry under RCU, read orig,
 * which never changes after the entry is published, and copy the edits
 * under the entry's seqlock.  vdev->config may point to ops for as long
 * as the entry exists, and a caller can be preempted between loading
 * that pointer and calling through it: an entry is freed only after a
 * tasks-RCU and an RCU grace period (vdp_entry_free()).
 */
struct vdp_entry {
	struct rcu_head rcu;
	struct virtio_device *vdev;	/* reference held (get_device)     */
	struct device *dma_dev;		/* where a direct path was put     */
	const struct virtio_config_ops *orig;	/* the transport's ops     */
	struct virtio_config_ops ops;	/* our copy, vdev->config if hooked */
	seqlock_t seq;			/* edits (writers hold vdp_dev_lock too) */
	struct vdp_edits edits;
	struct vdp_device dev;
	struct vdp_platform plat;
	struct vdp_dma_facts dma;
	struct vdp_decision dec;
	struct vdp_features negotiated;
	struct vdp_features predicted;
	struct vdp_dma_state dma_state;	/* saved by a direct path        */
	struct vdp_dma_state dma_bind;	/* DMA state at bind, before any */
	char driver[VDP_NAME_LEN];	/* driver of the last bind, or ""  */
	u32 rules_gen;			/* generation of the deciding table */
	u8 state;			/* enum vdp_state                  */
	u8 fallback;			/* the matching rule's else=       */
	u8 prediction;			/* enum vdp_prediction             */
	bool have_offered;
	bool have_negotiated;
	bool have_prediction;
	bool hooked;			/* vdev->config == &ops, module ref */
	bool bound;
	bool have_dma_bind;		/* dma_bind read (arch has one)    */
	bool direct_undone;		/* someone else undid the direct path */
};

/* vdp_rules.c */
int vdp_rules_init(void);
void vdp_rules_exit(void);
void vdp_rules_print_loaded(void);
void vdp_policy_decide(const struct vdp_device *dev,
		       const struct vdp_platform *plat,
		       const struct vdp_dma_facts *dma,
		       struct vdp_decision *out, u8 *fallback, u32 *generation);
int vdp_rules_show(struct seq_file *m, void *unused);

/* vdp_hook.c */
int vdp_hook_init(void);
void vdp_hook_exit(void);
int vdp_devices_show(struct seq_file *m, void *unused);
int vdp_reprobe(const char *name);

/* vdp_facts.c */
void vdp_model_init(void);
const struct vdp_model *vdp_kernel_model(void);
void vdp_gather(struct virtio_device *vdev,
		const struct virtio_config_ops *ops, bool read_features,
		struct vdp_device *dev, struct vdp_platform *plat,
		struct vdp_dma_facts *dma);
bool vdp_shm_asked(const struct vdp_device *dev,
		   const struct vdp_platform *plat);
u8 vdp_stock_path(const struct vdp_features *features,
		  const struct vdp_platform *plat,
		  const struct vdp_dma_facts *dma);

/* vdp_debugfs.c */
void vdp_debugfs_init(void);
void vdp_debugfs_exit(void);

/* vdp_trace.c */
void vdp_trace_decision(const struct vdp_entry *e);

#endif /* VDP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the glue (virtio_dma_policy.ko) on the real virtio bus.
 *
 * Black-box: this module uses nothing of virtio_dma_policy.ko but what a
 * user has: its module parameters in /sys/module/virtio_dma_policy/, its
 * debugfs files, and virtio devices.  The devices are fakes (vdp_fake.h)
 * registered on the real virtio bus, bound by a fake driver that records
 * what it negotiated; the fake transport records what the device side was
 * told.  Expectations come from README.md (grammar, decision and safety
 * table) and from the devices file format documented in the glue.
 *
 * kunit/plan loads virtio_dma_policy.ko before this module, and before
 * that kunit/vdp_hold.ko, whose device is therefore "already bound".
 *
 * Suites:
 *   vdp_glue        decisions as the driver and the device see them,
 *                   unbind restores the transport's ops, the module
 *                   reference, 1000 bind/unbind cycles, rules swaps under
 *                   concurrent readers and binds
 *   vdp_glue_input  bad input to every writable parameter and file
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/umh.h>
#include <linux/version.h>
#include <linux/file.h>

#include "../include/virtio_dma_policy.h"
#include "../tests/cases/vdp_case_types.h"
#include "../tests/cases/parse_cases.h"
#include "vdp_fake.h"
#include "vdp_kunit.h"

#define P_RULES "/sys/module/virtio_dma_policy/parameters/rules"
#define P_MODE "/sys/module/virtio_dma_policy/parameters/mode"
#define P_BOUNCE "/sys/module/virtio_dma_policy/parameters/pseries_bounce"
#define P_REFCNT "/sys/module/virtio_dma_policy/refcnt"
#define D_DEVICES "/sys/kernel/debug/virtio_dma_policy/devices"
#define D_RULES "/sys/kernel/debug/virtio_dma_policy/rules"
#define D_REPROBE "/sys/kernel/debug/virtio_dma_policy/reprobe"

#define GLUE_PARENT "vdp_kunit_glue"
/* a platform device bound to a driver named like virtio-mmio's */
#define MMIO_ID 4242
#define MMIO_PARENT "virtio-mmio.4242"
#define BIG 65536

/* ------------------------------------------------------------------ */
/* files, as user space sees them                                      */

/* Bytes written, or -errno (open or write). */
static ssize_t file_write(const char *path, const void *buf, size_t len)
{
	struct file *f = filp_open(path, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, buf, len, &pos);
	filp_close(f, NULL);
	/* a kthread's last fput is deferred: finish it (module refs, memory) */
	flush_delayed_fput();
	return n;
}

/*
 * A write of zero bytes never reaches a parameter's setter: the empty
 * string is written as "\n" (the grammar's empty table, one trailing
 * newline).
 */
static int file_write_str(const char *path, const char *s)
{
	ssize_t n;

	if (!*s)
		s = "\n";
	n = file_write(path, s, strlen(s));

	if (n < 0)
		return n;
	return n == strlen(s) ? 0 : -EIO;
}

/* The whole file into buf (NUL-terminated); length or -errno. */
static ssize_t file_read(const char *path, char *buf, size_t size)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	size_t len = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	while (len < size - 1) {
		n = kernel_read(f, buf + len, size - 1 - len, &pos);
		if (n < 0) {
			filp_close(f, NULL);
			flush_delayed_fput();
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	filp_close(f, NULL);
	flush_delayed_fput();
	return len;
}

/*
 * debugfs files of Linux 6.1 have no read_iter/write_iter: the kernel
 * cannot read or write them with kernel_read()/kernel_write().  Let user
 * space do it, as a user would: /init (kunit/init.c) as a user-mode helper
 * copies the file to tmpfs, or writes the text.  0 or -errno.
 */
static int user_helper(const char *op, const char *path, const char *arg)
{
	char *argv[5], *envp[3];
	int ret;

	/* call_usermodehelper() takes non-const arrays */
	argv[0] = "/init";
	argv[1] = (char *)op;
	argv[2] = (char *)path;
	argv[3] = (char *)arg;
	argv[4] = NULL;
	envp[0] = "HOME=/";
	envp[1] = "PATH=/";
	envp[2] = NULL;
	ret = call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);
	if (ret < 0)
		return ret;
	return -((ret >> 8) & 0xff);
}

static ssize_t user_read(const char *path, char *buf, size_t size)
{
	char dst[48];
	int err;

	snprintf(dst, sizeof(dst), "/tmp/vdp_kunit_%d", current->pid);
	err = user_helper("--copy", path, dst);
	if (err)
		return err;
	return file_read(dst, buf, size);
}

static int user_write(const char *path, const char *text)
{
	return user_helper("--write", path, text);
}

static int refcnt(void)
{
	char buf[32];
	int v;

	if (file_read(P_REFCNT, buf, sizeof(buf)) < 0)
		return -1;
	strim(buf);
	if (kstrtoint(buf, 10, &v))
		return -1;
	return v;
}

/* The devices file's line for a device (by name or parent), split. */
#define N_COLS 26
enum {
	C_NAME, C_ID, C_TRANSPORT, C_PARENT, C_OFFERED, C_NEGOTIATED,
	C_DECISION, C_PATH, C_RULE, C_REASON, C_PREDICTION, C_HOOKED,
	C_IOMMU, C_DIRECT, C_SWIOTLB, C_SHM, C_DMA_BIND, C_DMA_NOW,
	C_VENDOR, C_PCI, C_SUBSYS, C_SRIOV, C_PLATFORM, C_DRIVER, C_BOUND,
	C_RULES_GEN
};

struct dev_line {
	char col[N_COLS][48];
	int n;
};

static bool find_dev_line(struct kunit *test, int col, const char *value,
			  struct dev_line *out)
{
	char *buf = kunit_kmalloc(test, BIG, GFP_KERNEL);
	char *line, *p;
	bool found = false;

	if (!buf || user_read(D_DEVICES, buf, BIG) < 0)
		return false;
	p = buf;
	while ((line = strsep(&p, "\n")) && !found) {
		struct dev_line l = { .n = 0 };
		char *tok, *q = line;

		if (line[0] == '#' || !line[0])
			continue;
		while ((tok = strsep(&q, " ")) && l.n < N_COLS)
			strscpy(l.col[l.n++], tok, sizeof(l.col[0]));
		KUNIT_EXPECT_EQ_MSG(test, l.n, N_COLS, "devices line '%s'", line);
		KUNIT_EXPECT_NULL_MSG(test, q, "devices line has extra columns");
		if (l.n == N_COLS && !strcmp(l.col[col], value)) {
			*out = l;
			found = true;
		}
	}
	kunit_kfree(test, buf);
	return found;
}

/* ------------------------------------------------------------------ */
/* per-test context                                                    */

#define MAX_FAKES 4

struct glue_ctx {
	struct device *parent;
	struct platform_device *mmio;	/* parent of "mmio" fakes */
	struct vdp_fake_driver *drv;
	struct vdp_fake *fakes[MAX_FAKES];	/* registered ones */
	bool drv_registered, mmio_drv_registered;
	bool saved;			/* saved_rules/saved_mode hold the module's */
	char *saved_rules;
	char saved_mode[32];
	int ref0;
};

static int vdp_mmio_probe(struct platform_device *pdev)
{
	return 0;
}

/*
 * The glue tells transports apart by the parent's driver name; this
 * kernel has no virtio-mmio driver, so the suites bring one that only
 * binds their platform device.
 */
static struct platform_driver vdp_mmio_driver = {
	.probe = vdp_mmio_probe,
	.driver.name = "virtio-mmio",
};

static int glue_init(struct kunit *test)
{
	struct glue_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	ssize_t n;

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	if (refcnt() < 0) {
		kunit_err(test, "virtio_dma_policy is not loaded (%s)\n", P_REFCNT);
		return -ENOENT;
	}
	/*
	 * KUnit runs glue_exit after a failed init too: every step records
	 * what it set up, and glue_exit is the one place that undoes it.
	 */
	ctx->saved_rules = kunit_kzalloc(test, VDP_MAX_TEXT + 2, GFP_KERNEL);
	if (!ctx->saved_rules)
		return -ENOMEM;
	n = file_read(P_RULES, ctx->saved_rules, VDP_MAX_TEXT + 2);
	if (n < 0)
		return n;
	strim(ctx->saved_rules);
	n = file_read(P_MODE, ctx->saved_mode, sizeof(ctx->saved_mode));
	if (n < 0)
		return n;
	strim(ctx->saved_mode);
	ctx->saved = true;
	if (file_write_str(P_RULES, "") || file_write_str(P_MODE, "enforce"))
		return -EIO;

	ctx->parent = __root_device_register(GLUE_PARENT, NULL);
	if (IS_ERR(ctx->parent)) {
		n = PTR_ERR(ctx->parent);
		ctx->parent = NULL;
		return n;
	}
	ctx->drv = kunit_kzalloc(test, sizeof(*ctx->drv), GFP_KERNEL);
	if (!ctx->drv)
		return -ENOMEM;
	/* the driver knows device bits 0-2; 28+ are transport bits */
	vdp_fake_driver_features(ctx->drv, BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(2),
				 0, false);
	/* 7.x: and device bits 70 and 71 (6.x BUG()s on table bits >= 64) */
	if (VDP_HAVE_EXTENDED_FEATURES)
		vdp_fake_driver_features_hi(ctx->drv, BIT_ULL(70 - 64) | BIT_ULL(71 - 64));
	n = vdp_fake_driver_register(ctx->drv, VDP_FAKE_ID, "vdp_kunit_glue", NULL);
	if (n)
		return n;
	ctx->drv_registered = true;
	n = vdp_platform_driver_register_noowner(&vdp_mmio_driver);
	if (n)
		return n;
	ctx->mmio_drv_registered = true;
	ctx->mmio = platform_device_register_simple("virtio-mmio", MMIO_ID, NULL, 0);
	if (IS_ERR(ctx->mmio)) {
		n = PTR_ERR(ctx->mmio);
		ctx->mmio = NULL;
		return n;
	}
	if (!ctx->mmio->dev.driver) {
		kunit_err(test, "%s did not bind\n", MMIO_PARENT);
		return -ENODEV;
	}
	ctx->ref0 = refcnt();
	return 0;
}

static void glue_exit(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	int i;

	if (!ctx)
		return;
	for (i = 0; i < MAX_FAKES; i++)
		if (ctx->fakes[i])
			vdp_fake_unregister(ctx->fakes[i]);
	if (ctx->mmio)
		platform_device_unregister(ctx->mmio);
	if (ctx->mmio_drv_registered)
		platform_driver_unregister(&vdp_mmio_driver);
	if (ctx->drv_registered)
		vdp_fake_driver_unregister(ctx->drv);
	if (ctx->parent)
		root_device_unregister(ctx->parent);
	if (ctx->saved) {
		file_write_str(P_RULES, ctx->saved_rules);
		file_write_str(P_MODE, ctx->saved_mode[0] ? ctx->saved_mode : "enforce");
	}
}

/* A fake device below our parent, registered (bound if the driver takes it). */
static struct vdp_fake *glue_dev_on(struct kunit *test, int slot, u32 id, u64 offered,
				    u64 offered_hi, bool requires_33, bool mmio)
{
	struct glue_ctx *ctx = test->priv;
	struct vdp_fake *f = vdp_fake_new(mmio ? &ctx->mmio->dev : ctx->parent, id, offered);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->offered_hi = offered_hi;
	f->requires_33 = requires_33;
	f->mmio_filter = true; /* finalize like virtio-mmio */
	KUNIT_ASSERT_EQ(test, vdp_fake_register(f), 0);
	ctx->fakes[slot] = f;
	return f;
}

static struct vdp_fake *glue_dev(struct kunit *test, int slot, u32 id, u64 offered,
				 bool requires_33)
{
	return glue_dev_on(test, slot, id, offered, 0, requires_33, false);
}

static void glue_undev(struct kunit *test, int slot)
{
	struct glue_ctx *ctx = test->priv;

	if (ctx->fakes[slot]) {
		vdp_fake_unregister(ctx->fakes[slot]);
		ctx->fakes[slot] = NULL;
	}
}

static bool hooked(struct vdp_fake *f)
{
	return READ_ONCE(f->vdev.config) != f->orig_config;
}

/* ------------------------------------------------------------------ */
/* suite vdp_glue: decisions                                           */

#define B(n) BIT_ULL(n)
#define MODERN (B(0) | B(1) | B(32))
#define ID_S "19285" /* VDP_FAKE_ID */
#define ID_OTHER_S "19286" /* VDP_FAKE_ID_OTHER */

struct glue_case {
	const char *name;
	const char *mode;   /* NULL: enforce */
	const char *rules;
	u64 offered;
	bool requires_33;
	bool mmio;          /* below a "virtio-mmio" platform device */
	/* expected, from the README decision table */
	bool probed;        /* the driver's probe ran */
	int sees33;         /* driver negotiated bit 33: DMA API (-1: n/a) */
	u64 driver_lacks;   /* offered bits the driver must not get */
	const char *decision, *path, *reason, *rule;
	int hooked;         /* 1/0 while bound, -1: not specified */
	/* 7.x only (VDP_HAVE_EXTENDED_FEATURES): bits 64..127, bit b is feature 64 + b */
	u64 offered_hi;
	u64 driver_lacks_hi;
	u64 driver_has_hi;  /* offered bits above 63 the driver must get */
};

#define H(n) BIT_ULL((n) - 64)

static const struct glue_case glue_cases[] = {
	{ "no rule, no bit 33: the quirk, physical", NULL, "", MODERN, false, false,
	  true, 0, 0, "auto", "physical", "stock-quirk", "-", 0 },
	{ "no rule, bit 33: DMA API", NULL, "", MODERN | B(33), false, false,
	  true, 1, 0, "auto", "dma-api-direct", "stock-access-platform", "-", 0 },
	{ "dma on a device without bit 33", NULL, "id=" ID_S ",action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "0", 1 },
	{ "direct on a device without bit 33", NULL,
	  "id=" ID_S ",action=direct", MODERN, false, false,
	  true, 1, 0, "direct", "dma-api-direct", "rule-direct", "0", 1 },
	{ "direct on a device with bit 33, no IOMMU", NULL, "id=" ID_S ",action=direct",
	  MODERN | B(33), false, false,
	  true, 1, 0, "direct", "dma-api-direct", "rule-direct", "0", -1 },
	{ "physical on a device with bit 33", NULL, "id=" ID_S ",action=physical",
	  MODERN | B(33), false, false,
	  true, 0, B(33), "physical", "physical", "rule-physical", "0", 1 },
	{ "physical on a device that requires bit 33: it refuses FEATURES_OK", NULL,
	  "id=" ID_S ",action=physical", MODERN | B(33), true, false,
	  false, -1, 0, "physical", "physical", "rule-physical", "0", 0 },
	{ "physical on a device without bit 33", NULL,
	  "id=" ID_S ",action=physical", MODERN, false, false,
	  true, 0, 0, "physical", "physical", "rule-physical", "0", -1 },
	{ "refuse", NULL, "id=" ID_S ",action=refuse", MODERN, false, false,
	  false, -1, 0, "refuse", "none", "rule-refuse", "0", 0 },
	{ "refuse a legacy device", NULL, "id=" ID_S ",action=refuse", B(0), false, false,
	  false, -1, 0, "refuse", "none", "rule-refuse", "0", 0 },
	{ "auto with clear=: the driver never sees the bit", NULL,
	  "id=" ID_S ",action=auto,clear=1", MODERN, false, false,
	  true, 0, B(1), "auto", "physical", "rule-auto", "0", 1 },
	{ "dma with clear= on a legacy device", NULL,
	  "id=" ID_S ",action=dma,clear=0+1", B(0) | B(1) | B(2), false, false,
	  true, 1, B(0) | B(1), "dma", "dma-api-direct", "rule-dma", "0", 1 },
	{ "a rule for another id does not match", NULL,
	  "id=" ID_OTHER_S ",action=refuse", MODERN, false, false,
	  true, 0, 0, "auto", "physical", "stock-quirk", "-", 0 },
	{ "bus= matches the parent", NULL, "bus=" GLUE_PARENT ",action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "0", 1 },
	{ "bus= prefix", NULL, "bus=vdp_kunit_g*,action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "0", 1 },
	{ "bus= of another parent", NULL, "bus=vdp_kunit_glu,action=dma", MODERN, false, false,
	  true, 0, 0, "auto", "physical", "stock-quirk", "-", 0 },
	{ "name= prefix", NULL, "name=virtio*,action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "0", 1 },
	{ "first match wins", NULL,
	  "id=" ID_S ",action=physical;id=" ID_S ",action=dma", MODERN, false, false,
	  true, 0, 0, "physical", "physical", "rule-physical", "0", -1 },
	{ "has=/lacks= on the offered bits", NULL,
	  "has=33,action=physical;lacks=33,action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "1", 1 },
	{ "vendor=", NULL, "vendor=0x1af4,id=" ID_S ",action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "0", 1 },
	{ "transport=other (not pci, not mmio)", NULL,
	  "transport=pci,action=refuse;transport=mmio,action=refuse;transport=other,action=dma",
	  MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "2", 1 },
	{ "arch=um", NULL, "arch=x86_64,action=refuse;arch=um,action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "1", 1 },
	{ "platform=xen does not match here", NULL,
	  "platform=xen,action=refuse;action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "1", 1 },
	{ "audit: the decision is reported, nothing changes", "audit",
	  "id=" ID_S ",action=dma", MODERN, false, false,
	  true, 0, 0, "audit:dma", "physical", "rule-dma", "0", 0 },
	{ "audit: refuse is reported, the device probes", "audit",
	  "id=" ID_S ",action=refuse", MODERN, false, false,
	  true, 0, 0, "audit:refuse", "physical", "rule-refuse", "0", 0 },
	{ "transport=mmio on a virtio-mmio device", NULL,
	  "transport=pci,action=refuse;transport=mmio,action=dma", MODERN, false, true,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "1", 1 },
	{ "bus= of a virtio-mmio device", NULL, "bus=" MMIO_PARENT ",action=physical",
	  MODERN | B(33), false, true,
	  true, 0, B(33), "physical", "physical", "rule-physical", "0", 1 },
	{ "a virtio-mmio device is not transport=other", NULL,
	  "transport=other,action=refuse", MODERN, false, true,
	  true, 0, 0, "auto", "physical", "stock-quirk", "-", 0 },
#if VDP_HAVE_EXTENDED_FEATURES
	/* 7.x: offered bits above 63 come through get_extended_features */
	{ "7.x: bits 70 and 71 reach the driver untouched", NULL, "",
	  MODERN, false, false,
	  true, 0, 0, "auto", "physical", "stock-quirk", "-", 0,
	  H(70) | H(71), 0, H(70) | H(71) },
	{ "7.x: clear= above bit 63 hides only that bit", NULL,
	  "id=" ID_S ",action=auto,clear=70", MODERN, false, false,
	  true, 0, 0, "auto", "physical", "rule-auto", "0", 1,
	  H(70) | H(71), H(70), H(71) },
	{ "7.x: has= above bit 63 matches the offered bit", NULL,
	  "has=72,action=refuse;has=71,action=dma", MODERN, false, false,
	  true, 1, 0, "dma", "dma-api-direct", "rule-dma", "1", 1,
	  H(70) | H(71), 0, H(70) | H(71) },
	{ "7.x: lacks= above bit 63", NULL,
	  "lacks=70,action=refuse;lacks=72,action=physical", MODERN | B(33), false, false,
	  true, 0, B(33), "physical", "physical", "rule-physical", "1", 1,
	  H(70), 0, H(70) },
	{ "7.x: dma with clear= of both words", NULL,
	  "id=" ID_S ",action=dma,clear=1+71", MODERN, false, false,
	  true, 1, B(1), "dma", "dma-api-direct", "rule-dma", "0", 1,
	  H(70) | H(71), H(71), H(70) },
#endif
};

static void glue_case_desc(const struct glue_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(glue, glue_cases, glue_case_desc);

/* A features column of the devices file. */
static void fmt_features(char *buf, size_t size, u64 lo, u64 hi)
{
	if (hi)
		snprintf(buf, size, "0x%llx%016llx", hi, lo);
	else
		snprintf(buf, size, "0x%llx", lo);
}

/* What the driver and the device were told, against the case. */
static void check_bound(struct kunit *test, const struct glue_case *c,
			struct vdp_fake *f)
{
	struct glue_ctx *ctx = test->priv;
	struct dev_line l;
	char want[40];

	if (c->probed) {
		KUNIT_EXPECT_TRUE_MSG(test, f->probed, "the driver did not probe");
		KUNIT_EXPECT_NOT_NULL(test, f->vdev.dev.driver);
	} else {
		KUNIT_EXPECT_FALSE_MSG(test, f->probed, "the driver probed");
		KUNIT_EXPECT_NULL(test, f->vdev.dev.driver);
		KUNIT_EXPECT_TRUE(test, f->max_status & VIRTIO_CONFIG_S_FAILED);
	}
	if (c->probed && c->sees33 >= 0) {
		KUNIT_EXPECT_EQ_MSG(test, !!(f->probe_features & B(33)), c->sees33,
				    "driver features 0x%llx", f->probe_features);
		/* the stock virtio_ring decision follows bit 33 */
		KUNIT_EXPECT_EQ(test, !f->probe_dma_quirk, c->sees33);
	}
	if (c->probed) {
		KUNIT_EXPECT_EQ_MSG(test, f->probe_features & c->driver_lacks, 0ULL,
				    "driver features 0x%llx", f->probe_features);
		KUNIT_EXPECT_EQ_MSG(test, f->probe_features_hi & c->driver_lacks_hi, 0ULL,
				    "driver features 64+: 0x%llx", f->probe_features_hi);
		KUNIT_EXPECT_EQ_MSG(test, f->probe_features_hi & c->driver_has_hi,
				    c->driver_has_hi,
				    "driver features 64+: 0x%llx", f->probe_features_hi);
	}
	/* the device side never sees a bit it did not offer */
	KUNIT_EXPECT_EQ_MSG(test, f->unoffered_seen, 0ULL,
			    "finalize_features got 0x%llx, offered 0x%llx",
			    f->finalized, f->offered);
	KUNIT_EXPECT_EQ_MSG(test, f->unoffered_seen_hi, 0ULL,
			    "finalize_features got 64+: 0x%llx, offered 0x%llx",
			    f->finalized_hi, f->offered_hi);
	/* the module is pinned exactly while a device runs with its ops */
	if (c->hooked >= 0)
		KUNIT_EXPECT_EQ(test, hooked(f), !!c->hooked);
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0 + (hooked(f) ? 1 : 0));

	if (!find_dev_line(test, C_NAME, dev_name(&f->vdev.dev), &l)) {
		KUNIT_FAIL(test, "%s missing from %s", dev_name(&f->vdev.dev), D_DEVICES);
		return;
	}
	KUNIT_EXPECT_STREQ(test, l.col[C_ID], ID_S);
	KUNIT_EXPECT_STREQ(test, l.col[C_PARENT], c->mmio ? MMIO_PARENT : GLUE_PARENT);
	KUNIT_EXPECT_STREQ(test, l.col[C_TRANSPORT], c->mmio ? "mmio" : "other");
	KUNIT_EXPECT_STREQ(test, l.col[C_DECISION], c->decision);
	KUNIT_EXPECT_STREQ(test, l.col[C_PATH], c->path);
	KUNIT_EXPECT_STREQ(test, l.col[C_REASON], c->reason);
	KUNIT_EXPECT_STREQ(test, l.col[C_RULE], c->rule);
	KUNIT_EXPECT_STREQ(test, l.col[C_HOOKED], hooked(f) ? "1" : "0");
	/* UML has no DMA state a direct path could change */
	KUNIT_EXPECT_STREQ(test, l.col[C_DMA_BIND], "-");
	KUNIT_EXPECT_STREQ(test, l.col[C_DMA_NOW], "-");
	/*
	 * No SWIOTLB forcing, and no restricted-memory guest: shm never asked
	 * (the fakes have no get_shm_region either)
	 */
	KUNIT_EXPECT_STREQ(test, l.col[C_SWIOTLB], "0");
	KUNIT_EXPECT_STREQ(test, l.col[C_SHM], "-");
	/*
	 * The facts vdp-policy plan decides again from: no PCI function, a
	 * UML platform without flags, the fake driver (bound if it probed)
	 */
	KUNIT_EXPECT_STREQ(test, l.col[C_VENDOR], "0x1af4");
	KUNIT_EXPECT_STREQ(test, l.col[C_PCI], "-");
	KUNIT_EXPECT_STREQ(test, l.col[C_SUBSYS], "-");
	KUNIT_EXPECT_STREQ(test, l.col[C_SRIOV], "-");
	/* (the glue models 6.4 and later as 6.12: vdp_gen_of_version()) */
	snprintf(want, sizeof(want), "arch=um,gen=%s",
		 LINUX_VERSION_MAJOR >= 7 ? "7.x" :
		 LINUX_VERSION_PATCHLEVEL >= 4 ? "6.12" : "6.1");
	KUNIT_EXPECT_STREQ(test, l.col[C_PLATFORM], want);
	KUNIT_EXPECT_STREQ(test, l.col[C_DRIVER], "vdp_kunit_glue");
	KUNIT_EXPECT_STREQ(test, l.col[C_BOUND], c->probed ? "1" : "0");
	/* decided at this bind: by the active table, generation 1 or later */
	{
		unsigned int gen = 0;

		KUNIT_EXPECT_EQ_MSG(test, kstrtouint(l.col[C_RULES_GEN], 10, &gen), 0,
				    "rules-gen '%s'", l.col[C_RULES_GEN]);
		KUNIT_EXPECT_GE(test, gen, 1U);
	}
	/* 128-bit columns: the high word only when it is not zero */
	fmt_features(want, sizeof(want), f->offered, f->offered_hi);
	KUNIT_EXPECT_STREQ(test, l.col[C_OFFERED], want);
	if (c->probed) {
		fmt_features(want, sizeof(want), f->probe_features, f->probe_features_hi);
		KUNIT_EXPECT_STREQ(test, l.col[C_NEGOTIATED], want);
		KUNIT_EXPECT_STREQ(test, l.col[C_PREDICTION], "match");
	}
}

static void vdp_glue_decision_test(struct kunit *test)
{
	const struct glue_case *c = test->param_value;
	struct glue_ctx *ctx = test->priv;
	struct vdp_fake *f;
	struct dev_line l;
	char name[32];

	if (c->mode)
		KUNIT_ASSERT_EQ(test, file_write_str(P_MODE, c->mode), 0);
	KUNIT_ASSERT_EQ_MSG(test, file_write_str(P_RULES, c->rules), 0, "rules '%s'", c->rules);

	f = glue_dev_on(test, 0, VDP_FAKE_ID, c->offered, c->offered_hi, c->requires_33, c->mmio);
	strscpy(name, dev_name(&f->vdev.dev), sizeof(name));
	check_bound(test, c, f);

	/* unbind: the transport's own ops are back, the module unpinned */
	device_release_driver(&f->vdev.dev);
	KUNIT_EXPECT_PTR_EQ(test, f->vdev.config, f->orig_config);
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0);
	if (find_dev_line(test, C_NAME, name, &l))
		KUNIT_EXPECT_STREQ(test, l.col[C_HOOKED], "0");
	else
		KUNIT_FAIL(test, "%s left %s while still registered", name, D_DEVICES);

	/* bind again: the same decision */
	f->probed = false;
	f->unoffered_seen = 0;
	f->unoffered_seen_hi = 0;
	f->max_status = 0;
	KUNIT_EXPECT_GE(test, device_attach(&f->vdev.dev), 0);
	check_bound(test, c, f);

	/* removal: forgotten, unpinned */
	glue_undev(test, 0);
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0);
	KUNIT_EXPECT_FALSE(test, find_dev_line(test, C_NAME, name, &l));
}

/* Rules apply to devices probed afterwards; bound devices keep theirs. */
static void vdp_glue_rules_later_test(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct vdp_fake *f;
	struct dev_line l;

	KUNIT_ASSERT_EQ(test, file_write_str(P_RULES, "id=" ID_S ",action=dma"), 0);
	f = glue_dev(test, 0, VDP_FAKE_ID, MODERN, false);
	KUNIT_EXPECT_TRUE(test, f->probe_features & B(33));
	KUNIT_ASSERT_EQ(test, file_write_str(P_RULES, "id=" ID_S ",action=physical"), 0);
	/* still the old decision, still hooked and pinned */
	KUNIT_EXPECT_TRUE(test, hooked(f));
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0 + 1);
	KUNIT_ASSERT_TRUE(test, find_dev_line(test, C_NAME, dev_name(&f->vdev.dev), &l));
	KUNIT_EXPECT_STREQ(test, l.col[C_DECISION], "dma");
	/* the debugfs reprobe file re-decides under the current rules */
	KUNIT_EXPECT_EQ(test, user_write(D_REPROBE, dev_name(&f->vdev.dev)), 0);
	KUNIT_EXPECT_FALSE(test, f->probe_features & B(33));
	KUNIT_ASSERT_TRUE(test, find_dev_line(test, C_NAME, dev_name(&f->vdev.dev), &l));
	KUNIT_EXPECT_STREQ(test, l.col[C_DECISION], "physical");
	KUNIT_EXPECT_EQ(test, f->unoffered_seen, 0ULL);
	glue_undev(test, 0);
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0);
}

/* As virtio_balloon's validate() can: the driver will not take bit 33. */
static int clear_33_validate(struct virtio_device *vdev)
{
	__virtio_clear_bit(vdev, VIRTIO_F_ACCESS_PLATFORM);
	return 0;
}

/*
 * A driver whose validate() clears bit 33 after the decision: the device
 * runs with physical addresses, and the devices file says so (the decision
 * stays the rule's).
 */
static void vdp_glue_validate_clears_33_test(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct vdp_fake *f;
	struct dev_line l;

	KUNIT_ASSERT_EQ(test, file_write_str(P_RULES, "id=" ID_S ",action=dma"), 0);
	ctx->drv->drv.validate = clear_33_validate;
	f = glue_dev(test, 0, VDP_FAKE_ID, MODERN, false);
	ctx->drv->drv.validate = NULL;
	KUNIT_EXPECT_TRUE(test, f->probed);
	KUNIT_EXPECT_FALSE(test, f->probe_features & B(33));
	KUNIT_EXPECT_TRUE(test, hooked(f));
	KUNIT_ASSERT_TRUE(test, find_dev_line(test, C_NAME, dev_name(&f->vdev.dev), &l));
	KUNIT_EXPECT_STREQ(test, l.col[C_DECISION], "dma");
	KUNIT_EXPECT_STREQ(test, l.col[C_PATH], "physical");
	KUNIT_EXPECT_STREQ(test, l.col[C_PREDICTION], "mismatch");
	glue_undev(test, 0);
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0);
}

/* kunit/vdp_hold.ko bound its device before virtio_dma_policy loaded. */
static void vdp_glue_already_bound_test(struct kunit *test)
{
	struct dev_line l;

	KUNIT_ASSERT_TRUE_MSG(test, find_dev_line(test, C_PARENT, "vdp_hold", &l),
			      "no device of vdp_hold.ko in %s (kunit/plan loads it first)",
			      D_DEVICES);
	KUNIT_EXPECT_STREQ(test, l.col[C_DECISION], "not-applied");
	KUNIT_EXPECT_STREQ(test, l.col[C_REASON], "already-bound");
	KUNIT_EXPECT_STREQ(test, l.col[C_RULE], "-");
	KUNIT_EXPECT_STREQ(test, l.col[C_HOOKED], "0");
	/* stock: it offers no bit 33, so physical */
	KUNIT_EXPECT_STREQ(test, l.col[C_PATH], "physical");
}

/*
 * 1000 bind/unbind cycles of one device, then 1000 devices added and
 * removed, all hooked: every unbind restores the ops and the reference.
 * Leaks show up in the kmemleak step of kunit/plan (SAN=1), use after
 * free as KASAN reports.
 */
#define CYCLES 1000
static void vdp_glue_cycles_test(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct vdp_fake *f;
	char *before = kunit_kmalloc(test, BIG, GFP_KERNEL);
	char *after = kunit_kmalloc(test, BIG, GFP_KERNEL);
	int i, bad_bind = 0, bad_unbind = 0, bad_ref = 0, bad_dev = 0;

	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_EQ(test, file_write_str(P_RULES, "id=" ID_S ",action=dma"), 0);
	KUNIT_ASSERT_GE(test, user_read(D_DEVICES, before, BIG), 0);

	f = glue_dev(test, 0, VDP_FAKE_ID, MODERN, false);
	for (i = 0; i < CYCLES; i++) {
		device_release_driver(&f->vdev.dev);
		if (f->vdev.config != f->orig_config || f->vdev.dev.driver)
			bad_unbind++;
		if (i % 100 == 0 && refcnt() != ctx->ref0)
			bad_ref++;
		f->probed = false;
		if (device_attach(&f->vdev.dev) != 1 || !f->probed ||
		    !(f->probe_features & B(33)) || !hooked(f))
			bad_bind++;
	}
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0 + 1);
	glue_undev(test, 0);
	KUNIT_EXPECT_EQ(test, bad_unbind, 0);
	KUNIT_EXPECT_EQ(test, bad_bind, 0);

	for (i = 0; i < CYCLES; i++) {
		bool released = false;

		f = vdp_fake_new(ctx->parent, VDP_FAKE_ID, MODERN);
		KUNIT_ASSERT_NOT_NULL(test, f);
		f->mmio_filter = true;
		f->released = &released;
		KUNIT_ASSERT_EQ(test, vdp_fake_register(f), 0);
		if (!f->probed || !hooked(f) || f->unoffered_seen)
			bad_dev++;
		if (i % 100 == 0 && refcnt() != ctx->ref0 + 1)
			bad_ref++;
		vdp_fake_unregister(f);
		/* the glue holds a device reference until it forgets it */
		if (!released)
			bad_dev++;
	}
	KUNIT_EXPECT_EQ(test, bad_dev, 0);
	KUNIT_EXPECT_EQ(test, bad_ref, 0);
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0);
	/* every device line is gone again */
	KUNIT_ASSERT_GE(test, user_read(D_DEVICES, after, BIG), 0);
	KUNIT_EXPECT_STREQ(test, after, before);
}

/*
 * Rules writes are atomic: concurrent readers of the parameter and of
 * the debugfs table see one whole table or the other, never a mix nor a
 * rejected one; every bind decides with one whole table, and what the
 * driver gets matches the decision reported.
 */
#define RULES_A "id=" ID_S ",action=dma"
#define RULES_B "id=" ID_S ",action=physical;id=1,action=refuse"
#define RULES_BAD "id=" ID_S ",action=bogus"
/* devices file: "... decision path rule reason ..." under A and under B */
#define SWAP_A_LINE " dma dma-api-direct 0 rule-dma "
#define SWAP_PHYS "physical"
#define SWAP_B_LINE " " SWAP_PHYS " " SWAP_PHYS " 0 rule-physical " /* decision, path */

struct swap_state {
	struct vdp_fake *f;
	atomic_t reads, bad_reads, binds, bad_binds, table_reads, bad_tables;
	char bad_sample[128];
};

/*
 * One per thread, allocated by the test: a thread runs until kthread_stop()
 * (returning earlier would let kthread_stop() touch a finished task).
 */
struct swap_thread {
	struct swap_state *s;
	char *buf;	/* BIG bytes */
};

static int swap_reader(void *data)
{
	struct swap_state *s = ((struct swap_thread *)data)->s;
	char *buf = ((struct swap_thread *)data)->buf;

	while (!kthread_should_stop()) {
		if (file_read(P_RULES, buf, BIG) >= 0) {
			atomic_inc(&s->reads);
			if (strcmp(buf, RULES_A "\n") && strcmp(buf, RULES_B "\n")) {
				atomic_inc(&s->bad_reads);
				strscpy(s->bad_sample, buf, sizeof(s->bad_sample));
			}
		}
		cond_resched();
	}
	return 0;
}

/* debugfs rules: "# ... rules=N builtin=M" then exactly N indexed lines */
static int swap_table_reader(void *data)
{
	struct swap_state *s = ((struct swap_thread *)data)->s;
	char *buf = ((struct swap_thread *)data)->buf;

	while (!kthread_should_stop()) {
		if (user_read(D_RULES, buf, BIG) >= 0) {
			const char *h = strstr(buf, " rules=");
			unsigned int n = 0, lines = 0, user;
			const char *p;

			atomic_inc(&s->table_reads);
			if (h)
				sscanf(h, " rules=%u", &n);
			for (p = strchr(buf, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
				lines++;
			/* A has 1 user rule, B 2; plus the same built-in ones */
			user = strstr(buf, "action=physical") ? 2 : 1;
			if (!h || lines != n ||
			    (strstr(buf, "action=physical") &&
			     strstr(buf, " id=" ID_S ",action=dma")) ||
			    strstr(buf, "bogus") || lines < user)
				atomic_inc(&s->bad_tables);
		}
		cond_resched();
	}
	return 0;
}

static int swap_binder(void *data)
{
	struct swap_state *s = ((struct swap_thread *)data)->s;
	char *buf = ((struct swap_thread *)data)->buf;
	struct vdp_fake *f = s->f;

	while (!kthread_should_stop()) {
		bool sees33, ok = true;

		device_release_driver(&f->vdev.dev);
		if (f->vdev.config != f->orig_config)
			ok = false;
		f->probed = false;
		if (device_attach(&f->vdev.dev) != 1)
			ok = false;
		sees33 = f->probe_features & B(33);
		if (!f->probed || f->unoffered_seen)
			ok = false;
		/* the reported decision is the one the driver got */
		if (user_read(D_DEVICES, buf, BIG) >= 0) {
			char key[64];

			snprintf(key, sizeof(key), "\n%s ", dev_name(&f->vdev.dev));
			const char *want = sees33 ? SWAP_A_LINE : SWAP_B_LINE;

			if (!strstr(buf, key) || !strstr(strstr(buf, key), want))
				ok = false;
		}
		atomic_inc(&s->binds);
		if (!ok)
			atomic_inc(&s->bad_binds);
	}
	return 0;
}

static void vdp_glue_swap_test(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct swap_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct swap_thread th[4];
	struct task_struct *t[4];
	unsigned long deadline;
	int i, bad_writes = 0, good_writes = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < 4; i++) {
		th[i].s = s;
		th[i].buf = kunit_kzalloc(test, BIG, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, th[i].buf);
	}
	KUNIT_ASSERT_EQ(test, file_write_str(P_RULES, RULES_A), 0);
	s->f = glue_dev(test, 0, VDP_FAKE_ID, MODERN, false);

	for (i = 0; i < 4; i++) {
		t[i] = kthread_run(i < 2 ? swap_reader : i == 2 ? swap_table_reader : swap_binder,
				   &th[i], "vdp_kunit_sw%d", i);
		if (IS_ERR(t[i])) {
			while (i--)
				kthread_stop(t[i]);
			KUNIT_FAIL(test, "kthread_run failed");
			return;
		}
	}

	/* at least 400 writes, and enough reads, binds and table reads among them */
	deadline = jiffies + 120 * HZ;
	for (i = 0; i < 400 || ((atomic_read(&s->binds) < 20 ||
				 atomic_read(&s->reads) < 20 ||
				 atomic_read(&s->table_reads) < 20) &&
				time_before(jiffies, deadline)); i++) {
		if (i % 8 == 7) {
			/* a rejected write changes nothing */
			if (file_write_str(P_RULES, RULES_BAD) != -EINVAL)
				bad_writes++;
		} else if (file_write_str(P_RULES, i & 1 ? RULES_B : RULES_A)) {
			bad_writes++;
		} else {
			good_writes++;
		}
		if (i % 16 == 0)
			usleep_range(1000, 2000);
	}
	for (i = 0; i < 4; i++)
		kthread_stop(t[i]);

	KUNIT_EXPECT_EQ(test, bad_writes, 0);
	KUNIT_EXPECT_GE(test, atomic_read(&s->reads), 20);
	KUNIT_EXPECT_GE(test, atomic_read(&s->table_reads), 20);
	KUNIT_EXPECT_GE(test, atomic_read(&s->binds), 20);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->bad_reads), 0, "e.g. '%s'", s->bad_sample);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->bad_tables), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->bad_binds), 0);
	kunit_info(test, "%d writes, %d+%d reads, %d binds\n", good_writes,
		   atomic_read(&s->reads), atomic_read(&s->table_reads),
		   atomic_read(&s->binds));
	glue_undev(test, 0);
	KUNIT_EXPECT_EQ(test, refcnt(), ctx->ref0);
}

static struct kunit_case vdp_glue_cases[] = {
	KUNIT_CASE_PARAM(vdp_glue_decision_test, glue_gen_params),
	KUNIT_CASE(vdp_glue_rules_later_test),
	KUNIT_CASE(vdp_glue_validate_clears_33_test),
	KUNIT_CASE(vdp_glue_already_bound_test),
	KUNIT_CASE(vdp_glue_cycles_test),
	KUNIT_CASE(vdp_glue_swap_test),
	{}
};

static struct kunit_suite vdp_glue_suite = {
	.name = "vdp_glue",
	.init = glue_init,
	.exit = glue_exit,
	.test_cases = vdp_glue_cases,
};

/* ------------------------------------------------------------------ */
/* suite vdp_glue_input: bad input to every writable file              */

/* A rejected rules write returns an error and changes nothing visible. */
static void expect_rules_rejected(struct kunit *test, const void *in, size_t len,
				  const char *what)
{
	char *p0 = kunit_kzalloc(test, VDP_MAX_TEXT + 2, GFP_KERNEL);
	char *p1 = kunit_kzalloc(test, VDP_MAX_TEXT + 2, GFP_KERNEL);
	char *t0 = kunit_kzalloc(test, BIG, GFP_KERNEL);
	char *t1 = kunit_kzalloc(test, BIG, GFP_KERNEL);
	ssize_t n;

	KUNIT_ASSERT_TRUE(test, p0 && p1 && t0 && t1);
	KUNIT_ASSERT_GE(test, file_read(P_RULES, p0, VDP_MAX_TEXT + 2), 0);
	KUNIT_ASSERT_GE(test, user_read(D_RULES, t0, BIG), 0);
	n = file_write(P_RULES, in, len);
	KUNIT_EXPECT_LT_MSG(test, n, (ssize_t)0, "%s: accepted", what);
	KUNIT_ASSERT_GE(test, file_read(P_RULES, p1, VDP_MAX_TEXT + 2), 0);
	KUNIT_ASSERT_GE(test, user_read(D_RULES, t1, BIG), 0);
	KUNIT_EXPECT_STREQ_MSG(test, p1, p0, "%s: parameter changed", what);
	KUNIT_EXPECT_STREQ_MSG(test, t1, t0, "%s: table changed", what);
	kunit_kfree(test, p0);
	kunit_kfree(test, p1);
	kunit_kfree(test, t0);
	kunit_kfree(test, t1);
}

KUNIT_ARRAY_PARAM(parse_err, vdp_parse_err_cases, vdp_parse_err_desc);

/* Every malformed rules text of the shared table, through sysfs. */
static void vdp_input_rules_table_test(struct kunit *test)
{
	const struct vdp_parse_err_case *c = test->param_value;

	/* a known table first, so that "unchanged" means something */
	KUNIT_ASSERT_EQ(test, file_write_str(P_RULES, "id=" ID_S ",action=physical"), 0);
	expect_rules_rejected(test, c->input, strlen(c->input), c->input);
}

static void vdp_input_rules_size_test(struct kunit *test)
{
	char *buf = kunit_kmalloc(test, 256, GFP_KERNEL);
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, file_write_str(P_RULES, "id=" ID_S ",action=physical"), 0);
	/*
	 * Valid rules texts, so that only their length is wrong: 4096 and
	 * 4097 bytes reach the module (README: at most 4095), three pages
	 * are refused by sysfs before it (-E2BIG); the table stays.
	 */
	expect_rules_rejected(test, vdp_rules_text_of(test, VDP_MAX_TEXT), VDP_MAX_TEXT,
			      "4096 bytes");
	expect_rules_rejected(test, vdp_rules_text_of(test, VDP_MAX_TEXT + 1),
			      VDP_MAX_TEXT + 1, "4097 bytes");
	expect_rules_rejected(test, vdp_rules_text_of(test, 3 * PAGE_SIZE), 3 * PAGE_SIZE,
			      "three pages");
	/* binary junk */
	for (len = 0; len < 256; len++)
		buf[len] = 255 - len;
	expect_rules_rejected(test, buf, 255, "bytes 0xff..0x01");
	/* 4095 bytes are fine */
	KUNIT_EXPECT_EQ(test, file_write(P_RULES, vdp_rules_text_of(test, VDP_MAX_TEXT - 1),
					 VDP_MAX_TEXT - 1), (ssize_t)(VDP_MAX_TEXT - 1));
	KUNIT_EXPECT_EQ(test, file_write_str(P_RULES, ""), 0);
}

/* Valid texts take effect: the debugfs table shows their canonical form. */
KUNIT_ARRAY_PARAM(parse_ok, vdp_parse_ok_cases, vdp_parse_ok_desc);

static void vdp_input_rules_ok_test(struct kunit *test)
{
	const struct vdp_parse_ok_case *c = test->param_value;
	char *t = kunit_kzalloc(test, BIG, GFP_KERNEL);
	char *joined = kunit_kzalloc(test, BIG, GFP_KERNEL);
	char *line, *p;
	unsigned int i = 0;
	size_t n = 0;

	KUNIT_ASSERT_TRUE(test, t && joined);
	KUNIT_ASSERT_EQ_MSG(test, file_write_str(P_RULES, c->input), 0, "'%s'", c->input);
	KUNIT_ASSERT_GE(test, user_read(D_RULES, t, BIG), 0);
	/* "<index> <rule>" lines after the header; user rules come first */
	p = t;
	while ((line = strsep(&p, "\n")) && i < c->rules) {
		char idx[12];

		if (line[0] == '#' || !line[0])
			continue;
		snprintf(idx, sizeof(idx), "%u ", i);
		KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(line, idx), "line '%s'", line);
		n += scnprintf(joined + n, BIG - n, "%s%s", i ? ";" : "", line + strlen(idx));
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, c->rules);
	KUNIT_EXPECT_STREQ(test, joined, c->canonical);
}

static void expect_param_rejected(struct kunit *test, const char *path,
				  const void *in, size_t len)
{
	char before[64], after[64];

	KUNIT_ASSERT_GE(test, file_read(path, before, sizeof(before)), 0);
	KUNIT_EXPECT_LT_MSG(test, file_write(path, in, len), (ssize_t)0,
			    "%s accepted '%.*s'", path, (int)min_t(size_t, len, 40),
			    (const char *)in);
	KUNIT_ASSERT_GE(test, file_read(path, after, sizeof(after)), 0);
	KUNIT_EXPECT_STREQ(test, after, before);
}

static void vdp_input_mode_test(struct kunit *test)
{
	static const char * const bad[] = {
		"\n", "enforc", "enforcee", "audit\n\n", " audit", "AUDIT",
		"audit,enforce", "1", "-1", "\x01", "\xff\xfe",
	};
	char *big = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	char buf[32];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_EQ(test, file_write_str(P_MODE, "audit"), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_param_rejected(test, P_MODE, bad[i], strlen(bad[i]));
	memset(big, 'a', PAGE_SIZE);
	expect_param_rejected(test, P_MODE, big, PAGE_SIZE);
	KUNIT_ASSERT_GE(test, file_read(P_MODE, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, "audit\n");
	KUNIT_EXPECT_EQ(test, file_write_str(P_MODE, "enforce\n"), 0);
	KUNIT_ASSERT_GE(test, file_read(P_MODE, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, "enforce\n");
}

/* pseries_bounce is read-only at runtime (load time only). */
static void vdp_input_readonly_test(struct kunit *test)
{
	expect_param_rejected(test, P_BOUNCE, "off", 3);
	expect_param_rejected(test, P_BOUNCE, "on", 2);
	/* the debugfs tables are read-only too */
	KUNIT_EXPECT_LT(test, user_write(D_DEVICES, "x"), 0);
	KUNIT_EXPECT_LT(test, user_write(D_RULES, "action=dma"), 0);
	KUNIT_EXPECT_LT(test, file_write(P_REFCNT, "0", 1), (ssize_t)0);
}

static void vdp_input_reprobe_test(struct kunit *test)
{
	static const char * const bad[] = {
		"\n", "nosuchdevice", "virtio99999",
		"abcdefghijabcdefghijabcdefghijab", "../virtio0", "\xff",
	};
	char *big = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct vdp_fake *f;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, big);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_LT_MSG(test, user_write(D_REPROBE, bad[i]), 0,
				    "'%s' accepted", bad[i]);
	memset(big, 'v', PAGE_SIZE - 1);
	big[PAGE_SIZE - 1] = '\0';
	KUNIT_EXPECT_LT(test, user_write(D_REPROBE, big), 0);

	/* a good name works, with or without the newline echo adds */
	f = glue_dev(test, 0, VDP_FAKE_ID, MODERN, false);
	snprintf(big, PAGE_SIZE, "%s\n", dev_name(&f->vdev.dev));
	f->probed = false;
	KUNIT_EXPECT_EQ(test, user_write(D_REPROBE, big), 0);
	KUNIT_EXPECT_TRUE(test, f->probed);
	glue_undev(test, 0);
}

static struct kunit_case vdp_glue_input_cases[] = {
	KUNIT_CASE_PARAM(vdp_input_rules_table_test, parse_err_gen_params),
	KUNIT_CASE(vdp_input_rules_size_test),
	KUNIT_CASE_PARAM(vdp_input_rules_ok_test, parse_ok_gen_params),
	KUNIT_CASE(vdp_input_mode_test),
	KUNIT_CASE(vdp_input_readonly_test),
	KUNIT_CASE(vdp_input_reprobe_test),
	{}
};

static struct kunit_suite vdp_glue_input_suite = {
	.name = "vdp_glue_input",
	.init = glue_init,
	.exit = glue_exit,
	.test_cases = vdp_glue_input_cases,
};

kunit_test_suites(&vdp_glue_suite, &vdp_glue_input_suite);

MODULE_DESCRIPTION("KUnit suites of the virtio_dma_policy glue");
MODULE_LICENSE("GPL");

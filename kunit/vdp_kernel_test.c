// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the core's model of upstream against the running kernel itself.
 *
 * The core predicts what the virtio core does (transport feature filter,
 * feature negotiation in virtio_dev_probe, the DMA quirk).  Here the real
 * virtio core of this kernel does it, on fake devices registered on the
 * real virtio bus, and the two must agree.  No glue is loaded while this
 * suite runs (kunit/plan loads virtio_dma_policy.ko afterwards).
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/prandom.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_ring.h>

#include "../include/virtio_dma_policy.h"
#include "../tests/cases/vdp_case_types.h"
#include "../tests/cases/predict_cases.h"
#include "vdp_fake.h"
#include "../drivers/compat.h"

/*
 * The generation of the running kernel, by what defines the generations
 * (virtio_dma_policy.h): 128 feature bits (linux/virtio_features.h) in
 * 7.x, VIRTIO_TRANSPORT_F_END 41 before NOTIFICATION_DATA (6.4), 42 after.
 * Deliberately not the glue's way (drivers/compat.h: the kernel version),
 * so that the test below cross-checks the two.
 */
static vdp_u8 this_gen(void)
{
#if __has_include("linux/virtio_features.h")
	return VDP_GEN_7;
#else
	return VIRTIO_TRANSPORT_F_END == 41 ? VDP_GEN_6_1 : VDP_GEN_6_12;
#endif
}

/* The header's bit numbers are the kernel's. */
static void vdp_kernel_constants_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, VDP_F_INDIRECT_DESC, VIRTIO_RING_F_INDIRECT_DESC);
	KUNIT_EXPECT_EQ(test, VDP_F_EVENT_IDX, VIRTIO_RING_F_EVENT_IDX);
	KUNIT_EXPECT_EQ(test, VDP_F_VERSION_1, VIRTIO_F_VERSION_1);
	KUNIT_EXPECT_EQ(test, VDP_F_ACCESS_PLATFORM, VIRTIO_F_ACCESS_PLATFORM);
	KUNIT_EXPECT_EQ(test, VDP_F_RING_PACKED, VIRTIO_F_RING_PACKED);
	KUNIT_EXPECT_EQ(test, VDP_F_IN_ORDER, VIRTIO_F_IN_ORDER);
	KUNIT_EXPECT_EQ(test, VDP_F_ORDER_PLATFORM, VIRTIO_F_ORDER_PLATFORM);
	KUNIT_EXPECT_EQ(test, VDP_F_SR_IOV, VIRTIO_F_SR_IOV);
	KUNIT_EXPECT_EQ(test, VDP_F_RING_RESET, VIRTIO_F_RING_RESET);
	KUNIT_EXPECT_EQ(test, VDP_TRANSPORT_F_START, VIRTIO_TRANSPORT_F_START);
	/* the glue's generation is the one the kernel's features define */
	KUNIT_EXPECT_EQ(test, (vdp_u8)vdp_compat_gen(), this_gen());
}

/*
 * The glue measures the running kernel (vdp_compat_model()) instead of
 * trusting its version: on each series of the matrix the measurement is
 * the generation's preset (so vdp_transport_filter(this generation) is
 * the kernel's too), and it filters every bit, alone and all together,
 * as vring_transport_features() does.
 */
static void vdp_kernel_model_test(struct kunit *test)
{
	struct virtio_device *vdev = kunit_kzalloc(test, sizeof(*vdev), GFP_KERNEL);
	struct vdp_model measured, preset;
	unsigned int b;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vdev);
	KUNIT_ASSERT_EQ(test, vdp_compat_model(&measured), 0);
	KUNIT_EXPECT_TRUE(test, vdp_model_valid(&measured));
	KUNIT_EXPECT_EQ(test, measured.transport_end, VIRTIO_TRANSPORT_F_END);
	KUNIT_EXPECT_EQ(test, measured.feature_bits,
			VDP_HAVE_EXTENDED_FEATURES ? 128 : 64);
	vdp_model_of_gen(this_gen(), &preset);
	KUNIT_EXPECT_EQ(test, measured.transport_end, preset.transport_end);
	KUNIT_EXPECT_EQ(test, measured.feature_bits, preset.feature_bits);
	KUNIT_EXPECT_EQ(test, measured.keep.w[0], preset.keep.w[0]);
	KUNIT_EXPECT_EQ(test, measured.keep.w[1], preset.keep.w[1]);
	for (b = 0; b <= VDP_FEATURE_BITS; b++) {
		/* bit b alone, and (b == 128) every bit */
		struct vdp_features in = { .w = { 0, 0 } }, f, k;

		if (b < VDP_FEATURE_BITS)
			vdp_feat_set(&in, b);
		else
			memset(&in, 0xff, sizeof(in));
		if (measured.feature_bits == 64)
			in.w[1] = 0;
		f = in;
		vdp_compat_write_features(vdev, &in);
		vring_transport_features(vdev);
		vdp_compat_read_features(vdev, &k);
		vdp_model_filter(&measured, &f);
		KUNIT_EXPECT_TRUE_MSG(test, f.w[0] == k.w[0] && f.w[1] == k.w[1],
				      "bit %u: model keeps 0x%llx:%llx, kernel 0x%llx:%llx",
				      b, f.w[1], f.w[0], k.w[1], k.w[0]);
	}
}

/* vdp_stock_use_dma_api() == !virtio_has_dma_quirk() (no Xen here). */
static void vdp_kernel_dma_quirk_test(struct kunit *test)
{
	struct virtio_device *vdev = kunit_kzalloc(test, sizeof(*vdev), GFP_KERNEL);
	static const u64 sets[] = {
		0, BIT_ULL(32), BIT_ULL(33), BIT_ULL(32) | BIT_ULL(33),
		~0ULL, ~BIT_ULL(33),
	};
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vdev);
	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		struct vdp_features f = { .w = { sets[i], 0 } };

		vdev->features = sets[i];
		KUNIT_EXPECT_EQ_MSG(test, !!vdp_stock_use_dma_api(&f, 0),
				    !virtio_has_dma_quirk(vdev), "features 0x%llx", sets[i]);
	}
}

/*
 * vdp_compat_shm_region(): the device fact restricted=bounce refuses on,
 * through a transport's get_shm_region() as virtio_get_shm_region() calls
 * it.  The fake transport has a region at shm_at of length shm_len (every
 * id when shm_at is negative) and counts the ids it is asked.
 */
static int shm_at;
static u64 shm_len;
static unsigned int shm_asked[256];

static bool fake_get_shm_region(struct virtio_device *vdev,
				struct virtio_shm_region *region, u8 id)
{
	shm_asked[id]++;
	if (shm_at >= 0 && id != shm_at)
		return false;
	region->addr = 0x100000000ULL;
	region->len = shm_len;
	return true;
}

static void vdp_kernel_shm_region_test(struct kunit *test)
{
	struct virtio_device *vdev = kunit_kzalloc(test, sizeof(*vdev), GFP_KERNEL);
	struct virtio_config_ops *ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	static const int ats[] = { 0, 1, 200, 255 };
	unsigned int i, id;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vdev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	vdev->config = ops;
	/* a transport without the op (virtio-pci legacy, ccw): no region */
	KUNIT_EXPECT_FALSE(test, vdp_compat_shm_region(vdev, ops));

	ops->get_shm_region = fake_get_shm_region;
	/* no region at any id: every id 0..255 asked exactly once */
	shm_at = 256;
	memset(shm_asked, 0, sizeof(shm_asked));
	KUNIT_EXPECT_FALSE(test, vdp_compat_shm_region(vdev, ops));
	for (id = 0; id < 256; id++)
		KUNIT_EXPECT_EQ_MSG(test, shm_asked[id], 1U, "id %u", id);
	/* mmio without SHM registers: every id "exists" with length 0 */
	shm_at = -1;
	shm_len = 0;
	KUNIT_EXPECT_FALSE(test, vdp_compat_shm_region(vdev, ops));
	/* one region, wherever its id: found, and the search stops there */
	shm_len = SZ_2M;
	for (i = 0; i < ARRAY_SIZE(ats); i++) {
		shm_at = ats[i];
		memset(shm_asked, 0, sizeof(shm_asked));
		KUNIT_EXPECT_TRUE_MSG(test, vdp_compat_shm_region(vdev, ops), "id %d", ats[i]);
		KUNIT_EXPECT_EQ(test, shm_asked[ats[i]], 1U);
		if (ats[i] < 255)
			KUNIT_EXPECT_EQ(test, shm_asked[ats[i] + 1], 0U);
	}
	/* the kernel's own accessor agrees */
	shm_at = 1;
	KUNIT_EXPECT_TRUE(test, vdp_compat_shm_region(vdev, ops));
	{
		struct virtio_shm_region r = {};

		KUNIT_EXPECT_TRUE(test, virtio_get_shm_region(vdev, &r, 1));
		KUNIT_EXPECT_EQ(test, r.len, (u64)SZ_2M);
	}
}

/*
 * vdp_predict_negotiated() == what virtio_dev_probe() of this kernel puts
 * in vdev->features, with an mmio-like transport (finalize_features runs
 * vring_transport_features() and nothing else).  Rows: the shared table's
 * rows for this generation and mmio, then pseudo-random ones.
 */
struct kprobe_case {
	char name[64];
	u64 offered, drv, legacy;
	bool has_legacy;
};

#define N_RANDOM 48
static struct kprobe_case kprobe_cases[VDP_CASES_COUNT(vdp_predict_cases) + N_RANDOM];
static unsigned int n_kprobe_cases;

static void kprobe_cases_init(void)
{
	struct rnd_state rnd;
	unsigned int i;

	n_kprobe_cases = 0;
	for (i = 0; i < VDP_PREDICT_CASES_COUNT; i++) {
		const struct vdp_predict_case *c = &vdp_predict_cases[i];
		struct kprobe_case *k = &kprobe_cases[n_kprobe_cases];

		if (c->gen != this_gen() || c->transport != VDP_TRANSPORT_MMIO ||
		    c->offered[1] || c->drv[1])
			continue;
		snprintf(k->name, sizeof(k->name), "table: %.56s", c->name);
		k->offered = c->offered[0];
		k->drv = c->drv[0];
		k->legacy = c->drv_legacy;
		k->has_legacy = c->has_legacy;
		n_kprobe_cases++;
	}
	prandom_seed_state(&rnd, 0x7664705f6b756e69ULL);
	for (i = 0; i < N_RANDOM; i++) {
		struct kprobe_case *k = &kprobe_cases[n_kprobe_cases++];
		u64 r1 = ((u64)prandom_u32_state(&rnd) << 32) | prandom_u32_state(&rnd);
		u64 r2 = ((u64)prandom_u32_state(&rnd) << 32) | prandom_u32_state(&rnd);
		u64 r3 = ((u64)prandom_u32_state(&rnd) << 32) | prandom_u32_state(&rnd);

		k->offered = r1;
		/* half modern, half legacy devices */
		if (i & 1)
			k->offered |= BIT_ULL(VIRTIO_F_VERSION_1);
		else
			k->offered &= ~BIT_ULL(VIRTIO_F_VERSION_1);
		k->drv = r2;
		k->legacy = r3;
		k->has_legacy = i & 2;
		snprintf(k->name, sizeof(k->name), "random %u", i);
	}
}

static const void *kprobe_gen_params(VDP_KUNIT_GEN_ARGS)
{
	const struct kprobe_case *k = prev ? (const struct kprobe_case *)prev + 1
					   : kprobe_cases;

	if (!prev)
		kprobe_cases_init();
	if (k >= kprobe_cases + n_kprobe_cases)
		return NULL;
	strscpy(desc, k->name, KUNIT_PARAM_DESC_SIZE);
	return k;
}

struct kernel_ctx {
	struct device *parent;
	struct vdp_fake_driver *drv;
};

static void vdp_kernel_probe_test(struct kunit *test)
{
	const struct kprobe_case *k = test->param_value;
	struct kernel_ctx *ctx = test->priv;
	struct vdp_device dev = {
		.device_id = VDP_FAKE_ID,
		.vendor_id = VDP_FAKE_VENDOR,
		.transport = VDP_TRANSPORT_MMIO,
	};
	struct vdp_features offered = { .w = { k->offered, 0 } };
	struct vdp_features drv = { .w = { k->drv, 0 } };
	struct vdp_features legacy = { .w = { k->legacy, 0 } };
	struct vdp_features want;
	struct vdp_fake *f;
	bool released = false;
	struct vdp_model model;

	/* the glue predicts with the measured model */
	KUNIT_ASSERT_EQ(test, vdp_compat_model(&model), 0);
	dev.offered = offered;
	vdp_model_predict(&model, &dev, &offered, &drv, &legacy,
			  k->has_legacy, &want);
	KUNIT_EXPECT_EQ(test, want.w[1], 0ULL);

	vdp_fake_driver_features(ctx->drv, k->drv, k->legacy, k->has_legacy);
	f = vdp_fake_new(ctx->parent, VDP_FAKE_ID, k->offered);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->mmio_filter = true;
	f->released = &released;
	KUNIT_ASSERT_EQ(test, vdp_fake_register(f), 0);

	KUNIT_EXPECT_EQ(test, atomic_read(&f->finalize_calls), 1);
	KUNIT_EXPECT_EQ_MSG(test, f->finalized_after, want.w[0],
			    "offered 0x%llx drv 0x%llx legacy 0x%llx/%d: kernel 0x%llx, model 0x%llx",
			    k->offered, k->drv, k->legacy, k->has_legacy,
			    f->finalized_after, want.w[0]);
	/* the driver saw what was negotiated */
	KUNIT_EXPECT_TRUE(test, f->probed);
	KUNIT_EXPECT_EQ(test, f->probe_features, f->finalized_after);
	/* the stock decision for it, by the kernel and by the model */
	KUNIT_EXPECT_EQ(test, !f->probe_dma_quirk,
			!!vdp_stock_use_dma_api(&want, 0));
	/* a parent that is not a virtio-pci function never gets a direct path */
	KUNIT_EXPECT_FALSE(test, vdp_compat_dma_dev_owned(&f->vdev, f->vdev.dev.parent));
	vdp_fake_unregister(f);
	KUNIT_EXPECT_TRUE(test, released);
}

/*
 * "No IOMMU" is not "guest physical": dma-direct adds a dma-ranges offset
 * (dev->dma_range_map), so the glue must call such a device translating.
 */
static void vdp_kernel_dma_offset_test(struct kunit *test)
{
	struct kernel_ctx *ctx = test->priv;
	const struct bus_dma_region same[] = {
		{ .cpu_start = 0, .dma_start = 0, .size = SZ_1G }, { 0 } };
	const struct bus_dma_region moved[] = {
		{ .cpu_start = 0, .dma_start = SZ_1G, .size = SZ_1G }, { 0 } };
	const struct bus_dma_region *saved = ctx->parent->dma_range_map;

	KUNIT_EXPECT_EQ(test, vdp_compat_iommu_api(ctx->parent), VDP_IOMMU_NONE);
	ctx->parent->dma_range_map = same;
	KUNIT_EXPECT_EQ(test, vdp_compat_iommu_api(ctx->parent), VDP_IOMMU_NONE);
	ctx->parent->dma_range_map = moved;
	KUNIT_EXPECT_EQ(test, vdp_compat_iommu_api(ctx->parent), VDP_IOMMU_TRANSLATING);
	ctx->parent->dma_range_map = saved;
}

static int vdp_kernel_init(struct kunit *test)
{
	struct kernel_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int err;

	if (!ctx)
		return -ENOMEM;
	ctx->parent = __root_device_register("vdp_kunit_kernel", NULL);
	if (IS_ERR(ctx->parent)) {
		kunit_err(test, "root_device_register: %ld\n", PTR_ERR(ctx->parent));
		return PTR_ERR(ctx->parent);
	}
	ctx->drv = kunit_kzalloc(test, sizeof(*ctx->drv), GFP_KERNEL);
	if (!ctx->drv) {
		root_device_unregister(ctx->parent);
		return -ENOMEM;
	}
	err = vdp_fake_driver_register(ctx->drv, VDP_FAKE_ID, "vdp_kunit_kernel", NULL);
	if (err) {
		kunit_err(test, "register_virtio_driver: %d\n", err);
		root_device_unregister(ctx->parent);
		return err;
	}
	test->priv = ctx;
	return 0;
}

static void vdp_kernel_exit(struct kunit *test)
{
	struct kernel_ctx *ctx = test->priv;

	/* also called when init failed */
	if (!ctx)
		return;
	vdp_fake_driver_unregister(ctx->drv);
	root_device_unregister(ctx->parent);
}

static struct kunit_case vdp_core_kernel_cases[] = {
	KUNIT_CASE(vdp_kernel_constants_test),
	KUNIT_CASE(vdp_kernel_model_test),
	KUNIT_CASE(vdp_kernel_dma_quirk_test),
	KUNIT_CASE(vdp_kernel_shm_region_test),
	KUNIT_CASE(vdp_kernel_dma_offset_test),
	KUNIT_CASE_PARAM(vdp_kernel_probe_test, kprobe_gen_params),
	{}
};

static struct kunit_suite vdp_core_kernel_suite = {
	.name = "vdp_core_kernel",
	.init = vdp_kernel_init,
	.exit = vdp_kernel_exit,
	.test_cases = vdp_core_kernel_cases,
};

kunit_test_suites(&vdp_core_kernel_suite);

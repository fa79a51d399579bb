// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the C++ policy core through its C ABI (include/virtio_dma_policy.h),
 * compiled with the kernel's flags and run inside the kernel.
 *
 * The expectations come from the shared case tables in tests/cases/ (the
 * same rows the host tests use; each row cites the kernel source or the
 * README table it was derived from) and from the README (grammar, names,
 * limits).  Every case table is iterated generically, one KUnit parameter
 * per row, so a row added there is a test here.
 *
 * Buffers handed to the core are allocated at their exact size, so that a
 * read or write past the end is a KASAN report under `make kunit SAN=1`.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/errno.h>

#include "../include/virtio_dma_policy.h"
#include "../tests/cases/vdp_case_types.h"
#include "vdp_kunit.h"
#include "../tests/cases/stock_cases.h"
#include "../tests/cases/filter_cases.h"
#include "../tests/cases/predict_cases.h"
#include "../tests/cases/safety_cases.h"
#include "../tests/cases/parse_cases.h"
#include "../tests/cases/precedence_cases.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static struct vdp_features feats(vdp_u64 lo, vdp_u64 hi)
{
	struct vdp_features f = { .w = { lo, hi } };

	return f;
}

static void expect_feats(struct kunit *test, const char *what,
			 const struct vdp_features *got, vdp_u64 lo, vdp_u64 hi)
{
	KUNIT_EXPECT_EQ_MSG(test, got->w[0], lo, "%s, word 0", what);
	KUNIT_EXPECT_EQ_MSG(test, got->w[1], hi, "%s, word 1", what);
}

#define EXPECT_FEATS(test, got, lo, hi) expect_feats(test, #got, &(got), lo, hi)

/* A table of exactly capacity rules: accesses past it are KASAN bugs. */
static struct vdp_table *new_table_cap(struct kunit *test, u32 capacity)
{
	struct vdp_table *t = kunit_kzalloc(test, struct_size(t, rules, capacity),
					    GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	t->capacity = capacity;
	return t;
}

static struct vdp_table *new_table(struct kunit *test)
{
	return new_table_cap(test, VDP_MAX_RULES);
}

static vdp_u32 parse_str(struct kunit *test, const char *s,
			 struct vdp_table *t, struct vdp_parse_result *res)
{
	size_t len = strlen(s);
	char *p = vdp_exact_copy(test, s, len);

	memset(res, 0, sizeof(*res));
	return vdp_parse(p, len, t, res);
}

/* ------------------------------------------------------------------ */
/* suite vdp_core_stock: the model of upstream                         */

static void vdp_abi_version_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vdp_abi_version(), (vdp_u32)VDP_ABI_VERSION);
}

static void stock_desc(const struct vdp_stock_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "b33=%u b32=%u xen=%u restricted=%u",
		 c->b33, c->b32, c->xen, c->restricted);
}

KUNIT_ARRAY_PARAM(stock, vdp_stock_cases, stock_desc);

static void vdp_stock_test(struct kunit *test)
{
	const struct vdp_stock_case *c = test->param_value;
	struct vdp_features f = feats(0, 0);

	if (c->b33)
		vdp_feat_set(&f, VDP_F_ACCESS_PLATFORM);
	if (c->b32)
		vdp_feat_set(&f, VDP_F_VERSION_1);
	/* unrelated bits must not change the answer */
	vdp_feat_set(&f, 0);
	vdp_feat_set(&f, VDP_F_RING_PACKED);
	vdp_feat_set(&f, 100);

	KUNIT_EXPECT_EQ(test, !!vdp_stock_use_dma_api(&f, c->xen), !!c->use_dma_api);
	KUNIT_EXPECT_EQ(test, vdp_stock_features_ok(&f, c->restricted), c->features_ok);
}

static void filter_desc(const struct vdp_filter_bit_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "gen=%s bit=%u kept=%u (%s)",
		 vdp_gen_name(c->gen), c->bit, c->kept, c->why);
}

KUNIT_ARRAY_PARAM(filter, vdp_filter_bit_cases, filter_desc);

static void vdp_filter_test(struct kunit *test)
{
	const struct vdp_filter_bit_case *c = test->param_value;
	struct vdp_features one = feats(0, 0), all = feats(~0ULL, ~0ULL);
	struct vdp_features expect = feats(0, 0);

	vdp_feat_set(&one, c->bit);
	if (c->kept)
		vdp_feat_set(&expect, c->bit);
	vdp_transport_filter(c->gen, &one);
	/* the filter only ever clears, and clears this bit iff not kept */
	EXPECT_FEATS(test, one, expect.w[0], expect.w[1]);

	vdp_transport_filter(c->gen, &all);
	KUNIT_EXPECT_EQ(test, vdp_feat_test(&all, c->bit), (int)c->kept);
}

static void predict_desc(const struct vdp_predict_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(predict, vdp_predict_cases, predict_desc);

static void vdp_predict_test(struct kunit *test)
{
	const struct vdp_predict_case *c = test->param_value;
	struct vdp_device dev = {
		.device_id = 2,
		.vendor_id = 0x1af4,
		.transport = c->transport,
		.is_pci = c->transport == VDP_TRANSPORT_PCI ||
			  c->transport == VDP_TRANSPORT_PCI_LEGACY,
		.sriov_capable = c->sriov_capable,
	};
	struct vdp_features offered = feats(c->offered[0], c->offered[1]);
	struct vdp_features drv = feats(c->drv[0], c->drv[1]);
	struct vdp_features drv_legacy = feats(c->drv_legacy, 0);
	struct vdp_features out;

	dev.offered = offered;
	memset(&out, 0xa5, sizeof(out));
	vdp_predict_negotiated(c->gen, &dev, &offered, &drv, &drv_legacy,
			       c->has_legacy, &out);
	EXPECT_FEATS(test, out, c->expect[0], c->expect[1]);
}

static struct kunit_case vdp_core_stock_cases[] = {
	KUNIT_CASE(vdp_abi_version_test),
	KUNIT_CASE_PARAM(vdp_stock_test, stock_gen_params),
	KUNIT_CASE_PARAM(vdp_filter_test, filter_gen_params),
	KUNIT_CASE_PARAM(vdp_predict_test, predict_gen_params),
	{}
};

static struct kunit_suite vdp_core_stock_suite = {
	.name = "vdp_core_stock",
	.test_cases = vdp_core_stock_cases,
};

/* ------------------------------------------------------------------ */
/* suite vdp_core_decide: the decision and safety table                */

static void safety_desc(const struct vdp_safety_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(safety, vdp_safety_cases, safety_desc);

static void safety_setup(const struct vdp_safety_case *c, struct vdp_table *t,
			 struct vdp_device *dev, struct vdp_platform *plat,
			 struct vdp_dma_facts *dma)
{
	memset(dev, 0, sizeof(*dev));
	dev->device_id = c->device_id;
	dev->shm_region = c->shm;
	dev->vendor_id = 0x1af4;
	dev->transport = VDP_TRANSPORT_PCI;
	dev->is_pci = 1;
	dev->pci_vendor = 0x1af4;
	dev->pci_device = 0x1042;
	dev->sub_vendor = 0x1af4;
	dev->sub_device = 0x1100;
	strscpy(dev->bus, "0000:00:04.0", sizeof(dev->bus));
	strscpy(dev->name, "virtio0", sizeof(dev->name));
	vdp_feat_set(&dev->offered, VDP_F_RING_PACKED); /* always offered */
	if (c->o32)
		vdp_feat_set(&dev->offered, VDP_F_VERSION_1);
	if (c->o33)
		vdp_feat_set(&dev->offered, VDP_F_ACCESS_PLATFORM);

	memset(plat, 0, sizeof(*plat));
	plat->arch = VDP_ARCH_UM;
	plat->gen = VDP_GEN_6_1;
	plat->xen = c->xen;
	plat->restricted_mem = c->restricted;
	plat->secure_guest = c->secure;
	plat->swiotlb_forced = c->swiotlb;

	memset(dma, 0, sizeof(*dma));
	dma->iommu = c->iommu;
	dma->direct_path = c->direct_path;

	t->count = 0;
	memset(&t->rules[0], 0, sizeof(t->rules[0]));
	if (c->has_rule) {
		struct vdp_rule *r = &t->rules[0];

		t->count = 1;
		r->pci_vendor = VDP_ANY_ID;
		r->pci_device = VDP_ANY_ID;
		r->sub_vendor = VDP_ANY_ID;
		r->sub_device = VDP_ANY_ID;
		r->action = c->action;
		r->fallback = c->fallback;
		if (c->bounce)
			r->flags |= VDP_RULE_RESTRICTED_BOUNCE;
		vdp_feat_set(&r->clear, VDP_F_RING_PACKED);
		vdp_feat_set(&r->clear, VDP_F_IN_ORDER); /* never offered */
	}
}

static void vdp_safety_enforce_test(struct kunit *test)
{
	const struct vdp_safety_case *c = test->param_value;
	struct vdp_table *t = new_table(test);
	struct vdp_device dev;
	struct vdp_platform plat;
	struct vdp_dma_facts dma;
	struct vdp_decision d;
	vdp_u64 clear = 0;

	safety_setup(c, t, &dev, &plat, &dma);
	memset(&d, 0xa5, sizeof(d));
	vdp_decide(t, &dev, &plat, &dma, VDP_MODE_ENFORCE, &d);

	KUNIT_EXPECT_STREQ(test, vdp_verdict_name(d.verdict), vdp_verdict_name(c->verdict));
	KUNIT_EXPECT_STREQ(test, vdp_path_name(d.path), vdp_path_name(c->path));
	KUNIT_EXPECT_STREQ(test, vdp_reason_token(d.reason), vdp_reason_token(c->reason));
	KUNIT_EXPECT_EQ(test, d.err, c->err);
	KUNIT_EXPECT_EQ(test, d.rule, c->has_rule ? 0 : -1);
	KUNIT_EXPECT_EQ(test, d.requested, c->has_rule ? c->action : (vdp_u8)VDP_ACTION_AUTO);
	KUNIT_EXPECT_EQ(test, d.audit, 0);
	KUNIT_EXPECT_EQ(test, d.install_direct_path, c->install);
	KUNIT_EXPECT_EQ(test, !!d.edits, !!c->edits);
	EXPECT_FEATS(test, d.driver_set, c->set33 ? BIT_ULL(33) : 0, 0);
	EXPECT_FEATS(test, d.device_hide, c->hide33 ? BIT_ULL(33) : 0, 0);
	if (c->clear33)
		clear |= BIT_ULL(33);
	if (c->clear34)
		clear |= BIT_ULL(34);
	/* bit 35 is in the rule's clear= but never offered: never cleared */
	EXPECT_FEATS(test, d.driver_clear, clear, 0);
	/* what the driver would be shown never lacks a bit 33 it is told about */
	if (d.verdict == VDP_VERDICT_REFUSE)
		KUNIT_EXPECT_EQ(test, d.path, (vdp_u8)VDP_PATH_NONE);
}

static void vdp_safety_audit_test(struct kunit *test)
{
	const struct vdp_safety_case *c = test->param_value;
	struct vdp_table *t = new_table(test);
	struct vdp_device dev;
	struct vdp_platform plat;
	struct vdp_dma_facts dma;
	struct vdp_decision d;

	safety_setup(c, t, &dev, &plat, &dma);
	memset(&d, 0xa5, sizeof(d));
	vdp_decide(t, &dev, &plat, &dma, VDP_MODE_AUDIT, &d);

	/* README: verdict and reason as enforce, stock path, nothing changed */
	KUNIT_EXPECT_STREQ(test, vdp_verdict_name(d.verdict), vdp_verdict_name(c->verdict));
	KUNIT_EXPECT_STREQ(test, vdp_reason_token(d.reason), vdp_reason_token(c->reason));
	KUNIT_EXPECT_STREQ(test, vdp_path_name(d.path), vdp_path_name(c->stock_path));
	KUNIT_EXPECT_EQ(test, d.err, c->stock_err);
	KUNIT_EXPECT_EQ(test, d.rule, c->has_rule ? 0 : -1);
	KUNIT_EXPECT_NE(test, d.audit, 0);
	KUNIT_EXPECT_EQ(test, d.edits, 0);
	KUNIT_EXPECT_EQ(test, d.install_direct_path, 0);
	EXPECT_FEATS(test, d.driver_set, 0, 0);
	EXPECT_FEATS(test, d.driver_clear, 0, 0);
	EXPECT_FEATS(test, d.device_hide, 0, 0);
}

/* The device side never sees a bit it did not offer (README: dma). */
static void vdp_safety_device_side_test(struct kunit *test)
{
	const struct vdp_safety_case *c = test->param_value;
	struct vdp_table *t = new_table(test);
	struct vdp_device dev;
	struct vdp_platform plat;
	struct vdp_dma_facts dma;
	struct vdp_decision d;
	struct vdp_features shown, to_device;
	int i;

	safety_setup(c, t, &dev, &plat, &dma);
	vdp_decide(t, &dev, &plat, &dma, VDP_MODE_ENFORCE, &d);
	for (i = 0; i < VDP_FEATURE_WORDS; i++) {
		/* get_features() towards the driver */
		shown.w[i] = (dev.offered.w[i] & ~d.driver_clear.w[i]) | d.driver_set.w[i];
		/* a driver that accepts everything it is shown, minus device_hide */
		to_device.w[i] = shown.w[i] & ~d.device_hide.w[i];
		KUNIT_EXPECT_EQ_MSG(test, to_device.w[i] & ~dev.offered.w[i], 0ULL,
				    "word %d: bits passed to the device it never offered", i);
		/* only bits that are set for the driver are hidden */
		KUNIT_EXPECT_EQ(test, d.device_hide.w[i] & ~d.driver_set.w[i], 0ULL);
	}
	/* bit 33 shown to the driver iff the decision uses the DMA API */
	if (d.verdict != VDP_VERDICT_REFUSE && d.err == 0)
		KUNIT_EXPECT_EQ(test, vdp_feat_test(&shown, VDP_F_ACCESS_PLATFORM) || plat.xen,
				d.path == VDP_PATH_DMA_IOMMU || d.path == VDP_PATH_DMA_DIRECT);
}

/* First match wins; later rules are not consulted; NULL table is stock. */
static void vdp_first_match_test(struct kunit *test)
{
	struct vdp_table *t = new_table(test);
	struct vdp_device dev = { .device_id = 2, .transport = VDP_TRANSPORT_MMIO };
	struct vdp_platform plat = { .arch = VDP_ARCH_UM, .gen = VDP_GEN_6_1 };
	struct vdp_dma_facts dma = { .iommu = VDP_IOMMU_NONE };
	struct vdp_decision d;
	int i;

	vdp_decide(NULL, &dev, &plat, &dma, VDP_MODE_ENFORCE, &d);
	KUNIT_EXPECT_EQ(test, d.rule, -1);
	KUNIT_EXPECT_EQ(test, d.verdict, (vdp_u8)VDP_VERDICT_AUTO);
	KUNIT_EXPECT_EQ(test, d.path, (vdp_u8)VDP_PATH_PHYSICAL);
	KUNIT_EXPECT_EQ(test, d.edits, 0);

	/* rules 0..2 do not match (other device ids), 3 and 4 do */
	t->count = 5;
	for (i = 0; i < 5; i++) {
		t->rules[i].pci_vendor = VDP_ANY_ID;
		t->rules[i].pci_device = VDP_ANY_ID;
		t->rules[i].sub_vendor = VDP_ANY_ID;
		t->rules[i].sub_device = VDP_ANY_ID;
		t->rules[i].match = VDP_MATCH_ID;
		t->rules[i].device_id = i < 3 ? 1 : 2;
		t->rules[i].action = i == 3 ? VDP_ACTION_REFUSE : VDP_ACTION_DMA;
	}
	vdp_decide(t, &dev, &plat, &dma, VDP_MODE_ENFORCE, &d);
	KUNIT_EXPECT_EQ(test, d.rule, 3);
	KUNIT_EXPECT_EQ(test, d.verdict, (vdp_u8)VDP_VERDICT_REFUSE);
	KUNIT_EXPECT_EQ(test, d.err, -ENODEV);

	/* count bounds the table: rule 3 beyond count is never consulted */
	t->count = 3;
	vdp_decide(t, &dev, &plat, &dma, VDP_MODE_ENFORCE, &d);
	KUNIT_EXPECT_EQ(test, d.rule, -1);
	KUNIT_EXPECT_EQ(test, d.verdict, (vdp_u8)VDP_VERDICT_AUTO);
}

static void precedence_desc(const struct vdp_precedence_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(precedence, vdp_precedence_cases, precedence_desc);

static void vdp_precedence_test(struct kunit *test)
{
	const struct vdp_precedence_case *c = test->param_value;
	struct vdp_table *t = new_table(test);
	struct vdp_parse_result res;
	struct vdp_dma_facts dma = { .iommu = VDP_IOMMU_NONE, .direct_path = 0 };
	struct vdp_decision d;

	KUNIT_ASSERT_EQ_MSG(test, parse_str(test, c->rules, t, &res), (vdp_u32)VDP_PARSE_OK,
			    "%s", res.message);
	vdp_decide(t, &c->dev, &c->plat, &dma, VDP_MODE_ENFORCE, &d);
	KUNIT_EXPECT_EQ(test, d.rule, c->rule);
	KUNIT_EXPECT_STREQ(test, vdp_verdict_name(d.verdict), vdp_verdict_name(c->verdict));
}

static struct kunit_case vdp_core_decide_cases[] = {
	KUNIT_CASE_PARAM(vdp_safety_enforce_test, safety_gen_params),
	KUNIT_CASE_PARAM(vdp_safety_audit_test, safety_gen_params),
	KUNIT_CASE_PARAM(vdp_safety_device_side_test, safety_gen_params),
	KUNIT_CASE(vdp_first_match_test),
	KUNIT_CASE_PARAM(vdp_precedence_test, precedence_gen_params),
	{}
};

static struct kunit_suite vdp_core_decide_suite = {
	.name = "vdp_core_decide",
	.test_cases = vdp_core_decide_cases,
};

/* ------------------------------------------------------------------ */
/* suite vdp_core_parse: the grammar                                   */

/* The README's examples, verbatim. */
static const char * const readme_examples[] = {
	"bus=0000:00:05.0,action=direct",
	"id=block,lacks=32,action=physical,clear=34",
	"id=net,pci=1af4:*,lacks=33,action=refuse;platform=pseries,lacks=33,action=direct",
	"lacks=33,platform=pseries+secure,action=direct,builtin",
	"lacks=33,platform=pseries,action=direct,builtin",
	"",
};

static void vdp_parse_readme_test(struct kunit *test)
{
	struct vdp_table *t = new_table(test), *t2 = new_table(test);
	struct vdp_parse_result res;
	char *buf = kunit_kzalloc(test, VDP_MAX_TEXT, GFP_KERNEL);
	size_t i, n;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(readme_examples); i++) {
		const char *s = readme_examples[i];

		KUNIT_EXPECT_EQ_MSG(test, parse_str(test, s, t, &res), (vdp_u32)VDP_PARSE_OK,
				    "'%s': %s at %u", s, res.message, res.offset);
		/* the printed form parses to the same table and prints the same */
		n = vdp_format_table(t, buf, VDP_MAX_TEXT);
		KUNIT_ASSERT_LT(test, n, (size_t)VDP_MAX_TEXT);
		KUNIT_EXPECT_EQ(test, strlen(buf), n);
		KUNIT_EXPECT_EQ_MSG(test, parse_str(test, buf, t2, &res), (vdp_u32)VDP_PARSE_OK,
				    "reprint '%s': %s", buf, res.message);
		KUNIT_EXPECT_EQ(test, t2->count, t->count);
		KUNIT_EXPECT_EQ(test, memcmp(t->rules, t2->rules,
					     t->count * sizeof(t->rules[0])), 0);
	}
	/* one trailing newline is accepted, and means nothing */
	KUNIT_EXPECT_EQ(test, parse_str(test, "id=2,action=dma\n", t, &res), (vdp_u32)VDP_PARSE_OK);
	KUNIT_EXPECT_EQ(test, t->count, 1U);
	KUNIT_EXPECT_EQ(test, parse_str(test, "\n", t, &res), (vdp_u32)VDP_PARSE_OK);
	KUNIT_EXPECT_EQ(test, t->count, 0U);
}

/*
 * README: no whitespace anywhere, one trailing newline, every rule needs
 * action=, each key once, value ranges.  The README names the problem, not
 * always the status: ANY_ERROR rows only require a failure.
 */
#define ANY_ERROR VDP_PARSE_STATUS_COUNT
static const struct {
	const char *in;
	vdp_u32 status;
} readme_bad[] = {
	{ "id=2, action=dma", VDP_PARSE_BAD_CHAR },
	{ " id=2,action=dma", VDP_PARSE_BAD_CHAR },
	{ "id=2,action=dma\t", VDP_PARSE_BAD_CHAR },
	{ "id=2,action=dma\n\n", ANY_ERROR },
	{ "id=2", VDP_PARSE_NO_ACTION },
	{ "id=2,id=3,action=dma", VDP_PARSE_DUPLICATE_KEY },
	{ "action=dma,action=dma", VDP_PARSE_DUPLICATE_KEY },
	{ "idd=2,action=dma", VDP_PARSE_UNKNOWN_KEY },
	{ "id=65536,action=dma", ANY_ERROR },
	{ "vendor=0x100000000,action=dma", ANY_ERROR },
	{ "has=128,action=dma", ANY_ERROR },
	{ "lacks=33+128,action=dma", ANY_ERROR },
	{ "action=dma,clear=33", ANY_ERROR },
	{ "action=fast", ANY_ERROR },
	{ "action=dma,else=dma", ANY_ERROR },
	{ "transport=usb,action=dma", ANY_ERROR },
	{ "arch=mips,action=dma", ANY_ERROR },
	{ "platform=kvm,action=dma", ANY_ERROR },
	{ "pci=12345:1,action=dma", ANY_ERROR },
	{ "pci=1af4,action=dma", ANY_ERROR },
	{ "id=,action=dma", ANY_ERROR },
	{ "id,action=dma", ANY_ERROR },
	{ "action=dma;", ANY_ERROR },
	{ ";action=dma", ANY_ERROR },
	{ "action=dma;;action=dma", ANY_ERROR },
	{ "action=dma,", ANY_ERROR },
	{ "bus=abcdefghijabcdefghijabcdefghijab,action=dma", ANY_ERROR }, /* 32 */
	{ "name=virtio/0,action=dma", ANY_ERROR },
};

static void vdp_parse_readme_bad_test(struct kunit *test)
{
	struct vdp_table *t = new_table(test);
	struct vdp_parse_result res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(readme_bad); i++) {
		vdp_u32 st = parse_str(test, readme_bad[i].in, t, &res);

		if (readme_bad[i].status == ANY_ERROR)
			KUNIT_EXPECT_NE_MSG(test, st, (vdp_u32)VDP_PARSE_OK,
					    "'%s' accepted", readme_bad[i].in);
		else
			KUNIT_EXPECT_STREQ_MSG(test, vdp_parse_status_name(st),
					       vdp_parse_status_name(readme_bad[i].status),
					       "'%s': %s", readme_bad[i].in, res.message);
		KUNIT_EXPECT_LT(test, st, (vdp_u32)VDP_PARSE_STATUS_COUNT);
		KUNIT_EXPECT_EQ(test, res.status, st);
		KUNIT_EXPECT_LE(test, res.offset, (vdp_u32)strlen(readme_bad[i].in));
		KUNIT_EXPECT_NE(test, res.message[0], '\0');
		KUNIT_EXPECT_LT(test, strnlen(res.message, sizeof(res.message)),
				sizeof(res.message));
	}
}

/*
 * README limits: 4095 bytes of rules text.  (1024 rules cannot be written
 * in 4095 bytes: the shortest rule, "action=dma;", takes 11.)
 * Texts of n rules "action=dma" with k of them "action=auto" are
 * 11 * n - 1 + k bytes long: 372 rules and k = 4 make 4095 bytes.
 */
static void vdp_parse_limits_test(struct kunit *test)
{
	struct vdp_table *t = new_table(test);
	struct vdp_parse_result res;
	size_t len;
	char *p;

	p = vdp_rules_text(test, 372, 4, &len);
	KUNIT_ASSERT_EQ(test, len, (size_t)VDP_MAX_TEXT - 1);
	KUNIT_EXPECT_EQ_MSG(test, vdp_parse(p, len, t, &res), (vdp_u32)VDP_PARSE_OK,
			    "%zu bytes: %s", len, res.message);
	KUNIT_EXPECT_EQ(test, t->count, 372U);
	KUNIT_EXPECT_EQ(test, t->rules[3].action, (vdp_u8)VDP_ACTION_AUTO);
	KUNIT_EXPECT_EQ(test, t->rules[4].action, (vdp_u8)VDP_ACTION_DMA);

	/* 4096 and 4097 bytes of otherwise valid rules: too long */
	p = vdp_rules_text(test, 372, 5, &len);
	KUNIT_ASSERT_EQ(test, len, (size_t)VDP_MAX_TEXT);
	KUNIT_EXPECT_STREQ(test, vdp_parse_status_name(vdp_parse(p, len, t, &res)),
			   vdp_parse_status_name(VDP_PARSE_TOO_LONG));
	p = vdp_rules_text(test, 372, 6, &len);
	KUNIT_EXPECT_STREQ(test, vdp_parse_status_name(vdp_parse(p, len, t, &res)),
			   vdp_parse_status_name(VDP_PARSE_TOO_LONG));
	/* far more: still a clean error, not a truncated table */
	p = vdp_rules_text(test, 1100, 0, &len);
	KUNIT_EXPECT_NE(test, vdp_parse(p, len, t, &res), (vdp_u32)VDP_PARSE_OK);
}

/*
 * The parser reads exactly len bytes: every prefix of a valid text either
 * parses or fails with an offset inside it.  The buffers are exact-size
 * allocations, so an over-read is a KASAN report.
 */
static void vdp_parse_prefixes_test(struct kunit *test)
{
	struct vdp_table *t = new_table(test);
	struct vdp_parse_result res;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(readme_examples); i++) {
		const char *s = readme_examples[i];

		for (len = 0; len <= strlen(s); len++) {
			char *p = vdp_exact_copy(test, s, len);
			vdp_u32 st = vdp_parse(p, len, t, &res);

			KUNIT_EXPECT_LT(test, st, (vdp_u32)VDP_PARSE_STATUS_COUNT);
			if (st != VDP_PARSE_OK) {
				KUNIT_EXPECT_LE(test, res.offset, (vdp_u32)len);
				KUNIT_EXPECT_EQ(test, res.status, st);
			} else {
				KUNIT_EXPECT_LE(test, t->count, (vdp_u32)VDP_MAX_RULES);
			}
			kunit_kfree(test, p);
		}
	}
}

/* vdp_format_*: snprintf semantics, never more than size bytes. */
static void vdp_format_bounds_test(struct kunit *test)
{
	struct vdp_table *t = new_table(test);
	struct vdp_parse_result res;
	char full[256];
	size_t n, size;

	KUNIT_ASSERT_EQ(test, parse_str(test, readme_examples[2], t, &res), (vdp_u32)VDP_PARSE_OK);
	n = vdp_format_table(t, full, sizeof(full));
	KUNIT_ASSERT_LT(test, n, sizeof(full));
	for (size = 0; size <= n + 1; size++) {
		char *buf = kunit_kmalloc(test, size ? size : 1, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
		KUNIT_EXPECT_EQ(test, vdp_format_table(t, size ? buf : NULL, size), n);
		if (size) {
			KUNIT_EXPECT_EQ(test, strnlen(buf, size), min(n, size - 1));
			KUNIT_EXPECT_EQ(test, memcmp(buf, full, min(n, size - 1)), 0);
		}
		kunit_kfree(test, buf);
	}
	/* the table's text is its rules' texts joined by ';' */
	n = vdp_format_rule(&t->rules[0], full, sizeof(full));
	KUNIT_EXPECT_EQ(test, strlen(full), n);
	KUNIT_EXPECT_EQ(test, vdp_format_rule(&t->rules[0], NULL, 0), n);
}

KUNIT_ARRAY_PARAM(parse_ok, vdp_parse_ok_cases, vdp_parse_ok_desc);

/* Each text parses into a table sized as the module sizes it. */
static void vdp_parse_ok_test(struct kunit *test)
{
	const struct vdp_parse_ok_case *c = test->param_value;
	struct vdp_table *t = new_table_cap(test, vdp_rules_count(c->input, strlen(c->input)) +
						  VDP_BUILTIN_RULES);
	struct vdp_parse_result res;
	char *buf = kunit_kzalloc(test, VDP_MAX_TEXT * 2, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_EQ_MSG(test, parse_str(test, c->input, t, &res), (vdp_u32)VDP_PARSE_OK,
			    "%s at %u", res.message, res.offset);
	KUNIT_EXPECT_EQ(test, t->count, c->rules);
	vdp_format_table(t, buf, VDP_MAX_TEXT * 2);
	KUNIT_EXPECT_STREQ(test, buf, c->canonical);
	/* the room left is exactly the built-in rules' */
	KUNIT_EXPECT_EQ(test, vdp_append_builtin(t, VDP_PSERIES_BOUNCE_ON), 0);
	KUNIT_EXPECT_EQ(test, vdp_append_builtin(t, VDP_PSERIES_BOUNCE_ON), -1);
}

KUNIT_ARRAY_PARAM(parse_err, vdp_parse_err_cases, vdp_parse_err_desc);

static void vdp_parse_err_test(struct kunit *test)
{
	const struct vdp_parse_err_case *c = test->param_value;
	struct vdp_table *t = new_table(test);
	struct vdp_parse_result res;
	vdp_u32 st = parse_str(test, c->input, t, &res);

	KUNIT_EXPECT_STREQ(test, vdp_parse_status_name(st), vdp_parse_status_name(c->status));
	KUNIT_EXPECT_EQ(test, res.offset, c->offset);
	if (c->message_has)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(res.message, c->message_has),
					  "message '%s' lacks '%s'", res.message, c->message_has);
}

static struct kunit_case vdp_core_parse_cases[] = {
	KUNIT_CASE(vdp_parse_readme_test),
	KUNIT_CASE(vdp_parse_readme_bad_test),
	KUNIT_CASE(vdp_parse_limits_test),
	KUNIT_CASE(vdp_parse_prefixes_test),
	KUNIT_CASE(vdp_format_bounds_test),
	KUNIT_CASE_PARAM(vdp_parse_ok_test, parse_ok_gen_params),
	KUNIT_CASE_PARAM(vdp_parse_err_test, parse_err_gen_params),
	{}
};

static struct kunit_suite vdp_core_parse_suite = {
	.name = "vdp_core_parse",
	.test_cases = vdp_core_parse_cases,
};

/* ------------------------------------------------------------------ */
/* suite vdp_core_names: the tokens users read and write (README)      */

static void vdp_names_test(struct kunit *test)
{
	static const char * const actions[] = { "auto", "dma", "direct", "physical", "refuse" };
	static const char * const verdicts[] = { "auto", "dma", "direct", "physical",
						 "refuse", "not-applied" };
	static const char * const paths[] = { "none", "dma-api-iommu", "dma-api-direct",
					      "physical" };
	static const char * const transports[] = { "other", "pci", "pci-legacy", "mmio", "ccw" };
	static const char * const arches[] = { "other", "x86_64", "ppc64", "sparc64", "um",
					       "arm64", "s390" };
	static const char * const modes[] = { "enforce", "audit" };
	static const char * const iommus[] = { "none", "identity", "translating" };
	static const char * const bounces[] = { "auto", "on", "off" };
	static const struct {
		u8 value;
		const char *token, *text, *advice;
	} reasons[] = {
#define VDP_REASON_ROW(name, camel, value, token, text, advice) \
		{ value, token, text, advice },
		VDP_REASONS(VDP_REASON_ROW)
#undef VDP_REASON_ROW
	};
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(actions) != VDP_ACTION_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(verdicts) != VDP_VERDICT_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(paths) != VDP_PATH_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(transports) != VDP_TRANSPORT_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(arches) != VDP_ARCH_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(modes) != VDP_MODE_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(iommus) != VDP_IOMMU_COUNT);
	BUILD_BUG_ON(ARRAY_SIZE(bounces) != VDP_PSERIES_BOUNCE_COUNT);

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		KUNIT_EXPECT_STREQ(test, vdp_action_name(i), actions[i]);
	for (i = 0; i < ARRAY_SIZE(verdicts); i++)
		KUNIT_EXPECT_STREQ(test, vdp_verdict_name(i), verdicts[i]);
	for (i = 0; i < ARRAY_SIZE(paths); i++)
		KUNIT_EXPECT_STREQ(test, vdp_path_name(i), paths[i]);
	for (i = 0; i < ARRAY_SIZE(transports); i++)
		KUNIT_EXPECT_STREQ(test, vdp_transport_name(i), transports[i]);
	for (i = 0; i < ARRAY_SIZE(arches); i++)
		KUNIT_EXPECT_STREQ(test, vdp_arch_name(i), arches[i]);
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		KUNIT_EXPECT_STREQ(test, vdp_mode_name(i), modes[i]);
	for (i = 0; i < ARRAY_SIZE(iommus); i++)
		KUNIT_EXPECT_STREQ(test, vdp_iommu_name(i), iommus[i]);
	for (i = 0; i < ARRAY_SIZE(bounces); i++)
		KUNIT_EXPECT_STREQ(test, vdp_pseries_bounce_name(i), bounces[i]);
	/* the reasons' names, from their list: each value has its strings */
	for (i = 0; i < ARRAY_SIZE(reasons); i++) {
		KUNIT_EXPECT_STREQ(test, vdp_reason_token(reasons[i].value), reasons[i].token);
		KUNIT_EXPECT_STREQ(test, vdp_reason_text(reasons[i].value), reasons[i].text);
		KUNIT_EXPECT_STREQ(test, vdp_reason_advice(reasons[i].value), reasons[i].advice);
	}
}

/* Names are never NULL: "?" out of range; every in-range name is real. */
static void vdp_names_range_test(struct kunit *test)
{
	const char *(*const u8_names[])(vdp_u8) = {
		vdp_action_name, vdp_verdict_name, vdp_path_name, vdp_reason_token,
		vdp_reason_text, vdp_transport_name, vdp_arch_name, vdp_gen_name,
		vdp_mode_name,
	};
	const unsigned int counts[] = {
		VDP_ACTION_COUNT, VDP_VERDICT_COUNT, VDP_PATH_COUNT, VDP_REASON_COUNT,
		VDP_REASON_COUNT, VDP_TRANSPORT_COUNT, VDP_ARCH_COUNT, VDP_GEN_COUNT,
		VDP_MODE_COUNT,
	};
	unsigned int f, v, w;

	for (f = 0; f < ARRAY_SIZE(u8_names); f++) {
		for (v = 0; v < 256; v++) {
			const char *n = u8_names[f](v);

			KUNIT_ASSERT_NOT_NULL(test, n);
			if (v >= counts[f]) {
				KUNIT_EXPECT_STREQ_MSG(test, n, "?", "table %u value %u", f, v);
				continue;
			}
			KUNIT_EXPECT_STRNEQ_MSG(test, n, "?", "table %u value %u", f, v);
			KUNIT_EXPECT_GT(test, strlen(n), (size_t)0);
			for (w = 0; w < v; w++)
				KUNIT_EXPECT_STRNEQ_MSG(test, n, u8_names[f](w),
							"table %u: %u, %u: same name",
							f, v, w);
		}
	}
	/* advice may be shared (every applied rule: nothing to do) */
	KUNIT_EXPECT_STREQ(test, vdp_reason_advice(VDP_REASON_COUNT), "?");
	for (v = 0; v < VDP_PARSE_STATUS_COUNT; v++)
		KUNIT_EXPECT_STRNEQ(test, vdp_parse_status_name(v), "?");
	KUNIT_EXPECT_STREQ(test, vdp_parse_status_name(VDP_PARSE_STATUS_COUNT), "?");
	KUNIT_EXPECT_STREQ(test, vdp_parse_status_name(0xffffffffu), "?");
}

static struct kunit_case vdp_core_names_cases[] = {
	KUNIT_CASE(vdp_names_test),
	KUNIT_CASE(vdp_names_range_test),
	{}
};

static struct kunit_suite vdp_core_names_suite = {
	.name = "vdp_core_names",
	.test_cases = vdp_core_names_cases,
};

kunit_test_suites(&vdp_core_stock_suite, &vdp_core_decide_suite,
		  &vdp_core_parse_suite, &vdp_core_names_suite);

MODULE_DESCRIPTION("KUnit suites of the virtio_dma_policy core");
MODULE_LICENSE("GPL");

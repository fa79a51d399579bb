// The decision: safety table, audit mode, precedence, builtin rules, names.
#include <gtest/gtest.h>

#include <vector>

#include "test_util.hpp"

#include "../cases/precedence_cases.h"
#include "../cases/safety_cases.h"

namespace {

// One device and at most one matching rule, as the safety table row says.
struct SafetySetup {
	Table table = new_table();
	vdp_device dev{};
	vdp_platform plat{};
	vdp_dma_facts dma{};

	explicit SafetySetup(const vdp_safety_case &c)
	{
		dev.device_id = c.device_id;
		dev.shm_region = c.shm;
		dev.transport = VDP_TRANSPORT_PCI;
		dev.is_pci = 1;
		std::strcpy(dev.bus, "0000:00:04.0");
		std::strcpy(dev.name, "virtio1");
		dev.offered = feats({1, 28, 34});
		if (c.o33)
			vdp_feat_set(&dev.offered, 33);
		if (c.o32)
			vdp_feat_set(&dev.offered, 32);
		plat.arch = VDP_ARCH_X86_64;
		plat.xen = c.xen;
		plat.restricted_mem = c.restricted;
		plat.secure_guest = c.secure;
		plat.swiotlb_forced = c.swiotlb;
		dma.iommu = c.iommu;
		dma.direct_path = c.direct_path;
		if (c.has_rule) {
			// A rule that never matches, then the one that does.
			std::string rules = "id=net,action=refuse;bus=0000:00:04.0,action=";
			rules += vdp_action_name(c.action);
			rules += ",clear=34+35";
			if (c.fallback == VDP_FALLBACK_REFUSE)
				rules += ",else=refuse";
			if (c.bounce)
				rules += ",restricted=bounce";
			vdp_parse_result res;
			EXPECT_EQ(vdp_parse(rules.data(), rules.size(), table.get(), &res), 0u)
				<< rules << ": " << res.message;
		}
	}
};

} // namespace

class Safety : public ::testing::TestWithParam<vdp_safety_case> {};

TEST_P(Safety, Enforce)
{
	const vdp_safety_case &c = GetParam();
	SafetySetup s(c);
	vdp_decision d;
	std::memset(&d, 0xcc, sizeof(d));
	vdp_decide(s.table.get(), &s.dev, &s.plat, &s.dma, VDP_MODE_ENFORCE, &d);

	EXPECT_EQ(d.rule, c.has_rule ? 1 : -1);
	EXPECT_EQ(d.requested, c.has_rule ? c.action : (vdp_u8)VDP_ACTION_AUTO);
	EXPECT_STREQ(vdp_verdict_name(d.verdict), vdp_verdict_name(c.verdict));
	EXPECT_STREQ(vdp_path_name(d.path), vdp_path_name(c.path));
	EXPECT_STREQ(vdp_reason_token(d.reason), vdp_reason_token(c.reason));
	EXPECT_EQ(d.err, c.err);
	EXPECT_EQ(d.audit, 0);
	EXPECT_EQ(d.driver_set, c.set33 ? feats({33}) : vdp_features{});
	EXPECT_EQ(d.device_hide, c.hide33 ? feats({33}) : vdp_features{});
	vdp_features clr{};
	if (c.clear33)
		vdp_feat_set(&clr, 33);
	if (c.clear34)
		vdp_feat_set(&clr, 34); // 35 is in clear= but never offered
	EXPECT_EQ(d.driver_clear, clr);
	EXPECT_EQ(d.install_direct_path, c.install);
	EXPECT_EQ(d.edits, c.edits);
}

TEST_P(Safety, AuditKeepsVerdictButChangesNothing)
{
	const vdp_safety_case &c = GetParam();
	SafetySetup s(c);
	vdp_decision d;
	std::memset(&d, 0xcc, sizeof(d));
	vdp_decide(s.table.get(), &s.dev, &s.plat, &s.dma, VDP_MODE_AUDIT, &d);

	EXPECT_EQ(d.audit, 1);
	EXPECT_EQ(d.rule, c.has_rule ? 1 : -1);
	EXPECT_STREQ(vdp_verdict_name(d.verdict), vdp_verdict_name(c.verdict));
	EXPECT_STREQ(vdp_reason_token(d.reason), vdp_reason_token(c.reason));
	EXPECT_STREQ(vdp_path_name(d.path), vdp_path_name(c.stock_path));
	EXPECT_EQ(d.err, c.stock_err);
	EXPECT_TRUE(feat_empty(d.driver_set));
	EXPECT_TRUE(feat_empty(d.driver_clear));
	EXPECT_TRUE(feat_empty(d.device_hide));
	EXPECT_EQ(d.install_direct_path, 0);
	EXPECT_EQ(d.edits, 0);
}

TEST_P(Safety, StockPathMatchesStockModel)
{
	// The table's stock path agrees with vdp_stock_use_dma_api() and
	// vdp_stock_features_ok() on the offered features.
	const vdp_safety_case &c = GetParam();
	SafetySetup s(c);
	const int use = vdp_stock_use_dma_api(&s.dev.offered, c.xen);
	const int ok = vdp_stock_features_ok(&s.dev.offered, c.restricted);
	vdp_u8 want = ok ? VDP_PATH_NONE
			 : !use ? VDP_PATH_PHYSICAL
			 : c.iommu == VDP_IOMMU_TRANSLATING ? VDP_PATH_DMA_IOMMU : VDP_PATH_DMA_DIRECT;
	EXPECT_EQ(c.stock_path, want);
	EXPECT_EQ(c.stock_err, ok);
}

INSTANTIATE_TEST_SUITE_P(Table, Safety,
			 ::testing::ValuesIn(vdp_safety_cases, vdp_safety_cases + VDP_SAFETY_CASES_COUNT),
			 [](const auto &i) { return case_name(i.param.name); });

TEST(SafetyTable, CoversEveryCombination)
{
	// 11 action variants (direct with and without restricted=bounce) x 13
	// environments x 3 IOMMU x 2 direct path x 2 O33.
	EXPECT_EQ(VDP_SAFETY_CASES_COUNT, 11u * 13 * 3 * 2 * 2);
}

TEST(Decide, NeverSetsADriverBitOtherThan33)
{
	// Exhaustive over actions, fallbacks, environment and DMA facts, for
	// devices offering nothing, everything, and everything but 32/33.
	auto t = new_table();
	const vdp_features offers[] = {
		feats2(0, 0), feats2(~0ull, ~0ull), feats2(~((1ull << 32) | (1ull << 33)), ~0ull),
		feats({32}), feats({33}), feats({32, 33}),
	};
	for (vdp_u8 a = 0; a < VDP_ACTION_COUNT; a++) {
		for (vdp_u8 fb = 0; fb < 2 * VDP_FALLBACK_COUNT; fb++) {
			// The opt-in flag on every action: the core needs no parser.
			const bool bounce = fb >= VDP_FALLBACK_COUNT;
			t->count = 1;
			t->rules[0] = vdp_rule{};
			t->rules[0].action = a;
			t->rules[0].fallback = fb % VDP_FALLBACK_COUNT;
			t->rules[0].flags = bounce ? VDP_RULE_RESTRICTED_BOUNCE : 0;
			t->rules[0].clear = feats2(~(1ull << 33), ~0ull);
			for (const vdp_features &off : offers) {
				for (int env = 0; env < 64; env++) {
					for (vdp_u8 io = 0; io < VDP_IOMMU_COUNT; io++) {
						for (vdp_u8 dp = 0; dp < 2; dp++) {
							for (vdp_u8 mode = 0; mode < VDP_MODE_COUNT; mode++) {
								vdp_device dev{};
								dev.offered = off;
								vdp_platform p{};
								p.xen = env & 1;
								p.restricted_mem = (env >> 1) & 1;
								p.pseries = (env >> 2) & 1;
								p.swiotlb_forced = (env >> 3) & 1;
								dev.device_id = (env >> 4) & 1 ? 5 : 2;
								dev.shm_region = (env >> 5) & 1;
								vdp_dma_facts f{io, dp, {0, 0}};
								vdp_decision d{};
								vdp_decide(t.get(), &dev, &p, &f, mode, &d);
								vdp_features s = d.driver_set;
								vdp_feat_clear(&s, 33);
								ASSERT_TRUE(feat_empty(s));
								vdp_features h = d.device_hide;
								vdp_feat_clear(&h, 33);
								ASSERT_TRUE(feat_empty(h));
								// Only offered bits are cleared; set bits were not offered.
								EXPECT_EQ(d.driver_clear.w[0] & ~off.w[0], 0ull);
								EXPECT_EQ(d.driver_set.w[0] & off.w[0], 0ull);
								// A restricted guest never sees bit 33 faked,
								// but by the opt-in of a direct rule for a
								// VERSION_1 device whose mappings bounce,
								// not a balloon, without shared memory,
								// never in Xen (a refusal may carry edits:
								// clear= took VERSION_1 away).
								if (p.restricted_mem && !feat_empty(d.driver_set) &&
								    d.verdict != VDP_VERDICT_REFUSE) {
									ASSERT_TRUE(bounce && a == VDP_ACTION_DIRECT &&
										    vdp_feat_test(&off, 32) &&
										    p.swiotlb_forced && !p.xen &&
										    dev.device_id != 5 &&
										    !dev.shm_region);
									EXPECT_EQ(d.reason, VDP_REASON_RESTRICTED_BOUNCE);
									EXPECT_EQ(d.path, VDP_PATH_DMA_DIRECT);
								}
								// Refusals always carry -ENODEV.
								if (mode == VDP_MODE_ENFORCE) {
									EXPECT_EQ(d.verdict == VDP_VERDICT_REFUSE,
										  d.err == -19);
								}
								EXPECT_EQ(d.path == VDP_PATH_NONE, d.err == -19);
								EXPECT_LT(d.verdict, VDP_VERDICT_COUNT);
								EXPECT_LT(d.reason, VDP_REASON_COUNT);
								EXPECT_LT(d.path, VDP_PATH_COUNT);
							}
						}
					}
				}
			}
		}
	}
}

TEST(Decide, OutOfRangeInputsAreReadConservatively)
{
	auto p = parse("action=direct");
	vdp_device dev{};
	dev.offered = feats({32});
	vdp_platform plat{};
	vdp_dma_facts f{};
	vdp_decision d{};
	// An unknown mode changes nothing, like audit.
	vdp_decide(p.table.get(), &dev, &plat, &f, 7, &d);
	EXPECT_EQ(d.audit, 1);
	EXPECT_EQ(d.edits, 0);
	EXPECT_TRUE(feat_empty(d.driver_set));
	EXPECT_EQ(d.path, VDP_PATH_PHYSICAL);
	// An unknown IOMMU kind counts as translating: no bit 33 is faked
	// without a direct path.
	f.iommu = 9;
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_NOT_APPLIED);
	EXPECT_EQ(d.reason, VDP_REASON_UNSAFE_NO_DIRECT_PATH);
	EXPECT_TRUE(feat_empty(d.driver_set));
	// An out-of-range action in a hand-built rule is "auto".
	p.table->rules[0].action = 77;
	f.iommu = VDP_IOMMU_NONE;
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, 0);
	EXPECT_EQ(d.requested, VDP_ACTION_AUTO);
	EXPECT_EQ(d.verdict, VDP_VERDICT_AUTO);
	EXPECT_EQ(d.reason, VDP_REASON_RULE_AUTO);
	EXPECT_EQ(d.edits, 0);
	// NULL inputs: an empty device on an empty platform, stock decision.
	vdp_decide(nullptr, nullptr, nullptr, nullptr, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, -1);
	EXPECT_EQ(d.path, VDP_PATH_PHYSICAL);
	EXPECT_EQ(d.reason, VDP_REASON_STOCK_QUIRK);
	vdp_decide(nullptr, nullptr, nullptr, nullptr, VDP_MODE_ENFORCE, nullptr);
}

TEST(Decide, NullTableIsStock)
{
	vdp_device dev{};
	dev.offered = feats({32, 33});
	vdp_platform p{};
	vdp_dma_facts f{VDP_IOMMU_TRANSLATING, 0, {0, 0}};
	vdp_decision d;
	std::memset(&d, 0xee, sizeof(d));
	vdp_decide(nullptr, &dev, &p, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, -1);
	EXPECT_EQ(d.verdict, VDP_VERDICT_AUTO);
	EXPECT_EQ(d.path, VDP_PATH_DMA_IOMMU);
	EXPECT_EQ(d.reason, VDP_REASON_STOCK_ACCESS_PLATFORM);
	EXPECT_EQ(d.edits, 0);
	EXPECT_EQ(d.reserved0, 0);
}

TEST(Decide, ClearOfBit32InARestrictedGuestIsRefusedByUpstreamCheck)
{
	auto p = parse("action=auto,clear=32");
	ASSERT_EQ(p.status, 0u);
	vdp_device dev{};
	dev.offered = feats({32, 33});
	vdp_platform plat{};
	plat.restricted_mem = 1;
	vdp_dma_facts f{};
	vdp_decision d{};
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_REFUSE);
	EXPECT_EQ(d.reason, VDP_REASON_RESTRICTED_MEM);
	EXPECT_EQ(d.err, -19);
	EXPECT_EQ(d.driver_clear, feats({32}));
	// audit: stock is fine (the device offers 32 and 33)
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_AUDIT, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_REFUSE);
	EXPECT_EQ(d.err, 0);
	EXPECT_EQ(d.path, VDP_PATH_DMA_DIRECT);
}

TEST(Decide, PhysicalOnBit33DeviceWithholdsBit33)
{
	// (behind no IOMMU: a translated one makes it unsafe, below)
	auto p = parse("action=physical");
	vdp_device dev{};
	dev.offered = feats({32, 33});
	vdp_platform plat{};
	vdp_dma_facts f{VDP_IOMMU_NONE, 1, {0, 0}};
	vdp_decision d{};
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_PHYSICAL);
	EXPECT_EQ(d.path, VDP_PATH_PHYSICAL);
	EXPECT_EQ(d.driver_clear, feats({33}));
	EXPECT_TRUE(feat_empty(d.driver_set));
	EXPECT_EQ(d.edits, 1);
	// The driver's view lacks bit 33: stock model says physical.
	vdp_features view = dev.offered;
	vdp_feat_clear(&view, 33);
	EXPECT_EQ(vdp_stock_use_dma_api(&view, 0), 0);
}

TEST(Decide, PhysicalIsNeverAppliedWhereTheDeviceCannotUseIt)
{
	// A device that offers bit 33 behind a translating IOMMU would get
	// untranslated addresses if it accepted features without bit 33 (the
	// spec lets it; VDUSE does): not applied, the stock DMA API stays.
	auto p = parse("action=physical");
	vdp_device dev{};
	dev.offered = feats({32, 33});
	vdp_platform plat{};
	vdp_dma_facts f{VDP_IOMMU_TRANSLATING, 1, {0, 0}};
	vdp_decision d{};
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_NOT_APPLIED);
	EXPECT_EQ(d.path, VDP_PATH_DMA_IOMMU);
	EXPECT_EQ(d.reason, VDP_REASON_UNSAFE_PHYSICAL_BIT33_TRANSLATING);
	EXPECT_TRUE(feat_empty(d.driver_clear));
	EXPECT_EQ(d.edits, 0);
	// Without bit 33 the device already gets physical addresses: applied.
	dev.offered = feats({32});
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_PHYSICAL);
	// A secure (memory-encrypted) guest: never, with or without bit 33,
	// and with else=refuse the device is refused.
	plat.secure_guest = 1;
	f.iommu = VDP_IOMMU_NONE;
	for (auto o : {feats({32}), feats({32, 33})}) {
		dev.offered = o;
		vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
		EXPECT_EQ(d.verdict, VDP_VERDICT_NOT_APPLIED);
		EXPECT_EQ(d.reason, VDP_REASON_UNSAFE_PHYSICAL_SECURE);
		EXPECT_EQ(d.edits, 0);
	}
	auto r = parse("action=physical,else=refuse");
	vdp_decide(r.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_REFUSE);
	EXPECT_EQ(d.reason, VDP_REASON_UNSAFE_PHYSICAL_SECURE);
	EXPECT_EQ(d.err, -19);
}

TEST(Decide, DmaOnQuirkDeviceMakesStockModelUseDmaApi)
{
	// End to end through the stock model: the edited view, negotiated by
	// virtio_dev_probe()'s rules, makes vring_use_dma_api() true.
	auto p = parse("id=block,action=dma");
	vdp_device dev{};
	dev.device_id = 2;
	dev.transport = VDP_TRANSPORT_PCI_LEGACY;
	dev.offered = feats({1, 2, 28});
	vdp_platform plat{};
	vdp_dma_facts f{};
	vdp_decision d{};
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	ASSERT_EQ(d.verdict, VDP_VERDICT_DMA);
	vdp_features view{};
	for (int w = 0; w < VDP_FEATURE_WORDS; w++)
		view.w[w] = (dev.offered.w[w] & ~d.driver_clear.w[w]) | d.driver_set.w[w];
	vdp_features drv = feats({1, 2}), neg{};
	for (vdp_u8 gen = 0; gen < VDP_GEN_COUNT; gen++) {
		vdp_predict_negotiated(gen, &dev, &view, &drv, nullptr, 0, &neg);
		EXPECT_EQ(vdp_stock_use_dma_api(&neg, 0), 1) << vdp_gen_name(gen);
		EXPECT_EQ(vdp_stock_use_dma_api(&dev.offered, 0), 0);
		// and the device never sees bit 33 at finalize time
		vdp_features to_dev = neg;
		for (int w = 0; w < VDP_FEATURE_WORDS; w++)
			to_dev.w[w] &= ~d.device_hide.w[w];
		EXPECT_EQ(to_dev.w[0] & ~dev.offered.w[0], 0ull);
	}
}

// ---------------------------------------------------------------- precedence

class Precedence : public ::testing::TestWithParam<vdp_precedence_case> {};

TEST_P(Precedence, FirstMatchWins)
{
	const vdp_precedence_case &c = GetParam();
	auto p = parse(c.rules);
	ASSERT_EQ(p.status, 0u) << c.rules << ": " << p.res.message;
	vdp_dma_facts f{};
	vdp_decision d{};
	vdp_decide(p.table.get(), &c.dev, &c.plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, c.rule) << c.name;
	EXPECT_STREQ(vdp_verdict_name(d.verdict), vdp_verdict_name(c.verdict)) << c.name;
	// vdp_rule_matches agrees: no rule before the winner matches, the winner does.
	for (vdp_u32 i = 0; i < p.table->count; i++) {
		int m = vdp_rule_matches(&p.table->rules[i], &c.dev, &c.plat);
		if (c.rule < 0 || i < (vdp_u32)c.rule) {
			EXPECT_EQ(m, 0) << c.name << " rule " << i;
		} else if (i == (vdp_u32)c.rule) {
			EXPECT_EQ(m, 1) << c.name << " rule " << i;
		}
	}
}

INSTANTIATE_TEST_SUITE_P(Table, Precedence,
			 ::testing::ValuesIn(vdp_precedence_cases,
					     vdp_precedence_cases + VDP_PRECEDENCE_CASES_COUNT),
			 [](const auto &i) { return case_name(i.param.name); });

TEST(Matching, LastOfAThousandRules)
{
	// 1000 rules do not fit in one rules string: parse them one by one.
	auto t = new_table();
	for (int i = 0; i < 1000; i++) {
		auto p = parse("bus=0000:01:" + std::to_string(i) + ",action=dma");
		ASSERT_EQ(p.status, 0u) << p.res.message;
		t->rules[i] = p.table->rules[0];
	}
	t->count = 1000;
	vdp_device dev{};
	std::strcpy(dev.bus, "0000:01:999");
	vdp_platform plat{};
	vdp_dma_facts f{};
	vdp_decision d{};
	vdp_decide(t.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, 999);
	EXPECT_EQ(d.verdict, VDP_VERDICT_DMA);
	std::strcpy(dev.bus, "0000:01:1000");
	vdp_decide(t.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, -1);
	std::strcpy(dev.bus, "0000:01:0");
	vdp_decide(t.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, 0);
}

TEST(Matching, UnterminatedDeviceNamesAreBounded)
{
	vdp_rule r{};
	r.match = VDP_MATCH_NAME;
	std::memset(r.name, 'a', VDP_NAME_LEN - 1);
	r.name[VDP_NAME_LEN - 1] = '\0';
	vdp_device dev{};
	std::memset(dev.name, 'a', VDP_NAME_LEN); // no NUL at all
	vdp_platform plat{};
	EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), 0);
	r.name[VDP_NAME_LEN - 2] = '*';
	EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), 1);
	EXPECT_EQ(vdp_rule_matches(nullptr, &dev, &plat), 0);
}

// README: exact, or prefix when the pattern ends with '*'.
static bool reference_match(const std::string &pat, const std::string &name)
{
	if (!pat.empty() && pat.back() == '*')
		return name.compare(0, pat.size() - 1, pat, 0, pat.size() - 1) == 0;
	return pat == name;
}

TEST(Matching, PatternsAcrossWordBoundaries)
{
	// Lengths around 8/16/24/31 bytes, prefixes ending just before, on and
	// after word boundaries, and name bytes next to '*' and NUL in value.
	std::vector<std::string> names = {"", "a", "virtio3", "virtio33", "virtio12", "0000:00:04.0",
					  "0000:00:04.00", "abcdefgh", "abcdefghi", "abcdefg",
					  "abcdefghijklmnop", "abcdefghijklmnopq",
					  "abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwxy",
					  "abcdefghijklmnopqrstuvwxyz12345", "a+b", "a)b", "\x01\x02",
					  "x*y"};
	std::vector<std::string> pats;
	for (const auto &n : names) {
		if (n.empty() || n.size() > 31)
			continue;
		pats.push_back(n);
		for (size_t k = 0; k + 1 <= n.size() && k + 1 <= 31; k++)
			pats.push_back(n.substr(0, k) + "*");
	}
	pats.push_back("*");
	pats.push_back("abcdefgh*");
	pats.push_back("abcdefghijklmnop*");
	pats.push_back("abcdefghijklmnopqrstuvwx*");
	vdp_platform plat{};
	size_t checked = 0;
	for (const auto &pat : pats) {
		for (int key = 0; key < 2; key++) {
			vdp_rule r{};
			r.match = key ? VDP_MATCH_NAME : VDP_MATCH_BUS;
			std::memcpy(key ? r.name : r.bus, pat.c_str(), pat.size() + 1);
			for (const auto &n : names) {
				vdp_device dev{};
				std::memset(dev.bus, 0x7f, sizeof(dev.bus)); // garbage after the NUL
				std::memset(dev.name, 0x7f, sizeof(dev.name));
				std::memcpy(key ? dev.name : dev.bus, n.c_str(), n.size() + 1);
				EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), reference_match(pat, n) ? 1 : 0)
					<< "pattern '" << pat << "' name '" << n << "'";
				checked++;
			}
		}
	}
	EXPECT_GT(checked, 1000u);
}

TEST(Matching, GarbageAfterThePatternNulIsIgnored)
{
	vdp_rule r{};
	r.match = VDP_MATCH_BUS;
	std::memset(r.bus, '*', sizeof(r.bus));
	std::memcpy(r.bus, "virtio3", 8);
	vdp_device dev{};
	std::strcpy(dev.bus, "virtio3");
	vdp_platform plat{};
	EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), 1);
	std::strcpy(dev.bus, "virtio35");
	EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), 0);
	// A '*' that is not last (hand-built rule) is a literal character.
	std::memset(r.bus, 0, sizeof(r.bus));
	std::memcpy(r.bus, "vir*io", 7);
	std::strcpy(dev.bus, "vir*io");
	EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), 1);
	std::strcpy(dev.bus, "virtio");
	EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), 0);
}

TEST(Matching, EmptyRuleMatchesEverything)
{
	vdp_rule r{};
	vdp_device dev{};
	dev.device_id = 42;
	dev.offered = feats({1, 99});
	vdp_platform plat{};
	plat.xen = 1;
	EXPECT_EQ(vdp_rule_matches(&r, &dev, &plat), 1);
}

// ---------------------------------------------------------------- builtin

TEST(Builtin, AutoAddsSecurePseriesDirectRule)
{
	auto t = new_table();
	ASSERT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_AUTO), 0);
	ASSERT_EQ(t->count, 1u);
	EXPECT_EQ(format_table(*t), "lacks=33,platform=pseries+secure,action=direct,builtin");
	auto p = parse("lacks=33,platform=pseries+secure,action=direct,builtin");
	EXPECT_TRUE(tables_equal(*t, *p.table));
}

TEST(Builtin, OnAddsPseriesDirectRule)
{
	auto t = new_table();
	ASSERT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_ON), 0);
	EXPECT_EQ(format_table(*t), "lacks=33,platform=pseries,action=direct,builtin");
	auto p = parse("lacks=33,platform=pseries,action=direct,builtin");
	EXPECT_TRUE(tables_equal(*t, *p.table));
}

TEST(Builtin, OffAddsNothing)
{
	auto t = new_table();
	EXPECT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_OFF), 0);
	EXPECT_EQ(t->count, 0u);
	EXPECT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_COUNT), -1);
	EXPECT_EQ(t->count, 0u);
	EXPECT_EQ(vdp_append_builtin(nullptr, VDP_PSERIES_BOUNCE_AUTO), -1);
}

TEST(Builtin, AppendedAfterUserRules)
{
	auto p = parse("id=net,action=dma");
	ASSERT_EQ(vdp_append_builtin(p.table.get(), VDP_PSERIES_BOUNCE_ON), 0);
	EXPECT_EQ(format_table(*p.table),
		  "id=net,action=dma;lacks=33,platform=pseries,action=direct,builtin");
}

TEST(Builtin, FullTableFails)
{
	auto t = new_table();
	t->count = VDP_MAX_RULES;
	EXPECT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_AUTO), -1);
	EXPECT_EQ(t->count, (vdp_u32)VDP_MAX_RULES);
	t->count = VDP_MAX_RULES - 1;
	EXPECT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_AUTO), 0);
	EXPECT_EQ(t->count, (vdp_u32)VDP_MAX_RULES);
	// A table sized for its rules and nothing more takes no built-in
	// rule, whatever its count says, and is left alone.
	for (vdp_u32 cap : {0u, 1u, 3u}) {
		auto s = new_table(cap);
		s->count = cap;
		EXPECT_EQ(vdp_append_builtin(s.get(), VDP_PSERIES_BOUNCE_ON), -1) << cap;
		EXPECT_EQ(s->count, cap);
		s->count = cap + 7; // a corrupt count is no room either
		EXPECT_EQ(vdp_append_builtin(s.get(), VDP_PSERIES_BOUNCE_ON), -1) << cap;
		// pseries_bounce=off appends nothing: fine even when full
		EXPECT_EQ(vdp_append_builtin(s.get(), VDP_PSERIES_BOUNCE_OFF), 0) << cap;
	}
	// One free slot: the built-in rule is the last one.
	auto one = new_table(1);
	ASSERT_EQ(vdp_append_builtin(one.get(), VDP_PSERIES_BOUNCE_ON), 0);
	EXPECT_EQ(one->count, 1u);
	EXPECT_EQ(vdp_table_builtin_count(one.get()), 1u);
	// A zeroed table (kvzalloc) is empty with no room.
	vdp_table zero{};
	EXPECT_EQ(vdp_append_builtin(&zero, VDP_PSERIES_BOUNCE_ON), -1);
	EXPECT_EQ(zero.count, 0u);
}

TEST(Builtin, SecurePseriesQuirkDeviceGoesDirect)
{
	// The 2018 pseries RFC case: a secure guest, a device without bit 33.
	auto t = new_table();
	ASSERT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_AUTO), 0);
	vdp_device dev{};
	dev.offered = feats({32});
	vdp_platform plat{};
	plat.arch = VDP_ARCH_PPC64;
	plat.pseries = 1;
	plat.secure_guest = 1;
	vdp_dma_facts f{VDP_IOMMU_TRANSLATING, 1, {0, 0}};
	vdp_decision d{};
	vdp_decide(t.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, 0);
	EXPECT_EQ(d.verdict, VDP_VERDICT_DIRECT);
	EXPECT_EQ(d.path, VDP_PATH_DMA_DIRECT);
	EXPECT_EQ(d.install_direct_path, 1);
	EXPECT_EQ(d.driver_set, feats({33}));
	plat.secure_guest = 0;
	vdp_decide(t.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, -1);
	EXPECT_EQ(d.path, VDP_PATH_PHYSICAL);
}

// ---------------------------------------------------------------- names

TEST(Names, NeverNullAndDistinct)
{
	using Fn = const char *(*)(vdp_u8);
	struct {
		Fn fn;
		unsigned count;
	} fns[] = {
		{vdp_action_name, VDP_ACTION_COUNT},   {vdp_verdict_name, VDP_VERDICT_COUNT},
		{vdp_path_name, VDP_PATH_COUNT},       {vdp_reason_token, VDP_REASON_COUNT},
		{vdp_reason_text, VDP_REASON_COUNT},   {vdp_transport_name, VDP_TRANSPORT_COUNT},
		{vdp_arch_name, VDP_ARCH_COUNT},       {vdp_gen_name, VDP_GEN_COUNT},
		{vdp_mode_name, VDP_MODE_COUNT},       {vdp_iommu_name, VDP_IOMMU_COUNT},
		{vdp_pseries_bounce_name, VDP_PSERIES_BOUNCE_COUNT},
	};
	for (auto &f : fns) {
		std::set<std::string> seen;
		for (unsigned v = 0; v < 256; v++) {
			const char *n = f.fn(static_cast<vdp_u8>(v));
			ASSERT_NE(n, nullptr);
			if (v < f.count) {
				EXPECT_STRNE(n, "?");
				EXPECT_GT(std::strlen(n), 0u);
				EXPECT_TRUE(seen.insert(n).second) << n;
			} else {
				EXPECT_STREQ(n, "?");
			}
		}
	}
	for (vdp_u32 v = 0; v < 300; v++) {
		ASSERT_NE(vdp_parse_status_name(v), nullptr);
		if (v >= VDP_PARSE_STATUS_COUNT) {
			EXPECT_STREQ(vdp_parse_status_name(v), "?");
		}
	}
	EXPECT_STREQ(vdp_parse_status_name(0xffffffffu), "?");
}

TEST(Names, ExactSpellings)
{
	const char *verdicts[] = {"auto", "dma", "direct", "physical", "refuse", "not-applied"};
	for (unsigned i = 0; i < VDP_VERDICT_COUNT; i++)
		EXPECT_STREQ(vdp_verdict_name(i), verdicts[i]);
	const char *paths[] = {"none", "dma-api-iommu", "dma-api-direct", "physical"};
	for (unsigned i = 0; i < VDP_PATH_COUNT; i++)
		EXPECT_STREQ(vdp_path_name(i), paths[i]);
	// The reasons' names come from their list: each value has its token.
#define VDP_REASON_EXPECT(name, camel, value, token, text, advice) \
	EXPECT_STREQ(vdp_reason_token(VDP_REASON_##name), token);          \
	EXPECT_STREQ(vdp_reason_text(VDP_REASON_##name), text);            \
	EXPECT_STREQ(vdp_reason_advice(VDP_REASON_##name), advice);
	VDP_REASONS(VDP_REASON_EXPECT)
#undef VDP_REASON_EXPECT
	const char *actions[] = {"auto", "dma", "direct", "physical", "refuse"};
	for (unsigned i = 0; i < VDP_ACTION_COUNT; i++)
		EXPECT_STREQ(vdp_action_name(i), actions[i]);
	const char *transports[] = {"other", "pci", "pci-legacy", "mmio", "ccw"};
	for (unsigned i = 0; i < VDP_TRANSPORT_COUNT; i++)
		EXPECT_STREQ(vdp_transport_name(i), transports[i]);
	const char *arches[] = {"other", "x86_64", "ppc64", "sparc64", "um", "arm64", "s390"};
	for (unsigned i = 0; i < VDP_ARCH_COUNT; i++)
		EXPECT_STREQ(vdp_arch_name(i), arches[i]);
	EXPECT_STREQ(vdp_gen_name(VDP_GEN_6_1), "6.1");
	EXPECT_STREQ(vdp_gen_name(VDP_GEN_6_12), "6.12");
	EXPECT_STREQ(vdp_gen_name(VDP_GEN_7), "7.x");
	EXPECT_STREQ(vdp_mode_name(VDP_MODE_ENFORCE), "enforce");
	EXPECT_STREQ(vdp_mode_name(VDP_MODE_AUDIT), "audit");
	// README: the debugfs iommu column, the pseries_bounce parameter
	EXPECT_STREQ(vdp_iommu_name(VDP_IOMMU_NONE), "none");
	EXPECT_STREQ(vdp_iommu_name(VDP_IOMMU_IDENTITY), "identity");
	EXPECT_STREQ(vdp_iommu_name(VDP_IOMMU_TRANSLATING), "translating");
	EXPECT_STREQ(vdp_pseries_bounce_name(VDP_PSERIES_BOUNCE_AUTO), "auto");
	EXPECT_STREQ(vdp_pseries_bounce_name(VDP_PSERIES_BOUNCE_ON), "on");
	EXPECT_STREQ(vdp_pseries_bounce_name(VDP_PSERIES_BOUNCE_OFF), "off");
}

TEST(Table, BuiltinCount)
{
	Table table = new_table();
	vdp_table *t = table.get();
	vdp_parse_result res{};
	const char text[] = "id=block,action=dma;action=auto";
	ASSERT_EQ(vdp_parse(text, sizeof(text) - 1, t, &res), (vdp_u32)VDP_PARSE_OK);
	EXPECT_EQ(vdp_table_builtin_count(t), 0u);
	ASSERT_EQ(vdp_append_builtin(t, VDP_PSERIES_BOUNCE_AUTO), 0);
	EXPECT_EQ(t->count, 3u);
	EXPECT_EQ(vdp_table_builtin_count(t), 1u);
	EXPECT_EQ(vdp_table_builtin_count(nullptr), 0u);
}

TEST(Names, ReasonTextsAreSentences)
{
	for (unsigned i = 0; i < VDP_REASON_COUNT; i++) {
		for (std::string t : {vdp_reason_text(i), vdp_reason_advice(i)}) {
			ASSERT_GT(t.size(), 10u);
			EXPECT_TRUE(std::isupper(static_cast<unsigned char>(t[0]))) << t;
			EXPECT_EQ(t.back(), '.') << t;
			EXPECT_EQ(t.find('\n'), std::string::npos);
		}
		const std::string tok = vdp_reason_token(i);
		EXPECT_EQ(tok.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"),
			  std::string::npos)
			<< tok;
	}
	// advice may be shared (every applied rule: nothing to do)
	for (unsigned v = VDP_REASON_COUNT; v < 256; v++)
		EXPECT_STREQ(vdp_reason_advice(static_cast<vdp_u8>(v)), "?");
}

TEST(Decide, NoDirectTable)
{
	// README "The direct path": gpu and rproc-serial keep mappings past
	// their remove; no direct path is installed for them.
	for (vdp_u32 id = 0; id < 300; id++) {
		const bool listed = id == 11 || id == 16;
		EXPECT_EQ(vdp_no_direct_type(id) != nullptr, listed) << id;
	}
	EXPECT_EQ(vdp_no_direct_type(0xffffffffu), nullptr);
	EXPECT_NE(std::string(vdp_no_direct_type(16)).find("virtio-gpu"), std::string::npos);
}

TEST(Decide, NoDirectPathForTypesWhoseMappingsOutliveTheDriver)
{
	auto p = parse("action=direct;id=gpu,restricted=bounce,action=direct");
	auto bounce = parse("id=gpu,action=direct,restricted=bounce");
	vdp_device dev{};
	dev.offered = feats({32});
	vdp_platform plat{};
	vdp_dma_facts f{};
	f.iommu = VDP_IOMMU_TRANSLATING;
	f.direct_path = 1;
	vdp_decision d{};
	for (vdp_u32 id : {11u, 16u}) {
		dev.device_id = id;
		// behind a translating IOMMU the path would have to be installed
		vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
		EXPECT_EQ(d.verdict, VDP_VERDICT_NOT_APPLIED) << id;
		EXPECT_EQ(d.reason, VDP_REASON_UNSAFE_NO_DIRECT_PATH) << id;
		EXPECT_EQ(d.install_direct_path, 0) << id;
		EXPECT_EQ(d.path, VDP_PATH_PHYSICAL) << id;
		EXPECT_TRUE(feat_empty(d.driver_set)) << id;
		// without an IOMMU nothing is installed: direct applies
		f.iommu = VDP_IOMMU_NONE;
		vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
		EXPECT_EQ(d.verdict, VDP_VERDICT_DIRECT) << id;
		EXPECT_EQ(d.reason, VDP_REASON_RULE_DIRECT) << id;
		EXPECT_EQ(d.install_direct_path, 0) << id;
		f.iommu = VDP_IOMMU_TRANSLATING;
	}
	// the opt-in of a restricted-memory guest installs no path either
	dev.device_id = 16;
	dev.offered = feats({1, 32});
	plat.restricted_mem = 1;
	plat.swiotlb_forced = 1;
	vdp_decide(bounce.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_REFUSE);
	EXPECT_EQ(d.reason, VDP_REASON_UNSAFE_NO_DIRECT_PATH);
	EXPECT_EQ(d.install_direct_path, 0);
	// the same rule for a disk installs it
	dev.device_id = 2;
	plat.restricted_mem = 0;
	vdp_decide(p.table.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.verdict, VDP_VERDICT_DIRECT);
	EXPECT_EQ(d.install_direct_path, 1);
}

TEST(Decide, NoBounceTable)
{
	// README "Restricted-memory guests": balloon, iommu, mem and pmem never
	// bounce; every other type may (fs and gpu through their shared-memory
	// region fact, not their type).
	for (vdp_u32 id = 0; id < 300; id++) {
		const bool listed = id == 5 || id == 23 || id == 24 || id == 27;
		EXPECT_EQ(vdp_no_bounce_type(id) != nullptr, listed) << id;
	}
	EXPECT_EQ(vdp_no_bounce_type(0xffffffffu), nullptr);
	EXPECT_NE(std::string(vdp_no_bounce_type(5)).find("virtio_balloon"), std::string::npos);
}

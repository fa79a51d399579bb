// The table's prefilter index (vdp_table.index): kept consistent by
// vdp_parse, vdp_append_builtin and vdp_table_reindex, never changes a
// decision (differential tests against a straightforward matcher and
// against the unindexed scan), and a stale index is never used.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace {

// ------------------------------------------------------------ reference

// README: exact, or prefix when the pattern ends with '*'; a name ends at
// its NUL or after VDP_NAME_LEN bytes.  (Patterns here are NUL-terminated,
// as the parser makes them.)
bool ref_pattern(const char *pat, const char *name)
{
	const std::string p(pat, strnlen(pat, VDP_NAME_LEN));
	const std::string n(name, strnlen(name, VDP_NAME_LEN));
	if (!p.empty() && p.back() == '*')
		return n.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0;
	return p == n;
}

bool ref_id(vdp_u32 want, vdp_u32 have) { return want == VDP_ANY_ID || want == have; }

// The README's matching rules, one key at a time.
bool ref_match(const vdp_rule &r, const vdp_device &d, const vdp_platform &p)
{
	const vdp_u32 m = r.match;
	const vdp_u32 flags = (p.xen ? VDP_PLAT_XEN : 0) | (p.restricted_mem ? VDP_PLAT_RESTRICTED : 0) |
			      (p.pseries ? VDP_PLAT_PSERIES : 0) | (p.secure_guest ? VDP_PLAT_SECURE : 0) |
			      (p.swiotlb_forced ? VDP_PLAT_SWIOTLB : 0);
	if ((m & VDP_MATCH_ID) && r.device_id != d.device_id)
		return false;
	if ((m & VDP_MATCH_VENDOR) && r.vendor_id != d.vendor_id)
		return false;
	if ((m & VDP_MATCH_TRANSPORT) && r.transport != d.transport)
		return false;
	if ((m & VDP_MATCH_PCI) &&
	    !(d.is_pci && ref_id(r.pci_vendor, d.pci_vendor) && ref_id(r.pci_device, d.pci_device)))
		return false;
	if ((m & VDP_MATCH_SUBSYS) &&
	    !(d.is_pci && ref_id(r.sub_vendor, d.sub_vendor) && ref_id(r.sub_device, d.sub_device)))
		return false;
	if ((m & VDP_MATCH_BUS) && !ref_pattern(r.bus, d.bus))
		return false;
	if ((m & VDP_MATCH_NAME) && !ref_pattern(r.name, d.name))
		return false;
	for (unsigned b = 0; b < VDP_FEATURE_BITS; b++) {
		const bool offered = vdp_feat_test(&d.offered, b);
		if ((m & VDP_MATCH_HAS) && vdp_feat_test(&r.has, b) && !offered)
			return false;
		if ((m & VDP_MATCH_LACKS) && vdp_feat_test(&r.lacks, b) && offered)
			return false;
	}
	if ((m & VDP_MATCH_PLATFORM) && (r.platform & flags) != r.platform)
		return false;
	if ((m & VDP_MATCH_ARCH) && r.arch != p.arch)
		return false;
	return true;
}

vdp_s32 ref_first(const vdp_table &t, const vdp_device &d, const vdp_platform &p)
{
	const vdp_u32 n = t.count < VDP_MAX_RULES ? t.count : VDP_MAX_RULES;
	for (vdp_u32 i = 0; i < n; i++)
		if (ref_match(t.rules[i], d, p))
			return static_cast<vdp_s32>(i);
	return -1;
}

// ------------------------------------------------------------ generators

// Values drawn from small pools shared by rules and devices, so that keys
// match often enough to reach every branch.
struct Gen {
	std::mt19937_64 rng;
	explicit Gen(vdp_u64 seed) : rng(seed) {}

	unsigned below(unsigned n) { return static_cast<unsigned>(rng() % n); }
	bool coin(unsigned one_in = 2) { return below(one_in) == 0; }
	template <typename T, size_t N> T pick(const T (&a)[N]) { return a[below(N)]; }

	static constexpr vdp_u32 kIds[] = {0, 1, 2, 3, 16, 18, 26, 33, 34, 65535, 0x10002};
	static constexpr vdp_u32 kVendors[] = {0, 0x1af4, 0x1234, 0xffffffffu};
	static constexpr vdp_u32 kPciIds[] = {0, 0x1af4, 0x1000, 0x1041, 0x1042, 0x8086, 0xffff};
	static constexpr unsigned kBits[] = {0, 1, 5, 28, 29, 30, 32, 33, 34, 35, 36, 40, 63, 64, 100, 127};
	static constexpr const char *kNames[] = {
		"", "virtio0", "virtio3", "virtio33", "virtio12", "0000:00:04.0", "0000:00:05.0",
		"0000:01:00.0", "a000000.virtio_mmio", "abcdefgh", "abcdefghi",
		"abcdefghijklmnopqrstuvwxyz12345", "x*y", "0.0.0001"};

	vdp_features features(unsigned max_bits)
	{
		vdp_features f{};
		for (unsigned k = below(max_bits + 1); k; k--)
			vdp_feat_set(&f, pick(kBits));
		return f;
	}

	// A device name: from the pool, sometimes cut short, sometimes 32
	// bytes without a NUL; garbage after the NUL.
	void name(char *out)
	{
		for (unsigned i = 0; i < VDP_NAME_LEN; i++)
			out[i] = static_cast<char>(rng());
		if (coin(20)) {
			std::memset(out, 'a', VDP_NAME_LEN);
			return;
		}
		std::string s = pick(kNames);
		if (coin(4) && !s.empty())
			s.resize(below(static_cast<unsigned>(s.size())));
		std::memcpy(out, s.c_str(), s.size() + 1);
	}

	// A NUL-terminated pattern: a pool name, exact or a prefix + '*'.
	void pattern(char *out)
	{
		std::memset(out, 0, VDP_NAME_LEN);
		std::string s = pick(kNames);
		if (coin(20))
			s = std::string(VDP_NAME_LEN - 2, 'a');
		if (coin(3))
			s = s.substr(0, below(static_cast<unsigned>(s.size()) + 1)) + "*";
		std::memcpy(out, s.c_str(), s.size() + 1);
		// Garbage after the NUL is ignored.
		for (size_t i = s.size() + 1; i < VDP_NAME_LEN; i++)
			if (coin(4))
				out[i] = static_cast<char>(rng());
	}

	// Each key with probability 1/key_odds.
	vdp_rule rule(unsigned key_odds = 4)
	{
		vdp_rule r{};
		r.pci_vendor = r.pci_device = r.sub_vendor = r.sub_device = VDP_ANY_ID;
		for (unsigned k = 0; k < 11; k++)
			if (coin(key_odds))
				r.match |= 1u << k;
		if (coin(50))
			r.match |= 1u << 20; // unknown key bit: ignored
		r.device_id = pick(kIds);
		r.vendor_id = pick(kVendors);
		r.transport = static_cast<vdp_u8>(below(VDP_TRANSPORT_COUNT + 2));
		r.arch = static_cast<vdp_u8>(below(VDP_ARCH_COUNT + 2));
		if (!coin(3))
			r.pci_vendor = pick(kPciIds);
		if (!coin(3))
			r.pci_device = pick(kPciIds);
		if (!coin(3))
			r.sub_vendor = pick(kPciIds);
		if (!coin(3))
			r.sub_device = pick(kPciIds);
		pattern(r.bus);
		pattern(r.name);
		r.has = features(2);
		r.lacks = features(2);
		r.platform = below(32) & below(32);
		if (coin(30))
			r.platform |= 1u << 9; // no platform has it: never matches
		r.action = static_cast<vdp_u8>(below(VDP_ACTION_COUNT));
		r.fallback = static_cast<vdp_u8>(below(2));
		r.clear = features(1);
		vdp_feat_clear(&r.clear, VDP_F_ACCESS_PLATFORM);
		return r;
	}

	// Any bytes at all (a caller's hand-made rule): only compared against
	// the unindexed scan.
	vdp_rule garbage_rule()
	{
		vdp_rule r = rule();
		unsigned char *p = reinterpret_cast<unsigned char *>(&r);
		for (unsigned k = below(8); k; k--)
			p[below(sizeof(r))] = static_cast<unsigned char>(rng());
		if (coin(4))
			std::memset(r.bus, coin() ? '*' : 'a', VDP_NAME_LEN); // no NUL
		if (coin(4)) {
			char dev[VDP_NAME_LEN];
			name(dev);
			std::memcpy(r.name, dev, VDP_NAME_LEN);
			const size_t n = strnlen(r.name, VDP_NAME_LEN);
			if (n && coin())
				r.name[n - 1] = '*';
			if (n > 2 && coin())
				r.name[below(static_cast<unsigned>(n))] = '*';
		}
		return r;
	}

	vdp_device device()
	{
		vdp_device d{};
		d.device_id = pick(kIds);
		d.vendor_id = pick(kVendors);
		d.transport = static_cast<vdp_u8>(below(VDP_TRANSPORT_COUNT + 1));
		d.is_pci = coin(4) ? 0 : 1;
		d.pci_vendor = pick(kPciIds);
		d.pci_device = pick(kPciIds);
		d.sub_vendor = pick(kPciIds);
		d.sub_device = pick(kPciIds);
		name(d.bus);
		name(d.name);
		d.offered = features(6);
		return d;
	}

	vdp_platform platform()
	{
		vdp_platform p{};
		p.arch = static_cast<vdp_u8>(below(VDP_ARCH_COUNT + 1));
		p.xen = coin(4);
		p.restricted_mem = coin(4);
		p.pseries = coin(2);
		p.secure_guest = coin(2);
		p.swiotlb_forced = coin(3);
		return p;
	}

	vdp_dma_facts dma()
	{
		vdp_dma_facts f{};
		f.iommu = static_cast<vdp_u8>(below(VDP_IOMMU_COUNT));
		f.direct_path = coin();
		return f;
	}
};

bool feat_any(const vdp_features &f) { return f.w[0] || f.w[1]; }

// A pattern the rule grammar can write: 1-31 characters, '*' only last.
bool spellable(const char *pat)
{
	const size_t n = strnlen(pat, VDP_NAME_LEN);
	if (n == 0 || n == VDP_NAME_LEN)
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		if (pat[i] == '*')
			return false;
	return true;
}

// The decision with the index and, the index made stale, without it:
// identical to the byte.
vdp_decision decide_both_ways(vdp_table &t, const vdp_device &d, const vdp_platform &p,
			      const vdp_dma_facts &f, vdp_u8 mode)
{
	EXPECT_EQ(t.indexed, t.count);
	vdp_decision with, without;
	std::memset(&with, 0x5a, sizeof(with));
	std::memset(&without, 0xa5, sizeof(without));
	vdp_decide(&t, &d, &p, &f, mode, &with);
	const vdp_u32 saved = t.indexed;
	t.indexed = t.count + 1;
	vdp_decide(&t, &d, &p, &f, mode, &without);
	t.indexed = saved;
	EXPECT_EQ(std::memcmp(&with, &without, sizeof(with)), 0);
	return with;
}

// A copy of the table's index rows that cover rules[0..count).
std::vector<vdp_u64> index_rows(const vdp_table &t)
{
	const vdp_u32 n = t.count < VDP_MAX_RULES ? t.count : VDP_MAX_RULES;
	const size_t words = (n + 63) / 64 * VDP_INDEX_SETS;
	return std::vector<vdp_u64>(&t.index[0][0], &t.index[0][0] + words);
}

// parse/append must leave exactly the index vdp_table_reindex builds.
void expect_index_consistent(const vdp_table &t)
{
	ASSERT_EQ(t.indexed, t.count);
	auto copy = new_table();
	std::memcpy(copy.get(), &t, sizeof(t));
	vdp_table_reindex(copy.get());
	EXPECT_EQ(copy->indexed, t.count);
	EXPECT_TRUE(index_rows(*copy) == index_rows(t));
}

} // namespace

// ------------------------------------------------------------ consistency

TEST(MatchingIndex, ParseIndexesEveryRule)
{
	auto p = parse("id=net,action=dma;bus=0000:00:04.0,action=direct;name=virtio*,action=auto;"
		       "pci=1af4:*,subsys=*:1100,lacks=33,has=32+34,action=physical,clear=35;"
		       "platform=pseries+secure,arch=ppc64,transport=pci,vendor=0x1af4,action=refuse;"
		       "action=auto");
	ASSERT_EQ(p.status, 0u) << p.res.message;
	EXPECT_EQ(p.table->count, 6u);
	expect_index_consistent(*p.table);
	// An empty string is an indexed empty table.
	auto e = parse("");
	EXPECT_EQ(e.table->count, 0u);
	EXPECT_EQ(e.table->indexed, 0u);
}

TEST(MatchingIndex, ParseErrorLeavesNoUsableStaleIndex)
{
	// On error the table is unspecified but never claims an index for
	// rules it does not hold.
	auto p = parse("id=net,action=dma;id=block,action=dma;bogus=1");
	ASSERT_NE(p.status, 0u);
	EXPECT_EQ(p.table->indexed, p.table->count);
}

TEST(MatchingIndex, AppendBuiltinKeepsTheIndex)
{
	for (vdp_u8 bounce : {VDP_PSERIES_BOUNCE_AUTO, VDP_PSERIES_BOUNCE_ON, VDP_PSERIES_BOUNCE_OFF}) {
		auto p = parse("id=net,action=dma;lacks=32,action=auto");
		ASSERT_EQ(vdp_append_builtin(p.table.get(), bounce), 0);
		expect_index_consistent(*p.table);
	}
	// A kvzalloc'd (zeroed) table: empty and indexed.
	auto z = new_table();
	std::memset(z.get(), 0, sizeof(*z));
	ASSERT_EQ(vdp_append_builtin(z.get(), VDP_PSERIES_BOUNCE_ON), 0);
	expect_index_consistent(*z);
	// A hand-filled table (stale index) is reindexed as a whole, also
	// when there is nothing to append.
	for (vdp_u8 bounce : {VDP_PSERIES_BOUNCE_AUTO, VDP_PSERIES_BOUNCE_OFF}) {
		auto t = new_table();
		for (unsigned i = 0; i < 100; i++) {
			t->rules[i] = vdp_rule{};
			t->rules[i].match = VDP_MATCH_ID;
			t->rules[i].device_id = i;
		}
		t->count = 100;
		ASSERT_NE(t->indexed, t->count);
		ASSERT_EQ(vdp_append_builtin(t.get(), bounce), 0);
		EXPECT_EQ(t->count, bounce == VDP_PSERIES_BOUNCE_OFF ? 100u : 101u);
		expect_index_consistent(*t);
	}
	// Failures leave the table alone.
	auto full = new_table();
	full->count = VDP_MAX_RULES;
	full->indexed = 0;
	EXPECT_EQ(vdp_append_builtin(full.get(), VDP_PSERIES_BOUNCE_ON), -1);
	EXPECT_EQ(vdp_append_builtin(full.get(), 7), -1);
	EXPECT_EQ(full->indexed, 0u);
}

TEST(MatchingIndex, ReindexOfNullAndOfACorruptCount)
{
	vdp_table_reindex(nullptr);
	auto t = new_table();
	for (unsigned i = 0; i < VDP_MAX_RULES; i++) {
		t->rules[i] = vdp_rule{};
		t->rules[i].match = VDP_MATCH_ID;
		t->rules[i].device_id = i;
		t->rules[i].action = VDP_ACTION_DMA;
	}
	t->count = 5000; // clamped to VDP_MAX_RULES everywhere
	vdp_table_reindex(t.get());
	EXPECT_EQ(t->indexed, 5000u);
	vdp_device dev{};
	vdp_platform plat{};
	vdp_dma_facts f{};
	dev.device_id = VDP_MAX_RULES - 1;
	EXPECT_EQ(decide_both_ways(*t, dev, plat, f, VDP_MODE_ENFORCE).rule, VDP_MAX_RULES - 1);
	dev.device_id = VDP_MAX_RULES;
	EXPECT_EQ(decide_both_ways(*t, dev, plat, f, VDP_MODE_ENFORCE).rule, -1);
}

// ------------------------------------------------------------ staleness

TEST(MatchingIndex, ACountChangedByHandDisablesTheIndex)
{
	// Parsed (indexed) table, then rules appended by hand without
	// vdp_table_reindex: the index no longer covers count and is not used.
	auto p = parse("id=net,action=dma");
	vdp_table &t = *p.table;
	ASSERT_EQ(t.indexed, 1u);
	t.rules[1] = vdp_rule{};
	t.rules[1].match = VDP_MATCH_ID;
	t.rules[1].device_id = 2;
	t.rules[1].action = VDP_ACTION_REFUSE;
	t.count = 2;
	vdp_device dev{};
	dev.device_id = 2;
	vdp_platform plat{};
	vdp_dma_facts f{};
	vdp_decision d{};
	vdp_decide(&t, &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, 1);
	EXPECT_EQ(d.verdict, VDP_VERDICT_REFUSE);
	// Shrinking the count by hand, too.
	t.count = 1;
	vdp_decide(&t, &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, -1);
	// Reindexed: the index is used again, same decisions.
	t.count = 2;
	vdp_table_reindex(&t);
	EXPECT_EQ(decide_both_ways(t, dev, plat, f, VDP_MODE_ENFORCE).rule, 1);
	// A zeroed table filled by hand: its (empty) index is not used.
	auto z = new_table();
	std::memset(z.get(), 0, sizeof(*z));
	z->rules[0] = t.rules[1];
	z->count = 1;
	vdp_decide(z.get(), &dev, &plat, &f, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, 0);
}

TEST(MatchingIndex, ReindexAfterAnInPlaceEdit)
{
	// An in-place edit with count unchanged is what vdp_table_reindex is
	// for (the header says it is not detected).
	auto p = parse("id=net,action=dma;bus=0000:00:09.0,action=refuse");
	vdp_table &t = *p.table;
	t.rules[0].device_id = 2;
	std::strcpy(t.rules[1].bus, "0000:00:04.0");
	vdp_table_reindex(&t);
	vdp_device dev{};
	dev.device_id = 2;
	std::strcpy(dev.bus, "0000:00:04.0");
	vdp_platform plat{};
	vdp_dma_facts f{};
	EXPECT_EQ(decide_both_ways(t, dev, plat, f, VDP_MODE_ENFORCE).rule, 0);
	dev.device_id = 1;
	EXPECT_EQ(decide_both_ways(t, dev, plat, f, VDP_MODE_ENFORCE).rule, 1);
}

// ------------------------------------------------------------ differential

TEST(MatchingIndex, WordBoundaries)
{
	// One matching rule among never-matching ones, at positions around
	// every 64-rule word boundary, in tables whose count ends there too.
	auto t = new_table();
	vdp_device dev{};
	dev.device_id = 7;
	std::strcpy(dev.name, "virtio7");
	vdp_platform plat{};
	vdp_dma_facts f{};
	const vdp_u32 counts[] = {1, 2, 63, 64, 65, 127, 128, 129, 511, 512, 513, 1023, 1024};
	for (vdp_u32 n : counts) {
		for (vdp_u32 at : {0u, 1u, 62u, 63u, 64u, 65u, 127u, 128u, n - 2, n - 1}) {
			if (at >= n)
				continue;
			for (vdp_u32 i = 0; i < n; i++) {
				t->rules[i] = vdp_rule{};
				t->rules[i].match = VDP_MATCH_NAME;
				std::snprintf(t->rules[i].name, VDP_NAME_LEN, "virtio%u", i == at ? 7 : 8);
			}
			t->count = n;
			vdp_table_reindex(t.get());
			EXPECT_EQ(decide_both_ways(*t, dev, plat, f, VDP_MODE_ENFORCE).rule,
				  static_cast<vdp_s32>(at))
				<< "count " << n << " at " << at;
		}
	}
}

TEST(MatchingIndex, RandomTablesAgreeWithTheReference)
{
	Gen g(20261121);
	size_t decisions = 0, matched = 0, deep = 0;
	for (int round = 0; round < 60; round++) {
		auto t = new_table();
		// Small tables of loose rules, large ones of selective rules
		// (so that matches land anywhere in them).
		const bool small = round < 20;
		const vdp_u32 n = small ? 1 + g.below(70) : 1 + g.below(VDP_MAX_RULES);
		for (vdp_u32 i = 0; i < n; i++)
			t->rules[i] = g.rule(small ? 4 : 2);
		t->count = n;
		vdp_table_reindex(t.get());
		for (int k = 0; k < 40; k++) {
			const vdp_device d = g.device();
			const vdp_platform p = g.platform();
			const vdp_dma_facts f = g.dma();
			const vdp_u8 mode = static_cast<vdp_u8>(g.below(2));
			const vdp_decision dec = decide_both_ways(*t, d, p, f, mode);
			const vdp_s32 want = ref_first(*t, d, p);
			ASSERT_EQ(dec.rule, want) << "round " << round << " device " << k;
			decisions++;
			matched += want >= 0;
			deep += want >= 64;
			// vdp_rule_matches agrees rule by rule (a sample).
			for (int s = 0; s < 8; s++) {
				const vdp_u32 i = g.below(n);
				ASSERT_EQ(vdp_rule_matches(&t->rules[i], &d, &p),
					  ref_match(t->rules[i], d, p) ? 1 : 0)
					<< "round " << round << " rule " << i;
			}
		}
	}
	// The pools make both outcomes common, and matches past the first
	// word of rules too.
	EXPECT_GT(matched, decisions / 4) << matched << " of " << decisions;
	EXPECT_LT(matched, decisions - decisions / 10) << matched << " of " << decisions;
	EXPECT_GT(deep, decisions / 20) << deep << " of " << decisions;
	std::printf("%zu of %zu decisions matched a rule, %zu beyond rule 63\n", matched, decisions, deep);
}

TEST(MatchingIndex, EveryRuleIsFoundWhereverItStands)
{
	// Rules that match are never dropped by the index, whatever their
	// position: each generated rule alone among never-matching ones.
	Gen g(33);
	auto t = new_table();
	vdp_rule never{};
	never.match = VDP_MATCH_ARCH;
	never.arch = 200;
	for (vdp_u32 i = 0; i < VDP_MAX_RULES; i++)
		t->rules[i] = never;
	size_t found = 0;
	for (int s = 0; s < 300; s++) {
		const vdp_u32 at = g.below(VDP_MAX_RULES);
		t->rules[at] = g.rule();
		t->count = at + 1 + g.below(3);
		if (t->count > VDP_MAX_RULES)
			t->count = VDP_MAX_RULES;
		vdp_table_reindex(t.get());
		for (int k = 0; k < 30; k++) {
			const vdp_device d = g.device();
			const vdp_platform p = g.platform();
			const bool m = ref_match(t->rules[at], d, p);
			vdp_decision dec{};
			const vdp_dma_facts f{};
			vdp_decide(t.get(), &d, &p, &f, VDP_MODE_ENFORCE, &dec);
			ASSERT_EQ(dec.rule, m ? static_cast<vdp_s32>(at) : -1) << "rule at " << at;
			found += m;
		}
		t->rules[at] = never;
	}
	EXPECT_GT(found, 300u);
}

TEST(MatchingIndex, HandMadeRulesOfAnyBytesDecideAsUnindexed)
{
	// Rules no parser makes (unterminated or '*'-filled patterns, unknown
	// values, stray bits): the index may not summarise them well, but it
	// must never change a decision.
	Gen g(7);
	for (int round = 0; round < 40; round++) {
		auto t = new_table();
		const vdp_u32 n = 1 + g.below(round < 10 ? 64 : VDP_MAX_RULES);
		for (vdp_u32 i = 0; i < n; i++)
			t->rules[i] = g.garbage_rule();
		t->count = n;
		vdp_table_reindex(t.get());
		for (int k = 0; k < 40; k++) {
			vdp_device d = g.device();
			if (g.coin(3)) // a device named like one of the rules
				std::memcpy(d.name, t->rules[g.below(n)].name, VDP_NAME_LEN);
			decide_both_ways(*t, d, g.platform(), g.dma(), VDP_MODE_ENFORCE);
		}
	}
}

TEST(MatchingIndex, ParsedRandomRulesAgreeWithTheReference)
{
	// Rules that went through the text form: format a generated rule,
	// parse it back (as the module does), then decide.
	Gen g(99);
	for (int round = 0; round < 40; round++) {
		std::string text;
		for (unsigned i = 0, n = 1 + g.below(30); i < n; i++) {
			vdp_rule r = g.rule();
			r.transport %= VDP_TRANSPORT_COUNT;
			r.arch %= VDP_ARCH_COUNT;
			r.device_id &= 0xffff;
			r.platform &= 31;
			r.match &= (1u << 11) - 1;
			if (r.action == VDP_ACTION_AUTO || r.action == VDP_ACTION_REFUSE)
				r.fallback = VDP_FALLBACK_STOCK;
			for (int w = 0; w < 2; w++)
				r.lacks.w[w] &= ~r.has.w[w];
			// Values the grammar cannot spell: drop the key.
			if (!feat_any(r.has))
				r.match &= ~VDP_MATCH_HAS;
			if (!feat_any(r.lacks))
				r.match &= ~VDP_MATCH_LACKS;
			if (!r.platform)
				r.match &= ~VDP_MATCH_PLATFORM;
			if (!spellable(r.bus))
				r.match &= ~VDP_MATCH_BUS;
			if (!spellable(r.name))
				r.match &= ~VDP_MATCH_NAME;
			const std::string one = format_rule(r);
			if (text.size() + one.size() + 1 >= VDP_MAX_TEXT)
				break;
			text += (text.empty() ? "" : ";") + one;
		}
		auto p = parse(text);
		ASSERT_EQ(p.status, 0u) << text << ": " << p.res.message;
		ASSERT_EQ(p.table->indexed, p.table->count);
		for (int k = 0; k < 50; k++) {
			const vdp_device d = g.device();
			const vdp_platform pl = g.platform();
			EXPECT_EQ(decide_both_ways(*p.table, d, pl, g.dma(), VDP_MODE_ENFORCE).rule,
				  ref_first(*p.table, d, pl))
				<< text;
		}
	}
}

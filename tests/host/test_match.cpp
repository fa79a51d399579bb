// Matching against a reference: the README's matching rules written out
// one key at a time, compared with vdp_decide()'s first match and
// vdp_rule_matches() on random tables, hand-made rules of any bytes and
// rules that went through the text form.
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
	const vdp_u32 cap = t.capacity < VDP_MAX_RULES ? t.capacity : VDP_MAX_RULES;
	const vdp_u32 n = t.count < cap ? t.count : cap;
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

	// Any bytes at all (a caller's hand-made rule).
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

// The first matching rule as vdp_decide() reports it.
vdp_s32 decide_rule(const vdp_table &t, const vdp_device &d, const vdp_platform &p,
		    const vdp_dma_facts &f, vdp_u8 mode)
{
	vdp_decision dec;
	std::memset(&dec, 0x5a, sizeof(dec));
	vdp_decide(&t, &d, &p, &f, mode, &dec);
	return dec.rule;
}

} // namespace

// ------------------------------------------------------------ differential

TEST(Matching, RandomTablesAgreeWithTheReference)
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
		for (int k = 0; k < 40; k++) {
			const vdp_device d = g.device();
			const vdp_platform p = g.platform();
			const vdp_dma_facts f = g.dma();
			const vdp_u8 mode = static_cast<vdp_u8>(g.below(2));
			const vdp_s32 want = ref_first(*t, d, p);
			ASSERT_EQ(decide_rule(*t, d, p, f, mode), want) << "round " << round << " device " << k;
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

TEST(Matching, EveryRuleIsFoundWhereverItStands)
{
	// A matching rule is found wherever it stands: each generated rule
	// alone among never-matching ones.
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

TEST(Matching, HandMadeRulesOfAnyBytesAgreeWithTheReference)
{
	// Rules no parser makes (unterminated or '*'-filled patterns, unknown
	// values, stray bits) match as the README's rules say, and a count
	// beyond the capacity is never followed.
	Gen g(7);
	for (int round = 0; round < 40; round++) {
		auto t = new_table();
		const vdp_u32 n = 1 + g.below(round < 10 ? 64 : VDP_MAX_RULES);
		for (vdp_u32 i = 0; i < n; i++)
			t->rules[i] = g.garbage_rule();
		t->count = g.coin(10) ? n + 1 + g.below(5000) : n;
		t->capacity = n;
		for (int k = 0; k < 40; k++) {
			vdp_device d = g.device();
			if (g.coin(3)) // a device named like one of the rules
				std::memcpy(d.name, t->rules[g.below(n)].name, VDP_NAME_LEN);
			const vdp_platform p = g.platform();
			ASSERT_EQ(decide_rule(*t, d, p, g.dma(), VDP_MODE_ENFORCE), ref_first(*t, d, p))
				<< "round " << round << " device " << k;
		}
	}
}

TEST(Matching, ParsedRandomRulesAgreeWithTheReference)
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
		for (int k = 0; k < 50; k++) {
			const vdp_device d = g.device();
			const vdp_platform pl = g.platform();
			EXPECT_EQ(decide_rule(*p.table, d, pl, g.dma(), VDP_MODE_ENFORCE),
				  ref_first(*p.table, d, pl))
				<< text;
		}
	}
}

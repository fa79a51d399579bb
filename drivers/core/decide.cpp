// SPDX-License-Identifier: GPL-2.0
//
// Rule matching, the rule table's prefilter index and the policy decision
// (README "Decision and safety table").  Pure functions of their arguments.
#include "vdp_core.hpp"

namespace vdp {

// Pattern match: exact, or prefix when the pattern ends with '*'.
// name is a device-side buffer of VDP_NAME_LEN that may lack a NUL.
// Reference version, byte by byte.
static bool pattern_match_slow(const char *pat, const char *name)
{
	for (vdp_size i = 0; i < VDP_NAME_LEN; i++) {
		char p = pat[i];
		char c = name[i];
		if (p == '*' && (i + 1 == VDP_NAME_LEN || pat[i + 1] == '\0'))
			return true;
		if (p != c)
			return false;
		if (p == '\0')
			return true;
	}
	return true; // both unterminated and equal over the whole buffer
}

// Word-at-a-time version.  Both buffers are VDP_NAME_LEN bytes and 8-byte
// aligned (vdp_rule.bus/name sit at offsets 40/72 of an 8-byte aligned
// struct; the name is DevView's aligned, NUL-padded copy
// of the device's), pat is whatever the rule holds (bytes after its NUL are
// ignored).  Falls back to the byte loop for a '*' that is not last.
typedef vdp_u64 __attribute__((may_alias, aligned(8))) word_t;
static_assert(__builtin_offsetof(vdp_rule, bus) % 8 == 0, "vdp_rule.bus must be 8-aligned");
static_assert(__builtin_offsetof(vdp_rule, name) % 8 == 0, "vdp_rule.name must be 8-aligned");
static_assert(alignof(vdp_rule) >= 8, "vdp_rule must be 8-aligned");
static_assert(VDP_NAME_LEN % 8 == 0, "names are compared a word at a time");
constexpr vdp_u64 kOnes = 0x0101010101010101ull;
constexpr vdp_u64 kLows = 0x7f7f7f7f7f7f7f7full;

// Big-endian word order (sparc64).  VDP_TEST_BIG_ENDIAN lets the host
// tests run the big-endian code on x86 by byte-swapping every load/store.
#if defined(VDP_TEST_BIG_ENDIAN) || (defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define VDP_BE_WORDS 1
#else
#define VDP_BE_WORDS 0
#endif

static inline vdp_u64 to_native(vdp_u64 v)
{
#ifdef VDP_TEST_BIG_ENDIAN
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

// 8-aligned buffers (rule patterns, DevView copies).
static inline vdp_u64 load_aligned(const char *p)
{
	return to_native(*reinterpret_cast<const word_t *>(p));
}

static inline void store_aligned(char *p, vdp_u64 v)
{
	*reinterpret_cast<word_t *>(p) = to_native(v);
}

// vdp_device.bus/name sit at offsets 28/60: only 4-byte aligned.
static inline vdp_u64 load_unaligned(const char *p)
{
	vdp_u64 v;
	__builtin_memcpy(&v, p, sizeof(v));
	return to_native(v);
}

// Marks (high bit) exactly the zero bytes of v (no carries between bytes).
static inline vdp_u64 zero_bytes(vdp_u64 v)
{
	return ~(((v & kLows) + kLows) | v | kLows);
}

// Index of the first byte (in memory order) flagged in a non-zero mask.
static inline unsigned first_byte(vdp_u64 m)
{
#if VDP_BE_WORDS
	// No __builtin_clzll: sparc64 would call libgcc's __clzdi2.
	unsigned j = 0;
	while (j < 7 && !(m & (vdp_u64(0x80) << (56 - 8 * j))))
		j++;
	return j;
#else
	return static_cast<unsigned>(__builtin_ctzll(m)) / 8;
#endif
}

// Mask of the bytes that come before byte index j (memory order).
static inline vdp_u64 bytes_before(unsigned j)
{
	if (j == 0)
		return 0;
#if VDP_BE_WORDS
	return ~vdp_u64(0) << (64 - 8 * j);
#else
	return ~vdp_u64(0) >> (64 - 8 * j);
#endif
}

static bool pattern_match(const char *pat, const char *padded_name)
{
	for (unsigned k = 0; k < VDP_NAME_LEN / 8; k++) {
		const vdp_u64 p = load_aligned(pat + 8 * k);
		const vdp_u64 x = p ^ load_aligned(padded_name + 8 * k);
		const vdp_u64 stops = zero_bytes(p) | zero_bytes(p ^ (kOnes * '*'));
		if (!stops) {
			if (x)
				return false;
			continue;
		}
		const unsigned j = first_byte(stops);
		if (x & bytes_before(j))
			return false; // differs before the pattern's NUL or '*'
		const unsigned i = 8 * k + j;
		if (pat[i] == '*') {
			if (i + 1 == VDP_NAME_LEN || pat[i + 1] == '\0')
				return true;
			return pattern_match_slow(pat, padded_name);
		}
		return padded_name[i] == '\0'; // exact: the name ends here too
	}
	return false; // pattern without NUL: the name (NUL-padded) is shorter
}

static bool id_match(vdp_u32 want, vdp_u32 have)
{
	return want == VDP_ANY_ID || want == have;
}

// The device as the matcher sees it, computed once per decision.
struct DevView {
	const vdp_device *dev;
	vdp_u64 off0, off1;
	vdp_u32 plat_flags;
	vdp_u8 arch;
	char bus[VDP_NAME_LEN] __attribute__((aligned(8)));
	char name[VDP_NAME_LEN] __attribute__((aligned(8)));

	DevView(const vdp_device &d, const vdp_platform &p, vdp_u32 flags)
		: dev(&d), off0(d.offered.w[0]), off1(d.offered.w[1]), plat_flags(flags),
		  arch(p.arch)
	{
		copy_padded(bus, d.bus);
		copy_padded(name, d.name);
	}

	// NUL-padded copy, a word at a time; a full, unterminated device
	// name stays as is (only a pattern without NUL could equal it, and
	// the parser never makes one).
	static void copy_padded(char *dst, const char *src)
	{
		bool end = false;
		for (unsigned k = 0; k < VDP_NAME_LEN / 8; k++) {
			vdp_u64 w = end ? 0 : load_unaligned(src + 8 * k);
			const vdp_u64 z = zero_bytes(w);
			if (!end && z) {
				w &= bytes_before(first_byte(z));
				end = true;
			}
			store_aligned(dst + 8 * k, w);
		}
	}
};

static inline bool matches(const vdp_rule &r, const DevView &v)
{
	const vdp_u32 m = r.match;
	const vdp_device &dev = *v.dev;
	// Cheapest, most selective keys first; all of these live in the
	// rule's first 40 bytes.
	if ((m & VDP_MATCH_ID) && r.device_id != dev.device_id)
		return false;
	if ((m & VDP_MATCH_TRANSPORT) && r.transport != dev.transport)
		return false;
	if ((m & VDP_MATCH_ARCH) && r.arch != v.arch)
		return false;
	if ((m & VDP_MATCH_PLATFORM) && (r.platform & v.plat_flags) != r.platform)
		return false;
	if ((m & VDP_MATCH_VENDOR) && r.vendor_id != dev.vendor_id)
		return false;
	if ((m & VDP_MATCH_PCI) &&
	    (!dev.is_pci || !id_match(r.pci_vendor, dev.pci_vendor) ||
	     !id_match(r.pci_device, dev.pci_device)))
		return false;
	if ((m & VDP_MATCH_SUBSYS) &&
	    (!dev.is_pci || !id_match(r.sub_vendor, dev.sub_vendor) ||
	     !id_match(r.sub_device, dev.sub_device)))
		return false;
	if ((m & VDP_MATCH_BUS) && !pattern_match(r.bus, v.bus))
		return false;
	if ((m & VDP_MATCH_NAME) && !pattern_match(r.name, v.name))
		return false;
	if ((m & VDP_MATCH_HAS) &&
	    ((r.has.w[0] & ~v.off0) | (r.has.w[1] & ~v.off1)) != 0)
		return false;
	if ((m & VDP_MATCH_LACKS) && ((r.lacks.w[0] & v.off0) | (r.lacks.w[1] & v.off1)) != 0)
		return false;
	return true;
}

bool rule_matches(const vdp_rule &r, const vdp_device &dev, const vdp_platform &plat,
		  vdp_u32 plat_flags)
{
	const DevView v(dev, plat, plat_flags);
	return matches(r, v);
}

// ------------------------------------------------------------------
// Prefilter index (vdp_table.index)
//
// Bit-sliced sets of rules: index[w][s] is set s restricted to the rules
// 64w..64w+63 (bit i % 64 is rule i).  Each summarised field of a device
// falls in one of its 2^bits buckets, and each bucket has a set: the rules
// that allow a device in that bucket.  The candidates for a device are the
// intersection of the sets of its buckets, 64 rules per machine word.
// Every field is a necessary condition of matches() (equal values fall in
// the same bucket), so a matching rule is always a candidate; a candidate
// that does not match is rejected by matches().  Adding a rule writes its
// bit in every set (VDP_INDEX_SETS of them); a decision reads one set per
// field for each 64 rules.
//
//   equality fields (a rule allows one bucket, or all when it does not
//   constrain the field): device id (low 5 bits), transport, arch (low 3
//   bits), vendor=, the pci= and subsys= halves that are not '*' (folded),
//   an exact bus= / name= pattern (hashed to 8 bits, as two fields of 4; a
//   prefix pattern is not summarised)
//   flag fields (bucket 0: the device lacks the flag, 1: it has it): the
//   platform flags, "is PCI" (pci=, subsys=), has= and lacks= of the
//   feature bits 28..35
// ------------------------------------------------------------------

namespace {

enum Field : unsigned {
	FId, FTransport, FArch, FVendor, FPciVen, FPciDev, FSubVen, FSubDev,
	FBus0, FBus1, FName0, FName1,
	FPlat,                         // one per platform flag
	FIsPci = FPlat + 5,
	FFeat,                         // one per feature bit 28..35
	kFields = FFeat + 8
};
constexpr unsigned kFeatFirst = 28;
static_assert(VDP_PLAT_SWIOTLB == 1u << (FIsPci - FPlat - 1), "a field per platform flag");
static_assert(kFields % 2 == 0, "first_match() reads the fields in pairs");

// Each field's number of buckets (log2) and first set.
struct Layout {
	unsigned bits[kFields];
	unsigned first[kFields + 1];
	constexpr Layout() : bits(), first()
	{
		constexpr unsigned eq[] = {5, 3, 3, 2, 2, 3, 2, 3, 4, 4, 4, 4};
		for (unsigned f = 0; f < kFields; f++) {
			bits[f] = f < FPlat ? eq[f] : 1;
			first[f + 1] = first[f] + (1u << bits[f]);
		}
	}
};
constexpr Layout kLayout;
static_assert(kLayout.first[kFields] == VDP_INDEX_SETS, "VDP_INDEX_SETS is the core's set count");
static_assert(VDP_MAX_RULES % 64 == 0, "whole words of rules");

// A 32-bit value folded to the bucket of field f (equal values, equal folds).
constexpr unsigned fold(vdp_u32 v, unsigned f)
{
	return static_cast<vdp_u32>(v * 0x9e3779b1u) >> (32 - kLayout.bits[f]);
}

constexpr unsigned low(vdp_u32 v, unsigned f) { return v & ((1u << kLayout.bits[f]) - 1); }

// Hash of a NUL-padded name buffer (DevView::copy_padded) to 8 bits: the
// buckets of two fields, b[0] and b[1].
template <typename T> void name_buckets(const char *padded, T *b)
{
	vdp_u64 h = 0;
	for (unsigned k = 0; k < VDP_NAME_LEN / 8; k++)
		h = (h ^ load_aligned(padded + 8 * k)) * 0x9e3779b97f4a7c15ull;
	b[0] = static_cast<T>(h >> 60);
	b[1] = static_cast<T>((h >> 56) & 15);
}

// The sets of a device's (and its platform's) buckets.
void device_sets(const DevView &v, vdp_u16 *b)
{
	const vdp_device &d = *v.dev;
	b[FId] = low(d.device_id, FId);
	b[FTransport] = low(d.transport, FTransport);
	b[FArch] = low(v.arch, FArch);
	b[FVendor] = fold(d.vendor_id, FVendor);
	b[FPciVen] = fold(d.pci_vendor, FPciVen);
	b[FPciDev] = fold(d.pci_device, FPciDev);
	b[FSubVen] = fold(d.sub_vendor, FSubVen);
	b[FSubDev] = fold(d.sub_device, FSubDev);
	name_buckets(v.bus, &b[FBus0]);
	name_buckets(v.name, &b[FName0]);
	for (unsigned k = 0; k < FIsPci - FPlat; k++)
		b[FPlat + k] = (v.plat_flags >> k) & 1;
	b[FIsPci] = d.is_pci ? 1 : 0;
	for (unsigned k = 0; k < kFields - FFeat; k++)
		b[FFeat + k] = (v.off0 >> (kFeatFirst + k)) & 1;
	for (unsigned f = 0; f < kFields; f++)
		b[f] = static_cast<vdp_u16>(b[f] + kLayout.first[f]);
}

// The buckets a rule allows, a bit mask per field.
void rule_buckets(const vdp_rule &r, vdp_u32 *allow)
{
	const vdp_u32 m = r.match;
	for (unsigned f = 0; f < kFields; f++)
		allow[f] = ~vdp_u32(0);
	const auto only = [allow](unsigned f, unsigned b) { allow[f] = vdp_u32(1) << b; };
	const auto pattern = [&only](unsigned f, const char *pat) {
		// An exact pattern (its last character, before its NUL or at
		// the end of the buffer, is not '*') matches only a device name
		// whose padded copy equals the padded pattern.
		const vdp_size n = strnlen_(pat, VDP_NAME_LEN);
		if (n && pat[n - 1] == '*')
			return;
		char padded[VDP_NAME_LEN] __attribute__((aligned(8)));
		unsigned b[2];
		DevView::copy_padded(padded, pat);
		name_buckets(padded, b);
		only(f, b[0]);
		only(f + 1, b[1]);
	};
	const auto id = [&only](unsigned f, vdp_u32 v) {
		if (v != VDP_ANY_ID)
			only(f, fold(v, f));
	};
	if (m & VDP_MATCH_ID)
		only(FId, low(r.device_id, FId));
	if (m & VDP_MATCH_TRANSPORT)
		only(FTransport, low(r.transport, FTransport));
	if (m & VDP_MATCH_ARCH)
		only(FArch, low(r.arch, FArch));
	if (m & VDP_MATCH_VENDOR)
		only(FVendor, fold(r.vendor_id, FVendor));
	if (m & VDP_MATCH_PCI) {
		id(FPciVen, r.pci_vendor);
		id(FPciDev, r.pci_device);
	}
	if (m & VDP_MATCH_SUBSYS) {
		id(FSubVen, r.sub_vendor);
		id(FSubDev, r.sub_device);
	}
	if (m & VDP_MATCH_BUS)
		pattern(FBus0, r.bus);
	if (m & VDP_MATCH_NAME)
		pattern(FName0, r.name);
	// Flags: bucket 1 only when the flag must be set, bucket 0 only when
	// it must be clear (a bit in both has= and lacks=: none, never matches).
	const vdp_u32 plat = (m & VDP_MATCH_PLATFORM) ? r.platform : 0;
	for (unsigned k = 0; k < FIsPci - FPlat; k++)
		if ((plat >> k) & 1)
			allow[FPlat + k] &= 2;
	if (m & (VDP_MATCH_PCI | VDP_MATCH_SUBSYS))
		allow[FIsPci] &= 2;
	const vdp_u64 has = (m & VDP_MATCH_HAS) ? r.has.w[0] >> kFeatFirst : 0;
	const vdp_u64 lacks = (m & VDP_MATCH_LACKS) ? r.lacks.w[0] >> kFeatFirst : 0;
	for (unsigned k = 0; k < kFields - FFeat; k++) {
		if ((has >> k) & 1)
			allow[FFeat + k] &= 2;
		if ((lacks >> k) & 1)
			allow[FFeat + k] &= 1;
	}
}

} // namespace

// Add rule i of t to the index: set or clear its bit in every set.
void index_rule(vdp_table &t, vdp_u32 i)
{
	vdp_u32 allow[kFields];
	rule_buckets(t.rules[i], allow);
	const vdp_u64 bit = vdp_u64(1) << (i % 64);
	vdp_u64 *set = t.index[i / 64];
	for (unsigned f = 0; f < kFields; f++) {
		vdp_u32 a = allow[f];
		for (unsigned b = 0; b < 1u << kLayout.bits[f]; b++, set++, a >>= 1)
			*set ^= (*set ^ (0 - vdp_u64(a & 1))) & bit;
	}
}

namespace {

// Index of the lowest set bit of a non-zero word (no __builtin_ctzll:
// sparc64 would call libgcc).
unsigned lowest_bit(vdp_u64 c)
{
	unsigned j = 0;
	for (unsigned s = 32; s; s /= 2) {
		if (!(c & ((vdp_u64(1) << s) - 1))) {
			c >>= s;
			j += s;
		}
	}
	return j;
}

// First rule of the table that matches, -1 for none.  Not inlined: its
// frame (the unrolled loop keeps a pointer per field) stays out of
// vdp_decide's.
__attribute__((noinline)) vdp_s32 first_match(const vdp_table &t, const DevView &v)
{
	const vdp_u32 n = t.count < VDP_MAX_RULES ? t.count : VDP_MAX_RULES;
	if (t.indexed != t.count) { // no (or a stale) index: every rule in full
		for (vdp_u32 i = 0; i < n; i++)
			if (matches(t.rules[i], v))
				return static_cast<vdp_s32>(i);
		return -1;
	}
	vdp_u16 set[kFields];
	device_sets(v, set);
	for (vdp_u32 w = 0; w * 64 < n; w++) {
		const vdp_u64 *sets = t.index[w];
		vdp_u64 c0 = n - w * 64 >= 64 ? ~vdp_u64(0) : (vdp_u64(1) << (n - w * 64)) - 1;
		vdp_u64 c1 = ~vdp_u64(0);
		// Two chains of ANDs, unrolled: a load and an AND per field.
#pragma GCC unroll 32
		for (unsigned f = 0; f + 1 < kFields; f += 2) {
			c0 &= sets[set[f]];
			c1 &= sets[set[f + 1]];
		}
		for (vdp_u64 c = c0 & c1; c; c &= c - 1) {
			const vdp_u32 i = w * 64 + lowest_bit(c);
			if (matches(t.rules[i], v))
				return static_cast<vdp_s32>(i);
		}
	}
	return -1;
}

// Outcome of evaluating an action against the device and platform.
struct Eval {
	bool unsafe;
	Reason reason;    // rule reason when applied, unsafe reason otherwise
	Verdict verdict;  // when applied
	Path path;        // when applied
	bool add33;       // show bit 33 to the driver, hide it from the device
	bool clear33;     // withhold bit 33 from the driver
	bool install;     // install a direct path
};

constexpr Eval applied(Verdict v, Reason r, Path p)
{
	return Eval{false, r, v, p, false, false, false};
}

constexpr Eval unsafe(Reason r)
{
	return Eval{true, r, Verdict::NotApplied, Path::None, false, false, false};
}

Eval evaluate(Action a, bool o33, bool xen, bool restricted, bool translating, bool direct_path,
	      Path stock)
{
	switch (a) {
	case Action::Dma:
		if (o33) // the DMA API is already in use
			return applied(Verdict::Dma, Reason::RuleDma, stock);
		if (restricted) // bit 33 is never faked past upstream's check
			return unsafe(Reason::RestrictedMem);
		if (xen) // Xen guests use the DMA API without bit 33
			return applied(Verdict::Dma, Reason::RuleDma, stock);
		if (translating)
			return unsafe(Reason::UnsafeTranslatingNoBit33);
		{
			Eval e = applied(Verdict::Dma, Reason::RuleDma, Path::DmaDirect);
			e.add33 = true;
			return e;
		}
	case Action::Direct:
		if (o33) {
			if (translating)
				return unsafe(Reason::UnsafeDirectBit33Translating);
			return applied(Verdict::Direct, Reason::RuleDirect, Path::DmaDirect);
		}
		if (restricted)
			return unsafe(Reason::RestrictedMem);
		if (xen)
			return unsafe(Reason::UnsafeXen);
		if (translating && !direct_path)
			return unsafe(Reason::UnsafeNoDirectPath);
		{
			Eval e = applied(Verdict::Direct, Reason::RuleDirect, Path::DmaDirect);
			e.add33 = true;
			e.install = translating;
			return e;
		}
	case Action::Physical:
		if (restricted)
			return unsafe(Reason::UnsafePhysicalRestricted);
		if (xen)
			return unsafe(Reason::UnsafeXen);
		{
			Eval e = applied(Verdict::Physical, Reason::RulePhysical, Path::Physical);
			e.clear33 = o33;
			return e;
		}
	case Action::Auto:
	case Action::Refuse:
	default:
		return applied(Verdict::Auto, Reason::RuleAuto, stock);
	}
}

} // namespace

} // namespace vdp

using namespace vdp;

extern "C" {

int vdp_rule_matches(const struct vdp_rule *rule, const struct vdp_device *dev,
		     const struct vdp_platform *plat)
{
	if (!rule || !dev || !plat)
		return 0;
	return rule_matches(*rule, *dev, *plat, vdp_platform_flags(plat)) ? 1 : 0;
}

void vdp_decide(const struct vdp_table *table, const struct vdp_device *dev,
		const struct vdp_platform *plat, const struct vdp_dma_facts *dma, vdp_u8 mode,
		struct vdp_decision *out)
{
	if (!out)
		return;
	*out = vdp_decision{};
	out->rule = -1;

	static constexpr vdp_device no_dev{};
	static constexpr vdp_platform no_plat{};
	static constexpr vdp_dma_facts no_dma{};
	const vdp_device &d = dev ? *dev : no_dev;
	const vdp_platform &p = plat ? *plat : no_plat;
	const vdp_dma_facts &f = dma ? *dma : no_dma;

	const Feat offered = Feat::from(d.offered);
	const bool o32 = offered.test(VDP_F_VERSION_1);
	const bool o33 = offered.test(VDP_F_ACCESS_PLATFORM);
	const bool xen = p.xen != 0;
	const bool restricted = p.restricted_mem != 0;
	// An out-of-range IOMMU value is treated as translating: the
	// conservative reading (bit 33 is then never faked).
	const bool translating = f.iommu != VDP_IOMMU_NONE && f.iommu != VDP_IOMMU_IDENTITY;
	const Path dma_path = translating ? Path::DmaIommu : Path::DmaDirect;
	const Path stock_path = (o33 || xen) ? dma_path : Path::Physical;
	const bool stock_refused = restricted && !(o32 && o33);

	// First match wins.
	const vdp_rule *rule = nullptr;
	if (table) {
		out->rule = first_match(*table, DevView(d, p, vdp_platform_flags(&p)));
		if (out->rule >= 0)
			rule = &table->rules[out->rule];
	}

	const Action action =
		rule && rule->action < VDP_ACTION_COUNT ? static_cast<Action>(rule->action) : Action::Auto;
	out->requested = u8(action);

	Verdict verdict;
	Path path;
	Reason reason;
	vdp_s32 err = 0;
	bool rule_refusal = false;
	Feat set = Feat::none(), clr = Feat::none(), hide = Feat::none();
	bool install = false;

	if (action == Action::Refuse) {
		verdict = Verdict::Refuse;
		path = Path::None;
		reason = Reason::RuleRefuse;
		err = kENODEV;
		rule_refusal = true;
	} else if (!rule || action == Action::Auto) {
		verdict = Verdict::Auto;
		path = stock_path;
		if (rule)
			reason = Reason::RuleAuto;
		else if (o33)
			reason = Reason::StockAccessPlatform;
		else if (xen)
			reason = Reason::StockXen;
		else
			reason = Reason::StockQuirk;
		if (rule)
			clr = Feat::from(rule->clear) & offered;
	} else {
		const Eval e = evaluate(action, o33, xen, restricted, translating, f.direct_path != 0,
					stock_path);
		if (!e.unsafe) {
			verdict = e.verdict;
			path = e.path;
			reason = e.reason;
			clr = Feat::from(rule->clear) & offered;
			if (e.add33) {
				set = Feat::bit(VDP_F_ACCESS_PLATFORM);
				hide = Feat::bit(VDP_F_ACCESS_PLATFORM);
			}
			if (e.clear33)
				clr = clr | Feat::bit(VDP_F_ACCESS_PLATFORM);
			install = e.install;
		} else if (rule->fallback == VDP_FALLBACK_REFUSE) {
			verdict = Verdict::Refuse;
			path = Path::None;
			reason = e.reason;
			err = kENODEV;
			rule_refusal = true;
		} else {
			verdict = Verdict::NotApplied;
			path = stock_path;
			reason = e.reason;
		}
	}

	// Upstream's restricted-memory check in virtio_features_ok(), on the
	// features the driver will see.  Never overridden.
	if (verdict != Verdict::Refuse && restricted) {
		const Feat view = (offered & ~clr) | set;
		if (!view.test(VDP_F_VERSION_1) || !view.test(VDP_F_ACCESS_PLATFORM)) {
			verdict = Verdict::Refuse;
			path = Path::None;
			reason = Reason::RestrictedMem;
			err = kENODEV;
		}
	}

	out->verdict = u8(verdict);
	out->reason = u8(reason);
	// Any mode other than enforce (including out-of-range values) only
	// reports: nothing is changed.
	if (mode != VDP_MODE_ENFORCE) {
		out->audit = 1;
		out->path = u8(stock_refused ? Path::None : stock_path);
		out->err = stock_refused ? kENODEV : 0;
		return;
	}
	out->path = u8(path);
	out->err = err;
	set.to(out->driver_set);
	clr.to(out->driver_clear);
	hide.to(out->device_hide);
	out->install_direct_path = install ? 1 : 0;
	out->edits = (set.any() || clr.any() || hide.any() || install || rule_refusal) ? 1 : 0;
}

int vdp_append_builtin(struct vdp_table *table, vdp_u8 pseries_bounce)
{
	if (!table)
		return -1;
	const bool was_indexed = table->indexed == table->count;
	if (pseries_bounce == VDP_PSERIES_BOUNCE_OFF) {
		if (!was_indexed)
			vdp_table_reindex(table);
		return 0;
	}
	if (pseries_bounce != VDP_PSERIES_BOUNCE_AUTO && pseries_bounce != VDP_PSERIES_BOUNCE_ON)
		return -1;
	if (table->count >= VDP_MAX_RULES)
		return -1;
	vdp_rule &r = table->rules[table->count];
	zero_rule(r);
	r.match = VDP_MATCH_LACKS | VDP_MATCH_PLATFORM;
	vdp_feat_set(&r.lacks, VDP_F_ACCESS_PLATFORM);
	r.platform = VDP_PLAT_PSERIES;
	if (pseries_bounce == VDP_PSERIES_BOUNCE_AUTO)
		r.platform |= VDP_PLAT_SECURE;
	r.action = VDP_ACTION_DIRECT;
	r.fallback = VDP_FALLBACK_STOCK;
	r.flags = VDP_RULE_BUILTIN;
	if (was_indexed) {
		index_rule(*table, table->count);
		table->count++;
		table->indexed = table->count;
	} else {
		table->count++;
		vdp_table_reindex(table);
	}
	return 0;
}

void vdp_table_reindex(struct vdp_table *table)
{
	if (!table)
		return;
	const vdp_u32 n = table->count < VDP_MAX_RULES ? table->count : VDP_MAX_RULES;
	for (vdp_u32 i = 0; i < n; i++)
		index_rule(*table, i);
	table->indexed = table->count;
}

vdp_u32 vdp_table_builtin_count(const struct vdp_table *table)
{
	if (!table)
		return 0;
	const vdp_u32 n = table->count < VDP_MAX_RULES ? table->count : VDP_MAX_RULES;
	vdp_u32 builtin = 0;
	for (vdp_u32 i = 0; i < n; i++)
		if (table->rules[i].flags & VDP_RULE_BUILTIN)
			builtin++;
	return builtin;
}

} // extern "C"

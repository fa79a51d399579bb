// SPDX-License-Identifier: GPL-2.0
//
// Rule matching and the policy decision.  Read top-down, this file is the
// README: "Rule grammar" (the match keys, first match wins), then
// "Decision and safety table" (kRows, one line per row of the README's
// table), then vdp_decide(), which applies them in the README's order.
// Pure functions of their arguments.
#include "vdp_core.hpp"

namespace vdp {

// ------------------------------------------------------------------
// Matching (README "Rule grammar": all present keys must match)
// ------------------------------------------------------------------

// bus= / name=: exact, or a prefix when the pattern ends with '*'.  Both
// buffers are VDP_NAME_LEN bytes; either may lack a NUL (a device name of
// exactly VDP_NAME_LEN bytes, a hand-made rule).
static bool pattern_match(const char *pat, const char *name)
{
	for (vdp_size i = 0; i < VDP_NAME_LEN; i++) {
		const char p = pat[i];
		if (p == '*' && (i + 1 == VDP_NAME_LEN || pat[i + 1] == '\0'))
			return true; // the prefix before the '*' matched
		if (p != name[i])
			return false;
		if (p == '\0')
			return true; // both end here
	}
	return true; // equal over the whole buffer
}

// pci= / subsys= halves: '*' (VDP_ANY_ID) or equal.
static bool id_match(vdp_u32 want, vdp_u32 have)
{
	return want == VDP_ANY_ID || want == have;
}

// The keys in the README's order.
bool rule_matches(const vdp_rule &r, const vdp_device &d, const vdp_platform &p,
		  vdp_u32 plat_flags)
{
	const vdp_u32 m = r.match;
	const Feat offered = Feat::from(d.offered);

	if ((m & VDP_MATCH_ID) && r.device_id != d.device_id)
		return false;
	if ((m & VDP_MATCH_VENDOR) && r.vendor_id != d.vendor_id)
		return false;
	if ((m & VDP_MATCH_TRANSPORT) && r.transport != d.transport)
		return false;
	if ((m & VDP_MATCH_PCI) &&
	    !(d.is_pci && id_match(r.pci_vendor, d.pci_vendor) && id_match(r.pci_device, d.pci_device)))
		return false;
	if ((m & VDP_MATCH_SUBSYS) &&
	    !(d.is_pci && id_match(r.sub_vendor, d.sub_vendor) && id_match(r.sub_device, d.sub_device)))
		return false;
	if ((m & VDP_MATCH_BUS) && !pattern_match(r.bus, d.bus))
		return false;
	if ((m & VDP_MATCH_NAME) && !pattern_match(r.name, d.name))
		return false;
	if ((m & VDP_MATCH_HAS) && !offered.contains(Feat::from(r.has)))
		return false;
	if ((m & VDP_MATCH_LACKS) && offered.intersects(Feat::from(r.lacks)))
		return false;
	if ((m & VDP_MATCH_PLATFORM) && (r.platform & plat_flags) != r.platform)
		return false;
	if ((m & VDP_MATCH_ARCH) && r.arch != p.arch)
		return false;
	return true;
}

// First match wins: the index of the first matching rule, -1 for none.
static vdp_s32 first_match(const vdp_table &t, const vdp_device &d, const vdp_platform &p)
{
	const vdp_u32 flags = vdp_platform_flags(&p);
	const vdp_u32 n = table_used(t);

	for (vdp_u32 i = 0; i < n; i++)
		if (rule_matches(t.rules[i], d, p, flags))
			return static_cast<vdp_s32>(i);
	return -1;
}

// ------------------------------------------------------------------
// README "Decision and safety table": the rows for dma, direct and physical
// ------------------------------------------------------------------

namespace {

// The facts the rows test, one line each, in the order of the rows'
// columns.  A new fact is a line here, its value in vdp_decide() and its
// column in kRows (and in the README's table, which the tests read).
#define VDP_ROW_FACTS(X)                                                    \
	X(bounce)         /* the rule opts in (restricted=bounce)        */ \
	X(o33)            /* the device offers bit 33                    */ \
	X(v1)             /* ... VERSION_1                               */ \
	X(xen)            /* a Xen guest                                 */ \
	X(restricted)     /* restricted memory (virtio_check_mem_acc_cb) */ \
	X(secure)         /* a secure or memory-encrypted guest          */ \
	X(translating)    /* the DMA device sits behind a translating IOMMU */ \
	X(direct_path)    /* a direct path can be installed for it       */ \
	X(swiotlb)        /* its mappings are forced through SWIOTLB     */ \
	X(no_bounce_type) /* a device type of the no-bounce table        */ \
	X(shm)            /* the device has a shared-memory region       */

#define VDP_FACT_ONE(m) +1
constexpr unsigned kFacts = 0 VDP_ROW_FACTS(VDP_FACT_ONE);
#undef VDP_FACT_ONE

// A condition on one fact: either value, or only true, or only false.
enum class C : vdp_u8 { Any, Yes, No };

constexpr bool holds(C c, bool v)
{
	return c == C::Any || (c == C::Yes) == v;
}

// What an applied row changes.  Bit 33 shown to the driver is always
// hidden from the device (it never offered it); physical withholds an
// offered bit 33 from the driver.
enum class Edit : vdp_u8 {
	None,
	Show33,            // show bit 33 to the driver: the DMA API is used
	Show33Install,     // ... and install a direct path (translating IOMMU)
	Withhold33,        // withhold an offered bit 33 from the driver
};

// The path of an applied row: the stock one, or a fixed one.
enum class P : vdp_u8 { Stock, DmaDirect, Physical };

struct Row {
	Action action;
#define VDP_FACT_COND(m) C m;
	VDP_ROW_FACTS(VDP_FACT_COND)
#undef VDP_FACT_COND
	bool applied;      // false: "not applied" (or refused with else=refuse)
	Verdict verdict;   // when applied
	P path;            // when applied
	Reason reason;
	Edit edit;
};

using A = Action;
using V = Verdict;
using R = Reason;
constexpr C Y = C::Yes, N = C::No, _ = C::Any;
constexpr bool ok = true, unsafe = false;

// First matching row wins.  The restricted-memory rows come before the
// Xen and IOMMU ones: bit 33 is never faked past upstream's check, except
// by a direct rule that opts in (restricted=bounce) for a VERSION_1 device
// that bouncing covers: those rows come first of all.
// physical relies on nothing the device may do: withholding bit 33 from a
// translated device that offers it, or physical addresses of a secure
// guest's private memory, are never applied (a device MAY refuse
// FEATURES_OK without bit 33, QEMU's does, VDUSE's kernel side does not).
constexpr Row kRows[] = {
	//  action    bnc O33 V1 Xen res sec tra dpa swt typ shm  applied verdict       path          reason                             edit
	{A::Dma,      _, Y, _, _, _, _, _, _, _, _, _,  ok,     V::Dma,        P::Stock,     R::RuleDma,                        Edit::None},
	{A::Dma,      _, N, _, _, Y, _, _, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::RestrictedMem,                  Edit::None},
	{A::Dma,      _, N, _, Y, N, _, _, _, _, _, _,  ok,     V::Dma,        P::Stock,     R::RuleDma,                        Edit::None},
	{A::Dma,      _, N, _, N, N, _, Y, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafeTranslatingNoBit33,       Edit::None},
	{A::Dma,      _, N, _, N, N, _, N, _, _, _, _,  ok,     V::Dma,        P::DmaDirect, R::RuleDma,                        Edit::Show33},

	{A::Direct,   Y, _, N, _, Y, _, _, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::BounceLegacy,                   Edit::None},
	{A::Direct,   Y, N, Y, _, Y, _, _, _, _, Y, _,  unsafe, V::NotApplied, P::Stock,     R::BounceDeviceType,               Edit::None},
	{A::Direct,   Y, N, Y, _, Y, _, _, _, _, N, Y,  unsafe, V::NotApplied, P::Stock,     R::BounceShmRegion,                Edit::None},
	{A::Direct,   Y, N, Y, Y, Y, _, _, _, _, N, N,  unsafe, V::NotApplied, P::Stock,     R::UnsafeXen,                      Edit::None},
	{A::Direct,   Y, N, Y, N, Y, _, _, _, N, N, N,  unsafe, V::NotApplied, P::Stock,     R::BounceNoSwiotlb,                Edit::None},
	{A::Direct,   Y, N, Y, N, Y, _, Y, Y, Y, N, N,  ok,     V::Direct,     P::DmaDirect, R::RestrictedBounce,               Edit::Show33Install},
	{A::Direct,   Y, N, Y, N, Y, _, Y, N, Y, N, N,  unsafe, V::NotApplied, P::Stock,     R::UnsafeNoDirectPath,             Edit::None},
	{A::Direct,   Y, N, Y, N, Y, _, N, _, Y, N, N,  ok,     V::Direct,     P::DmaDirect, R::RestrictedBounce,               Edit::Show33},

	{A::Direct,   _, Y, _, _, _, _, Y, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafeDirectBit33Translating,   Edit::None},
	{A::Direct,   _, Y, _, _, _, _, N, _, _, _, _,  ok,     V::Direct,     P::DmaDirect, R::RuleDirect,                     Edit::None},
	{A::Direct,   _, N, _, _, Y, _, _, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::RestrictedMem,                  Edit::None},
	{A::Direct,   _, N, _, Y, N, _, _, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafeXen,                      Edit::None},
	{A::Direct,   _, N, _, N, N, _, Y, Y, _, _, _,  ok,     V::Direct,     P::DmaDirect, R::RuleDirect,                     Edit::Show33Install},
	{A::Direct,   _, N, _, N, N, _, Y, N, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafeNoDirectPath,             Edit::None},
	{A::Direct,   _, N, _, N, N, _, N, _, _, _, _,  ok,     V::Direct,     P::DmaDirect, R::RuleDirect,                     Edit::Show33},

	{A::Physical, _, _, _, _, Y, _, _, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafePhysicalRestricted,       Edit::None},
	{A::Physical, _, _, _, Y, N, _, _, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafeXen,                      Edit::None},
	{A::Physical, _, _, _, N, N, Y, _, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafePhysicalSecure,           Edit::None},
	{A::Physical, _, Y, _, N, N, N, Y, _, _, _, _,  unsafe, V::NotApplied, P::Stock,     R::UnsafePhysicalBit33Translating, Edit::None},
	{A::Physical, _, _, _, N, N, N, _, _, _, _, _,  ok,     V::Physical,   P::Physical,  R::RulePhysical,                   Edit::Withhold33},
};

struct Facts {
#define VDP_FACT_BOOL(m) bool m;
	VDP_ROW_FACTS(VDP_FACT_BOOL)
#undef VDP_FACT_BOOL
};

constexpr bool row_holds(const Row &r, Action a, const Facts &f)
{
#define VDP_FACT_HOLDS(m) &&holds(r.m, f.m)
	return r.action == a VDP_ROW_FACTS(VDP_FACT_HOLDS);
#undef VDP_FACT_HOLDS
}

// The row for an action and facts; nullptr for auto and refuse (which
// have no safety rows) and only then.
constexpr const Row *find_row(Action a, const Facts &f)
{
	for (const Row &r : kRows)
		if (row_holds(r, a, f))
			return &r;
	return nullptr;
}

// Combination number bits: fact i (in the list's order) is bit i.
constexpr Facts facts_of_bits(unsigned bits)
{
	Facts f{};
	unsigned i = 0;
#define VDP_FACT_BIT(m) f.m = (bits >> i++) & 1;
	VDP_ROW_FACTS(VDP_FACT_BIT)
#undef VDP_FACT_BIT
	return f;
}

// Every combination of facts has a row, for each action that has rows.
constexpr bool rows_cover_everything()
{
	constexpr Action with_rows[] = {Action::Dma, Action::Direct, Action::Physical};
	for (Action a : with_rows)
		for (unsigned bits = 0; bits < 1u << kFacts; bits++)
			if (!find_row(a, facts_of_bits(bits)))
				return false;
	return true;
}
static_assert(rows_cover_everything(), "kRows leaves a combination of facts without a row");

// The opt-in applies to a VERSION_1 device without bit 33, in a
// restricted-memory guest, and to nothing else: every other combination
// decides as if the rule had not opted in.
constexpr bool bounce_changes_only_its_rows()
{
	for (unsigned bits = 0; bits < 1u << kFacts; bits++) {
		const Facts f = facts_of_bits(bits);
		if (f.bounce)
			continue;
		if (f.restricted && !f.o33)
			continue;
		if (f.restricted && !f.v1) // bounce-legacy: a refusal either way
			continue;
		Facts opted = f;
		opted.bounce = true;
		if (find_row(Action::Direct, f) != find_row(Action::Direct, opted))
			return false;
	}
	return true;
}
static_assert(bounce_changes_only_its_rows(), "restricted=bounce changes a row it should not");

// A device type of one of the core's tables, with the driver and what it
// does (read from the drivers of 6.1, 6.12 and 7.2).
struct TypeNote {
	vdp_u32 device_id;
	const char *why;
};

template <vdp_size N> const char *note_of(const TypeNote (&table)[N], vdp_u32 device_id)
{
	for (const TypeNote &t : table)
		if (t.device_id == device_id)
			return t.why;
	return nullptr;
}

// The core's no-bounce table (README "Restricted-memory guests"): device
// types whose drivers hand the device guest memory outside the DMA API.
constexpr TypeNote kNoBounce[] = {
	{5, "virtio_balloon: page frame numbers of guest pages; its validate() clears bit 33"},
	{23, "virtio-iommu: guest-physical addresses of the pages it maps"},
	{24, "virtio_mem: guest-physical ranges to plug and unplug"},
	{27, "virtio_pmem: a host region mapped as guest memory"},
};

// The core's no-direct table (README "The direct path"): device types
// whose drivers map memory on the transport's DMA device outside their
// virtqueues with mappings that outlive the driver's remove.  The restore
// at unbind would hand such a direct mapping to the IOMMU's unmap, so no
// direct path is ever installed for them.
constexpr TypeNote kNoDirect[] = {
	{11, "virtio_console (rproc-serial): buffers on the parent freed after its remove"},
	{16, "virtio-gpu: shmem objects mapped on the parent, kept by user space past its remove"},
};

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

// The decision, in the order of the README's table: the stock rows (no
// rule, or action=auto), refuse, the safety rows of kRows, else=, and on
// top of everything upstream's restricted-memory check.
void vdp_decide(const struct vdp_table *table, const struct vdp_device *dev,
		const struct vdp_platform *plat, const struct vdp_dma_facts *dma, vdp_u8 mode,
		struct vdp_decision *out)
{
	if (!out)
		return;
	*out = vdp_decision{};

	static constexpr vdp_device no_dev{};
	static constexpr vdp_platform no_plat{};
	static constexpr vdp_dma_facts no_dma{};
	const vdp_device &d = dev ? *dev : no_dev;
	const vdp_platform &p = plat ? *plat : no_plat;
	const vdp_dma_facts &f = dma ? *dma : no_dma;

	const Feat offered = Feat::from(d.offered);
	const Feat bit33 = Feat::bit(VDP_F_ACCESS_PLATFORM);
	out->rule = table ? first_match(*table, d, p) : -1;
	const vdp_rule *rule = out->rule >= 0 ? &table->rules[out->rule] : nullptr;
	const Facts facts{
		.bounce = rule && (rule->flags & VDP_RULE_RESTRICTED_BOUNCE) != 0,
		.o33 = offered.test(VDP_F_ACCESS_PLATFORM),
		.v1 = offered.test(VDP_F_VERSION_1),
		.xen = p.xen != 0,
		.restricted = p.restricted_mem != 0,
		.secure = p.secure_guest != 0,
		// An out-of-range IOMMU value is treated as translating: the
		// conservative reading (bit 33 is then never faked).
		.translating = f.iommu != VDP_IOMMU_NONE && f.iommu != VDP_IOMMU_IDENTITY,
		// (a direct path the platform has is never installed for a
		// device type whose mappings outlive its driver)
		.direct_path = f.direct_path != 0 && vdp_no_direct_type(d.device_id) == nullptr,
		.swiotlb = p.swiotlb_forced != 0,
		.no_bounce_type = vdp_no_bounce_type(d.device_id) != nullptr,
		.shm = d.shm_region != 0,
	};
	const Path dma_path = facts.translating ? Path::DmaIommu : Path::DmaDirect;
	const Path stock_path = (facts.o33 || facts.xen) ? dma_path : Path::Physical;
	const bool stock_refused = facts.restricted && !(facts.v1 && facts.o33);

	const Action action =
		rule && rule->action < VDP_ACTION_COUNT ? static_cast<Action>(rule->action) : Action::Auto;
	out->requested = u8(action);

	Verdict verdict = Verdict::Auto;
	Path path = stock_path;
	Reason reason;
	vdp_s32 err = 0;
	bool rule_refusal = false;
	Feat set = Feat::none(), clr = Feat::none(), hide = Feat::none();
	bool install = false;
	const Row *row = find_row(action, facts);

	if (!rule) { // (no rule): the three stock rows
		reason = facts.o33 ? Reason::StockAccessPlatform
				   : facts.xen ? Reason::StockXen : Reason::StockQuirk;
	} else if (action == Action::Refuse) {
		verdict = Verdict::Refuse;
		path = Path::None;
		reason = Reason::RuleRefuse;
		err = kENODEV;
		rule_refusal = true;
	} else if (!row) { // auto | any | auto | stock | rule-auto
		reason = Reason::RuleAuto;
		clr = Feat::from(rule->clear) & offered;
	} else if (row->applied) {
		verdict = row->verdict;
		path = row->path == P::Stock ? stock_path
		       : row->path == P::DmaDirect ? Path::DmaDirect : Path::Physical;
		reason = row->reason;
		clr = Feat::from(rule->clear) & offered;
		if (row->edit == Edit::Show33 || row->edit == Edit::Show33Install) {
			set = bit33;
			hide = bit33;
		}
		if (row->edit == Edit::Withhold33)
			clr = clr | (bit33 & offered);
		install = row->edit == Edit::Show33Install;
	} else if (rule->fallback == VDP_FALLBACK_REFUSE) { // not applied, else=refuse
		verdict = Verdict::Refuse;
		path = Path::None;
		reason = row->reason;
		err = kENODEV;
		rule_refusal = true;
	} else { // not applied: the stock decision stays
		verdict = Verdict::NotApplied;
		reason = row->reason;
	}

	// any | restricted-memory guest, final features lack VERSION_1 or bit
	// 33 | refuse: upstream's check in virtio_features_ok(), on the
	// features the driver will see.  Never overridden.  A rule that opted
	// in (restricted=bounce) and was not applied keeps its reason: it
	// says why the opt-in did not help.
	if (verdict != Verdict::Refuse && facts.restricted) {
		const Feat view = (offered & ~clr) | set;
		if (!view.test(VDP_F_VERSION_1) || !view.test(VDP_F_ACCESS_PLATFORM)) {
			if (!(facts.bounce && verdict == Verdict::NotApplied))
				reason = Reason::RestrictedMem;
			verdict = Verdict::Refuse;
			path = Path::None;
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
	if (pseries_bounce == VDP_PSERIES_BOUNCE_OFF)
		return 0;
	if (pseries_bounce != VDP_PSERIES_BOUNCE_AUTO && pseries_bounce != VDP_PSERIES_BOUNCE_ON)
		return -1;
	if (table->count >= table_capacity(*table))
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
	table->count++;
	return 0;
}

const char *vdp_no_bounce_type(vdp_u32 device_id)
{
	return note_of(kNoBounce, device_id);
}

const char *vdp_no_direct_type(vdp_u32 device_id)
{
	return note_of(kNoDirect, device_id);
}

vdp_u32 vdp_table_builtin_count(const struct vdp_table *table)
{
	if (!table)
		return 0;
	const vdp_u32 n = table_used(*table);
	vdp_u32 builtin = 0;
	for (vdp_u32 i = 0; i < n; i++)
		if (table->rules[i].flags & VDP_RULE_BUILTIN)
			builtin++;
	return builtin;
}

} // extern "C"

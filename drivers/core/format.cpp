// SPDX-License-Identifier: GPL-2.0
//
// The rules printer: canonical form of a rule / table in the grammar of
// README.md.  snprintf semantics: returns the full length, writes at most
// size bytes including the NUL.  parse(format(t)) == t for parsed tables.
#include "vdp_core.hpp"

namespace vdp {
namespace {

// Terms of one rule, separated by ','.
class RuleFmt {
public:
	explicit RuleFmt(Out &w) : w_(w), first_(true) {}

	// "key=" (or the bare flag "key" when value is false).
	Out &key(const char *k, bool value = true)
	{
		if (!first_)
			w_.c(',');
		first_ = false;
		w_.s(k);
		return value ? w_.c('=') : w_;
	}
	// key=VVVV:DDDD, either half may be '*'.
	void ids(const char *k, vdp_u32 hi, vdp_u32 lo)
	{
		key(k);
		id_half(hi);
		w_.c(':');
		id_half(lo);
	}
	// key=N+N+... over the set bits.
	void bits(const char *k, const vdp_features &f)
	{
		key(k);
		bool first = true;
		for (unsigned b = 0; b < VDP_FEATURE_BITS; b++) {
			if (vdp_feat_test(&f, b))
				plus(first).dec(b);
		}
	}
	// key=flag+flag+... over the platform flags.
	void platform(const char *k, vdp_u32 flags)
	{
		key(k);
		bool first = true;
		for (unsigned b = 0; platform_flag_name(b); b++) {
			if (flags & (1u << b))
				plus(first).s(platform_flag_name(b));
		}
	}

private:
	Out &plus(bool &first)
	{
		if (!first)
			w_.c('+');
		first = false;
		return w_;
	}
	void id_half(vdp_u32 v)
	{
		if (v == VDP_ANY_ID)
			w_.c('*');
		else
			w_.hex(v & 0xffffu, 4);
	}
	Out &w_;
	bool first_;
};

void format_rule(const vdp_rule &r, Out &w)
{
	RuleFmt f(w);
	const vdp_u32 m = r.match;
	if (m & VDP_MATCH_ID) {
		Out &v = f.key("id");
		if (const char *n = device_id_name(r.device_id))
			v.s(n);
		else
			v.dec(r.device_id);
	}
	if (m & VDP_MATCH_VENDOR)
		f.key("vendor").s("0x").hex(r.vendor_id, 1);
	if (m & VDP_MATCH_TRANSPORT)
		f.key("transport").s(vdp_transport_name(r.transport));
	if (m & VDP_MATCH_PCI)
		f.ids("pci", r.pci_vendor, r.pci_device);
	if (m & VDP_MATCH_SUBSYS)
		f.ids("subsys", r.sub_vendor, r.sub_device);
	if (m & VDP_MATCH_BUS)
		f.key("bus").sn(r.bus, VDP_NAME_LEN);
	if (m & VDP_MATCH_NAME)
		f.key("name").sn(r.name, VDP_NAME_LEN);
	if (m & VDP_MATCH_HAS)
		f.bits("has", r.has);
	if (m & VDP_MATCH_LACKS)
		f.bits("lacks", r.lacks);
	if (m & VDP_MATCH_PLATFORM)
		f.platform("platform", r.platform);
	if (m & VDP_MATCH_ARCH)
		f.key("arch").s(vdp_arch_name(r.arch));
	f.key("action").s(vdp_action_name(r.action));
	if (feat_any(r.clear))
		f.bits("clear", r.clear);
	if (r.fallback == VDP_FALLBACK_REFUSE)
		f.key("else").s("refuse");
	if (r.flags & VDP_RULE_RESTRICTED_BOUNCE)
		f.key("restricted").s("bounce");
	if (r.flags & VDP_RULE_BUILTIN)
		f.key("builtin", false);
}

} // namespace
} // namespace vdp

using namespace vdp;

extern "C" {

vdp_size vdp_format_rule(const struct vdp_rule *rule, char *buf, vdp_size size)
{
	Out w(buf, size);
	if (rule)
		format_rule(*rule, w);
	return w.len();
}

vdp_size vdp_format_platform(const struct vdp_platform *plat, char *buf, vdp_size size)
{
	Out w(buf, size);
	if (plat) {
		RuleFmt f(w);
		f.key("arch").s(vdp_arch_name(plat->arch));
		f.key("gen").s(vdp_gen_name(plat->gen));
		const vdp_u32 flags = vdp_platform_flags(plat);
		if (flags)
			f.platform("platform", flags);
	}
	return w.len();
}

vdp_size vdp_format_table(const struct vdp_table *table, char *buf, vdp_size size)
{
	Out w(buf, size);
	if (table) {
		const vdp_u32 n = table_used(*table);
		for (vdp_u32 i = 0; i < n; i++) {
			if (i)
				w.c(';');
			format_rule(table->rules[i], w);
		}
	}
	return w.len();
}

} // extern "C"

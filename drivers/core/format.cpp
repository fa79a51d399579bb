// SPDX-License-Identifier: GPL-2.0
//
// The rules printer: canonical form of a rule / table in the grammar of
// README.md.  snprintf semantics: returns the full length, writes at most
// size bytes including the NUL.  parse(format(t)) == t for parsed tables.
#include "vdp_core.hpp"

namespace vdp {
namespace {

class Writer {
public:
	Writer(char *buf, vdp_size size) : buf_(buf), size_(size), len_(0) {}

	void c(char ch)
	{
		if (buf_ && len_ + 1 < size_)
			buf_[len_] = ch;
		len_++;
	}
	void s(const char *str)
	{
		while (*str)
			c(*str++);
	}
	void dec(vdp_u64 v)
	{
		char tmp[24];
		int n = 0;
		do {
			tmp[n++] = static_cast<char>('0' + v % 10);
			v /= 10;
		} while (v && n < 24);
		while (n)
			c(tmp[--n]);
	}
	void hex(vdp_u64 v, int min_digits)
	{
		const char *d = "0123456789abcdef";
		char tmp[16];
		int n = 0;
		do {
			tmp[n++] = d[v & 15];
			v >>= 4;
		} while ((v || n < min_digits) && n < 16);
		while (n)
			c(tmp[--n]);
	}
	void name(const char *pat)
	{
		for (vdp_size i = 0; i < VDP_NAME_LEN && pat[i]; i++)
			c(pat[i]);
	}
	vdp_size finish()
	{
		if (buf_ && size_)
			buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
		return len_;
	}

private:
	char *buf_;
	vdp_size size_;
	vdp_size len_;
};

class RuleFmt {
public:
	explicit RuleFmt(Writer &w) : w_(w), first_(true) {}

	void key(const char *k)
	{
		if (!first_)
			w_.c(',');
		first_ = false;
		w_.s(k);
		w_.c('=');
	}
	void flag(const char *k)
	{
		if (!first_)
			w_.c(',');
		first_ = false;
		w_.s(k);
	}
	void pci_half(vdp_u32 v)
	{
		if (v == VDP_ANY_ID)
			w_.c('*');
		else
			w_.hex(v & 0xffffu, 4);
	}
	void bits(const vdp_features &f)
	{
		bool first = true;
		for (unsigned b = 0; b < VDP_FEATURE_BITS; b++) {
			if (!vdp_feat_test(&f, b))
				continue;
			if (!first)
				w_.c('+');
			first = false;
			w_.dec(b);
		}
	}
	Writer &w() { return w_; }

private:
	Writer &w_;
	bool first_;
};

void format_rule(const vdp_rule &r, Writer &w)
{
	RuleFmt f(w);
	const vdp_u32 m = r.match;
	if (m & VDP_MATCH_ID) {
		f.key("id");
		if (const char *n = device_id_name(r.device_id))
			w.s(n);
		else
			w.dec(r.device_id);
	}
	if (m & VDP_MATCH_VENDOR) {
		f.key("vendor");
		w.s("0x");
		w.hex(r.vendor_id, 1);
	}
	if (m & VDP_MATCH_TRANSPORT) {
		f.key("transport");
		w.s(vdp_transport_name(r.transport));
	}
	if (m & VDP_MATCH_PCI) {
		f.key("pci");
		f.pci_half(r.pci_vendor);
		w.c(':');
		f.pci_half(r.pci_device);
	}
	if (m & VDP_MATCH_SUBSYS) {
		f.key("subsys");
		f.pci_half(r.sub_vendor);
		w.c(':');
		f.pci_half(r.sub_device);
	}
	if (m & VDP_MATCH_BUS) {
		f.key("bus");
		w.name(r.bus);
	}
	if (m & VDP_MATCH_NAME) {
		f.key("name");
		w.name(r.name);
	}
	if (m & VDP_MATCH_HAS) {
		f.key("has");
		f.bits(r.has);
	}
	if (m & VDP_MATCH_LACKS) {
		f.key("lacks");
		f.bits(r.lacks);
	}
	if (m & VDP_MATCH_PLATFORM) {
		f.key("platform");
		bool first = true;
		for (unsigned b = 0; platform_flag_name(b); b++) {
			if (!(r.platform & (1u << b)))
				continue;
			if (!first)
				w.c('+');
			first = false;
			w.s(platform_flag_name(b));
		}
	}
	if (m & VDP_MATCH_ARCH) {
		f.key("arch");
		w.s(vdp_arch_name(r.arch));
	}
	f.key("action");
	w.s(vdp_action_name(r.action));
	if (feat_any(r.clear)) {
		f.key("clear");
		f.bits(r.clear);
	}
	if (r.fallback == VDP_FALLBACK_REFUSE) {
		f.key("else");
		w.s("refuse");
	}
	if (r.flags & VDP_RULE_BUILTIN)
		f.flag("builtin");
}

} // namespace
} // namespace vdp

using namespace vdp;

extern "C" {

vdp_size vdp_format_rule(const struct vdp_rule *rule, char *buf, vdp_size size)
{
	Writer w(buf, size);
	if (rule)
		format_rule(*rule, w);
	return w.finish();
}

vdp_size vdp_format_table(const struct vdp_table *table, char *buf, vdp_size size)
{
	Writer w(buf, size);
	if (table) {
		const vdp_u32 n = table->count < VDP_MAX_RULES ? table->count : VDP_MAX_RULES;
		for (vdp_u32 i = 0; i < n; i++) {
			if (i)
				w.c(';');
			format_rule(table->rules[i], w);
		}
	}
	return w.finish();
}

} // extern "C"

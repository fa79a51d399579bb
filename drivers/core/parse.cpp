// SPDX-License-Identifier: GPL-2.0
//
// The rules parser: exactly the grammar of README.md ("Rule grammar").
//
//   rules = [ rule *( ";" rule ) ] [ "\n" ]
//   rule  = term *( "," term )
//   term  = key "=" value | "builtin"
//
// Strict: no whitespace, every key at most once per rule, every rule needs
// action=.  Never reads past len, never writes past the result buffers.
// Errors report the byte offset of the offending token's first character.
#include "vdp_core.hpp"

namespace vdp {
namespace {

enum class Key : vdp_u8 {
	Id, Vendor, Transport, Pci, Subsys, Bus, Name, Has, Lacks, Platform, Arch,
	Action, Clear, Else, Restricted, Builtin, Count
};

const char *key_name(Key k)
{
	switch (k) {
	case Key::Id: return "id";
	case Key::Vendor: return "vendor";
	case Key::Transport: return "transport";
	case Key::Pci: return "pci";
	case Key::Subsys: return "subsys";
	case Key::Bus: return "bus";
	case Key::Name: return "name";
	case Key::Has: return "has";
	case Key::Lacks: return "lacks";
	case Key::Platform: return "platform";
	case Key::Arch: return "arch";
	case Key::Action: return "action";
	case Key::Clear: return "clear";
	case Key::Else: return "else";
	case Key::Restricted: return "restricted";
	case Key::Builtin: return "builtin";
	case Key::Count: break;
	}
	return "?";
}

bool lookup_key(const char *s, vdp_size n, Key *out)
{
	for (vdp_u8 k = 0; k < u8(Key::Count); k++) {
		if (tok_eq(s, n, key_name(static_cast<Key>(k)))) {
			*out = static_cast<Key>(k);
			return true;
		}
	}
	return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool is_pattern_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
	       c == '_' || c == ':' || c == '-';
}

class Parser {
public:
	Parser(const char *text, vdp_size n, vdp_table *out, vdp_parse_result *res)
		: s_(text), n_(n), out_(out), res_(res), rule_idx_(0)
	{
	}

	vdp_u32 run();

private:
	vdp_u32 parse_rule(vdp_size b, vdp_size e, vdp_rule &r);
	vdp_u32 parse_term(vdp_size b, vdp_size e, vdp_rule &r, vdp_u32 &seen,
			   vdp_size *else_off, vdp_size *restricted_off);
	vdp_u32 parse_value(Key k, vdp_size b, vdp_size e, vdp_rule &r);
	vdp_u32 parse_number(Key k, vdp_size b, vdp_size e, vdp_u64 max, vdp_u64 *out,
			     const char *range);
	vdp_u32 parse_bits(Key k, vdp_size b, vdp_size e, vdp_features *out);
	vdp_u32 parse_pci(Key k, vdp_size b, vdp_size e, vdp_u32 *hi, vdp_u32 *lo);
	vdp_u32 parse_half(Key k, vdp_size b, vdp_size e, vdp_u32 *out);
	vdp_u32 parse_pattern(Key k, vdp_size b, vdp_size e, char *out);

	// Start an error report: status, offset, and the message writer.
	Out fail(vdp_u32 status, vdp_size off)
	{
		res_->status = status;
		res_->offset = static_cast<vdp_u32>(off);
		res_->rule = rule_idx_;
		return Out(res_->message, sizeof(res_->message));
	}
	vdp_u32 bad_value(Key k, vdp_size b, vdp_size e)
	{
		fail(VDP_PARSE_BAD_VALUE, b)
			.s("bad value '").tok(s_ + b, e - b).s("' for '").s(key_name(k)).s("'");
		return VDP_PARSE_BAD_VALUE;
	}
	// VDP_PARSE_OK when a lookup knew the value [b, e) of k.
	vdp_u32 known(bool ok, Key k, vdp_size b, vdp_size e)
	{
		return ok ? vdp_u32{VDP_PARSE_OK} : bad_value(k, b, e);
	}
	// An unknown (or empty) platform flag [b, e).
	vdp_u32 unknown_flag(vdp_size b, vdp_size e)
	{
		fail(VDP_PARSE_BAD_VALUE, b)
			.s("unknown platform flag '").tok(s_ + b, e - b)
			.s("' (xen, restricted, pseries, secure, swiotlb)");
		return VDP_PARSE_BAD_VALUE;
	}
	vdp_u32 out_of_range(Key k, vdp_size b, vdp_size e, const char *range)
	{
		fail(VDP_PARSE_OUT_OF_RANGE, b)
			.s("value ").tok(s_ + b, e - b).s(" out of range for '").s(key_name(k))
			.s("' (").s(range).s(")");
		return VDP_PARSE_OUT_OF_RANGE;
	}
	vdp_size find(char c, vdp_size b, vdp_size e) const
	{
		while (b < e && s_[b] != c)
			b++;
		return b;
	}
	// Walks the items of [b, e) (b < e) separated by sep: item(t, te) for
	// each non-empty one, empty(off) for an empty one (off is where it
	// would start, or the separator before it at the end of the range).
	// Stops at the first status other than VDP_PARSE_OK.
	template <typename Empty, typename Item>
	vdp_u32 each(char sep, vdp_size b, vdp_size e, Empty empty, Item item)
	{
		for (vdp_size t = b;;) {
			const vdp_size te = find(sep, t, e);
			const vdp_u32 st = te == t ? empty(t < e ? t : t - 1) : item(t, te);
			if (st != VDP_PARSE_OK || te == e)
				return st;
			t = te + 1;
		}
	}

	const char *s_;
	vdp_size n_;
	vdp_table *out_;
	vdp_parse_result *res_;
	vdp_u32 rule_idx_;
};

vdp_u32 Parser::run()
{
	const vdp_u32 cap = table_capacity(*out_);

	out_->count = 0;
	if (n_ == 0)
		return VDP_PARSE_OK;

	// Lexical check first: printable ASCII only, no whitespace at all.
	for (vdp_size i = 0; i < n_; i++) {
		const unsigned char c = static_cast<unsigned char>(s_[i]);
		if (c <= 0x20 || c >= 0x7f) {
			Out m = fail(VDP_PARSE_BAD_CHAR, i);
			m.s("unexpected character 0x").hex(c, 2);
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
				m.s(" (whitespace is not allowed)");
			return VDP_PARSE_BAD_CHAR;
		}
	}

	return each(
		';', 0, n_,
		[&](vdp_size off) -> vdp_u32 {
			// Leading ';', ";;" or a trailing ';': point at the ';'.
			fail(VDP_PARSE_EMPTY_RULE, off).s("empty rule");
			return VDP_PARSE_EMPTY_RULE;
		},
		[&](vdp_size b, vdp_size e) -> vdp_u32 {
			if (rule_idx_ >= VDP_MAX_RULES) {
				fail(VDP_PARSE_TOO_MANY_RULES, b)
					.s("more than ").dec(VDP_MAX_RULES).s(" rules");
				return VDP_PARSE_TOO_MANY_RULES;
			}
			if (rule_idx_ >= cap) {
				fail(VDP_PARSE_TOO_MANY_RULES, b)
					.s("more than ").dec(cap).s(" rules (the table's capacity)");
				return VDP_PARSE_TOO_MANY_RULES;
			}
			const vdp_u32 st = parse_rule(b, e, out_->rules[rule_idx_]);
			if (st != VDP_PARSE_OK)
				return st;
			rule_idx_++;
			out_->count = rule_idx_;
			return VDP_PARSE_OK;
		});
}

vdp_u32 Parser::parse_rule(vdp_size b, vdp_size e, vdp_rule &r)
{
	zero_rule(r);
	vdp_u32 seen = 0;
	vdp_size else_off = b, restricted_off = b;

	const vdp_u32 st = each(
		',', b, e,
		[&](vdp_size off) -> vdp_u32 {
			fail(VDP_PARSE_UNKNOWN_KEY, off).s("empty term");
			return VDP_PARSE_UNKNOWN_KEY;
		},
		[&](vdp_size t, vdp_size te) {
			return parse_term(t, te, r, seen, &else_off, &restricted_off);
		});
	if (st != VDP_PARSE_OK)
		return st;

	if (!(seen & (1u << u8(Key::Action)))) {
		fail(VDP_PARSE_NO_ACTION, b).s("rule has no action=");
		return VDP_PARSE_NO_ACTION;
	}
	if ((seen & (1u << u8(Key::Else))) &&
	    (r.action == VDP_ACTION_AUTO || r.action == VDP_ACTION_REFUSE)) {
		fail(VDP_PARSE_CONFLICT, else_off)
			.s("else= needs action=dma, direct or physical, not action=")
			.s(vdp_action_name(r.action));
		return VDP_PARSE_CONFLICT;
	}
	if ((r.flags & VDP_RULE_RESTRICTED_BOUNCE) && r.action != VDP_ACTION_DIRECT) {
		fail(VDP_PARSE_CONFLICT, restricted_off)
			.s("restricted=bounce needs action=direct, not action=")
			.s(vdp_action_name(r.action));
		return VDP_PARSE_CONFLICT;
	}
	return VDP_PARSE_OK;
}

vdp_u32 Parser::parse_term(vdp_size b, vdp_size e, vdp_rule &r, vdp_u32 &seen,
			   vdp_size *else_off, vdp_size *restricted_off)
{
	const vdp_size eq = find('=', b, e);
	Key k;
	if (!lookup_key(s_ + b, eq - b, &k)) {
		if (eq == b)
			fail(VDP_PARSE_UNKNOWN_KEY, b).s("empty key");
		else
			fail(VDP_PARSE_UNKNOWN_KEY, b).s("unknown key '").tok(s_ + b, eq - b).s("'");
		return VDP_PARSE_UNKNOWN_KEY;
	}
	const vdp_u32 bit = 1u << u8(k);
	if (seen & bit) {
		fail(VDP_PARSE_DUPLICATE_KEY, b).s("duplicate key '").s(key_name(k)).s("'");
		return VDP_PARSE_DUPLICATE_KEY;
	}
	seen |= bit;
	if (k == Key::Else)
		*else_off = b;
	if (k == Key::Restricted)
		*restricted_off = b;

	if (k == Key::Builtin) {
		if (eq != e) {
			fail(VDP_PARSE_BAD_VALUE, eq).s("'builtin' takes no value");
			return VDP_PARSE_BAD_VALUE;
		}
		r.flags |= VDP_RULE_BUILTIN;
		return VDP_PARSE_OK;
	}
	if (eq == e || eq + 1 == e) {
		fail(VDP_PARSE_MISSING_VALUE, b).s("missing value for '").s(key_name(k)).s("'");
		return VDP_PARSE_MISSING_VALUE;
	}
	const vdp_u32 st = parse_value(k, eq + 1, e, r);
	if (st != VDP_PARSE_OK)
		return st;

	if ((k == Key::Has || k == Key::Lacks) && (seen & (1u << u8(Key::Has))) &&
	    (seen & (1u << u8(Key::Lacks)))) {
		const Feat both = Feat::from(r.has) & Feat::from(r.lacks);
		if (both.any()) {
			unsigned bitno = 0;
			while (!both.test(bitno))
				bitno++;
			fail(VDP_PARSE_CONFLICT, eq + 1)
				.s("bit ").dec(bitno).s(" is in both has= and lacks=");
			return VDP_PARSE_CONFLICT;
		}
	}
	return VDP_PARSE_OK;
}

vdp_u32 Parser::parse_number(Key k, vdp_size b, vdp_size e, vdp_u64 max, vdp_u64 *out,
			     const char *range)
{
	vdp_size i = b;
	unsigned base = 10;
	if (e - b >= 2 && s_[b] == '0' && (s_[b + 1] == 'x' || s_[b + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == e)
		return bad_value(k, b, e);
	vdp_u64 v = 0;
	bool over = false;
	for (; i < e; i++) {
		const int d = base == 16 ? hex_val(s_[i]) : (is_digit(s_[i]) ? s_[i] - '0' : -1);
		if (d < 0)
			return bad_value(k, b, e);
		if (v > (max - static_cast<vdp_u64>(d)) / base)
			over = true;
		else
			v = v * base + static_cast<vdp_u64>(d);
	}
	if (over)
		return out_of_range(k, b, e, range);
	*out = v;
	return VDP_PARSE_OK;
}

vdp_u32 Parser::parse_bits(Key k, vdp_size b, vdp_size e, vdp_features *out)
{
	*out = vdp_features{};
	return each(
		'+', b, e,
		[&](vdp_size off) -> vdp_u32 {
			fail(VDP_PARSE_BAD_VALUE, off).s("empty bit number in '").s(key_name(k)).s("'");
			return VDP_PARSE_BAD_VALUE;
		},
		[&](vdp_size t, vdp_size te) -> vdp_u32 {
			vdp_u64 v = 0;
			const vdp_u32 st =
				parse_number(k, t, te, VDP_FEATURE_BITS - 1, &v, "0..127");
			if (st != VDP_PARSE_OK)
				return st;
			if (k == Key::Clear && v == VDP_F_ACCESS_PLATFORM) {
				fail(VDP_PARSE_CONFLICT, t)
					.s("bit 33 is controlled by action=, not clear=");
				return VDP_PARSE_CONFLICT;
			}
			vdp_feat_set(out, static_cast<unsigned>(v));
			return VDP_PARSE_OK;
		});
}

vdp_u32 Parser::parse_half(Key k, vdp_size b, vdp_size e, vdp_u32 *out)
{
	if (e - b == 1 && s_[b] == '*') {
		*out = VDP_ANY_ID;
		return VDP_PARSE_OK;
	}
	vdp_u32 v = 0;
	for (vdp_size i = b; i < e; i++) {
		const int d = hex_val(s_[i]);
		if (d < 0)
			return bad_value(k, b, e);
		v = (v << 4) | static_cast<vdp_u32>(d);
		v &= 0xfffffu;
	}
	if (e - b > 4)
		return out_of_range(k, b, e, "1-4 hex digits");
	*out = v;
	return VDP_PARSE_OK;
}

vdp_u32 Parser::parse_pci(Key k, vdp_size b, vdp_size e, vdp_u32 *hi, vdp_u32 *lo)
{
	const vdp_size colon = find(':', b, e);
	if (colon == e || find(':', colon + 1, e) != e) {
		fail(VDP_PARSE_BAD_VALUE, b)
			.s("bad value '").tok(s_ + b, e - b).s("' for '").s(key_name(k))
			.s("' (want VVVV:DDDD)");
		return VDP_PARSE_BAD_VALUE;
	}
	if (colon == b || colon + 1 == e) {
		// An empty half: point at the ':' next to it.
		fail(VDP_PARSE_BAD_VALUE, colon)
			.s("empty half in '").s(key_name(k)).s("' (want VVVV:DDDD)");
		return VDP_PARSE_BAD_VALUE;
	}
	vdp_u32 st = parse_half(k, b, colon, hi);
	if (st != VDP_PARSE_OK)
		return st;
	return parse_half(k, colon + 1, e, lo);
}

vdp_u32 Parser::parse_pattern(Key k, vdp_size b, vdp_size e, char *out)
{
	for (vdp_size i = b; i < e; i++) {
		const char c = s_[i];
		if (is_pattern_char(c))
			continue;
		if (c == '*' && i + 1 == e)
			continue;
		fail(VDP_PARSE_BAD_VALUE, i)
			.s("bad character '").tok(s_ + i, 1).s("' in '").s(key_name(k))
			.s("' pattern");
		return VDP_PARSE_BAD_VALUE;
	}
	if (e - b > VDP_NAME_LEN - 1) {
		fail(VDP_PARSE_OUT_OF_RANGE, b)
			.s("pattern for '").s(key_name(k)).s("' longer than ")
			.dec(VDP_NAME_LEN - 1).s(" characters");
		return VDP_PARSE_OUT_OF_RANGE;
	}
	vdp_size n = 0;
	for (; n < e - b; n++)
		out[n] = s_[b + n];
	for (; n < VDP_NAME_LEN; n++)
		out[n] = '\0';
	return VDP_PARSE_OK;
}

// The match keys are the first keys, in VDP_MATCH_* bit order.
static_assert(u8(Key::Id) == 0 && VDP_MATCH_ID == 1u << u8(Key::Id) &&
		      VDP_MATCH_VENDOR == 1u << u8(Key::Vendor) &&
		      VDP_MATCH_TRANSPORT == 1u << u8(Key::Transport) &&
		      VDP_MATCH_PCI == 1u << u8(Key::Pci) &&
		      VDP_MATCH_SUBSYS == 1u << u8(Key::Subsys) &&
		      VDP_MATCH_BUS == 1u << u8(Key::Bus) &&
		      VDP_MATCH_NAME == 1u << u8(Key::Name) &&
		      VDP_MATCH_HAS == 1u << u8(Key::Has) &&
		      VDP_MATCH_LACKS == 1u << u8(Key::Lacks) &&
		      VDP_MATCH_PLATFORM == 1u << u8(Key::Platform) &&
		      VDP_MATCH_ARCH == 1u << u8(Key::Arch),
	      "Key order follows the VDP_MATCH_* bits");

vdp_u32 Parser::parse_value(Key k, vdp_size b, vdp_size e, vdp_rule &r)
{
	const char *v = s_ + b;
	const vdp_size n = e - b;
	vdp_u64 num = 0;
	vdp_u32 st = VDP_PARSE_OK;

	if (u8(k) <= u8(Key::Arch))
		r.match |= 1u << u8(k);
	switch (k) {
	case Key::Id:
		if (!lookup_device_id(v, n, &r.device_id)) {
			st = parse_number(k, b, e, 65535, &num, "0..65535");
			r.device_id = static_cast<vdp_u32>(num);
		}
		return st;
	case Key::Vendor:
		st = parse_number(k, b, e, 0xffffffffu, &num, "0..0xffffffff");
		r.vendor_id = static_cast<vdp_u32>(num);
		return st;
	case Key::Transport:
		return known(lookup_transport(v, n, &r.transport), k, b, e);
	case Key::Pci:
		return parse_pci(k, b, e, &r.pci_vendor, &r.pci_device);
	case Key::Subsys:
		return parse_pci(k, b, e, &r.sub_vendor, &r.sub_device);
	case Key::Bus:
		return parse_pattern(k, b, e, r.bus);
	case Key::Name:
		return parse_pattern(k, b, e, r.name);
	case Key::Has:
		return parse_bits(k, b, e, &r.has);
	case Key::Lacks:
		return parse_bits(k, b, e, &r.lacks);
	case Key::Clear:
		return parse_bits(k, b, e, &r.clear);
	case Key::Platform:
		return each(
			'+', b, e, [&](vdp_size off) { return unknown_flag(off, off); },
			[&](vdp_size t, vdp_size te) -> vdp_u32 {
				vdp_u32 flag = 0;
				if (!lookup_platform_flag(s_ + t, te - t, &flag))
					return unknown_flag(t, te);
				r.platform |= flag;
				return VDP_PARSE_OK;
			});
	case Key::Arch:
		return known(lookup_arch(v, n, &r.arch), k, b, e);
	case Key::Action:
		return known(lookup_action(v, n, &r.action), k, b, e);
	case Key::Else:
		if (tok_eq(v, n, "auto"))
			r.fallback = VDP_FALLBACK_STOCK;
		else if (tok_eq(v, n, "refuse"))
			r.fallback = VDP_FALLBACK_REFUSE;
		else
			return bad_value(k, b, e);
		return VDP_PARSE_OK;
	case Key::Restricted:
		if (!tok_eq(v, n, "bounce"))
			return bad_value(k, b, e);
		r.flags |= VDP_RULE_RESTRICTED_BOUNCE;
		return VDP_PARSE_OK;
	case Key::Builtin:
	case Key::Count:
		break;
	}
	return bad_value(k, b, e);
}

} // namespace
} // namespace vdp

using namespace vdp;

extern "C" vdp_u32 vdp_parse(const char *text, vdp_size len, struct vdp_table *out,
			     struct vdp_parse_result *res)
{
	vdp_parse_result scratch;
	if (!res)
		res = &scratch;
	res->status = VDP_PARSE_OK;
	res->offset = 0;
	res->rule = 0;
	res->message[0] = '\0';

	if (len >= VDP_MAX_TEXT) {
		res->status = VDP_PARSE_TOO_LONG;
		res->offset = VDP_MAX_TEXT - 1;
		Out(res->message, sizeof(res->message))
			.s("rules text longer than ").dec(VDP_MAX_TEXT - 1).s(" bytes");
		return res->status;
	}
	if (!out || (len && !text)) {
		res->status = VDP_PARSE_BAD_VALUE;
		Out(res->message, sizeof(res->message)).s("no input or no output table");
		return res->status;
	}
	vdp_size n = len;
	if (n && text[n - 1] == '\n')
		n--;
	Parser p(text, n, out, res);
	const vdp_u32 st = p.run();
	if (st == VDP_PARSE_OK)
		res->rule = out->count;
	return st;
}

extern "C" vdp_u32 vdp_rules_count(const char *text, vdp_size len)
{
	if (!text)
		return 0;
	if (len && text[len - 1] == '\n')
		len--;
	if (len == 0)
		return 0;
	vdp_u32 n = 1;
	for (vdp_size i = 0; i < len && n <= VDP_MAX_RULES; i++)
		if (text[i] == ';')
			n++;
	return n;
}

extern "C" vdp_size vdp_parse_excerpt(const char *text, vdp_size len,
				      const struct vdp_parse_result *res, vdp_size *start)
{
	const vdp_size off = res && res->offset < len ? res->offset : len;
	vdp_size n = 0;

	if (start)
		*start = off;
	while (text && off + n < len && n < 24 && text[off + n] != '\n')
		n++;
	return n;
}

// Helpers shared by the host tests.
#ifndef VDP_TEST_UTIL_HPP
#define VDP_TEST_UTIL_HPP

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <ostream>
#include <string>

#include "../../include/virtio_dma_policy.h"

inline vdp_features feats(std::initializer_list<unsigned> bits)
{
	vdp_features f{};
	for (unsigned b : bits)
		vdp_feat_set(&f, b);
	return f;
}

inline vdp_features feats2(vdp_u64 lo, vdp_u64 hi)
{
	vdp_features f{};
	f.w[0] = lo;
	f.w[1] = hi;
	return f;
}

inline bool operator==(const vdp_features &a, const vdp_features &b)
{
	return a.w[0] == b.w[0] && a.w[1] == b.w[1];
}

inline std::ostream &operator<<(std::ostream &os, const vdp_features &f)
{
	os << "{";
	bool first = true;
	for (unsigned b = 0; b < VDP_FEATURE_BITS; b++) {
		if (vdp_feat_test(&f, b)) {
			os << (first ? "" : ",") << b;
			first = false;
		}
	}
	return os << "}";
}

inline bool feat_empty(const vdp_features &f)
{
	return f.w[0] == 0 && f.w[1] == 0;
}

// A table of exactly VDP_TABLE_BYTES(capacity) heap bytes, so that
// AddressSanitizer catches any access past its capacity.
struct FreeTable {
	void operator()(vdp_table *t) const { std::free(t); }
};
using Table = std::unique_ptr<vdp_table, FreeTable>;

inline Table new_table(vdp_u32 capacity = VDP_MAX_RULES)
{
	const size_t bytes = VDP_TABLE_BYTES(capacity);
	Table t(static_cast<vdp_table *>(std::malloc(bytes)));
	std::memset(t.get(), 0xa5, bytes); // garbage: the parser must set what it uses
	t->count = 0;
	t->capacity = capacity;
	return t;
}

struct Parsed {
	Table table;
	vdp_parse_result res;
	vdp_u32 status;
};

// Parsed into a table sized as the module sizes it: the text's rules plus
// room for the built-in ones.
inline Parsed parse(const std::string &s)
{
	Parsed p{new_table(vdp_rules_count(s.data(), s.size()) + VDP_BUILTIN_RULES), {}, 0};
	p.status = vdp_parse(s.data(), s.size(), p.table.get(), &p.res);
	return p;
}

inline std::string format_table(const vdp_table &t)
{
	vdp_size n = vdp_format_table(&t, nullptr, 0);
	std::string s(n + 1, '\0');
	vdp_size n2 = vdp_format_table(&t, &s[0], s.size());
	s.resize(n2);
	return s;
}

inline std::string format_rule(const vdp_rule &r)
{
	vdp_size n = vdp_format_rule(&r, nullptr, 0);
	std::string s(n + 1, '\0');
	vdp_size n2 = vdp_format_rule(&r, &s[0], s.size());
	s.resize(n2);
	return s;
}

inline bool tables_equal(const vdp_table &a, const vdp_table &b)
{
	return a.count == b.count &&
	       std::memcmp(a.rules, b.rules, sizeof(a.rules[0]) * a.count) == 0;
}

inline std::string case_name(const char *s)
{
	std::string out;
	for (const char *p = s; *p; p++)
		out += (std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_');
	return out;
}

// Readable parameter names in gtest failure messages.
struct vdp_stock_case;
struct vdp_filter_bit_case;
struct vdp_predict_case;
struct vdp_safety_case;
struct vdp_parse_ok_case;
struct vdp_parse_err_case;
struct vdp_precedence_case;
void PrintTo(const vdp_stock_case &c, std::ostream *os);
void PrintTo(const vdp_filter_bit_case &c, std::ostream *os);
void PrintTo(const vdp_predict_case &c, std::ostream *os);
void PrintTo(const vdp_safety_case &c, std::ostream *os);
void PrintTo(const vdp_parse_ok_case &c, std::ostream *os);
void PrintTo(const vdp_parse_err_case &c, std::ostream *os);
void PrintTo(const vdp_precedence_case &c, std::ostream *os);

#endif

// SPDX-License-Identifier: GPL-2.0
//
// Private helpers of the freestanding C++ policy core.  Nothing here
// includes a kernel or library header: only the C ABI contract.  No
// exceptions, RTTI, allocation, floating point or static constructors.
#ifndef VDP_CORE_HPP
#define VDP_CORE_HPP

#include "../../include/virtio_dma_policy.h"

namespace vdp {

// Everything defined in this header has internal linkage: each object of
// the core gets its own copy of an inline function the compiler does not
// inline (-Os, KASAN), never a COMDAT one.  Linking the module would
// otherwise discard all copies but one, and the ORC unwind entries objtool
// wrote for the discarded ones refer to a discarded section (x86 ld: an
// error).  What crosses objects is declared outside it, with C types only.
namespace {

// ------------------------------------------------------------------
// Internal enum classes (the extern "C" layer converts to/from vdp_u8)
// ------------------------------------------------------------------

enum class Gen : vdp_u8 { V6_1 = VDP_GEN_6_1, V6_12 = VDP_GEN_6_12, V7 = VDP_GEN_7 };
enum class Action : vdp_u8 {
	Auto = VDP_ACTION_AUTO,
	Dma = VDP_ACTION_DMA,
	Direct = VDP_ACTION_DIRECT,
	Physical = VDP_ACTION_PHYSICAL,
	Refuse = VDP_ACTION_REFUSE,
};
enum class Verdict : vdp_u8 {
	Auto = VDP_VERDICT_AUTO,
	Dma = VDP_VERDICT_DMA,
	Direct = VDP_VERDICT_DIRECT,
	Physical = VDP_VERDICT_PHYSICAL,
	Refuse = VDP_VERDICT_REFUSE,
	NotApplied = VDP_VERDICT_NOT_APPLIED,
};
enum class Path : vdp_u8 {
	None = VDP_PATH_NONE,
	DmaIommu = VDP_PATH_DMA_IOMMU,
	DmaDirect = VDP_PATH_DMA_DIRECT,
	Physical = VDP_PATH_PHYSICAL,
};
enum class Reason : vdp_u8 {
#define VDP_REASON_CLASS(name, camel, value, token, text, advice) camel = VDP_REASON_##name,
	VDP_REASONS(VDP_REASON_CLASS)
#undef VDP_REASON_CLASS
};

// Not every translation unit uses it (W=1 has -Wunused-const-variable=2).
[[maybe_unused]] constexpr vdp_s32 kENODEV = -19;

template <typename E> constexpr vdp_u8 u8(E e) { return static_cast<vdp_u8>(e); }

// ------------------------------------------------------------------
// Feature sets as a small value type
// ------------------------------------------------------------------

struct Feat {
	vdp_u64 w[VDP_FEATURE_WORDS];

	static constexpr Feat none() { return Feat{{0, 0}}; }
	static constexpr Feat bit(unsigned b)
	{
		Feat f{{0, 0}};
		if (b < VDP_FEATURE_BITS)
			f.w[b / 64] = vdp_u64(1) << (b % 64);
		return f;
	}
	// bits [lo, hi)
	static constexpr Feat range(unsigned lo, unsigned hi)
	{
		Feat f{{0, 0}};
		for (unsigned b = lo; b < hi && b < VDP_FEATURE_BITS; b++)
			f.w[b / 64] |= vdp_u64(1) << (b % 64);
		return f;
	}
	static Feat from(const vdp_features &c)
	{
		return Feat{{c.w[0], c.w[1]}};
	}
	void to(vdp_features &c) const
	{
		c.w[0] = w[0];
		c.w[1] = w[1];
	}
	constexpr bool test(unsigned b) const
	{
		return b < VDP_FEATURE_BITS && ((w[b / 64] >> (b % 64)) & 1);
	}
	constexpr bool any() const { return (w[0] | w[1]) != 0; }
	constexpr Feat operator&(const Feat &o) const
	{
		return Feat{{w[0] & o.w[0], w[1] & o.w[1]}};
	}
	constexpr Feat operator|(const Feat &o) const
	{
		return Feat{{w[0] | o.w[0], w[1] | o.w[1]}};
	}
	constexpr Feat operator~() const { return Feat{{~w[0], ~w[1]}}; }
	constexpr bool operator==(const Feat &o) const
	{
		return w[0] == o.w[0] && w[1] == o.w[1];
	}
	constexpr bool intersects(const Feat &o) const
	{
		return ((w[0] & o.w[0]) | (w[1] & o.w[1])) != 0;
	}
	constexpr bool contains(const Feat &o) const
	{
		return (w[0] & o.w[0]) == o.w[0] && (w[1] & o.w[1]) == o.w[1];
	}
};

inline bool feat_any(const vdp_features &f) { return (f.w[0] | f.w[1]) != 0; }

// ------------------------------------------------------------------
// Small string helpers (no libc)
// ------------------------------------------------------------------

// Bounded NUL-terminated length.
inline vdp_size strnlen_(const char *s, vdp_size max)
{
	vdp_size n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

// Does the token [s, s+n) equal the NUL-terminated literal lit?
inline bool tok_eq(const char *s, vdp_size n, const char *lit)
{
	vdp_size i = 0;
	for (; i < n; i++)
		if (lit[i] == '\0' || lit[i] != s[i])
			return false;
	return lit[i] == '\0';
}

// Bounded text output with snprintf semantics: writes at most size - 1
// characters and keeps the buffer NUL-terminated (buf may be NULL to only
// count); len() is the length the full output needs.
class Out {
public:
	Out(char *buf, vdp_size size) : buf_(buf), size_(size), len_(0)
	{
		if (buf_ && size_)
			buf_[0] = '\0';
	}
	Out &c(char ch)
	{
		if (buf_ && len_ + 1 < size_) {
			buf_[len_] = ch;
			buf_[len_ + 1] = '\0';
		}
		len_++;
		return *this;
	}
	Out &s(const char *str)
	{
		while (*str)
			c(*str++);
		return *this;
	}
	// At most max characters of str, up to its NUL.
	Out &sn(const char *str, vdp_size max)
	{
		for (vdp_size i = 0; i < max && str[i]; i++)
			c(str[i]);
		return *this;
	}
	// A token from an input, shortened to keep messages readable.
	Out &tok(const char *t, vdp_size n)
	{
		const vdp_size max = 32;
		sn(t, n < max ? n : max);
		return n > max ? s("...") : *this;
	}
	Out &dec(vdp_u64 v) { return digits(v, 10, 1); }
	Out &hex(vdp_u64 v, unsigned min_digits) { return digits(v, 16, min_digits); }
	vdp_size len() const { return len_; }

private:
	Out &digits(vdp_u64 v, unsigned base, unsigned min_digits)
	{
		const char *d = "0123456789abcdef";
		char tmp[24];
		unsigned n = 0;
		do {
			tmp[n++] = d[v % base];
			v /= base;
		} while ((v || n < min_digits) && n < sizeof(tmp));
		while (n)
			c(tmp[--n]);
		return *this;
	}
	char *buf_;
	vdp_size size_;
	vdp_size len_;
};

// Zero a rule in place (no temporary on the stack).
inline void zero_rule(vdp_rule &r)
{
	unsigned char *p = reinterpret_cast<unsigned char *>(&r);
	for (vdp_size i = 0; i < sizeof(r); i++)
		p[i] = 0;
}

} // namespace

// Lookup helpers over switch-based tables (no relocated pointer arrays
// of mutable data): returns true and the value when the token is known.
bool lookup_device_id(const char *s, vdp_size n, vdp_u32 *out);
const char *device_id_name(vdp_u32 id); // nullptr if it has none
bool lookup_transport(const char *s, vdp_size n, vdp_u8 *out);
bool lookup_arch(const char *s, vdp_size n, vdp_u8 *out);
bool lookup_action(const char *s, vdp_size n, vdp_u8 *out);
bool lookup_platform_flag(const char *s, vdp_size n, vdp_u32 *out);
const char *platform_flag_name(unsigned bit); // bit index 0..4

// Rule matching with the platform flags precomputed.
bool rule_matches(const vdp_rule &r, const vdp_device &dev, const vdp_platform &plat,
		  vdp_u32 plat_flags);

namespace {

// The rules a table may hold (its capacity, at most VDP_MAX_RULES) and
// the rules it holds (count, never more than the capacity).
inline vdp_u32 table_capacity(const vdp_table &t)
{
	return t.capacity < VDP_MAX_RULES ? t.capacity : VDP_MAX_RULES;
}
inline vdp_u32 table_used(const vdp_table &t)
{
	const vdp_u32 cap = table_capacity(t);
	return t.count < cap ? t.count : cap;
}

} // namespace
} // namespace vdp

#endif

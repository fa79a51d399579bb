// SPDX-License-Identifier: GPL-2.0
//
// Names of every enumeration, and the name <-> value lookups shared by
// the parser and the printer.  Switches over string literals only: no
// tables of pointers that would need run-time relocation of writable data.
#include "vdp_core.hpp"

namespace vdp {

// Virtio device ids with a name in the rule grammar
// (include/uapi/linux/virtio_ids.h).
static const char *id_name(vdp_u32 id)
{
	switch (id) {
	case 1: return "net";
	case 2: return "block";
	case 3: return "console";
	case 4: return "rng";
	case 5: return "balloon";
	case 8: return "scsi";
	case 9: return "9p";
	case 16: return "gpu";
	case 18: return "input";
	case 19: return "vsock";
	case 20: return "crypto";
	case 23: return "iommu";
	case 24: return "mem";
	case 26: return "fs";
	case 27: return "pmem";
	default: return nullptr;
	}
}

const char *device_id_name(vdp_u32 id)
{
	return id_name(id);
}

bool lookup_device_id(const char *s, vdp_size n, vdp_u32 *out)
{
	static constexpr vdp_u32 ids[] = {1, 2, 3, 4, 5, 8, 9, 16, 18, 19, 20, 23, 24, 26, 27};
	for (vdp_u32 id : ids) {
		if (tok_eq(s, n, id_name(id))) {
			*out = id;
			return true;
		}
	}
	return false;
}

template <typename F>
static bool lookup_u8(const char *s, vdp_size n, vdp_u8 count, F name, vdp_u8 *out)
{
	for (vdp_u8 v = 0; v < count; v++) {
		if (tok_eq(s, n, name(v))) {
			*out = v;
			return true;
		}
	}
	return false;
}

bool lookup_transport(const char *s, vdp_size n, vdp_u8 *out)
{
	return lookup_u8(s, n, VDP_TRANSPORT_COUNT, vdp_transport_name, out);
}

bool lookup_arch(const char *s, vdp_size n, vdp_u8 *out)
{
	return lookup_u8(s, n, VDP_ARCH_COUNT, vdp_arch_name, out);
}

bool lookup_action(const char *s, vdp_size n, vdp_u8 *out)
{
	return lookup_u8(s, n, VDP_ACTION_COUNT, vdp_action_name, out);
}

const char *platform_flag_name(unsigned bit)
{
	switch (bit) {
	case 0: return "xen";
	case 1: return "restricted";
	case 2: return "pseries";
	case 3: return "secure";
	case 4: return "swiotlb";
	default: return nullptr;
	}
}

bool lookup_platform_flag(const char *s, vdp_size n, vdp_u32 *out)
{
	for (unsigned b = 0; platform_flag_name(b); b++) {
		if (tok_eq(s, n, platform_flag_name(b))) {
			*out = 1u << b;
			return true;
		}
	}
	return false;
}

} // namespace vdp

extern "C" {

// 6.1 .. 6.3, 6.4 .. 6.x (NOTIFICATION_DATA kept), 7.x.
vdp_u8 vdp_gen_of_version(vdp_u32 major, vdp_u32 minor)
{
	if (major > 6)
		return VDP_GEN_7;
	if (major == 6 && minor >= 4)
		return VDP_GEN_6_12;
	if (major == 6 && minor >= 1)
		return VDP_GEN_6_1;
	return VDP_GEN_COUNT;
}

const char *vdp_device_id_name(vdp_u32 device_id)
{
	return vdp::device_id_name(device_id);
}

const char *vdp_action_name(vdp_u8 action)
{
	switch (action) {
	case VDP_ACTION_AUTO: return "auto";
	case VDP_ACTION_DMA: return "dma";
	case VDP_ACTION_DIRECT: return "direct";
	case VDP_ACTION_PHYSICAL: return "physical";
	case VDP_ACTION_REFUSE: return "refuse";
	default: return "?";
	}
}

const char *vdp_verdict_name(vdp_u8 verdict)
{
	switch (verdict) {
	case VDP_VERDICT_AUTO: return "auto";
	case VDP_VERDICT_DMA: return "dma";
	case VDP_VERDICT_DIRECT: return "direct";
	case VDP_VERDICT_PHYSICAL: return "physical";
	case VDP_VERDICT_REFUSE: return "refuse";
	case VDP_VERDICT_NOT_APPLIED: return "not-applied";
	default: return "?";
	}
}

const char *vdp_path_name(vdp_u8 path)
{
	switch (path) {
	case VDP_PATH_NONE: return "none";
	case VDP_PATH_DMA_IOMMU: return "dma-api-iommu";
	case VDP_PATH_DMA_DIRECT: return "dma-api-direct";
	case VDP_PATH_PHYSICAL: return "physical";
	default: return "?";
	}
}

// The reasons' values are 0, 1, 2, ... in the list's order: the tool and
// the README's table print them in that order, tables index by them.
constexpr bool reasons_dense()
{
	constexpr unsigned values[] = {
#define VDP_REASON_VALUE(name, camel, value, token, text, advice) value,
		VDP_REASONS(VDP_REASON_VALUE)
#undef VDP_REASON_VALUE
	};
	for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (values[i] != i)
			return false;
	return sizeof(values) / sizeof(values[0]) == VDP_REASON_COUNT;
}
static_assert(reasons_dense(), "VDP_REASONS: values must be 0, 1, 2, ... in order");

// The reasons' three strings, from the one list (include/virtio_dma_policy.h).
struct ReasonStrings {
	const char *token, *text, *advice;
};

static ReasonStrings reason_strings(vdp_u8 reason)
{
	switch (reason) {
#define VDP_REASON_STRINGS(name, camel, value, token, text, advice) \
	case VDP_REASON_##name: return {token, text, advice};
	VDP_REASONS(VDP_REASON_STRINGS)
#undef VDP_REASON_STRINGS
	default: return {"?", "?", "?"};
	}
}

const char *vdp_reason_token(vdp_u8 reason)
{
	return reason_strings(reason).token;
}

const char *vdp_reason_text(vdp_u8 reason)
{
	return reason_strings(reason).text;
}

const char *vdp_reason_advice(vdp_u8 reason)
{
	return reason_strings(reason).advice;
}

const char *vdp_transport_name(vdp_u8 transport)
{
	switch (transport) {
	case VDP_TRANSPORT_OTHER: return "other";
	case VDP_TRANSPORT_PCI: return "pci";
	case VDP_TRANSPORT_PCI_LEGACY: return "pci-legacy";
	case VDP_TRANSPORT_MMIO: return "mmio";
	case VDP_TRANSPORT_CCW: return "ccw";
	default: return "?";
	}
}

const char *vdp_arch_name(vdp_u8 arch)
{
	switch (arch) {
	case VDP_ARCH_OTHER: return "other";
	case VDP_ARCH_X86_64: return "x86_64";
	case VDP_ARCH_PPC64: return "ppc64";
	case VDP_ARCH_SPARC64: return "sparc64";
	case VDP_ARCH_UM: return "um";
	case VDP_ARCH_ARM64: return "arm64";
	case VDP_ARCH_S390: return "s390";
	default: return "?";
	}
}

const char *vdp_gen_name(vdp_u8 gen)
{
	switch (gen) {
	case VDP_GEN_6_1: return "6.1";
	case VDP_GEN_6_12: return "6.12";
	case VDP_GEN_7: return "7.x";
	default: return "?";
	}
}

const char *vdp_mode_name(vdp_u8 mode)
{
	switch (mode) {
	case VDP_MODE_ENFORCE: return "enforce";
	case VDP_MODE_AUDIT: return "audit";
	default: return "?";
	}
}

const char *vdp_iommu_name(vdp_u8 iommu)
{
	switch (iommu) {
	case VDP_IOMMU_NONE: return "none";
	case VDP_IOMMU_IDENTITY: return "identity";
	case VDP_IOMMU_TRANSLATING: return "translating";
	default: return "?";
	}
}

const char *vdp_pseries_bounce_name(vdp_u8 pseries_bounce)
{
	switch (pseries_bounce) {
	case VDP_PSERIES_BOUNCE_AUTO: return "auto";
	case VDP_PSERIES_BOUNCE_ON: return "on";
	case VDP_PSERIES_BOUNCE_OFF: return "off";
	default: return "?";
	}
}

const char *vdp_parse_status_name(vdp_u32 status)
{
	switch (status) {
	case VDP_PARSE_OK: return "ok";
	case VDP_PARSE_EMPTY_RULE: return "empty-rule";
	case VDP_PARSE_UNKNOWN_KEY: return "unknown-key";
	case VDP_PARSE_BAD_VALUE: return "bad-value";
	case VDP_PARSE_OUT_OF_RANGE: return "out-of-range";
	case VDP_PARSE_DUPLICATE_KEY: return "duplicate-key";
	case VDP_PARSE_MISSING_VALUE: return "missing-value";
	case VDP_PARSE_TOO_MANY_RULES: return "too-many-rules";
	case VDP_PARSE_TOO_LONG: return "too-long";
	case VDP_PARSE_BAD_CHAR: return "bad-char";
	case VDP_PARSE_CONFLICT: return "conflict";
	case VDP_PARSE_NO_ACTION: return "no-action";
	default: return "?";
	}
}

} // extern "C"

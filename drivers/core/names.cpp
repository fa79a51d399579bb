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

const char *vdp_reason_token(vdp_u8 reason)
{
	switch (reason) {
	case VDP_REASON_STOCK_ACCESS_PLATFORM: return "stock-access-platform";
	case VDP_REASON_STOCK_QUIRK: return "stock-quirk";
	case VDP_REASON_STOCK_XEN: return "stock-xen";
	case VDP_REASON_RESTRICTED_MEM: return "restricted-memory";
	case VDP_REASON_RULE_AUTO: return "rule-auto";
	case VDP_REASON_RULE_DMA: return "rule-dma";
	case VDP_REASON_RULE_DIRECT: return "rule-direct";
	case VDP_REASON_RULE_PHYSICAL: return "rule-physical";
	case VDP_REASON_RULE_REFUSE: return "rule-refuse";
	case VDP_REASON_UNSAFE_TRANSLATING_NO_BIT33: return "unsafe-translating-no-bit33";
	case VDP_REASON_UNSAFE_DIRECT_BIT33_TRANSLATING: return "unsafe-direct-bit33-translating";
	case VDP_REASON_UNSAFE_NO_DIRECT_PATH: return "unsafe-no-direct-path";
	case VDP_REASON_UNSAFE_PHYSICAL_RESTRICTED: return "unsafe-physical-restricted";
	case VDP_REASON_UNSAFE_XEN: return "unsafe-xen";
	case VDP_REASON_ALREADY_BOUND: return "already-bound";
	case VDP_REASON_UNSAFE_PHYSICAL_BIT33_TRANSLATING: return "unsafe-physical-bit33-translating";
	case VDP_REASON_UNSAFE_PHYSICAL_SECURE: return "unsafe-physical-secure";
	case VDP_REASON_RESTRICTED_BOUNCE: return "restricted-bounce";
	case VDP_REASON_BOUNCE_LEGACY: return "bounce-legacy";
	case VDP_REASON_BOUNCE_DEVICE_TYPE: return "bounce-device-type";
	case VDP_REASON_BOUNCE_SHM_REGION: return "bounce-shm-region";
	case VDP_REASON_BOUNCE_NO_SWIOTLB: return "bounce-no-swiotlb";
	default: return "?";
	}
}

const char *vdp_reason_text(vdp_u8 reason)
{
	switch (reason) {
	case VDP_REASON_STOCK_ACCESS_PLATFORM:
		return "The device offers VIRTIO_F_ACCESS_PLATFORM, so upstream uses the DMA API.";
	case VDP_REASON_STOCK_QUIRK:
		return "The device lacks VIRTIO_F_ACCESS_PLATFORM, so upstream bypasses the DMA API and passes physical addresses.";
	case VDP_REASON_STOCK_XEN:
		return "The device lacks VIRTIO_F_ACCESS_PLATFORM but this is a Xen guest, so upstream uses the DMA API.";
	case VDP_REASON_RESTRICTED_MEM:
		return "This guest restricts memory access and the device lacks VIRTIO_F_VERSION_1 or VIRTIO_F_ACCESS_PLATFORM, so upstream refuses it.";
	case VDP_REASON_RULE_AUTO:
		return "A rule asked for the stock upstream behaviour.";
	case VDP_REASON_RULE_DMA:
		return "A rule asked for the DMA API as the platform provides it.";
	case VDP_REASON_RULE_DIRECT:
		return "A rule asked for the DMA API with an untranslated direct mapping.";
	case VDP_REASON_RULE_PHYSICAL:
		return "A rule asked to bypass the DMA API and pass physical addresses.";
	case VDP_REASON_RULE_REFUSE:
		return "A rule asked to refuse the device.";
	case VDP_REASON_UNSAFE_TRANSLATING_NO_BIT33:
		return "The DMA API would hand out IOMMU addresses to a device that ignores the IOMMU, so the rule was not applied.";
	case VDP_REASON_UNSAFE_DIRECT_BIT33_TRANSLATING:
		return "The device is translated by the IOMMU, so a direct mapping would be wrong and the rule was not applied.";
	case VDP_REASON_UNSAFE_NO_DIRECT_PATH:
		return "The DMA device sits behind a translating IOMMU and no direct path can be installed for it (this platform has none, or its driver keeps mappings past its remove), so the rule was not applied.";
	case VDP_REASON_UNSAFE_PHYSICAL_RESTRICTED:
		return "This guest restricts memory access, so physical addresses are never used and the rule was not applied.";
	case VDP_REASON_UNSAFE_XEN:
		return "Xen guests need the DMA API's translation, so the rule was not applied.";
	case VDP_REASON_ALREADY_BOUND:
		return "The device was bound before the policy was loaded and is left untouched.";
	case VDP_REASON_UNSAFE_PHYSICAL_BIT33_TRANSLATING:
		return "The device offers VIRTIO_F_ACCESS_PLATFORM behind a translating IOMMU: withheld, it would get addresses it cannot use unless it refuses, so the rule was not applied.";
	case VDP_REASON_UNSAFE_PHYSICAL_SECURE:
		return "This is a secure or memory-encrypted guest: the device cannot reach private memory by physical address, so the rule was not applied.";
	case VDP_REASON_RESTRICTED_BOUNCE:
		return "This guest restricts memory access and a rule opted in (restricted=bounce): the device is driven through the direct DMA API, every buffer bounced through SWIOTLB.";
	case VDP_REASON_BOUNCE_LEGACY:
		return "The rule's restricted=bounce does not apply: the device lacks VIRTIO_F_VERSION_1, which cannot be faked, so upstream's refusal stands.";
	case VDP_REASON_BOUNCE_DEVICE_TYPE:
		return "The rule's restricted=bounce does not apply: the driver of this device type hands it guest memory outside the DMA API, which bouncing cannot cover, so upstream's refusal stands.";
	case VDP_REASON_BOUNCE_SHM_REGION:
		return "The rule's restricted=bounce does not apply: the device exposes a shared-memory region, which its driver maps outside the DMA API, so upstream's refusal stands.";
	case VDP_REASON_BOUNCE_NO_SWIOTLB:
		return "The rule's restricted=bounce does not apply: the DMA device's mappings are not forced through SWIOTLB, so the device would reach private memory and upstream's refusal stands.";
	default:
		return "?";
	}
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

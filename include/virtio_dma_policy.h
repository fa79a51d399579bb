/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_dma_policy: the only contract between the C kernel glue and the
 * freestanding C++ policy core (drivers/core/).
 *
 * Everything here is plain C: fixed-width integers, plain structs, enums
 * with explicit values and extern "C" functions.  The core never allocates:
 * every table lives in memory owned by the caller, sized by it.  All functions are pure
 * functions of their arguments (no global state), so they may be called
 * concurrently from any context, including with preemption disabled.
 *
 * The header must compile as kernel C (with the kernel's types), as
 * freestanding C++ (no kernel headers, no libstdc++) and as hosted C/C++
 * for the host tests and tools.
 */
#ifndef VIRTIO_DMA_POLICY_H
#define VIRTIO_DMA_POLICY_H

#if defined(__KERNEL__) && !defined(__cplusplus)
#include <linux/types.h>
typedef u8 vdp_u8;
typedef u16 vdp_u16;
typedef u32 vdp_u32;
typedef s32 vdp_s32;
typedef u64 vdp_u64;
typedef size_t vdp_size;
#else
typedef __UINT8_TYPE__ vdp_u8;
typedef __UINT16_TYPE__ vdp_u16;
typedef __UINT32_TYPE__ vdp_u32;
typedef __INT32_TYPE__ vdp_s32;
typedef __UINT64_TYPE__ vdp_u64;
typedef __SIZE_TYPE__ vdp_size;
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ABI version of this header; bump on any layout or semantic change.
 * 3: struct vdp_table is sized by its caller (capacity, a flexible
 *    rules[]); vdp_rules_count() sizes it for a text; no prefilter index;
 *    reasons 15 and 16 (physical is unsafe for a translated bit-33
 *    device and in secure guests).
 * 4: struct vdp_model (the running kernel's transport-feature facts) and
 *    the vdp_model_*() functions; the gen-keyed ones use its presets.
 * 5: the restricted=bounce opt-in (VDP_RULE_RESTRICTED_BOUNCE), the
 *    device fact shm_region, reasons 17..21.
 * 6: vdp_format_platform() (the devices file's platform column).
 */
#define VDP_ABI_VERSION 6

/* ------------------------------------------------------------------ */
/* Feature bits                                                        */
/* ------------------------------------------------------------------ */

/* 7.x kernels negotiate 128 feature bits; older ones 64. */
#define VDP_FEATURE_BITS 128
#define VDP_FEATURE_WORDS (VDP_FEATURE_BITS / 64)

/* Bit numbers from include/uapi/linux/virtio_config.h and virtio_ring.h. */
#define VDP_F_INDIRECT_DESC 28
#define VDP_F_EVENT_IDX 29
#define VDP_F_VERSION_1 32
#define VDP_F_ACCESS_PLATFORM 33 /* once VIRTIO_F_IOMMU_PLATFORM */
#define VDP_F_RING_PACKED 34
#define VDP_F_IN_ORDER 35
#define VDP_F_ORDER_PLATFORM 36
#define VDP_F_SR_IOV 37
#define VDP_F_NOTIFICATION_DATA 38
#define VDP_F_NOTIF_CONFIG_DATA 39
#define VDP_F_RING_RESET 40
#define VDP_F_ADMIN_VQ 41
#define VDP_TRANSPORT_F_START 28
/* VIRTIO_TRANSPORT_F_END: 41 in 6.1, 42 in 6.12 and 7.x (exclusive). */

struct vdp_features {
	vdp_u64 w[VDP_FEATURE_WORDS]; /* bit n is w[n / 64] bit (n % 64) */
};

/* ------------------------------------------------------------------ */
/* Enumerations (values are ABI: they appear in tables and traces)     */
/* ------------------------------------------------------------------ */

/* Kernel generation: decides transport feature filtering and width. */
enum vdp_gen {
	VDP_GEN_6_1 = 0,  /* 6.1 .. 6.3:  TRANSPORT_F_END 41, 64 bits  */
	VDP_GEN_6_12 = 1, /* 6.4 .. 6.x:  + NOTIFICATION_DATA, END 42 */
	VDP_GEN_7 = 2,    /* 7.x: + IN_ORDER, 128 feature bits         */
	VDP_GEN_COUNT
};

enum vdp_arch {
	VDP_ARCH_OTHER = 0,
	VDP_ARCH_X86_64 = 1,
	VDP_ARCH_PPC64 = 2,
	VDP_ARCH_SPARC64 = 3,
	VDP_ARCH_UM = 4,
	VDP_ARCH_ARM64 = 5,
	VDP_ARCH_S390 = 6,
	VDP_ARCH_COUNT
};

enum vdp_transport {
	VDP_TRANSPORT_OTHER = 0,
	VDP_TRANSPORT_PCI = 1,        /* virtio-pci, modern interface   */
	VDP_TRANSPORT_PCI_LEGACY = 2, /* virtio-pci, legacy interface   */
	VDP_TRANSPORT_MMIO = 3,
	VDP_TRANSPORT_CCW = 4,
	VDP_TRANSPORT_COUNT
};

/* What sits between the device and memory, as the guest kernel sees it. */
enum vdp_iommu {
	VDP_IOMMU_NONE = 0,        /* no IOMMU: DMA API is direct mapping */
	VDP_IOMMU_IDENTITY = 1,    /* IOMMU in passthrough/identity mode   */
	VDP_IOMMU_TRANSLATING = 2, /* DMA API returns IOVAs               */
	VDP_IOMMU_COUNT
};

/* What a rule asks for. */
enum vdp_action {
	VDP_ACTION_AUTO = 0,     /* stock upstream behaviour                */
	VDP_ACTION_DMA = 1,      /* DMA API as the platform provides it     */
	VDP_ACTION_DIRECT = 2,   /* DMA API, untranslated direct mapping    */
	VDP_ACTION_PHYSICAL = 3, /* bypass the DMA API (withhold bit 33)    */
	VDP_ACTION_REFUSE = 4,   /* the device does not probe               */
	VDP_ACTION_COUNT
};

/* What an unsafe (not applicable) rule falls back to. */
enum vdp_fallback {
	VDP_FALLBACK_STOCK = 0,  /* keep the stock decision (default) */
	VDP_FALLBACK_REFUSE = 1, /* refuse the device                  */
	VDP_FALLBACK_COUNT
};

/* The decision actually taken for a device. */
enum vdp_verdict {
	VDP_VERDICT_AUTO = 0,        /* stock behaviour, nothing changed   */
	VDP_VERDICT_DMA = 1,         /* rule applied: DMA API              */
	VDP_VERDICT_DIRECT = 2,      /* rule applied: direct DMA API       */
	VDP_VERDICT_PHYSICAL = 3,    /* rule applied: physical addresses   */
	VDP_VERDICT_REFUSE = 4,      /* device refused (rule or upstream)  */
	VDP_VERDICT_NOT_APPLIED = 5, /* rule unsafe: stock behaviour kept  */
	VDP_VERDICT_COUNT
};

/* How the device's addresses are produced after the decision. */
enum vdp_path {
	VDP_PATH_NONE = 0,      /* refused: the device gets no addresses */
	VDP_PATH_DMA_IOMMU = 1, /* DMA API through a translating IOMMU   */
	VDP_PATH_DMA_DIRECT = 2, /* DMA API, direct mapping (may bounce) */
	VDP_PATH_PHYSICAL = 3,  /* DMA API bypassed: guest physical      */
	VDP_PATH_COUNT
};

/*
 * Why.  Every reason is one line of VDP_REASONS(X), the only place that
 * defines it:
 *   X(NAME, CamelName, value, token, sentence, advice)
 * NAME gives VDP_REASON_NAME, CamelName the core's Reason::CamelName; the
 * value is ABI (it appears in tables and traces: never renumber); the
 * token names the reason in tables and scripts (vdp_reason_token()), the
 * sentence says what happened (vdp_reason_text()), the advice what to do
 * (vdp_reason_advice()).  README.md's "Troubleshooting" table is the same
 * list (`vdp-policy reasons --markdown`, compared by make tool-check);
 * the README's decision table says when each applies.
 *
 * A few reasons in words: stock-* take no rule; restricted-memory is
 * upstream's refusal, never overridden except by restricted=bounce for a
 * VERSION_1 device that bouncing covers (bounce-* say why not);
 * unsafe-* rules are not applied (the stock decision stays, or the device
 * is refused with else=refuse); already-bound devices were bound before
 * the module loaded.
 */
#define VDP_ADVICE_NOTHING_MATCHED \
	"Nothing: no rule matched, the kernel behaves as without the module. If a rule was " \
	"meant to match, compare the device's columns in `devices` with the rule " \
	"(`vdp-policy decide` shows the match)."
#define VDP_ADVICE_APPLIED \
	"Nothing: the rule was applied. If the device misbehaves, try `mode=audit` or remove " \
	"the rule and reprobe the device."

#define VDP_REASONS(X) \
	X(STOCK_ACCESS_PLATFORM, StockAccessPlatform, 0, "stock-access-platform", \
	  "The device offers VIRTIO_F_ACCESS_PLATFORM, so upstream uses the DMA API.", \
	  VDP_ADVICE_NOTHING_MATCHED) \
	X(STOCK_QUIRK, StockQuirk, 1, "stock-quirk", \
	  "The device lacks VIRTIO_F_ACCESS_PLATFORM, so upstream bypasses the DMA API and " \
	  "passes physical addresses.", \
	  VDP_ADVICE_NOTHING_MATCHED) \
	X(STOCK_XEN, StockXen, 2, "stock-xen", \
	  "The device lacks VIRTIO_F_ACCESS_PLATFORM but this is a Xen guest, so upstream " \
	  "uses the DMA API.", \
	  VDP_ADVICE_NOTHING_MATCHED) \
	X(RESTRICTED_MEM, RestrictedMem, 3, "restricted-memory", \
	  "This guest restricts memory access and the device lacks VIRTIO_F_VERSION_1 or " \
	  "VIRTIO_F_ACCESS_PLATFORM, so upstream refuses it.", \
	  "Give the device VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM on the host " \
	  "(QEMU: `disable-legacy=on,iommu_platform=on`); no rule can override this.") \
	X(RULE_AUTO, RuleAuto, 4, "rule-auto", \
	  "A rule asked for the stock upstream behaviour.", \
	  VDP_ADVICE_APPLIED) \
	X(RULE_DMA, RuleDma, 5, "rule-dma", \
	  "A rule asked for the DMA API as the platform provides it.", \
	  VDP_ADVICE_APPLIED) \
	X(RULE_DIRECT, RuleDirect, 6, "rule-direct", \
	  "A rule asked for the DMA API with an untranslated direct mapping.", \
	  VDP_ADVICE_APPLIED) \
	X(RULE_PHYSICAL, RulePhysical, 7, "rule-physical", \
	  "A rule asked to bypass the DMA API and pass physical addresses.", \
	  VDP_ADVICE_APPLIED) \
	X(RULE_REFUSE, RuleRefuse, 8, "rule-refuse", \
	  "A rule asked to refuse the device.", \
	  VDP_ADVICE_APPLIED) \
	X(UNSAFE_TRANSLATING_NO_BIT33, UnsafeTranslatingNoBit33, 9, "unsafe-translating-no-bit33", \
	  "The DMA API would hand out IOMMU addresses to a device that ignores the IOMMU, so " \
	  "the rule was not applied.", \
	  "Use `action=direct` (untranslated DMA API), or put the device in an identity " \
	  "IOMMU domain, or give it `iommu_platform=on` on the host.") \
	X(UNSAFE_DIRECT_BIT33_TRANSLATING, UnsafeDirectBit33Translating, 10, \
	  "unsafe-direct-bit33-translating", \
	  "The device is translated by the IOMMU, so a direct mapping would be wrong and the " \
	  "rule was not applied.", \
	  "The device really is translated: keep `auto` (or `dma`); use `direct` only for " \
	  "devices whose host ignores the IOMMU (no bit 33).") \
	X(UNSAFE_NO_DIRECT_PATH, UnsafeNoDirectPath, 11, "unsafe-no-direct-path", \
	  "The DMA device sits behind a translating IOMMU and no direct path can be " \
	  "installed for it (this platform has none, or its driver keeps mappings past its " \
	  "remove), so the rule was not applied.", \
	  "This arch/kernel cannot make the DMA API direct for the device, its driver keeps " \
	  "mappings past its remove (`vdp-policy decide` names it), or installing it failed " \
	  "(see the kernel log): disable the IOMMU for it (identity domain, " \
	  "`iommu.passthrough=1`) or give it `iommu_platform=on`.") \
	X(UNSAFE_PHYSICAL_RESTRICTED, UnsafePhysicalRestricted, 12, "unsafe-physical-restricted", \
	  "This guest restricts memory access, so physical addresses are never used and the " \
	  "rule was not applied.", \
	  "Confidential/restricted guests must bounce through the DMA API: use `dma` or " \
	  "`direct` (with bit 33 on the host) instead of `physical`.") \
	X(UNSAFE_XEN, UnsafeXen, 13, "unsafe-xen", \
	  "Xen guests need the DMA API's translation, so the rule was not applied.", \
	  "Xen guests need the DMA API: keep `auto` or use `dma`.") \
	X(ALREADY_BOUND, AlreadyBound, 14, "already-bound", \
	  "The device was bound before the policy was loaded and is left untouched.", \
	  "Load the module before the virtio transports/drivers (softdep, initramfs), or " \
	  "reprobe the device: `echo virtioN > /sys/kernel/debug/virtio_dma_policy/reprobe` " \
	  "(never on a device in use).") \
	X(UNSAFE_PHYSICAL_BIT33_TRANSLATING, UnsafePhysicalBit33Translating, 15, \
	  "unsafe-physical-bit33-translating", \
	  "The device offers VIRTIO_F_ACCESS_PLATFORM behind a translating IOMMU: withheld, " \
	  "it would get addresses it cannot use unless it refuses, so the rule was not " \
	  "applied.", \
	  "The device is translated by the IOMMU: keep `auto`. For physical addresses, turn " \
	  "its translation off (identity domain, or `iommu_platform=off` on the host).") \
	X(UNSAFE_PHYSICAL_SECURE, UnsafePhysicalSecure, 16, "unsafe-physical-secure", \
	  "This is a secure or memory-encrypted guest: the device cannot reach private " \
	  "memory by physical address, so the rule was not applied.", \
	  "Secure guests must bounce through shared memory: use `dma` or `direct` instead of " \
	  "`physical`.") \
	X(RESTRICTED_BOUNCE, RestrictedBounce, 17, "restricted-bounce", \
	  "This guest restricts memory access and a rule opted in (restricted=bounce): the " \
	  "device is driven through the direct DMA API, every buffer bounced through " \
	  "SWIOTLB.", \
	  VDP_ADVICE_APPLIED) \
	X(BOUNCE_LEGACY, BounceLegacy, 18, "bounce-legacy", \
	  "The rule's restricted=bounce does not apply: the device lacks VIRTIO_F_VERSION_1, " \
	  "which cannot be faked, so upstream's refusal stands.", \
	  "Drive the device through its modern interface: `disable-legacy=on` on the host " \
	  "(QEMU), or a modern device; a legacy device cannot run in this guest.") \
	X(BOUNCE_DEVICE_TYPE, BounceDeviceType, 19, "bounce-device-type", \
	  "The rule's restricted=bounce does not apply: the driver of this device type hands " \
	  "it guest memory outside the DMA API, which bouncing cannot cover, so upstream's " \
	  "refusal stands.", \
	  "Nothing the module can do: this driver gives the device guest memory by address " \
	  "(`vdp-policy decide` names it). Give the device `iommu_platform=on` on the host, " \
	  "or do without it in this guest.") \
	X(BOUNCE_SHM_REGION, BounceShmRegion, 20, "bounce-shm-region", \
	  "The rule's restricted=bounce does not apply: the device exposes a shared-memory " \
	  "region, which its driver maps outside the DMA API, so upstream's refusal stands.", \
	  "Remove the shared-memory region on the host (virtio-fs: no DAX cache, " \
	  "`cache-size=0`; gpu: no host-visible memory), or give the device " \
	  "`iommu_platform=on`.") \
	X(BOUNCE_NO_SWIOTLB, BounceNoSwiotlb, 21, "bounce-no-swiotlb", \
	  "The rule's restricted=bounce does not apply: the DMA device's mappings are not " \
	  "forced through SWIOTLB, so the device would reach private memory and upstream's " \
	  "refusal stands.", \
	  "The DMA device does not bounce: check that the guest is really confidential " \
	  "(`Memory Encryption Features active` in dmesg) or that SWIOTLB is forced " \
	  "(`swiotlb=force`).")

enum vdp_reason {
#define VDP_REASON_ENUM(name, camel, value, token, text, advice) \
	VDP_REASON_##name = value,
	VDP_REASONS(VDP_REASON_ENUM)
#undef VDP_REASON_ENUM
	VDP_REASON_COUNT
};

enum vdp_mode {
	VDP_MODE_ENFORCE = 0,
	VDP_MODE_AUDIT = 1,
	VDP_MODE_COUNT
};

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

#define VDP_MAX_RULES 1024   /* largest capacity of a rule table        */
#define VDP_MAX_TEXT 4096    /* longest rules string, including the NUL  */
#define VDP_NAME_LEN 32      /* name= and bus= patterns, including NUL   */

/* Which match keys a rule carries (vdp_rule.match). */
#define VDP_MATCH_ID (1u << 0)        /* id=<virtio device id>          */
#define VDP_MATCH_VENDOR (1u << 1)    /* vendor=<virtio vendor id>      */
#define VDP_MATCH_TRANSPORT (1u << 2) /* transport=pci|pci-legacy|...   */
#define VDP_MATCH_PCI (1u << 3)       /* pci=<vendor>:<device>          */
#define VDP_MATCH_SUBSYS (1u << 4)    /* subsys=<vendor>:<device>       */
#define VDP_MATCH_BUS (1u << 5)       /* bus=<parent name>[*]           */
#define VDP_MATCH_NAME (1u << 6)      /* name=<virtio device name>[*]   */
#define VDP_MATCH_HAS (1u << 7)       /* has=<bit>[+<bit>...] offered   */
#define VDP_MATCH_LACKS (1u << 8)     /* lacks=<bit>[+<bit>...] offered */
#define VDP_MATCH_PLATFORM (1u << 9)  /* platform=<flag>[+<flag>...]    */
#define VDP_MATCH_ARCH (1u << 10)     /* arch=x86_64|ppc64|...          */

/* Platform flags for platform= matching (vdp_platform_flags()). */
#define VDP_PLAT_XEN (1u << 0)
#define VDP_PLAT_RESTRICTED (1u << 1)
#define VDP_PLAT_PSERIES (1u << 2)
#define VDP_PLAT_SECURE (1u << 3)
#define VDP_PLAT_SWIOTLB (1u << 4)

/* A PCI id half is a wildcard when it equals this value. */
#define VDP_ANY_ID 0xffffffffu

/* Rule flags. */
#define VDP_RULE_BUILTIN (1u << 0) /* a built-in platform default */
/*
 * restricted=bounce (only with action=direct): in a restricted-memory
 * guest, a VERSION_1 device without bit 33 is driven through the DMA API
 * with every buffer bounced through SWIOTLB, instead of being refused.
 * Never for a legacy device, a device type in the core's no-bounce table,
 * a device with a shared-memory region, a Xen guest, or a DMA device
 * whose mappings are not forced through SWIOTLB.
 */
#define VDP_RULE_RESTRICTED_BOUNCE (1u << 1)

struct vdp_rule {
	vdp_u32 match;          /* VDP_MATCH_* keys present             */
	vdp_u32 device_id;      /* virtio device id                     */
	vdp_u32 vendor_id;      /* virtio vendor id                     */
	vdp_u32 pci_vendor;     /* or VDP_ANY_ID                        */
	vdp_u32 pci_device;     /* or VDP_ANY_ID                        */
	vdp_u32 sub_vendor;     /* or VDP_ANY_ID                        */
	vdp_u32 sub_device;     /* or VDP_ANY_ID                        */
	vdp_u32 platform;       /* VDP_PLAT_* that must all be set      */
	vdp_u8 transport;       /* enum vdp_transport                   */
	vdp_u8 arch;            /* enum vdp_arch                        */
	vdp_u8 action;          /* enum vdp_action                      */
	vdp_u8 fallback;        /* enum vdp_fallback                    */
	vdp_u32 flags;          /* VDP_RULE_*                           */
	char bus[VDP_NAME_LEN]; /* NUL-terminated; trailing '*' = prefix */
	char name[VDP_NAME_LEN];
	struct vdp_features has;   /* offered bits that must be set     */
	struct vdp_features lacks; /* offered bits that must be clear   */
	struct vdp_features clear; /* offered bits hidden from the driver */
};

/*
 * A rule table holds count rules in rules[0..count).  Its owner allocates
 * it for capacity rules (VDP_TABLE_BYTES(capacity) bytes) and sets
 * capacity; the core never writes rules[capacity] or beyond, and never
 * reads past min(count, capacity).  A capacity above VDP_MAX_RULES counts
 * as VDP_MAX_RULES.  A zeroed table is a valid empty table (capacity 0).
 * To hold a rules text and the built-in rules:
 *   capacity = vdp_rules_count(text, len) + VDP_BUILTIN_RULES
 */
struct vdp_table {
	vdp_u32 count;
	vdp_u32 capacity;
	struct vdp_rule rules[];
};

#define VDP_TABLE_BYTES(capacity) \
	(sizeof(struct vdp_table) + (vdp_size)(capacity) * sizeof(struct vdp_rule))

/* The most rules vdp_append_builtin() appends. */
#define VDP_BUILTIN_RULES 1

/* Parse errors: position is a byte offset into the input. */
enum vdp_parse_status {
	VDP_PARSE_OK = 0,
	VDP_PARSE_EMPTY_RULE = 1,
	VDP_PARSE_UNKNOWN_KEY = 2,
	VDP_PARSE_BAD_VALUE = 3,
	VDP_PARSE_OUT_OF_RANGE = 4,
	VDP_PARSE_DUPLICATE_KEY = 5,
	VDP_PARSE_MISSING_VALUE = 6,
	VDP_PARSE_TOO_MANY_RULES = 7,
	VDP_PARSE_TOO_LONG = 8,
	VDP_PARSE_BAD_CHAR = 9,
	VDP_PARSE_CONFLICT = 10,
	VDP_PARSE_NO_ACTION = 11,
	VDP_PARSE_STATUS_COUNT
};

struct vdp_parse_result {
	vdp_u32 status;   /* enum vdp_parse_status                      */
	vdp_u32 offset;   /* byte offset of the problem in the input    */
	vdp_u32 rule;     /* index of the rule being parsed             */
	char message[96]; /* NUL-terminated, e.g. "unknown key 'idd'"   */
};

/* ------------------------------------------------------------------ */
/* Decision inputs and output                                          */
/* ------------------------------------------------------------------ */

struct vdp_device {
	vdp_u32 device_id;        /* virtio device id (2 = block, ...)  */
	vdp_u32 vendor_id;        /* virtio vendor id                   */
	vdp_u8 transport;         /* enum vdp_transport                 */
	vdp_u8 is_pci;            /* pci_* fields below are valid       */
	vdp_u8 sriov_capable;     /* PCI SR-IOV extended capability     */
	vdp_u8 shm_region;        /* exposes a shared-memory region     */
	vdp_u32 pci_vendor, pci_device, sub_vendor, sub_device;
	char bus[VDP_NAME_LEN];   /* parent device name, e.g. 0000:00:04.0 */
	char name[VDP_NAME_LEN];  /* virtio device name, e.g. virtio3   */
	struct vdp_features offered; /* what the device offers          */
};

struct vdp_platform {
	vdp_u8 arch;            /* enum vdp_arch                          */
	vdp_u8 gen;             /* enum vdp_gen                           */
	vdp_u8 xen;             /* xen_domain()                           */
	vdp_u8 restricted_mem;  /* virtio_check_mem_acc_cb() says so      */
	vdp_u8 pseries;
	vdp_u8 secure_guest;
	/*
	 * The DMA device's mappings are forced through SWIOTLB
	 * (is_swiotlb_force_bounce() of the transport's DMA device): a fact
	 * of that device, kept here since ABI 3 for platform=swiotlb.
	 */
	vdp_u8 swiotlb_forced;
	vdp_u8 reserved0;
};

struct vdp_dma_facts {
	vdp_u8 iommu;              /* enum vdp_iommu for the DMA device  */
	vdp_u8 direct_path;        /* glue can install a direct path     */
	vdp_u8 reserved0[2];
};

struct vdp_decision {
	vdp_u8 requested;     /* enum vdp_action asked for (AUTO if none) */
	vdp_u8 verdict;       /* enum vdp_verdict                         */
	vdp_u8 path;          /* enum vdp_path                            */
	vdp_u8 reason;        /* enum vdp_reason                          */
	vdp_s32 err;          /* 0, or -errno the probe must fail with    */
	vdp_s32 rule;         /* matching rule index, -1 for none         */
	vdp_u8 install_direct_path; /* glue must install a direct path    */
	vdp_u8 edits;         /* non-zero: the glue must hook the device  */
	/*
	 * audit mode: verdict/reason are what enforce would do; path/err
	 * are the stock ones and there are no edits.
	 */
	vdp_u8 audit;
	vdp_u8 reserved0;
	/*
	 * Towards the driver: get_features() returns
	 * (offered & ~driver_clear) | driver_set.
	 */
	struct vdp_features driver_set;
	struct vdp_features driver_clear;
	/*
	 * Towards the device: finalize_features() never passes these bits
	 * (the device did not offer them); they are cleared around the
	 * transport's finalize_features and set again afterwards.
	 */
	struct vdp_features device_hide;
};

/* ------------------------------------------------------------------ */
/* Functions                                                           */
/* ------------------------------------------------------------------ */

/* ABI check: returns VDP_ABI_VERSION as compiled into the core. */
vdp_u32 vdp_abi_version(void);

/*
 * Stock model of upstream.
 * vdp_stock_use_dma_api: vring_use_dma_api() / vring_use_map_api().
 * vdp_stock_features_ok: the restricted-memory part of
 * virtio_features_ok(): 0 or -ENODEV (as a negative number, -19).
 */
int vdp_stock_use_dma_api(const struct vdp_features *negotiated, int xen);
int vdp_stock_features_ok(const struct vdp_features *negotiated,
			  int restricted_mem);

/*
 * What a kernel's virtio core does with transport features: the inputs
 * of the prediction model.  The generations' presets are 6.1, 6.12 and
 * 7.2; the glue measures the running kernel instead (drivers/compat.h),
 * since the facts did not change at generation boundaries (6.4-6.7 keep
 * NOTIFICATION_DATA with END still 41; 128 bits came in a 6.x).
 */
struct vdp_model {
	vdp_u8 transport_end;  /* VIRTIO_TRANSPORT_F_END (exclusive)        */
	vdp_u8 feature_bits;   /* 64, or 128 (get_extended_features)        */
	vdp_u8 reserved0[6];
	/* the bits of [TRANSPORT_F_START, transport_end) it keeps */
	struct vdp_features keep;
};

/*
 * A generation's preset (unknown generations: the newest).  A model is
 * valid when VDP_TRANSPORT_F_START < transport_end <= 64, feature_bits
 * is 64 or 128 and keep lies inside the transport range; the functions
 * below treat an invalid model as the preset of the newest generation.
 */
void vdp_model_of_gen(vdp_u8 gen, struct vdp_model *model);
int vdp_model_valid(const struct vdp_model *model);

/* vring_transport_features() under a model, applied in place. */
void vdp_model_filter(const struct vdp_model *model,
		      struct vdp_features *features);
/* The same with a generation's preset. */
void vdp_transport_filter(vdp_u8 gen, struct vdp_features *features);

/*
 * Prediction of the negotiated set as virtio_dev_probe() and the
 * transport's finalize_features() compute it, before driver validate():
 * offered is what get_features() returns (after edits), drv / drv_legacy
 * the driver's feature tables as bit sets (has_legacy: the driver has a
 * separate legacy table).
 */
void vdp_model_predict(const struct vdp_model *model,
		       const struct vdp_device *dev,
		       const struct vdp_features *offered,
		       const struct vdp_features *drv,
		       const struct vdp_features *drv_legacy, int has_legacy,
		       struct vdp_features *out);
/* The same with a generation's preset. */
void vdp_predict_negotiated(vdp_u8 gen, const struct vdp_device *dev,
			    const struct vdp_features *offered,
			    const struct vdp_features *drv,
			    const struct vdp_features *drv_legacy,
			    int has_legacy, struct vdp_features *out);

/* Platform flags (VDP_PLAT_*) from platform facts. */
vdp_u32 vdp_platform_flags(const struct vdp_platform *plat);

/* Does a rule match a device on a platform? */
int vdp_rule_matches(const struct vdp_rule *rule,
		     const struct vdp_device *dev,
		     const struct vdp_platform *plat);

/*
 * The policy decision.  table may be NULL (no rules).  First match wins.
 * Always fills *out; never fails.
 */
void vdp_decide(const struct vdp_table *table, const struct vdp_device *dev,
		const struct vdp_platform *plat,
		const struct vdp_dma_facts *dma, vdp_u8 mode,
		struct vdp_decision *out);

/*
 * The number of rules a rules string holds if it parses (its
 * ';'-separated items; 0 for the empty string), at most VDP_MAX_RULES + 1
 * (a text with more rules than a table may hold fails to parse anyway).
 */
vdp_u32 vdp_rules_count(const char *text, vdp_size len);

/*
 * Parse a rules string (length len, need not be NUL-terminated; one
 * trailing newline is accepted) into *out, within its capacity (more
 * rules: VDP_PARSE_TOO_MANY_RULES).  Returns VDP_PARSE_OK or an error
 * status; on error *res names the offset and the problem and out->count
 * is unspecified (callers parse into a scratch table).
 */
vdp_u32 vdp_parse(const char *text, vdp_size len, struct vdp_table *out,
		  struct vdp_parse_result *res);

/*
 * The excerpt of text an error of vdp_parse() points at, for messages:
 * *start is its offset (res->offset, at most len), the result its length
 * (up to 24 bytes, ending before a newline).
 */
vdp_size vdp_parse_excerpt(const char *text, vdp_size len,
			   const struct vdp_parse_result *res, vdp_size *start);

/*
 * Print one rule / a whole table in the grammar.  Returns the length the
 * full output needs (excluding the NUL), like snprintf; writes at most
 * size bytes including the NUL.
 */
vdp_size vdp_format_rule(const struct vdp_rule *rule, char *buf,
			 vdp_size size);
vdp_size vdp_format_table(const struct vdp_table *table, char *buf,
			  vdp_size size);
/*
 * The platform facts as vdp-policy's --platform takes them (the devices
 * file's platform column): "arch=A,gen=G" and, if any flag is set,
 * ",platform=F+F" (the VDP_PLAT_* names of vdp_platform_flags()).
 * snprintf semantics, as above.
 */
vdp_size vdp_format_platform(const struct vdp_platform *plat, char *buf,
			     vdp_size size);

/* Built-in platform defaults, selected by pseries_bounce=. */
enum vdp_pseries_bounce {
	/* direct for devices without bit 33 on pseries secure guests */
	VDP_PSERIES_BOUNCE_AUTO = 0,
	/* ... on every pseries guest */
	VDP_PSERIES_BOUNCE_ON = 1,
	/* no built-in rule */
	VDP_PSERIES_BOUNCE_OFF = 2,
	VDP_PSERIES_BOUNCE_COUNT
};

/*
 * Append the built-in rules (at most VDP_BUILTIN_RULES); returns 0, or -1
 * if they do not fit the table's capacity (the table is then unchanged).
 */
int vdp_append_builtin(struct vdp_table *table, vdp_u8 pseries_bounce);

/*
 * The generation of a kernel series (major.minor): VDP_GEN_COUNT before
 * 6.1, which the module does not support.  6.4 is the first of 6.12's
 * (VIRTIO_F_NOTIFICATION_DATA kept), 7.0 of 7.x's.
 */
vdp_u8 vdp_gen_of_version(vdp_u32 major, vdp_u32 minor);

/* The grammar's name of a virtio device id ("block"); NULL if it has none. */
const char *vdp_device_id_name(vdp_u32 device_id);

/* Names: never NULL; "?" for out-of-range values. */
const char *vdp_action_name(vdp_u8 action);
const char *vdp_verdict_name(vdp_u8 verdict);
const char *vdp_path_name(vdp_u8 path);
const char *vdp_reason_token(vdp_u8 reason);
const char *vdp_reason_text(vdp_u8 reason);
const char *vdp_reason_advice(vdp_u8 reason);
const char *vdp_transport_name(vdp_u8 transport);
const char *vdp_arch_name(vdp_u8 arch);
const char *vdp_gen_name(vdp_u8 gen);
const char *vdp_mode_name(vdp_u8 mode);
const char *vdp_iommu_name(vdp_u8 iommu);
const char *vdp_pseries_bounce_name(vdp_u8 pseries_bounce);
const char *vdp_parse_status_name(vdp_u32 status);

/*
 * The core's no-bounce table: device types whose drivers hand the device
 * guest memory outside the DMA API, so that bouncing cannot cover them
 * (restricted=bounce never applies).  For such a type the driver's
 * source and what it does ("virtio_balloon: page frame numbers"); NULL
 * for every other type.
 */
const char *vdp_no_bounce_type(vdp_u32 device_id);

/*
 * The core's no-direct table: device types whose drivers keep DMA
 * mappings on the transport's device past their remove (virtio-gpu's
 * shmem objects), so that a direct path, undone at unbind, is never
 * installed for them (a direct rule then reads unsafe-no-direct-path).
 * For such a type the driver and what it does; NULL for every other type.
 */
const char *vdp_no_direct_type(vdp_u32 device_id);

/* How many rules of the table are built-in ones (VDP_RULE_BUILTIN). */
vdp_u32 vdp_table_builtin_count(const struct vdp_table *table);

/* Feature-set helpers. */
static inline int vdp_feat_test(const struct vdp_features *f, unsigned int b)
{
	return b < VDP_FEATURE_BITS && ((f->w[b / 64] >> (b % 64)) & 1);
}

static inline void vdp_feat_set(struct vdp_features *f, unsigned int b)
{
	if (b < VDP_FEATURE_BITS)
		f->w[b / 64] |= (vdp_u64)1 << (b % 64);
}

static inline void vdp_feat_clear(struct vdp_features *f, unsigned int b)
{
	if (b < VDP_FEATURE_BITS)
		f->w[b / 64] &= ~((vdp_u64)1 << (b % 64));
}

/*
 * What the driver sees of a decision: get_features() returns
 * (offered & ~driver_clear) | driver_set on a hooked device.
 */
static inline struct vdp_features
vdp_feat_driver_view(const struct vdp_features *offered,
		     const struct vdp_decision *d)
{
	struct vdp_features v;
	unsigned int i;

	for (i = 0; i < VDP_FEATURE_WORDS; i++)
		v.w[i] = (offered->w[i] & ~d->driver_clear.w[i]) |
			 d->driver_set.w[i];
	return v;
}

/* a & ~b */
static inline struct vdp_features
vdp_feat_and_not(const struct vdp_features *a, const struct vdp_features *b)
{
	struct vdp_features v;
	unsigned int i;

	for (i = 0; i < VDP_FEATURE_WORDS; i++)
		v.w[i] = a->w[i] & ~b->w[i];
	return v;
}

/*
 * Does the glue hook the device for this decision?  Only when it edits
 * something (a rule refusal counts) in enforce mode.  A refusal without
 * edits is upstream's own restricted-memory check, which
 * virtio_features_ok() performs by itself.
 */
static inline int vdp_decision_hooks(const struct vdp_decision *d)
{
	return !d->audit && d->edits;
}

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_DMA_POLICY_H */

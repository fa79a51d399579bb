// libFuzzer target: parser, printer round trip and decisions on parsed
// tables.  Any crash, sanitizer report or __builtin_trap() is a failure.
//
// Input layout: the first 8 bytes (if present) describe a device and the
// platform; the rest is the rules text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "../../../include/virtio_dma_policy.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

// A table of exactly its capacity (ASan catches any access beyond it).
struct Table {
	vdp_table *t;
	explicit Table(vdp_u32 capacity)
		: t(static_cast<vdp_table *>(std::malloc(VDP_TABLE_BYTES(capacity))))
	{
		std::memset(t, 0xa5, VDP_TABLE_BYTES(capacity));
		t->capacity = capacity;
	}
	~Table() { std::free(t); }
	Table(const Table &) = delete;
	Table &operator=(const Table &) = delete;
};

static bool only_bit33(const vdp_features &f)
{
	return f.w[1] == 0 && (f.w[0] & ~(1ull << 33)) == 0;
}

static void check_decision(const vdp_decision &d, const vdp_device &dev, const vdp_platform &plat,
			   vdp_u8 mode, vdp_u32 count)
{
	CHECK(d.verdict < VDP_VERDICT_COUNT);
	CHECK(d.path < VDP_PATH_COUNT);
	CHECK(d.reason < VDP_REASON_COUNT);
	CHECK(d.rule >= -1 && d.rule < (vdp_s32)count);
	CHECK(only_bit33(d.driver_set));
	CHECK(only_bit33(d.device_hide));
	// set bits were not offered, cleared bits were
	CHECK((d.driver_set.w[0] & dev.offered.w[0]) == 0);
	CHECK((d.driver_clear.w[0] & ~dev.offered.w[0]) == 0);
	CHECK((d.driver_clear.w[1] & ~dev.offered.w[1]) == 0);
	if (plat.restricted_mem)
		CHECK(d.driver_set.w[0] == 0);
	CHECK((d.path == VDP_PATH_NONE) == (d.err == -19));
	CHECK(d.err == 0 || d.err == -19);
	if (mode == VDP_MODE_AUDIT) {
		CHECK(d.audit == 1 && d.edits == 0 && d.install_direct_path == 0);
		CHECK(d.driver_set.w[0] == 0 && d.driver_clear.w[0] == 0 && d.device_hide.w[0] == 0);
	} else {
		CHECK((d.verdict == VDP_VERDICT_REFUSE) == (d.err == -19));
		const bool any = d.driver_set.w[0] | d.driver_set.w[1] | d.driver_clear.w[0] |
				 d.driver_clear.w[1] | d.device_hide.w[0] | d.device_hide.w[1];
		if (any || d.install_direct_path)
			CHECK(d.edits);
	}
	CHECK(vdp_reason_token(d.reason)[0] != '?');
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[8] = {0};
	size_t h = size < 8 ? size : 8;
	std::memcpy(hdr, data, h);
	const char *text = reinterpret_cast<const char *>(data + h);
	const size_t len = size - h;

	// Sized as the module sizes it.
	const vdp_u32 cap = vdp_rules_count(text, len) + VDP_BUILTIN_RULES;
	CHECK(cap <= VDP_MAX_RULES + 1 + VDP_BUILTIN_RULES);
	Table ta(cap);
	vdp_table *a = ta.t;
	vdp_parse_result res;
	std::memset(&res, 0x77, sizeof(res));
	const vdp_u32 st = vdp_parse(text, len, a, &res);
	CHECK(st == res.status);
	CHECK(st < VDP_PARSE_STATUS_COUNT);
	CHECK(std::memchr(res.message, '\0', sizeof(res.message)) != nullptr);
	if (st != VDP_PARSE_OK) {
		CHECK(res.offset < len || (len == 0));
		CHECK(res.message[0] != '\0');
		return 0;
	}
	CHECK(a->count <= VDP_MAX_RULES);
	// vdp_rules_count is exact for a text that parses.
	CHECK(a->count + VDP_BUILTIN_RULES == cap);

	// Round trip: parse(format(t)) == t, and format is a fixed point.
	static char buf[1 << 20], buf2[1 << 20];
	const vdp_size n = vdp_format_table(a, buf, sizeof(buf));
	CHECK(n < sizeof(buf) && std::strlen(buf) == n);
	Table tb(a->count);
	vdp_table *b = tb.t;
	if (n < VDP_MAX_TEXT) {
		vdp_parse_result r2;
		CHECK(vdp_parse(buf, n, b, &r2) == VDP_PARSE_OK);
		CHECK(b->count == a->count);
		CHECK(std::memcmp(a->rules, b->rules, sizeof(vdp_rule) * a->count) == 0);
		CHECK(vdp_format_table(b, buf2, sizeof(buf2)) == n);
		CHECK(std::memcmp(buf, buf2, n + 1) == 0);
	}
	// Truncated formatting: a NUL-terminated prefix, never past size.
	const vdp_size cut = n ? hdr[7] % (n + 1) : 0;
	std::memset(buf2, 'Z', cut + 2);
	CHECK(vdp_format_table(a, buf2, cut) == n);
	if (cut) {
		CHECK(buf2[cut - 1] == '\0');
		CHECK(std::memcmp(buf, buf2, cut - 1) == 0);
	}
	CHECK(buf2[cut] == 'Z');

	// Decisions for a device and platform drawn from the header.
	vdp_device dev{};
	dev.device_id = hdr[0] % 30;
	dev.vendor_id = 0x1af4;
	dev.transport = hdr[1] % VDP_TRANSPORT_COUNT;
	dev.is_pci = hdr[1] >> 7;
	dev.pci_vendor = 0x1af4;
	dev.pci_device = 0x1000 + (hdr[2] & 0x7f);
	dev.sub_vendor = 0x1af4;
	dev.sub_device = hdr[2] >> 4;
	std::memcpy(dev.bus, "0000:00:04.0", 13);
	std::memcpy(dev.name, "virtio3", 8);
	// Often named like a rule's pattern, so that bus=/name= rules match.
	if (a->count && (hdr[7] & 0x40)) {
		const vdp_rule &r = a->rules[hdr[7] % a->count];
		std::memcpy(dev.bus, r.bus, VDP_NAME_LEN);
		std::memcpy(dev.name, r.name, VDP_NAME_LEN);
		char *names[] = {dev.bus, dev.name};
		for (char *p : names) { // a prefix pattern's '*': a character or the end
			char *star = static_cast<char *>(std::memchr(p, '*', VDP_NAME_LEN));
			if (star)
				*star = (hdr[7] & 0x20) ? 'x' : '\0';
		}
	}
	dev.offered.w[0] = (vdp_u64)hdr[3] * 0x0101010101010101ull ^ ((vdp_u64)hdr[4] << 28);
	dev.offered.w[1] = hdr[4] & 1 ? ~0ull : 0;
	vdp_platform plat{};
	plat.arch = hdr[5] % VDP_ARCH_COUNT;
	plat.gen = (hdr[5] >> 3) % VDP_GEN_COUNT;
	plat.xen = hdr[6] & 1;
	plat.restricted_mem = (hdr[6] >> 1) & 1;
	plat.pseries = (hdr[6] >> 2) & 1;
	plat.secure_guest = (hdr[6] >> 3) & 1;
	plat.swiotlb_forced = (hdr[6] >> 4) & 1;
	vdp_dma_facts dma{};
	dma.iommu = (hdr[6] >> 5) % VDP_IOMMU_COUNT;
	dma.direct_path = hdr[6] >> 7;
	for (vdp_u8 mode = 0; mode < VDP_MODE_COUNT; mode++) {
		vdp_decision d;
		std::memset(&d, 0xab, sizeof(d));
		vdp_decide(a, &dev, &plat, &dma, mode, &d);
		check_decision(d, dev, plat, mode, a->count);
		// first match: the chosen rule matches and none before it does
		if (d.rule >= 0) {
			CHECK(vdp_rule_matches(&a->rules[d.rule], &dev, &plat));
			for (vdp_s32 i = 0; i < d.rule; i++)
				CHECK(!vdp_rule_matches(&a->rules[i], &dev, &plat));
		}
	}
	// Built-in rules fit the room left for them.
	const vdp_u32 before = a->count;
	CHECK(vdp_append_builtin(a, hdr[0] % 3) == 0);
	CHECK(a->count == before + (hdr[0] % 3 == VDP_PSERIES_BOUNCE_OFF ? 0 : 1));
	return 0;
}

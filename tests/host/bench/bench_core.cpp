// Google Benchmark of the policy core.  Prints figures; never fails on timing.
//   vdp_decide with 1, 10, 372 (the most a rules text holds) and 1000 rules
//   (a table built by a program), worst case (no rule matches, or only the
//   last one does), with each table's size in bytes (table_bytes: the
//   module allocates VDP_TABLE_BYTES(rules + VDP_BUILTIN_RULES)), and
//   vdp_parse of a realistic 10-rule string and of 1000 realistic rules
//   (parsed in the largest strings the 4095-byte limit allows, as a sysfs
//   writer would have to).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../../../include/virtio_dma_policy.h"

namespace {

// Realistic rules: a mix of keys, each selective on a different field.
std::string realistic_rule(int i)
{
	char b[160];
	switch (i % 5) {
	case 0:
		std::snprintf(b, sizeof(b), "bus=0000:%02x:%02x.0,action=direct", (i / 32) & 0xff, i % 32);
		break;
	case 1:
		std::snprintf(b, sizeof(b), "id=net,pci=1af4:%x,lacks=33,action=refuse", 0x1000 + i);
		break;
	case 2:
		std::snprintf(b, sizeof(b), "name=virtio%d,action=physical,clear=34", i);
		break;
	case 3:
		std::snprintf(b, sizeof(b), "subsys=*:%x,platform=pseries+secure,action=dma,else=refuse", i);
		break;
	default:
		std::snprintf(b, sizeof(b), "id=%d,has=32+34,arch=ppc64,action=auto", 100 + i);
		break;
	}
	return b;
}

struct FreeTable {
	void operator()(vdp_table *t) const { std::free(t); }
};
using Table = std::unique_ptr<vdp_table, FreeTable>;

Table new_table(vdp_u32 capacity)
{
	Table t(static_cast<vdp_table *>(std::calloc(1, VDP_TABLE_BYTES(capacity))));
	t->capacity = capacity;
	return t;
}

// Assembled rule by rule (1000 rules do not fit in one rules string), as
// large as its rules.
Table table_of(int n, bool last_matches)
{
	Table t = new_table(n);
	Table one = new_table(1);
	for (int i = 0; i < n; i++) {
		std::string r = realistic_rule(i);
		if (last_matches && i == n - 1)
			r = "bus=0000:00:04.0,action=dma";
		vdp_parse_result res;
		if (vdp_parse(r.data(), r.size(), one.get(), &res) != VDP_PARSE_OK)
			std::abort();
		t->rules[i] = one->rules[0];
	}
	t->count = n;
	return t;
}

vdp_device the_device()
{
	vdp_device d{};
	d.device_id = 2;
	d.vendor_id = 0x1af4;
	d.transport = VDP_TRANSPORT_PCI;
	d.is_pci = 1;
	d.pci_vendor = 0x1af4;
	d.pci_device = 0x1042;
	d.sub_vendor = 0x1af4;
	d.sub_device = 0x0002;
	std::strcpy(d.bus, "0000:00:04.0");
	std::strcpy(d.name, "virtio3");
	d.offered.w[0] = (1ull << 32) | (1ull << 28) | 0x6;
	return d;
}

void BM_decide(benchmark::State &state, bool last_matches)
{
	const int n = static_cast<int>(state.range(0));
	auto t = table_of(n, last_matches);
	vdp_device dev = the_device();
	vdp_platform plat{};
	plat.arch = VDP_ARCH_X86_64;
	vdp_dma_facts dma{VDP_IOMMU_NONE, 0, {0, 0}};
	vdp_decision d;
	for (auto _ : state) {
		vdp_decide(t.get(), &dev, &plat, &dma, VDP_MODE_ENFORCE, &d);
		benchmark::DoNotOptimize(d);
	}
	if (d.rule != (last_matches ? n - 1 : -1))
		state.SkipWithError("unexpected matching rule");
	state.SetItemsProcessed(state.iterations());
	state.counters["table_bytes"] = static_cast<double>(VDP_TABLE_BYTES(n));
}

void BM_decide_no_match(benchmark::State &state) { BM_decide(state, false); }
void BM_decide_last_matches(benchmark::State &state) { BM_decide(state, true); }

BENCHMARK(BM_decide_no_match)->Arg(1)->Arg(10)->Arg(372)->Arg(1000);
BENCHMARK(BM_decide_last_matches)->Arg(1)->Arg(10)->Arg(372)->Arg(1000);

void BM_parse_10(benchmark::State &state)
{
	std::string s;
	for (int i = 0; i < 10; i++)
		s += (i ? ";" : "") + realistic_rule(i);
	Table t = new_table(10);
	vdp_parse_result res;
	for (auto _ : state) {
		vdp_u32 st = vdp_parse(s.data(), s.size(), t.get(), &res);
		benchmark::DoNotOptimize(st);
	}
	if (t->count != 10)
		state.SkipWithError("parse failed");
	state.SetBytesProcessed(state.iterations() * s.size());
}
BENCHMARK(BM_parse_10);

void BM_parse_1000(benchmark::State &state)
{
	// 1000 realistic rules are ~40 KB of text: split into strings of at
	// most 4095 bytes (the text limit), parse all of them per iteration.
	std::vector<std::string> chunks(1);
	for (int i = 0; i < 1000; i++) {
		std::string r = realistic_rule(i);
		if (chunks.back().size() + 1 + r.size() > VDP_MAX_TEXT - 1)
			chunks.emplace_back();
		chunks.back() += (chunks.back().empty() ? "" : ";") + r;
	}
	Table t = new_table(VDP_MAX_RULES);
	vdp_parse_result res;
	size_t bytes = 0, rules = 0;
	for (auto &c : chunks)
		bytes += c.size();
	for (auto _ : state) {
		rules = 0;
		for (auto &c : chunks) {
			vdp_parse(c.data(), c.size(), t.get(), &res);
			rules += t->count;
		}
		benchmark::DoNotOptimize(rules);
	}
	if (rules != 1000)
		state.SkipWithError("parse failed");
	state.counters["chunks"] = static_cast<double>(chunks.size());
	state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_parse_1000);

void BM_format_1000(benchmark::State &state)
{
	auto t = table_of(1000, false);
	static char buf[1 << 17];
	for (auto _ : state) {
		vdp_size n = vdp_format_table(t.get(), buf, sizeof(buf));
		benchmark::DoNotOptimize(n);
	}
}
BENCHMARK(BM_format_1000);

} // namespace

BENCHMARK_MAIN();

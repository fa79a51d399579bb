// Parser, printer, round trip and limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "test_util.hpp"

#include "../cases/parse_cases.h"

class ParseOk : public ::testing::TestWithParam<vdp_parse_ok_case> {};

TEST_P(ParseOk, CanonicalForm)
{
	const vdp_parse_ok_case &c = GetParam();
	auto p = parse(c.input);
	ASSERT_EQ(p.status, (vdp_u32)VDP_PARSE_OK) << c.input << ": " << p.res.message;
	EXPECT_EQ(p.res.status, (vdp_u32)VDP_PARSE_OK);
	EXPECT_EQ(p.table->count, c.rules);
	EXPECT_EQ(format_table(*p.table), c.canonical);
	// The canonical form is a fixed point and parses to the same table.
	auto q = parse(c.canonical);
	ASSERT_EQ(q.status, (vdp_u32)VDP_PARSE_OK) << q.res.message;
	EXPECT_TRUE(tables_equal(*p.table, *q.table));
	EXPECT_EQ(format_table(*q.table), c.canonical);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseOk,
			 ::testing::ValuesIn(vdp_parse_ok_cases,
					     vdp_parse_ok_cases + VDP_PARSE_OK_CASES_COUNT),
			 [](const auto &i) { return std::to_string(i.index); });

class ParseErr : public ::testing::TestWithParam<vdp_parse_err_case> {};

TEST_P(ParseErr, StatusOffsetMessage)
{
	const vdp_parse_err_case &c = GetParam();
	auto p = parse(c.input);
	EXPECT_STREQ(vdp_parse_status_name(p.status), vdp_parse_status_name(c.status))
		<< "input: " << c.input << " message: " << p.res.message;
	EXPECT_EQ(p.res.status, p.status);
	EXPECT_EQ(p.res.offset, c.offset) << c.input << ": " << p.res.message;
	EXPECT_NE(std::string(p.res.message).find(c.message_has), std::string::npos)
		<< "message '" << p.res.message << "' lacks '" << c.message_has << "'";
	EXPECT_LT(std::strlen(p.res.message), sizeof(p.res.message));
	EXPECT_LT(p.res.offset, std::strlen(c.input));
}

INSTANTIATE_TEST_SUITE_P(Table, ParseErr,
			 ::testing::ValuesIn(vdp_parse_err_cases,
					     vdp_parse_err_cases + VDP_PARSE_ERR_CASES_COUNT),
			 [](const auto &i) { return std::to_string(i.index); });

TEST(Parse, FieldsOfAFullRule)
{
	auto p = parse("id=net,vendor=0x1af4,transport=pci,pci=1af4:*,subsys=*:1100,bus=0000:00:0*,"
		       "name=virtio3,has=32+64,lacks=33,platform=pseries+secure,arch=ppc64,"
		       "action=direct,clear=34,else=refuse,builtin");
	ASSERT_EQ(p.status, 0u) << p.res.message;
	ASSERT_EQ(p.table->count, 1u);
	const vdp_rule &r = p.table->rules[0];
	EXPECT_EQ(r.match, VDP_MATCH_ID | VDP_MATCH_VENDOR | VDP_MATCH_TRANSPORT | VDP_MATCH_PCI |
				   VDP_MATCH_SUBSYS | VDP_MATCH_BUS | VDP_MATCH_NAME | VDP_MATCH_HAS |
				   VDP_MATCH_LACKS | VDP_MATCH_PLATFORM | VDP_MATCH_ARCH);
	EXPECT_EQ(r.device_id, 1u);
	EXPECT_EQ(r.vendor_id, 0x1af4u);
	EXPECT_EQ(r.transport, VDP_TRANSPORT_PCI);
	EXPECT_EQ(r.pci_vendor, 0x1af4u);
	EXPECT_EQ(r.pci_device, VDP_ANY_ID);
	EXPECT_EQ(r.sub_vendor, VDP_ANY_ID);
	EXPECT_EQ(r.sub_device, 0x1100u);
	EXPECT_STREQ(r.bus, "0000:00:0*");
	EXPECT_STREQ(r.name, "virtio3");
	EXPECT_EQ(r.has, feats({32, 64}));
	EXPECT_EQ(r.lacks, feats({33}));
	EXPECT_EQ(r.platform, VDP_PLAT_PSERIES | VDP_PLAT_SECURE);
	EXPECT_EQ(r.arch, VDP_ARCH_PPC64);
	EXPECT_EQ(r.action, VDP_ACTION_DIRECT);
	EXPECT_EQ(r.clear, feats({34}));
	EXPECT_EQ(r.fallback, VDP_FALLBACK_REFUSE);
	EXPECT_EQ(r.flags, VDP_RULE_BUILTIN);
}

// The "near" excerpt of the module's message (README troubleshooting).
TEST(Parse, ErrorExcerpt)
{
	vdp_parse_result res{};
	vdp_size start = 99;
	const char text[] = "id=block,acton=dma,x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	res.offset = 9; // "acton"
	EXPECT_EQ(vdp_parse_excerpt(text, sizeof(text) - 1, &res, &start), 24u);
	EXPECT_EQ(start, 9u);
	const char nl[] = "id=block,acton=dma\n";
	EXPECT_EQ(vdp_parse_excerpt(nl, sizeof(nl) - 1, &res, &start), 9u); // stops at '\n'
	res.offset = 200; // past the end: an empty excerpt at the end
	EXPECT_EQ(vdp_parse_excerpt(nl, sizeof(nl) - 1, &res, &start), 0u);
	EXPECT_EQ(start, sizeof(nl) - 1);
	// the excerpt of a real error starts at the offset the parser names
	auto p = parse("id=block,acton=dma");
	ASSERT_EQ(p.status, (vdp_u32)VDP_PARSE_UNKNOWN_KEY);
	EXPECT_EQ(vdp_parse_excerpt("id=block,acton=dma", 18, &p.res, &start), 9u);
	EXPECT_EQ(start, 9u);
}

TEST(Parse, EmptyStringIsEmptyTable)
{
	auto t = new_table();
	t->count = 7;
	vdp_parse_result res;
	EXPECT_EQ(vdp_parse("", 0, t.get(), &res), 0u);
	EXPECT_EQ(t->count, 0u);
	EXPECT_EQ(vdp_parse(nullptr, 0, t.get(), &res), 0u);
	EXPECT_EQ(t->count, 0u);
	EXPECT_EQ(vdp_parse("action=dma", 10, t.get(), nullptr), 0u); // res is optional
	EXPECT_EQ(t->count, 1u);
}

TEST(Parse, LengthIsRespectedWithoutNul)
{
	// Only the first len bytes count; what follows is never read.
	const char buf[] = "action=dma;GARBAGE";
	auto t = new_table();
	vdp_parse_result res;
	EXPECT_EQ(vdp_parse(buf, 10, t.get(), &res), 0u) << res.message;
	EXPECT_EQ(t->count, 1u);
	// A heap buffer of exactly len bytes, so ASan catches any over-read.
	std::string s = "id=block,action=physical,clear=34";
	std::unique_ptr<char[]> exact(new char[s.size()]);
	std::memcpy(exact.get(), s.data(), s.size());
	EXPECT_EQ(vdp_parse(exact.get(), s.size(), t.get(), &res), 0u);
	for (size_t n = 0; n < s.size(); n++)
		vdp_parse(exact.get(), n, t.get(), &res); // every prefix, no over-read
}

TEST(Parse, EmbeddedNulIsABadChar)
{
	const char buf[] = "action=dma\0;id=1";
	auto t = new_table();
	vdp_parse_result res;
	EXPECT_EQ(vdp_parse(buf, sizeof(buf) - 1, t.get(), &res), (vdp_u32)VDP_PARSE_BAD_CHAR);
	EXPECT_EQ(res.offset, 10u);
}

TEST(Parse, ResultNamesTheRuleIndex)
{
	auto p = parse("action=dma;action=auto;idd=1,action=dma");
	EXPECT_EQ(p.status, (vdp_u32)VDP_PARSE_UNKNOWN_KEY);
	EXPECT_EQ(p.res.rule, 2u);
	EXPECT_EQ(p.res.offset, 23u);
	auto q = parse("action=dma;action=auto");
	EXPECT_EQ(q.res.rule, 2u); // on success: the number of rules
}

TEST(Parse, LongKeyInMessageIsShortened)
{
	std::string key(200, 'k');
	auto p = parse(key + "=1,action=dma");
	EXPECT_EQ(p.status, (vdp_u32)VDP_PARSE_UNKNOWN_KEY);
	EXPECT_LT(std::strlen(p.res.message), 96u);
	EXPECT_NE(std::string(p.res.message).find("kkkk"), std::string::npos);
}

// ---------------------------------------------------------------- limits

static std::string n_rules(unsigned n)
{
	std::string s;
	for (unsigned i = 0; i < n; i++)
		s += i ? ";action=dma" : "action=dma";
	return s;
}

// A valid single rule of exactly n bytes: numbers may have leading zeros.
static std::string rule_of_len(size_t n)
{
	const std::string head = "action=dma,vendor=";
	return head + std::string(n - head.size(), '0');
}

TEST(Limits, TextOf4095BytesIsAccepted)
{
	std::string s = rule_of_len(VDP_MAX_TEXT - 1);
	ASSERT_EQ(s.size(), 4095u);
	auto p = parse(s);
	EXPECT_EQ(p.status, 0u) << p.res.message;
	EXPECT_EQ(p.table->count, 1u);
	EXPECT_EQ(format_table(*p.table), "vendor=0x0,action=dma");
}

TEST(Limits, TextOf4096BytesIsTooLong)
{
	auto p = parse(rule_of_len(VDP_MAX_TEXT));
	EXPECT_EQ(p.status, (vdp_u32)VDP_PARSE_TOO_LONG);
	EXPECT_EQ(p.res.offset, 4095u);
	EXPECT_NE(std::string(p.res.message).find("4095"), std::string::npos);
	EXPECT_EQ(parse(std::string(100000, 'a')).status, (vdp_u32)VDP_PARSE_TOO_LONG);
}

TEST(Limits, TrailingNewlineCountsTowardsTheLength)
{
	EXPECT_EQ(parse(rule_of_len(VDP_MAX_TEXT - 2) + "\n").status, 0u);
	EXPECT_EQ(parse(rule_of_len(VDP_MAX_TEXT - 1) + "\n").status, (vdp_u32)VDP_PARSE_TOO_LONG);
}

TEST(Limits, MostRulesThatFitTheText)
{
	// The shortest rule is "action=dma" (10 bytes): 372 of them need 4091
	// bytes and parse; 373 would need 4102 bytes.
	std::string s = n_rules(372);
	ASSERT_EQ(s.size(), 4091u);
	auto p = parse(s);
	EXPECT_EQ(p.status, 0u) << p.res.message;
	EXPECT_EQ(p.table->count, 372u);
	EXPECT_EQ(parse(n_rules(373)).status, (vdp_u32)VDP_PARSE_TOO_LONG);
}

TEST(Limits, RulesCountSizesTheTable)
{
	const auto count = [](const std::string &t) { return vdp_rules_count(t.data(), t.size()); };
	EXPECT_EQ(count(""), 0u);
	EXPECT_EQ(count("\n"), 0u);
	EXPECT_EQ(count("action=dma"), 1u);
	EXPECT_EQ(count("action=dma\n"), 1u);
	EXPECT_EQ(count("id=net,action=dma;action=auto"), 2u);
	EXPECT_EQ(count(";;"), 3u); // does not parse, but sizes no smaller
	EXPECT_EQ(count(std::string(4000, ';')), (vdp_u32)VDP_MAX_RULES + 1);
	EXPECT_EQ(vdp_rules_count(nullptr, 5), 0u);
	// Exactly that many rules fit: 372, the most a text can hold.
	std::string s = n_rules(372);
	auto t = new_table(count(s));
	vdp_parse_result res{};
	EXPECT_EQ(vdp_parse(s.data(), s.size(), t.get(), &res), (vdp_u32)VDP_PARSE_OK) << res.message;
	EXPECT_EQ(t->count, 372u);
}

TEST(Limits, ParseStaysWithinTheCapacity)
{
	// One rule more than the table holds: refused at that rule, nothing
	// written past the table (ASan: the table is exactly its capacity).
	const std::string s = "id=net,action=dma;id=block,action=auto;action=refuse";
	for (vdp_u32 cap : {0u, 1u, 2u}) {
		auto t = new_table(cap);
		vdp_parse_result res{};
		EXPECT_EQ(vdp_parse(s.data(), s.size(), t.get(), &res),
			  (vdp_u32)VDP_PARSE_TOO_MANY_RULES) << cap;
		EXPECT_EQ(res.rule, cap);
		EXPECT_EQ(res.offset, cap == 0 ? 0u : cap == 1 ? 18u : 39u);
		EXPECT_EQ(std::string(res.message),
			  "more than " + std::to_string(cap) + " rules (the table's capacity)");
		EXPECT_LE(t->count, cap);
	}
	auto t = new_table(3);
	vdp_parse_result res{};
	EXPECT_EQ(vdp_parse(s.data(), s.size(), t.get(), &res), (vdp_u32)VDP_PARSE_OK) << res.message;
	EXPECT_EQ(t->count, 3u);
	// A capacity above VDP_MAX_RULES counts as VDP_MAX_RULES.
	t = new_table(VDP_MAX_RULES + 10);
	t->count = VDP_MAX_RULES;
	EXPECT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_ON), -1);
}

TEST(Limits, FullTableOf1024Rules)
{
	// VDP_MAX_RULES rules cannot be written within VDP_MAX_TEXT bytes, so
	// the rule limit binds for tables assembled by the caller: a full
	// table formats, is refused by vdp_parse (too long), and takes no
	// built-in rule.
	static_assert(VDP_MAX_RULES == 1024, "README says 1024");
	auto t = new_table();
	for (unsigned i = 0; i < VDP_MAX_RULES; i++) {
		t->rules[i] = vdp_rule{};
		t->rules[i].action = VDP_ACTION_DMA;
	}
	t->count = VDP_MAX_RULES;
	std::string s = format_table(*t);
	EXPECT_EQ(s, n_rules(1024));
	EXPECT_EQ(parse(s).status, (vdp_u32)VDP_PARSE_TOO_LONG);
	EXPECT_EQ(vdp_append_builtin(t.get(), VDP_PSERIES_BOUNCE_AUTO), -1);
	// A corrupt count is clamped, never read past the table.
	t->count = 5000;
	EXPECT_EQ(format_table(*t), n_rules(1024));
	vdp_device dev{};
	vdp_platform plat{};
	vdp_decision d{};
	vdp_decide(t.get(), &dev, &plat, nullptr, VDP_MODE_ENFORCE, &d);
	EXPECT_EQ(d.rule, 0);
}

// ---------------------------------------------------------------- printer

TEST(Format, SnprintfSemantics)
{
	auto p = parse("id=block,action=physical,clear=34;bus=0000:00:05.0,action=direct");
	ASSERT_EQ(p.status, 0u);
	const std::string full = "id=block,action=physical,clear=34;bus=0000:00:05.0,action=direct";
	EXPECT_EQ(vdp_format_table(p.table.get(), nullptr, 0), full.size());
	for (size_t size = 0; size <= full.size() + 3; size++) {
		std::vector<char> buf(size + 8, '#');
		vdp_size n = vdp_format_table(p.table.get(), buf.data(), size);
		EXPECT_EQ(n, full.size());
		if (size == 0) {
			EXPECT_EQ(buf[0], '#'); // nothing written
			continue;
		}
		size_t w = std::min(size - 1, full.size());
		EXPECT_EQ(std::string(buf.data(), w), full.substr(0, w));
		EXPECT_EQ(buf[w], '\0');
		for (size_t i = size; i < buf.size(); i++)
			EXPECT_EQ(buf[i], '#') << "wrote past size " << size;
	}
}

TEST(Format, RuleTruncation)
{
	auto p = parse("lacks=33,platform=pseries+secure,action=direct,builtin");
	const vdp_rule &r = p.table->rules[0];
	char buf[10];
	EXPECT_EQ(vdp_format_rule(&r, buf, sizeof(buf)), 54u);
	EXPECT_STREQ(buf, "lacks=33,");
	char one[1] = {'x'};
	EXPECT_EQ(vdp_format_rule(&r, one, 1), 54u);
	EXPECT_EQ(one[0], '\0');
	EXPECT_EQ(vdp_format_rule(nullptr, buf, sizeof(buf)), 0u);
	EXPECT_STREQ(buf, "");
}

// The devices file's platform column: what a rule's platform= term and
// vdp-policy --platform read back (the flags in the grammar's names).
TEST(Format, Platform)
{
	vdp_platform p{};
	p.arch = VDP_ARCH_X86_64;
	p.gen = VDP_GEN_6_1;
	char buf[96];
	EXPECT_EQ(vdp_format_platform(&p, buf, sizeof(buf)), 19u);
	EXPECT_STREQ(buf, "arch=x86_64,gen=6.1");
	p.arch = VDP_ARCH_PPC64;
	p.gen = VDP_GEN_7;
	p.pseries = 1;
	p.secure_guest = 1;
	p.swiotlb_forced = 1;
	vdp_format_platform(&p, buf, sizeof(buf));
	EXPECT_STREQ(buf, "arch=ppc64,gen=7.x,platform=pseries+secure+swiotlb");
	// the platform term is the grammar's: a rule with it parses
	const std::string rule = std::string(std::strstr(buf, "platform=")) + ",action=auto";
	auto r = parse(rule.c_str());
	ASSERT_EQ(r.status, 0u) << rule;
	EXPECT_EQ(r.table->rules[0].platform, vdp_platform_flags(&p));
	char small[5];
	EXPECT_EQ(vdp_format_platform(&p, small, sizeof(small)), std::strlen(buf));
	EXPECT_STREQ(small, "arch");
	EXPECT_EQ(vdp_format_platform(nullptr, buf, sizeof(buf)), 0u);
}

TEST(Format, EmptyTable)
{
	auto t = new_table();
	char buf[4] = "zz";
	EXPECT_EQ(vdp_format_table(t.get(), buf, sizeof(buf)), 0u);
	EXPECT_STREQ(buf, "");
	EXPECT_EQ(vdp_format_table(nullptr, buf, sizeof(buf)), 0u);
}

TEST(Format, HandBuiltRuleWithUnnamedValues)
{
	vdp_rule r{};
	r.match = VDP_MATCH_ID | VDP_MATCH_PCI | VDP_MATCH_HAS;
	r.device_id = 1234;
	r.pci_vendor = 0x1af4;
	r.pci_device = VDP_ANY_ID;
	r.has = feats({0, 127});
	r.action = VDP_ACTION_REFUSE;
	EXPECT_EQ(format_rule(r), "id=1234,pci=1af4:*,has=0+127,action=refuse");
	r.action = 200; // out of range: printed as "?", never crashes
	EXPECT_EQ(format_rule(r), "id=1234,pci=1af4:*,has=0+127,action=?");
}

// ---------------------------------------------------------------- round trip

static std::string random_rule(std::mt19937 &rng)
{
	auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
	const char *ids[] = {"net", "block", "7", "0x1a", "9p", "65535"};
	const char *tr[] = {"pci", "pci-legacy", "mmio", "ccw", "other"};
	const char *ar[] = {"x86_64", "ppc64", "sparc64", "um", "arm64", "s390", "other"};
	const char *pf[] = {"xen", "restricted", "pseries", "secure", "swiotlb"};
	const char *acts[] = {"auto", "dma", "direct", "physical", "refuse"};
	std::vector<std::string> terms;
	if (pick(2))
		terms.push_back(std::string("id=") + ids[pick(6)]);
	if (pick(3) == 0)
		terms.push_back("vendor=" + std::to_string(rng()));
	if (pick(3) == 0)
		terms.push_back(std::string("transport=") + tr[pick(5)]);
	auto half = [&]() {
		if (pick(3) == 0)
			return std::string("*");
		char b[8];
		std::snprintf(b, sizeof(b), "%x", pick(0x10000));
		return std::string(b);
	};
	if (pick(3) == 0)
		terms.push_back("pci=" + half() + ":" + half());
	if (pick(4) == 0)
		terms.push_back("subsys=" + half() + ":" + half());
	if (pick(3) == 0)
		terms.push_back(pick(2) ? "bus=0000:00:0" + std::to_string(pick(10)) + ".0" : "bus=0000:*");
	if (pick(4) == 0)
		terms.push_back(pick(2) ? "name=virtio" + std::to_string(pick(100)) : "name=*");
	unsigned hasbit = pick(128), lackbit = (hasbit + 1 + pick(126)) % 128;
	if (pick(3) == 0)
		terms.push_back("has=" + std::to_string(hasbit));
	if (pick(3) == 0)
		terms.push_back("lacks=" + std::to_string(lackbit) + "+" + std::to_string(lackbit));
	if (pick(3) == 0)
		terms.push_back(std::string("platform=") + pf[pick(5)] + "+" + pf[pick(5)]);
	if (pick(4) == 0)
		terms.push_back(std::string("arch=") + ar[pick(7)]);
	unsigned a = pick(5);
	terms.push_back(std::string("action=") + acts[a]);
	if (pick(3) == 0) {
		unsigned c = pick(128);
		if (c != 33)
			terms.push_back("clear=" + std::to_string(c));
	}
	if ((a == 1 || a == 2 || a == 3) && pick(2))
		terms.push_back(pick(2) ? "else=refuse" : "else=auto");
	if (pick(5) == 0)
		terms.push_back("builtin");
	std::shuffle(terms.begin(), terms.end(), rng);
	std::string s;
	for (auto &t : terms)
		s += (s.empty() ? "" : ",") + t;
	return s;
}

TEST(RoundTrip, RandomValidTables)
{
	std::mt19937 rng(12345);
	for (int iter = 0; iter < 2000; iter++) {
		std::string s;
		unsigned n = 1 + rng() % 12;
		for (unsigned i = 0; i < n; i++)
			s += (i ? ";" : "") + random_rule(rng);
		auto p = parse(s);
		ASSERT_EQ(p.status, 0u) << s << ": " << p.res.message << " @" << p.res.offset;
		ASSERT_EQ(p.table->count, n);
		std::string f = format_table(*p.table);
		auto q = parse(f);
		ASSERT_EQ(q.status, 0u) << f << ": " << q.res.message;
		ASSERT_TRUE(tables_equal(*p.table, *q.table)) << s << "\n" << f;
		ASSERT_EQ(format_table(*q.table), f);
		// each rule formats on its own as its slice of the table
		std::string joined;
		for (unsigned i = 0; i < n; i++)
			joined += (i ? ";" : "") + format_rule(p.table->rules[i]);
		ASSERT_EQ(joined, f);
	}
}

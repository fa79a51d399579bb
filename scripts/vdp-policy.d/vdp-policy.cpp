// SPDX-License-Identifier: GPL-2.0
//
// vdp-policy: the virtio_dma_policy module's own policy core
// (drivers/core/*.cpp, linked in unchanged) on the host.
//
//   vdp-policy decide --device ... [--platform ...] [--rules ...]
//                                  what the module would decide
//   vdp-policy table [--all|--tsv] the decision/safety table, computed
//   vdp-policy lint [RULES|-f FILE|--sys|--modprobe|--cmdline]
//                                  check rules with the module's messages
//   vdp-policy reasons [--markdown] every reason token: meaning, what to do
//   vdp-policy status [--dir DIR]  the module's devices, decisions, reasons
//   vdp-policy plan --rules NEW    what NEW would decide for those devices
//                                  (live.cpp)
//
// See `vdp-policy help` and README.md ("Daily use").
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <sys/utsname.h>

#include "virtio_dma_policy.h"
#include "tool.hpp"
#include "../../drivers/vdp_messages.h" // the glue's own formats

namespace vdptool {

const char *const kUsage =
	"usage: vdp-policy <command> [options]\n"
	"\n"
	"  decide   what virtio_dma_policy would decide for one device\n"
	"           --device id=2,transport=pci,bus=0000:00:05.0,offered=0x130000000[,...]\n"
	"               id=N|net|block|...  vendor=N  transport=pci|pci-legacy|mmio|ccw|other\n"
	"               pci=VVVV:DDDD  subsys=VVVV:DDDD  bus=PARENT  name=virtioN  sriov=0|1\n"
	"               shm=0|1 (a shared-memory region: virtio-fs DAX, gpu host memory)\n"
	"               offered=0xHEX (up to 128 bits) or a bit list 32+33 (required)\n"
	"           --platform arch=ppc64,gen=6.1,pseries,secure,swiotlb,xen,restricted\n"
	"               (default: this machine's arch and kernel generation, no flags)\n"
	"           --iommu none|identity|translating   (default none)\n"
	"           --direct-path 0|1   (default: 1 unless translating on an arch\n"
	"                                without a direct path, i.e. not\n"
	"                                x86_64/arm64/ppc64)\n"
	"           --mode enforce|audit   --pseries-bounce auto|on|off\n"
	"           --driver-features 0xHEX|bits [--driver-legacy 0xHEX|bits]\n"
	"               the driver's feature table: also predict the negotiated set\n"
	"           rules: --rules TEXT | --rules-file FILE (- = stdin) | --sys |\n"
	"                  --modprobe | --cmdline   (default: no rules; the built-in\n"
	"                  rules of --pseries-bounce are always appended, as the module does)\n"
	"  table    the decision/safety table: every action x device/platform fact\n"
	"           [--all] every combination, not merged  [--tsv] machine-readable\n"
	"  lint     check a rules string exactly as the module does: prints the\n"
	"           module's error message (exit 1) or the canonical form (exit 0)\n"
	"           [TEXT | -f FILE | --sys | --modprobe | --cmdline [FILE]] [--pseries-bounce ...]\n"
	"           [--table] list the active table as debugfs shows it\n"
	"  reasons  every reason token, its meaning and what to do [--markdown]\n"
	"  status   the module's devices in words: driver, decision, path, rule,\n"
	"           reason, DMA state restored, what needs attention\n"
	"           [--dir DIR | --devices FILE --rules-table FILE] a saved copy of\n"
	"           the debugfs files (default /sys/kernel/debug/virtio_dma_policy)\n"
	"  plan     every device of that table decided again under new rules: which\n"
	"           change path, which would be refused, which need a rebind\n"
	"           --rules TEXT | -f FILE | --modprobe | --cmdline [FILE]  (the new rules)\n"
	"           [--dir ... | --devices ... --rules-table ...] [--mode M] [--pseries-bounce B]\n"
	"           (mode and pseries_bounce default to the table's)\n"
	"  --json   on decide, lint, status and plan: one JSON document (schema\n"
	"           vdp-policy/1, README \"vdp-policy --json\")\n"
	"\n"
	"  --sys       /sys/module/virtio_dma_policy/parameters/rules\n"
	"  --modprobe  the rules= option of virtio_dma_policy in `modprobe -c`\n"
	"  --cmdline [FILE]  virtio_dma_policy.rules= on /proc/cmdline (or FILE)\n"
	"Exit status: 0 ok, 1 rules rejected, 2 usage, I/O or input error (the file,\n"
	"line and column are named), 3 plan: a device would be refused.\n";

const char *const kSysRules = "/sys/module/virtio_dma_policy/parameters/rules";

// msg with its one "%s" replaced by arg.
[[noreturn]] void usage_error(const char *msg, const std::string &arg)
{
	std::string m = msg;
	const size_t at = m.find("%s");
	if (at != std::string::npos)
		m.replace(at, 2, arg);
	std::fprintf(stderr, "vdp-policy: %s\n(vdp-policy help for usage)\n", m.c_str());
	std::exit(2);
}

// Scratch tables of VDP_MAX_RULES rules (a program may build larger tables
// than a rules text holds).  One for the rules being checked or decided
// with, one for rule_term(); each use starts with the full capacity.
vdp_table *new_table()
{
	vdp_table *t = static_cast<vdp_table *>(std::calloc(1, VDP_TABLE_BYTES(VDP_MAX_RULES)));
	if (!t) {
		std::fprintf(stderr, "vdp-policy: out of memory\n");
		std::exit(2);
	}
	return t;
}

vdp_table *scratch_table()
{
	static vdp_table *t = new_table();
	t->capacity = VDP_MAX_RULES;
	return t;
}

vdp_table *term_table()
{
	static vdp_table *t = new_table();
	t->capacity = VDP_MAX_RULES;
	return t;
}

std::vector<std::string> split(const std::string &s, char sep)
{
	std::vector<std::string> out;
	std::string cur;
	for (char c : s) {
		if (c == sep) {
			out.push_back(cur);
			cur.clear();
		} else {
			cur += c;
		}
	}
	out.push_back(cur);
	return out;
}

bool parse_u64(const std::string &s, vdp_u64 max, vdp_u64 *out)
{
	if (s.empty())
		return false;
	const char *p = s.c_str();
	char *end = nullptr;
	errno = 0;
	unsigned long long v = std::strtoull(p, &end, 0);
	if (errno || *end || s[0] == '-' || s[0] == '+' || v > max)
		return false;
	*out = v;
	return true;
}

// Feature sets: 0xHEX (up to 32 digits, as the kernel prints them) or a
// bit list N+N+... (0..127); "none" or "-" is the empty set.
bool parse_features(const std::string &s, vdp_features *f)
{
	*f = vdp_features{};
	if (s == "none" || s == "-")
		return true;
	if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		const std::string hex = s.substr(2);
		if (hex.size() > 32)
			return false;
		for (char c : hex) {
			int d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return false;
			f->w[1] = (f->w[1] << 4) | (f->w[0] >> 60);
			f->w[0] = (f->w[0] << 4) | static_cast<vdp_u64>(d);
		}
		return true;
	}
	for (const std::string &b : split(s, '+')) {
		vdp_u64 v;
		if (b.empty() || b.find_first_not_of("0123456789") != std::string::npos ||
		    !parse_u64(b, VDP_FEATURE_BITS - 1, &v))
			return false;
		vdp_feat_set(f, static_cast<unsigned>(v));
	}
	return true;
}

// As debugfs prints feature sets.
std::string feat_hex(const vdp_features &f)
{
	char buf[48];
	if (f.w[1])
		std::snprintf(buf, sizeof(buf), "0x%llx%016llx", (unsigned long long)f.w[1],
			      (unsigned long long)f.w[0]);
	else
		std::snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)f.w[0]);
	return buf;
}

const char *bit_name(unsigned b)
{
	switch (b) {
	case VDP_F_INDIRECT_DESC: return "INDIRECT_DESC";
	case VDP_F_EVENT_IDX: return "EVENT_IDX";
	case VDP_F_VERSION_1: return "VERSION_1";
	case VDP_F_ACCESS_PLATFORM: return "ACCESS_PLATFORM";
	case VDP_F_RING_PACKED: return "RING_PACKED";
	case VDP_F_IN_ORDER: return "IN_ORDER";
	case VDP_F_ORDER_PLATFORM: return "ORDER_PLATFORM";
	case VDP_F_SR_IOV: return "SR_IOV";
	case VDP_F_NOTIFICATION_DATA: return "NOTIFICATION_DATA";
	case VDP_F_NOTIF_CONFIG_DATA: return "NOTIF_CONFIG_DATA";
	case VDP_F_RING_RESET: return "RING_RESET";
	case VDP_F_ADMIN_VQ: return "ADMIN_VQ";
	default: return nullptr;
	}
}

// "0x300000000 (32:VERSION_1 33:ACCESS_PLATFORM)"
std::string feat_str(const vdp_features &f)
{
	std::string s = feat_hex(f);
	std::string bits;
	for (unsigned b = 0; b < VDP_FEATURE_BITS; b++) {
		if (!vdp_feat_test(&f, b))
			continue;
		if (!bits.empty())
			bits += ' ';
		bits += std::to_string(b);
		if (const char *n = bit_name(b)) {
			bits += ':';
			bits += n;
		}
	}
	return bits.empty() ? s : s + " (" + bits + ")";
}

// A value of a rule key, interpreted by the module's own parser: parse
// "<key>=<value>,action=auto" and return the rule.
bool rule_term(const std::string &key, const std::string &value, vdp_rule *out)
{
	const std::string text = key + "=" + value + ",action=auto";
	vdp_parse_result res{};
	vdp_table *t = term_table();
	if (vdp_parse(text.data(), text.size(), t, &res) != VDP_PARSE_OK || t->count != 1)
		return false;
	*out = t->rules[0];
	return true;
}

// ------------------------------------------------------------------
// Rules: sources, and the module's handling of a rules string
// ------------------------------------------------------------------

bool read_file(const std::string &path, std::string *out)
{
	FILE *f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
	if (!f) {
		std::fprintf(stderr, "vdp-policy: %s: %s\n", path.c_str(), std::strerror(errno));
		return false;
	}
	out->clear();
	char buf[4096];
	size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
		out->append(buf, n);
	const bool err = std::ferror(f);
	if (f != stdin)
		std::fclose(f);
	if (err) {
		std::fprintf(stderr, "vdp-policy: %s: read error\n", path.c_str());
		return false;
	}
	return true;
}

// Split a kernel/modprobe option string into words, honouring double
// quotes as the kernel's parse_args() does (quotes are removed).
std::vector<std::string> option_words(const std::string &s)
{
	std::vector<std::string> out;
	std::string cur;
	bool quoted = false, have = false;
	for (char c : s) {
		if (c == '"') {
			quoted = !quoted;
			have = true;
		} else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
			if (have)
				out.push_back(cur);
			cur.clear();
			have = false;
		} else {
			cur += c;
			have = true;
		}
	}
	if (have)
		out.push_back(cur);
	return out;
}

// Every rules= among option words, in order (with_module: the kernel
// command line's virtio_dma_policy.rules=; else modprobe options words).
// The kernel sets a parameter once per occurrence, each write is checked:
// the last one is the table, an earlier bad one fails the load as well.
void find_rules_option(const std::vector<std::string> &words, bool with_module,
		       std::vector<std::string> *out)
{
	// the kernel command line takes '-' for '_' in parameter names
	static const char *const keys[] = {"virtio_dma_policy.rules=", "virtio-dma-policy.rules=",
					   "rules="};
	const size_t first = with_module ? 0 : 2, end = with_module ? 2 : 3;
	for (const std::string &w : words) {
		for (size_t k = first; k < end; k++) {
			const size_t n = std::strlen(keys[k]);
			if (w.compare(0, n, keys[k]) == 0) {
				out->push_back(w.substr(n));
				break;
			}
		}
	}
}

void RulesSource::set_values(const std::vector<std::string> &v)
{
	earlier.clear();
	text.clear();
	if (v.empty())
		return;
	earlier.assign(v.begin(), v.end() - 1);
	text = v.back();
}

bool load_modprobe(RulesSource *rs)
{
	FILE *p = popen("modprobe -c 2>/dev/null", "r");
	if (!p) {
		std::fprintf(stderr, "vdp-policy: cannot run modprobe -c\n");
		return false;
	}
	std::string all;
	char buf[4096];
	size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0)
		all.append(buf, n);
	pclose(p);
	std::vector<std::string> values;
	for (const std::string &line : split(all, '\n')) {
		std::vector<std::string> w = option_words(line);
		// modprobe -c prints module names with '_' whatever the files say
		if (w.size() < 2 || w[0] != "options" || w[1] != "virtio_dma_policy")
			continue;
		w.erase(w.begin(), w.begin() + 2);
		find_rules_option(w, false, &values);
	}
	rs->set_values(values);
	rs->origin = values.empty() ? "modprobe -c (no rules= option for virtio_dma_policy)"
				    : "modprobe -c";
	return true;
}

bool load_cmdline(RulesSource *rs, const std::string &path)
{
	std::string s;
	if (!read_file(path, &s))
		return false;
	std::vector<std::string> values;
	find_rules_option(option_words(s), true, &values);
	rs->set_values(values);
	rs->origin = values.empty() ? path + " (no virtio_dma_policy.rules=)" : path;
	return true;
}

// Handle a rules source option at argv[i]; true if it was one.
bool rules_option(int argc, char **argv, int *i, RulesSource *rs)
{
	const std::string a = argv[*i];
	auto value = [&]() -> std::string {
		if (*i + 1 >= argc)
			usage_error("%s needs a value", a);
		return argv[++*i];
	};
	// One source: the last rules option given.  Only a rules option
	// replaces the source (and its earlier values); any other leaves it.
	if (a == "--rules") {
		rs->earlier.clear();
		rs->text = value();
		rs->origin = "--rules";
	} else if (a == "--rules-file" || a == "-f") {
		const std::string path = value();
		rs->earlier.clear();
		if (!read_file(path, &rs->text))
			std::exit(2);
		rs->origin = path;
	} else if (a == "--sys") {
		rs->earlier.clear();
		if (!read_file(kSysRules, &rs->text))
			std::exit(2);
		rs->origin = kSysRules;
	} else if (a == "--modprobe") {
		if (!load_modprobe(rs))
			std::exit(2);
	} else if (a == "--cmdline") {
		// an optional file argument: a saved or bootloader command line
		std::string path = "/proc/cmdline";
		if (*i + 1 < argc && argv[*i + 1][0] != '-')
			path = argv[++*i];
		if (!load_cmdline(rs, path))
			std::exit(2);
	} else {
		return false;
	}
	rs->given = true;
	return true;
}

// The value 0..count-1 whose core name (vdp_*_name) is s, as the glue's
// vdp_match_name(); a usage error naming the option and the choices if none.
unsigned find_name(const std::string &s, const char *(*name)(vdp_u8), unsigned count)
{
	for (unsigned v = 0; v < count; v++)
		if (s == name(static_cast<vdp_u8>(v)))
			return v;
	return count;
}

vdp_u8 match_name(const std::string &opt, const std::string &s, const char *(*name)(vdp_u8),
		  unsigned count)
{
	const unsigned v = find_name(s, name, count);
	if (v < count)
		return static_cast<vdp_u8>(v);
	std::string choices;
	for (unsigned c = 0; c < count; c++)
		choices += (c ? (c + 1 == count ? " or " : ", ") : "") + std::string(name(c));
	usage_error((opt + ": '%s' is not " + choices).c_str(), s);
}

vdp_u8 parse_bounce(const std::string &s)
{
	return match_name("--pseries-bounce", s, vdp_pseries_bounce_name, VDP_PSERIES_BOUNCE_COUNT);
}

// What the module does with a rules value (drivers/vdp_rules.c:
// vdp_rules_set -> vdp_parse_new, vdp_finish_table): the same checks in
// the same order, a table of the same capacity, the same messages (format
// strings extracted from the glue at build time), the same "near" excerpt
// (vdp_parse_excerpt).
// Returns 0 and fills *t, or 1 after printing the message.
// printf into a std::string
std::string strf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	std::vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

int module_table(const std::string &value, vdp_u8 bounce, vdp_table *t, std::string *msg)
{
	// A module parameter is a C string: the kernel sees up to the first NUL.
	const char *text = value.c_str();
	const size_t len = strnlen(text, VDP_MAX_TEXT);

	if (len >= VDP_MAX_TEXT) {
		*msg = strf(VDP_MSG_PREFIX VDP_MSG_RULES_TOO_LONG, len, VDP_MAX_TEXT - 1);
		return 1;
	}
	const vdp_u32 cap = vdp_rules_count(text, len) + VDP_BUILTIN_RULES;
	t->capacity = cap < VDP_MAX_RULES ? cap : VDP_MAX_RULES;
	vdp_parse_result res;
	std::memset(&res, 0, sizeof(res));
	const vdp_u32 st = vdp_parse(text, len, t, &res);
	if (st != VDP_PARSE_OK) {
		vdp_size off = 0;
		const vdp_size near = vdp_parse_excerpt(text, len, &res, &off);
		res.message[sizeof(res.message) - 1] = '\0';
		*msg = strf(VDP_MSG_PREFIX VDP_MSG_RULES_PARSE, vdp_parse_status_name(st), res.offset,
			    res.rule, res.message, (int)near, text + off);
		return 1;
	}
	if (vdp_append_builtin(t, bounce)) {
		*msg = strf(VDP_MSG_PREFIX VDP_MSG_RULES_NO_ROOM, t->count, static_cast<vdp_u32>(bounce));
		return 1;
	}
	return 0;
}

// The table a rules source leaves in the module: every earlier rules= value
// of the source must load too (the kernel applies each in turn, and a bad
// one stops the load), the last one is what stays.  nullptr with the
// module's message in *msg.
vdp_table *source_table(const RulesSource &rs, vdp_u8 bounce, std::string *msg)
{
	vdp_table *t = scratch_table();

	for (const std::string &e : rs.earlier)
		if (module_table(e, bounce, t, msg))
			return nullptr;
	return module_table(rs.text, bounce, t, msg) ? nullptr : t;
}


std::string format_rule(const vdp_rule &r)
{
	const vdp_size n = vdp_format_rule(&r, nullptr, 0);
	std::string s(n + 1, '\0');
	vdp_format_rule(&r, &s[0], s.size());
	s.resize(n);
	return s;
}

// The user's rules only (what the module's `rules` parameter reads back
// once canonicalised): the table without its built-in tail.
std::string format_user_rules(const vdp_table &t)
{
	std::string s;
	for (vdp_u32 i = 0; i < t.count; i++) {
		if (t.rules[i].flags & VDP_RULE_BUILTIN)
			continue;
		if (!s.empty())
			s += ';';
		s += format_rule(t.rules[i]);
	}
	return s;
}

// A rules source the module would refuse: its message (exit status 1).
int rules_rejected(bool json, const char *cmd, const RulesSource &rs, const std::string &msg)
{
	if (!json) {
		std::fputs(msg.c_str(), stderr);
		return 1;
	}
	std::string m = msg;
	while (!m.empty() && m.back() == '\n')
		m.pop_back();
	Json j;
	j.obj().str("schema", kJsonSchema).str("command", cmd).boolean("ok", false);
	j.str("origin", rs.origin).str("error", m).end().print();
	return 1;
}

// ------------------------------------------------------------------
// JSON
// ------------------------------------------------------------------

Json &Json::open(const char *key, char c)
{
	sep(key);
	out_ += c;
	out_close_ += c == '{' ? '}' : ']';
	first_.push_back(true);
	return *this;
}

Json &Json::end()
{
	if (first_.empty())
		return *this;
	// the bracket that closes what open() began
	out_ += out_close_.back();
	out_close_.pop_back();
	first_.pop_back();
	return *this;
}

void Json::sep(const char *key)
{
	if (!first_.empty()) {
		if (!first_.back())
			out_ += ',';
		first_.back() = false;
	}
	if (key) {
		out_ += '"';
		escape(key);
		out_ += "\":";
	}
}

void Json::escape(const std::string &v)
{
	for (unsigned char c : v) {
		if (c == '"' || c == '\\') {
			out_ += '\\';
			out_ += static_cast<char>(c);
		} else if (c == '\n') {
			out_ += "\\n";
		} else if (c < 0x20 || c == 0x7f) {
			// control characters as \u00XX; UTF-8 passes through
			out_ += strf("\\u%04x", c);
		} else {
			out_ += static_cast<char>(c);
		}
	}
}

Json &Json::str(const char *key, const std::string &v)
{
	sep(key);
	out_ += '"';
	escape(v);
	out_ += '"';
	return *this;
}

Json &Json::num(const char *key, long long v)
{
	sep(key);
	out_ += std::to_string(v);
	return *this;
}

Json &Json::boolean(const char *key, bool v)
{
	sep(key);
	out_ += v ? "true" : "false";
	return *this;
}

Json &Json::null(const char *key)
{
	sep(key);
	out_ += "null";
	return *this;
}

Json &Json::str_or_null(const char *key, const std::string &v)
{
	return v.empty() || v == "-" ? null(key) : str(key, v);
}

void Json::print() const
{
	std::printf("%s\n", out_.c_str());
}

void json_platform(Json &j, const vdp_platform &p)
{
	j.obj("platform").str("arch", vdp_arch_name(p.arch)).str("gen", vdp_gen_name(p.gen));
	j.arr("flags");
	const vdp_u32 flags = vdp_platform_flags(&p);
	for (unsigned b = 0; b < 32; b++) {
		vdp_rule r;
		if (!(flags & (1u << b)))
			continue;
		// the flag's grammar name: format a one-flag rule's platform term
		r = vdp_rule{};
		r.match = VDP_MATCH_PLATFORM;
		r.platform = 1u << b;
		const std::string f = format_rule(r);
		const size_t at = f.find("platform="), end = f.find(',', at);
		j.str(nullptr, f.substr(at + 9, end - at - 9));
	}
	j.end().str("spec", platform_spec(p)).end();
}

Verdict verdict_of(const vdp_decision &d, const std::string &rule_text)
{
	Verdict v;
	v.verdict = vdp_verdict_name(d.verdict);
	v.audit = d.audit;
	v.path = vdp_path_name(d.path);
	v.rule = d.rule;
	v.rule_text = rule_text;
	v.reason = vdp_reason_token(d.reason);
	return v;
}

void json_verdict(Json &j, const char *key, const Verdict &v)
{
	j.obj(key).str("verdict", v.verdict).boolean("audit", v.audit).str("path", v.path);
	if (v.rule >= 0)
		j.num("rule", v.rule).str_or_null("rule_text", v.rule_text);
	else
		j.null("rule").null("rule_text");
	j.str("reason", v.reason);
	const unsigned r = find_name(v.reason, vdp_reason_token, VDP_REASON_COUNT);
	j.str_or_null("reason_text", r < VDP_REASON_COUNT ? vdp_reason_text(static_cast<vdp_u8>(r)) : "");
	j.end();
}

void json_decision(Json &j, const char *key, const vdp_decision &d, const std::string &rule_text)
{
	json_verdict(j, key, verdict_of(d, rule_text));
}

// ------------------------------------------------------------------
// Reasons: meaning (the core's sentence) and what to do
// ------------------------------------------------------------------

int cmd_reasons(int argc, char **argv)
{
	bool md = false;
	for (int i = 1; i < argc; i++) {
		if (std::string(argv[i]) == "--markdown")
			md = true;
		else
			usage_error("reasons: unknown option %s", argv[i]);
	}
	if (md) {
		std::printf("| reason | meaning | what to do |\n|---|---|---|\n");
		for (vdp_u8 r = 0; r < VDP_REASON_COUNT; r++)
			std::printf("| `%s` | %s | %s |\n", vdp_reason_token(r), vdp_reason_text(r),
				    vdp_reason_advice(r));
		return 0;
	}
	for (vdp_u8 r = 0; r < VDP_REASON_COUNT; r++)
		std::printf("%s\n    %s\n    what to do: %s\n", vdp_reason_token(r), vdp_reason_text(r),
			    vdp_reason_advice(r));
	return 0;
}

// ------------------------------------------------------------------
// decide
// ------------------------------------------------------------------

// The running machine's arch by the core's names; uname's spelling where
// it differs from the grammar's.
vdp_u8 host_arch()
{
	static const struct {
		const char *machine, *arch;
	} aliases[] = {{"ppc64le", "ppc64"}, {"aarch64", "arm64"}, {"s390x", "s390"}};
	struct utsname u;
	if (uname(&u))
		return VDP_ARCH_OTHER;
	std::string m = u.machine;
	for (const auto &a : aliases)
		if (m == a.machine)
			m = a.arch;
	for (vdp_u8 a = 0; a < VDP_ARCH_COUNT; a++)
		if (m == vdp_arch_name(a) && a != VDP_ARCH_UM)
			return a;
	return VDP_ARCH_OTHER;
}

// "6.1", "6.12", "7", "7.x" or a kernel release (6.1.0-56-amd64).
bool parse_gen(const std::string &s, vdp_u8 *gen)
{
	if (s == "7.x" || s == "7") {
		*gen = VDP_GEN_7;
		return true;
	}
	unsigned major = 0, minor = 0;
	if (std::sscanf(s.c_str(), "%u.%u", &major, &minor) != 2)
		return false;
	const vdp_u8 g = vdp_gen_of_version(major, minor);
	if (g >= VDP_GEN_COUNT)
		return false; // the module supports 6.1 and newer
	*gen = g;
	return true;
}

vdp_u8 host_gen()
{
	struct utsname u;
	vdp_u8 g = VDP_GEN_6_12;
	if (!uname(&u))
		parse_gen(u.release, &g);
	return g;
}

// QEMU's transitional virtio-pci device ids (legacy interface).
vdp_u32 transitional_pci_id(vdp_u32 id)
{
	switch (id) {
	case 1: return 0x1000;
	case 2: return 0x1001;
	case 5: return 0x1002;
	case 3: return 0x1003;
	case 8: return 0x1004;
	case 4: return 0x1005;
	case 9: return 0x1009;
	default: return 0x1040 + id;
	}
}

void parse_device(const std::string &spec, vdp_device *dev, std::vector<std::string> *notes)
{
	*dev = vdp_device{};
	bool have_id = false, have_offered = false, have_pci = false, have_sub = false;
	bool have_vendor = false, have_transport = false, have_name = false;
	for (const std::string &item : split(spec, ',')) {
		const size_t eq = item.find('=');
		if (eq == std::string::npos)
			usage_error("--device: '%s' is not key=value", item);
		const std::string k = item.substr(0, eq), v = item.substr(eq + 1);
		vdp_rule r;
		if (k == "id") {
			if (!rule_term("id", v, &r))
				usage_error("--device: bad id '%s' (0..65535 or net, block, ...)", v);
			dev->device_id = r.device_id;
			have_id = true;
		} else if (k == "vendor") {
			if (!rule_term("vendor", v, &r))
				usage_error("--device: bad vendor '%s'", v);
			dev->vendor_id = r.vendor_id;
			have_vendor = true;
		} else if (k == "transport") {
			if (!rule_term("transport", v, &r))
				usage_error("--device: bad transport '%s' (pci, pci-legacy, mmio, ccw, other)", v);
			dev->transport = r.transport;
			have_transport = true;
		} else if (k == "pci" || k == "subsys") {
			if (!rule_term(k, v, &r))
				usage_error("--device: bad PCI id pair '%s' (VVVV:DDDD)", v);
			const vdp_u32 a = k == "pci" ? r.pci_vendor : r.sub_vendor;
			const vdp_u32 b = k == "pci" ? r.pci_device : r.sub_device;
			if (a == VDP_ANY_ID || b == VDP_ANY_ID)
				usage_error("--device: a device has no wildcard ids: '%s'", v);
			if (k == "pci") {
				dev->pci_vendor = a;
				dev->pci_device = b;
				have_pci = true;
			} else {
				dev->sub_vendor = a;
				dev->sub_device = b;
				have_sub = true;
			}
			dev->is_pci = 1;
		} else if (k == "bus" || k == "name") {
			// The glue copies dev_name() with strscpy: truncated to 31.
			char *dst = k == "bus" ? dev->bus : dev->name;
			std::snprintf(dst, VDP_NAME_LEN, "%s", v.c_str());
			if (v.size() >= VDP_NAME_LEN)
				notes->push_back(k + " truncated to " + std::to_string(VDP_NAME_LEN - 1) +
						 " characters, as the module does");
			if (k == "name")
				have_name = true;
		} else if (k == "offered") {
			if (!parse_features(v, &dev->offered))
				usage_error("--device: bad offered= '%s' (0xHEX or a bit list N+N)", v);
			have_offered = true;
		} else if (k == "sriov") {
			if (v != "0" && v != "1")
				usage_error("--device: sriov= is 0 or 1, not '%s'", v);
			dev->sriov_capable = v == "1";
		} else if (k == "shm") {
			if (v != "0" && v != "1")
				usage_error("--device: shm= is 0 or 1, not '%s'", v);
			dev->shm_region = v == "1";
		} else {
			usage_error("--device: unknown key '%s'", k);
		}
	}
	if (!have_id)
		usage_error("--device: id= is required%s", "");
	if (!have_offered)
		usage_error("--device: offered= is required (0xHEX or a bit list, e.g. offered=32+33)%s", "");
	if (!have_transport)
		dev->transport = VDP_TRANSPORT_PCI;
	const bool pci = dev->transport == VDP_TRANSPORT_PCI ||
			 dev->transport == VDP_TRANSPORT_PCI_LEGACY;
	if (pci) {
		dev->is_pci = 1;
		const bool legacy = dev->transport == VDP_TRANSPORT_PCI_LEGACY;
		if (!have_pci) {
			dev->pci_vendor = 0x1af4;
			dev->pci_device = legacy ? transitional_pci_id(dev->device_id)
						 : 0x1040 + dev->device_id;
		}
		if (!have_sub) {
			dev->sub_vendor = 0x1af4;
			dev->sub_device = legacy ? dev->device_id : 0x1100;
		}
		if (!have_pci || !have_sub)
			notes->push_back("PCI ids not given: QEMU's defaults assumed");
	}
	if (!have_vendor)
		dev->vendor_id = pci ? 0x1af4 : dev->transport == VDP_TRANSPORT_MMIO ? 0x554d4551 : 0;
	if (!have_name)
		std::snprintf(dev->name, VDP_NAME_LEN, "virtio0");
}

void set_flag(vdp_platform *p, vdp_u32 flag, vdp_u8 v)
{
	if (flag & VDP_PLAT_XEN)
		p->xen = v;
	if (flag & VDP_PLAT_RESTRICTED)
		p->restricted_mem = v;
	if (flag & VDP_PLAT_PSERIES)
		p->pseries = v;
	if (flag & VDP_PLAT_SECURE)
		p->secure_guest = v;
	if (flag & VDP_PLAT_SWIOTLB)
		p->swiotlb_forced = v;
}

bool parse_platform(const std::string &spec, vdp_platform *p, std::string *err)
{
	for (const std::string &item : split(spec, ',')) {
		if (item.empty())
			continue;
		const size_t eq = item.find('=');
		const std::string k = item.substr(0, eq);
		const std::string v = eq == std::string::npos ? "" : item.substr(eq + 1);
		vdp_rule r;
		if (k == "arch") {
			if (!rule_term("arch", v, &r)) {
				*err = "bad arch '" + v + "' (x86_64, ppc64, sparc64, um, arm64, s390, other)";
				return false;
			}
			p->arch = r.arch;
		} else if (k == "gen") {
			if (!parse_gen(v, &p->gen)) {
				*err = "bad gen '" + v + "' (6.1, 6.12, 7.x or a kernel release)";
				return false;
			}
		} else if (k == "platform") {
			if (!rule_term("platform", v, &r)) {
				*err = "bad platform flags '" + v + "'";
				return false;
			}
			set_flag(p, r.platform, 1);
		} else if (rule_term("platform", k, &r)) {
			// a bare flag (pseries) or flag=0|1
			if (eq != std::string::npos && v != "0" && v != "1") {
				*err = item + " is 0 or 1";
				return false;
			}
			set_flag(p, r.platform, eq == std::string::npos || v == "1");
		} else {
			*err = "unknown item '" + item +
			       "' (arch=, gen=, xen, restricted, pseries, secure, swiotlb)";
			return false;
		}
	}
	return true;
}

std::string platform_spec(const vdp_platform &p)
{
	char buf[128];
	vdp_format_platform(&p, buf, sizeof(buf));
	return buf;
}

std::string platform_str(const vdp_platform &p)
{
	std::string s = std::string("arch=") + vdp_arch_name(p.arch) + " gen=" + vdp_gen_name(p.gen);
	std::string flags;
	const std::pair<vdp_u8, const char *> f[] = {{p.xen, "xen"},
						     {p.restricted_mem, "restricted"},
						     {p.pseries, "pseries"},
						     {p.secure_guest, "secure"},
						     {p.swiotlb_forced, "swiotlb"}};
	for (const auto &x : f) {
		if (!x.first)
			continue;
		flags += flags.empty() ? "" : "+";
		flags += x.second;
	}
	return s + " platform=" + (flags.empty() ? "-" : flags);
}


int cmd_decide(int argc, char **argv)
{
	RulesSource rs;
	std::string device_spec, plat_spec, drv_spec, drv_legacy_spec;
	bool have_device = false, have_direct = false, have_drv = false, have_legacy = false;
	vdp_dma_facts dma{};
	vdp_u8 mode = VDP_MODE_ENFORCE, bounce = VDP_PSERIES_BOUNCE_AUTO;
	bool json = false;

	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		auto value = [&]() -> std::string {
			if (i + 1 >= argc)
				usage_error("%s needs a value", a);
			return argv[++i];
		};
		if (rules_option(argc, argv, &i, &rs))
			continue;
		if (a == "--device") {
			device_spec = value();
			have_device = true;
		} else if (a == "--platform") {
			plat_spec += (plat_spec.empty() ? "" : ",") + value();
		} else if (a == "--iommu") {
			dma.iommu = match_name("--iommu", value(), vdp_iommu_name, VDP_IOMMU_COUNT);
		} else if (a == "--direct-path") {
			const std::string v = value();
			if (v != "0" && v != "1")
				usage_error("--direct-path: '%s' is not 0 or 1", v);
			dma.direct_path = v == "1";
			have_direct = true;
		} else if (a == "--mode") {
			mode = match_name("--mode", value(), vdp_mode_name, VDP_MODE_COUNT);
		} else if (a == "--pseries-bounce") {
			bounce = parse_bounce(value());
		} else if (a == "--driver-features") {
			drv_spec = value();
			have_drv = true;
		} else if (a == "--driver-legacy") {
			drv_legacy_spec = value();
			have_legacy = true;
		} else if (a == "--json") {
			json = true;
		} else {
			usage_error("decide: unknown option %s", a);
		}
	}
	if (!have_device)
		usage_error("decide: --device is required%s", "");

	std::vector<std::string> notes;
	vdp_device dev;
	parse_device(device_spec, &dev, &notes);
	vdp_platform plat{};
	plat.arch = host_arch();
	plat.gen = host_gen();
	std::string err;
	if (!parse_platform(plat_spec, &plat, &err))
		usage_error("--platform: %s", err);
	if (!have_direct) {
		// As the glue: an untranslated DMA device is direct already; a
		// translated one can be made direct on x86_64, arm64 (leaving
		// iommu-dma) and ppc64 (dma_ops_bypass) only.
		dma.direct_path = dma.iommu != VDP_IOMMU_TRANSLATING || plat.arch == VDP_ARCH_X86_64 ||
				  plat.arch == VDP_ARCH_ARM64 || plat.arch == VDP_ARCH_PPC64;
	}
	vdp_features drv{}, drv_legacy{};
	if (have_drv && !parse_features(drv_spec, &drv))
		usage_error("--driver-features: bad feature set '%s'", drv_spec);
	if (have_legacy && !parse_features(drv_legacy_spec, &drv_legacy))
		usage_error("--driver-legacy: bad feature set '%s'", drv_legacy_spec);

	std::string msg;
	vdp_table *t = source_table(rs, bounce, &msg);
	if (!t)
		return rules_rejected(json, "decide", rs, msg);

	vdp_decision d;
	vdp_decide(t, &dev, &plat, &dma, mode, &d);
	const bool hooked = vdp_decision_hooks(&d);
	const vdp_features sees = hooked ? vdp_feat_driver_view(&dev.offered, &d) : dev.offered;
	vdp_features neg{};
	if (have_drv && !d.err)
		vdp_predict_negotiated(plat.gen, &dev, &sees, &drv, &drv_legacy, have_legacy, &neg);
	if (json) {
		Json j;
		j.obj().str("schema", kJsonSchema).str("command", "decide").boolean("ok", true);
		j.obj("device").str("name", dev.name).num("id", dev.device_id);
		j.str_or_null("type", vdp_device_id_name(dev.device_id) ? vdp_device_id_name(dev.device_id) : "");
		j.num("vendor", dev.vendor_id).str("transport", vdp_transport_name(dev.transport));
		j.str_or_null("parent", dev.bus);
		if (dev.is_pci) {
			j.str("pci", strf("%04x:%04x", dev.pci_vendor, dev.pci_device));
			j.str("subsys", strf("%04x:%04x", dev.sub_vendor, dev.sub_device));
			j.boolean("sriov", dev.sriov_capable);
		} else {
			j.null("pci").null("subsys").null("sriov");
		}
		j.boolean("shm", dev.shm_region).str("offered", feat_hex(dev.offered)).end();
		json_platform(j, plat);
		j.obj("dma").str("iommu", vdp_iommu_name(dma.iommu)).boolean("direct_path", dma.direct_path).end();
		j.str("mode", vdp_mode_name(mode)).str("pseries_bounce", vdp_pseries_bounce_name(bounce));
		j.obj("rules").str("origin", rs.origin).num("count", t->count - vdp_table_builtin_count(t));
		j.num("builtin", vdp_table_builtin_count(t)).end();
		json_decision(j, "decision", d, d.rule >= 0 ? format_rule(t->rules[d.rule]) : "");
		j.num("err", d.err);
		j.obj("edits").boolean("hooks", hooked).str("driver_set", feat_hex(d.driver_set));
		j.str("driver_clear", feat_hex(d.driver_clear)).str("device_hide", feat_hex(d.device_hide));
		j.boolean("install_direct_path", d.install_direct_path).end();
		if (d.err)
			j.null("driver_sees");
		else
			j.str("driver_sees", feat_hex(sees));
		if (have_drv && !d.err) {
			j.str("negotiated", feat_hex(neg));
			j.str("device_gets", feat_hex(hooked ? vdp_feat_and_not(&neg, &d.device_hide) : neg));
		} else {
			j.null("negotiated").null("device_gets");
		}
		j.end().print();
		return 0;
	}

	// the name of the id, if the grammar has one
	const char *id_name = vdp_device_id_name(dev.device_id);

	std::printf("device      %s id=%u%s%s%s transport=%s parent=%s vendor=0x%x",
		    dev.name, dev.device_id, id_name ? " (" : "", id_name ? id_name : "",
		    id_name ? ")" : "",
		    vdp_transport_name(dev.transport), dev.bus[0] ? dev.bus : "-", dev.vendor_id);
	if (dev.is_pci)
		std::printf(" pci=%04x:%04x subsys=%04x:%04x%s", dev.pci_vendor, dev.pci_device,
			    dev.sub_vendor, dev.sub_device, dev.sriov_capable ? " sriov" : "");
	if (dev.shm_region)
		std::printf(" shm");
	if (const char *why = vdp_no_bounce_type(dev.device_id))
		std::printf(" no-bounce (%s)", why);
	if (const char *why = vdp_no_direct_type(dev.device_id))
		std::printf(" no-direct (%s)", why);
	std::printf("\noffered     %s\n", feat_str(dev.offered).c_str());
	std::printf("platform    %s\n", platform_str(plat).c_str());
	std::printf("dma         iommu=%s direct-path=%u\n", vdp_iommu_name(dma.iommu), dma.direct_path);
	std::printf("rules       %u (%u built-in, pseries_bounce=%s) from %s\n", t->count,
		    vdp_table_builtin_count(t), vdp_pseries_bounce_name(bounce), rs.origin.c_str());
	std::printf("mode        %s\n", vdp_mode_name(mode));
	for (const std::string &n : notes)
		std::printf("note        %s\n", n.c_str());
	if (d.rule >= 0)
		std::printf("rule        %d: %s\n", d.rule, format_rule(t->rules[d.rule]).c_str());
	else
		std::printf("rule        - (no rule matches)\n");
	std::printf("requested   %s\n", vdp_action_name(d.requested));
	std::printf("verdict     %s%s\n", d.audit ? "audit:" : "", vdp_verdict_name(d.verdict));
	std::printf("path        %s\n", vdp_path_name(d.path));
	std::printf("reason      %s: %s\n", vdp_reason_token(d.reason), vdp_reason_text(d.reason));
	std::printf("err         %d%s\n", d.err, d.err ? " (the probe fails)" : "");
	std::printf("edits       %s driver_set=%s driver_clear=%s device_hide=%s install_direct_path=%u\n",
		    d.edits ? "yes" : "no", feat_hex(d.driver_set).c_str(),
		    feat_hex(d.driver_clear).c_str(), feat_hex(d.device_hide).c_str(),
		    d.install_direct_path);
	// What the glue does with it: the edits only when it hooks the device.
	if (!d.err)
		std::printf("driver sees %s\n", feat_str(sees).c_str());
	if (have_drv && !d.err) {
		std::printf("negotiated  %s (predicted, before the driver's validate())\n",
			    feat_str(neg).c_str());
		std::printf("device gets %s (finalize_features)\n",
			    feat_str(hooked ? vdp_feat_and_not(&neg, &d.device_hide) : neg).c_str());
	}
	char rule_buf[16];
	std::snprintf(rule_buf, sizeof(rule_buf), "%d", d.rule);
	std::printf("kernel log  " VDP_MSG_DECISION,
		    d.audit ? "audit:" : "", vdp_verdict_name(d.verdict), vdp_path_name(d.path),
		    vdp_reason_token(d.reason), d.rule < 0 ? "-" : rule_buf,
		    dev.bus[0] ? dev.bus : "-");
	return 0;
}

// ------------------------------------------------------------------
// lint
// ------------------------------------------------------------------

int cmd_lint(int argc, char **argv)
{
	RulesSource rs;
	vdp_u8 bounce = VDP_PSERIES_BOUNCE_AUTO;
	bool show_table = false, positional = false, json = false;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if (rules_option(argc, argv, &i, &rs))
			continue;
		if (a == "--pseries-bounce") {
			if (i + 1 >= argc)
				usage_error("%s needs a value", a);
			bounce = parse_bounce(argv[++i]);
		} else if (a == "--table") {
			show_table = true;
		} else if (a == "--json") {
			json = true;
		} else if (!a.empty() && a[0] == '-' && a != "-") {
			usage_error("lint: unknown option %s", a);
		} else if (!positional && !rs.given) {
			rs.text = a;
			rs.origin = "argument";
			rs.given = positional = true;
		} else {
			usage_error("lint: more than one rules source (%s)", a);
		}
	}
	if (!rs.given)
		usage_error("lint: give the rules: TEXT, -f FILE, --sys, --modprobe or --cmdline%s", "");

	std::string msg;
	vdp_table *t = source_table(rs, bounce, &msg);
	if (!t)
		return rules_rejected(json, "lint", rs, msg);
	const vdp_u32 builtin = vdp_table_builtin_count(t);
	if (json) {
		Json j;
		j.obj().str("schema", kJsonSchema).str("command", "lint").boolean("ok", true);
		j.str("origin", rs.origin).str("rules", format_user_rules(*t));
		j.num("count", t->count - builtin).num("builtin", builtin);
		j.str("pseries_bounce", vdp_pseries_bounce_name(bounce)).arr("table");
		for (vdp_u32 i = 0; i < t->count; i++)
			j.obj().num("index", i).str("rule", format_rule(t->rules[i]))
				.boolean("builtin", t->rules[i].flags & VDP_RULE_BUILTIN).end();
		j.end().end().print();
		return 0;
	}
	if (show_table) {
		// as /sys/kernel/debug/virtio_dma_policy/rules (mode is not known here)
		std::printf("# pseries_bounce=%s rules=%u builtin=%u\n", vdp_pseries_bounce_name(bounce), t->count,
			    builtin);
		for (vdp_u32 i = 0; i < t->count; i++)
			std::printf("%u %s\n", i, format_rule(t->rules[i]).c_str());
	} else {
		std::printf("%s\n", format_user_rules(*t).c_str());
	}
	std::fprintf(stderr, "vdp-policy: %s: ok, %u rules (+%u built-in with pseries_bounce=%s)\n",
		     rs.origin.c_str(), t->count - builtin, builtin, vdp_pseries_bounce_name(bounce));
	return 0;
}

// ------------------------------------------------------------------
// table
// ------------------------------------------------------------------

// One combination of the facts the decision/safety table varies.
// kind: the device type as restricted=bounce sees it: a block device, a
// balloon (in the core's no-bounce table), virtio-fs with a shared-memory
// (DAX) region.
enum Dim { kO33, kV1, kXen, kRestricted, kSecure, kIommu, kDirectPath, kSwiotlb, kKind, kDims };
const int kDimSize[kDims] = {2, 2, 2, 2, 2, 3, 2, 2, 3};
const char *const kDimName[kDims] = {"O33",   "V1",    "xen",   "restr", "secure",
				     "iommu", "dpath", "swtlb", "kind"};
const char *const kKindName[] = {"plain", "no-bounce", "shm"};
const vdp_u32 kKindId[] = {2, 5, 26};

struct Action {
	const char *name; // "-" = no rule
	const char *rule; // rules text
	const char *fallback;
};

const Action kActions[] = {
	{"-", "", "-"},
	{"auto", "action=auto", "-"},
	{"refuse", "action=refuse", "-"},
	{"dma", "action=dma", "stock"},
	{"dma", "action=dma,else=refuse", "refuse"},
	{"direct", "action=direct", "stock"},
	{"direct", "action=direct,else=refuse", "refuse"},
	{"direct+bounce", "action=direct,restricted=bounce", "stock"},
	{"direct+bounce", "action=direct,restricted=bounce,else=refuse", "refuse"},
	{"physical", "action=physical", "stock"},
	{"physical", "action=physical,else=refuse", "refuse"},
};

struct Row {
	const Action *action;
	unsigned v[kDims]; // bit mask of the values this row covers
	std::string out;   // enforce outcome, human columns
	std::string tsv;   // enforce + audit outcome
};

std::string dim_str(int d, unsigned mask)
{
	if (mask == (1u << kDimSize[d]) - 1)
		return "*";
	std::string s;
	for (int v = 0; v < kDimSize[d]; v++) {
		if (!(mask & (1u << v)))
			continue;
		s += s.empty() ? "" : "|";
		s += d == kIommu  ? vdp_iommu_name(static_cast<vdp_u8>(v))
		     : d == kKind ? kKindName[v]
				  : std::to_string(v);
	}
	return s;
}

std::string edits_str(const vdp_decision &d)
{
	std::string s;
	auto add = [&](const std::string &x) { s += (s.empty() ? "" : " ") + x; };
	if (vdp_feat_test(&d.driver_set, VDP_F_ACCESS_PLATFORM))
		add("+33");
	if (vdp_feat_test(&d.driver_clear, VDP_F_ACCESS_PLATFORM))
		add("-33");
	if (vdp_feat_test(&d.device_hide, VDP_F_ACCESS_PLATFORM))
		add("hide33");
	if (d.install_direct_path)
		add("install");
	return s.empty() ? "-" : s;
}

void compute_rows(std::vector<Row> *rows)
{
	vdp_table *t = scratch_table();
	int combinations = 1;
	for (int d = 0; d < kDims; d++)
		combinations *= kDimSize[d];
	for (const Action &a : kActions) {
		for (int c = 0; c < combinations; c++) {
			Row row;
			row.action = &a;
			int rest = c, val[kDims];
			for (int d = kDims - 1; d >= 0; d--) {
				val[d] = rest % kDimSize[d];
				row.v[d] = 1u << val[d];
				rest /= kDimSize[d];
			}
			vdp_parse_result res{};
			if (vdp_parse(a.rule, std::strlen(a.rule), t, &res) != VDP_PARSE_OK) {
				std::fprintf(stderr, "vdp-policy: internal rule '%s' rejected\n", a.rule);
				std::exit(2);
			}
			vdp_device dev{};
			dev.device_id = kKindId[val[kKind]];
			dev.shm_region = val[kKind] == 2;
			dev.transport = VDP_TRANSPORT_PCI;
			if (val[kV1])
				vdp_feat_set(&dev.offered, VDP_F_VERSION_1);
			if (val[kO33])
				vdp_feat_set(&dev.offered, VDP_F_ACCESS_PLATFORM);
			vdp_platform plat{};
			plat.arch = VDP_ARCH_X86_64;
			plat.gen = VDP_GEN_6_12;
			plat.xen = static_cast<vdp_u8>(val[kXen]);
			plat.restricted_mem = static_cast<vdp_u8>(val[kRestricted]);
			plat.secure_guest = static_cast<vdp_u8>(val[kSecure]);
			plat.swiotlb_forced = static_cast<vdp_u8>(val[kSwiotlb]);
			vdp_dma_facts dma{};
			dma.iommu = static_cast<vdp_u8>(val[kIommu]);
			dma.direct_path = static_cast<vdp_u8>(val[kDirectPath]);
			vdp_decision e, au;
			vdp_decide(t, &dev, &plat, &dma, VDP_MODE_ENFORCE, &e);
			vdp_decide(t, &dev, &plat, &dma, VDP_MODE_AUDIT, &au);
			char buf[256];
			std::snprintf(buf, sizeof(buf), "%s\t%s\t%s\t%d\t%s", vdp_verdict_name(e.verdict),
				      vdp_path_name(e.path), vdp_reason_token(e.reason), e.err,
				      edits_str(e).c_str());
			row.out = buf;
			std::snprintf(buf, sizeof(buf), "%s\t%u\t%s\t%s\t%s\t%d", row.out.c_str(), e.edits,
				      vdp_verdict_name(au.verdict), vdp_path_name(au.path),
				      vdp_reason_token(au.reason), au.err);
			row.tsv = buf;
			rows->push_back(row);
		}
	}
}

// Merge rows that agree on everything but one fact and have the same
// outcome: the merged row covers the union of that fact's values ("*" for
// all of them, "none|identity" for some).  Repeated until nothing merges.
void merge_rows(std::vector<Row> *rows)
{
	static const int order[] = {kKind, kSwiotlb, kDirectPath, kV1,
				    kIommu, kXen, kRestricted, kSecure, kO33};
	bool changed = true;
	while (changed) {
		changed = false;
		for (int d : order) {
			std::map<std::string, size_t> first; // key -> index of the merged row
			std::vector<Row> kept;
			for (const Row &r : *rows) {
				std::string key = std::to_string(r.action - kActions) + "|" + r.out;
				for (int o = 0; o < kDims; o++)
					if (o != d)
						key += "|" + std::to_string(r.v[o]);
				auto it = first.find(key);
				if (it == first.end()) {
					first[key] = kept.size();
					kept.push_back(r);
				} else {
					kept[it->second].v[d] |= r.v[d];
					changed = true;
				}
			}
			rows->swap(kept);
		}
	}
}

int cmd_table(int argc, char **argv)
{
	bool all = false, tsv = false;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if (a == "--all")
			all = true;
		else if (a == "--tsv")
			tsv = all = true;
		else
			usage_error("table: unknown option %s", a);
	}
	std::vector<Row> rows;
	compute_rows(&rows);
	if (tsv) {
		std::printf("action\telse\to33\tv1\txen\trestricted\tsecure\tiommu\tdirect_path\t"
			    "swiotlb\tkind\t"
			    "verdict\tpath\treason\terr\tedits\thook\t"
			    "audit_verdict\taudit_path\taudit_reason\taudit_err\n");
		for (const Row &r : rows) {
			std::printf("%s\t%s", r.action->name, r.action->fallback);
			for (int d = 0; d < kDims; d++)
				std::printf("\t%s", dim_str(d, r.v[d]).c_str());
			std::printf("\t%s\n", r.tsv.c_str());
		}
		return 0;
	}
	if (!all)
		merge_rows(&rows);
	std::printf("# The decision for a virtio device with VERSION_1 (V1) and ACCESS_PLATFORM\n"
		    "# (O33) offered or not, under a rule with this action (else= as given;\n"
		    "# direct+bounce: direct with restricted=bounce) or no rule (-), in an\n"
		    "# enforce-mode module. xen, restr(icted memory), secure (secure or\n"
		    "# memory-encrypted guest): platform facts; iommu, dpath (a direct path can\n"
		    "# be installed) and swtlb (mappings forced through SWIOTLB): the DMA device;\n"
		    "# kind: a plain device, a no-bounce type (balloon), one with a shared-memory\n"
		    "# region (virtio-fs DAX).\n"
		    "# '*' = any value. Edits: +33 bit 33 shown to the driver, -33 withheld from\n"
		    "# it, hide33 hidden from the device, install = a direct DMA path installed.\n"
		    "# In audit mode verdict and reason are the same, the path is the stock one.\n");
	// iommu and kind name their values; the other facts are 0 or 1
	auto width = [](int d) { return d == kIommu ? 20 : d == kKind ? 15 : 5; };
	std::printf("%-13s %-6s", "action", "else");
	for (int d = 0; d < kDims; d++)
		std::printf(" %-*s", width(d), kDimName[d]);
	std::printf(" %-11s %-14s %-31s %-4s %s\n", "verdict", "path", "reason", "err", "edits");
	for (const Row &r : rows) {
		std::printf("%-13s %-6s", r.action->name, r.action->fallback);
		for (int d = 0; d < kDims; d++)
			std::printf(" %-*s", width(d), dim_str(d, r.v[d]).c_str());
		const std::vector<std::string> o = split(r.out, '\t');
		std::printf(" %-11s %-14s %-31s %-4s %s\n", o[0].c_str(), o[1].c_str(), o[2].c_str(),
			    o[3].c_str(), o[4].c_str());
	}
	return 0;
}

} // namespace vdptool

using namespace vdptool;

int main(int argc, char **argv)
{
	if (vdp_abi_version() != VDP_ABI_VERSION) {
		std::fprintf(stderr, "vdp-policy: core ABI %u, header ABI %u: mismatched build\n",
			     vdp_abi_version(), VDP_ABI_VERSION);
		return 2;
	}
	if (argc < 2) {
		std::fputs(kUsage, stderr);
		return 2;
	}
	const std::string cmd = argv[1];
	if (cmd == "help" || cmd == "--help" || cmd == "-h") {
		std::fputs(kUsage, stdout);
		return 0;
	}
	if (cmd == "decide")
		return cmd_decide(argc - 1, argv + 1);
	if (cmd.compare(0, 2, "--") == 0) // options only: decide
		return cmd_decide(argc, argv);
	if (cmd == "lint")
		return cmd_lint(argc - 1, argv + 1);
	if (cmd == "table")
		return cmd_table(argc - 1, argv + 1);
	if (cmd == "reasons")
		return cmd_reasons(argc - 1, argv + 1);
	if (cmd == "status")
		return cmd_status(argc - 1, argv + 1);
	if (cmd == "plan")
		return cmd_plan(argc - 1, argv + 1);
	usage_error("unknown command '%s'", cmd);
}

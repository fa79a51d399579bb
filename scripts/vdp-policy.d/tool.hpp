// SPDX-License-Identifier: GPL-2.0
//
// vdp-policy's shared helpers: vdp-policy.cpp (decide, lint, table,
// reasons) and live.cpp (status and plan on the module's debugfs files)
// use them.  The policy itself is the module's core, through
// virtio_dma_policy.h only.
#ifndef VDP_POLICY_TOOL_HPP
#define VDP_POLICY_TOOL_HPP

#include <string>
#include <vector>

#include "virtio_dma_policy.h"

namespace vdptool {

// "vdp-policy: <msg with its %s replaced by arg>", exit status 2.
[[noreturn]] void usage_error(const char *msg, const std::string &arg);

std::vector<std::string> split(const std::string &s, char sep);
bool parse_u64(const std::string &s, vdp_u64 max, vdp_u64 *out);
bool read_file(const std::string &path, std::string *out);

// Feature sets: 0xHEX or a bit list N+N; "-" or "none" is empty.
bool parse_features(const std::string &s, vdp_features *f);
std::string feat_hex(const vdp_features &f);

// --platform's items (arch=, gen=, platform=F+F, bare flags); false with
// *err saying which item is wrong.
bool parse_platform(const std::string &spec, vdp_platform *p, std::string *err);
// vdp_format_platform() as a string.
std::string platform_spec(const vdp_platform &p);
bool parse_gen(const std::string &s, vdp_u8 *gen);

// The value 0..count-1 whose core name is s; count if none.
unsigned find_name(const std::string &s, const char *(*name)(vdp_u8), unsigned count);
// The same, or a usage error naming the option and the choices.
vdp_u8 match_name(const std::string &opt, const std::string &s, const char *(*name)(vdp_u8),
		  unsigned count);
vdp_u8 parse_bounce(const std::string &s);

// A rules source: --rules, -f/--rules-file, --sys, --modprobe, --cmdline.
struct RulesSource {
	bool given = false;
	std::string text;
	std::string origin = "no rules";
	std::vector<std::string> earlier; // earlier rules= values of the same source

	void set_values(const std::vector<std::string> &v);
};
bool rules_option(int argc, char **argv, int *i, RulesSource *rs);
// The table the module would hold after the source's rules= values, with
// the built-in rules of bounce; nullptr with the module's message in *msg.
vdp_table *source_table(const RulesSource &rs, vdp_u8 bounce, std::string *msg);
std::string format_rule(const vdp_rule &r);
std::string format_user_rules(const vdp_table &t);

// A JSON document written as it goes: objects and arrays nest, commas and
// string escapes are handled here.  Keys are given with each member.
class Json {
public:
	Json &obj(const char *key = nullptr) { return open(key, '{'); }
	Json &arr(const char *key = nullptr) { return open(key, '['); }
	Json &end();
	Json &str(const char *key, const std::string &v);
	Json &num(const char *key, long long v);
	Json &boolean(const char *key, bool v);
	Json &null(const char *key);
	// a string, or null when v is "-" or empty (a debugfs column's "none")
	Json &str_or_null(const char *key, const std::string &v);
	// print the document and a newline to stdout
	void print() const;

private:
	Json &open(const char *key, char c);
	void sep(const char *key);
	void escape(const std::string &v);
	std::string out_;
	std::vector<bool> first_;
	std::string out_close_; // the closing brackets of what is open
};

// A decision as the devices file shows it and --json writes it.
struct Verdict {
	std::string verdict; // auto, dma, direct, physical, refuse, not-applied
	bool audit = false;
	std::string path;
	int rule = -1; // -1: no rule matched
	std::string rule_text;
	std::string reason;
};
Verdict verdict_of(const vdp_decision &d, const std::string &rule_text);
void json_verdict(Json &j, const char *key, const Verdict &v);
void json_decision(Json &j, const char *key, const vdp_decision &d, const std::string &rule_text);
// {"arch", "gen", "flags": [...], "spec"}
void json_platform(Json &j, const vdp_platform &p);

std::string strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// The schema name every JSON document carries (README "vdp-policy --json").
constexpr const char *kJsonSchema = "vdp-policy/1";

int cmd_status(int argc, char **argv);
int cmd_plan(int argc, char **argv);

} // namespace vdptool

#endif

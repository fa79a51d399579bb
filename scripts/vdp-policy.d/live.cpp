// SPDX-License-Identifier: GPL-2.0
//
// vdp-policy status and plan: the module's debugfs files (live, or a saved
// copy) explained per device, and every device decided again by the core
// under other rules.
//
//   status [--dir DIR | --devices FILE --rules-table FILE] [--json]
//   plan   RULES-SOURCE [--dir ... | --devices ... --rules-table ...]
//          [--mode M] [--pseries-bounce B] [--json]
//
// The files are checked before anything is said: a header that is not the
// module's, a column this tool does not know (a newer module), a column
// plan needs that the table lacks (an older module), a row with another
// number of fields than the header (a truncated copy) or a value out of
// range is an error naming the file, the line and the column (exit 2),
// never a wrong plan.
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "tool.hpp"

namespace vdptool {
namespace {

const char *const kDebugfs = "/sys/kernel/debug/virtio_dma_policy";

// The devices file's columns in the module's order (README "Kernel
// interface"): which ones status and plan need.
struct Column {
	const char *name;
	bool status; // status needs it
	bool plan;   // plan decides again from it
};
const Column kColumns[] = {
	{"name", true, true},      {"id", true, true},         {"transport", true, true},
	{"parent", true, true},    {"offered", false, true},   {"negotiated", false, false},
	{"decision", true, true},  {"path", true, true},       {"rule", true, true},
	{"reason", true, true},    {"prediction", false, false}, {"hooked", false, false},
	{"iommu", false, true},    {"direct", false, true},    {"swiotlb", false, true},
	{"shm", false, true},      {"dma-bind", false, false}, {"dma-now", false, false},
	{"vendor", false, true},   {"pci", false, true},       {"subsys", false, true},
	{"sriov", false, true},    {"platform", false, true},  {"driver", false, false},
	{"bound", false, true},     {"rules-gen", false, false},
};

[[noreturn]] void input_error(const std::string &file, int line, const std::string &what)
{
	if (line > 0)
		std::fprintf(stderr, "vdp-policy: %s line %d: %s\n", file.c_str(), line, what.c_str());
	else
		std::fprintf(stderr, "vdp-policy: %s: %s\n", file.c_str(), what.c_str());
	std::exit(2);
}

// The lines of a file that must end with a newline (a copy cut short
// does not).
std::vector<std::string> file_lines(const std::string &path)
{
	std::string text;
	if (!read_file(path, &text))
		std::exit(2);
	if (text.empty())
		input_error(path, 0, "empty (not a virtio_dma_policy file)");
	if (text.back() != '\n')
		input_error(path, static_cast<int>(split(text, '\n').size()),
			    "no newline at the end: the copy is truncated");
	text.pop_back();
	const size_t cr = text.find('\r');
	if (cr != std::string::npos)
		input_error(path, static_cast<int>(split(text.substr(0, cr), '\n').size()),
			    "a carriage return: CR LF line endings are not the module's (a copy through "
			    "another system? convert it back with dos2unix)");
	return split(text, '\n');
}

// One row of the devices file: its columns by name, and the facts and
// decision they hold.
struct Device {
	int line = 0;
	std::map<std::string, std::string> col;
	bool have_facts = false; // gathered at a bind (offered is not '-')
	vdp_device dev{};
	vdp_platform plat{};
	vdp_dma_facts dma{};
	bool decided = false;
	Verdict now;
	unsigned long long rules_gen = 0; // the deciding table's generation, 0: unknown

	const std::string &get(const char *name) const
	{
		static const std::string none = "-";
		const auto it = col.find(name);
		return it == col.end() ? none : it->second;
	}
	// an older module's table has no bound column: negotiated is shown
	// only while a driver is bound
	bool bound() const
	{
		return col.count("bound") ? get("bound") == "1" : get("negotiated") != "-";
	}
};

struct Capture {
	std::string devices_path, rules_path;
	bool have_rules = false;
	vdp_u8 mode = VDP_MODE_ENFORCE;
	vdp_u8 bounce = VDP_PSERIES_BOUNCE_AUTO;
	unsigned long long generation = 0; // of the current table, 0: unknown (older module)
	std::vector<std::string> rules; // index -> rule text (current table)
	std::vector<Device> devices;
};

// a decimal number (no sign, no base prefix, no leading zero)
bool parse_dec(const std::string &s, vdp_u64 max, vdp_u64 *out)
{
	if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos ||
	    (s.size() > 1 && s[0] == '0'))
		return false;
	return parse_u64(s, max, out);
}

// a "VVVV:DDDD" pair
bool parse_ids(const std::string &s, vdp_u32 *hi, vdp_u32 *lo)
{
	vdp_u64 a, b;
	const std::vector<std::string> p = split(s, ':');
	if (p.size() != 2 || p[0].size() != 4 || p[1].size() != 4 ||
	    !parse_u64("0x" + p[0], 0xffff, &a) || !parse_u64("0x" + p[1], 0xffff, &b))
		return false;
	*hi = static_cast<vdp_u32>(a);
	*lo = static_cast<vdp_u32>(b);
	return true;
}

// '0', '1', or '-' where allowed
bool parse_flag(const std::string &s, bool dash_ok, vdp_u8 *out)
{
	if (s == "0" || s == "1") {
		*out = s == "1";
		return true;
	}
	*out = 0;
	return dash_ok && s == "-";
}

void parse_row(Device *d, const std::string &file)
{
	auto bad = [&](const char *column, const std::string &why) {
		input_error(file, d->line, std::string("column '") + column + "': '" + d->get(column) +
						   "' " + why);
	};
	vdp_u64 v;
	std::snprintf(d->dev.name, sizeof(d->dev.name), "%s", d->get("name").c_str());
	if (d->get("name") == "-" || d->get("name").size() >= sizeof(d->dev.name))
		bad("name", "is not a virtio device name");
	if (!parse_dec(d->get("id"), 0xffff, &v))
		bad("id", "is not a virtio device id (0..65535)");
	d->dev.device_id = static_cast<vdp_u32>(v);
	const unsigned tr = find_name(d->get("transport"), vdp_transport_name, VDP_TRANSPORT_COUNT);
	if (tr == VDP_TRANSPORT_COUNT)
		bad("transport", "is not a transport (pci, pci-legacy, mmio, ccw, other)");
	d->dev.transport = static_cast<vdp_u8>(tr);
	const std::string &parent = d->get("parent");
	if (parent.size() >= sizeof(d->dev.bus))
		bad("parent", "is too long");
	if (parent != "-")
		std::snprintf(d->dev.bus, sizeof(d->dev.bus), "%s", parent.c_str());

	// the decision: '-' in every column until a driver was bound
	const std::string &dec = d->get("decision");
	d->decided = dec != "-";
	if (d->decided) {
		std::string verdict = dec;
		d->now.audit = verdict.compare(0, 6, "audit:") == 0;
		if (d->now.audit)
			verdict = verdict.substr(6);
		if (find_name(verdict, vdp_verdict_name, VDP_VERDICT_COUNT) == VDP_VERDICT_COUNT)
			bad("decision", "is not a verdict (auto, dma, direct, physical, refuse, not-applied)");
		d->now.verdict = verdict;
		if (find_name(d->get("path"), vdp_path_name, VDP_PATH_COUNT) == VDP_PATH_COUNT)
			bad("path", "is not a path (dma-api-iommu, dma-api-direct, physical, none)");
		d->now.path = d->get("path");
		if (d->get("rule") != "-") {
			if (!parse_dec(d->get("rule"), VDP_MAX_RULES - 1, &v))
				bad("rule", "is not a rule index");
			d->now.rule = static_cast<int>(v);
		}
		if (find_name(d->get("reason"), vdp_reason_token, VDP_REASON_COUNT) == VDP_REASON_COUNT)
			bad("reason", "is not a reason token this vdp-policy knows (vdp-policy reasons): a newer module?");
		d->now.reason = d->get("reason");
	}
	if (d->get("rules-gen") != "-") {
		vdp_u64 g;
		if (!parse_dec(d->get("rules-gen"), 0xffffffffu, &g) || !g)
			bad("rules-gen", "is not a rules table generation (1 or more)");
		d->rules_gen = g;
	}

	// the facts plan decides from: all '-' until gathered
	if (!d->col.count("offered") || d->get("offered") == "-")
		return;
	d->have_facts = true;
	if (d->get("offered").compare(0, 2, "0x") || !parse_features(d->get("offered"), &d->dev.offered))
		bad("offered", "is not a feature set (0xHEX)");
	if (!d->col.count("platform"))
		return; // status on an older module's table: no more facts
	const unsigned io = find_name(d->get("iommu"), vdp_iommu_name, VDP_IOMMU_COUNT);
	if (io == VDP_IOMMU_COUNT)
		bad("iommu", "is not none, identity or translating");
	d->dma.iommu = static_cast<vdp_u8>(io);
	if (!parse_flag(d->get("direct"), false, &d->dma.direct_path))
		bad("direct", "is not 0 or 1");
	if (!parse_flag(d->get("shm"), true, &d->dev.shm_region))
		bad("shm", "is not 0, 1 or -");
	if (!parse_u64(d->get("vendor"), 0xffffffffu, &v) || d->get("vendor").compare(0, 2, "0x"))
		bad("vendor", "is not a virtio vendor id (0xHEX)");
	d->dev.vendor_id = static_cast<vdp_u32>(v);
	if (d->get("pci") != "-") {
		d->dev.is_pci = 1;
		if (!parse_ids(d->get("pci"), &d->dev.pci_vendor, &d->dev.pci_device))
			bad("pci", "is not VVVV:DDDD");
		if (!parse_ids(d->get("subsys"), &d->dev.sub_vendor, &d->dev.sub_device))
			bad("subsys", "is not VVVV:DDDD");
		if (!parse_flag(d->get("sriov"), false, &d->dev.sriov_capable))
			bad("sriov", "is not 0 or 1");
	} else if (d->get("subsys") != "-" || d->get("sriov") != "-") {
		bad("subsys", "is given for a device without PCI ids");
	}
	std::string err;
	if (d->get("platform") == "-" || !parse_platform(d->get("platform"), &d->plat, &err))
		bad("platform", err.empty() ? "is not a platform" : err);
	// exactly as the module prints it: arch=A,gen=G[,platform=F+F]
	if (platform_spec(d->plat) != d->get("platform"))
		bad("platform", "is not arch=A,gen=G[,platform=F+F] as the module prints it");
	vdp_u8 swiotlb;
	if (!parse_flag(d->get("swiotlb"), false, &swiotlb))
		bad("swiotlb", "is not 0 or 1");
	if (swiotlb != d->plat.swiotlb_forced)
		bad("swiotlb", "contradicts the platform column");
	vdp_u8 b;
	if (!parse_flag(d->get("bound"), false, &b))
		bad("bound", "is not 0 or 1");
}

void read_devices(Capture *c, bool for_plan)
{
	const std::string &file = c->devices_path;
	const std::vector<std::string> lines = file_lines(file);
	std::vector<std::string> hdr = split(lines[0], ' ');
	if (hdr.size() < 3 || hdr[0] != "#" || hdr[1] != "name" || hdr[2] != "id")
		input_error(file, 1, "not a virtio_dma_policy devices table (its header starts '# name id ...')");
	hdr.erase(hdr.begin());
	std::map<std::string, bool> seen;
	for (size_t i = 0; i < hdr.size(); i++) {
		bool known = false;
		for (const Column &k : kColumns)
			known = known || hdr[i] == k.name;
		if (!known)
			input_error(file, 1,
				    strf("column %zu '%s' is unknown to this vdp-policy: a table from a newer "
					 "module? (use the vdp-policy of the module's version)",
					 i + 1, hdr[i].c_str()));
		if (seen[hdr[i]])
			input_error(file, 1, "column '" + hdr[i] + "' twice");
		seen[hdr[i]] = true;
	}
	for (const Column &k : kColumns)
		if ((k.status || (for_plan && k.plan)) && !seen[k.name])
			input_error(file, 1,
				    std::string("no column '") + k.name + "': a table from an older module" +
					    (for_plan && !k.status ? " lacks facts plan needs" : ""));
	for (size_t n = 1; n < lines.size(); n++) {
		Device d;
		d.line = static_cast<int>(n + 1);
		const std::vector<std::string> f = split(lines[n], ' ');
		if (f.size() != hdr.size())
			input_error(file, d.line,
				    strf("%zu fields, the header names %zu: a damaged or truncated copy",
					 f.size(), hdr.size()));
		for (size_t i = 0; i < f.size(); i++) {
			if (f[i].empty())
				input_error(file, d.line, strf("field %zu is empty", i + 1));
			d.col[hdr[i]] = f[i];
		}
		parse_row(&d, file);
		c->devices.push_back(d);
	}
}

// "# mode=M pseries_bounce=B rules=N builtin=K", then "<index> <rule>" lines.
void read_rules(Capture *c)
{
	const std::string &file = c->rules_path;
	const std::vector<std::string> lines = file_lines(file);
	const std::vector<std::string> hdr = split(lines[0], ' ');
	std::map<std::string, std::string> kv;
	for (size_t i = 1; i < hdr.size(); i++) {
		const size_t eq = hdr[i].find('=');
		if (eq != std::string::npos)
			kv[hdr[i].substr(0, eq)] = hdr[i].substr(eq + 1);
	}
	if (hdr.empty() || hdr[0] != "#" || !kv.count("mode") || !kv.count("rules"))
		input_error(file, 1, "not a virtio_dma_policy rules table (its header starts '# mode=')");
	const unsigned m = find_name(kv["mode"], vdp_mode_name, VDP_MODE_COUNT);
	if (m == VDP_MODE_COUNT)
		input_error(file, 1, "mode '" + kv["mode"] + "' is not enforce or audit");
	c->mode = static_cast<vdp_u8>(m);
	const unsigned b = find_name(kv["pseries_bounce"], vdp_pseries_bounce_name, VDP_PSERIES_BOUNCE_COUNT);
	if (b == VDP_PSERIES_BOUNCE_COUNT)
		input_error(file, 1, "pseries_bounce '" + kv["pseries_bounce"] + "' is not auto, on or off");
	c->bounce = static_cast<vdp_u8>(b);
	if (kv.count("generation")) {
		vdp_u64 g;
		if (!parse_dec(kv["generation"], 0xffffffffu, &g))
			input_error(file, 1, "generation=" + kv["generation"] + " is not a number");
		c->generation = g;
	}
	vdp_u64 count;
	if (!parse_u64(kv["rules"], VDP_MAX_RULES, &count))
		input_error(file, 1, "rules=" + kv["rules"] + " is not a rule count");
	if (lines.size() - 1 != count)
		input_error(file, static_cast<int>(lines.size()),
			    strf("%zu rules, the header says %llu: a damaged or truncated copy",
				 lines.size() - 1, (unsigned long long)count));
	for (size_t n = 1; n < lines.size(); n++) {
		const size_t sp = lines[n].find(' ');
		if (sp == std::string::npos || lines[n].substr(0, sp) != std::to_string(n - 1))
			input_error(file, static_cast<int>(n + 1), strf("is not rule %zu ('<index> <rule>')", n - 1));
		c->rules.push_back(lines[n].substr(sp + 1));
	}
	c->have_rules = true;
}

// The capture options of status and plan; true if argv[*i] was one.
bool capture_option(int argc, char **argv, int *i, Capture *c)
{
	const std::string a = argv[*i];
	auto value = [&]() -> std::string {
		if (*i + 1 >= argc)
			usage_error("%s needs a value", a);
		return argv[++*i];
	};
	if (a == "--dir") {
		const std::string d = value();
		c->devices_path = d + "/devices";
		c->rules_path = d + "/rules";
	} else if (a == "--devices") {
		c->devices_path = value();
	} else if (a == "--rules-table") {
		c->rules_path = value();
	} else {
		return false;
	}
	return true;
}

void load_capture(Capture *c, bool for_plan)
{
	if (c->devices_path.empty())
		c->devices_path = std::string(kDebugfs) + "/devices";
	if (c->rules_path.empty())
		c->rules_path = std::string(kDebugfs) + "/rules";
	read_devices(c, for_plan);
	read_rules(c);
}

std::string type_of(const Device &d)
{
	const char *n = vdp_device_id_name(d.dev.device_id);
	return n ? n : "id " + std::to_string(d.dev.device_id);
}

// Was the device decided by an earlier rules table than the file's?
bool stale(const Capture &c, const Device &d)
{
	return d.rules_gen && c.generation && d.rules_gen != c.generation;
}

// The text of the rule that decided the device, "" if unknown (no rule, or
// a rule of an earlier table: its index means nothing in this one).
std::string rule_text(const Capture &c, const Device &d)
{
	const int rule = d.now.rule;
	if (stale(c, d) || rule < 0 || static_cast<size_t>(rule) >= c.rules.size())
		return "";
	return c.rules[rule];
}

// A device's JSON object, opened: name, id, type.
void json_device(Json &j, const Device &d)
{
	const char *type = vdp_device_id_name(d.dev.device_id);
	j.obj().str("name", d.get("name")).num("id", d.dev.device_id).str_or_null("type", type ? type : "");
}

// The decision a device has now (null if none), its rule's text from the
// rules table.
void json_now(Json &j, const char *key, const Capture &c, const Device &d)
{
	if (!d.decided) {
		j.null(key);
		return;
	}
	Verdict v = d.now;
	v.rule_text = rule_text(c, d);
	json_verdict(j, key, v);
}

// What needs a person's attention about a device, in words.
std::vector<std::string> attention(const Capture &c, const Device &d)
{
	std::vector<std::string> out;
	if (d.get("prediction") == "mismatch")
		out.push_back("the negotiated features differ from the core's prediction (a driver's "
			      "validate(), or a kernel the model does not know): see the kernel log");
	if (d.decided && d.now.reason == "already-bound")
		out.push_back("bound before the module loaded: not decided; the rules apply once it is "
			      "rebound (vdp-policy plan shows how)");
	if (d.decided && d.now.audit && d.now.verdict != "auto")
		out.push_back("audit mode: enforce would take '" + d.now.verdict + "' (" + d.now.reason + ")");
	if (d.decided && d.now.verdict == "refuse" && !d.now.audit)
		out.push_back("refused: its driver's probe failed");
	if (d.decided && d.now.verdict == "not-applied" && d.now.reason != "already-bound")
		out.push_back("the matching rule's action was not applied (" + d.now.reason + ")");
	const std::string &b = d.get("dma-bind"), &n = d.get("dma-now");
	if (!d.bound() && b != "-" && n != "-" && b != n)
		out.push_back("the DMA state was not restored after the last unbind: at bind " + b +
			      ", now " + n);
	if (stale(c, d))
		out.push_back(strf("decided by an earlier rules table (generation %llu, now %llu): the "
				   "current rules apply once it is rebound",
				   d.rules_gen, c.generation));
	else if (d.now.rule >= 0 && rule_text(c, d).empty())
		out.push_back(strf("rule %d is not in the rules table (the rules changed since)", d.now.rule));
	return out;
}

// restored: "yes", "no", or "" where unknown (bound, or no DMA state)
std::string restored(const Device &d)
{
	const std::string &b = d.get("dma-bind"), &n = d.get("dma-now");
	if (d.bound() || b == "-" || n == "-")
		return "";
	return b == n ? "yes" : "no";
}

} // namespace

int cmd_status(int argc, char **argv)
{
	Capture c;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if (capture_option(argc, argv, &i, &c))
			continue;
		if (a == "--json")
			json = true;
		else
			usage_error("status: unknown option %s", a);
	}
	load_capture(&c, false);

	int need = 0;
	if (json) {
		Json j;
		j.obj().str("schema", kJsonSchema).str("command", "status").boolean("ok", true);
		j.obj("source").str("devices", c.devices_path).str("rules", c.rules_path).end();
		j.str("mode", vdp_mode_name(c.mode)).str("pseries_bounce", vdp_pseries_bounce_name(c.bounce));
		if (c.generation)
			j.num("generation", static_cast<long long>(c.generation));
		else
			j.null("generation");
		j.arr("rules");
		for (const std::string &r : c.rules)
			j.str(nullptr, r);
		j.end().arr("devices");
		for (const Device &d : c.devices) {
			const std::vector<std::string> att = attention(c, d);
			need += !att.empty();
			json_device(j, d);
			j.str("transport", d.get("transport")).str_or_null("parent", d.get("parent"));
			j.str_or_null("driver", d.get("driver")).boolean("bound", d.bound());
			json_now(j, "decision", c, d);
			if (d.rules_gen)
				j.num("rules_gen", static_cast<long long>(d.rules_gen));
			else
				j.null("rules_gen");
			j.str_or_null("prediction", d.get("prediction")).boolean("hooked", d.get("hooked") == "1");
			j.obj("dma").str_or_null("iommu", d.get("iommu")).str_or_null("bind", d.get("dma-bind"));
			j.str_or_null("now", d.get("dma-now"));
			const std::string r = restored(d);
			if (r.empty())
				j.null("restored");
			else
				j.boolean("restored", r == "yes");
			j.end().arr("attention");
			for (const std::string &s : att)
				j.str(nullptr, s);
			j.end().end();
		}
		j.end().num("attention", need).end().print();
		return 0;
	}

	std::printf("virtio_dma_policy: mode %s, pseries_bounce %s, %zu rules (%s)\n", vdp_mode_name(c.mode),
		    vdp_pseries_bounce_name(c.bounce), c.rules.size(), c.rules_path.c_str());
	for (const Device &d : c.devices) {
		std::printf("\n%s: %s on %s %s", d.get("name").c_str(), type_of(d).c_str(), d.get("transport").c_str(),
			    d.get("parent").c_str());
		if (d.get("driver") != "-")
			std::printf(", driver %s (%s)", d.get("driver").c_str(), d.bound() ? "bound" : "unbound");
		std::printf("\n");
		if (!d.decided) {
			std::printf("  decision   none: no driver bound since the module loaded\n");
		} else {
			std::printf("  decision   %s%s, path %s\n", d.now.audit ? "audit: " : "", d.now.verdict.c_str(),
				    d.now.path.c_str());
			if (d.now.rule >= 0 && stale(c, d))
				std::printf("  rule       %d of the rules table of generation %llu (not the current one)\n",
					    d.now.rule, d.rules_gen);
			else if (d.now.rule >= 0)
				std::printf("  rule       %d: %s\n", d.now.rule, rule_text(c, d).c_str());
			else
				std::printf("  rule       none matched\n");
			const unsigned r = find_name(d.now.reason, vdp_reason_token, VDP_REASON_COUNT);
			std::printf("  reason     %s: %s\n", d.now.reason.c_str(),
				    vdp_reason_text(static_cast<vdp_u8>(r)));
		}
		const std::string r = restored(d);
		if (!r.empty())
			std::printf("  dma state  %s after the last unbind (%s)\n",
				    r == "yes" ? "restored" : "NOT restored", d.get("dma-now").c_str());
		const std::vector<std::string> att = attention(c, d);
		need += !att.empty();
		for (const std::string &s : att)
			std::printf("  attention  %s\n", s.c_str());
	}
	std::printf("\n%zu devices, %d need attention\n", c.devices.size(), need);
	return 0;
}

int cmd_plan(int argc, char **argv)
{
	Capture c;
	RulesSource rs;
	bool json = false, have_mode = false, have_bounce = false;
	vdp_u8 mode = VDP_MODE_ENFORCE, bounce = VDP_PSERIES_BOUNCE_AUTO;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if (capture_option(argc, argv, &i, &c) || rules_option(argc, argv, &i, &rs))
			continue;
		if (a == "--json") {
			json = true;
		} else if (a == "--mode" && i + 1 < argc) {
			mode = match_name("--mode", argv[++i], vdp_mode_name, VDP_MODE_COUNT);
			have_mode = true;
		} else if (a == "--pseries-bounce" && i + 1 < argc) {
			bounce = parse_bounce(argv[++i]);
			have_bounce = true;
		} else {
			usage_error("plan: unknown option or missing value: %s", a);
		}
	}
	if (!rs.given)
		usage_error("plan: give the new rules: --rules TEXT, -f FILE, --modprobe or --cmdline%s", "");
	load_capture(&c, true);
	if (!have_mode)
		mode = c.mode;
	if (!have_bounce)
		bounce = c.bounce;

	std::string msg;
	const vdp_table *t = source_table(rs, bounce, &msg);
	if (!t) {
		if (!json) {
			std::fputs(msg.c_str(), stderr);
			return 1;
		}
		while (!msg.empty() && msg.back() == '\n')
			msg.pop_back();
		Json j;
		j.obj().str("schema", kJsonSchema).str("command", "plan").boolean("ok", false);
		j.str("origin", rs.origin).str("error", msg).end().print();
		return 1;
	}

	struct Planned {
		const Device *d;
		bool known;
		vdp_decision dec;
		Verdict v;
		bool changes_path, changes_decision, refused, rebind;
		std::vector<std::string> notes;
	};
	std::vector<Planned> plan;
	int n_path = 0, n_refused = 0, n_rebind = 0, n_unknown = 0;
	for (const Device &d : c.devices) {
		Planned p{&d, d.have_facts, {}, {}, false, false, false, false, {}};
		if (!d.have_facts) {
			n_unknown++;
			p.notes.push_back("no facts: never bound since the module loaded; decided at its first bind");
			plan.push_back(p);
			continue;
		}
		vdp_decide(t, &d.dev, &d.plat, &d.dma, mode, &p.dec);
		p.v = verdict_of(p.dec, p.dec.rule >= 0 ? format_rule(t->rules[p.dec.rule]) : "");
		p.changes_path = !d.decided || p.v.path != d.now.path;
		p.changes_decision = !d.decided || p.v.verdict != d.now.verdict || p.v.reason != d.now.reason ||
				     p.v.audit != d.now.audit;
		p.refused = p.dec.err != 0;
		// the rules apply at a bind: a bound device keeps its decision
		// until it is rebound (a disk in use: until the next boot)
		// a device whose driver cleared bit 33 in validate() at its last
		// bind (the 6.1 balloon) keeps the physical path it took then
		vdp_features neg{};
		if (d.bound() && d.now.path == "physical" && p.v.path != "physical" &&
		    parse_features(d.get("negotiated"), &neg) && !vdp_feat_test(&neg, VDP_F_ACCESS_PLATFORM) &&
		    p.v.verdict == d.now.verdict && p.v.reason == d.now.reason) {
			p.changes_path = false;
			p.notes.push_back("its driver cleared bit 33 in validate() at the last bind: the path "
					  "stays physical");
		}
		// a refused device has no driver: a reprobe applies the new rules
		p.rebind = (d.bound() || (d.decided && d.now.verdict == "refuse")) &&
			   (p.changes_path || p.changes_decision);
		if (d.decided && d.now.reason == "unsafe-no-direct-path" && p.dec.install_direct_path)
			p.notes.push_back("the direct path did not install at the last bind (else= applied): "
					  "it may fail again");
		if (p.refused)
			p.notes.push_back("would be refused: its driver's probe fails");
		else if (p.v.verdict == "not-applied")
			p.notes.push_back("the rule's action would not be applied (" + p.v.reason + ")");
		if (p.changes_path && d.decided)
			p.notes.push_back("path changes: " + d.now.path + " -> " + p.v.path);
		if (stale(c, d))
			p.notes.push_back(strf("now: decided by an earlier rules table (generation %llu)", d.rules_gen));
		if (p.rebind)
			p.notes.push_back(d.now.reason == "already-bound"
						  ? "bound before the module loaded: applies after a rebind or reboot"
					  : !d.bound() ? "refused: applies after a reprobe"
						       : "bound: applies after a rebind (reprobe) or reboot");
		n_path += p.changes_path && d.decided;
		n_refused += p.refused;
		n_rebind += p.rebind;
		plan.push_back(p);
	}

	if (json) {
		Json j;
		j.obj().str("schema", kJsonSchema).str("command", "plan").boolean("ok", true);
		j.obj("source").str("devices", c.devices_path).str("rules", c.rules_path).end();
		j.obj("rules").str("origin", rs.origin).str("text", format_user_rules(*t));
		j.num("count", t->count - vdp_table_builtin_count(t)).num("builtin", vdp_table_builtin_count(t)).end();
		j.str("mode", vdp_mode_name(mode)).str("pseries_bounce", vdp_pseries_bounce_name(bounce));
		j.arr("devices");
		for (const Planned &p : plan) {
			const Device &d = *p.d;
			json_device(j, d);
			j.str_or_null("parent", d.get("parent")).boolean("bound", d.bound());
			json_now(j, "now", c, d);
			if (p.known)
				json_verdict(j, "planned", p.v);
			else
				j.null("planned");
			j.boolean("changes_path", p.changes_path && d.decided);
			j.boolean("changes_decision", p.changes_decision && d.decided);
			j.boolean("refused", p.refused).boolean("needs_rebind", p.rebind).arr("notes");
			for (const std::string &s : p.notes)
				j.str(nullptr, s);
			j.end().end();
		}
		j.end().obj("summary").num("devices", static_cast<long long>(plan.size()));
		j.num("path_changes", n_path).num("refused", n_refused).num("needs_rebind", n_rebind);
		j.num("unknown", n_unknown).end().end().print();
	} else {
		std::printf("plan: %u rules from %s (+%u built-in, pseries_bounce %s), mode %s, %zu devices of %s\n",
			    t->count - vdp_table_builtin_count(t), rs.origin.c_str(), vdp_table_builtin_count(t),
			    vdp_pseries_bounce_name(bounce), vdp_mode_name(mode), c.devices.size(),
			    c.devices_path.c_str());
		std::printf("%-10s %-14s %-26s %-26s %s\n", "device", "parent", "now", "planned", "");
		for (const Planned &p : plan) {
			const Device &d = *p.d;
			const std::string now = d.decided ? (d.now.audit ? "audit:" : "") + d.now.verdict + " " + d.now.path
							  : "-";
			const std::string planned = p.known ? (p.v.audit ? "audit:" : "") + p.v.verdict + " " + p.v.path
							    : "?";
			std::printf("%-10s %-14s %-26s %-26s %s\n", d.get("name").c_str(), d.get("parent").c_str(),
				    now.c_str(), planned.c_str(),
				    p.known ? (p.v.reason + (p.v.rule >= 0 ? strf(" (rule %d)", p.v.rule) : "")).c_str()
					    : "");
			for (const std::string &s : p.notes)
				std::printf("%-10s   %s\n", "", s.c_str());
		}
		std::printf("%zu devices: %d change path, %d refused, %d need a rebind, %d unknown\n", plan.size(),
			    n_path, n_refused, n_rebind, n_unknown);
	}
	// a script stops a rollout on 3
	return n_refused ? 3 : 0;
}

} // namespace vdptool

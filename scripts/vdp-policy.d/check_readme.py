#!/usr/bin/env python3
"""Check README.md against the policy core, through vdp-policy.

  check_readme.py VDP_POLICY README.md

1. "Decision and safety table": every row of the README's table is parsed
   (its action, its condition in the README's own vocabulary, verdict, path
   and reason) and compared with `vdp-policy table --tsv`, which runs the
   core's vdp_decide() on every combination of the facts the table talks
   about (rule action and else=, bits VERSION_1 and ACCESS_PLATFORM
   offered, Xen, restricted memory, IOMMU, direct path), read by the rules
   tests/cases/readme_table.py states (the same reader derives the
   safety cases of the host and KUnit tests).
   Every combination must be covered by a row, and every row must hold.
2. "Troubleshooting" lists every reason token with the core's sentence:
   the README's table must be exactly `vdp-policy reasons --markdown`.
Prints TAP-like lines and "N passed, M failed".
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "cases"))
import readme_table  # noqa: E402  (the README's table as the spec)

tool, readme_path = sys.argv[1], sys.argv[2]
readme = open(readme_path, encoding="utf-8").read()
passed = failed = 0


def result(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what)
        if detail:
            for line in detail.rstrip("\n").split("\n")[:40]:
                print("    " + line)


def read_scenarios():
    out = subprocess.run([tool, "table", "--tsv"], check=True, capture_output=True,
                         text=True).stdout.strip().split("\n")
    head = out[0].split("\t")
    scen = []
    for line in out[1:]:
        r = dict(zip(head, line.split("\t")))
        scen.append({
            "action": r["action"], "else": r["else"],
            "o33": r["o33"] == "1", "v1": r["v1"] == "1", "xen": r["xen"] == "1",
            "restricted": r["restricted"] == "1", "secure": r["secure"] == "1",
            "iommu": r["iommu"],
            "dp": r["direct_path"] == "1",
            "swiotlb": r["swiotlb"] == "1", "kind": r["kind"],
            "got": (r["verdict"], r["path"], r["reason"], int(r["err"]), r["edits"]),
            "audit": (r["audit_verdict"], r["audit_path"], r["audit_reason"],
                      int(r["audit_err"])),
        })
    return scen


def describe(s):
    return ("action=%s else=%s O33=%d V1=%d xen=%d restricted=%d secure=%d iommu=%s "
            "direct_path=%d swiotlb=%d kind=%s"
            % (s["action"], s["else"], s["o33"], s["v1"], s["xen"], s["restricted"],
               s["secure"], s["iommu"], s["dp"], s["swiotlb"], s["kind"]))


def check_decision_table():
    table = readme_table.Table(readme)
    rows = table.rows
    result(not table.problems,
           "README decision table parsed (%d rows + the restricted-memory overlay)" % len(rows),
           "\n".join(table.problems))
    if table.problems:
        return

    scen = read_scenarios()
    result(len(scen) == 11 * 192 * 6, "vdp-policy table --tsv lists %d combinations" % len(scen))
    row_hits = [0] * len(rows)
    mismatches, uncovered, audit_bad = [], [], []
    for s in scen:
        d = table.decide(s)
        if d is None:
            uncovered.append(describe(s))
            continue
        row_hits[d["row"]] += 1
        got = s["got"]
        want = (d["verdict"], d["path"], d["reason"], d["err"])
        # the edits of a device upstream's check refuses do not matter
        edits = None if d["overlaid"] else d["edits"]
        if got[:4] != want or (edits is not None and set(got[4].split()) - {"-"} != edits):
            mismatches.append("%s: README row %d %s says %s edits=%s; the core: %s"
                              % (describe(s), d["row"] + 1, rows[d["row"]]["cells"], want,
                                 " ".join(sorted(edits)) if edits is not None else "*", got))
        refused = readme_table.stock_refused(s)
        want_audit = (got[0], "none" if refused else readme_table.stock_path(s), got[2],
                      -19 if refused else 0)
        if s["audit"] != want_audit:
            audit_bad.append("%s: audit %s, README says %s" % (describe(s), s["audit"], want_audit))
    result(not uncovered, "every combination is covered by a README row",
           "no README row for:\n" + "\n".join(uncovered))
    result(not mismatches, "the core agrees with every README row on every combination",
           "\n".join(mismatches))
    unused = [str(rows[i]["cells"]) for i, n in enumerate(row_hits) if n == 0]
    result(not unused, "every README row decides at least one combination",
           "rows never reached:\n" + "\n".join(unused))
    result(not audit_bad, "mode=audit: enforce's verdict and reason, the stock path",
           "\n".join(audit_bad))


def check_reasons():
    sec = readme_table.section(readme, "Troubleshooting")
    want = subprocess.run([tool, "reasons", "--markdown"], check=True, capture_output=True,
                          text=True).stdout
    if sec is None:
        result(False, "README has a 'Troubleshooting' section")
        return
    # the table that starts with the generated header, up to its last row
    lines = sec.split("\n")
    head = want.split("\n")[0]
    start = lines.index(head) if head in lines else len(lines)
    table = []
    for l in lines[start:]:
        if not l.startswith("|"):
            break
        table.append(l)
    have = "\n".join(table) + "\n"
    if have == want:
        result(True, "README troubleshooting table == vdp-policy reasons --markdown")
    else:
        import difflib
        diff = "".join(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                            "README.md", "vdp-policy reasons --markdown"))
        result(False, "README troubleshooting table == vdp-policy reasons --markdown",
               diff + "(regenerate: scripts/vdp-policy reasons --markdown)")
    tokens = re.findall(r"^\| `([a-z0-9-]+)` \|", want, re.M)
    missing = [t for t in tokens if "`%s`" % t not in sec]
    result(len(tokens) > 0 and not missing, "README troubleshooting names all %d reason tokens"
           % len(tokens), " ".join(missing))


check_decision_table()
check_reasons()
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)

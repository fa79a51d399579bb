#!/usr/bin/env python3
"""Check README.md against the policy core, through vdp-policy.

  check_readme.py VDP_POLICY README.md

1. "Decision and safety table": every row of the README's table is parsed
   (its action, its condition in the README's own vocabulary, verdict, path
   and reason) and compared with `vdp-policy table --tsv`, which runs the
   core's vdp_decide() on every combination of the facts the table talks
   about (rule action and else=, bits VERSION_1 and ACCESS_PLATFORM
   offered, Xen, restricted memory, IOMMU, direct path).  The README's
   reading rules, as its text states them:
     - rows for an action are tried in order, first match wins, except that
       the `restricted-memory` rows come first (upstream's check is "never
       overridden");
     - a rule with `restricted=bounce` (action cell "`direct`,
       `restricted=bounce`") tries its own rows first, then the `direct'
       ones;
     - a `not applied` row under else=refuse refuses the device, with the
       same reason;
     - the "any | restricted-memory guest, final features lack ..." row
       applies on top of every outcome that is not already a refusal, with
       the final features being the offered ones after the row's edits
       (dma/direct show bit 33 where the stock path is physical, physical
       withholds it);
     - in mode=audit the verdict and reason are enforce's, the path the
       stock one.
   Every combination must be covered by a row, and every row must hold.
2. "Troubleshooting" lists every reason token with the core's sentence:
   the README's table must be exactly `vdp-policy reasons --markdown`.
Prints TAP-like lines and "N passed, M failed".
"""
import re
import subprocess
import sys

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


def section(title):
    m = re.search(r"^## " + re.escape(title) + r"\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    return m.group(1) if m else None


def table_rows(text):
    rows = []
    for line in text.split("\n"):
        if not line.startswith("|") or re.match(r"^\|[-| ]+\|$", line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows[1:]  # without the header


# ---------------------------------------------------------------- facts
TRANSLATING = "translating"


def stock_path(s):
    if s["o33"] or s["xen"]:
        return "dma-api-iommu" if s["iommu"] == TRANSLATING else "dma-api-direct"
    return "physical"


# The README's condition vocabulary.  A condition cell is a list of these
# joined by ", " (all must hold).
CONDITIONS = {
    "any": lambda s: True,
    "otherwise": lambda s: True,
    "O33": lambda s: s["o33"],
    "!O33": lambda s: not s["o33"],
    "Xen": lambda s: s["xen"],
    "O33 or Xen": lambda s: s["o33"] or s["xen"],
    "translating": lambda s: s["iommu"] == TRANSLATING,
    "translating IOMMU": lambda s: s["iommu"] == TRANSLATING,
    "no/identity IOMMU": lambda s: s["iommu"] != TRANSLATING,
    "direct path available": lambda s: s["dp"],
    "no direct path (sparc64)": lambda s: not s["dp"],
    "restricted-memory guest": lambda s: s["restricted"],
    "secure or encrypted-memory guest": lambda s: s["secure"],
    "no VERSION_1": lambda s: not s["v1"],
    "no-bounce device type": lambda s: s["kind"] == "no-bounce",
    "shared-memory region": lambda s: s["kind"] == "shm",
    "mappings not forced through SWIOTLB": lambda s: not s["swiotlb"],
    "final features lack VERSION_1 or bit 33": None,  # the overlay, below
}


def parse_condition(cell):
    preds = []
    for part in cell.split(", "):
        if part not in CONDITIONS:
            return None, part
        preds.append(CONDITIONS[part])
    return preds, None


def parse_actions(cell):
    if cell == "(no rule)":
        return ["-"]
    if cell == "`direct`,`restricted=bounce`":
        return ["direct+bounce"]
    if cell == "any":
        return ["*"]
    names = re.findall(r"`([a-z]+)`", cell)
    return names if names and re.fullmatch(r"(`[a-z]+`/?)+", cell) else None


def parse_outcome(verdict_cell, path_cell, reason_cell, prev_path):
    """-> (verdict, err, install, path_fn) or an error string."""
    v = verdict_cell
    install = False
    if v.startswith("refuse (-ENODEV)"):
        verdict, err = "refuse", -19
    elif v == "not applied":
        verdict, err = "not-applied", 0
    elif v == "direct (path installed)":
        verdict, err, install = "direct", 0, True
    elif v in ("auto", "dma", "direct", "physical"):
        verdict, err = v, 0
    else:
        return "verdict cell not understood: " + v
    p = path_cell
    if p == "as above":
        p = prev_path
    if p == "dma-api-iommu if translating, else dma-api-direct" or p in ("stock", "stock path"):
        path_fn = stock_path
    elif p in ("none", "physical", "dma-api-direct", "dma-api-iommu"):
        path_fn = (lambda name: lambda s: name)(p)
    else:
        return "path cell not understood: " + path_cell
    m = re.match(r"`([a-z0-9-]+)`", reason_cell)
    if not m:
        return "reason cell not understood: " + reason_cell
    return verdict, err, install, path_fn, m.group(1), p


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
    sec = section("Decision and safety table")
    if sec is None:
        result(False, "README has a 'Decision and safety table' section")
        return
    rows = []
    problems = []
    prev_path = None
    overlay = None
    for cells in table_rows(sec):
        if len(cells) != 5:
            problems.append("row without 5 cells: %s" % cells)
            continue
        acts = parse_actions(cells[0])
        preds, bad = parse_condition(cells[1])
        out = parse_outcome(cells[2], cells[3], cells[4], prev_path)
        if acts is None:
            problems.append("action cell not understood: " + cells[0])
            continue
        if preds is None:
            problems.append("condition not understood: '%s' in row %s" % (bad, cells))
            continue
        if isinstance(out, str):
            problems.append(out + " in row %s" % cells)
            continue
        prev_path = out[5]
        row = {"cells": cells, "actions": acts, "preds": [p for p in preds if p],
               "outcome": out[:5]}
        if acts == ["*"]:
            if overlay is not None or out[4] != "restricted-memory":
                problems.append("unexpected 'any' row: %s" % cells)
            overlay = row
        else:
            rows.append(row)
    result(not problems and rows and overlay is not None,
           "README decision table parsed (%d rows + the restricted-memory overlay)" % len(rows),
           "\n".join(problems))
    if problems or overlay is None:
        return

    scen = read_scenarios()
    result(len(scen) == 11 * 192 * 6, "vdp-policy table --tsv lists %d combinations" % len(scen))
    row_hits = [0] * len(rows)
    mismatches, uncovered, audit_bad = [], [], []
    for s in scen:
        # a restricted=bounce rule: its own rows, then those of direct
        acts = ["direct+bounce", "direct"] if s["action"] == "direct+bounce" else [s["action"]]
        cand = [i for i, r in enumerate(rows) if any(a in r["actions"] for a in acts)]
        # upstream's restricted-memory check is never overridden: its rows
        # first, after the rows of an opt-in
        cand.sort(key=lambda i: ("direct+bounce" not in rows[i]["actions"],
                                 rows[i]["outcome"][4] != "restricted-memory", i))
        match = next((i for i in cand if all(p(s) for p in rows[i]["preds"])), None)
        if match is None:
            uncovered.append(describe(s))
            continue
        row_hits[match] += 1
        verdict, err, install, path_fn, reason = rows[match]["outcome"]
        path = path_fn(s)
        edits = set()
        if verdict == "not-applied" and s["else"] == "refuse":
            verdict, err, path = "refuse", -19, "none"
        # the row's edits decide the final features: dma/direct show bit 33
        # to the driver (hide it from the device) where the stock path would
        # bypass the DMA API; physical withholds it
        final33, final_v1 = s["o33"], s["v1"]
        if verdict in ("dma", "direct") and stock_path(s) == "physical":
            final33 = True
            edits |= {"+33", "hide33"}
        if verdict == "physical" and s["o33"]:
            final33 = False
            edits.add("-33")
        if install:
            edits.add("install")
        if verdict != "refuse" and s["restricted"] and not (final_v1 and final33):
            verdict, err, path, reason = "refuse", -19, "none", "restricted-memory"
            edits = None  # edits of a refused device do not matter
        got = s["got"]
        want = (verdict, path, reason, err)
        if got[:4] != want or (edits is not None and set(got[4].split()) - {"-"} != edits):
            mismatches.append("%s: README row %d %s says %s edits=%s; the core: %s"
                              % (describe(s), match + 1, rows[match]["cells"], want,
                                 " ".join(sorted(edits)) if edits is not None else "*", got))
        stock_refused = s["restricted"] and not (s["v1"] and s["o33"])
        want_audit = (got[0], "none" if stock_refused else stock_path(s), got[2],
                      -19 if stock_refused else 0)
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
    sec = section("Troubleshooting")
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

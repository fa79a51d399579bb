"""README.md's "Decision and safety table", read as the spec.

The table is the independent oracle of the policy core: scripts/vdp-policy.d/
check_readme.py compares every combination the core decides (`vdp-policy
table --tsv`) with it, and tests/cases/gen_safety_cases.py derives the
safety cases of the host and KUnit tests from it.  Both read it through
this module, never through a transcription.

A scenario is a dict:
  action   "-" (no rule), "auto", "refuse", "dma", "direct", "direct+bounce"
           (direct with restricted=bounce) or "physical"
  else     "stock" or "refuse" (the rule's else=)
  o33, v1  the device offers ACCESS_PLATFORM / VERSION_1
  xen, restricted, secure   the guest (restricted: upstream's
           virtio_check_mem_acc_cb(); secure: a secure/encrypted guest)
  iommu    "none", "identity" or "translating"
  dp       a direct path can be installed
  swiotlb  the DMA device's mappings are forced through SWIOTLB
  kind     "none", "no-bounce" (a device type of the core's no-bounce
           table) or "shm" (a shared-memory region)

The README's reading rules, as its text states them:
  - rows for an action are tried in order, first match wins, except that
    the `restricted-memory` rows come first (upstream's check is "never
    overridden");
  - a rule with `restricted=bounce` (action cell "`direct`,
    `restricted=bounce`") tries its own rows first, then the `direct` ones;
  - a `not applied` row under else=refuse refuses the device with the same
    reason; so does a row that keeps upstream's refusal (verdict refuse, a
    reason other than `rule-refuse`);
  - the "any | restricted-memory guest, final features lack ..." row
    applies on top of every outcome that is not already a refusal, with the
    final features being the offered ones after the row's edits (dma and
    direct show bit 33 where the stock path is physical, physical withholds
    an offered one);
  - in mode=audit the verdict and reason are enforce's, the path the stock
    one.
"""
import re

TRANSLATING = "translating"


def section(readme, title):
    m = re.search(r"^## " + re.escape(title) + r"\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    return m.group(1) if m else None


def table_rows(text):
    rows = []
    for line in text.split("\n"):
        if not line.startswith("|") or re.match(r"^\|[-| ]+\|$", line):
            continue
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header


def stock_path(s):
    if s["o33"] or s["xen"]:
        return "dma-api-iommu" if s["iommu"] == TRANSLATING else "dma-api-direct"
    return "physical"


def stock_refused(s):
    """upstream's virtio_features_ok() on what the device offers"""
    return s["restricted"] and not (s["v1"] and s["o33"])


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
    "final features lack VERSION_1 or bit 33": None,  # the overlay
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
    """-> (verdict, err, install, path_fn, reason, path cell) or an error string."""
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


class Table:
    """The parsed table: .rows, .overlay, .problems (empty when it parsed)."""

    def __init__(self, readme):
        self.rows, self.overlay, self.problems = [], None, []
        sec = section(readme, "Decision and safety table")
        if sec is None:
            self.problems.append("README has no 'Decision and safety table' section")
            return
        prev_path = None
        for cells in table_rows(sec):
            if len(cells) != 5:
                self.problems.append("row without 5 cells: %s" % cells)
                continue
            acts = parse_actions(cells[0])
            preds, bad = parse_condition(cells[1])
            out = parse_outcome(cells[2], cells[3], cells[4], prev_path)
            if acts is None:
                self.problems.append("action cell not understood: " + cells[0])
                continue
            if preds is None:
                self.problems.append("condition not understood: '%s' in row %s" % (bad, cells))
                continue
            if isinstance(out, str):
                self.problems.append(out + " in row %s" % cells)
                continue
            prev_path = out[5]
            row = {"cells": cells, "actions": acts, "preds": [p for p in preds if p],
                   "outcome": out[:5]}
            if acts == ["*"]:
                if self.overlay is not None or out[4] != "restricted-memory":
                    self.problems.append("unexpected 'any' row: %s" % cells)
                self.overlay = row
            else:
                self.rows.append(row)
        if self.overlay is None:
            self.problems.append("no restricted-memory overlay row ('any | ...')")
        if not self.rows:
            self.problems.append("no rows")

    def match(self, s):
        """The index of the row that decides s, or None."""
        acts = ["direct+bounce", "direct"] if s["action"] == "direct+bounce" else [s["action"]]
        cand = [i for i, r in enumerate(self.rows) if any(a in r["actions"] for a in acts)]
        # an opt-in's own rows, then upstream's restricted-memory rows
        cand.sort(key=lambda i: ("direct+bounce" not in self.rows[i]["actions"],
                                 self.rows[i]["outcome"][4] != "restricted-memory", i))
        return next((i for i in cand if all(p(s) for p in self.rows[i]["preds"])), None)

    def decide(self, s):
        """What the README says of s in enforce mode, or None if no row holds:
        a dict with verdict, path, reason, err, row (its index), applied (the
        rule was applied), edits (set of "+33", "hide33", "-33", "install",
        as the row applies them, before upstream's check) and
        rule_refusal (the rule refused the device), overlaid (upstream's
        check refused what the row let through)."""
        i = self.match(s)
        if i is None:
            return None
        verdict, err, install, path_fn, reason = self.rows[i]["outcome"]
        path = path_fn(s)
        rule_refusal = reason == "rule-refuse"
        if s["else"] == "refuse" and (verdict == "not-applied" or
                                      (verdict == "refuse" and not rule_refusal)):
            verdict, err, path, rule_refusal = "refuse", -19, "none", True
        applied = verdict in ("auto", "dma", "direct", "physical") and s["action"] != "-"
        edits = set()
        final33 = s["o33"]
        if verdict in ("dma", "direct") and stock_path(s) == "physical":
            final33 = True
            edits |= {"+33", "hide33"}
        if verdict == "physical" and s["o33"]:
            final33 = False
            edits.add("-33")
        if install:
            edits.add("install")
        overlaid = verdict != "refuse" and s["restricted"] and not (s["v1"] and final33)
        if overlaid:
            verdict, err, path, reason = "refuse", -19, "none", self.overlay["outcome"][4]
        return {"verdict": verdict, "path": path, "reason": reason, "err": err, "row": i,
                "applied": applied, "edits": edits, "rule_refusal": rule_refusal,
                "overlaid": overlaid}

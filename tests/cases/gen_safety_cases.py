#!/usr/bin/env python3
"""Generate tests/cases/safety_cases.h from the README decision/safety table.

README_ROWS below transcribes README.md "Decision and safety table" row by
row (first applicable row wins, in the order given, the restricted-memory
overlay is applied last as README says it is never overridden).  The script
expands every action x else= x iommu {none, identity, translating} x
direct_path {0,1} x O33 {0,1} x environment and asserts that exactly the
intended rows apply.  It does not use the C++ core.
"""
import sys

T = "translating"

# (action, predicate(o33, xen, restricted, secure, iommu, dp), outcome)
# outcome: ("applied", verdict, path, reason, add33, clear33, install)
#          ("unsafe", reason) / ("refuse", reason) / ("stock", reason)
STOCK = "stock"
README_ROWS = [
    (None, lambda o33, x, r, sec, i, dp: o33, ("stock", "STOCK_ACCESS_PLATFORM")),
    (None, lambda o33, x, r, sec, i, dp: not o33 and x, ("stock", "STOCK_XEN")),
    (None, lambda o33, x, r, sec, i, dp: not o33, ("stock", "STOCK_QUIRK")),
    ("refuse", lambda o33, x, r, sec, i, dp: True, ("refuse", "RULE_REFUSE")),
    ("dma", lambda o33, x, r, sec, i, dp: o33, ("applied", "DMA", STOCK, "RULE_DMA", 0, 0, 0)),
    # "dma/direct | !O33, restricted-memory guest | refuse | restricted-memory":
    # bit 33 is never faked past upstream's check -> not applicable here
    ("dma", lambda o33, x, r, sec, i, dp: not o33 and r, ("unsafe", "RESTRICTED_MEM")),
    ("dma", lambda o33, x, r, sec, i, dp: x, ("applied", "DMA", STOCK, "RULE_DMA", 0, 0, 0)),
    ("dma", lambda o33, x, r, sec, i, dp: not o33 and i == T, ("unsafe", "UNSAFE_TRANSLATING_NO_BIT33")),
    ("dma", lambda o33, x, r, sec, i, dp: not o33, ("applied", "DMA", "DMA_DIRECT", "RULE_DMA", 1, 0, 0)),
    ("direct", lambda o33, x, r, sec, i, dp: o33 and i == T, ("unsafe", "UNSAFE_DIRECT_BIT33_TRANSLATING")),
    ("direct", lambda o33, x, r, sec, i, dp: o33, ("applied", "DIRECT", "DMA_DIRECT", "RULE_DIRECT", 0, 0, 0)),
    ("direct", lambda o33, x, r, sec, i, dp: not o33 and r, ("unsafe", "RESTRICTED_MEM")),
    ("direct", lambda o33, x, r, sec, i, dp: not o33 and x, ("unsafe", "UNSAFE_XEN")),
    ("direct", lambda o33, x, r, sec, i, dp: not o33 and i == T and dp,
     ("applied", "DIRECT", "DMA_DIRECT", "RULE_DIRECT", 1, 0, 1)),
    ("direct", lambda o33, x, r, sec, i, dp: not o33 and i == T and not dp, ("unsafe", "UNSAFE_NO_DIRECT_PATH")),
    ("direct", lambda o33, x, r, sec, i, dp: not o33, ("applied", "DIRECT", "DMA_DIRECT", "RULE_DIRECT", 1, 0, 0)),
    ("physical", lambda o33, x, r, sec, i, dp: r, ("unsafe", "UNSAFE_PHYSICAL_RESTRICTED")),
    ("physical", lambda o33, x, r, sec, i, dp: x, ("unsafe", "UNSAFE_XEN")),
    ("physical", lambda o33, x, r, sec, i, dp: sec, ("unsafe", "UNSAFE_PHYSICAL_SECURE")),
    ("physical", lambda o33, x, r, sec, i, dp: o33 and i == T, ("unsafe", "UNSAFE_PHYSICAL_BIT33_TRANSLATING")),
    ("physical", lambda o33, x, r, sec, i, dp: True, ("applied", "PHYSICAL", "PHYSICAL", "RULE_PHYSICAL", 0, 1, 0)),
    ("auto", lambda o33, x, r, sec, i, dp: True, ("applied", "AUTO", STOCK, "RULE_AUTO", 0, 0, 0)),
]

ENVS = [  # name, o32, xen, restricted, secure
    ("plain", 1, 0, 0, 0),
    ("xen", 1, 1, 0, 0),
    ("restricted", 1, 0, 1, 0),
    ("restricted-legacy", 0, 0, 1, 0),
    ("xen+restricted", 1, 1, 1, 0),
    ("secure", 1, 0, 0, 1),
    ("secure+restricted", 1, 0, 1, 1),
]
IOMMUS = ["NONE", "IDENTITY", "TRANSLATING"]
ACTIONS = [(None, None), ("auto", None), ("refuse", None),
           ("dma", "STOCK"), ("dma", "REFUSE"), ("direct", "STOCK"), ("direct", "REFUSE"),
           ("physical", "STOCK"), ("physical", "REFUSE")]


def first_row(action, o33, xen, restricted, secure, iommu, dp):
    i = T if iommu == "TRANSLATING" else iommu.lower()
    for a, pred, outcome in README_ROWS:
        if a == action and pred(o33, xen, restricted, secure, i, dp):
            return outcome
    raise SystemExit("no README row for %r" % ((action, o33, xen, restricted, secure, iommu, dp),))


rows = []
for env, o32, xen, restricted, secure in ENVS:
    for iommu in IOMMUS:
        for dp in (0, 1):
            for o33 in (0, 1):
                for action, fallback in ACTIONS:
                    # stock decision (no rule)
                    stock_path = ("DMA_IOMMU" if iommu == "TRANSLATING" else "DMA_DIRECT") \
                        if (o33 or xen) else "PHYSICAL"
                    stock_refused = restricted and not (o32 and o33)
                    out = first_row(action, o33, xen, restricted, secure, iommu, dp)
                    set33 = hide33 = clear33 = clear34 = install = 0
                    rule_refusal = 0
                    err = 0
                    kind = out[0]
                    if kind == "stock":
                        verdict, path, reason = "AUTO", stock_path, out[1]
                    elif kind == "refuse":
                        verdict, path, reason, err, rule_refusal = "REFUSE", "NONE", out[1], -19, 1
                    elif kind == "applied":
                        _, verdict, path, reason, add33, clear33, install = out
                        if path == STOCK:
                            path = stock_path
                        set33 = hide33 = add33
                        clear33 = clear33 and o33  # "physical on O33 withholds bit 33"
                        clear34 = 1  # the rule's clear=34+35; 35 is never offered
                    else:  # unsafe
                        if fallback == "REFUSE":
                            verdict, path, reason, err, rule_refusal = "REFUSE", "NONE", out[1], -19, 1
                        else:
                            verdict, path, reason = "NOT_APPLIED", stock_path, out[1]
                    # restricted-memory overlay: final driver view lacks 32 or 33
                    if verdict != "REFUSE" and restricted:
                        v33 = (o33 and not clear33) or set33
                        if not (o32 and v33):
                            verdict, path, reason, err = "REFUSE", "NONE", "RESTRICTED_MEM", -19
                    edits = 1 if (set33 or hide33 or clear33 or clear34 or install or rule_refusal) else 0
                    name = "%s/%s/%s/O33=%d/iommu=%s/dp=%d" % (
                        "norule" if action is None else action,
                        "-" if fallback is None else "else=" + fallback.lower(),
                        env, o33, iommu.lower(), dp)
                    rows.append((name, 0 if action is None else 1,
                                 "VDP_ACTION_" + (action or "auto").upper(),
                                 "VDP_FALLBACK_" + (fallback or "STOCK"),
                                 o33, o32, xen, restricted, secure, "VDP_IOMMU_" + iommu, dp,
                                 "VDP_VERDICT_" + verdict, "VDP_PATH_" + path, "VDP_REASON_" + reason,
                                 err, set33, hide33, clear33, clear34, install, edits,
                                 "VDP_PATH_" + ("NONE" if stock_refused else stock_path),
                                 -19 if stock_refused else 0))

o = ["/* SPDX-License-Identifier: GPL-2.0 */",
     "/*",
     " * Decision and safety table: every action x else= x IOMMU x direct path x",
     " * O33 x environment (plain, Xen, restricted memory, restricted memory with",
     " * a legacy device, Xen with restricted memory, secure guest, secure guest",
     " * with restricted memory).",
     " * GENERATED by tests/cases/gen_safety_cases.py from the README table.",
     " * Fields: name, has_rule, action, fallback, o33, o32, xen, restricted, secure, iommu,",
     " * direct_path | verdict, path, reason, err, set33, hide33, clear33, clear34,",
     " * install, edits | stock path, stock err.",
     " */",
     "#ifndef VDP_SAFETY_CASES_H",
     "#define VDP_SAFETY_CASES_H",
     "",
     '#include "vdp_case_types.h"',
     "",
     "static const struct vdp_safety_case vdp_safety_cases[] = {"]
for r in rows:
    o.append('\t{ "%s", %d, %s, %s, %d, %d, %d, %d, %d, %s, %d,\n\t  %s, %s, %s, %d, %d, %d, %d, %d, %d, %d, %s, %d },' % r)
o += ["};", "#define VDP_SAFETY_CASES_COUNT VDP_CASES_COUNT(vdp_safety_cases)", "",
      "#endif /* VDP_SAFETY_CASES_H */", ""]
sys.stdout.write("\n".join(o))

#!/usr/bin/env python3
"""Generate tests/cases/safety_cases.h from the README decision/safety table.

README_ROWS below transcribes README.md "Decision and safety table" row by
row (first applicable row wins, in the order given, the restricted-memory
overlay is applied last as README says it is never overridden).  The script
expands every action (direct also with restricted=bounce) x else= x iommu
{none, identity, translating} x direct_path {0,1} x O33 {0,1} x environment
and asserts that exactly the intended rows apply.  It does not use the C++
core.
"""
import sys

T = "translating"


class Env:
    """One combination of facts: e.o33, e.o32 (VERSION_1), e.xen, e.r
    (restricted memory), e.sec (secure guest), e.i (iommu: none, identity,
    translating), e.dp (direct path), e.swt (mappings forced through
    SWIOTLB), e.nobounce (a device type of the core's no-bounce table),
    e.shm (a shared-memory region), e.bnc (the rule opts in:
    restricted=bounce)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


# (action, predicate(env), outcome)
# outcome: ("applied", verdict, path, reason, add33, clear33, install)
#          ("unsafe", reason) / ("refuse", reason) / ("stock", reason)
STOCK = "stock"
README_ROWS = [
    (None, lambda e: e.o33, ("stock", "STOCK_ACCESS_PLATFORM")),
    (None, lambda e: not e.o33 and e.xen, ("stock", "STOCK_XEN")),
    (None, lambda e: not e.o33, ("stock", "STOCK_QUIRK")),
    ("refuse", lambda e: True, ("refuse", "RULE_REFUSE")),
    ("dma", lambda e: e.o33, ("applied", "DMA", STOCK, "RULE_DMA", 0, 0, 0)),
    # "dma/direct | !O33, restricted-memory guest | refuse | restricted-memory":
    # bit 33 is never faked past upstream's check -> not applicable here
    ("dma", lambda e: not e.o33 and e.r, ("unsafe", "RESTRICTED_MEM")),
    ("dma", lambda e: e.xen, ("applied", "DMA", STOCK, "RULE_DMA", 0, 0, 0)),
    ("dma", lambda e: not e.o33 and e.i == T, ("unsafe", "UNSAFE_TRANSLATING_NO_BIT33")),
    ("dma", lambda e: not e.o33, ("applied", "DMA", "DMA_DIRECT", "RULE_DMA", 1, 0, 0)),
    # "direct,restricted=bounce" in a restricted-memory guest, before the
    # other direct rows
    ("direct", lambda e: e.bnc and e.r and not e.o32, ("unsafe", "BOUNCE_LEGACY")),
    ("direct", lambda e: e.bnc and e.r and not e.o33 and e.nobounce, ("unsafe", "BOUNCE_DEVICE_TYPE")),
    ("direct", lambda e: e.bnc and e.r and not e.o33 and e.shm, ("unsafe", "BOUNCE_SHM_REGION")),
    ("direct", lambda e: e.bnc and e.r and not e.o33 and e.xen, ("unsafe", "UNSAFE_XEN")),
    ("direct", lambda e: e.bnc and e.r and not e.o33 and not e.swt, ("unsafe", "BOUNCE_NO_SWIOTLB")),
    ("direct", lambda e: e.bnc and e.r and not e.o33 and e.i == T and e.dp,
     ("applied", "DIRECT", "DMA_DIRECT", "RESTRICTED_BOUNCE", 1, 0, 1)),
    ("direct", lambda e: e.bnc and e.r and not e.o33 and e.i == T, ("unsafe", "UNSAFE_NO_DIRECT_PATH")),
    ("direct", lambda e: e.bnc and e.r and not e.o33,
     ("applied", "DIRECT", "DMA_DIRECT", "RESTRICTED_BOUNCE", 1, 0, 0)),
    ("direct", lambda e: e.o33 and e.i == T, ("unsafe", "UNSAFE_DIRECT_BIT33_TRANSLATING")),
    ("direct", lambda e: e.o33, ("applied", "DIRECT", "DMA_DIRECT", "RULE_DIRECT", 0, 0, 0)),
    ("direct", lambda e: not e.o33 and e.r, ("unsafe", "RESTRICTED_MEM")),
    ("direct", lambda e: not e.o33 and e.xen, ("unsafe", "UNSAFE_XEN")),
    ("direct", lambda e: not e.o33 and e.i == T and e.dp,
     ("applied", "DIRECT", "DMA_DIRECT", "RULE_DIRECT", 1, 0, 1)),
    ("direct", lambda e: not e.o33 and e.i == T and not e.dp, ("unsafe", "UNSAFE_NO_DIRECT_PATH")),
    ("direct", lambda e: not e.o33, ("applied", "DIRECT", "DMA_DIRECT", "RULE_DIRECT", 1, 0, 0)),
    ("physical", lambda e: e.r, ("unsafe", "UNSAFE_PHYSICAL_RESTRICTED")),
    ("physical", lambda e: e.xen, ("unsafe", "UNSAFE_XEN")),
    ("physical", lambda e: e.sec, ("unsafe", "UNSAFE_PHYSICAL_SECURE")),
    ("physical", lambda e: e.o33 and e.i == T, ("unsafe", "UNSAFE_PHYSICAL_BIT33_TRANSLATING")),
    ("physical", lambda e: True, ("applied", "PHYSICAL", "PHYSICAL", "RULE_PHYSICAL", 0, 1, 0)),
    ("auto", lambda e: True, ("applied", "AUTO", STOCK, "RULE_AUTO", 0, 0, 0)),
]

# The README's no-bounce device types (virtio ids): balloon, iommu, mem, pmem.
NO_BOUNCE = {5, 23, 24, 27}

ENVS = [  # name, o32, xen, restricted, secure, swiotlb, device id, shm
    ("plain", 1, 0, 0, 0, 0, 2, 0),
    ("xen", 1, 1, 0, 0, 0, 2, 0),
    ("restricted", 1, 0, 1, 0, 0, 2, 0),
    ("restricted-legacy", 0, 0, 1, 0, 0, 2, 0),
    ("xen+restricted", 1, 1, 1, 0, 0, 2, 0),
    ("secure", 1, 0, 0, 1, 0, 2, 0),
    ("secure+restricted", 1, 0, 1, 1, 0, 2, 0),
    ("swiotlb", 1, 0, 0, 0, 1, 2, 0),
    ("restricted+swiotlb", 1, 0, 1, 0, 1, 2, 0),
    ("restricted-legacy+swiotlb", 0, 0, 1, 0, 1, 2, 0),
    ("restricted+swiotlb+balloon", 1, 0, 1, 0, 1, 5, 0),
    ("restricted+swiotlb+fs-dax", 1, 0, 1, 0, 1, 26, 1),
    ("xen+restricted+swiotlb", 1, 1, 1, 0, 1, 2, 0),
]
IOMMUS = ["NONE", "IDENTITY", "TRANSLATING"]
ACTIONS = [(None, None, 0), ("auto", None, 0), ("refuse", None, 0),
           ("dma", "STOCK", 0), ("dma", "REFUSE", 0), ("direct", "STOCK", 0), ("direct", "REFUSE", 0),
           ("direct", "STOCK", 1), ("direct", "REFUSE", 1),
           ("physical", "STOCK", 0), ("physical", "REFUSE", 0)]


def first_row(action, e):
    for a, pred, outcome in README_ROWS:
        if a == action and pred(e):
            return outcome
    raise SystemExit("no README row for %r %r" % (action, e.__dict__))


rows = []
for env, o32, xen, restricted, secure, swiotlb, dev_id, shm in ENVS:
    for iommu in IOMMUS:
        for dp in (0, 1):
            for o33 in (0, 1):
                for action, fallback, bounce in ACTIONS:
                    e = Env(o33=o33, o32=o32, xen=xen, r=restricted, sec=secure,
                            i=T if iommu == "TRANSLATING" else iommu.lower(), dp=dp,
                            swt=swiotlb, nobounce=dev_id in NO_BOUNCE, shm=shm, bnc=bounce)
                    # stock decision (no rule)
                    stock_path = ("DMA_IOMMU" if iommu == "TRANSLATING" else "DMA_DIRECT") \
                        if (o33 or xen) else "PHYSICAL"
                    stock_refused = restricted and not (o32 and o33)
                    out = first_row(action, e)
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
                    # restricted-memory overlay: final driver view lacks 32 or 33;
                    # a restricted=bounce rule not applied keeps its reason
                    if verdict != "REFUSE" and restricted:
                        v33 = (o33 and not clear33) or set33
                        if not (o32 and v33):
                            if not (bounce and verdict == "NOT_APPLIED"):
                                reason = "RESTRICTED_MEM"
                            verdict, path, err = "REFUSE", "NONE", -19
                    edits = 1 if (set33 or hide33 or clear33 or clear34 or install or rule_refusal) else 0
                    name = "%s%s/%s/%s/O33=%d/iommu=%s/dp=%d" % (
                        "norule" if action is None else action,
                        ",bounce" if bounce else "",
                        "-" if fallback is None else "else=" + fallback.lower(),
                        env, o33, iommu.lower(), dp)
                    rows.append((name, 0 if action is None else 1,
                                 "VDP_ACTION_" + (action or "auto").upper(),
                                 "VDP_FALLBACK_" + (fallback or "STOCK"), bounce,
                                 o33, o32, xen, restricted, secure, swiotlb, dev_id, shm,
                                 "VDP_IOMMU_" + iommu, dp,
                                 "VDP_VERDICT_" + verdict, "VDP_PATH_" + path, "VDP_REASON_" + reason,
                                 err, set33, hide33, clear33, clear34, install, edits,
                                 "VDP_PATH_" + ("NONE" if stock_refused else stock_path),
                                 -19 if stock_refused else 0))

o = ["/* SPDX-License-Identifier: GPL-2.0 */",
     "/*",
     " * Decision and safety table: every action (direct with and without",
     " * restricted=bounce) x else= x IOMMU x direct path x O33 x environment",
     " * (plain, Xen, restricted memory, restricted memory with a legacy device,",
     " * Xen with restricted memory, secure guest, secure guest with restricted",
     " * memory; with mappings forced through SWIOTLB: plain, restricted memory,",
     " * a legacy device, a balloon, virtio-fs with a DAX window, Xen).",
     " * GENERATED by tests/cases/gen_safety_cases.py from the README table.",
     " * Fields: name, has_rule, action, fallback, bounce, o33, o32, xen, restricted,",
     " * secure, swiotlb, device_id, shm, iommu, direct_path | verdict, path, reason,",
     " * err, set33, hide33, clear33, clear34, install, edits | stock path, stock err.",
     " */",
     "#ifndef VDP_SAFETY_CASES_H",
     "#define VDP_SAFETY_CASES_H",
     "",
     '#include "vdp_case_types.h"',
     "",
     "static const struct vdp_safety_case vdp_safety_cases[] = {"]
for r in rows:
    o.append('\t{ "%s", %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %d,\n'
             '\t  %s, %s, %s, %d, %d, %d, %d, %d, %d, %d, %s, %d },' % r)
o += ["};", "#define VDP_SAFETY_CASES_COUNT VDP_CASES_COUNT(vdp_safety_cases)", "",
      "#endif /* VDP_SAFETY_CASES_H */", ""]
sys.stdout.write("\n".join(o))

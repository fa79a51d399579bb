#!/usr/bin/env python3
"""Generate tests/cases/safety_cases.h from README.md's decision table.

  gen_safety_cases.py [README.md]

The README's "Decision and safety table" is read by readme_table.py (the
reader scripts/vdp-policy.d/check_readme.py uses too), never transcribed:
for every action (direct also with restricted=bounce) x else= x iommu
{none, identity, translating} x direct_path {0,1} x O33 {0,1} x
environment, the case holds what the README's rows say, and the edits the
README's reading rules imply.  It does not use the C++ core: the host and
KUnit tests compare the core with these cases.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import readme_table  # noqa: E402

README = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")
TABLE = readme_table.Table(open(README, encoding="utf-8").read())
if TABLE.problems:
    raise SystemExit("README decision table: " + "; ".join(TABLE.problems))

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




def c_name(prefix, token):
    return prefix + token.upper().replace("-", "_")


# A reason's enum name by its token, from the one list (VDP_REASONS).
HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include",
                      "virtio_dma_policy.h")
REASON = {tok: name for name, tok in re.findall(
    r'X\((\w+), \w+, \d+,\s*(?:\\\s*)?"([a-z0-9-]+)"', open(HEADER).read())}

rows = []
for env, o32, xen, restricted, secure, swiotlb, dev_id, shm in ENVS:
    for iommu in IOMMUS:
        for dp in (0, 1):
            for o33 in (0, 1):
                for action, fallback, bounce in ACTIONS:
                    s = {"action": "-" if action is None else action + ("+bounce" if bounce else ""),
                         "else": (fallback or "STOCK").lower(), "o33": o33, "v1": o32,
                         "xen": xen, "restricted": restricted, "secure": secure,
                         "iommu": iommu.lower(), "dp": dp, "swiotlb": swiotlb,
                         "kind": "shm" if shm else "no-bounce" if dev_id in NO_BOUNCE else "none"}
                    d = TABLE.decide(s)
                    if d is None:
                        raise SystemExit("no README row for %r" % s)
                    stock = readme_table.stock_path(s)
                    refused = readme_table.stock_refused(s)
                    edits = d["edits"] if d["applied"] else set()
                    set33 = hide33 = int("+33" in edits)
                    clear33 = int("-33" in edits)
                    clear34 = int(d["applied"])  # the rule's clear=34+35; 35 is never offered
                    install = int("install" in edits)
                    any_edit = int(bool(edits) or clear34 or d["rule_refusal"])
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
                                 c_name("VDP_VERDICT_", d["verdict"]),
                                 c_name("VDP_PATH_", d["path"].replace("dma-api-", "dma-")),
                                 "VDP_REASON_" + REASON[d["reason"]],
                                 d["err"], set33, hide33, clear33, clear34, install, any_edit,
                                 "VDP_PATH_" + ("NONE" if refused else
                                                stock.upper().replace("DMA-API-", "DMA_")),
                                 -19 if refused else 0))

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

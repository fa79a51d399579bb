/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser cases, from README.md "Rule grammar" and the printer's canonical
 * order (id, vendor, transport, pci, subsys, bus, name, has, lacks,
 * platform, arch, action, clear, else, restricted, builtin; else= only when
 * refuse).
 * Offsets are byte offsets of the offending token's first character:
 * a key for key errors, a value (or the list element) for value errors,
 * the ';' next to an empty rule, the start of a rule without action=.
 */
#ifndef VDP_PARSE_CASES_H
#define VDP_PARSE_CASES_H

#include "vdp_case_types.h"

static const struct vdp_parse_ok_case vdp_parse_ok_cases[] = {
	{ "", "", 0 },
	{ "\n", "", 0 },
	{ "action=dma", "action=dma", 1 },
	{ "action=dma\n", "action=dma", 1 },
	/* README examples */
	{ "bus=0000:00:05.0,action=direct", "bus=0000:00:05.0,action=direct", 1 },
	{ "id=block,lacks=32,action=physical,clear=34", "id=block,lacks=32,action=physical,clear=34", 1 },
	{ "id=net,pci=1af4:*,lacks=33,action=refuse;platform=pseries,lacks=33,action=direct",
	  "id=net,pci=1af4:*,lacks=33,action=refuse;lacks=33,platform=pseries,action=direct", 2 },
	{ "lacks=33,platform=pseries+secure,action=direct,builtin",
	  "lacks=33,platform=pseries+secure,action=direct,builtin", 1 },
	/* canonical order and spelling */
	{ "action=dma,id=2", "id=block,action=dma", 1 },
	{ "id=0x2,action=auto", "id=block,action=auto", 1 },
	{ "id=007,action=auto", "id=7,action=auto", 1 },
	{ "id=0,action=dma", "id=0,action=dma", 1 },
	{ "id=65535,action=auto", "id=65535,action=auto", 1 },
	{ "id=9p,action=refuse", "id=9p,action=refuse", 1 },
	{ "id=26,action=dma", "id=fs,action=dma", 1 },
	{ "id=pmem,action=dma", "id=pmem,action=dma", 1 },
	{ "vendor=6900,action=dma", "vendor=0x1af4,action=dma", 1 },
	{ "vendor=0xFFFFFFFF,action=dma", "vendor=0xffffffff,action=dma", 1 },
	{ "vendor=0,action=dma", "vendor=0x0,action=dma", 1 },
	{ "transport=pci-legacy,action=physical", "transport=pci-legacy,action=physical", 1 },
	{ "transport=ccw,action=auto", "transport=ccw,action=auto", 1 },
	{ "pci=1AF4:1042,action=dma", "pci=1af4:1042,action=dma", 1 },
	{ "pci=*:*,action=dma", "pci=*:*,action=dma", 1 },
	{ "subsys=1:2,action=dma", "subsys=0001:0002,action=dma", 1 },
	{ "has=34+1+0x20,action=dma", "has=1+32+34,action=dma", 1 },
	{ "has=5+5,action=dma", "has=5,action=dma", 1 },
	{ "lacks=127,action=dma", "lacks=127,action=dma", 1 },
	{ "has=0x7f+64+0,action=dma", "has=0+64+127,action=dma", 1 },
	{ "platform=swiotlb+xen+secure,action=dma", "platform=xen+secure+swiotlb,action=dma", 1 },
	{ "platform=restricted+pseries,action=dma", "platform=restricted+pseries,action=dma", 1 },
	{ "arch=sparc64,action=direct,else=refuse", "arch=sparc64,action=direct,else=refuse", 1 },
	{ "arch=um,action=physical,else=auto", "arch=um,action=physical", 1 },
	{ "action=dma,else=auto", "action=dma", 1 },
	{ "builtin,action=direct,lacks=33,platform=pseries+secure",
	  "lacks=33,platform=pseries+secure,action=direct,builtin", 1 },
	{ "name=virtio*,action=dma", "name=virtio*,action=dma", 1 },
	{ "bus=*,action=dma", "bus=*,action=dma", 1 },
	{ "bus=a000000.virtio_mmio,action=dma", "bus=a000000.virtio_mmio,action=dma", 1 },
	{ "name=abcdefghijklmnopqrstuvwxyz12345,action=dma",
	  "name=abcdefghijklmnopqrstuvwxyz12345,action=dma", 1 },
	{ "name=abcdefghijklmnopqrstuvwxyz1234*,action=dma",
	  "name=abcdefghijklmnopqrstuvwxyz1234*,action=dma", 1 },
	{ "action=auto,clear=34", "action=auto,clear=34", 1 },
	{ "clear=40+0+127,action=physical", "action=physical,clear=0+40+127", 1 },
	{ "id=1,action=dma;id=2,action=direct;action=auto",
	  "id=net,action=dma;id=block,action=direct;action=auto", 3 },
	{ "builtin,else=refuse,clear=40+34,action=dma,arch=x86_64,platform=restricted,lacks=33,"
	  "has=32,name=virtio3,bus=0000:00:04.0,subsys=1af4:1100,pci=1af4:1042,transport=pci,"
	  "vendor=0x1af4,id=net",
	  "id=net,vendor=0x1af4,transport=pci,pci=1af4:1042,subsys=1af4:1100,bus=0000:00:04.0,"
	  "name=virtio3,has=32,lacks=33,platform=restricted,arch=x86_64,action=dma,clear=34+40,"
	  "else=refuse,builtin", 1 },
	/* the restricted-memory opt-in: direct only, printed after else= */
	{ "id=block,action=direct,restricted=bounce", "id=block,action=direct,restricted=bounce", 1 },
	{ "restricted=bounce,else=refuse,action=direct,lacks=33",
	  "lacks=33,action=direct,else=refuse,restricted=bounce", 1 },
	{ "platform=restricted,action=direct,restricted=bounce;action=auto",
	  "platform=restricted,action=direct,restricted=bounce;action=auto", 2 },
};
#define VDP_PARSE_OK_CASES_COUNT VDP_CASES_COUNT(vdp_parse_ok_cases)

static const struct vdp_parse_err_case vdp_parse_err_cases[] = {
	/* BAD_CHAR: whitespace anywhere except one final newline */
	{ " action=dma", VDP_PARSE_BAD_CHAR, 0, "whitespace" },
	{ "action=dma ", VDP_PARSE_BAD_CHAR, 10, "whitespace" },
	{ "action=dma\n\n", VDP_PARSE_BAD_CHAR, 10, "whitespace" },
	{ "id=1,\taction=dma", VDP_PARSE_BAD_CHAR, 5, "whitespace" },
	{ "action=dma\r\n", VDP_PARSE_BAD_CHAR, 10, "0x0d" },
	{ "action=dma\nid=1,action=dma", VDP_PARSE_BAD_CHAR, 10, "whitespace" },
	{ "action=dma\x01", VDP_PARSE_BAD_CHAR, 10, "0x01" },
	{ "action=dma\xff", VDP_PARSE_BAD_CHAR, 10, "0xff" },
	/* EMPTY_RULE */
	{ ";", VDP_PARSE_EMPTY_RULE, 0, "empty rule" },
	{ ";action=dma", VDP_PARSE_EMPTY_RULE, 0, "empty rule" },
	{ "action=dma;", VDP_PARSE_EMPTY_RULE, 10, "empty rule" },
	{ "action=dma;\n", VDP_PARSE_EMPTY_RULE, 10, "empty rule" },
	{ "action=dma;;action=dma", VDP_PARSE_EMPTY_RULE, 11, "empty rule" },
	/* UNKNOWN_KEY */
	{ "idd=1,action=dma", VDP_PARSE_UNKNOWN_KEY, 0, "unknown key 'idd'" },
	{ "action=dma,foo", VDP_PARSE_UNKNOWN_KEY, 11, "unknown key 'foo'" },
	{ "ACTION=dma", VDP_PARSE_UNKNOWN_KEY, 0, "unknown key 'ACTION'" },
	{ "id=1,,action=dma", VDP_PARSE_UNKNOWN_KEY, 5, "empty term" },
	{ "action=dma,", VDP_PARSE_UNKNOWN_KEY, 10, "empty term" },
	{ ",action=dma", VDP_PARSE_UNKNOWN_KEY, 0, "empty term" },
	{ "=1,action=dma", VDP_PARSE_UNKNOWN_KEY, 0, "empty key" },
	/* MISSING_VALUE */
	{ "id,action=dma", VDP_PARSE_MISSING_VALUE, 0, "missing value for 'id'" },
	{ "id=,action=dma", VDP_PARSE_MISSING_VALUE, 0, "missing value for 'id'" },
	{ "action=", VDP_PARSE_MISSING_VALUE, 0, "missing value for 'action'" },
	{ "action", VDP_PARSE_MISSING_VALUE, 0, "missing value for 'action'" },
	{ "action=dma,has=", VDP_PARSE_MISSING_VALUE, 11, "'has'" },
	/* BAD_VALUE */
	{ "id=foo,action=dma", VDP_PARSE_BAD_VALUE, 3, "bad value 'foo' for 'id'" },
	{ "id=-1,action=dma", VDP_PARSE_BAD_VALUE, 3, "'id'" },
	{ "vendor=0x,action=dma", VDP_PARSE_BAD_VALUE, 7, "'vendor'" },
	{ "vendor=-1,action=dma", VDP_PARSE_BAD_VALUE, 7, "'vendor'" },
	{ "vendor=12ab,action=dma", VDP_PARSE_BAD_VALUE, 7, "'vendor'" },
	{ "action=maybe", VDP_PARSE_BAD_VALUE, 7, "bad value 'maybe' for 'action'" },
	{ "action=DMA", VDP_PARSE_BAD_VALUE, 7, "'action'" },
	{ "else=never,action=dma", VDP_PARSE_BAD_VALUE, 5, "'else'" },
	{ "else=stock,action=dma", VDP_PARSE_BAD_VALUE, 5, "'else'" },
	{ "transport=usb,action=dma", VDP_PARSE_BAD_VALUE, 10, "'transport'" },
	{ "arch=x86,action=dma", VDP_PARSE_BAD_VALUE, 5, "'arch'" },
	{ "builtin=1,action=dma", VDP_PARSE_BAD_VALUE, 7, "builtin" },
	{ "platform=xen+kvm,action=dma", VDP_PARSE_BAD_VALUE, 13, "unknown platform flag 'kvm'" },
	{ "platform=xen+,action=dma", VDP_PARSE_BAD_VALUE, 12, "platform flag" },
	{ "platform=xen++secure,action=dma", VDP_PARSE_BAD_VALUE, 13, "platform flag" },
	{ "has=1++2,action=dma", VDP_PARSE_BAD_VALUE, 6, "'has'" },
	{ "has=1+,action=dma", VDP_PARSE_BAD_VALUE, 5, "'has'" },
	{ "lacks=+1,action=dma", VDP_PARSE_BAD_VALUE, 6, "'lacks'" },
	{ "has=1+x,action=dma", VDP_PARSE_BAD_VALUE, 6, "'has'" },
	{ "pci=1af4,action=dma", VDP_PARSE_BAD_VALUE, 4, "VVVV:DDDD" },
	{ "pci=1af4:1042:1,action=dma", VDP_PARSE_BAD_VALUE, 4, "VVVV:DDDD" },
	{ "pci=1af4:,action=dma", VDP_PARSE_BAD_VALUE, 8, "empty half in 'pci'" },
	{ "action=dma,pci=1af4:", VDP_PARSE_BAD_VALUE, 19, "empty half in 'pci'" },
	{ ":1,action=dma", VDP_PARSE_UNKNOWN_KEY, 0, "unknown key ':1'" },
	{ "pci=:1,action=dma", VDP_PARSE_BAD_VALUE, 4, "empty half in 'pci'" },
	{ "pci=g:1,action=dma", VDP_PARSE_BAD_VALUE, 4, "'pci'" },
	{ "pci=*:0x1,action=dma", VDP_PARSE_BAD_VALUE, 6, "'pci'" },
	{ "pci=**:1,action=dma", VDP_PARSE_BAD_VALUE, 4, "'pci'" },
	{ "subsys=*:x,action=dma", VDP_PARSE_BAD_VALUE, 9, "'subsys'" },
	{ "bus=0000:00:04.0/,action=dma", VDP_PARSE_BAD_VALUE, 16, "'bus'" },
	{ "name=vir*tio,action=dma", VDP_PARSE_BAD_VALUE, 8, "'name'" },
	{ "name=virtio**,action=dma", VDP_PARSE_BAD_VALUE, 11, "'name'" },
	{ "name=a=b,action=dma", VDP_PARSE_BAD_VALUE, 6, "'name'" },
	/* OUT_OF_RANGE */
	{ "id=70000,action=dma", VDP_PARSE_OUT_OF_RANGE, 3, "value 70000 out of range for 'id' (0..65535)" },
	{ "id=65536,action=dma", VDP_PARSE_OUT_OF_RANGE, 3, "'id'" },
	{ "id=0x10000,action=dma", VDP_PARSE_OUT_OF_RANGE, 3, "'id'" },
	{ "vendor=0x100000000,action=dma", VDP_PARSE_OUT_OF_RANGE, 7, "'vendor'" },
	{ "vendor=4294967296,action=dma", VDP_PARSE_OUT_OF_RANGE, 7, "'vendor'" },
	{ "vendor=99999999999999999999999999,action=dma", VDP_PARSE_OUT_OF_RANGE, 7, "'vendor'" },
	{ "has=128,action=dma", VDP_PARSE_OUT_OF_RANGE, 4, "0..127" },
	{ "has=1+200,action=dma", VDP_PARSE_OUT_OF_RANGE, 6, "0..127" },
	{ "clear=0x80,action=dma", VDP_PARSE_OUT_OF_RANGE, 6, "0..127" },
	{ "pci=12345:1,action=dma", VDP_PARSE_OUT_OF_RANGE, 4, "'pci'" },
	{ "subsys=1:00001,action=dma", VDP_PARSE_OUT_OF_RANGE, 9, "'subsys'" },
	{ "name=abcdefghijklmnopqrstuvwxyz123456,action=dma", VDP_PARSE_OUT_OF_RANGE, 5, "31" },
	{ "bus=abcdefghijklmnopqrstuvwxyz12345*,action=dma", VDP_PARSE_OUT_OF_RANGE, 4, "31" },
	/* DUPLICATE_KEY */
	{ "id=1,id=2,action=dma", VDP_PARSE_DUPLICATE_KEY, 5, "duplicate key 'id'" },
	{ "builtin,builtin,action=dma", VDP_PARSE_DUPLICATE_KEY, 8, "'builtin'" },
	{ "action=dma,action=auto", VDP_PARSE_DUPLICATE_KEY, 11, "'action'" },
	{ "id=net,action=dma,else=refuse,else=auto", VDP_PARSE_DUPLICATE_KEY, 30, "'else'" },
	{ "action=dma;has=1,has=1,action=dma", VDP_PARSE_DUPLICATE_KEY, 17, "'has'" },
	/* CONFLICT */
	{ "clear=33,action=dma", VDP_PARSE_CONFLICT, 6, "bit 33 is controlled by action=" },
	{ "clear=1+0x21,action=dma", VDP_PARSE_CONFLICT, 8, "bit 33" },
	{ "has=1+2,lacks=2,action=dma", VDP_PARSE_CONFLICT, 14, "bit 2" },
	{ "lacks=5,has=5,action=dma", VDP_PARSE_CONFLICT, 12, "bit 5" },
	{ "action=auto,else=refuse", VDP_PARSE_CONFLICT, 12, "else=" },
	{ "else=refuse,action=refuse", VDP_PARSE_CONFLICT, 0, "else=" },
	{ "else=auto,action=auto", VDP_PARSE_CONFLICT, 0, "else=" },
	{ "action=dma,restricted=bounce", VDP_PARSE_CONFLICT, 11,
	  "restricted=bounce needs action=direct, not action=dma" },
	{ "restricted=bounce,action=physical", VDP_PARSE_CONFLICT, 0, "not action=physical" },
	{ "id=2,restricted=bounce,action=auto", VDP_PARSE_CONFLICT, 5, "not action=auto" },
	{ "action=direct,restricted=yes", VDP_PARSE_BAD_VALUE, 25, "bad value 'yes' for 'restricted'" },
	{ "action=direct,restricted=", VDP_PARSE_MISSING_VALUE, 14, "'restricted'" },
	{ "action=direct,restricted=bounce,restricted=bounce", VDP_PARSE_DUPLICATE_KEY, 32,
	  "duplicate key 'restricted'" },
	{ "action=direct,restricted", VDP_PARSE_MISSING_VALUE, 14, "'restricted'" },
	/* NO_ACTION: offset = start of that rule; checked when the rule ends */
	{ "id=1", VDP_PARSE_NO_ACTION, 0, "action=" },
	{ "builtin", VDP_PARSE_NO_ACTION, 0, "action=" },
	{ "action=dma;id=1", VDP_PARSE_NO_ACTION, 11, "action=" },
	{ "id=1;", VDP_PARSE_NO_ACTION, 0, "action=" },
	{ "action=dma;id=1,else=refuse", VDP_PARSE_NO_ACTION, 11, "action=" },
};
#define VDP_PARSE_ERR_CASES_COUNT VDP_CASES_COUNT(vdp_parse_err_cases)

#endif /* VDP_PARSE_CASES_H */

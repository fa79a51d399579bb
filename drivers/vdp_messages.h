/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_dma_policy: the kernel messages that vdp-policy prints too
 * (`lint` the rules errors, `decide` the decision line), one format each.
 * Plain C string macros: included by the glue and by
 * scripts/vdp-policy.d/vdp-policy.cpp, so both print the same text and
 * the compilers check the arguments of both against it.
 */
#ifndef VDP_MESSAGES_H
#define VDP_MESSAGES_H

/* pr_fmt of the glue: KBUILD_MODNAME ": " */
#define VDP_MSG_PREFIX "virtio_dma_policy: "

/* vdp_rules.c: a rules text is refused; nothing changes */
#define VDP_MSG_RULES_TOO_LONG \
	"rules: %zu bytes, at most %d allowed; rules unchanged\n"
#define VDP_MSG_RULES_PARSE \
	"rules: %s at offset %u (rule %u): %s, near \"%.*s\"; rules unchanged\n"
#define VDP_MSG_RULES_NO_ROOM \
	"rules: %u rules leave no room for the built-in rules (pseries_bounce=%u); rules unchanged\n"

/* vdp_hook.c: one line per decision, on the virtio device */
#define VDP_MSG_DECISION \
	"dma policy: decision=%s%s path=%s reason=%s rule=%s parent=%s\n"

#endif /* VDP_MESSAGES_H */

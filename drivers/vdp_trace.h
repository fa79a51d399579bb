/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_dma_policy: the virtio_dma_policy:decision tracepoint, one event
 * per decision (the same fields as the dev_info line, and the offered
 * features: bits 0..63 and, for 7.x, 64..127):
 *
 *   echo 1 > /sys/kernel/tracing/events/virtio_dma_policy/decision/enable
 *
 * Strings are fixed-size arrays so that the event layout does not depend
 * on the kernel's __string()/__assign_str() API (changed in 6.10).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM virtio_dma_policy

#if !defined(VDP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VDP_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>

TRACE_EVENT(decision,
	    TP_PROTO(const char *name, const char *parent, u32 device_id,
		     bool audit, const char *verdict, const char *path,
		     const char *reason, int rule, u64 offered,
		     u64 offered_hi),

	    TP_ARGS(name, parent, device_id, audit, verdict, path, reason,
		    rule, offered, offered_hi),

	    TP_STRUCT__entry(__array(char, name, 32)
			     __array(char, parent, 32)
			     __field(u32, device_id)
			     __field(bool, audit)
			     __array(char, verdict, 16)
			     __array(char, path, 16)
			     __array(char, reason, 40)
			     __field(int, rule)
			     __field(u64, offered)
			     __field(u64, offered_hi)),

	    TP_fast_assign(strscpy(__entry->name, name, sizeof(__entry->name));
			   strscpy(__entry->parent, parent,
				   sizeof(__entry->parent));
			   __entry->device_id = device_id;
			   __entry->audit = audit;
			   strscpy(__entry->verdict, verdict,
				   sizeof(__entry->verdict));
			   strscpy(__entry->path, path, sizeof(__entry->path));
			   strscpy(__entry->reason, reason,
				   sizeof(__entry->reason));
			   __entry->rule = rule;
			   __entry->offered = offered;
			   __entry->offered_hi = offered_hi;),

	    TP_printk("device=%s parent=%s id=%u decision=%s%s path=%s reason=%s rule=%d offered=0x%llx offered_hi=0x%llx",
		      __entry->name, __entry->parent, __entry->device_id,
		      __entry->audit ? "audit:" : "", __entry->verdict,
		      __entry->path, __entry->reason, __entry->rule,
		      (unsigned long long)__entry->offered,
		      (unsigned long long)__entry->offered_hi)
);

#endif /* VDP_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src)/drivers. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vdp_trace
#include <trace/define_trace.h>

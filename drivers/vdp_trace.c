// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy: tracepoint instantiation.
 */
#include "vdp.h"

#define CREATE_TRACE_POINTS
#include "vdp_trace.h"

void vdp_trace_decision(const struct vdp_entry *e)
{
	trace_decision(e->dev.name, e->dev.bus[0] ? e->dev.bus : "-",
		       e->dev.device_id, e->dec.audit,
		       vdp_verdict_name(e->dec.verdict),
		       vdp_path_name(e->dec.path),
		       vdp_reason_token(e->dec.reason), e->dec.rule,
		       e->dev.offered.w[0], e->dev.offered.w[1]);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the evidence of the DMA path a device gets: the swiotlb and
 * iommu trace events and the agent's own kprobe events, enabled at boot,
 * and their counts in the trace buffer over one I/O window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "agent.h"

#define TRACEFS "/sys/kernel/tracing"

int have_bounce_event, have_xlate_probe, have_dmamap_probe, have_dmadev_probe;
static int have_map_event;

/*
 * Kprobe events (group "vdp") that show what the DMA API does where no
 * tracepoint does:
 *  - dmamap: every dma_map_page_attrs() (virtio_ring maps each buffer with
 *    it) and the bus address it returned, on every arch;
 *  - dmadev: the same calls' device (the first field of struct device is
 *    its kobject, whose first is the name), so that a mapping is counted
 *    for its device only: several device types share a boot, and a NIC or
 *    an rng may map in the background (on sparc64, whose kprobes cannot
 *    read arguments, every mapping counts for the device under test);
 *  - xlate_*: the arch's IOMMU mapping functions, one hit per translated
 *    mapping: pseries TCE (iommu_map_page up to 6.x, iommu_map_phys from
 *    7.x, behind dma_iommu_ops when no DDW bypass is set up), sparc64's
 *    sun4u IOMMU (dma_4u_map_page / dma_4u_map_sg, the only dma_map_ops
 *    there).
 * A definition may name alternative functions ("a|b"): the first one the
 * kernel can probe is used.
 * x86 uses the iommu/map tracepoint instead (iommu-dma goes through
 * iommu_map()).
 */
static const char *const probe_defs[] = {
	"r:vdp/dmamap dma_map_page_attrs addr=$retval:x64",
#if defined(__powerpc64__)
	/* (6.1's powerpc has no $argN: the first argument's register) */
	"p:vdp/dmadev dma_map_page_attrs dev=+0(+0(%r3)):string",
#elif !defined(__sparc__)
	"p:vdp/dmadev dma_map_page_attrs dev=+0(+0($arg1)):string",
#endif
#if defined(__powerpc64__)
	"p:vdp/xlate_tce iommu_map_page|iommu_map_phys",
#elif defined(__sparc__)
	"p:vdp/xlate_page dma_4u_map_page",
	"p:vdp/xlate_sg dma_4u_map_sg",
#endif
	NULL,
};

/*
 * A bus address at or above this (4 GiB, or more on a guest with more than
 * 2 GiB of RAM) cannot be a guest-physical address: the device sees it
 * only through an IOMMU window, e.g. the pseries DDW window at 0x0800000000000000, which maps
 * all of memory at an offset and needs no per-mapping hypercall.
 */
static unsigned long long window_floor = 1ull << 32;

static void probes_setup(void)
{
	int i, fd;

	fd = open(TRACEFS "/kprobe_events", O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		diag("kprobe events: not available (%s)", errname(errno));
		return;
	}
	for (i = 0; probe_defs[i]; i++) {
		const char *ev = strchr(probe_defs[i], '/') + 1;
		size_t l = strcspn(ev, " ");
		const char *fn = ev + l + 1;
		const char *args = fn + strcspn(fn, " ");
		char path[160], d[256];
		int ok = 0;

		/* each alternative function in turn, until one is probed */
		while (!ok && fn < args) {
			size_t fl = strcspn(fn, "| ");

			snprintf(d, sizeof(d), "%.*s %.*s%s", (int)(ev + l - probe_defs[i]),
				 probe_defs[i], (int)fl, fn, args);
			fn += fl + (fn[fl] == '|');
			ok = write(fd, d, strlen(d)) >= 0;
			if (!ok)
				diag("kprobe event %s: %s", d, errname(errno));
		}
		snprintf(path, sizeof(path), TRACEFS "/events/vdp/%.*s/enable", (int)l, ev);
		if (ok)
			ok = write_str(path, "1") == 0;
		if (ok)
			diag("kprobe event %s: enabled", d);
		if (!ok)
			continue;
		if (!strncmp(ev, "dmamap", 6))
			have_dmamap_probe = 1;
		else if (!strncmp(ev, "dmadev", 6))
			have_dmadev_probe = 1;
		else
			have_xlate_probe = 1;
	}
	close(fd);
}

/* All the events trace_setup() enabled, on or off. */
void trace_events(int on)
{
	const char *v = on ? "1" : "0";

	if (have_bounce_event)
		write_str(TRACEFS "/events/swiotlb/swiotlb_bounced/enable", v);
	if (have_map_event)
		write_str(TRACEFS "/events/iommu/map/enable", v);
	if (have_xlate_probe || have_dmamap_probe)
		write_str(TRACEFS "/events/vdp/enable", v);
}

void trace_setup(void)
{
	struct sysinfo si;

	if (sysinfo(&si) == 0)
		while (window_floor <= 2ull * si.totalram * si.mem_unit)
			window_floor <<= 1;
	have_bounce_event = exists(TRACEFS "/events/swiotlb/swiotlb_bounced/enable");
	have_map_event = exists(TRACEFS "/events/iommu/map/enable");
	write_str(TRACEFS "/buffer_size_kb", "8192");
	trace_events(1);	/* the tracepoints; probes_setup() enables its own */
	probes_setup();
	write_str(TRACEFS "/tracing_on", "1");
	diag("trace events: swiotlb/swiotlb_bounced %s, iommu/map %s, IOMMU probes %s, DMA API probe %s",
	     have_bounce_event ? "enabled" : "MISSING",
	     have_map_event ? "enabled" : "MISSING",
	     have_xlate_probe ? "enabled" : "none",
	     have_dmamap_probe ? "enabled" : "none");
}

/* some evidence of IOMMU translation can be collected */
int have_maps(void)
{
	return have_map_event || have_xlate_probe || have_dmamap_probe;
}

void trace_clear(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

/*
 * Counts, in the trace buffer: bounce events of one DMA device, iommu map
 * events, IOMMU probe hits and DMA API mappings (with the range of their
 * bus addresses).  The I/O windows are serialised, so everything but the
 * bounces (which name their device) is attributed to the disk under test.
 */
void trace_count(const char *dev, struct tcount *c)
{
	char line[1024], needle[96], devq[96];
	FILE *f = fopen(TRACEFS "/trace", "re");

	memset(c, 0, sizeof(*c));
	c->lo = ~0ull;
	if (!f)
		return;
	snprintf(needle, sizeof(needle), "dev_name: %s ", dev);
	snprintf(devq, sizeof(devq), "dev=\"%s\"", dev);
	while (fgets(line, sizeof(line), f)) {
		const char *a;

		if (line[0] == '#') {
			long w, e;

			if (sscanf(line, "# entries-in-buffer/entries-written: %ld/%ld", &e, &w) == 2 && w > e)
				c->lost = w - e;
			continue;
		}
		if (strstr(line, ": swiotlb_bounced: ") && strstr(line, needle))
			c->bounces++;
		else if (strstr(line, ": map: "))
			c->map_events++;
		else if (strstr(line, ": xlate_"))
			c->xlate++;
		else if (strstr(line, ": dmadev: "))
			c->devmaps += !!strstr(line, devq);
		else if (strstr(line, ": dmamap: ") && (a = strstr(line, " addr="))) {
			unsigned long long v = strtoull(a + 6, NULL, 0);

			c->dmamaps++;
			if (v < c->lo)
				c->lo = v;
			if (v > c->hi)
				c->hi = v;
			if (v >= window_floor)
				c->window++;
		}
	}
	fclose(f);
	if (!c->dmamaps)
		c->lo = 0;
	c->maps = c->map_events + c->xlate + c->window;
}

/*
 * Waits (at most 2 s) for a 100 ms stretch without DMA API or IOMMU
 * mapping events: a partition scan that another disk's probe started in
 * the background must not be counted as the disk under test's mappings.
 */
void trace_quiesce(void)
{
	long deadline = now_ms() + 2000;
	struct tcount c;

	if (!have_map_event && !have_xlate_probe && !have_dmamap_probe)
		return;
	do {
		trace_clear();
		sleep_ms(100);
		trace_count("", &c);
		if (!c.map_events && !c.xlate && !c.dmamaps)
			return;
	} while (now_ms() < deadline);
	diag("trace: DMA mappings outside the I/O window for 2 s (%ld in the last 100 ms)",
	     c.map_events + c.xlate + c.dmamaps);
}

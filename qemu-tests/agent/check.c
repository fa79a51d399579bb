// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the check step, a disk's (or device's) expectations: its
 * probe, its data (an I/O window with the trace events counted), the path
 * the module reports in its devices table, and the path the device really
 * gets (qemu-tests/README.md lists the keys).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "agent.h"

#define IO_TIMEOUT_MS 30000

/*
 * A count expectation, "0", ">0" or N, against a count from the trace:
 * missing says why there is no count; lost (the trace buffer overflowed)
 * makes the count a lower bound, good for ">0" only.
 */
static void count_check(const char *label, const char *what, const char *want,
			const char *missing, long got, long lost)
{
	char *end;
	long n;

	if (!want)
		return;
	if (missing) {
		tap(0, "%s: %s %s: %s", label, what, want, missing);
		return;
	}
	if (!strcmp(want, ">0")) {
		tap(got > 0, "%s: %s >0 (got %ld)", label, what, got);
		return;
	}
	n = strtol(want, &end, 0);
	if (end == want || *end || n < 0) {
		tap(0, "%s: %s: bad expectation '%s' (0, >0 or a count)", label, what, want);
		return;
	}
	tap(got == n && !lost, "%s: %s %s (got %ld%s)", label, what, want, got,
	    lost ? ", a lower bound: the trace buffer overflowed" : "");
}

/* is s one of the '|'-separated alternatives in alts? */
static int one_of(const char *alts, const char *s)
{
	size_t l = strlen(s);
	const char *p = alts;

	while (p && *p) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == l && !strncmp(p, s, l))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* the keys the module's devices table answers, and the others */
static const char *const tablekeys[] = { "verdict", "reason", "rule", "prediction", "transport", "audit", "hooked", "iommu", "dma", NULL };
static const char *const otherkeys[] = { "probe", "path", "bounces", "maps", "xlate", "window", "outcome", "io", "timeout", NULL };

/* What one part of a disk's check hands the next. */
struct disk_check {
	struct disk *d;
	char **tok;		/* the expectations: KEY=VALUE */
	int n;
	char label[64];		/* what every line of the check starts with */
	int skip_io;		/* io=skip, or a device that is not a disk */
	char blk[32];		/* its block device */
	int probed;		/* the probe succeeded */
	int b33;		/* feature bit 33 as negotiated; -1 unknown */
	int io_ran;		/* the I/O ran: tc holds the counts of its window */
	struct tcount tc;
	struct row hdr, row;	/* the module's row of the device */
	const char *tpath;	/* the path the module claims (in row) */
	const char *observed;	/* the path the I/O shows */
};

/* a misspelt key must fail, not silently check nothing */
static void check_keys(const struct disk_check *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		const char *eq = strchr(c->tok[i], '=');
		size_t l = eq ? (size_t)(eq - c->tok[i]) : 0;
		int k, known = 0;

		for (k = 0; eq && tablekeys[k] && !known; k++)
			known = strlen(tablekeys[k]) == l && !strncmp(c->tok[i], tablekeys[k], l);
		for (k = 0; eq && otherkeys[k] && !known; k++)
			known = strlen(otherkeys[k]) == l && !strncmp(c->tok[i], otherkeys[k], l);
		if (!known)
			tap(0, "%s: check: unknown expectation '%s'", c->label, c->tok[i]);
	}
}

/*
 * probe=ok (the default): the driver bound and, for a disk, its block
 * device exists; probe=fail: a clean failure.  Returns 0 when there is no
 * virtio device to check at all.
 */
static int check_probe(struct disk_check *c)
{
	const char *want_probe = kv(c->tok, c->n, "probe");
	struct disk *d = c->d;
	char feats[160] = "";
	unsigned long st;

	if (!want_probe)
		want_probe = "ok";
	if (!d->vdev[0] && !disk_find(d)) {
		tap(0, "%s: no virtio device with this parent", c->label);
		return 0;
	}
	snprintf(c->label, sizeof(c->label), "%s %s (%s %s)", d->nodisk ? "device" : "disk", d->tag,
		 d->pci, d->vdev);
	if (d->nodisk)	/* its driver may have been loaded just now */
		settle(SETTLE_TIMEOUT_MS);
	st = disk_status(d);
	if (!d->nodisk)
		disk_blk(d, c->blk, sizeof(c->blk));
	/*
	 * FAILED is not part of the success test: virtio does not reset the
	 * status before probing again, so a device that failed once and then
	 * bound shows FAILED | DRIVER_OK (0x87 legacy, 0x8f modern).  A clean
	 * failure is FAILED without DRIVER_OK (virtio_dev_probe's error path);
	 * a probe that is still running (a hang) has neither.
	 */
	c->probed = (st & VIRTIO_S_DRIVER_OK) && disk_bound(d) && (d->nodisk || c->blk[0]);
	if (!strcmp(want_probe, "ok"))
		tap(c->probed, "%s: probe succeeds (status 0x%lx, %s %s)%s",
		    c->label, st, d->nodisk ? "driver" : "block device",
		    d->nodisk ? d->driver : c->blk[0] ? c->blk : "none", d->stuck ? ": PROBE STUCK" : "");
	else
		tap(!c->probed && !c->blk[0] && (st & VIRTIO_S_FAILED) && !(st & VIRTIO_S_DRIVER_OK),
		    "%s: probe fails cleanly (status 0x%lx, driver %s, block device %s)%s",
		    c->label, st, disk_bound(d) ? "bound" : "none", c->blk[0] ? c->blk : "none",
		    d->stuck ? ": PROBE STUCK" : "");

	if (c->probed) {
		c->b33 = disk_feature(d, 33, feats, sizeof(feats));
		diag("%s features %s", c->label, feats);
	}
	return 1;
}

/* where a 9p share is mounted for its check */
static const char *ninep_dir(const struct disk *d)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/mnt/%s", d->tag);
	return dir;
}

/*
 * mounts a 9p or virtio-fs share (its tag in c->blk, "9p:TAG" or "fs:TAG")
 * for the I/O
 */
static int ninep_mount(struct disk_check *c, struct io_arg *ia)
{
	const char *dir = ninep_dir(c->d);
	const char *fs = c->d->vfs ? "virtiofs" : "9p";

	mkdir("/mnt", 0755);
	mkdir(dir, 0755);
	if (mount(c->blk + 3, dir, fs, 0,
		  c->d->vfs ? NULL : "trans=virtio,version=9p2000.L,cache=none")) {
		tap(0, "%s: data intact: mount -t %s %s %s: %s", c->label, fs, c->blk + 3, dir,
		    errname(errno));
		return -1;
	}
	snprintf(ia->dev, sizeof(ia->dev), "%s/data", dir);
	snprintf(ia->tree, sizeof(ia->tree), "%s/tree", dir);
	ia->buffered = 1;
	return 0;
}

/*
 * The data (io=timeout: an I/O that must hang), in a child with a
 * deadline; the trace events of its window are counted.
 */
static void check_io(struct disk_check *c)
{
	const char *want_io = kv(c->tok, c->n, "io");
	const char *want_secs = kv(c->tok, c->n, "timeout");
	int want_timeout = want_io && !strcmp(want_io, "timeout");
	long io_timeout = want_secs ? strtol(want_secs, NULL, 0) * 1000 : IO_TIMEOUT_MS;
	struct disk *d = c->d;
	struct tcount *tc = &c->tc;
	struct io_arg ia;
	char msg[512];
	int rc;

	if (!c->probed)
		return;
	if (c->skip_io) {
		diag("%s: no I/O (io=skip)", c->label);
		return;
	}
	if (d->hung) {
		tap(0, "%s: data intact: not tried, an earlier I/O on it hung", c->label);
		return;
	}
	ia.d = d;
	ia.gen = d->gen;
	ia.buffered = 0;
	ia.tree[0] = 0;
	snprintf(ia.dev, sizeof(ia.dev), "/dev/%s", c->blk);
	if ((d->ninep || d->vfs) && ninep_mount(c, &ia))
		return;
	trace_quiesce();
	trace_clear();
	if (d->nodisk) {
		rc = run_child(dev_io_child, d, io_timeout, msg, sizeof(msg));
		d->io_runs++;
	} else {
		rc = run_child(io_child, &ia, io_timeout, msg, sizeof(msg));
	}
	trace_count(d->pci, tc);
	/* (after a hung I/O: forced, so that the 9p client lets go of the
	 * channel; p9_virtio_remove() would wait for it at the next unbind) */
	if ((d->ninep || d->vfs) &&
	    umount2(ninep_dir(d), rc == CHILD_TIMEOUT ? MNT_FORCE | MNT_DETACH : MNT_DETACH))
		diag("%s: umount %s: %s", c->label, ninep_dir(d), errname(errno));
	c->io_ran = 1;
	if (rc == CHILD_TIMEOUT) {
		char what[128];

		d->hung = 1;
		/* for the post-mortem: lost interrupt or lost request? */
		snprintf(what, sizeof(what), "%s: hung: interrupts", c->label);
		dump_file("/proc/interrupts", what);
	}
	if (!d->nodisk && (rc == 0 || rc == 1 || rc == 2))
		d->gen++;  /* the new generation was written */
	if (want_timeout)
		tap(rc == CHILD_TIMEOUT, "%s: I/O does not finish within %ld ms and the agent carries on (rc %d%s%s)",
		    c->label, io_timeout, rc, rc > 0 ? ": " : "", rc > 0 ? msg : "");
	else if (d->nodisk)
		tap(rc == 0, "%s: %s%s%s", c->label, dev_io_what(d),
		    rc == CHILD_TIMEOUT ? ": I/O HUNG (timeout)" : rc ? ": " : "",
		    rc > 0 ? msg : "");
	else
		tap(rc == 0, "%s: data intact (host pattern read, %u KiB written and read back, %s)%s%s",
		    c->label, IO_SIZE >> 10, !ia.buffered ? "O_DIRECT" :
		    d->vfs ? "a virtio-fs file, virtiofsd cache=never; " TREE_WHAT :
		    "a 9p file, cache=none; " TREE_WHAT,
		    rc == CHILD_TIMEOUT ? ": I/O HUNG (timeout)" : rc ? ": " : "",
		    rc > 0 ? msg : "");
	diag("%s: swiotlb bounces %ld, translated maps %ld (iommu/map %ld, IOMMU probe %ld, bus address beyond RAM %ld), DMA API maps %ld, %ld of them by this device (bus 0x%llx..0x%llx) during the I/O%s",
	     c->label, tc->bounces, tc->maps, tc->map_events, tc->xlate, tc->window, tc->dmamaps,
	     tc->devmaps, tc->lo, tc->hi, tc->lost ? " (trace buffer overflowed: counts are lower bounds)" : "");
	if (!d->nodisk)
		out("# disk %s gen %d", d->tag, d->gen);
}

/* observed path: bit 33 seen by the driver and what the I/O produced */
static const char *observed_path(const struct disk_check *c)
{
	/* the device's own DMA API mappings where the probe tells */
	long api = have_dmadev_probe ? c->tc.devmaps : c->tc.dmamaps;

	if (!c->probed || !c->io_ran)
		return NULL;
	/* with the DMA API probe: the driver maps through the DMA
	 * API exactly when bit 33 is set */
	if (c->b33 == 0)
		return (c->tc.maps || c->tc.bounces || api) ? "inconsistent" : "physical";
	if (c->b33 == 1 && have_dmamap_probe && !api)
		return "inconsistent";
	if (c->b33 == 1)
		return c->tc.maps ? "dma-api-iommu" : "dma-api-direct";
	return "unknown";
}

/* The device's row of the module's table (1), none (0), or -errno. */
static int table_row(struct disk_check *c)
{
	int r = vdp_loaded ? vdp_row(c->d, &c->hdr, &c->row) : -ENOENT;

	/*
	 * io=skip is for a disk whose probe is slow on purpose:
	 * its block device exists before the probe ends (the
	 * partition scan runs inside it), and the module decides
	 * at its end.  Wait for the decision (bounded).
	 */
	if (c->skip_io && r > 0) {
		long deadline = now_ms() + SETTLE_TIMEOUT_MS;
		const char *dc = col(&c->hdr, &c->row, "decision");

		while (r > 0 && dc && !strcmp(dc, "-") && now_ms() < deadline) {
			sleep_ms(200);
			r = vdp_row(c->d, &c->hdr, &c->row);
			dc = r > 0 ? col(&c->hdr, &c->row, "decision") : NULL;
		}
	}
	return r;
}

/* Without the row (r from table_row()), every table expectation fails. */
static void table_missing(const struct disk_check *c, int r)
{
	const char *want_outcome = kv(c->tok, c->n, "outcome");
	const char *want_path = kv(c->tok, c->n, "path");
	const char *why = !vdp_loaded ? vdp_missing_why :
		r == 0 ? "device not in the module's devices table" :
		"devices table unreadable";
	int i;

	if (want_outcome)
		tap(0, "%s: outcome one of %s: %s", c->label, want_outcome, why);
	if (want_path)
		tap(0, "%s: module reports path=%s: %s", c->label, want_path, why);
	for (i = 0; tablekeys[i]; i++)
		if (kv(c->tok, c->n, tablekeys[i]))
			tap(0, "%s: module reports %s=%s: %s", c->label,
			    tablekeys[i], kv(c->tok, c->n, tablekeys[i]), why);
}

/* The row against the expectations; keeps the path the module claims. */
static void table_compare(struct disk_check *c)
{
	const char *want_outcome = kv(c->tok, c->n, "outcome");
	const char *want_path = kv(c->tok, c->n, "path");
	const char *v = col(&c->hdr, &c->row, "verdict");
	const char *p = col(&c->hdr, &c->row, "path");
	const char *rs = col(&c->hdr, &c->row, "reason");
	char vpr[200];
	int i;

	c->tpath = p;
	snprintf(vpr, sizeof(vpr), "%s/%s/%s", v ? v : "?", p ? p : "?", rs ? rs : "?");
	{
		char whole[400] = "";
		int k;

		for (k = 0; k < c->row.n; k++) {
			strncat(whole, c->row.col[k], sizeof(whole) - strlen(whole) - 2);
			strcat(whole, " ");
		}
		diag("%s: table row: %s", c->label, whole);
	}
	if (want_outcome)
		tap(one_of(want_outcome, vpr), "%s: outcome (verdict/path/reason) one of %s: got %s",
		    c->label, want_outcome, vpr);
	if (want_path)
		tap(p && !strcmp(p, want_path), "%s: module reports path=%s (got %s)",
		    c->label, want_path, p ? p : "no path column");
	for (i = 0; tablekeys[i]; i++) {
		const char *w = kv(c->tok, c->n, tablekeys[i]);
		const char *g = col(&c->hdr, &c->row, tablekeys[i]);

		if (!w)
			continue;
		tap(g && one_of(w, g), "%s: module reports %s=%s (got %s)", c->label,
		    tablekeys[i], w, g ? g : "no such column");
	}
}

/* module table: only a scenario with the module can expect rows */
static void check_table(struct disk_check *c)
{
	const char *want_outcome = kv(c->tok, c->n, "outcome");
	const char *want_path = kv(c->tok, c->n, "path");
	int need_table = want_outcome != NULL || want_path != NULL;
	int i, r;

	if (!vdp_wanted) {
		if (want_outcome)
			tap(0, "%s: outcome %s: the module is not loaded in this scenario", c->label,
			    want_outcome);
		for (i = 0; tablekeys[i]; i++)
			if (kv(c->tok, c->n, tablekeys[i]))
				tap(0, "%s: module reports %s=%s: the module is not loaded in this scenario",
				    c->label, tablekeys[i], kv(c->tok, c->n, tablekeys[i]));
		return;
	}
	for (i = 0; tablekeys[i]; i++)
		if (kv(c->tok, c->n, tablekeys[i]))
			need_table = 1;
	if (!need_table)
		return;
	r = table_row(c);
	if (r <= 0)
		table_missing(c, r);
	else
		table_compare(c);
}

/* reality: what the device actually gets */
static void check_reality(const struct disk_check *c)
{
	const char *want_path = kv(c->tok, c->n, "path");
	const char *want_bounces = kv(c->tok, c->n, "bounces");
	const char *want_maps = kv(c->tok, c->n, "maps");
	const char *want_xlate = kv(c->tok, c->n, "xlate");
	const char *want_window = kv(c->tok, c->n, "window");
	const struct tcount *tc = &c->tc;

	if (c->probed && c->io_ran) {
		const char *expect = want_path;

		if (kv(c->tok, c->n, "outcome") && c->tpath)
			expect = c->tpath; /* the module's claim must be the truth */
		if (expect)
			tap(!strcmp(c->observed, expect),
			    "%s: observed path %s (bit33 %d, translated maps %ld, bounces %ld), expected %s",
			    c->label, c->observed, c->b33, tc->maps, tc->bounces, expect);
		else
			diag("%s: observed path %s", c->label, c->observed);
		count_check(c->label, "swiotlb bounces", want_bounces,
			    have_bounce_event ? NULL : "swiotlb_bounced event missing", tc->bounces, tc->lost);
		count_check(c->label, "translated maps", want_maps,
			    have_maps() ? NULL : "no iommu/map event nor DMA probes", tc->maps, tc->lost);
		count_check(c->label, "IOMMU mapping calls (TCE / sun4u IOMMU)", want_xlate,
			    have_xlate_probe ? NULL : "no IOMMU probe on this arch", tc->xlate, tc->lost);
		count_check(c->label, "DMA API mappings at bus addresses beyond RAM (IOMMU window)",
			    want_window, have_dmamap_probe ? NULL : "no DMA API probe", tc->window, tc->lost);
	} else if (c->probed && (want_path || want_bounces || want_maps || want_xlate || want_window)) {
		tap(0, "%s: observed path/bounces/maps: no I/O was possible", c->label);
	}
}

static void check_disk(struct disk *d, char **tok, int n)
{
	const char *want_io = kv(tok, n, "io");
	struct disk_check c = { .d = d, .tok = tok, .n = n, .b33 = -1 };

	c.skip_io = (d->nodisk && !dev_has_io(d)) || (want_io && !strcmp(want_io, "skip"));
	snprintf(c.label, sizeof(c.label), "%s %s (%s)", d->nodisk ? "device" : "disk", d->tag, d->pci);
	check_keys(&c);
	if (!check_probe(&c))
		return;
	check_io(&c);
	c.observed = observed_path(&c);
	check_table(&c);
	check_reality(&c);
}

void step_check(char **tok, int n, const char *line)
{
	int i;

	settle(SETTLE_TIMEOUT_MS);
	if (n < 2) {
		tap(0, "check: no disk named");
		return;
	}
	for (i = 0; i < ndisks; i++)
		if (!strcmp(tok[1], "all") || !strcmp(tok[1], disks[i].tag))
			check_disk(&disks[i], tok + 2, n - 2);
	if (strcmp(tok[1], "all") && !disk_by_tag(tok[1]))
		tap(0, "check: unknown disk %s", tok[1]);
}

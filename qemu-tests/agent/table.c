// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the module's debugfs devices table: a device's row, and its
 * columns by name (with the ones derived from others: verdict, audit, dma).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "agent.h"

/*
 * Finds the row of a device in the devices table.  The header names the
 * columns; the row is found by the parent (PCI address) or name column.
 * Returns 1 with hdr/row filled, 0 if absent, -errno if unreadable.
 */
int vdp_row(struct disk *d, struct row *hdr, struct row *row)
{
	static char buf[65536];
	char *line, *save = NULL;
	int have_hdr = 0;
	long n = read_file_timed(VDP_DEBUGFS "/devices", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	memset(hdr, 0, sizeof(*hdr));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct row r;
		char *t[MAX_COLS], *p = line;
		int i, k;

		if (*p == '#')
			p++;
		k = tokenize(p, t, MAX_COLS);
		memset(&r, 0, sizeof(r));
		for (i = 0; i < k; i++)
			snprintf(r.col[i], sizeof(r.col[i]), "%s", t[i]);
		r.n = k;
		if (!have_hdr) {
			*hdr = r;
			have_hdr = 1;
			continue;
		}
		for (i = 0; i < k && i < hdr->n; i++)
			if ((!strcmp(hdr->col[i], "parent") && !strcmp(r.col[i], d->pci)) ||
			    (!strcmp(hdr->col[i], "name") && d->vdev[0] && !strcmp(r.col[i], d->vdev))) {
				*row = r;
				return 1;
			}
	}
	return 0;
}

static const char *rawcol(const struct row *hdr, const struct row *row,
			  const char *name)
{
	int i;

	for (i = 0; i < hdr->n && i < row->n; i++)
		if (!strcmp(hdr->col[i], name))
			return row->col[i];
	return NULL;
}

/*
 * Column by name.  "verdict" is the decision column without its "audit:"
 * prefix; "audit" is "yes" when that prefix is there, else "no"; "dma" is
 * "changed" when the transport's DMA state now (dma-now) differs from the
 * one read at bind (dma-bind), "same" when not, "-" if either is unknown.
 */
const char *col(const struct row *hdr, const struct row *row,
		const char *name)
{
	const char *v = rawcol(hdr, row, name);

	if (v)
		return v;
	if (!strcmp(name, "dma")) {
		const char *b = rawcol(hdr, row, "dma-bind");
		const char *w = rawcol(hdr, row, "dma-now");

		if (!b || !w)
			return NULL;
		if (!strcmp(b, "-") || !strcmp(w, "-"))
			return "-";
		return strcmp(b, w) ? "changed" : "same";
	}
	if (!strcmp(name, "verdict") || !strcmp(name, "audit")) {
		v = rawcol(hdr, row, "decision");
		if (!v)
			return NULL;
		if (!strcmp(name, "audit"))
			return strncmp(v, "audit:", 6) ? "no" : "yes";
		return strncmp(v, "audit:", 6) ? v : v + 6;
	}
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the data on the disks: the pattern each generation of a disk
 * holds (the host side writes and verifies the same one), the I/O child of
 * the check step that reads it and writes the next generation, the tree
 * of files a shared filesystem also serves, and the bench step's timed
 * reads.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"

/* ------------------------------------------------------------------ */
/* Data pattern (shared with the host side)                            */
/* ------------------------------------------------------------------ */

static uint64_t fnv1a(const char *s, uint64_t h)
{
	if (!h)
		h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Pattern of generation gen of disk tag in scenario scen. */
void pattern_fill(unsigned char *buf, size_t len, const char *scen,
		  const char *tag, int gen)
{
	char g[16];
	uint64_t x;
	size_t i;

	snprintf(g, sizeof(g), "/%d", gen);
	x = fnv1a(g, fnv1a(tag, fnv1a("/", fnv1a(scen, 0))));
	if (!x)
		x = 1;
	for (i = 0; i + 8 <= len; i += 8) {
		int b;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* little-endian bytes whatever the CPU: the host (x86) and
		 * a big-endian guest (sparc64) must agree on the pattern */
		for (b = 0; b < 8; b++)
			buf[i + b] = (unsigned char)(x >> (8 * b));
	}
	for (; i < len; i++)
		buf[i] = (unsigned char)i;
}

/* ------------------------------------------------------------------ */
/* I/O check                                                           */
/* ------------------------------------------------------------------ */

static int cmp_report(int msgfd, const char *what, const unsigned char *got,
		      const unsigned char *want, size_t len)
{
	size_t i, bad = 0, first = (size_t)-1;

	for (i = 0; i < len; i++)
		if (got[i] != want[i]) {
			if (first == (size_t)-1)
				first = i;
			bad++;
		}
	if (!bad)
		return 0;
	msgf(msgfd, "%s: %zu of %zu bytes differ, first at offset %zu (got %02x want %02x)",
	     what, bad, len, first, got[first], want[first]);
	return 1;
}

/* ------------------------------------------------------------------ */
/* A shared filesystem's tree (shared with the host side)              */
/* ------------------------------------------------------------------ */

/*
 * Beside its "data" file, a 9p or virtio-fs share holds this tree, which
 * the host writes (vdp-agent tree write) before the boot: each file its
 * own pattern (the pattern of tag "TAG:PATH", generation 0), sizes around
 * the page and the transports' message sizes.  The guest lists each
 * directory and reads each file through the device.
 */
#define TREE_BIG 262147	/* its largest file */
static const struct { const char *path; size_t size; } tree_files[] = {
	{ "empty", 0 },
	{ "one", 1 },
	{ "a/page", 4096 },
	{ "a/b/odd", 12345 },
	{ "a/b/c/big", TREE_BIG },
};

/* each directory with its entries, sorted */
static const struct { const char *dir; const char *list; } tree_dirs[] = {
	{ "", "a empty one" },
	{ "a", "b page" },
	{ "a/b", "c odd" },
	{ "a/b/c", "big" },
};

_Static_assert(TREE_BIG < IO_SIZE, "the guest reads a file and the byte after it into IO_SIZE buffers");
#define N_TREE(a) (sizeof(a) / sizeof((a)[0]))

static void tree_pattern(unsigned char *buf, size_t size, const char *scen,
			 const char *tag, const char *path)
{
	char key[96];

	snprintf(key, sizeof(key), "%s:%s", tag, path);
	pattern_fill(buf, size, scen, key, 0);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir's entries, sorted, space-separated, into out; -1 on an error */
static int tree_list(const char *dir, char *out, size_t size)
{
	char *names[16];
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0, i;

	if (!d)
		return -1;
	while ((de = readdir(d)) && n < 16)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	out[0] = 0;
	for (i = 0; i < n; i++) {
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	return 0;
}

/* the tree under root: 0, or 1 with a message */
static int tree_check(const char *root, const char *tag, unsigned char *buf,
		      unsigned char *want, int msgfd)
{
	char p[192], list[256];
	size_t i;

	for (i = 0; i < N_TREE(tree_dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, tree_dirs[i].dir);
		if (tree_list(p, list, sizeof(list))) {
			msgf(msgfd, "tree: list %s: %s", p, errname(errno));
			return 1;
		}
		if (strcmp(list, tree_dirs[i].list)) {
			msgf(msgfd, "tree: %s lists '%s', not '%s'", p, list, tree_dirs[i].list);
			return 1;
		}
	}
	for (i = 0; i < N_TREE(tree_files); i++) {
		size_t size = tree_files[i].size, got = 0;
		ssize_t n = 1;
		int fd;

		snprintf(p, sizeof(p), "%s/%s", root, tree_files[i].path);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			msgf(msgfd, "tree: open %s: %s", p, errname(errno));
			return 1;
		}
		/* one byte more than the file: its end must come where the host put it */
		while (got <= size && (n = read(fd, buf + got, size + 1 - got)) > 0)
			got += n;
		close(fd);
		if (n < 0 || got != size) {
			msgf(msgfd, "tree: %s: %zu bytes read of %zu%s%s", p, got, size,
			     n < 0 ? ": " : "", n < 0 ? errname(errno) : "");
			return 1;
		}
		tree_pattern(want, size, scen_name, tag, tree_files[i].path);
		if (cmp_report(msgfd, p, buf, want, size))
			return 1;
	}
	return 0;
}

/* vdp-agent tree write <dir> <scenario> <tag>: the tree under dir */
int host_tree(int argc, char **argv)
{
	static unsigned char buf[TREE_BIG];
	char p[4096];
	size_t i;

	if (argc != 6 || strcmp(argv[2], "write")) {
		fprintf(stderr, "usage: %s tree write <dir> <scenario> <disk>\n", argv[0]);
		return 2;
	}
	for (i = 0; i < N_TREE(tree_dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", argv[3], tree_dirs[i].dir);
		if (mkdir(p, 0755) && errno != EEXIST) {
			perror(p);
			return 2;
		}
	}
	for (i = 0; i < N_TREE(tree_files); i++) {
		size_t size = tree_files[i].size;
		int fd;

		snprintf(p, sizeof(p), "%s/%s", argv[3], tree_files[i].path);
		if (size > sizeof(buf)) {
			fprintf(stderr, "%s: %zu bytes, more than TREE_BIG\n", p, size);
			return 2;
		}
		tree_pattern(buf, size, argv[4], argv[5], tree_files[i].path);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, size) != (ssize_t)size || close(fd)) {
			perror(p);
			return 2;
		}
	}
	return 0;
}

/* exit: 0 ok, 1 host pattern differs, 2 readback differs, 3 I/O error */
int io_child(void *a, int msgfd)
{
	struct io_arg *ia = a;
	unsigned char *buf, *want;
	size_t off;
	int fd;

	if (posix_memalign((void **)&buf, 4096, IO_SIZE) ||
	    posix_memalign((void **)&want, 4096, IO_SIZE)) {
		msgf(msgfd, "out of memory");
		return 3;
	}
	fd = open(ia->dev, O_RDWR | O_CLOEXEC | (ia->buffered ? 0 : O_DIRECT));
	if (fd < 0) {
		msgf(msgfd, "open %s: %s", ia->dev, errname(errno));
		return 3;
	}
	/* 1: what the host (or the previous check) wrote must be there */
	for (off = 0; off < IO_SIZE; off += IO_CHUNK)
		if (pread(fd, buf + off, IO_CHUNK, IO_OFFSET + off) != IO_CHUNK) {
			msgf(msgfd, "read at %zu: %s", off, errname(errno));
			return 3;
		}
	pattern_fill(want, IO_SIZE, scen_name, ia->d->tag, ia->gen);
	if (cmp_report(msgfd, "data from the host", buf, want, IO_SIZE))
		return 1;
	/* 2: write the next generation, read it back from the device */
	pattern_fill(want, IO_SIZE, scen_name, ia->d->tag, ia->gen + 1);
	for (off = 0; off < IO_SIZE; off += IO_CHUNK)
		if (pwrite(fd, want + off, IO_CHUNK, IO_OFFSET + off) != IO_CHUNK) {
			msgf(msgfd, "write at %zu: %s", off, errname(errno));
			return 3;
		}
	if (fdatasync(fd) < 0) {
		msgf(msgfd, "fdatasync: %s", errname(errno));
		return 3;
	}
	memset(buf, 0, IO_SIZE);
	for (off = 0; off < IO_SIZE; off += IO_CHUNK)
		if (pread(fd, buf + off, IO_CHUNK, IO_OFFSET + off) != IO_CHUNK) {
			msgf(msgfd, "read back at %zu: %s", off, errname(errno));
			return 3;
		}
	if (cmp_report(msgfd, "read back", buf, want, IO_SIZE))
		return 2;
	close(fd);
	/* 3: a shared filesystem's tree (IO_SIZE holds its largest file) */
	if (ia->tree[0] && tree_check(ia->tree, ia->d->tag, buf, want, msgfd))
		return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Bench                                                               */
/* ------------------------------------------------------------------ */

struct bench_arg { char dev[64]; long mib; };
#define BENCH_COUNT_MIB 16 /* the counting read of a bench step */

/* Sequential O_DIRECT read; prints MiB/s * 100 as the message. */
static int bench_child(void *a, int msgfd)
{
	struct bench_arg *b = a;
	unsigned char *buf;
	long long t0, t1;
	long done = 0;
	int fd;

	if (posix_memalign((void **)&buf, 4096, 1 << 20))
		return 3;
	fd = open(b->dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return 3;
	t0 = now_us();
	while (done < b->mib) {
		if (pread(fd, buf, 1 << 20, (off_t)done << 20) != 1 << 20)
			return 3;
		done++;
	}
	t1 = now_us();
	msgf(msgfd, "%lld", t1 - t0);
	close(fd);
	return 0;
}

/* bench <label> <tag> <MiB>: one measurement; figures only */
void step_bench(char **tok, int n, const char *line)
{
	struct disk *d;
	struct bench_arg b;
	char blk[32], msg[64];
	struct tcount tc;
	long bounces, maps, lost;
	int rc;

	if (n < 4 || !(d = disk_by_tag(tok[2]))) {
		tap(0, "bench: usage bench <label> <disk> <MiB>");
		return;
	}
	if (!d->vdev[0])
		disk_find(d);
	disk_blk(d, blk, sizeof(blk));
	if (!blk[0]) {
		tap(0, "bench %s: disk %s has no block device", tok[1], d->tag);
		return;
	}
	snprintf(b.dev, sizeof(b.dev), "/dev/%s", blk);
	b.mib = strtol(tok[3], NULL, 0);
	/*
	 * The timed read runs with the trace events off (the kprobe on
	 * dma_map_page_attrs alone would tax every DMA API path); a short
	 * second read with them on counts bounces and maps.
	 */
	trace_events(0);
	rc = run_child(bench_child, &b, 120000, msg, sizeof(msg));
	trace_events(1);
	if (rc) {
		tap(0, "bench %s: read failed%s", tok[1], rc == CHILD_TIMEOUT ? " (timeout)" : "");
		return;
	}
	{
		long long us = strtoll(msg, NULL, 10);
		long long rate;
		struct bench_arg cb = b;

		if (us <= 0)
			us = 1;
		rate = (long long)b.mib * 100000000LL / us; /* MiB/s * 100 */
		cb.mib = b.mib < BENCH_COUNT_MIB ? b.mib : BENCH_COUNT_MIB;
		trace_clear();
		rc = run_child(bench_child, &cb, 120000, msg, sizeof(msg));
		trace_count(d->pci, &tc);
		bounces = tc.bounces;
		maps = tc.maps;
		lost = tc.lost;
		out("# bench %s disk=%s MiB=%ld us=%lld MiB/s=%lld.%02lld bounces=%ld maps=%ld countMiB=%ld bit33=%d%s%s",
		    tok[1], d->tag, b.mib, us, rate / 100, rate % 100,
		    bounces, maps, cb.mib, disk_feature(d, 33, NULL, 0),
		    lost ? " (trace overflowed: counts are lower bounds)" : "",
		    rc ? " (the counting read failed)" : "");
	}
}

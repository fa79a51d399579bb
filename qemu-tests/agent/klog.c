// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the kernel log (/dev/kmsg records, read from a mark), and the
 * steps that check it:
 *
 *   logged TEXT...                 a kernel log line since the last vdp
 *                                  step contains TEXT
 *   clean-log [except=TEXT]        the whole kernel log has no report of a
 *                                  kernel bug (WARN, BUG, KASAN, KCSAN,
 *                                  UBSAN, lockdep, RCU stall, soft lockup,
 *                                  hung task, ...) but upstream's debugfs
 *                                  open-vs-rmmod WARN (below), which is
 *                                  listed, not counted
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

unsigned long long kmsg_mark; /* sequence number seen so far */
unsigned long long vdp_mark;  /* kmsg_mark at the last vdp step */

/* Calls fn for every record after *seq (updates *seq). */
void kmsg_scan(unsigned long long *seq,
	       void (*fn)(const char *msg, void *ctx), void *ctx)
{
	char rec[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		unsigned long long s;
		char *m;

		if (n < 0) {
			if (errno == EPIPE)
				continue; /* overwritten records */
			break;
		}
		rec[n] = 0;
		if (sscanf(rec, "%*u,%llu,", &s) != 1)
			continue;
		m = strchr(rec, ';');
		if (!m)
			continue;
		m++;
		{
			char *nl = strchr(m, '\n');

			if (nl)
				*nl = 0; /* drop continuation dictionary */
		}
		if (seq && s < *seq)
			continue;
		if (seq)
			*seq = s + 1;
		if (fn)
			fn(m, ctx);
	}
	close(fd);
}

void kmsg_set_mark(void)
{
	kmsg_scan(&kmsg_mark, NULL, NULL);
}

void print_kmsg_line(const char *m, void *ctx)
{
	(void)ctx;
	out("# dmesg: %s", m);
}

struct log_find { const char *text; char hit[300]; };

static void find_log_line(const char *m, void *ctx)
{
	struct log_find *f = ctx;

	if (!f->hit[0] && strstr(m, f->text))
		snprintf(f->hit, sizeof(f->hit), "%s", m);
}

/* logged TEXT...: a kernel log line since the last vdp step contains TEXT */
void step_logged(const char *line)
{
	struct log_find f = { line, "" };
	unsigned long long seq = vdp_mark;

	kmsg_scan(&seq, find_log_line, &f);
	tap(f.hit[0] != 0, "kernel log since the module's load has \"%s\"%s%s", esc(line),
	    f.hit[0] ? ": " : "", f.hit);
}

/* What the kernel prints when it finds a bug in itself. */
static const char *const bug_marks[] = {
	"WARNING:", "BUG:", "UBSAN:", "Oops", "Kernel panic",
	"general protection fault", "detected stall", "self-detected stall",
	"blocked for more than", "soft lockup", "hard LOCKUP",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "suspicious RCU usage", "bad unlock balance",
	"ODEBUG:", "refcount_t:", "list_add corruption", "list_del corruption",
	"sleeping function called from invalid context", "scheduling while atomic",
};

/*
 * One WARN is upstream's, not the module's.  rmmod drops the module's last
 * reference and only then marks it GOING (kernel/module/main.c,
 * try_stop_module()); an open of one of its debugfs files in between fails
 * fops_get() while the module still looks LIVE, and fs/debugfs/file.c warns
 * "debugfs file owner did not clean up at exit" (6.1 to 7.2, any module).
 * Such a WARN is listed but not counted only with the evidence that it is
 * that window: the message just before it, naming one of the module's
 * files, the WARNING in fs/debugfs/file.c, and the module list printed with
 * it showing virtio_dma_policy still loaded: "(O-)" if GOING was set before
 * the list was printed, "(O)" if not (seen on the SMP debug kernel).  With
 * the module still in the list, fops_get() can only have failed because its
 * references were already dropped for the rmmod.  A file left behind by an
 * exit that forgot it warns with the module gone from the list, and counts;
 * so does anything else, or a WARN whose module list never comes.  Other
 * CPUs' lines may come in between (SMP), so the parts are matched in order,
 * not as neighbours.
 */
#define DEBUGFS_RACE_MSG "debugfs file owner did not clean up at exit:"

struct bug_scan {
	const char *except;
	int hits;
	int known;        /* upstream debugfs races, listed */
	int race_msg;     /* DEBUGFS_RACE_MSG seen, its WARNING not yet */
	char held[300];   /* that WARNING, until its module list shows */
};

static void count_bug(struct bug_scan *b, const char *m)
{
	if (b->hits++ < 10)
		diag("kernel log: %s", m);
}

/* "Modules linked in: ... virtio_dma_policy(O-) ...": still loaded */
static int module_listed(const char *m)
{
	return strstr(m, " virtio_dma_policy(") != NULL;
}

/* "...did not clean up at exit: NAME": one of the module's debugfs files */
static int our_debugfs_file(const char *m)
{
	static const char *const files[] = { "devices", "rules", "reprobe" };
	const char *name = strstr(m, DEBUGFS_RACE_MSG) + strlen(DEBUGFS_RACE_MSG);
	size_t i;

	while (*name == ' ')
		name++;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(name, files[i]))
			return 1;
	return 0;
}

static void bug_line(const char *m, void *ctx)
{
	struct bug_scan *b = ctx;
	size_t i;

	if (b->except && strstr(m, b->except))
		return;
	if (strstr(m, DEBUGFS_RACE_MSG) && our_debugfs_file(m)) {
		b->race_msg = 1;
		return;
	}
	if (b->held[0] && strstr(m, "Modules linked in:")) {
		if (module_listed(m)) {
			b->known++;
			diag("kernel log: upstream debugfs open-vs-rmmod race, not counted (virtio_dma_policy being removed): %s",
			     b->held);
		} else {
			count_bug(b, b->held);
		}
		b->held[0] = 0;
		return;
	}
	if (b->race_msg && strstr(m, "WARNING:") && strstr(m, "fs/debugfs/file.c") &&
	    !b->held[0]) {
		b->race_msg = 0;
		snprintf(b->held, sizeof(b->held), "%s", m);
		return;
	}
	for (i = 0; i < sizeof(bug_marks) / sizeof(bug_marks[0]); i++)
		if (strstr(m, bug_marks[i])) {
			count_bug(b, m);
			return;
		}
}

/* clean-log [except=TEXT] */
void step_clean_log(char **tok, int n, const char *line)
{
	unsigned long long seq = 0;
	struct bug_scan b = { .except = kv(tok, n, "except") };

	kmsg_scan(&seq, bug_line, &b);
	if (b.held[0])
		count_bug(&b, b.held); /* its module list never came */
	tap(!b.hits, "kernel log since boot: no kernel bug report (WARN, BUG, KASAN, lockdep, RCU stall, lockup, hung task): %d found%s",
	    b.hits, b.known ? " (upstream debugfs open-vs-rmmod WARN listed above, not counted)" : "");
}

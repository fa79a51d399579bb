// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: loops that run at the same time on different CPUs (the
 * kernel log check that follows them, clean-log, is in klog.c).
 *
 *   loop NAME cpu=N [pause=MS] OP [ARGS...]
 *                                  declares a loop (not started yet); pause:
 *                                  a sleep between iterations
 *   churn SECONDS                  runs every declared loop, each in its own
 *                                  process pinned to its CPU, for SECONDS;
 *                                  then one check per loop
 *
 * OPs, each repeated until the time is up:
 *   io TAG            check the data on the disk, write the next generation,
 *                     read it back (the generation the disk ends with is
 *                     what the later checks and the host expect)
 *   rebind TAG        unbind the driver, bind it, wait for the probe
 *   reprobe TAG       the module's debugfs reprobe, wait for the probe
 *   rescan TAG        remove the disk's PCI function, rescan the bus, wait
 *                     for the new virtio device's probe
 *   rules TEXT...     write the texts in turn; '!TEXT' must fail (EINVAL)
 *                     and change nothing, the others must succeed
 *   mode              flip the mode (audit, enforce; enforce at the end)
 *   read              read the module's devices and rules files
 *   modcycle PARAMS   rmmod the module (refused while devices are hooked)
 *                     and, when it went, insmod it again with PARAMS; the
 *                     other loops then take the module's files missing
 *                     (ENOENT, ENODEV, ENXIO while it goes or comes) as a
 *                     skipped iteration
 *
 * A loop fails at its first failed iteration (said with the loop's line),
 * when it did no iteration at all, or when it outlives the churn by more
 * than CHURN_GRACE_MS (killed: a hung sysfs write or I/O).  The loops share
 * nothing but the kernel they drive: what one does (a rules write, an
 * unbind) is what the others must survive.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

#define MAX_LOOPS 8
#define CHURN_GRACE_MS 60000
#define PROBE_WAIT_MS 30000

/* What a loop's process tells the agent (shared memory). */
struct loop_result {
	long iters;
	long fails;
	long cycles;          /* modcycle: the module removed and loaded again */
	int gen;              /* io: the generation the disk holds */
	char err[240];        /* the first failure */
};

struct loop {
	char name[24];
	int cpu;
	int pause_ms;         /* between iterations (pause=MS) */
	char line[1024];      /* OP and ARGS, for the check's text */
	char buf[1024];       /* tokenized copy of line */
	char *argv[MAX_TOK];
	int argc;
	struct disk *d;       /* the disk OP works on, if any */
	pid_t pid;
	struct loop_result *res;
};

static struct loop loops[MAX_LOOPS];
static int nloops;

static void fail(struct loop *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct loop *l, const char *fmt, ...)
{
	va_list ap;

	l->res->fails++;
	if (l->res->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(l->res->err, sizeof(l->res->err), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Operations (in the loop's process)                                  */
/* ------------------------------------------------------------------ */

/* Waits until the disk's device exists again and its probe ended bound. */
static int wait_probed(struct disk *d)
{
	long deadline = now_ms() + PROBE_WAIT_MS;

	d->vdev[0] = 0;
	while (now_ms() < deadline) {
		if (!disk_pending(d))
			return disk_bound(d) ? 0 : -ENODEV;
		sleep_ms(20);
	}
	return -ETIMEDOUT;
}

/* After what: the loop's disk probed and bound again, or a failure. */
static int probed_after(struct loop *l, const char *what)
{
	int rc = wait_probed(l->d);

	if (rc)
		fail(l, "disk %s: after %s: %s", l->d->tag, what, errname(-rc));
	return rc;
}

static int op_io(struct loop *l)
{
	static unsigned char *buf, *want;
	struct disk *d = l->d;
	char blk[32], dev[64];
	size_t off;
	int fd, gen = l->res->gen;

	if (!buf && (posix_memalign((void **)&buf, 4096, IO_SIZE) ||
		     posix_memalign((void **)&want, 4096, IO_SIZE))) {
		fail(l, "out of memory");
		return -1;
	}
	disk_blk(d, blk, sizeof(blk));
	snprintf(dev, sizeof(dev), "/dev/%s", blk);
	fd = blk[0] ? open(dev, O_RDWR | O_DIRECT | O_CLOEXEC) : -1;
	if (fd < 0) {
		fail(l, "open %s: %s", blk[0] ? dev : "(no block device)", errname(errno));
		return -1;
	}
	for (off = 0; off < IO_SIZE; off += IO_CHUNK)
		if (pread(fd, buf + off, IO_CHUNK, IO_OFFSET + off) != IO_CHUNK)
			goto io_err;
	pattern_fill(want, IO_SIZE, scen_name, d->tag, gen);
	if (memcmp(buf, want, IO_SIZE)) {
		fail(l, "generation %d: the data read differs", gen);
		goto out;
	}
	pattern_fill(want, IO_SIZE, scen_name, d->tag, gen + 1);
	for (off = 0; off < IO_SIZE; off += IO_CHUNK)
		if (pwrite(fd, want + off, IO_CHUNK, IO_OFFSET + off) != IO_CHUNK)
			goto io_err;
	if (fdatasync(fd) < 0)
		goto io_err;
	l->res->gen = gen + 1;
	memset(buf, 0, IO_SIZE);
	for (off = 0; off < IO_SIZE; off += IO_CHUNK)
		if (pread(fd, buf + off, IO_CHUNK, IO_OFFSET + off) != IO_CHUNK)
			goto io_err;
	if (memcmp(buf, want, IO_SIZE))
		fail(l, "generation %d: read back differs", gen + 1);
	goto out;
io_err:
	fail(l, "%s: I/O error at %zu: %s", dev, off, errname(errno));
out:
	close(fd);
	return l->res->err[0] ? -1 : 0;
}

/* A modcycle loop runs: the module's files may be gone for a moment. */
static int module_may_be_absent;

/*
 * What a use of the module's files gets while the module goes or comes:
 * ENOENT (no file yet or any more), ENODEV (a parameter written while
 * the module unloads), ENXIO (a debugfs file removed under its reader).
 */
static int module_absent(int rc)
{
	return module_may_be_absent &&
	       (rc == -ENOENT || rc == -ENODEV || rc == -ENXIO);
}

static int write_expect(struct loop *l, const char *path, const char *val, int want)
{
	int rc = write_str(path, val);

	if (module_absent(rc))
		return 0;

	if (rc != -want) {
		fail(l, "write '%.60s' to %s: %s, expected %s", val, path,
		     rc ? errname(-rc) : "ok", want ? errname(want) : "ok");
		return -1;
	}
	return 0;
}

static int op_rebind(struct loop *l)
{
	struct disk *d = l->d;
	char path[160];

	if (!d->vdev[0] && !disk_find(d)) {
		fail(l, "disk %s: no device", d->tag);
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/bus/virtio/drivers/%s/unbind", d->driver);
	if (write_expect(l, path, d->vdev, 0))
		return -1;
	snprintf(path, sizeof(path), "/sys/bus/virtio/drivers/%s/bind", d->driver);
	if (write_expect(l, path, d->vdev, 0))
		return -1;
	return probed_after(l, "bind");
}

static int op_reprobe(struct loop *l)
{
	struct disk *d = l->d;

	if (!d->vdev[0] && !disk_find(d)) {
		fail(l, "disk %s: no device", d->tag);
		return -1;
	}
	if (write_expect(l, VDP_DEBUGFS "/reprobe", d->vdev, 0))
		return -1;
	return probed_after(l, "reprobe");
}

static int op_rescan(struct loop *l)
{
	struct disk *d = l->d;
	char path[160];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", d->pci);
	if (write_expect(l, path, "1", 0))
		return -1;
	if (write_expect(l, "/sys/bus/pci/rescan", "1", 0))
		return -1;
	return probed_after(l, "rescan");
}

static int op_rules(struct loop *l)
{
	const char *text = l->argv[1 + l->res->iters % (l->argc - 1)];
	int bad = text[0] == '!';

	return write_expect(l, VDP_SYS "/parameters/rules", text + bad, bad ? EINVAL : 0);
}

static int op_mode(struct loop *l)
{
	return write_expect(l, VDP_SYS "/parameters/mode",
			    l->res->iters % 2 ? "enforce" : "audit", 0);
}

static int op_read(struct loop *l)
{
	static char b[65536];
	long n;

	n = read_file(VDP_DEBUGFS "/devices", b, sizeof(b));
	if (module_absent((int)n))
		return 0;
	if (n <= 0 || strncmp(b, "# name ", 7)) {
		fail(l, "devices file: %s", n < 0 ? errname((int)-n) : "no header");
		return -1;
	}
	n = read_file(VDP_DEBUGFS "/rules", b, sizeof(b));
	if (module_absent((int)n))
		return 0;
	if (n <= 0 || b[0] != '#') {
		fail(l, "rules file: %s", n < 0 ? errname((int)-n) : "no header");
		return -1;
	}
	return 0;
}

static int op_modcycle(struct loop *l)
{
	char params[900] = "", msg[200];
	int i, rc;

	if (syscall(SYS_delete_module, VDP_NAME, O_NONBLOCK) < 0) {
		if (errno == EWOULDBLOCK || errno == EBUSY) {
			sleep_ms(1);	/* in use: refused, as it must be */
			return 0;
		}
		fail(l, "rmmod: %s", errname(errno));
		return -1;
	}
	for (i = 1; i < l->argc; i++)
		snprintf(params + strlen(params), sizeof(params) - strlen(params),
			 "%s%s", i > 1 ? " " : "", l->argv[i]);
	rc = insmod(VDP_KO, params, msg, sizeof(msg));
	if (rc) {
		fail(l, "insmod after rmmod: %s", msg);
		return -1;
	}
	l->res->cycles++;
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct loop *l);
	int needs_disk;
	int min_args;
} ops[] = {
	{ "io", op_io, 1, 2 },
	{ "rebind", op_rebind, 1, 2 },
	{ "reprobe", op_reprobe, 1, 2 },
	{ "rescan", op_rescan, 1, 2 },
	{ "rules", op_rules, 0, 2 },
	{ "mode", op_mode, 0, 1 },
	{ "read", op_read, 0, 1 },
	{ "modcycle", op_modcycle, 0, 1 },
};

static int op_index(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, name))
			return (int)i;
	return -1;
}

static void loop_body(struct loop *l, long deadline)
{
	int op = op_index(l->argv[0]);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(l->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fail(l, "cannot run on CPU %d: %s", l->cpu, errname(errno));
		return;
	}
	while (now_ms() < deadline) {
		if (ops[op].fn(l))
			break;
		l->res->iters++;
		if (l->pause_ms)
			sleep_ms(l->pause_ms);
	}
	/* a flipped mode goes back to what the scenario set */
	if (!strcmp(ops[op].name, "mode") && l->res->iters % 2)
		write_str(VDP_SYS "/parameters/mode", "enforce");
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */
/* ------------------------------------------------------------------ */

/* loop NAME [cpu=N] [pause=MS] OP [ARGS...] */
void step_loop(char **tok, int n, const char *line)
{
	struct loop *l;
	const char *cpu = kv(tok, n, "cpu"), *pause = kv(tok, n, "pause");
	int i, op, first = 2 + !!cpu + !!pause;

	if (nloops == MAX_LOOPS || n <= first) {
		tap(0, "loop %s: too many loops or no operation", tok[1]);
		return;
	}
	l = &loops[nloops];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", tok[1]);
	l->cpu = cpu ? atoi(cpu) : 0;
	l->pause_ms = pause ? atoi(pause) : 0;
	for (i = first; i < n; i++)
		snprintf(l->line + strlen(l->line), sizeof(l->line) - strlen(l->line),
			 "%s%s", i > first ? " " : "", tok[i]);
	memcpy(l->buf, l->line, sizeof(l->buf));
	for (char *save = NULL, *t = strtok_r(l->buf, " ", &save);
	     t && l->argc < MAX_TOK; t = strtok_r(NULL, " ", &save))
		l->argv[l->argc++] = t;
	op = op_index(l->argv[0]);
	if (op < 0 || l->argc < ops[op].min_args) {
		tap(0, "loop %s: unknown operation or missing arguments: %s", l->name, l->line);
		return;
	}
	if (ops[op].needs_disk && !(l->d = disk_by_tag(l->argv[1]))) {
		tap(0, "loop %s: no disk %s", l->name, l->argv[1]);
		return;
	}
	if (l->cpu >= get_nprocs()) {
		tap(0, "loop %s: CPU %d, but the guest has %d", l->name, l->cpu, get_nprocs());
		return;
	}
	nloops++;
}

/* churn SECONDS: every declared loop at once, one check per loop. */
void step_churn(char **tok, int n, const char *line)
{
	long secs = n > 1 ? strtol(tok[1], NULL, 0) : 30;
	long start = now_ms(), deadline = start + secs * 1000, hard;
	int i, left;

	diag("churn: %d loops for %ld s on %d CPUs", nloops, secs, get_nprocs());
	module_may_be_absent = 0;
	for (i = 0; i < nloops; i++)
		if (!strcmp(loops[i].argv[0], "modcycle"))
			module_may_be_absent = 1;
	for (i = 0; i < nloops; i++) {
		struct loop *l = &loops[i];

		l->res = mmap(NULL, sizeof(*l->res), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (l->res == MAP_FAILED) {
			l->res = NULL;
			l->pid = -1;
			continue;
		}
		memset(l->res, 0, sizeof(*l->res));
		if (l->d)
			l->res->gen = l->d->gen;
		l->pid = fork();
		if (l->pid == 0) {
			loop_body(l, deadline);
			_exit(0);
		}
	}
	/* wait for every loop; kill what outlives the grace period */
	hard = deadline + CHURN_GRACE_MS;
	do {
		left = 0;
		for (i = 0; i < nloops; i++) {
			struct loop *l = &loops[i];
			int st;

			if (l->pid <= 0)
				continue;
			if (waitpid(l->pid, &st, WNOHANG) == l->pid) {
				l->pid = 0;
				continue;
			}
			if (now_ms() > hard) {
				kill(l->pid, SIGKILL);
				waitpid(l->pid, &st, 0);
				l->pid = -2;	/* hung */
				continue;
			}
			left++;
		}
		if (left)
			sleep_ms(50);
	} while (left);

	for (i = 0; i < nloops; i++) {
		struct loop *l = &loops[i];
		struct loop_result *r = l->res;
		char what[64];

		if (!r) {
			tap(0, "loop %s (%s): could not start", l->name, l->line);
			continue;
		}
		/* modcycle: at least one rmmod must have succeeded */
		if (!strcmp(l->argv[0], "modcycle"))
			snprintf(what, sizeof(what), ", %ld rmmod/insmod cycles", r->cycles);
		else
			what[0] = 0;
		tap(l->pid == 0 && !r->fails && r->iters > 0 && (!what[0] || r->cycles),
		    "loop %s on CPU %d (%s): %ld iterations%s%s%s%s", l->name, l->cpu,
		    l->line, r->iters, what, l->pid == -2 ? ", HUNG (killed)" : "",
		    r->err[0] ? ", failed: " : r->iters ? "" : ", none done",
		    r->err);
		if (l->d) {
			if (!strcmp(l->argv[0], "io"))
				l->d->gen = r->gen;
			l->d->vdev[0] = 0;	/* rescans rename the device */
		}
		munmap(r, sizeof(*r));
	}
	diag("churn: %ld ms", now_ms() - start);
	nloops = 0;
	settle(SETTLE_TIMEOUT_MS);
}

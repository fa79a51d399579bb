// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the guest side of the QEMU boot tests.  One program for every
 * architecture, linked statically against glibc (the distribution's
 * libc6-dev / libc6-dev-<arch>-cross), run as /init from an initramfs.
 *
 * It mounts proc/sys/devtmpfs/debugfs/tracefs, enables the swiotlb and iommu
 * trace events, then executes the steps of /plan (a scenario file
 * normalised by qemu-tests/run) and prints one TAP line per check on the
 * console.  Anything that may block (module loading, I/O, sysfs writes that
 * probe devices) runs in a child process with a deadline, so a hung device
 * becomes "not ok" and the guest still reaches its exit: x86 writes to the
 * isa-debug-exit port, other arches use sysrq-b with -no-reboot.
 *
 * The same source built for the host ("vdp-agent pattern ...") writes and
 * verifies the data patterns in the disk images.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#endif

#include "agent.h"

#define IO_TIMEOUT_MS 30000
#define MAX_DISKS 16
#define TRACEFS "/sys/kernel/tracing"

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
/* Output                                                              */
/* ------------------------------------------------------------------ */

static int tap_n, tap_failed;
char scen_name[64] = "unnamed";

void out(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write per line keeps lines whole on the console */
	if (write(1, line, n) < 0) {
		/* nothing sensible to do */
	}
}


void tap(int ok, const char *fmt, ...)
{
	char what[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_n++;
	if (!ok)
		tap_failed++;
	out("%sok %d - %s: %s", ok ? "" : "not ", tap_n, scen_name, what);
}

/* ------------------------------------------------------------------ */
/* Small file helpers                                                  */
/* ------------------------------------------------------------------ */

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Reads a file into buf (NUL-terminated); returns length or -errno. */
long read_file(const char *path, char *buf, size_t size)
{
	long n = 0, r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)n < size - 1) {
		r = read(fd, buf + n, size - 1 - n);
		if (r < 0) {
			r = -errno;
			close(fd);
			buf[n] = 0;
			return r;
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = 0;
	close(fd);
	return n;
}

/* Writes a string in one write(); returns 0 or -errno. */
static int write_file(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, len) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

int write_str(const char *path, const char *s)
{
	return write_file(path, s, strlen(s));
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

#define CHILD_TIMEOUT (-1000)
#define CHILD_SIGNALED (-1001)

/* errno names of the plan (expect=) and of the TAP lines, both ways */
static const struct { const char *n; int e; } err_names[] = {
	{ "success", 0 }, { "EINVAL", EINVAL }, { "EBUSY", EBUSY }, { "EAGAIN", EAGAIN },
	{ "ENODEV", ENODEV }, { "ENOENT", ENOENT }, { "EEXIST", EEXIST }, { "EPERM", EPERM },
	{ "ENOEXEC", ENOEXEC }, { "EIO", EIO }, { "ETIMEDOUT", ETIMEDOUT }, { "ENOSPC", ENOSPC },
	{ "ERANGE", ERANGE }, { "E2BIG", E2BIG }, { "EFAULT", EFAULT }, { "ENOMEM", ENOMEM },
	{ "ENXIO", ENXIO }, { "timeout", CHILD_TIMEOUT }, { "killed", CHILD_SIGNALED },
};

const char *errname(int e)
{
	size_t i;

	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++)
		if (err_names[i].e == e)
			return err_names[i].n;
	return strerror(e);
}

/* expect=NAME: an errno name, or ok / 0 for success; -1 if unknown */
static int errno_by_name(const char *s)
{
	size_t i;

	if (!strcmp(s, "ok") || !strcmp(s, "0"))
		return 0;
	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++)
		if (err_names[i].e > 0 && !strcmp(s, err_names[i].n))
			return err_names[i].e;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Children with deadlines                                             */
/* ------------------------------------------------------------------ */

typedef int (*child_fn)(void *arg, int msgfd);

/* A timed-out child's kernel stack, as diagnostics: where it waits. */
static void dump_stack_of(pid_t pid)
{
	char path[64], buf[2048], *line, *save;
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return;
	buf[r] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		diag("timed-out child %d: %s", (int)pid, line);
}

/*
 * Runs fn in a child; returns its exit status (0..255), CHILD_TIMEOUT when
 * the deadline passed (the child is left behind: a task blocked in the
 * kernel cannot be killed), or CHILD_SIGNALED.  msg receives what the child
 * wrote to msgfd.
 */
static int run_child(child_fn fn, void *arg, long timeout_ms, char *msg,
		     size_t msgsz)
{
	int p[2], st, rc = CHILD_TIMEOUT;
	size_t got = 0;
	long deadline = now_ms() + timeout_ms;
	pid_t pid;

	if (msg && msgsz)
		msg[0] = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[0]);
		alarm((timeout_ms + 999) / 1000 + 1);
		_exit(fn(arg, p[1]) & 0xff);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		struct pollfd pfd = { p[0], POLLIN, 0 };

		if (msg && got < msgsz - 1) {
			ssize_t r = read(p[0], msg + got, msgsz - 1 - got);

			if (r > 0) {
				got += r;
				msg[got] = 0;
			}
		}
		if (w == pid) {
			if (WIFEXITED(st))
				rc = WEXITSTATUS(st);
			else
				rc = CHILD_SIGNALED;
			break;
		}
		if (now_ms() > deadline) {
			dump_stack_of(pid);
			kill(pid, SIGKILL);
			rc = CHILD_TIMEOUT;
			break;
		}
		poll(&pfd, 1, 20);
	}
	if (msg && got < msgsz - 1) {
		ssize_t r = read(p[0], msg + got, msgsz - 1 - got);

		if (r > 0) {
			got += r;
			msg[got] = 0;
		}
	}
	close(p[0]);
	if (msg)
		chomp(msg);
	return rc;
}

static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void msgf(int fd, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0 && write(fd, b, n > (int)sizeof(b) ? (int)sizeof(b) : n) < 0) {
		/* ignore */
	}
}

struct rf_arg { const char *path; };

static int read_file_child(void *a, int msgfd)
{
	struct rf_arg *r = a;
	char b[4096];
	ssize_t n;
	int fd = open(r->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno & 0xff;
	while ((n = read(fd, b, sizeof(b))) > 0)
		if (write(msgfd, b, n) != n)
			return EIO;
	return n < 0 ? errno & 0xff : 0;
}

/*
 * read_file() in a child with a deadline: a module file whose show()
 * blocks (a lock held by a hung probe) must not stop the agent.  Returns
 * the length, or -errno (-ETIMEDOUT).  Trailing blanks are dropped.
 */
static long read_file_timed(const char *path, char *buf, size_t size)
{
	struct rf_arg r = { path };
	int rc = run_child(read_file_child, &r, 10000, buf, size);

	if (rc == CHILD_TIMEOUT)
		return -ETIMEDOUT;
	if (rc)
		return rc > 0 ? -rc : -EIO;
	return (long)strlen(buf);
}

/* Every line of a file (read with a deadline) as "# <prefix>: <line>". */
static void dump_file(const char *path, const char *prefix)
{
	static char buf[65536];
	char *l, *sv = NULL;

	if (read_file_timed(path, buf, sizeof(buf)) <= 0)
		return;
	for (l = strtok_r(buf, "\n", &sv); l; l = strtok_r(NULL, "\n", &sv))
		out("# %s: %s", prefix, l);
}

/* printable copy of s for a TAP description */
static const char *esc(const char *s)
{
	static char b[4][512];
	static int k;
	char *o = b[k++ % 4];
	size_t i = 0;

	for (; *s && i < sizeof(b[0]) - 5; s++) {
		if (*s == '\n') {
			o[i++] = '\\';
			o[i++] = 'n';
		} else if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			i += snprintf(o + i, 5, "\\x%02x", (unsigned char)*s);
		} else {
			o[i++] = *s;
		}
	}
	o[i] = 0;
	return o;
}

/* ------------------------------------------------------------------ */
/* Kernel log                                                          */
/* ------------------------------------------------------------------ */

static unsigned long long kmsg_mark; /* sequence number seen so far */
static unsigned long long vdp_mark;  /* kmsg_mark at the last vdp step */

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

static void kmsg_set_mark(void)
{
	kmsg_scan(&kmsg_mark, NULL, NULL);
}

static void print_kmsg_line(const char *m, void *ctx)
{
	(void)ctx;
	out("# dmesg: %s", m);
}

/* ------------------------------------------------------------------ */
/* Modules                                                             */
/* ------------------------------------------------------------------ */

struct dep { char name[64]; char deps[512]; };
static struct dep deps[128];
static int ndeps;

static void load_deps(void)
{
	char buf[16384], *line, *save = NULL;

	if (read_file("/modules/deps", buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line && ndeps < 128;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c = strchr(line, ':');

		if (!c)
			continue;
		*c = 0;
		snprintf(deps[ndeps].name, sizeof(deps[ndeps].name), "%s", line);
		snprintf(deps[ndeps].deps, sizeof(deps[ndeps].deps), "%s", c + 1);
		ndeps++;
	}
}

static int module_loaded(const char *name)
{
	char buf[64 * 1024], pat[80];
	size_t l;

	if (read_file("/proc/modules", buf, sizeof(buf)) < 0)
		return 0;
	l = snprintf(pat, sizeof(pat), "%s ", name);
	if (!strncmp(buf, pat, l))
		return 1;
	snprintf(pat, sizeof(pat), "\n%s ", name);
	return strstr(buf, pat) != NULL;
}

static int is_builtin(const char *name)
{
	static char buf[65536];
	static long n = -2;
	size_t l = strlen(name);
	const char *p;

	if (n == -2)
		n = read_file("/modules/builtin", buf, sizeof(buf));
	for (p = n > 0 ? buf : NULL; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, l) && (p[l] == '\n' || !p[l]))
			return 1;
	return 0;
}

struct insmod_arg { const char *path; const char *params; };

static int insmod_child(void *a, int msgfd)
{
	struct insmod_arg *ia = a;
	int fd = open(ia->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		msgf(msgfd, "open %s: %s", ia->path, errname(errno));
		return 254;
	}
	if (syscall(SYS_finit_module, fd, ia->params ? ia->params : "", 0) < 0) {
		int e = errno;

		msgf(msgfd, "finit_module %s: %s", ia->path, errname(e));
		return e & 0xff;
	}
	return 0;
}

/* Returns 0, a positive errno, or CHILD_TIMEOUT/CHILD_SIGNALED; msg set. */
static int insmod_within(const char *path, const char *params, long timeout_ms,
			 char *msg, size_t msz)
{
	struct insmod_arg ia = { path, params };

	return run_child(insmod_child, &ia, timeout_ms, msg, msz);
}

int insmod(const char *path, const char *params, char *msg, size_t msz)
{
	return insmod_within(path, params, LOAD_TIMEOUT_MS, msg, msz);
}

static int load_module(const char *name, const char *params, int depth)
{
	char path[256], msg[300], list[512], *t, *save = NULL;
	int i, rc;

	if (depth > 16)
		return -1;
	if (module_loaded(name))
		return 0;
	for (i = 0; i < ndeps; i++) {
		if (strcmp(deps[i].name, name))
			continue;
		snprintf(list, sizeof(list), "%s", deps[i].deps);
		for (t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save))
			if (load_module(t, NULL, depth + 1))
				return -1;
	}
	snprintf(path, sizeof(path), "/modules/%s.ko", name);
	if (!exists(path)) {
		char sys[128];

		snprintf(sys, sizeof(sys), "/sys/module/%s", name);
		if (exists(sys) || is_builtin(name))
			return 0; /* built in */
		diag("module %s: not in the initramfs and not built in", name);
		return -1;
	}
	rc = insmod(path, params, msg, sizeof(msg));
	if (rc == EEXIST)
		return 0;
	if (rc) {
		diag("insmod %s %s: %s (%d)", name, params ? params : "", msg,
		     rc);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tokenizer                                                           */
/* ------------------------------------------------------------------ */

/* Splits a line into tokens; "..." quotes with \n \t \\ \" \xHH escapes. */
static int tokenize(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line, *o;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		tok[n++] = o = p;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1]) {
						p++;
						switch (*p) {
						case 'n': *o++ = '\n'; p++; break;
						case 't': *o++ = '\t'; p++; break;
						case 'x': {
							unsigned v = 0;
							int k;

							p++;
							for (k = 0; k < 2 && isxdigit((unsigned char)*p); k++, p++)
								v = v * 16 + (isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
							*o++ = (char)v;
							break;
						}
						default: *o++ = *p++; break;
						}
					} else {
						*o++ = *p++;
					}
				}
				if (*p == '"')
					p++;
			} else {
				*o++ = *p++;
			}
		}
		if (*p)
			p++;
		*o = 0;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Disks                                                               */
/* ------------------------------------------------------------------ */

static struct disk disks[MAX_DISKS];
static int ndisks;

struct disk *disk_by_tag(const char *tag)
{
	int i;

	for (i = 0; i < ndisks; i++)
		if (!strcmp(disks[i].tag, tag))
			return &disks[i];
	return NULL;
}

/* Finds the virtio device whose parent is d->pci. */
int disk_find(struct disk *d)
{
	DIR *dir = opendir("/sys/bus/virtio/devices");
	struct dirent *e;
	int found = 0;

	d->vdev[0] = 0;
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		char link[512], path[300], *last, *parent;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/virtio/devices/%s", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		last = strrchr(link, '/');
		if (!last)
			continue;
		*last = 0;
		parent = strrchr(link, '/');
		parent = parent ? parent + 1 : link;
		if (!strcmp(parent, d->pci)) {
			snprintf(d->vdev, sizeof(d->vdev), "%s", e->d_name);
			found = 1;
			break;
		}
	}
	closedir(dir);
	return found;
}

static unsigned long disk_status(struct disk *d)
{
	char p[128], b[64];

	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/status", d->vdev);
	if (read_file(p, b, sizeof(b)) <= 0)
		return 0;
	return strtoul(b, NULL, 0);
}

/* Name of the block device (vdX) of a disk, or "" */
void disk_blk(struct disk *d, char *out, size_t sz)
{
	char p[128];
	DIR *dir;
	struct dirent *e;

	out[0] = 0;
	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/block", d->vdev);
	dir = opendir(p);
	if (!dir)
		return;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.') {
			snprintf(out, sz, "%s", e->d_name);
			break;
		}
	closedir(dir);
}

int disk_bound(struct disk *d)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/driver", d->vdev);
	return exists(p);
}

/* Feature bit of the driver-visible (negotiated) feature string. */
static int disk_feature(struct disk *d, int bit, char *all, size_t allsz)
{
	char p[128], b[256];
	long n;

	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/features", d->vdev);
	n = read_file(p, b, sizeof(b));
	if (n <= 0)
		return -1;
	chomp(b);
	if (all)
		snprintf(all, allsz, "%s", b);
	if (bit >= (int)strlen(b))
		return 0;
	return b[bit] == '1';
}

#define VIRTIO_S_DRIVER_OK 4
#define VIRTIO_S_FAILED 0x80

/* Is the disk's device still missing or its probe still running? */
int disk_pending(struct disk *d)
{
	unsigned long st;
	char blk[32];

	if (!d->vdev[0] && !disk_find(d))
		return 1;
	st = disk_status(d);
	if (d->nodisk) {
		char p[128];

		/* pending only while its driver is there to probe it */
		snprintf(p, sizeof(p), "/sys/bus/virtio/drivers/%s", d->driver);
		return exists(p) && !(st & (VIRTIO_S_DRIVER_OK | VIRTIO_S_FAILED));
	}
	if (!(st & (VIRTIO_S_DRIVER_OK | VIRTIO_S_FAILED)))
		return 1;
	if (!(st & VIRTIO_S_DRIVER_OK))
		return 0;
	disk_blk(d, blk, sizeof(blk));
	return !blk[0];
}

/*
 * Waits until every disk's device exists and its probe has ended.  A disk
 * still pending at the deadline is marked stuck and not waited for again
 * (its checks fail: a stuck probe never looks like a clean failure), so
 * one hung probe costs one timeout, not one per later step.
 */
void settle(long timeout_ms)
{
	settle_only(NULL, timeout_ms);
}

/* settle() for one disk (tag), or every disk (NULL or "all"). */
void settle_only(const char *tag, long timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	int i, pending;

#define SETTLE_WANTS(d) (!(d)->stuck && !(d)->nowait && \
			 (!tag || !strcmp(tag, "all") || !strcmp(tag, (d)->tag)))
	do {
		pending = 0;
		for (i = 0; i < ndisks; i++)
			if (SETTLE_WANTS(&disks[i]) && disk_pending(&disks[i]))
				pending++;
		if (!pending)
			return;
		sleep_ms(50);
	} while (now_ms() < deadline);
	for (i = 0; i < ndisks; i++) {
		if (SETTLE_WANTS(&disks[i]) && disk_pending(&disks[i])) {
			disks[i].stuck = 1;
			diag("settle: disk %s still probing after %ld ms: marked stuck",
			     disks[i].tag, timeout_ms);
		}
	}
#undef SETTLE_WANTS
}

/* ------------------------------------------------------------------ */
/* Tracing                                                             */
/* ------------------------------------------------------------------ */

static int have_bounce_event, have_map_event, have_xlate_probe, have_dmamap_probe;

/*
 * Kprobe events (group "vdp") that show what the DMA API does where no
 * tracepoint does:
 *  - dmamap: every dma_map_page_attrs() (virtio_ring maps each buffer with
 *    it) and the bus address it returned, on every arch;
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
		else
			have_xlate_probe = 1;
	}
	close(fd);
}

/* All the events trace_setup() enabled, on or off. */
static void trace_events(int on)
{
	const char *v = on ? "1" : "0";

	if (have_bounce_event)
		write_str(TRACEFS "/events/swiotlb/swiotlb_bounced/enable", v);
	if (have_map_event)
		write_str(TRACEFS "/events/iommu/map/enable", v);
	if (have_xlate_probe || have_dmamap_probe)
		write_str(TRACEFS "/events/vdp/enable", v);
}

static void trace_setup(void)
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
static int have_maps(void)
{
	return have_map_event || have_xlate_probe || have_dmamap_probe;
}

static void trace_clear(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

struct tcount {
	long bounces;   /* swiotlb_bounced of this DMA device */
	long maps;      /* translated mappings: iommu/map + xlate_* + window */
	long map_events, xlate, window;
	long dmamaps;   /* dma_map_page_attrs calls */
	unsigned long long lo, hi; /* their bus addresses */
	long lost;      /* trace entries overwritten */
};

/*
 * Counts, in the trace buffer: bounce events of one DMA device, iommu map
 * events, IOMMU probe hits and DMA API mappings (with the range of their
 * bus addresses).  The I/O windows are serialised, so everything but the
 * bounces (which name their device) is attributed to the disk under test.
 */
static void trace_count(const char *dev, struct tcount *c)
{
	char line[1024], needle[96];
	FILE *f = fopen(TRACEFS "/trace", "re");

	memset(c, 0, sizeof(*c));
	c->lo = ~0ull;
	if (!f)
		return;
	snprintf(needle, sizeof(needle), "dev_name: %s ", dev);
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
static void trace_quiesce(void)
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

/* ------------------------------------------------------------------ */
/* I/O check                                                           */
/* ------------------------------------------------------------------ */

struct io_arg { struct disk *d; char dev[64]; int gen; };

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

/* exit: 0 ok, 1 host pattern differs, 2 readback differs, 3 I/O error */
static int io_child(void *a, int msgfd)
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
	fd = open(ia->dev, O_RDWR | O_DIRECT | O_CLOEXEC);
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
	return 0;
}

/* ------------------------------------------------------------------ */
/* The module's debugfs table                                          */
/* ------------------------------------------------------------------ */

#define MAX_COLS 20
struct row { int n; char col[MAX_COLS][80]; };

static int vdp_loaded;   /* the scenario loaded the module (and it is in) */
static int vdp_wanted;   /* the scenario uses the module */
static const char *vdp_missing_why = "module not loaded";

/*
 * Finds the row of a device in the devices table.  The header names the
 * columns; the row is found by the parent (PCI address) or name column.
 * Returns 1 with hdr/row filled, 0 if absent, -errno if unreadable.
 */
static int vdp_row(struct disk *d, struct row *hdr, struct row *row)
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
static const char *col(const struct row *hdr, const struct row *row,
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

/* ------------------------------------------------------------------ */
/* check: the per-disk expectations                                    */
/* ------------------------------------------------------------------ */

const char *kv(char **tok, int n, const char *key)
{
	size_t l = strlen(key);
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(tok[i], key, l) && tok[i][l] == '=')
			return tok[i] + l + 1;
	return NULL;
}

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

static void check_disk(struct disk *d, char **tok, int n)
{
	const char *want_probe = kv(tok, n, "probe");
	const char *want_path = kv(tok, n, "path");
	const char *want_bounces = kv(tok, n, "bounces");
	const char *want_maps = kv(tok, n, "maps");
	const char *want_xlate = kv(tok, n, "xlate");
	const char *want_window = kv(tok, n, "window");
	const char *want_outcome = kv(tok, n, "outcome");
	static const char *const tablekeys[] = { "verdict", "reason", "rule", "prediction", "transport", "audit", "hooked", "iommu", "dma", NULL };
	static const char *const otherkeys[] = { "probe", "path", "bounces", "maps", "xlate", "window", "outcome", "io", "timeout", NULL };
	char blk[32] = "", feats[160] = "", msg[512], label[64];
	int probed, b33 = -1, io_ok = 0, io_ran = 0, i;
	struct tcount tc;
	long bounces = 0, maps = 0, lost = 0;
	const char *observed = NULL, *tpath = NULL;
	unsigned long st;
	const char *want_io = kv(tok, n, "io");
	int want_timeout = want_io && !strcmp(want_io, "timeout");
	int skip_io = d->nodisk || (want_io && !strcmp(want_io, "skip"));
	long io_timeout = kv(tok, n, "timeout") ? strtol(kv(tok, n, "timeout"), NULL, 0) * 1000 : IO_TIMEOUT_MS;

	if (!want_probe)
		want_probe = "ok";
	snprintf(label, sizeof(label), "%s %s (%s)", d->nodisk ? "device" : "disk", d->tag, d->pci);
	/* a misspelt key must fail, not silently check nothing */
	for (i = 0; i < n; i++) {
		const char *eq = strchr(tok[i], '=');
		size_t l = eq ? (size_t)(eq - tok[i]) : 0;
		int k, known = 0;

		for (k = 0; eq && tablekeys[k] && !known; k++)
			known = strlen(tablekeys[k]) == l && !strncmp(tok[i], tablekeys[k], l);
		for (k = 0; eq && otherkeys[k] && !known; k++)
			known = strlen(otherkeys[k]) == l && !strncmp(tok[i], otherkeys[k], l);
		if (!known)
			tap(0, "%s: check: unknown expectation '%s'", label, tok[i]);
	}
	if (!d->vdev[0] && !disk_find(d)) {
		tap(0, "%s: no virtio device with this parent", label);
		return;
	}
	snprintf(label, sizeof(label), "%s %s (%s %s)", d->nodisk ? "device" : "disk", d->tag,
		 d->pci, d->vdev);
	if (d->nodisk)	/* its driver may have been loaded just now */
		settle(SETTLE_TIMEOUT_MS);
	st = disk_status(d);
	if (!d->nodisk)
		disk_blk(d, blk, sizeof(blk));
	/*
	 * FAILED is not part of the success test: virtio does not reset the
	 * status before probing again, so a device that failed once and then
	 * bound shows FAILED | DRIVER_OK (0x87 legacy, 0x8f modern).  A clean
	 * failure is FAILED without DRIVER_OK (virtio_dev_probe's error path);
	 * a probe that is still running (a hang) has neither.
	 */
	probed = (st & VIRTIO_S_DRIVER_OK) && disk_bound(d) && (d->nodisk || blk[0]);
	if (!strcmp(want_probe, "ok"))
		tap(probed, "%s: probe succeeds (status 0x%lx, %s %s)%s",
		    label, st, d->nodisk ? "driver" : "block device",
		    d->nodisk ? d->driver : blk[0] ? blk : "none", d->stuck ? ": PROBE STUCK" : "");
	else
		tap(!probed && !blk[0] && (st & VIRTIO_S_FAILED) && !(st & VIRTIO_S_DRIVER_OK),
		    "%s: probe fails cleanly (status 0x%lx, driver %s, block device %s)%s",
		    label, st, disk_bound(d) ? "bound" : "none", blk[0] ? blk : "none",
		    d->stuck ? ": PROBE STUCK" : "");

	if (probed) {
		b33 = disk_feature(d, 33, feats, sizeof(feats));
		diag("%s features %s", label, feats);
	}
	if (probed && skip_io) {
		diag("%s: no I/O (io=skip)", label);
	} else if (probed && !d->hung) {
		struct io_arg ia;
		int rc;

		ia.d = d;
		ia.gen = d->gen;
		snprintf(ia.dev, sizeof(ia.dev), "/dev/%s", blk);
		trace_quiesce();
		trace_clear();
		rc = run_child(io_child, &ia, io_timeout, msg, sizeof(msg));
		trace_count(d->pci, &tc);
		bounces = tc.bounces;
		maps = tc.maps;
		lost = tc.lost;
		io_ran = 1;
		if (rc == CHILD_TIMEOUT) {
			char what[128];

			d->hung = 1;
			/* for the post-mortem: lost interrupt or lost request? */
			snprintf(what, sizeof(what), "%s: hung: interrupts", label);
			dump_file("/proc/interrupts", what);
		}
		if (rc == 0 || rc == 1 || rc == 2)
			d->gen++;  /* the new generation was written */
		io_ok = rc == 0;
		if (want_timeout)
			tap(rc == CHILD_TIMEOUT, "%s: I/O does not finish within %ld ms and the agent carries on (rc %d%s%s)",
			    label, io_timeout, rc, rc > 0 ? ": " : "", rc > 0 ? msg : "");
		else
			tap(io_ok, "%s: data intact (host pattern read, %u KiB written and read back, O_DIRECT)%s%s",
			    label, IO_SIZE >> 10,
			    rc == CHILD_TIMEOUT ? ": I/O HUNG (timeout)" : rc ? ": " : "",
			    rc > 0 ? msg : "");
		diag("%s: swiotlb bounces %ld, translated maps %ld (iommu/map %ld, IOMMU probe %ld, bus address beyond RAM %ld), DMA API maps %ld (bus 0x%llx..0x%llx) during the I/O%s",
		     label, bounces, maps, tc.map_events, tc.xlate, tc.window, tc.dmamaps, tc.lo, tc.hi,
		     lost ? " (trace buffer overflowed: counts are lower bounds)" : "");
		out("# disk %s gen %d", d->tag, d->gen);
	} else if (probed && d->hung) {
		tap(0, "%s: data intact: not tried, an earlier I/O on it hung", label);
	}

	/* observed path: bit 33 seen by the driver and what the I/O produced */
	if (probed && io_ran) {
		/* with the DMA API probe: the driver maps through the DMA
		 * API exactly when bit 33 is set */
		if (b33 == 0)
			observed = (maps || bounces || tc.dmamaps) ? "inconsistent" : "physical";
		else if (b33 == 1 && have_dmamap_probe && !tc.dmamaps)
			observed = "inconsistent";
		else if (b33 == 1)
			observed = maps ? "dma-api-iommu" : "dma-api-direct";
		else
			observed = "unknown";
	}

	/* module table: only a scenario with the module can expect rows */
	if (!vdp_wanted) {
		if (want_outcome)
			tap(0, "%s: outcome %s: the module is not loaded in this scenario", label, want_outcome);
		for (i = 0; tablekeys[i]; i++)
			if (kv(tok, n, tablekeys[i]))
				tap(0, "%s: module reports %s=%s: the module is not loaded in this scenario",
				    label, tablekeys[i], kv(tok, n, tablekeys[i]));
	} else {
		int need_table = want_outcome != NULL || want_path != NULL;

		for (i = 0; tablekeys[i]; i++)
			if (kv(tok, n, tablekeys[i]))
				need_table = 1;
		if (need_table) {
			struct row hdr, row;
			int r = vdp_loaded ? vdp_row(d, &hdr, &row) : -ENOENT;

			/*
			 * io=skip is for a disk whose probe is slow on purpose:
			 * its block device exists before the probe ends (the
			 * partition scan runs inside it), and the module decides
			 * at its end.  Wait for the decision (bounded).
			 */
			if (skip_io && r > 0) {
				long deadline = now_ms() + SETTLE_TIMEOUT_MS;
				const char *dc = col(&hdr, &row, "decision");

				while (r > 0 && dc && !strcmp(dc, "-") && now_ms() < deadline) {
					sleep_ms(200);
					r = vdp_row(d, &hdr, &row);
					dc = r > 0 ? col(&hdr, &row, "decision") : NULL;
				}
			}

			if (r <= 0) {
				const char *why = !vdp_loaded ? vdp_missing_why :
					r == 0 ? "device not in the module's devices table" :
					"devices table unreadable";

				if (want_outcome)
					tap(0, "%s: outcome one of %s: %s", label, want_outcome, why);
				if (want_path)
					tap(0, "%s: module reports path=%s: %s", label, want_path, why);
				for (i = 0; tablekeys[i]; i++)
					if (kv(tok, n, tablekeys[i]))
						tap(0, "%s: module reports %s=%s: %s", label,
						    tablekeys[i], kv(tok, n, tablekeys[i]), why);
			} else {
				const char *v = col(&hdr, &row, "verdict");
				const char *p = col(&hdr, &row, "path");
				const char *rs = col(&hdr, &row, "reason");
				char vpr[200];

				tpath = p;
				snprintf(vpr, sizeof(vpr), "%s/%s/%s", v ? v : "?", p ? p : "?", rs ? rs : "?");
				{
					char whole[400] = "";
					int k;

					for (k = 0; k < row.n; k++) {
						strncat(whole, row.col[k], sizeof(whole) - strlen(whole) - 2);
						strcat(whole, " ");
					}
					diag("%s: table row: %s", label, whole);
				}
				if (want_outcome)
					tap(one_of(want_outcome, vpr), "%s: outcome (verdict/path/reason) one of %s: got %s",
					    label, want_outcome, vpr);
				if (want_path)
					tap(p && !strcmp(p, want_path), "%s: module reports path=%s (got %s)",
					    label, want_path, p ? p : "no path column");
				for (i = 0; tablekeys[i]; i++) {
					const char *w = kv(tok, n, tablekeys[i]);
					const char *g = col(&hdr, &row, tablekeys[i]);

					if (!w)
						continue;
					tap(g && one_of(w, g), "%s: module reports %s=%s (got %s)", label,
					    tablekeys[i], w, g ? g : "no such column");
				}
			}
		}
	}

	/* reality: what the device actually gets */
	if (probed && io_ran) {
		const char *expect = want_path;

		if (want_outcome && tpath)
			expect = tpath; /* the module's claim must be the truth */
		if (expect)
			tap(!strcmp(observed, expect),
			    "%s: observed path %s (bit33 %d, translated maps %ld, bounces %ld), expected %s",
			    label, observed, b33, maps, bounces, expect);
		else
			diag("%s: observed path %s", label, observed);
		count_check(label, "swiotlb bounces", want_bounces,
			    have_bounce_event ? NULL : "swiotlb_bounced event missing", tc.bounces, tc.lost);
		count_check(label, "translated maps", want_maps,
			    have_maps() ? NULL : "no iommu/map event nor DMA probes", tc.maps, tc.lost);
		count_check(label, "IOMMU mapping calls (TCE / sun4u IOMMU)", want_xlate,
			    have_xlate_probe ? NULL : "no IOMMU probe on this arch", tc.xlate, tc.lost);
		count_check(label, "DMA API mappings at bus addresses beyond RAM (IOMMU window)",
			    want_window, have_dmamap_probe ? NULL : "no DMA API probe", tc.window, tc.lost);
	} else if (probed && (want_path || want_bounces || want_maps || want_xlate || want_window)) {
		tap(0, "%s: observed path/bounces/maps: no I/O was possible", label);
	}
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */
/* ------------------------------------------------------------------ */

struct sysw_arg { const char *path; const char *val; };

static int sysw_child(void *a, int msgfd)
{
	struct sysw_arg *s = a;
	int rc = write_str(s->path, s->val);

	if (rc)
		msgf(msgfd, "%s", errname(-rc));
	return (-rc) & 0xff;
}

static char dmesg_hits[4][300];
static int ndmesg_hits;

static void collect_vdp_msg(const char *m, void *ctx)
{
	(void)ctx;
	if (!strstr(m, VDP_NAME))
		return;
	if (strstr(m, "taints kernel") || strstr(m, "module verification failed"))
		return;
	if (ndmesg_hits < 4)
		snprintf(dmesg_hits[ndmesg_hits++], sizeof(dmesg_hits[0]), "%s", m);
}

struct log_find { const char *text; char hit[300]; };

static void find_log_line(const char *m, void *ctx)
{
	struct log_find *f = ctx;

	if (!f->hit[0] && strstr(m, f->text))
		snprintf(f->hit, sizeof(f->hit), "%s", m);
}

/* logged TEXT...: a kernel log line since the last vdp step contains TEXT */
static void step_logged(const char *line)
{
	struct log_find f = { line, "" };
	unsigned long long seq = vdp_mark;

	kmsg_scan(&seq, find_log_line, &f);
	tap(f.hit[0] != 0, "kernel log since the module's load has \"%s\"%s%s", esc(line),
	    f.hit[0] ? ": " : "", f.hit);
}

/* joins tok[1..n) as module parameters */
static void join_params(char **tok, int n, int from, char *out, size_t sz)
{
	int i;

	out[0] = 0;
	for (i = from; i < n; i++) {
		if (!strncmp(tok[i], "expect=", 7) || !strncmp(tok[i], "log=", 4) ||
		    !strncmp(tok[i], "load-timeout=", 13))
			continue;
		if (out[0])
			strncat(out, " ", sz - strlen(out) - 1);
		strncat(out, tok[i], sz - strlen(out) - 1);
	}
}

/* helper NAME [PARAM=VALUE...]: insmod the test-only /vdp/NAME.ko */
static void step_helper(char **tok, int n)
{
	char path[128], params[1024], msg[300];
	int rc;

	snprintf(path, sizeof(path), "/vdp/%s.ko", tok[1]);
	join_params(tok, n, 2, params, sizeof(params));
	if (!exists(path)) {
		tap(0, "helper %s %s: not built for this kernel", tok[1], esc(params));
		return;
	}
	rc = insmod(path, params, msg, sizeof(msg));
	tap(rc == 0, "helper %s %s loads%s%s", tok[1], esc(params), rc ? ": " : "",
	    rc == CHILD_TIMEOUT ? "TIMEOUT" : msg);
}

static int rmmod_child(void *arg, int msgfd)
{
	(void)arg;
	(void)msgfd;
	return syscall(SYS_delete_module, VDP_NAME, O_NONBLOCK) < 0 ? errno : 0;
}

/* delete_module in a child: the module's exit path may wait (debugfs readers) */
static int do_rmmod(void)
{
	return run_child(rmmod_child, NULL, LOAD_TIMEOUT_MS, NULL, 0);
}

static void step_vdp(char **tok, int n, int expect_fail)
{
	char params[4200], msg[300];
	const char *exp = kv(tok, n, "expect");
	const char *lt = kv(tok, n, "load-timeout");
	long load_ms = lt ? strtol(lt, NULL, 0) * 1000 : LOAD_TIMEOUT_MS;
	int want = expect_fail ? (exp ? errno_by_name(exp) : EINVAL) : 0;
	int rc;

	vdp_wanted = 1;
	join_params(tok, n, 1, params, sizeof(params));
	if (!exists(VDP_KO)) {
		vdp_missing_why = "virtio_dma_policy.ko was not built for this kernel";
		tap(0, "insmod virtio_dma_policy %s: MODULE MISSING (not built for this kernel)", esc(params));
		return;
	}
	kmsg_set_mark();
	vdp_mark = kmsg_mark;
	rc = insmod_within(VDP_KO, params, load_ms, msg, sizeof(msg));
	if (!expect_fail) {
		vdp_loaded = rc == 0;
		if (!vdp_loaded)
			vdp_missing_why = rc == CHILD_TIMEOUT ? "insmod timed out" : "insmod failed";
		tap(rc == 0, "insmod virtio_dma_policy %s%s%s%s", esc(params),
		    lt ? " within the load timeout" : "",
		    rc ? ": " : "", rc == CHILD_TIMEOUT ? "TIMEOUT" : msg);
		return;
	}
	tap(rc == want, "insmod virtio_dma_policy %s fails with %s (got %s)", esc(params),
	    errname(want), rc == CHILD_TIMEOUT ? "timeout" : rc < 0 ? "?" : errname(rc));
	tap(!module_loaded(VDP_NAME), "module not loaded after the failed insmod");
	if (rc == 0) {
		/* it loaded although it should not have: unload for what follows */
		do_rmmod();
	}
	ndmesg_hits = 0;
	kmsg_scan(&kmsg_mark, collect_vdp_msg, NULL);
	{
		const char *want_log = kv(tok, n, "log");
		int i, hit = -1;

		for (i = 0; i < ndmesg_hits && hit < 0; i++)
			if (!want_log || strstr(dmesg_hits[i], want_log))
				hit = i;
		tap(hit >= 0, "kernel log explains the failure%s%s%s: %s",
		    want_log ? " (naming \"" : "", want_log ? want_log : "", want_log ? "\")" : "",
		    hit >= 0 ? dmesg_hits[hit] : ndmesg_hits ? dmesg_hits[0] : "no virtio_dma_policy message");
	}
}

static void step_rules_write(char **tok, int n)
{
	char before[8192], after[8192], tb[65536], ta[65536];
	const char *exp = kv(tok, n, "expect");
	int want = exp ? errno_by_name(exp) : EINVAL, rc;
	const char *text;

	if (n < 2) {
		tap(0, "rules-write: no text in the plan");
		return;
	}
	text = tok[1];
	if (!vdp_loaded) {
		tap(0, "runtime write rules=%s: %s", esc(text), vdp_missing_why);
		return;
	}
	long rb, ra, rtb, rta;
	struct sysw_arg a = { VDP_SYS "/parameters/rules", text };
	char msg[200];

	rb = read_file_timed(VDP_SYS "/parameters/rules", before, sizeof(before));
	rtb = read_file_timed(VDP_DEBUGFS "/rules", tb, sizeof(tb));
	rc = run_child(sysw_child, &a, LOAD_TIMEOUT_MS, msg, sizeof(msg));
	rc = rc >= 0 ? -rc : -ETIMEDOUT;
	ra = read_file_timed(VDP_SYS "/parameters/rules", after, sizeof(after));
	rta = read_file_timed(VDP_DEBUGFS "/rules", ta, sizeof(ta));
	tap(-rc == want, "runtime write of rules \"%s\" returns %s (got %s)", esc(text),
	    errname(want), errname(-rc));
	if (want) {
		tap(rb >= 0 && ra >= 0 && !strcmp(before, after),
		    "rules parameter unchanged after the rejected write (\"%s\")", esc(before));
		tap(rtb >= 0 && rta >= 0 && !strcmp(tb, ta),
		    "debugfs rules table unchanged after the rejected write");
	}
}

static void step_rmmod(char **tok, int n)
{
	const char *exp = kv(tok, n, "expect");
	int busy = exp && strcmp(exp, "ok");
	int rc;

	if (!vdp_loaded) {
		tap(0, "rmmod virtio_dma_policy (%s): %s", busy ? "refused" : "succeeds", vdp_missing_why);
		return;
	}
	rc = do_rmmod();
	if (busy) {
		/* a held module reference gives EAGAIN (EWOULDBLOCK) */
		tap(rc == EBUSY || rc == EAGAIN,
		    "rmmod virtio_dma_policy while it has hooked bound devices is refused (got %s)",
		    errname(rc));
		tap(module_loaded(VDP_NAME), "module still loaded after the refused rmmod");
	} else {
		tap(rc == 0, "rmmod virtio_dma_policy succeeds (got %s)", errname(rc));
		tap(!module_loaded(VDP_NAME) && !exists(VDP_SYS), "module gone after rmmod");
		if (rc == 0) {
			vdp_loaded = 0;
			vdp_wanted = 0; /* later checks are stock */
		}
	}
}

/* bind|unbind <tag|all> */
static void step_bind(char **tok, int n, int bind)
{
	int i;

	for (i = 0; i < ndisks; i++) {
		struct disk *d = &disks[i];
		struct sysw_arg a;
		char path[128], msg[200];
		int rc;

		if (n > 1 && strcmp(tok[1], "all") && strcmp(tok[1], d->tag))
			continue;
		if (!d->vdev[0] && !disk_find(d)) {
			tap(0, "%s disk %s: device not found", bind ? "bind" : "unbind", d->tag);
			continue;
		}
		if (!bind && !disk_bound(d)) {
			diag("unbind disk %s: not bound", d->tag);
			continue;
		}
		snprintf(path, sizeof(path), "/sys/bus/virtio/drivers/%s/%s", d->driver,
			 bind ? "bind" : "unbind");
		a.path = path;
		a.val = d->vdev;
		rc = run_child(sysw_child, &a, LOAD_TIMEOUT_MS, msg, sizeof(msg));
		if (bind)
			diag("bind disk %s (%s): %s", d->tag, d->vdev,
			     rc == 0 ? "ok" : rc == CHILD_TIMEOUT ? "TIMEOUT" : msg);
		else
			tap(rc == 0 && !disk_bound(d), "unbind disk %s (%s)%s%s", d->tag, d->vdev,
			    rc ? ": " : "", rc == CHILD_TIMEOUT ? "TIMEOUT" : msg);
	}
	/* (only what was bound: other disks may be unbound on purpose) */
	if (bind)
		settle_only(n > 1 ? tok[1] : NULL, SETTLE_TIMEOUT_MS);
}

/*
 * restored TAG|all: after an unbind, the transport's DMA state (as the
 * module reads it now) is the one it had at bind, before the module changed
 * anything.  "all": every disk whose row has a state at bind.
 */
static void step_restored(char **tok, int n)
{
	int i, any = 0;

	for (i = 0; i < ndisks; i++) {
		struct disk *d = &disks[i];
		struct row hdr, row;
		const char *b, *w;
		int r, all = n < 2 || !strcmp(tok[1], "all");

		if (!all && strcmp(tok[1], d->tag))
			continue;
		if (!d->vdev[0])
			disk_find(d);
		r = vdp_loaded ? vdp_row(d, &hdr, &row) : -ENOENT;
		if (r <= 0) {
			if (!all)
				tap(0, "disk %s: DMA state restored: %s", d->tag,
				    !vdp_loaded ? vdp_missing_why : "not in the devices table");
			continue;
		}
		b = col(&hdr, &row, "dma-bind");
		w = col(&hdr, &row, "dma-now");
		if (all && (!b || !strcmp(b, "-")))
			continue;
		any = 1;
		tap(b && w && strcmp(b, "-") && !strcmp(b, w) && !disk_bound(d),
		    "disk %s (%s): unbound, its transport's DMA state is back to the one at bind (bind %s, now %s)",
		    d->tag, d->pci, b ? b : "?", w ? w : "?");
	}
	if (!any && (n < 2 || !strcmp(tok[1], "all")))
		tap(0, "restored all: no disk has a DMA state at bind in the devices table");
}

/*
 * drivers [nowait=TAG,TAG...]: the listed disks are not waited for (a probe
 * meant to be still running at the next step); later steps wait for them.
 */
static void step_drivers(char **tok, int n)
{
	const char *nw = kv(tok, n, "nowait");
	int i, rc = 0;

	for (i = 0; i < ndisks; i++) {
		const char *p = nw;
		size_t l = strlen(disks[i].tag);

		while (p && *p) {
			if (!strncmp(p, disks[i].tag, l) && (p[l] == ',' || !p[l]))
				disks[i].nowait = 1;
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
	}
	/* transports first: they create the virtio devices */
	rc |= load_module("virtio_pci", NULL, 0);
	/* drivers probe in the background: a device that hangs in its
	 * partition scan must not stop the others from probing */
	rc |= load_module("virtio_blk", "async_probe=1", 0);
	tap(rc == 0, "load virtio_pci and virtio_blk");
	settle(SETTLE_TIMEOUT_MS);
	for (i = 0; i < ndisks; i++) {
		disk_find(&disks[i]);
		diag("disk %s: parent %s -> %s%s", disks[i].tag, disks[i].pci,
		     disks[i].vdev[0] ? disks[i].vdev : "NOT FOUND",
		     disks[i].nowait ? (disk_pending(&disks[i]) ? " (probing, not waited for)" :
					" (not waited for, but probed already)") : "");
		disks[i].nowait = 0;
	}
}

static void step_check(char **tok, int n)
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

static void step_dump(void)
{
	if (!vdp_loaded)
		return;
	dump_file(VDP_DEBUGFS "/devices", "devices");
	dump_file(VDP_DEBUGFS "/rules", "rules");
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
static void step_bench(char **tok, int n)
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

/* ------------------------------------------------------------------ */
/* Boot and exit                                                       */
/* ------------------------------------------------------------------ */

static void mounts(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
}

static void console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static int any_disk_hung(void)
{
	int i;

	for (i = 0; i < ndisks; i++)
		if (disks[i].hung)
			return 1;
	return 0;
}

static void guest_exit(int code) __attribute__((noreturn));
static void guest_exit(int code)
{
	/* a hung device could block sync() forever */
	if (!any_disk_hung())
		sync();
#if defined(__sparc__)
	/*
	 * sun4u under OpenBIOS cannot reset (sysrq-b and panic end in "Reboot
	 * failed!"): power off.  reboot(RB_POWER_OFF) runs the drivers'
	 * shutdown and then machine_power_off(), OpenBIOS' SUNW,power-off,
	 * which makes QEMU exit.
	 */
	reboot(RB_POWER_OFF);
#endif
#if defined(__x86_64__) || defined(__i386__)
	/* -device isa-debug-exit,iobase=0xf4,iosize=0x04: QEMU exits with
	 * (code << 1) | 1 */
	if (ioperm(0xf4, 4, 1) == 0)
		outb((unsigned char)code, 0xf4);
#endif
	/* -no-reboot turns a reboot into QEMU exiting; device shutdown is
	 * skipped by sysrq-b, so a hung device cannot block it */
	write_str("/proc/sysrq-trigger", "b");
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void run_plan(void)
{
	static char plan[65536];
	char *line, *save = NULL;

	if (read_file("/plan", plan, sizeof(plan)) <= 0) {
		tap(0, "no /plan in the initramfs");
		return;
	}
	for (line = strtok_r(plan, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char copy[8192], *tok[MAX_TOK];
		int n;

		snprintf(copy, sizeof(copy), "%s", line);
		n = tokenize(copy, tok, MAX_TOK);
		if (!n)
			continue;
		reap_orphans();
		if (!strcmp(tok[0], "scenario") && n > 1) {
			snprintf(scen_name, sizeof(scen_name), "%s", tok[1]);
		} else if ((!strcmp(tok[0], "disk") || !strcmp(tok[0], "device")) && n > 1) {
			const char *pci = kv(tok, n, "pci");
			const char *drv = kv(tok, n, "driver");

			if (ndisks < MAX_DISKS && pci) {
				struct disk *d = &disks[ndisks++];

				memset(d, 0, sizeof(*d));
				snprintf(d->tag, sizeof(d->tag), "%s", tok[1]);
				snprintf(d->pci, sizeof(d->pci), "%s", pci);
				d->nodisk = !strcmp(tok[0], "device");
				snprintf(d->driver, sizeof(d->driver), "%s",
					 drv ? drv : "virtio_blk");
			}
		} else if (!strcmp(tok[0], "load")) {
			int i;

			for (i = 1; i < n; i++)
				tap(load_module(tok[i], NULL, 0) == 0, "load %s", tok[i]);
		} else if (!strcmp(tok[0], "vdp")) {
			step_vdp(tok, n, 0);
		} else if (!strcmp(tok[0], "vdp-reject")) {
			step_vdp(tok, n, 1);
		} else if (!strcmp(tok[0], "drivers")) {
			step_drivers(tok, n);
		} else if (!strcmp(tok[0], "check")) {
			step_check(tok, n);
		} else if (!strcmp(tok[0], "rules-write")) {
			step_rules_write(tok, n);
		} else if (!strcmp(tok[0], "rmmod")) {
			step_rmmod(tok, n);
		} else if (!strcmp(tok[0], "unbind")) {
			step_bind(tok, n, 0);
		} else if (!strcmp(tok[0], "bind")) {
			step_bind(tok, n, 1);
		} else if (!strcmp(tok[0], "helper") && n > 1) {
			step_helper(tok, n);
		} else if (!strcmp(tok[0], "logged") && n > 1) {
			step_logged(line + strlen("logged "));
		} else if (!strcmp(tok[0], "restored")) {
			step_restored(tok, n);
		} else if (!strcmp(tok[0], "loop") && n > 2) {
			step_loop(tok, n);
		} else if (!strcmp(tok[0], "churn")) {
			step_churn(tok, n);
		} else if (!strcmp(tok[0], "clean-log")) {
			step_clean_log(tok, n);
		} else if (!strcmp(tok[0], "dump")) {
			step_dump();
		} else if (!strcmp(tok[0], "bench")) {
			step_bench(tok, n);
		} else if (!strcmp(tok[0], "echo")) {
			diag("%s", line + 5);
		} else {
			tap(0, "unknown plan step '%s'", tok[0]);
		}
	}
}

static int guest_main(void)
{
	struct utsname u;
	char cmdline[1024] = "";
	int i;

	mounts();
	console();
	setvbuf(stdout, NULL, _IONBF, 0);
	uname(&u);
	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	chomp(cmdline);
	out("# vdp-agent: kernel %s %s", u.release, u.machine);
	out("# cmdline: %s", cmdline);
	out("TAP version 13");
	{
		char first[256], *t[4];

		/* the scenario's name labels every check */
		if (read_file("/plan", first, sizeof(first)) > 0 &&
		    tokenize(first, t, 4) >= 2 && !strcmp(t[0], "scenario")) {
			char *nl = strchr(t[1], '\n');

			if (nl)
				*nl = 0;
			snprintf(scen_name, sizeof(scen_name), "%s", t[1]);
		}
	}
	kmsg_set_mark();
	load_deps();
	trace_setup();
	/* virtio core first: the module needs the virtio bus */
	tap(load_module("virtio_ring", NULL, 0) == 0 && load_module("virtio", NULL, 0) == 0,
	    "load virtio core (virtio_ring, virtio)");
	run_plan();
	step_dump();
	/* what the host must find in each image (qemu-tests/run) */
	for (i = 0; i < ndisks; i++)
		if (!disks[i].nodisk)
			out("# disk %s final gen %d", disks[i].tag, disks[i].gen);
	out("1..%d", tap_n);
	out("# vdp-agent done: %d checks, %d failed", tap_n, tap_failed);
	kmsg_scan(NULL, print_kmsg_line, NULL);
	out("# vdp-agent exit");
	guest_exit(tap_failed ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* Host side                                                           */
/* ------------------------------------------------------------------ */

/*
 * vdp-agent pattern write <image> <scenario> <tag> <gen>
 * vdp-agent pattern verify <image> <scenario> <tag> <gen>
 */
static int host_pattern(int argc, char **argv)
{
	unsigned char *want, *got;
	int fd, w;

	if (argc != 7 || strcmp(argv[1], "pattern"))
		goto usage;
	w = !strcmp(argv[2], "write");
	if (!w && strcmp(argv[2], "verify"))
		goto usage;
	want = malloc(IO_SIZE);
	got = malloc(IO_SIZE);
	if (!want || !got)
		return 2;
	snprintf(scen_name, sizeof(scen_name), "%s", argv[4]);
	pattern_fill(want, IO_SIZE, argv[4], argv[5], atoi(argv[6]));
	fd = open(argv[3], w ? O_RDWR | O_CREAT : O_RDONLY, 0644);
	if (fd < 0) {
		perror(argv[3]);
		return 2;
	}
	if (w) {
		if (pwrite(fd, want, IO_SIZE, IO_OFFSET) != IO_SIZE) {
			perror("pwrite");
			return 2;
		}
		close(fd);
		return 0;
	}
	if (pread(fd, got, IO_SIZE, IO_OFFSET) != IO_SIZE) {
		perror("pread");
		return 2;
	}
	close(fd);
	return memcmp(want, got, IO_SIZE) ? 1 : 0;
usage:
	fprintf(stderr, "usage: %s pattern write|verify <image> <scenario> <disk> <gen>\n", argv[0]);
	return 2;
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		return guest_main();
	return host_pattern(argc, argv);
}

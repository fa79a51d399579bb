// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the helpers every part of the agent uses: output (the TAP
 * lines and diagnostics), time, small file helpers, errno names, and
 * children with deadlines (anything that may block runs in one, so a hung
 * device becomes "not ok" and the agent carries on).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

int tap_n, tap_failed;
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

long long now_us(void)
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

int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

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
int errno_by_name(const char *s)
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
int run_child(child_fn fn, void *arg, long timeout_ms, char *msg,
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

void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

void msgf(int fd, const char *fmt, ...)
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
long read_file_timed(const char *path, char *buf, size_t size)
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
void dump_file(const char *path, const char *prefix)
{
	static char buf[65536];
	char *l, *sv = NULL;

	if (read_file_timed(path, buf, sizeof(buf)) <= 0)
		return;
	for (l = strtok_r(buf, "\n", &sv); l; l = strtok_r(NULL, "\n", &sv))
		out("# %s: %s", prefix, l);
}

/* printable copy of s for a TAP description */
const char *esc(const char *s)
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

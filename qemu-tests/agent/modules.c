// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: loading kernel modules: the initramfs' /modules/NAME.ko with
 * the dependencies /modules/deps lists (from modules.dep), or nothing for
 * a module the kernel has built in; insmod of any .ko in a child with a
 * deadline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"

struct dep { char name[64]; char deps[512]; };
static struct dep deps[128];
static int ndeps;

void load_deps(void)
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

int module_loaded(const char *name)
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
int insmod_within(const char *path, const char *params, long timeout_ms,
		  char *msg, size_t msz)
{
	struct insmod_arg ia = { path, params };

	return run_child(insmod_child, &ia, timeout_ms, msg, msz);
}

int insmod(const char *path, const char *params, char *msg, size_t msz)
{
	return insmod_within(path, params, LOAD_TIMEOUT_MS, msg, msz);
}

int load_module(const char *name, const char *params, int depth)
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

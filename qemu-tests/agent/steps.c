// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the plan's steps on modules and devices (qemu-tests/README.md
 * describes each one):
 *
 *   load MOD...                    guest modules, with their dependencies
 *   vdp [PARAM=VALUE...]           the module under test: it loads
 *   vdp-reject PARAM=VALUE...      it does not load, and says why
 *   helper NAME [PARAM=VALUE...]   a test-only helper module loads
 *   rules-write TEXT               a runtime write of the rules parameter
 *   rmmod [NAME] [expect=busy|ok]  the module (or helper NAME) goes, or is refused
 *   write FILE TEXT                TEXT written to a file (sysfs, debugfs)
 *   unbind TAG|all, bind TAG|all   sysfs unbind/bind through the driver
 *   restored TAG|all               a transport's DMA state after an unbind
 *   drivers [nowait=TAG,...]       virtio_pci and virtio_blk, their probes
 *   dump                           the module's debugfs files, as diagnostics
 *
 * The check step is in check.c, bench in io.c, logged and clean-log in
 * klog.c, loop and churn in churn.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

int vdp_loaded;   /* the scenario loaded the module (and it is in) */
int vdp_wanted;   /* the scenario uses the module */
const char *vdp_missing_why = "module not loaded";

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

/* joins tok[1..n) as module parameters */
static void join_params(char **tok, int n, int from, char *out, size_t sz)
{
	int i;

	out[0] = 0;
	for (i = from; i < n; i++) {
		if (!strncmp(tok[i], "expect=", 7) || !strncmp(tok[i], "log=", 4) ||
		    !strncmp(tok[i], "load-timeout=", 13) ||
		    !strncmp(tok[i], "reprobe-at-load=", 16))
			continue;
		if (out[0])
			strncat(out, " ", sz - strlen(out) - 1);
		strncat(out, tok[i], sz - strlen(out) - 1);
	}
}

/* load MOD...: guest modules, with their dependencies */
void step_load(char **tok, int n, const char *line)
{
	int i;

	for (i = 1; i < n; i++)
		tap(load_module(tok[i], NULL, 0) == 0, "load %s", tok[i]);
}

/* helper NAME [PARAM=VALUE...]: insmod the test-only /vdp/NAME.ko */
void step_helper(char **tok, int n, const char *line)
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

/* write FILE TEXT: the rest of the line, in one write, in a child */
void step_write(char **tok, int n, const char *line)
{
	const char *text = line + strlen("write ");
	struct sysw_arg a;
	char msg[200];
	int rc;

	text += strlen(tok[1]);
	while (*text == ' ')
		text++;
	a.path = tok[1];
	a.val = text;
	rc = run_child(sysw_child, &a, LOAD_TIMEOUT_MS, msg, sizeof(msg));
	tap(rc == 0, "write %s to %s%s%s", esc(text), tok[1], rc ? ": " : "",
	    rc == CHILD_TIMEOUT ? "TIMEOUT" : msg);
}

static int rmmod_child(void *arg, int msgfd)
{
	(void)msgfd;
	return syscall(SYS_delete_module, (const char *)arg, O_NONBLOCK) < 0 ? errno : 0;
}

/* delete_module in a child: the module's exit path may wait (debugfs readers) */
static int rmmod_of(const char *name)
{
	return run_child(rmmod_child, (void *)name, LOAD_TIMEOUT_MS, NULL, 0);
}

static int do_rmmod(void)
{
	return rmmod_of(VDP_NAME);
}

/*
 * A child that writes vdev to the module's reprobe file as soon as the file
 * exists (polled every 200 us while the module loads).  Its exit status: 0,
 * the write's errno, or 255 when the file never appeared.
 */
static pid_t reprobe_at_load(const char *vdev)
{
	pid_t pid = fork();
	long deadline;

	if (pid)
		return pid;
	deadline = now_ms() + LOAD_TIMEOUT_MS;
	while (now_ms() < deadline) {
		if (exists(VDP_DEBUGFS "/reprobe"))
			_exit(-write_str(VDP_DEBUGFS "/reprobe", vdev) & 0xff);
		usleep(200);
	}
	_exit(255);
}

/* vdp ... reprobe-at-load=TAG: the reprobe the child wrote succeeded */
static void reprobe_at_load_check(pid_t pid, struct disk *d)
{
	long deadline = now_ms() + LOAD_TIMEOUT_MS;
	const char *why = pid < 0 ? "fork failed" : "a hung write";
	int st = 0, rc = -1;

	while (pid > 0 && now_ms() < deadline) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			why = WIFEXITED(st) ? NULL : "killed by a signal";
			pid = 0;
			break;
		}
		sleep_ms(20);
	}
	/* (a child blocked in the kernel cannot be killed: reaped later) */
	if (pid > 0)
		kill(pid, SIGKILL);
	tap(rc == 0, "disk %s (%s): a reprobe written as soon as the module's reprobe file appeared, while the module loads, succeeds (got %s)",
	    d->tag, d->vdev, rc == 0 ? "ok" : why ? why :
	    rc == 255 ? "no reprobe file" : errname(rc));
	d->vdev[0] = 0;
	settle(SETTLE_TIMEOUT_MS);
}

void step_vdp(char **tok, int n, int expect_fail)
{
	const char *early = kv(tok, n, "reprobe-at-load");
	struct disk *ed = early ? disk_by_tag(early) : NULL;
	pid_t poller = 0;
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
	if (early && !(ed && (ed->vdev[0] || disk_find(ed)))) {
		tap(0, "reprobe-at-load=%s: no such disk or device", early);
		ed = NULL;
	}
	if (ed)
		poller = reprobe_at_load(ed->vdev);
	rc = insmod_within(VDP_KO, params, load_ms, msg, sizeof(msg));
	if (ed)
		reprobe_at_load_check(poller, ed);
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

void step_rules_write(char **tok, int n, const char *line)
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

/* rmmod of a helper module: rmmod NAME [expect=busy] */
static void rmmod_helper(const char *name, int busy)
{
	int rc = rmmod_of(name);

	if (busy)
		tap(rc == EBUSY || rc == EAGAIN, "rmmod %s is refused (got %s)", name, errname(rc));
	else
		tap(rc == 0 && !module_loaded(name), "rmmod %s succeeds (got %s)", name, errname(rc));
}

void step_rmmod(char **tok, int n, const char *line)
{
	const char *exp = kv(tok, n, "expect");
	int busy = exp && strcmp(exp, "ok");
	int rc;

	if (n > 1 && !strchr(tok[1], '=') && strcmp(tok[1], VDP_NAME)) {
		rmmod_helper(tok[1], busy);
		return;
	}
	if (!vdp_loaded) {
		tap(0, "rmmod virtio_dma_policy (%s): %s", busy ? "refused" : "succeeds", vdp_missing_why);
		return;
	}
	/*
	 * The module's last tables, before it goes: the host plans them again
	 * (qemu-tests/plan-check takes the last ones printed)
	 */
	if (!busy)
		step_dump();
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
void step_bind(char **tok, int n, int bind)
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
void step_restored(char **tok, int n, const char *line)
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
void step_drivers(char **tok, int n, const char *line)
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

void step_dump(void)
{
	if (!vdp_loaded)
		return;
	dump_file(VDP_DEBUGFS "/devices", "devices");
	dump_file(VDP_DEBUGFS "/rules", "rules");
}

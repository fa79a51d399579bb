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
 *
 * This file: boot, the plan runner and exit, and the host side; agent.h
 * says what the other files do.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#endif

#include "agent.h"

/* ------------------------------------------------------------------ */
/* Plan lines                                                          */
/* ------------------------------------------------------------------ */

/* Splits a line into tokens; "..." quotes with \n \t \\ \" \xHH escapes. */
int tokenize(char *line, char **tok, int max)
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

/* the value of KEY=VALUE among tok[0..n), or NULL */
const char *kv(char **tok, int n, const char *key)
{
	size_t l = strlen(key);
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(tok[i], key, l) && tok[i][l] == '=')
			return tok[i] + l + 1;
	return NULL;
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

/* ------------------------------------------------------------------ */
/* The plan                                                            */
/* ------------------------------------------------------------------ */

/* scenario NAME: the name every check is labelled with */
static void plan_scenario(char **tok, int n, const char *line)
{
	snprintf(scen_name, sizeof(scen_name), "%s", tok[1]);
}

/* disk TAG pci=ADDR, device TAG pci=ADDR driver=D: what the steps name */
static void plan_disk(char **tok, int n, const char *line)
{
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
		d->scsi = !d->nodisk && !strcmp(d->driver, "virtio_scsi");
		d->ninep = !d->nodisk && !strcmp(d->driver, "9pnet_virtio");
		d->vfs = !d->nodisk && !strcmp(d->driver, "virtiofs");
	}
}

/*
 * The steps whose functions take other arguments: vdp and vdp-reject, unbind
 * and bind share one function each; logged and echo take the rest of the
 * line as written; dump takes nothing.
 */
static void plan_vdp(char **tok, int n, const char *line)
{
	step_vdp(tok, n, 0);
}

static void plan_vdp_reject(char **tok, int n, const char *line)
{
	step_vdp(tok, n, 1);
}

static void plan_unbind(char **tok, int n, const char *line)
{
	step_bind(tok, n, 0);
}

static void plan_bind(char **tok, int n, const char *line)
{
	step_bind(tok, n, 1);
}

static void plan_logged(char **tok, int n, const char *line)
{
	step_logged(line + strlen("logged "));
}

static void plan_dump(char **tok, int n, const char *line)
{
	step_dump();
}

static void plan_echo(char **tok, int n, const char *line)
{
	diag("%s", line + strlen("echo "));
}

/*
 * The steps by verb, with the fewest tokens their line needs (the verb
 * included): a line with an unknown verb or fewer tokens is an unknown
 * step.
 */
static const struct plan_step {
	const char *verb;
	int min_tok;
	void (*fn)(char **tok, int n, const char *line);
} plan_steps[] = {
	{ "scenario", 2, plan_scenario },
	{ "disk", 2, plan_disk },
	{ "device", 2, plan_disk },
	{ "load", 1, step_load },
	{ "vdp", 1, plan_vdp },
	{ "vdp-reject", 1, plan_vdp_reject },
	{ "drivers", 1, step_drivers },
	{ "check", 1, step_check },
	{ "rules-write", 1, step_rules_write },
	{ "rmmod", 1, step_rmmod },
	{ "write", 3, step_write },
	{ "unbind", 1, plan_unbind },
	{ "bind", 1, plan_bind },
	{ "helper", 2, step_helper },
	{ "logged", 2, plan_logged },
	{ "restored", 1, step_restored },
	{ "loop", 3, step_loop },
	{ "churn", 1, step_churn },
	{ "clean-log", 1, step_clean_log },
	{ "dump", 1, plan_dump },
	{ "bench", 1, step_bench },
	{ "echo", 1, plan_echo },
};

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
		const struct plan_step *s = NULL;
		size_t i;
		int n;

		snprintf(copy, sizeof(copy), "%s", line);
		n = tokenize(copy, tok, MAX_TOK);
		if (!n)
			continue;
		reap_orphans();
		for (i = 0; i < sizeof(plan_steps) / sizeof(plan_steps[0]) && !s; i++)
			if (!strcmp(tok[0], plan_steps[i].verb) && n >= plan_steps[i].min_tok)
				s = &plan_steps[i];
		if (s)
			s->fn(tok, n, line);
		else
			tap(0, "unknown plan step '%s'", tok[0]);
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
		else
			dev_io_final(&disks[i]);
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
	if (argc > 1 && !strcmp(argv[1], "tree"))
		return host_tree(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "console"))
		return host_console(argc, argv);
	return host_pattern(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the UML initramfs built by scripts/kunit.
 *
 * Freestanding: raw system calls, no libc, no thread-local storage.  (Linux
 * 6.1 UML on current hosts loses the %fs base that glibc's static start-up
 * sets, so a static busybox dies at its first TLS access; this program
 * never touches %fs.)  Built by scripts/kunit with the host's gcc.
 *
 * It runs the steps of /plan in order, each framed by markers written to
 * /dev/kmsg so that they land in the console in order with the KTAP the
 * kernel prints while a suite module loads:
 *   vdp-kunit: begin <step> [<args>]
 *   vdp-kunit: end <step> rc=<0 or errno>
 * then "vdp-kunit: done" and power off.  scripts/kunit-report splits the
 * console on these markers.
 *
 * Plan lines ('#' comments and blank lines are skipped), in the words of
 * the QEMU scenarios (qemu-tests/README.md) for the same operations:
 *   vdp [params]             finit_module(/lib/vdp/virtio_dma_policy.ko)
 *   vdp-reject [params]      the same, expected to fail; removed if it loaded
 *   helper <module> [params] finit_module(/lib/vdp/<module>.ko, params)
 *   rmmod [<module>] [expect=busy]
 *                            delete_module(O_NONBLOCK), of virtio_dma_policy
 *                            unless a module is named; expect=busy: it must
 *                            fail (module in use)
 *   write <file> <text>      write text to file
 *   kmemleak                 two kmemleak scans, then every report line to
 *                            the console as "vdp-kunit: kmemleak: <line>"
 * scripts/kunit-report judges each step's rc.
 *
 * The KUnit suites also run it as a user-mode helper, to read and write
 * files the way user space does (Linux 6.1 debugfs files have no
 * read_iter/write_iter, so kernel_read()/kernel_write() cannot use them):
 *   /init --copy <src> <dst>    copy src to dst (a tmpfs file)
 *   /init --write <file> <text> write text to file in one write()
 * The exit status is 0 or the errno of the failing call.
 */
#define size_t unsigned long

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_nanosleep 35
#define SYS_exit 60
#define SYS_mount 165
#define SYS_reboot 169
#define SYS_delete_module 176
#define SYS_finit_module 313

#define O_RDONLY 0
#define O_WRONLY 1
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_NONBLOCK 04000
#define O_CLOEXEC 02000000

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int kmsg = -1;
static char line_buf[1024];

/* One kmsg record: "vdp-kunit: " and the pieces (NULL pieces skipped). */
static void mark4(const char *a, const char *b, const char *c, const char *d)
{
	const char * const parts[] = { "vdp-kunit: ", a, b, c, d };
	size_t n = 0, i, l;

	for (i = 0; i < 5; i++) {
		if (!parts[i])
			continue;
		l = slen(parts[i]);
		if (n + l > sizeof(line_buf) - 2)
			l = sizeof(line_buf) - 2 - n;
		memcpy(line_buf + n, parts[i], l);
		n += l;
	}
	line_buf[n++] = '\n';
	if (kmsg >= 0)
		sys3(SYS_write, kmsg, line_buf, n);
	else
		sys3(SYS_write, 1, line_buf, n);
}

#define mark(a, b, c) mark4(a, b, c, 0)

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static const char *num(long v)
{
	static char b[24];
	char *p = b + sizeof(b) - 1;
	int neg = v < 0;

	*p = '\0';
	if (neg)
		v = -v;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	return p;
}

static void sleep_s(long s)
{
	long ts[2] = { s, 0 };

	sys3(SYS_nanosleep, ts, 0, 0);
}

/* 0 or a positive errno. */
static long insmod(const char *mod, const char *params)
{
	char path[256] = "/lib/vdp/";
	size_t n = slen(path), l = slen(mod);
	long fd, ret;

	if (n + l + 4 >= sizeof(path))
		return 36; /* ENAMETOOLONG */
	memcpy(path + n, mod, l);
	memcpy(path + n + l, ".ko", 4);
	fd = sys3(SYS_open, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -fd;
	ret = sys3(SYS_finit_module, fd, params, 0);
	sys3(SYS_close, fd, 0, 0);
	return ret < 0 ? -ret : 0;
}

static long rmmod(const char *mod)
{
	long ret = sys3(SYS_delete_module, mod, O_NONBLOCK, 0);

	return ret < 0 ? -ret : 0;
}

static long write_file(const char *path, const char *text)
{
	long fd = sys3(SYS_open, path, O_WRONLY | O_CLOEXEC, 0), ret;

	if (fd < 0)
		return -fd;
	ret = sys3(SYS_write, fd, text, slen(text));
	sys3(SYS_close, fd, 0, 0);
	return ret < 0 ? -ret : 0;
}

static char big[1 << 20];

/* Reads the whole file into buf (NUL-terminated); 0 or a positive errno. */
static long read_all(const char *path, char *buf, long size)
{
	long fd, n, total = 0;

	fd = sys3(SYS_open, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -fd;
	while (total < size - 1 && (n = sys3(SYS_read, fd, buf + total, size - 1 - total)) > 0)
		total += n;
	sys3(SYS_close, fd, 0, 0);
	buf[total] = '\0';
	return 0;
}

/* The next line of *p (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *e;

	if (!*line)
		return (char *)0;
	for (e = line; *e && *e != '\n'; e++)
		;
	if (*e)
		*e++ = '\0';
	*p = e;
	return line;
}

/*
 * The address of an "unreferenced object 0x... (size N):" line, as a
 * NUL-terminated copy in out[size], or 0 for any other line.
 */
static int leak_addr(const char *line, char *out, size_t size)
{
	const char *key = "unreferenced object ";
	size_t i, n = slen(key);

	for (; *line; line++) {
		for (i = 0; i < n && line[i] == key[i]; i++)
			;
		if (i < n)
			continue;
		line += n;
		/* 7.x: "unreferenced object (percpu) 0x..." and "(phys)" */
		while (*line == '(') {
			while (*line && *line != ' ')
				line++;
			while (*line == ' ')
				line++;
		}
		for (i = 0; i + 1 < size && line[i] && line[i] != ' '; i++)
			out[i] = line[i];
		out[i] = '\0';
		return 1;
	}
	return 0;
}

#define LEAK_MAX 64
static char leak_seen[LEAK_MAX][24];

/* Two scans (objects must stay unchanged between them), then the list. */
static long leak_read(const char *path)
{
	long ret = write_file(path, "scan");

	if (ret)
		return ret;
	sleep_s(6);
	ret = write_file(path, "scan");
	if (ret)
		return ret;
	return read_all(path, big, sizeof(big));
}

/*
 * kmemleak can report an object whose only pointer was moving while it
 * scanned (Documentation/dev-tools/kmemleak.rst: false positives); a leak
 * stays unreferenced for good.  So a list with objects in it is read a
 * second time, after two more scans, and only the objects in both lists
 * are marked (each with its lines); the ones referenced again are counted.
 */
static long leak_scan(void)
{
	const char *path = "/sys/kernel/debug/kmemleak";
	char addr[24];
	long ret, nseen = 0, kept = 0, i;
	int keep = 0;
	char *p, *line;

	ret = write_file(path, "scan");
	if (ret == 2) { /* ENOENT: no kmemleak in this kernel */
		mark("kmemleak: not available", 0, 0);
		return 0;
	}
	if (ret)
		return ret;
	ret = leak_read(path);
	if (ret)
		return ret;
	for (p = big; (line = next_line(&p));)
		if (leak_addr(line, addr, sizeof(addr)) && nseen < LEAK_MAX)
			memcpy(leak_seen[nseen++], addr, sizeof(addr));
	if (!nseen)
		return 0;
	ret = leak_read(path);
	if (ret)
		return ret;
	for (p = big; (line = next_line(&p));) {
		if (leak_addr(line, addr, sizeof(addr))) {
			keep = 0;
			for (i = 0; i < nseen && !keep; i++)
				keep = !strcmp(leak_seen[i], addr);
			kept += keep;
		}
		if (keep)
			mark("kmemleak: ", line, 0);
	}
	mark4("kmemleak: rescanned: still unreferenced ", num(kept),
	      " of the first list's ", num(nseen));
	return 0;
}

static char plan[65536];

#define VDP "virtio_dma_policy"

/* Ends the first word of s in place; returns the rest, blanks skipped. */
static char *first_word(char *s)
{
	while (*s && *s != ' ')
		s++;
	if (*s)
		*s++ = '\0';
	while (*s == ' ')
		s++;
	return s;
}

/* Does the first word of s hold c? */
static int word_has(const char *s, char c)
{
	for (; *s && *s != ' '; s++)
		if (*s == c)
			return 1;
	return 0;
}

static void run(void)
{
	long rc;
	char *p, *line;

	if (read_all("/plan", plan, sizeof(plan))) {
		mark("no /plan", 0, 0);
		return;
	}
	for (line = plan; (p = next_line(&line));) {
		char *step, *args;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		step = p;
		for (args = p; *args && *args != ' '; args++)
			;
		if (*args)
			*args++ = '\0';
		while (*args == ' ')
			args++;

		mark4("begin ", step, *args ? " " : "", args);
		if (!strcmp(step, "vdp")) {
			rc = insmod(VDP, args);
		} else if (!strcmp(step, "vdp-reject")) {
			rc = insmod(VDP, args);
			if (!rc)
				rmmod(VDP);
		} else if (!strcmp(step, "helper")) {
			char *params = first_word(args);

			rc = insmod(args, params);
		} else if (!strcmp(step, "rmmod")) {
			/* "rmmod", "rmmod expect=busy", "rmmod <module> [...]" */
			const char *mod = VDP;

			if (*args && !word_has(args, '=')) {
				first_word(args);
				mod = args;
			}
			rc = rmmod(mod);
		} else if (!strcmp(step, "write")) {
			char *text = first_word(args);

			rc = write_file(args, text);
		} else if (!strcmp(step, "kmemleak")) {
			rc = leak_scan();
		} else {
			rc = 22; /* EINVAL: unknown step */
		}
		mark4("end ", step, " rc=", num(rc));
	}
}

static long copy_file(const char *src, const char *dst)
{
	long in, out, n, w, ret = 0;

	in = sys3(SYS_open, src, O_RDONLY | O_CLOEXEC, 0);
	if (in < 0)
		return -in;
	out = sys3(SYS_open, dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		sys3(SYS_close, in, 0, 0);
		return -out;
	}
	/* read() as user space does: whatever sizes the file hands out */
	while ((n = sys3(SYS_read, in, big, 4096)) > 0) {
		w = sys3(SYS_write, out, big, n);
		if (w != n) {
			ret = w < 0 ? -w : 5; /* EIO */
			break;
		}
	}
	if (n < 0)
		ret = -n;
	sys3(SYS_close, in, 0, 0);
	sys3(SYS_close, out, 0, 0);
	return ret;
}

void start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);

	if (argc == 4 && !strcmp(argv[1], "--copy"))
		sys6(SYS_exit, copy_file(argv[2], argv[3]), 0, 0, 0, 0, 0);
	if (argc == 4 && !strcmp(argv[1], "--write"))
		sys6(SYS_exit, write_file(argv[2], argv[3]), 0, 0, 0, 0, 0);

	sys6(SYS_mount, (long)"proc", (long)"/proc", (long)"proc", 0, 0, 0);
	sys6(SYS_mount, (long)"sysfs", (long)"/sys", (long)"sysfs", 0, 0, 0);
	sys6(SYS_mount, (long)"debugfs", (long)"/sys/kernel/debug", (long)"debugfs", 0, 0, 0);
	sys6(SYS_mount, (long)"tmpfs", (long)"/tmp", (long)"tmpfs", 0, 0, 0);
	kmsg = sys3(SYS_open, "/dev/kmsg", O_WRONLY | O_CLOEXEC, 0);
	mark("start", 0, 0);
	run();
	mark("done", 0, 0);
	/* LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF */
	sys6(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0, 0, 0);
	sys6(SYS_exit, 0, 0, 0, 0, 0, 0);
	for (;;)
		;
}

__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");

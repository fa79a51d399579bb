// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the data of a check on a device that is not a disk.
 *
 *  - virtio_net: the NIC's frames come back to it (qemu-tests/run gives it
 *    a datagram socket that sends to its own address).  Raw Ethernet
 *    frames of several sizes, up to a full 1500-byte MTU, are sent through
 *    an AF_PACKET socket and each one must be received back byte for byte:
 *    every byte crosses the device's TX and RX virtqueues.  IPv6 is off on
 *    the interface, so nothing else is sent.
 *  - virtio_rng: RNG_BYTES read from /dev/hwrng with the device selected as
 *    the current hwrng; the bytes must all arrive and not be constant
 *    (their value cannot be known: QEMU's backend is random).
 *  - virtio_console: the port "vdp.TAG" of the device's virtio-serial bus
 *    (qemu-tests/run connects its chardev to a host server that echoes
 *    every byte and records what it received): chunks of 1 to 4096 bytes
 *    written to /dev/vportNpM must each be read back byte for byte, through
 *    the port's output and input virtqueues; after the boot the host finds
 *    the chunks of every data window in its recording (vdp-agent console
 *    verify).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

#define ETH_P_VDP 0x88b5	/* IEEE 802 local experimental ethertype 1 */
#define ETH_HDR 14

static int is_net(const struct disk *d)
{
	return !strcmp(d->driver, "virtio_net");
}

static int is_rng(const struct disk *d)
{
	return !strcmp(d->driver, "virtio_rng");
}

static int is_console(const struct disk *d)
{
	return !strcmp(d->driver, "virtio_console");
}

/* Does a check on this device move data (1), or only probe it (0)? */
int dev_has_io(const struct disk *d)
{
	return is_net(d) || is_rng(d) || is_console(d);
}

/* What the data line of a check on this device says it did. */
const char *dev_io_what(const struct disk *d)
{
	if (is_net(d))
		return "frames intact (sizes 60 to 1514 bytes, each sent and received back through the NIC)";
	if (is_console(d))
		return "console data intact (chunks of 1 to 4096 bytes written to the port and read back)";
	return "bytes delivered (/dev/hwrng with the device as the current hwrng)";
}

static int net_set_up(const char *ifname, int up, int msgfd)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0) {
		msgf(msgfd, "socket: %s", errname(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		msgf(msgfd, "SIOCGIFFLAGS %s: %s", ifname, errname(errno));
		rc = -1;
	} else {
		ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
			msgf(msgfd, "SIOCSIFFLAGS %s: %s", ifname, errname(errno));
			rc = -1;
		}
	}
	close(s);
	return rc;
}

/* One frame out, the same frame back (within 5 s); 0 or a message. */
static int net_one(int s, const char *ifname, int ifindex, const unsigned char *mac,
		   const unsigned char *payload, size_t len, int seq, int msgfd)
{
	unsigned char frame[ETH_HDR + 1500], got[ETH_HDR + 1600];
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = ifindex,
				  .sll_halen = 6 };
	long deadline = now_ms() + 5000;

	memcpy(frame, mac, 6);		/* to itself */
	memcpy(frame + 6, mac, 6);
	frame[12] = ETH_P_VDP >> 8;
	frame[13] = ETH_P_VDP & 0xff;
	memcpy(frame + ETH_HDR, payload, len - ETH_HDR);
	frame[ETH_HDR] = seq & 0xff;	/* each frame its own */
	frame[ETH_HDR + 1] = seq >> 8;
	memcpy(to.sll_addr, mac, 6);
	if (sendto(s, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
		char fl[32] = "?", op[32] = "?", p[96];
		int e = errno;

		snprintf(p, sizeof(p), "/sys/class/net/%s/flags", ifname);
		read_file(p, fl, sizeof(fl));
		snprintf(p, sizeof(p), "/sys/class/net/%s/operstate", ifname);
		read_file(p, op, sizeof(op));
		chomp(fl);
		chomp(op);
		msgf(msgfd, "send of a %zu-byte frame on %s (ifindex %d, flags %s, %s): %s", len,
		     ifname, ifindex, fl, op, errname(e));
		return 3;
	}
	for (;;) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			msgf(msgfd, "frame %d (%zu bytes) never came back", seq, len);
			return 1;
		}
		n = recvfrom(s, got, sizeof(got), 0, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			msgf(msgfd, "recv: %s", errname(errno));
			return 3;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;	/* the socket's view of its own send */
		if (n != (ssize_t)len || memcmp(got, frame, len)) {
			size_t i;

			for (i = 0; i < (size_t)n && i < len && got[i] == frame[i]; i++)
				;
			msgf(msgfd, "frame %d: %zd bytes back for %zu sent, first difference at byte %zu",
			     seq, n, len, i);
			return 2;
		}
		return 0;
	}
}

static int net_child(struct disk *d, int msgfd)
{
	static const size_t sizes[] = { 60, 64, 128, 512, 1024, 1500, 1514 };
	char ifname[IFNAMSIZ], p[160];
	unsigned char payload[1514], mac[6];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_VDP) };
	struct ifreq ifr;
	int s, rc = 0, seq = 0, r;
	size_t i;
	long deadline;

	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/net", d->vdev);
	first_entry(p, "", ifname, sizeof(ifname));
	if (!ifname[0]) {
		msgf(msgfd, "no network interface under %s", d->vdev);
		return 3;
	}
	snprintf(p, sizeof(p), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	write_str(p, "1");	/* no IPv6 autoconfiguration traffic */
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_VDP));
	if (s < 0) {
		msgf(msgfd, "AF_PACKET socket: %s", errname(errno));
		return 3;
	}
	/* up before the bind: binding to a down interface leaves ENETDOWN
	 * pending on the socket (packet_do_bind()) */
	if (net_set_up(ifname, 1, msgfd)) {
		close(s);
		return 3;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0 || (sll.sll_ifindex = ifr.ifr_ifindex,
	    bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0) ||
	    ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
		msgf(msgfd, "%s: %s", ifname, errname(errno));
		net_set_up(ifname, 0, msgfd);
		close(s);
		return 3;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	/* the carrier comes with the link (the socket backend is always up) */
	snprintf(p, sizeof(p), "/sys/class/net/%s/carrier", ifname);
	for (deadline = now_ms() + 5000; now_ms() < deadline; sleep_ms(20)) {
		char b[8];

		if (read_file(p, b, sizeof(b)) > 0 && b[0] == '1')
			break;
	}
	pattern_fill(payload, sizeof(payload), scen_name, d->tag, 0);
	for (r = 0; r < NET_ROUNDS && !rc; r++)
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !rc; i++)
			rc = net_one(s, ifname, sll.sll_ifindex, mac, payload, sizes[i], seq++, msgfd);
	net_set_up(ifname, 0, msgfd);
	close(s);
	return rc;
}

static int rng_child(struct disk *d, int msgfd)
{
	const char *cls = "/sys/class/misc/hw_random";
	char p[128], avail[512], name[64] = "", *tok, *save;
	static unsigned char buf[RNG_BYTES];
	int fd, found = 0, seen[256] = { 0 }, distinct = 0;
	size_t got = 0;
	ssize_t n;

	/* the device's hwrng: virtio_rng.N, one per scenario */
	snprintf(p, sizeof(p), "%s/rng_available", cls);
	if (read_file(p, avail, sizeof(avail)) <= 0) {
		msgf(msgfd, "no %s", p);
		return 3;
	}
	chomp(avail);
	for (tok = strtok_r(avail, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (!strncmp(tok, "virtio_rng.", 11)) {
			snprintf(name, sizeof(name), "%s", tok);
			found++;
		}
	if (found != 1) {
		msgf(msgfd, "%d virtio hwrngs available (the check needs exactly one)", found);
		return 3;
	}
	snprintf(p, sizeof(p), "%s/rng_current", cls);
	if (write_str(p, name)) {
		msgf(msgfd, "cannot select %s", name);
		return 3;
	}
	fd = open("/dev/hwrng", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msgf(msgfd, "open /dev/hwrng: %s", errname(errno));
		return 3;
	}
	while (got < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += n;
	close(fd);
	if (got < sizeof(buf)) {
		msgf(msgfd, "%zu of %zu bytes from %s", got, sizeof(buf), name);
		return 1;
	}
	for (got = 0; got < sizeof(buf); got++)
		distinct += !seen[buf[got]]++;
	if (distinct < 200) {
		msgf(msgfd, "%d distinct byte values in %zu bytes from %s: not random data",
		     distinct, sizeof(buf), name);
		return 2;
	}
	return 0;
}

/* The /dev node of the port named vdp.TAG of the device d->vdev. */
static int console_port(const struct disk *d, char *node, size_t size, int msgfd)
{
	const char *cls = "/sys/class/virtio-ports";
	char p[256], v[64], want[32];
	struct dirent *de;
	DIR *dir = opendir(cls);
	int found = 0;

	if (!dir) {
		msgf(msgfd, "no %s", cls);
		return -1;
	}
	snprintf(want, sizeof(want), "vdp.%s", d->tag);
	while ((de = readdir(dir)) && !found) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/name", cls, de->d_name);
		if (read_file(p, v, sizeof(v)) <= 0)
			continue;
		chomp(v);
		if (strcmp(v, want))
			continue;
		/* the port's device is the virtio device under test */
		snprintf(p, sizeof(p), "%s/%s/device", cls, de->d_name);
		n = readlink(p, v, sizeof(v) - 1);
		if (n <= 0)
			continue;
		v[n] = 0;
		if (strcmp(strrchr(v, '/') ? strrchr(v, '/') + 1 : v, d->vdev)) {
			msgf(msgfd, "port %s is on %s, not %s", want, v, d->vdev);
			break;
		}
		snprintf(node, size, "/dev/%s", de->d_name);
		found = 1;
	}
	closedir(dir);
	if (!found)
		msgf(msgfd, "no port %s on %s", want, d->vdev);
	return found ? 0 : -1;
}

/*
 * A console data window: NET_ROUNDS rounds of these chunk sizes, chunk
 * seq (from 0 in each window) filled by console_chunk(): the guest writes
 * them, the host's recording must hold them window after window.
 */
static const size_t console_sizes[] = { 1, 64, 1000, 4096 };
#define CONSOLE_CHUNKS (NET_ROUNDS * sizeof(console_sizes) / sizeof(console_sizes[0]))

static size_t console_chunk(unsigned char *out, unsigned int seq, const char *tag)
{
	size_t n = console_sizes[seq % (sizeof(console_sizes) / sizeof(console_sizes[0]))], k;

	for (k = 0; k < n; k++)
		out[k] = (unsigned char)(seq * 131 + k * 7 + tag[0]);
	return n;
}

static int console_child(struct disk *d, int msgfd)
{
	static unsigned char out[4096], in[4096];
	char node[64];
	unsigned int seq;
	int fd, rc = 0;

	if (console_port(d, node, sizeof(node), msgfd))
		return 3;
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		msgf(msgfd, "open %s: %s", node, errname(errno));
		return 3;
	}
	for (seq = 0; seq < CONSOLE_CHUNKS && !rc; seq++) {
		size_t n = console_chunk(out, seq, d->tag), got = 0;
		struct pollfd pf = { .fd = fd, .events = POLLIN };

		if (write(fd, out, n) != (ssize_t)n) {
			msgf(msgfd, "write %zu bytes to %s: %s", n, node, errname(errno));
			rc = 1;
			break;
		}
		while (got < n) {
			ssize_t m;

			if (poll(&pf, 1, 5000) <= 0) {
				msgf(msgfd, "%s: %zu of %zu bytes came back within 5 s (chunk %u)",
				     node, got, n, seq);
				rc = 1;
				break;
			}
			m = read(fd, in + got, n - got);
			if (m <= 0) {
				msgf(msgfd, "read %s: %s", node, m ? errname(errno) : "end of file");
				rc = 1;
				break;
			}
			got += m;
		}
		if (!rc && memcmp(in, out, n)) {
			msgf(msgfd, "%s: chunk %u of %zu bytes came back different", node, seq, n);
			rc = 2;
		}
	}
	close(fd);
	return rc;
}

/* what the host checks of this device after the boot (qemu-tests/run) */
void dev_io_final(const struct disk *d)
{
	if (is_console(d))
		out("# console %s windows %d", d->tag, d->io_runs);
}

/*
 * vdp-agent console verify <recording> <tag> <windows>: the bytes the
 * host's end of the port received are the chunks of that many windows
 */
int host_console(int argc, char **argv)
{
	static unsigned char want[4096], got[4096];
	long windows, w;
	unsigned int seq;
	FILE *f;
	int c;

	if (argc != 6 || strcmp(argv[2], "verify")) {
		fprintf(stderr, "usage: %s console verify <recording> <port tag> <windows>\n", argv[0]);
		return 2;
	}
	windows = strtol(argv[5], NULL, 10);
	f = fopen(argv[3], "rb");
	if (!f) {
		perror(argv[3]);
		return 2;
	}
	for (w = 0; w < windows; w++)
		for (seq = 0; seq < CONSOLE_CHUNKS; seq++) {
			size_t n = console_chunk(want, seq, argv[4]);

			if (fread(got, 1, n, f) != n || memcmp(got, want, n)) {
				fprintf(stderr, "%s: window %ld, chunk %u (%zu bytes) missing or different\n",
					argv[3], w + 1, seq, n);
				fclose(f);
				return 1;
			}
		}
	c = getc(f);
	fclose(f);
	if (c != EOF) {
		fprintf(stderr, "%s: more bytes than %ld windows\n", argv[3], windows);
		return 1;
	}
	return 0;
}

/* the child of a check's data window (run_child) */
int dev_io_child(void *a, int msgfd)
{
	struct disk *d = a;

	if (is_net(d))
		return net_child(d, msgfd);
	if (is_console(d))
		return console_child(d, msgfd);
	return rng_child(d, msgfd);
}

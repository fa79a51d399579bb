/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vdp-agent: what agent.c shares with the other files of the agent
 * (churn.c: loops on several CPUs at once).
 */
#ifndef VDP_AGENT_H
#define VDP_AGENT_H

#include <stddef.h>

#define IO_OFFSET (1u << 20)      /* pattern region: 1 MiB into the disk */
#define IO_SIZE (4u << 20)        /* 4 MiB */
#define IO_CHUNK (256u << 10)
#define LOAD_TIMEOUT_MS 30000
#define SETTLE_TIMEOUT_MS 30000
#define MAX_TOK 64
#define VDP_NAME "virtio_dma_policy"
#define VDP_KO "/vdp/virtio_dma_policy.ko"
#define VDP_SYS "/sys/module/virtio_dma_policy"
#define VDP_DEBUGFS "/sys/kernel/debug/virtio_dma_policy"

struct disk {
	char tag[16];
	char pci[64];      /* parent device of the virtio device */
	char vdev[32];     /* virtioN, once found */
	int gen;           /* data generation currently on the device */
	int hung;          /* an I/O on it timed out: do not touch again */
	int stuck;         /* its probe outlasted a settle: do not wait again */
	int nowait;        /* "drivers nowait=": the drivers step does not wait */
	/*
	 * A "device" entry: a virtio device that is not a disk (a balloon).
	 * Its driver is driver (virtio_blk for disks); it has no block device
	 * and no I/O, its checks are the probe and the module's table.
	 */
	int nodisk;
	char driver[32];
};

extern char scen_name[64];

void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define diag(...) out("# " __VA_ARGS__)
void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

long now_ms(void);
void sleep_ms(long ms);
long read_file(const char *path, char *buf, size_t size);
int write_str(const char *path, const char *s);
const char *errname(int e);
const char *kv(char **tok, int n, const char *key);

void pattern_fill(unsigned char *buf, size_t len, const char *scen,
		  const char *tag, int gen);
void kmsg_scan(unsigned long long *seq,
	       void (*fn)(const char *msg, void *ctx), void *ctx);

struct disk *disk_by_tag(const char *tag);
int disk_find(struct disk *d);
int disk_bound(struct disk *d);
int disk_pending(struct disk *d);
void disk_blk(struct disk *d, char *out, size_t sz);
void settle(long timeout_ms);
void settle_only(const char *tag, long timeout_ms);

int insmod(const char *path, const char *params, char *msg, size_t msz);

/* churn.c */
void step_loop(char **tok, int n);
void step_churn(char **tok, int n);
void step_clean_log(char **tok, int n);

#endif /* VDP_AGENT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vdp-agent: what the files of the agent share.
 *
 *   agent.c    /init: boot, the plan runner, exit; the host side
 *   util.c     output (TAP), time, files, errno names, children with
 *              deadlines
 *   klog.c     the kernel log; the logged and clean-log steps
 *   modules.c  loading kernel modules
 *   disk.c     the disks and devices of the plan, their virtio state
 *   trace.c    trace events and kprobes, their counts
 *   io.c       the data pattern, the I/O of a check, the bench step
 *   devio.c    the data of a check on a NIC (looped-back frames) or an rng
 *   table.c    the module's debugfs devices table
 *   check.c    the check step
 *   steps.c    the steps on modules and devices
 *   churn.c    loops on several CPUs at once
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

/* agent.c: plan lines */
int tokenize(char *line, char **tok, int max);
const char *kv(char **tok, int n, const char *key);

/* util.c */
extern char scen_name[64];
extern int tap_n, tap_failed;

void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define diag(...) out("# " __VA_ARGS__)
void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

long long now_us(void);
long now_ms(void);
void sleep_ms(long ms);
long read_file(const char *path, char *buf, size_t size);
int write_str(const char *path, const char *s);
int exists(const char *path);
void chomp(char *s);

#define CHILD_TIMEOUT (-1000)
#define CHILD_SIGNALED (-1001)

const char *errname(int e);
int errno_by_name(const char *s);

typedef int (*child_fn)(void *arg, int msgfd);

int run_child(child_fn fn, void *arg, long timeout_ms, char *msg,
	      size_t msgsz);
void reap_orphans(void);
void msgf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
long read_file_timed(const char *path, char *buf, size_t size);
void dump_file(const char *path, const char *prefix);
const char *esc(const char *s);

/* klog.c */
extern unsigned long long kmsg_mark; /* sequence number seen so far */
extern unsigned long long vdp_mark;  /* kmsg_mark at the last vdp step */

void kmsg_scan(unsigned long long *seq,
	       void (*fn)(const char *msg, void *ctx), void *ctx);
void kmsg_set_mark(void);
void print_kmsg_line(const char *m, void *ctx);

/* modules.c */
void load_deps(void);
int module_loaded(const char *name);
int insmod_within(const char *path, const char *params, long timeout_ms,
		  char *msg, size_t msz);
int insmod(const char *path, const char *params, char *msg, size_t msz);
int load_module(const char *name, const char *params, int depth);

/* disk.c */
#define MAX_DISKS 16
#define VIRTIO_S_DRIVER_OK 4
#define VIRTIO_S_FAILED 0x80

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
	int io_runs;       /* the data windows run on such a device */
	/*
	 * A disk on a virtio-scsi HBA (driver virtio_scsi): its block device
	 * is the SCSI disk under the virtio device's host (sdX).
	 */
	int scsi;
	/*
	 * A 9p share (driver 9pnet_virtio) holding the image as its file
	 * "data": a check mounts it (mount tag vdp-TAG), does the I/O on the
	 * file without O_DIRECT (cache=none: every byte goes to the device)
	 * and unmounts it.
	 */
	int ninep;
	/*
	 * A virtio-fs share (driver virtiofs, virtiofsd on the host with
	 * cache=never): the same file I/O, mounted -t virtiofs vdp-TAG.
	 */
	int vfs;
};

extern struct disk disks[MAX_DISKS];
extern int ndisks;

void first_entry(const char *p, const char *prefix, char *out, size_t sz);
struct disk *disk_by_tag(const char *tag);
int disk_find(struct disk *d);
unsigned long disk_status(struct disk *d);
void disk_blk(struct disk *d, char *out, size_t sz);
int disk_bound(struct disk *d);
int disk_feature(struct disk *d, int bit, char *all, size_t allsz);
int disk_pending(struct disk *d);
void settle(long timeout_ms);
void settle_only(const char *tag, long timeout_ms);

/* trace.c */
extern int have_bounce_event, have_xlate_probe, have_dmamap_probe, have_dmadev_probe;

struct tcount {
	long bounces;   /* swiotlb_bounced of this DMA device */
	long maps;      /* translated mappings: iommu/map + xlate_* + window */
	long map_events, xlate, window;
	long dmamaps;   /* dma_map_page_attrs calls */
	long devmaps;   /* those for this device (dmadev probe) */
	unsigned long long lo, hi; /* their bus addresses */
	long lost;      /* trace entries overwritten */
};

void trace_setup(void);
void trace_events(int on);
int have_maps(void);
void trace_clear(void);
void trace_count(const char *dev, struct tcount *c);
void trace_quiesce(void);

/* io.c */
/* (tree: a shared filesystem's tree, checked after the data; or "") */
struct io_arg { struct disk *d; char dev[64]; char tree[64]; int gen; int buffered; };

void pattern_fill(unsigned char *buf, size_t len, const char *scen,
		  const char *tag, int gen);
int io_child(void *a, int msgfd);
#define TREE_WHAT "its tree listed and each file read intact"
int host_tree(int argc, char **argv);

/* devio.c: the data of devices that are not disks */
#define RNG_BYTES (64u << 10)
#define NET_ROUNDS 16

int dev_has_io(const struct disk *d);
const char *dev_io_what(const struct disk *d);
int dev_io_child(void *a, int msgfd);
void dev_io_final(const struct disk *d);
int host_console(int argc, char **argv);

/* table.c */
#define MAX_COLS 32
struct row { int n; char col[MAX_COLS][80]; };

int vdp_row(struct disk *d, struct row *hdr, struct row *row);
const char *col(const struct row *hdr, const struct row *row,
		const char *name);

/* steps.c: the module under test */
extern int vdp_loaded;   /* the scenario loaded the module (and it is in) */
extern int vdp_wanted;   /* the scenario uses the module */
extern const char *vdp_missing_why;

/*
 * The plan's steps (agent.c's table names them by verb): tok[0..n) the
 * tokens of the step's line, tok[0] its verb; line the line itself, for a
 * step that takes its text.
 */
void step_load(char **tok, int n, const char *line);	/* steps.c */
void step_helper(char **tok, int n, const char *line);
void step_write(char **tok, int n, const char *line);
void step_vdp(char **tok, int n, int expect_fail);
void step_rules_write(char **tok, int n, const char *line);
void step_rmmod(char **tok, int n, const char *line);
void step_bind(char **tok, int n, int bind);
void step_restored(char **tok, int n, const char *line);
void step_drivers(char **tok, int n, const char *line);
void step_dump(void);
void step_check(char **tok, int n, const char *line);	/* check.c */
void step_bench(char **tok, int n, const char *line);	/* io.c */
void step_logged(const char *line);			/* klog.c */
void step_clean_log(char **tok, int n, const char *line);
void step_loop(char **tok, int n, const char *line);	/* churn.c */
void step_churn(char **tok, int n, const char *line);

#endif /* VDP_AGENT_H */

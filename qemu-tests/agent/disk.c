// SPDX-License-Identifier: GPL-2.0
/*
 * vdp-agent: the disks (and other virtio devices) the plan declares: the
 * virtio device behind each one's PCI function, its status, block device,
 * driver and features, and waiting for their probes to end (settle).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

struct disk disks[MAX_DISKS];
int ndisks;

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

unsigned long disk_status(struct disk *d)
{
	char p[128], b[64];

	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/status", d->vdev);
	if (read_file(p, b, sizeof(b)) <= 0)
		return 0;
	return strtoul(b, NULL, 0);
}

/* The first entry of directory p that starts with prefix (not '.'), or "" */
void first_entry(const char *p, const char *prefix, char *out, size_t sz)
{
	DIR *dir = opendir(p);
	struct dirent *e;

	out[0] = 0;
	if (!dir)
		return;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.' && !strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(out, sz, "%s", e->d_name);
			break;
		}
	closedir(dir);
}

/*
 * Name of the block device of a disk, or "": vdX under the virtio device;
 * for a virtio-scsi disk sdX, as virtio_scsi's host, the target and the
 * LUN nest it (virtioN/hostH/targetH:0:0/H:0:0:0/block/sdX).
 */
void disk_blk(struct disk *d, char *out, size_t sz)
{
	char p[512], host[64], target[64], lun[64];

	if (d->vfs) {	/* virtio-fs: the runner's tag vdp-TAG, once bound */
		snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/driver", d->vdev);
		out[0] = 0;
		if (exists(p))
			snprintf(out, sz, "fs:vdp-%s", d->tag);
		return;
	}
	if (d->ninep) {	/* the share's mount tag, once the driver has it */
		char tag[64];

		snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/mount_tag", d->vdev);
		out[0] = 0;
		if (read_file(p, tag, sizeof(tag)) > 0) {
			chomp(tag);
			snprintf(out, sz, "9p:%s", tag);
		}
		return;
	}
	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/block", d->vdev);
	if (!d->scsi) {
		first_entry(p, "", out, sz);
		return;
	}
	out[0] = 0;
	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s", d->vdev);
	first_entry(p, "host", host, sizeof(host));
	if (!host[0])
		return;
	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/%s", d->vdev, host);
	first_entry(p, "target", target, sizeof(target));
	if (!target[0])
		return;
	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/%s/%s", d->vdev, host, target);
	first_entry(p, host + 4, lun, sizeof(lun));	/* "H:0:0:0" */
	if (!lun[0])
		return;
	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/%s/%s/%s/block", d->vdev, host,
		 target, lun);
	first_entry(p, "", out, sz);
}

int disk_bound(struct disk *d)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/bus/virtio/devices/%s/driver", d->vdev);
	return exists(p);
}

/* Feature bit of the driver-visible (negotiated) feature string. */
int disk_feature(struct disk *d, int bit, char *all, size_t allsz)
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

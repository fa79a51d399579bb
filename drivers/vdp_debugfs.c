// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy: /sys/kernel/debug/virtio_dma_policy/
 *
 *   devices  one line per virtio device seen (format: vdp_hook.c)
 *   rules    the active table: a '#' header, then "<index> <rule>"
 *   reprobe  write a virtio device name (virtio3) to unbind its driver
 *            and probe it again under the current rules
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vdp.h"

static struct dentry *vdp_dir;

static int vdp_devices_open(struct inode *inode, struct file *file)
{
	return single_open(file, vdp_devices_show, NULL);
}

static const struct file_operations vdp_devices_fops = {
	.owner = THIS_MODULE,
	.open = vdp_devices_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int vdp_rules_open(struct inode *inode, struct file *file)
{
	return single_open(file, vdp_rules_show, NULL);
}

static const struct file_operations vdp_rules_fops = {
	.owner = THIS_MODULE,
	.open = vdp_rules_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static ssize_t vdp_reprobe_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char name[VDP_NAME_LEN];
	size_t len = count;
	int ret;

	if (!len || len >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, len))
		return -EFAULT;
	name[len] = '\0';
	if (name[len - 1] == '\n')
		name[len - 1] = '\0';
	if (!name[0])
		return -EINVAL;

	ret = vdp_reprobe(name);
	return ret ? ret : count;
}

static const struct file_operations vdp_reprobe_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vdp_reprobe_write,
	.llseek = noop_llseek,
};

void vdp_debugfs_init(void)
{
	/* debugfs is optional: failures leave the files out, nothing else. */
	vdp_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("devices", 0444, vdp_dir, NULL, &vdp_devices_fops);
	debugfs_create_file("rules", 0444, vdp_dir, NULL, &vdp_rules_fops);
	debugfs_create_file("reprobe", 0200, vdp_dir, NULL, &vdp_reprobe_fops);
}

void vdp_debugfs_exit(void)
{
	debugfs_remove_recursive(vdp_dir);
	vdp_dir = NULL;
}

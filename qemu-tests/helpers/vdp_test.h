/* SPDX-License-Identifier: GPL-2.0 */
/* What the test-only helpers share. */
#ifndef VDP_TEST_H
#define VDP_TEST_H

#include <linux/pci.h>

/* virtio_pci registers the virtio device as a child of the function */
static inline int vdp_test_virtio_child(struct device *dev, void *data)
{
	if (!dev->bus || strcmp(dev->bus->name, "virtio"))
		return 0;
	*(struct device **)data = get_device(dev);
	return 1;
}

/*
 * The virtio device below the PCI function named pci, and the function
 * (if fn): references the caller puts.  NULL if either is missing.
 */
static inline struct device *vdp_test_find(const char *pci, struct device **fn)
{
	struct device *pdev, *child = NULL;

	pdev = bus_find_device_by_name(&pci_bus_type, NULL, pci);
	if (!pdev)
		return NULL;
	device_for_each_child(pdev, &child, vdp_test_virtio_child);
	if (child && fn)
		*fn = pdev;
	else
		put_device(pdev);
	return child;
}

#endif

// SPDX-License-Identifier: GPL-2.0
//
// The stock model of upstream virtio: vring_use_dma_api(), the
// restricted-memory part of virtio_features_ok(), vring_transport_features()
// under a model of the kernel (struct vdp_model) and the feature negotiation
// of virtio_dev_probe().
#include "vdp_core.hpp"

namespace vdp {

// The transport-feature facts of a kernel (struct vdp_model, by value).
struct Model {
	unsigned transport_end; // VIRTIO_TRANSPORT_F_END (exclusive)
	unsigned feature_bits;  // 64 or 128
	Feat keep;              // transport bits vring_transport_features() keeps
};

// The generations' presets, from their sources.  Bits
// vring_transport_features() does not clear:
//   6.1  drivers/virtio/virtio_ring.c:2766  28 29 32 33 34 36; END 41
//   6.12 drivers/virtio/virtio_ring.c:2951  + 38 (NOTIFICATION_DATA); END 42
//   7.2  drivers/virtio/virtio_ring.c:3578  + 35 (IN_ORDER); 128 bits
static Model preset(vdp_u8 gen)
{
	Feat k = Feat::bit(VDP_F_INDIRECT_DESC) | Feat::bit(VDP_F_EVENT_IDX) |
		 Feat::bit(VDP_F_VERSION_1) | Feat::bit(VDP_F_ACCESS_PLATFORM) |
		 Feat::bit(VDP_F_RING_PACKED) | Feat::bit(VDP_F_ORDER_PLATFORM);
	if (gen == VDP_GEN_6_1)
		return Model{41, 64, k};
	k = k | Feat::bit(VDP_F_NOTIFICATION_DATA);
	if (gen == VDP_GEN_6_12)
		return Model{42, 64, k};
	return Model{42, 128, k | Feat::bit(VDP_F_IN_ORDER)};
}

static bool valid(const vdp_model &m)
{
	if (m.transport_end <= VDP_TRANSPORT_F_START || m.transport_end > 64)
		return false;
	if (m.feature_bits != 64 && m.feature_bits != 128)
		return false;
	return Feat::range(VDP_TRANSPORT_F_START, m.transport_end)
		.contains(Feat::from(m.keep));
}

// An invalid or missing model is the newest generation's preset.
static Model model_from(const vdp_model *m)
{
	if (!m || !valid(*m))
		return preset(VDP_GEN_COUNT);
	return Model{m->transport_end, m->feature_bits, Feat::from(m->keep)};
}

static void filter(const Model &m, Feat &f)
{
	Feat range = Feat::range(VDP_TRANSPORT_F_START, m.transport_end);
	f = f & ~(range & ~m.keep);
}

static void filter_in_place(const Model &m, struct vdp_features *features)
{
	if (!features)
		return;
	Feat f = Feat::from(*features);
	filter(m, f);
	f.to(*features);
}

static void predict(const Model &m, const struct vdp_device *dev,
		    const struct vdp_features *offered, const struct vdp_features *drv,
		    const struct vdp_features *drv_legacy, int has_legacy,
		    struct vdp_features *out)
{
	if (!out)
		return;
	const Feat width = Feat::range(0, m.feature_bits);
	const Feat off = offered ? Feat::from(*offered) & width : Feat::none();
	const Feat d = drv ? Feat::from(*drv) & width : Feat::none();
	vdp_u64 legacy = d.w[0];
	if (has_legacy)
		legacy = drv_legacy ? drv_legacy->w[0] : 0;

	// virtio_dev_probe(): VERSION_1 picks the modern table, else the
	// legacy one (64 bits only in every generation).
	Feat f;
	if (off.test(VDP_F_VERSION_1))
		f = d & off;
	else
		f = Feat{{legacy & off.w[0], 0}};

	// "Transport features always preserved to pass to finalize_features."
	f = f | (off & Feat::range(VDP_TRANSPORT_F_START, m.transport_end));

	// finalize_features(): the value vp_finalize_features() saves first.
	const Feat pre = f;
	filter(m, f);

	if (dev && dev->transport == VDP_TRANSPORT_PCI) {
		// vp_transport_features() in virtio_pci_modern.c.  ADMIN_VQ
		// (41) came with the admin virtqueue (6.8), in the series
		// that moved VIRTIO_TRANSPORT_F_END from 41 to 42.
		if (pre.test(VDP_F_SR_IOV) && dev->sriov_capable)
			f = f | Feat::bit(VDP_F_SR_IOV);
		if (pre.test(VDP_F_RING_RESET))
			f = f | Feat::bit(VDP_F_RING_RESET);
		if (m.transport_end > VDP_F_ADMIN_VQ && pre.test(VDP_F_ADMIN_VQ))
			f = f | Feat::bit(VDP_F_ADMIN_VQ);
	}
	f.to(*out);
}

} // namespace vdp

using namespace vdp;

extern "C" {

vdp_u32 vdp_abi_version(void)
{
	return VDP_ABI_VERSION;
}

int vdp_stock_use_dma_api(const struct vdp_features *negotiated, int xen)
{
	// !virtio_has_dma_quirk() -> true; xen_domain() -> true; else false.
	if (negotiated && vdp_feat_test(negotiated, VDP_F_ACCESS_PLATFORM))
		return 1;
	return xen ? 1 : 0;
}

int vdp_stock_features_ok(const struct vdp_features *negotiated, int restricted_mem)
{
	if (!restricted_mem)
		return 0;
	if (!negotiated || !vdp_feat_test(negotiated, VDP_F_VERSION_1) ||
	    !vdp_feat_test(negotiated, VDP_F_ACCESS_PLATFORM))
		return kENODEV;
	return 0;
}

void vdp_model_of_gen(vdp_u8 gen, struct vdp_model *model)
{
	if (!model)
		return;
	const Model m = preset(gen);
	*model = vdp_model{};
	model->transport_end = static_cast<vdp_u8>(m.transport_end);
	model->feature_bits = static_cast<vdp_u8>(m.feature_bits);
	m.keep.to(model->keep);
}

int vdp_model_valid(const struct vdp_model *model) { return model && valid(*model); }

void vdp_model_filter(const struct vdp_model *model, struct vdp_features *features)
{
	filter_in_place(model_from(model), features);
}

void vdp_transport_filter(vdp_u8 gen, struct vdp_features *features)
{
	filter_in_place(preset(gen), features);
}

void vdp_model_predict(const struct vdp_model *model, const struct vdp_device *dev,
		       const struct vdp_features *offered, const struct vdp_features *drv,
		       const struct vdp_features *drv_legacy, int has_legacy,
		       struct vdp_features *out)
{
	predict(model_from(model), dev, offered, drv, drv_legacy, has_legacy, out);
}

void vdp_predict_negotiated(vdp_u8 gen, const struct vdp_device *dev,
			    const struct vdp_features *offered,
			    const struct vdp_features *drv,
			    const struct vdp_features *drv_legacy, int has_legacy,
			    struct vdp_features *out)
{
	predict(preset(gen), dev, offered, drv, drv_legacy, has_legacy, out);
}

vdp_u32 vdp_platform_flags(const struct vdp_platform *plat)
{
	if (!plat)
		return 0;
	vdp_u32 f = 0;
	if (plat->xen)
		f |= VDP_PLAT_XEN;
	if (plat->restricted_mem)
		f |= VDP_PLAT_RESTRICTED;
	if (plat->pseries)
		f |= VDP_PLAT_PSERIES;
	if (plat->secure_guest)
		f |= VDP_PLAT_SECURE;
	if (plat->swiotlb_forced)
		f |= VDP_PLAT_SWIOTLB;
	return f;
}

} // extern "C"

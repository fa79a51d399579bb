// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_dma_policy: the active rule table and the module parameters that
 * shape it.
 *
 *   rules=           the rule table (README.md, "Rule grammar").  Settable
 *                    at load, on the kernel command line and at runtime
 *                    through /sys/module/virtio_dma_policy/parameters/rules
 *                    (root only).  A malformed value is rejected with
 *                    -EINVAL and a message naming the offset; the active
 *                    table is then unchanged.  A good value replaces the
 *                    whole table atomically (RCU); it applies to devices
 *                    probed afterwards.
 *   mode=            enforce (default) or audit; writable at runtime.
 *   pseries_bounce=  auto (default), on or off: which built-in rules are
 *                    appended after the user's (load time only).
 *
 * A table is allocated for the rules it holds: the text's rules plus room
 * for the built-in ones (vdp_rules_count(), VDP_BUILTIN_RULES).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vdp.h"

/*
 * The active table and its generation: 1 for the table built at load, one
 * more for every table a rules write installs.  A decision records the
 * generation it was taken with (the devices file's rules-gen column), so
 * that its rule index is never read against a later table.
 */
struct vdp_rules {
	u32 generation;
	struct vdp_table table;		/* last: its rules follow */
};

/* Serialises writers of the table and the rules text; readers use RCU. */
static DEFINE_MUTEX(vdp_cfg_lock);
static struct vdp_rules __rcu *vdp_active;
static u32 vdp_generation;	/* of the last table installed */
static char vdp_rules_text[VDP_MAX_TEXT];
static u8 vdp_mode = VDP_MODE_ENFORCE;
static u8 vdp_pseries_bounce = VDP_PSERIES_BOUNCE_AUTO;
static bool vdp_live;		/* init done: rules writes swap the table */

/* Parse text into a fresh table; an ERR_PTR with a message on error. */
static struct vdp_rules *vdp_parse_new(const char *text, size_t len)
{
	struct vdp_parse_result res;
	struct vdp_rules *r;
	struct vdp_table *t;
	u32 st, cap;

	if (len >= VDP_MAX_TEXT) {
		pr_err(VDP_MSG_RULES_TOO_LONG, len, VDP_MAX_TEXT - 1);
		return ERR_PTR(-EINVAL);
	}
	cap = min_t(u32, vdp_rules_count(text, len) + VDP_BUILTIN_RULES,
		    VDP_MAX_RULES);
	r = kvzalloc(struct_size(r, table.rules, cap), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	t = &r->table;
	t->capacity = cap;
	memset(&res, 0, sizeof(res));
	st = vdp_parse(text, len, t, &res);
	if (st != VDP_PARSE_OK) {
		size_t off, near = vdp_parse_excerpt(text, len, &res, &off);

		res.message[sizeof(res.message) - 1] = '\0';
		pr_err(VDP_MSG_RULES_PARSE, vdp_parse_status_name(st),
		       res.offset, res.rule, res.message, (int)near, text + off);
		kvfree(r);
		return ERR_PTR(-EINVAL);
	}
	return r;
}

/* Append the built-in rules; a full table is an error. */
static int vdp_finish_table(struct vdp_table *t)
{
	if (vdp_append_builtin(t, vdp_pseries_bounce)) {
		pr_err(VDP_MSG_RULES_NO_ROOM, t->count, vdp_pseries_bounce);
		return -EINVAL;
	}
	return 0;
}

static void vdp_set_text(const char *val, size_t len)
{
	if (len && val[len - 1] == '\n')
		len--;
	memcpy(vdp_rules_text, val, len);
	vdp_rules_text[len] = '\0';
}

static int vdp_rules_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strnlen(val, VDP_MAX_TEXT);
	struct vdp_rules *r, *old = NULL;
	u32 count = 0, builtin = 0, generation = 0;
	bool live;

	r = vdp_parse_new(val, len);
	if (IS_ERR(r))
		return PTR_ERR(r);

	mutex_lock(&vdp_cfg_lock);
	/* (read once: exit may end the live state as soon as we unlock) */
	live = vdp_live;
	if (live) {
		if (vdp_finish_table(&r->table)) {
			mutex_unlock(&vdp_cfg_lock);
			kvfree(r);
			return -EINVAL;
		}
		count = r->table.count;
		builtin = vdp_table_builtin_count(&r->table);
		generation = ++vdp_generation;
		r->generation = generation;
		old = rcu_replace_pointer(vdp_active, r,
					  lockdep_is_held(&vdp_cfg_lock));
	} else {
		/* At load: only validate; init builds the table. */
		old = r;
	}
	vdp_set_text(val, len);
	mutex_unlock(&vdp_cfg_lock);

	/*
	 * r is not ours after the unlock: a later write or exit may replace
	 * and free it (what it said is in count, builtin and generation)
	 */
	if (live) {
		synchronize_rcu();
		pr_info("rules: %u rules active (%u built-in, generation %u); they apply to devices probed from now on\n",
			count, builtin, generation);
	}
	kvfree(old);
	return 0;
}

static int vdp_rules_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&vdp_cfg_lock);
	n = scnprintf(buf, PAGE_SIZE, "%s\n", vdp_rules_text);
	mutex_unlock(&vdp_cfg_lock);
	return n;
}

static const struct kernel_param_ops vdp_rules_ops = {
	.set = vdp_rules_set,
	.get = vdp_rules_get,
};
module_param_cb(rules, &vdp_rules_ops, NULL, 0644);
MODULE_PARM_DESC(rules,
		 "Rules: terms key=value joined by ',', rules by ';', first match wins (see README)");

/* The value 0..count-1 whose core name is val (a trailing newline is fine). */
static int vdp_match_name(const char *val, const char *(*name)(vdp_u8),
			  unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		if (sysfs_streq(val, name(i)))
			return i;
	return -EINVAL;
}

static int vdp_mode_set(const char *val, const struct kernel_param *kp)
{
	int mode = vdp_match_name(val, vdp_mode_name, VDP_MODE_COUNT);

	if (mode < 0) {
		pr_err("mode: '%.*s' is neither 'enforce' nor 'audit'; mode unchanged\n",
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	WRITE_ONCE(vdp_mode, mode);
	if (READ_ONCE(vdp_live))
		pr_info("mode: %s for devices probed from now on\n",
			vdp_mode_name(mode));
	return 0;
}

static int vdp_mode_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 vdp_mode_name(READ_ONCE(vdp_mode)));
}

static const struct kernel_param_ops vdp_mode_ops = {
	.set = vdp_mode_set,
	.get = vdp_mode_get,
};
module_param_cb(mode, &vdp_mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "enforce (default) or audit (decide and report, change nothing)");

static int vdp_bounce_set(const char *val, const struct kernel_param *kp)
{
	int i = vdp_match_name(val, vdp_pseries_bounce_name, VDP_PSERIES_BOUNCE_COUNT);

	if (i < 0) {
		pr_err("pseries_bounce: '%.*s' is not auto, on or off\n",
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	vdp_pseries_bounce = i;
	return 0;
}

static int vdp_bounce_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 vdp_pseries_bounce_name(vdp_pseries_bounce));
}

static const struct kernel_param_ops vdp_bounce_ops = {
	.set = vdp_bounce_set,
	.get = vdp_bounce_get,
};
module_param_cb(pseries_bounce, &vdp_bounce_ops, NULL, 0444);
MODULE_PARM_DESC(pseries_bounce,
		 "Built-in pseries rule: auto (secure guests, default), on (every pseries guest), off");

/*
 * Decide for one device with the active table.  fallback receives the
 * matching rule's else= (what to do if applying the decision fails),
 * generation the table's (0 if there is none).
 */
void vdp_policy_decide(const struct vdp_device *dev,
		       const struct vdp_platform *plat,
		       const struct vdp_dma_facts *dma,
		       struct vdp_decision *out, u8 *fallback, u32 *generation)
{
	const struct vdp_rules *r;
	const struct vdp_table *t;

	rcu_read_lock();
	r = rcu_dereference(vdp_active);
	t = r ? &r->table : NULL;
	vdp_decide(t, dev, plat, dma, READ_ONCE(vdp_mode), out);
	*fallback = VDP_FALLBACK_STOCK;
	*generation = r ? r->generation : 0;
	if (t && out->rule >= 0 && (u32)out->rule < t->count)
		*fallback = t->rules[out->rule].fallback;
	rcu_read_unlock();
}

/*
 * debugfs "rules": a header, then one "<index> <rule>" line per rule.  The
 * header's generation is the table's (the devices file's rules-gen).
 */
int vdp_rules_show(struct seq_file *m, void *unused)
{
	const struct vdp_rules *r;
	const struct vdp_table *t;
	char *buf;
	u32 i;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&vdp_cfg_lock);
	r = rcu_dereference_protected(vdp_active,
				      lockdep_is_held(&vdp_cfg_lock));
	t = r ? &r->table : NULL;
	seq_printf(m, "# mode=%s pseries_bounce=%s rules=%u builtin=%u generation=%u\n",
		   vdp_mode_name(READ_ONCE(vdp_mode)),
		   vdp_pseries_bounce_name(vdp_pseries_bounce), t ? t->count : 0,
		   t ? vdp_table_builtin_count(t) : 0, r ? r->generation : 0);
	for (i = 0; t && i < t->count; i++) {
		vdp_format_rule(&t->rules[i], buf, PAGE_SIZE);
		seq_printf(m, "%u %s\n", i, buf);
	}
	mutex_unlock(&vdp_cfg_lock);
	kfree(buf);
	return 0;
}

/*
 * Build the load-time table (the rules= text given at load or on the
 * command line, plus the built-in rules) and make it active: from now on
 * rules writes swap the table.  Prints nothing on success; a bad text was
 * already refused when the parameter was set.
 */
int vdp_rules_init(void)
{
	struct vdp_rules *r;

	mutex_lock(&vdp_cfg_lock);
	r = vdp_parse_new(vdp_rules_text, strlen(vdp_rules_text));
	if (IS_ERR(r)) {
		mutex_unlock(&vdp_cfg_lock);
		return PTR_ERR(r);
	}
	if (vdp_finish_table(&r->table)) {
		mutex_unlock(&vdp_cfg_lock);
		kvfree(r);
		return -EINVAL;
	}
	vdp_generation = 1;
	r->generation = vdp_generation;
	rcu_assign_pointer(vdp_active, r);
	WRITE_ONCE(vdp_live, true);
	mutex_unlock(&vdp_cfg_lock);
	return 0;
}

/* Drop the active table (after the hooks are gone). */
void vdp_rules_exit(void)
{
	struct vdp_rules *r;

	mutex_lock(&vdp_cfg_lock);
	WRITE_ONCE(vdp_live, false);
	r = rcu_replace_pointer(vdp_active, NULL,
				lockdep_is_held(&vdp_cfg_lock));
	mutex_unlock(&vdp_cfg_lock);
	synchronize_rcu();
	kvfree(r);
}

/* The load message: the parameters and the active table. */
void vdp_rules_print_loaded(void)
{
	const struct vdp_rules *r;
	const struct vdp_table *t;

	mutex_lock(&vdp_cfg_lock);
	r = rcu_dereference_protected(vdp_active,
				      lockdep_is_held(&vdp_cfg_lock));
	t = r ? &r->table : NULL;
	pr_info("loaded: mode=%s pseries_bounce=%s, %u rules (%u built-in), arch %s, generation %s\n",
		vdp_mode_name(READ_ONCE(vdp_mode)),
		vdp_pseries_bounce_name(vdp_pseries_bounce), t ? t->count : 0,
		t ? vdp_table_builtin_count(t) : 0,
		vdp_arch_name(vdp_arch_id()), vdp_gen_name(vdp_compat_gen()));
	mutex_unlock(&vdp_cfg_lock);
}

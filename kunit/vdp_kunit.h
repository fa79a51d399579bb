/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the KUnit suites (header-only, see vdp_fake.h). */
#ifndef VDP_KUNIT_H
#define VDP_KUNIT_H

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../tests/cases/vdp_case_types.h"

/*
 * A parameter description for KTAP: printable, one line, no '#' (KTAP
 * directives), control and non-ASCII bytes as \xNN, "(empty)" for "".
 */
static inline void vdp_printable_desc(const char *in, char *desc)
{
	int i, n = 0;

	for (i = 0; in[i] && n < KUNIT_PARAM_DESC_SIZE - 5; i++) {
		unsigned char ch = in[i];

		if (ch > ' ' && ch < 0x7f && ch != '#')
			desc[n++] = ch;
		else
			n += snprintf(desc + n, 5, "\\x%02x", ch);
	}
	if (!n)
		n = snprintf(desc, 8, "(empty)");
	desc[n] = '\0';
}

static inline void vdp_parse_ok_desc(const struct vdp_parse_ok_case *c, char *desc)
{
	vdp_printable_desc(c->input, desc);
}

static inline void vdp_parse_err_desc(const struct vdp_parse_err_case *c, char *desc)
{
	vdp_printable_desc(c->input, desc);
}

/* A copy of s in a buffer of exactly len bytes: KASAN sees any overread. */
static inline char *vdp_exact_copy(struct kunit *test, const char *s, size_t len)
{
	char *p = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	memcpy(p, s, len);
	return p;
}

/*
 * A valid rules text (not NUL-terminated, exactly *len bytes) of n rules
 * "action=dma", k of them (k <= n) "action=auto": 11 * n - 1 + k bytes.
 */
static inline char *vdp_rules_text(struct kunit *test, unsigned int n, unsigned int k,
				   size_t *len)
{
	char *buf = kunit_kmalloc(test, 12 * n, GFP_KERNEL);
	size_t l = 0;
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 0; i < n; i++) {
		const char *r = i < k ? "action=auto" : "action=dma";

		if (i)
			buf[l++] = ';';
		memcpy(buf + l, r, strlen(r));
		l += strlen(r);
	}
	*len = l;
	return vdp_exact_copy(test, buf, l);
}

/* A valid rules text of exactly len (>= 10) bytes. */
static inline char *vdp_rules_text_of(struct kunit *test, size_t len)
{
	unsigned int n = (len + 1) / 11;
	size_t got;
	char *p = vdp_rules_text(test, n, len - (11 * n - 1), &got);

	KUNIT_ASSERT_EQ(test, got, len);
	return p;
}

#endif /* VDP_KUNIT_H */

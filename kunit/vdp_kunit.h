/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the KUnit suites (header-only, see vdp_fake.h). */
#ifndef VDP_KUNIT_H
#define VDP_KUNIT_H

#include <kunit/test.h>
#include <linux/kernel.h>

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

#endif /* VDP_KUNIT_H */

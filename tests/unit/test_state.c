// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_state.c - the attachment record kegctl keeps next to its pins
 * (user/lib/bpf/state.h): format and parse, and the texts parse must refuse.
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "state.h"

Test(state, roundtrip)
{
	static const struct keg_state states[] = {
		{ .ifindex = 5, .netns = 4099, .mode = KEG_XDP_NATIVE, .xdp_id = 114,
		  .tc_id = 115, .clsact_created = true },
		{ .ifindex = UINT32_MAX, .netns = UINT64_MAX, .mode = KEG_XDP_GENERIC,
		  .xdp_id = UINT32_MAX, .tc_id = 0, .clsact_created = false },
	};
	char text[256];
	struct keg_state st;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		cr_assert_eq(keg_state_format(&states[i], text, sizeof(text)), 0);
		cr_assert_eq(keg_state_parse(text, &st), 0, "\"%s\" refused", text);
		cr_expect(st.ifindex == states[i].ifindex && st.netns == states[i].netns &&
			  st.mode == states[i].mode && st.xdp_id == states[i].xdp_id &&
			  st.tc_id == states[i].tc_id &&
			  st.clsact_created == states[i].clsact_created,
			  "\"%s\" read back differently", text);
	}
	cr_assert_eq(keg_state_format(&states[0], text, sizeof(text)), 0);
	cr_expect_str_eq(text, "keg1 ifindex=5 netns=4099 mode=native xdp=114 tc=115 clsact=1");
}

Test(state, format_too_small)
{
	static const struct keg_state st = { .ifindex = 1, .mode = KEG_XDP_NATIVE };
	char text[16];

	cr_expect_eq(keg_state_format(&st, text, sizeof(text)), -ENAMETOOLONG);
}

Test(state, refused)
{
	static const char *const bad[] = {
		"",
		"keg1",
		"keg2 ifindex=5 netns=4099 mode=native xdp=114 tc=115 clsact=1",
		"keg1 ifindex=5 netns=4099 mode=auto xdp=114 tc=115 clsact=1",
		"keg1 ifindex=5 netns=4099 mode=native xdp=114 tc=115",
		"keg1 ifindex=5 netns=4099 mode=native xdp=114 tc=115 clsact=1 extra",
		"keg1 ifindex=5 netns=4099 mode=native xdp=114 tc=115 clsact=1\n",
		"keg1 ifindex=x netns=4099 mode=native xdp=114 tc=115 clsact=1",
		"keg1 netns=4099 ifindex=5 mode=native xdp=114 tc=115 clsact=1",
	};
	struct keg_state st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(keg_state_parse(bad[i], &st), -EINVAL, "\"%s\" accepted", bad[i]);
}

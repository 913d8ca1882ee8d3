// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_state.c - libFuzzer harness for keg_state_parse() (the attachment
 * record kegctl keeps in a symlink, user/lib/bpf/state.h): no crash, and what
 * parses formats back to text that parses to the same record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keg_state st, again;
	char text[256], *s;

	if (size > 512)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (keg_state_parse(s, &st) == 0) {
		CHECK(st.mode == KEG_XDP_NATIVE || st.mode == KEG_XDP_GENERIC);
		CHECK(keg_state_format(&st, text, sizeof(text)) == 0);
		CHECK(keg_state_parse(text, &again) == 0);
		CHECK(again.ifindex == st.ifindex && again.netns == st.netns &&
		      again.mode == st.mode && again.xdp_id == st.xdp_id &&
		      again.tc_id == st.tc_id && again.clsact_created == st.clsact_created);
	}
	free(s);
	return 0;
}

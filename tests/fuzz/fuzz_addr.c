// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_addr.c - libFuzzer harness for keg_addr_parse() / keg_prefix_parse()
 * (user/lib/base/addr.h). Besides "no crash, no sanitizer report":
 *  - an accepted prefix has no host bits and a length within the family;
 *  - an accepted address has the full length;
 *  - what is accepted formats back to text that parses to the same value;
 *  - a refused input has an error message that names the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void roundtrip(const struct keg_addr *a, bool prefix)
{
	char buf[KEG_ADDR_STRLEN];
	struct keg_addr b;

	if (prefix)
		keg_prefix_str(a, buf, sizeof(buf));
	else
		keg_addr_str(a, buf, sizeof(buf));
	CHECK((prefix ? keg_prefix_parse(buf, &b, NULL) : keg_addr_parse(buf, &b, NULL)) == 0);
	CHECK(keg_addr_cmp(a, &b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keg_err err = { 0 };
	struct keg_addr a;
	char *s;

	if (size > 256)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (keg_addr_parse(s, &a, &err) == 0) {
		CHECK(a.family == AF_INET || a.family == AF_INET6);
		CHECK(a.plen == keg_addr_maxlen(&a));
		CHECK(a.family == AF_INET6 || !memcmp(a.bytes + 4, (uint8_t[12]){ 0 }, 12));
		roundtrip(&a, false);
	} else {
		CHECK(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof(err.msg)));
	}

	err.msg[0] = '\0';
	if (keg_prefix_parse(s, &a, &err) == 0) {
		CHECK(a.family == AF_INET || a.family == AF_INET6);
		CHECK(a.plen <= keg_addr_maxlen(&a));
		CHECK(!keg_prefix_has_host_bits(&a));
		roundtrip(&a, true);
	} else {
		CHECK(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof(err.msg)));
	}
	free(s);
	return 0;
}

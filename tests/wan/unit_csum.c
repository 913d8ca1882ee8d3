// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * unit_csum.c - checksum completion against frames built (and checksummed)
 * by scapy: clobber the checksum as CHECKSUM_PARTIAL leaves it, complete it,
 * expect scapy's bytes back.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "csum.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2)
		sscanf(h, "%2hhx", &out[n++]);
	return n;
}

static const struct {
	const char *name;
	const char *hex;
	size_t csum_off;
} frames[] = {
	{ "udp4",
	  "020000000002020000000001080045000032000100004011630b0a4d010b0a4d020b"
	  "9c402328001e9d066b65672077616e206c61622030313233343536373839", 40 },
	{ "tcp6 odd length",
	  "02000000000202000000000186dd6000000000270640fd0000770001000000000000"
	  "00000011fd0000770002000000000000000000119c401451000000010000000050"
	  "182000a4d0000068656c6c6f2c206f6464206c656e6774682121", 70 },
	{ "tcp4 in 802.1Q",
	  "0200000000020200000000018100002a08004500002800070000400666c70a000001"
	  "0a000002000100020000000000000000500220007bdd0000", 54 },
};

Test(csum, completes_known_frames)
{
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		uint8_t want[256], f[256];
		size_t n = unhex(frames[i].hex, want);

		memcpy(f, want, n);
		f[frames[i].csum_off] = 0x12;	/* what a partial sum leaves */
		f[frames[i].csum_off + 1] = 0x34;
		cr_assert_eq(wan_csum_complete(f, n), 0, "%s", frames[i].name);
		cr_expect_arr_eq(f, want, n, "%s: checksum %02x%02x, want %02x%02x",
				 frames[i].name, f[frames[i].csum_off],
				 f[frames[i].csum_off + 1], want[frames[i].csum_off],
				 want[frames[i].csum_off + 1]);
	}
}

Test(csum, leaves_other_frames_alone)
{
	uint8_t f[256], orig[256];
	size_t n = unhex(frames[0].hex, f);

	/* Fragment (MF set): the L4 header is not all there. */
	memcpy(orig, f, n);
	f[20] = 0x20;
	cr_expect_eq(wan_csum_complete(f, n), -ENOENT);
	/* ARP. */
	memcpy(f, orig, n);
	f[12] = 0x08;
	f[13] = 0x06;
	cr_expect_eq(wan_csum_complete(f, n), -ENOENT);
	/* ICMP. */
	memcpy(f, orig, n);
	f[23] = 1;
	cr_expect_eq(wan_csum_complete(f, n), -ENOENT);
	cr_expect_arr_eq(f + 24, orig + 24, n - 24);
	/* Truncated: total length beyond the frame. */
	memcpy(f, orig, n);
	cr_expect_eq(wan_csum_complete(f, n - 1), -EINVAL);
	cr_expect_eq(wan_csum_complete(f, 10), -EINVAL);
}

Test(csum, udp_zero_becomes_ffff)
{
	/* A UDP datagram whose checksum computes to 0 must carry 0xffff. */
	uint8_t f[64];
	size_t n = unhex(frames[0].hex, f);
	uint32_t sum;

	/* Find a 2-byte payload tweak that makes the sum come out as zero. */
	f[n - 2] = f[n - 1] = 0;
	f[40] = f[41] = 0;
	cr_assert_eq(wan_csum_complete(f, n), 0);
	sum = (uint32_t)(f[40] << 8 | f[41]);
	/* Adding the checksum into the payload's last word drives it to 0. */
	f[n - 2] = (uint8_t)(sum >> 8);
	f[n - 1] = (uint8_t)sum;
	cr_assert_eq(wan_csum_complete(f, n), 0);
	cr_expect_eq(f[40], 0xff);
	cr_expect_eq(f[41], 0xff);
}

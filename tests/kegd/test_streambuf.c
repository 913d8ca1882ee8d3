// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_streambuf.c - the send ring of a QUIC stream (user/kegd/streambuf.c):
 * bytes stay in place until acknowledged, the ring wraps, space returns
 * only with acknowledgements.
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "streambuf.h"

Test(streambuf, wrap_ack_restart)
{
	struct keg_sbuf sb;
	struct iovec v[2];
	uint8_t data[100], out[100];

	for (int i = 0; i < 100; i++)
		data[i] = (uint8_t)i;
	cr_expect_eq(keg_sbuf_init(&sb, 0), -EINVAL);
	cr_assert_eq(keg_sbuf_init(&sb, 128), 0);
	cr_expect_eq(keg_sbuf_write(&sb, data, 100), 0);
	cr_expect_eq(keg_sbuf_write(&sb, data, 29), -ENOBUFS);
	cr_expect_eq(keg_sbuf_room(&sb), 28);
	cr_expect_eq(keg_sbuf_peek(&sb, 60, v), 1);
	cr_expect_eq(v[0].iov_len, 60);
	cr_expect_eq(keg_sbuf_consume(&sb, 60), 0);
	cr_expect_eq(keg_sbuf_ack(&sb, 0, 61), -EINVAL);     /* never sent */
	cr_expect_eq(keg_sbuf_ack(&sb, 0, 50), 0);
	cr_expect_eq(keg_sbuf_ack(&sb, 0, 10), 0);           /* old ack: no change */
	cr_expect_eq(keg_sbuf_room(&sb), 78);
	/* Wraps: offsets 100..199 sit at ring positions 100..127, 0..71. */
	cr_expect_eq(keg_sbuf_write(&sb, data, 78), 0);
	cr_expect_eq(keg_sbuf_consume(&sb, 40), 0);
	cr_expect_eq(keg_sbuf_peek(&sb, 1000, v), 2);
	cr_expect_eq(v[0].iov_len, 28);
	cr_expect_eq(v[1].iov_len, 50);
	memcpy(out, v[0].iov_base, 28);
	memcpy(out + 28, v[1].iov_base, 50);
	cr_expect_arr_eq(out, data, 78);
	cr_expect_eq(keg_sbuf_consume(&sb, 79), -EINVAL);
	cr_expect_eq(keg_sbuf_restart(&sb), -EBUSY);
	cr_expect_eq(keg_sbuf_consume(&sb, 78), 0);
	cr_expect_eq(keg_sbuf_peek(&sb, 1000, v), 0);
	cr_expect_eq(keg_sbuf_ack(&sb, 50, 128), 0);
	cr_expect_eq(keg_sbuf_room(&sb), 128);
	cr_expect_eq(keg_sbuf_restart(&sb), 0);
	cr_expect_eq(sb.end, 0);
	keg_sbuf_free(&sb);
}

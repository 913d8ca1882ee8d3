// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * streambuf.c - send ring of one QUIC stream (streambuf.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "streambuf.h"

int keg_sbuf_init(struct keg_sbuf *sb, size_t cap)
{
	memset(sb, 0, sizeof(*sb));
	if (!cap)
		return -EINVAL;
	sb->buf = malloc(cap);
	if (!sb->buf)
		return -ENOMEM;
	sb->cap = cap;
	return 0;
}

void keg_sbuf_free(struct keg_sbuf *sb)
{
	free(sb->buf);
	memset(sb, 0, sizeof(*sb));
}

int keg_sbuf_write(struct keg_sbuf *sb, const void *data, size_t len)
{
	size_t pos, first;

	if (len > keg_sbuf_room(sb))
		return -ENOBUFS;
	pos = (size_t)(sb->end % sb->cap);
	first = sb->cap - pos < len ? sb->cap - pos : len;
	memcpy(sb->buf + pos, data, first);
	memcpy(sb->buf, (const uint8_t *)data + first, len - first);
	sb->end += len;
	return 0;
}

int keg_sbuf_peek(const struct keg_sbuf *sb, uint64_t max, struct iovec v[2])
{
	uint64_t n = keg_sbuf_unsent(sb);
	size_t pos, first;

	if (n > max)
		n = max;
	if (!n)
		return 0;
	pos = (size_t)(sb->sent % sb->cap);
	first = sb->cap - pos < n ? sb->cap - pos : (size_t)n;
	v[0].iov_base = sb->buf + pos;
	v[0].iov_len = first;
	if (first == n)
		return 1;
	v[1].iov_base = sb->buf;
	v[1].iov_len = (size_t)n - first;
	return 2;
}

int keg_sbuf_consume(struct keg_sbuf *sb, uint64_t n)
{
	if (n > keg_sbuf_unsent(sb))
		return -EINVAL;
	sb->sent += n;
	return 0;
}

int keg_sbuf_ack(struct keg_sbuf *sb, uint64_t offset, uint64_t len)
{
	uint64_t to = offset + len;

	if (to < offset || to > sb->sent)
		return -EINVAL;
	if (to > sb->acked)
		sb->acked = to;
	return 0;
}

int keg_sbuf_restart(struct keg_sbuf *sb)
{
	if (sb->acked != sb->end)
		return -EBUSY;
	sb->acked = sb->sent = sb->end = 0;
	return 0;
}

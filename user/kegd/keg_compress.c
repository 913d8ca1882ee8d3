// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * keg_compress.c - adaptive keg compression with libzstd and liblz4
 * (see keg_compress.h; wire format in headers/keg_wire.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lz4.h>
#include <zstd.h>

#include "keg_compress.h"

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void keg_z_conf_from_site(const struct keg_site_conf *c, struct keg_z_conf *z)
{
	z->codec = c->compress <= KEG_COMPRESS_OFF ? c->compress : KEG_COMPRESS_OFF;
	z->level = c->compress_level ? c->compress_level : KEG_COMPRESS_LEVEL_DEFAULT;
	if (z->level > KEG_COMPRESS_LEVEL_MAX)
		z->level = KEG_COMPRESS_LEVEL_MAX;
	z->gain_pct = c->compress_gain ? c->compress_gain : KEG_COMPRESS_GAIN_DEFAULT;
	if (z->gain_pct > KEG_COMPRESS_GAIN_MAX)
		z->gain_pct = KEG_COMPRESS_GAIN_MAX;
}

bool keg_z_backoff_try(struct keg_z_backoff *b)
{
	if (!b->skip)
		return true;
	b->skip--;
	return false;
}

void keg_z_backoff_result(struct keg_z_backoff *b, bool gained)
{
	if (gained) {
		b->next = 0;
		b->skip = 0;
		return;
	}
	b->next = b->next ? b->next * 2 : KEG_Z_BACKOFF_MIN;
	if (b->next > KEG_Z_BACKOFF_MAX)
		b->next = KEG_Z_BACKOFF_MAX;
	b->skip = b->next;
}

static bool conf_ok(const struct keg_z_conf *c)
{
	return c->codec <= KEG_COMPRESS_OFF && c->level >= 1 && c->level <= KEG_COMPRESS_LEVEL_MAX &&
	       c->gain_pct >= 1 && c->gain_pct <= KEG_COMPRESS_GAIN_MAX;
}

int keg_z_init(struct keg_z *z, const struct keg_z_conf *conf, uint32_t segsize,
	       uint32_t segsize_max)
{
	memset(z, 0, sizeof(*z));
	if (!conf_ok(conf) || segsize < KEG_SEGSIZE_MIN || segsize > KEG_SEGSIZE_MAX ||
	    segsize_max < KEG_SEGSIZE_MIN || segsize_max > KEG_SEGSIZE_MAX)
		return -EINVAL;
	z->conf = *conf;
	z->segsize = segsize;
	z->segsize_max = segsize_max;
	return 0;
}

void keg_z_free(struct keg_z *z)
{
	ZSTD_freeCCtx(z->cctx);
	ZSTD_freeDCtx(z->dctx);
	free(z->lz4);
	free(z->out);
	free(z->plain);
	memset(z, 0, sizeof(*z));
}

int keg_z_set_conf(struct keg_z *z, const struct keg_z_conf *conf)
{
	if (!conf_ok(conf))
		return -EINVAL;
	z->conf = *conf;
	return 0;
}

/* The compressor of the configured codec, set up once; false: none. */
static bool tx_ready(struct keg_z *z)
{
	if (!z->out) {
		z->out = malloc(keg_buf_size(z->segsize));
		if (!z->out)
			return false;
	}
	if (z->conf.codec == KEG_COMPRESS_LZ4) {
		if (!z->lz4)
			z->lz4 = malloc((size_t)LZ4_sizeofState());
		return z->lz4;
	}
	if (!z->cctx) {
		z->cctx = ZSTD_createCCtx();
		if (!z->cctx)
			return false;
		z->cctx_level = 0;
	}
	if (z->cctx_level != z->conf.level) {
		/* No checksum (QUIC's AEAD already protects the bytes), no
		 * dictionary id; the content size stays: the receiver checks
		 * it against raw_len before decompressing. */
		if (ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel,
							 z->conf.level)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 0)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_dictIDFlag, 0)))
			return false;
		z->cctx_level = z->conf.level;
	}
	return true;
}

/* Compress raw[0..n) into dst[0..cap); the compressed length, or 0 when it
 * does not fit (not worth it) or fails. */
static size_t codec_compress(struct keg_z *z, uint8_t *dst, size_t cap, const uint8_t *raw,
			     size_t n)
{
	if (z->conf.codec == KEG_COMPRESS_LZ4) {
		int r = LZ4_compress_fast_extState(z->lz4, (const char *)raw, (char *)dst,
						   (int)n, (int)cap, 1);

		return r > 0 ? (size_t)r : 0;
	}
	size_t r = ZSTD_compress2(z->cctx, dst, cap, raw, n);

	return ZSTD_isError(r) ? 0 : r;
}

const uint8_t *keg_z_keg(struct keg_z *z, struct keg_z_backoff *b, const uint8_t *keg,
			 size_t *len)
{
	size_t n = *len, raw, cap, clen = 0;
	uint64_t t0;

	z->st.bytes_in += n;
	/* Only a plain keg of this side's own size is ever compressed. */
	if (z->conf.codec == KEG_COMPRESS_OFF || !z->peer_z || n < KEG_HDR_LEN ||
	    n - KEG_HDR_LEN < KEG_Z_SMALL || n - KEG_HDR_LEN > z->segsize ||
	    keg[1] != 0 || (b && !keg_z_backoff_try(b)) || !tx_ready(z))
		goto pass;
	raw = n - KEG_HDR_LEN;
	/* The most the compressed keg may take to be worth it. */
	cap = n - n * z->conf.gain_pct / 100;
	if (cap <= KEG_HDR_LEN + KEG_ZHDR_LEN)
		goto pass;
	cap -= KEG_HDR_LEN + KEG_ZHDR_LEN;
	t0 = cpu_ns();
	clen = codec_compress(z, z->out + KEG_HDR_LEN + KEG_ZHDR_LEN, cap, keg + KEG_HDR_LEN,
			      raw);
	z->st.cpu_z_ns += cpu_ns() - t0;
	if (b)
		keg_z_backoff_result(b, clen > 0);
	if (!clen) {
		z->st.kegs_miss++;
		goto pass;
	}
	memcpy(z->out, keg, KEG_HDR_LEN);
	z->out[1] = KEG_F_COMPRESSED |
		    (z->conf.codec == KEG_COMPRESS_LZ4 ? KEG_F_LZ4 : 0);
	keg_put_be32(z->out + 8, (uint32_t)(KEG_ZHDR_LEN + clen));
	keg_put_be32(z->out + KEG_HDR_LEN, (uint32_t)raw);
	*len = KEG_HDR_LEN + KEG_ZHDR_LEN + clen;
	z->st.bytes_out += *len;
	z->st.kegs_z++;
	return z->out;
pass:
	z->st.bytes_out += n;
	z->st.kegs_pass++;
	return keg;
}

static bool rx_ready(struct keg_z *z, bool lz4)
{
	if (!z->plain) {
		z->plain = malloc(keg_buf_size(z->segsize_max));
		if (!z->plain)
			return false;
	}
	if (lz4 || z->dctx)
		return true;
	z->dctx = ZSTD_createDCtx();
	if (!z->dctx)
		return false;
	/* A frame asking for a window beyond the largest keg is refused
	 * (single-pass decoding needs none, but nothing should ask). */
	ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_windowLogMax, 18);
	return true;
}

ssize_t keg_z_decompress(struct keg_z *z, const struct keg_view *in)
{
	const uint8_t *src = in->recs + KEG_ZHDR_LEN;
	size_t slen, raw, got;
	bool lz4 = in->flags & KEG_F_LZ4;
	uint8_t *dst;

	if (!(in->flags & KEG_F_COMPRESSED) || in->len < KEG_ZHDR_LEN + 1)
		return -EBADMSG;
	slen = in->len - KEG_ZHDR_LEN;
	raw = keg_get_be32(in->recs);
	/* Judged before any work: no more than the largest keg, and room
	 * for npkts records of at least 3 bytes. */
	if (raw > z->segsize_max || raw > KEG_SEGSIZE_MAX ||
	    (uint64_t)in->npkts * (KEG_REC_HDR_LEN + 1) > raw)
		return -EMSGSIZE;
	if (!rx_ready(z, lz4))
		return -ENOMEM;
	dst = z->plain + KEG_HDR_LEN;
	if (lz4) {
		int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)slen, (int)raw);

		if (r < 0 || (size_t)r != raw)
			return -EBADMSG;
	} else {
		unsigned long long fcs = ZSTD_getFrameContentSize(src, slen);

		/* The frame says its size: anything but raw_len is refused
		 * before decompressing (a bomb never starts). */
		if (fcs != raw)
			return -EBADMSG;
		got = ZSTD_decompressDCtx(z->dctx, dst, raw, src, slen);
		if (ZSTD_isError(got) || got != raw)
			return -EBADMSG;
	}
	z->plain[0] = KEG_WIRE_VERSION;
	z->plain[1] = 0;
	z->plain[2] = (uint8_t)(in->npkts >> 8);
	z->plain[3] = (uint8_t)in->npkts;
	keg_put_be32(z->plain + 4, in->flow_id);
	keg_put_be32(z->plain + 8, (uint32_t)raw);
	return (ssize_t)(KEG_HDR_LEN + raw);
}

int keg_z_expand(void *ctx, const struct keg_view *in, struct keg_view *out)
{
	struct keg_z *z = ctx;
	uint64_t t0 = cpu_ns();
	ssize_t n = keg_z_decompress(z, in), m;

	z->st.cpu_unz_ns += cpu_ns() - t0;
	/* The records as those of any plain keg. */
	m = n > 0 ? keg_decode(z->plain, (size_t)n, z->segsize_max, out) : n;
	if (m <= 0 || m != n) {
		z->st.drop_unz++;
		return m < 0 ? (int)m : -EBADMSG;
	}
	z->st.rx_kegs_z++;
	z->st.rx_bytes_in += KEG_HDR_LEN + in->len;
	z->st.rx_bytes_out += (uint64_t)n;
	return 0;
}

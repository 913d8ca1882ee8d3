/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_compress.h - adaptive lossless compression of whole kegs (zstd or
 * LZ4; wire format: headers/keg_wire.h, KEG_F_COMPRESSED). Works on a
 * finished keg and on a received one, so any keg producer (packet kegs
 * today, terminated TCP byte streams later) goes through the same two
 * points: keg_z_keg() where a keg is finished, keg_z_expand() (a keg_rx
 * expander) where one is decoded. No sockets, no QUIC, no printing.
 *
 * Sending: one struct keg_z per connection holds the codec contexts,
 * created at first use and reused for every keg (never one per keg), and
 * the counters. A keg goes out compressed only when that saves at least
 * gain_pct of its bytes; otherwise the very bytes it was finished with go
 * out. Whether to try at all is decided per producer (a flow slot) by a
 * back-off (struct keg_z_backoff): each keg that did not shrink enough
 * doubles the number of kegs that then go out untried (2, 4, .. 64), so a
 * flow of incompressible data costs about one compression in 64 kegs; the
 * first keg that shrinks again ends the back-off. Kegs of fewer than
 * KEG_Z_SMALL record bytes (an interactive flow's keg, flushed by its
 * deadline) are never tried: no CPU on the latency path for nothing.
 *
 * Receiving: the peer is hostile. A compressed keg declares its
 * decompressed size (raw_len); above the receiver's Segsize maximum it is
 * refused before any work, and it is decompressed into one buffer of that
 * maximum allocated once per connection, with the output bounded by
 * raw_len (so a decompression bomb stops at raw_len bytes). Anything but
 * exactly raw_len bytes of valid records is dropped and counted.
 *
 * Functions return 0 (or a count) or a negative errno.
 */
#ifndef KEGD_KEG_COMPRESS_H
#define KEGD_KEG_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keg_frame.h"
#include "keg_site.h"

#define KEG_Z_SMALL          1024    /* record bytes below which no keg is tried */
#define KEG_Z_BACKOFF_MIN    2       /* kegs passed untried after a first miss */
#define KEG_Z_BACKOFF_MAX    64      /* ... and at most, doubling in between */

/* What a site asks for (keg_site_conf.compress*, resolved: no zeros). */
struct keg_z_conf {
	uint8_t codec;          /* KEG_COMPRESS_ZSTD, _LZ4, _OFF */
	uint8_t level;          /* zstd 1..KEG_COMPRESS_LEVEL_MAX */
	uint8_t gain_pct;       /* 1..90 */
};

/* A site's conf fields, their zero defaults resolved. */
void keg_z_conf_from_site(const struct keg_site_conf *c, struct keg_z_conf *z);

/* Counters (one connection; monotonic). Bytes are whole kegs, header
 * included; a keg passed through counts the same in both. CPU time is the
 * thread's (CLOCK_THREAD_CPUTIME_ID) spent in the codec. */
struct keg_z_stats {
	uint64_t bytes_in;      /* kegs finished, before compression */
	uint64_t bytes_out;     /* the same kegs as sent */
	uint64_t kegs_z;        /* sent compressed */
	uint64_t kegs_pass;     /* sent as they were (off, keg/1 peer, small,
				   backing off, or not shrinking enough) */
	uint64_t kegs_miss;     /* of those: tried, did not shrink enough */
	uint64_t cpu_z_ns;
	uint64_t rx_bytes_in;   /* compressed kegs received */
	uint64_t rx_bytes_out;  /* ... once decompressed */
	uint64_t rx_kegs_z;
	uint64_t cpu_unz_ns;
	uint64_t drop_unz;      /* compressed kegs dropped: corrupt, oversized,
				   a bomb, records not valid */
	uint32_t wire;          /* keg/N negotiated by the connection; 0: none yet */
};

/* The back-off of one keg producer (zeroed: try the next keg). */
struct keg_z_backoff {
	uint32_t skip;          /* kegs still to pass untried */
	uint32_t next;          /* the length of the next back-off; 0: none yet */
};

/* Pure state machine: should the next keg be tried? (Counts one down.) */
bool keg_z_backoff_try(struct keg_z_backoff *b);
/* A tried keg shrank enough (gained) or not. */
void keg_z_backoff_result(struct keg_z_backoff *b, bool gained);

struct keg_z {
	struct keg_z_conf  conf;
	uint32_t           segsize;     /* the largest keg this side finishes */
	uint32_t           segsize_max; /* the largest raw_len accepted */
	bool               peer_z;      /* the peer decodes compressed kegs (keg/2) */
	void              *cctx;        /* ZSTD_CCtx, at first use */
	int                cctx_level;  /* level cctx is set up for */
	void              *dctx;        /* ZSTD_DCtx, at first use */
	void              *lz4;         /* LZ4 state, at first use */
	uint8_t           *out;         /* keg_buf_size(segsize): a compressed keg */
	uint8_t           *plain;       /* keg_buf_size(segsize_max): an expanded one */
	struct keg_z_stats st;
};

/* segsize: the kegs this side sends; segsize_max: the largest raw_len a
 * peer's keg may declare (KEG_SEGSIZE_MIN..KEG_SEGSIZE_MAX both). Nothing
 * is allocated until used. -EINVAL. */
int  keg_z_init(struct keg_z *z, const struct keg_z_conf *conf, uint32_t segsize,
		uint32_t segsize_max);
void keg_z_free(struct keg_z *z);
/* A new conf on a running connection (contexts kept). -EINVAL. */
int  keg_z_set_conf(struct keg_z *z, const struct keg_z_conf *conf);

/*
 * The finished plain keg keg[0..*len) (from keg_packer_finish or any
 * producer writing the same format) about to be sent: returns the bytes to
 * send instead, with *len their length. That is keg itself (passed
 * through, untouched) or the compressed keg in z->out, valid until the
 * next call. b: the producer's back-off (NULL: always try).
 */
const uint8_t *keg_z_keg(struct keg_z *z, struct keg_z_backoff *b, const uint8_t *keg,
			 size_t *len);

/* keg_rx's expander (keg_expand_fn) with ctx a struct keg_z. */
int keg_z_expand(void *ctx, const struct keg_view *in, struct keg_view *out);

/* Decompress a compressed keg's body (raw_len + codec bytes, in->recs,
 * in->len bytes) into z->plain; the plain keg's length or a negative
 * errno: -EMSGSIZE raw_len above segsize_max or too small for npkts,
 * -EBADMSG not exactly raw_len bytes, -ENOMEM. Counts nothing. */
ssize_t keg_z_decompress(struct keg_z *z, const struct keg_view *in);

#endif /* KEGD_KEG_COMPRESS_H */

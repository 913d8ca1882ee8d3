/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_wire.h - the keg wire format carried between two sites' kegd inside
 * QUIC streams (ALPN "keg/2" or "keg/1", UDP port 3919). The one
 * definition: the encoder and decoder (user/kegd/keg_frame.c, and
 * user/kegd/keg_compress.c for compressed kegs), the fuzz harnesses and
 * the docs refer to this file.
 *
 * A QUIC stream carries a sequence of kegs. A keg is a header followed by
 * exactly `npkts` packet records filling exactly `len` bytes:
 *
 *   0      1      2             4                     8                    12
 *   +------+------+-------------+---------------------+--------------------+
 *   | ver  | flags|   npkts     |      flow_id        |        len         |
 *   +------+------+-------------+---------------------+--------------------+
 *   | rec_len (2) | packet bytes (rec_len) | rec_len (2) | packet ... |
 *
 * All multi-byte fields are big-endian. A record holds one whole original
 * packet (an IPv4 or IPv6 datagram, starting at its IP header); rec_len is
 * never 0. Unknown versions and unknown flag bits are refused (not skipped):
 * a peer speaking a newer format must be negotiated with, not guessed at.
 *
 * Compressed kegs (KEG_F_COMPRESSED). Both ends offer the ALPN protocols
 * "keg/3", "keg/2" and "keg/1", in that order. keg/3 is keg/2 whose
 * byte streams (terminated TCP, headers/keg_term.h) may carry compressed
 * kegs too; on keg/2 only packet kegs may be. keg/2 is keg/1 plus compressed kegs,
 * zstd and LZ4 both (a keg/2 peer decodes either); a peer that knows only
 * keg/1 negotiates keg/1 and then neither side sends a compressed keg, and
 * a compressed keg arriving on a keg/1 connection is refused like any
 * unknown flag. A compressed keg keeps the header (npkts and flow_id of the
 * records it holds) with `len` the bytes of its compressed body:
 *
 *   | hdr: flags COMPRESSED[|LZ4], npkts, flow_id, len = 4 + n | raw_len (4) | n bytes |
 *
 * raw_len is the length of the records once decompressed (<= Segsize; the
 * receiver allocates nothing per keg and decompresses into at most
 * raw_len bytes); the n bytes are one zstd frame (flags COMPRESSED) or one
 * LZ4 block (COMPRESSED|LZ4; LZ4_decompress_safe's format, no frame). The
 * decompressed records are checked as those of a plain keg. A keg that
 * does not decompress to exactly raw_len bytes of valid records is dropped
 * and counted (the stream goes on: its framing is intact).
 *
 * Fixed-width types only, explicit padding (none is needed: every field is
 * naturally aligned), no bitfields.
 */
#ifndef KEG_WIRE_H
#define KEG_WIRE_H

#include <linux/types.h>

#define KEG_UDP_PORT        3919
#define KEG_ALPN            "keg/1"    /* plain kegs only */
#define KEG_ALPN_V2         "keg/2"    /* and compressed kegs */
#define KEG_ALPN_V3         "keg/3"    /* and compressed byte kegs of terminated TCP */
#define KEG_WIRE_NEWEST     3          /* the keg/N this side offers first */

#define KEG_WIRE_VERSION    1

/* keg_hdr.flags (keg/2 only; a keg/1 connection carries flags 0). */
#define KEG_F_COMPRESSED    0x01        /* body: raw_len + zstd frame */
#define KEG_F_LZ4           0x02        /* with COMPRESSED: an LZ4 block instead */
#define KEG_F_KNOWN         (KEG_F_COMPRESSED | KEG_F_LZ4)

/* A compressed keg's body starts with raw_len (__be32). */
#define KEG_ZHDR_LEN        4

/* Segsize: the most packet-record bytes one keg holds (HyperIP's name). */
#define KEG_SEGSIZE_DEFAULT 32768
#define KEG_SEGSIZE_MIN     2048
#define KEG_SEGSIZE_MAX     262144

/* A record's length field is 16 bits: no IP packet kegd captures is larger. */
#define KEG_PKT_MAX         65535

/* Flush deadline: an idle flow's keg waits at most this long (1 ms). */
#define KEG_DEADLINE_NS_DEFAULT 1000000ULL

struct keg_hdr {
	__u8   version;   /* KEG_WIRE_VERSION */
	__u8   flags;     /* KEG_F_*; unknown bits refused */
	__be16 npkts;     /* packet records that follow, >= 1 */
	__be32 flow_id;   /* sender's flow identifier (stats, demultiplexing) */
	__be32 len;       /* bytes of records that follow, <= KEG_SEGSIZE_MAX */
};

struct keg_rec_hdr {
	__be16 len;       /* packet bytes that follow, 1..KEG_PKT_MAX */
};

/*
 * Terminated TCP connections (headers/keg_term.h). Each connection is one
 * bidirectional QUIC stream, opened by the gateway that accepted it (near
 * the client). That stream starts with a keg_tcp_open, whose first byte is
 * never a keg version, so a receiver tells it from a packet stream by its
 * first byte; then, in both directions, kegs as above whose records are
 * consecutive bytes of the TCP byte stream (flow_id 0). FIN on the stream is
 * FIN (half-close) on the connection; RESET_STREAM / STOP_SENDING with
 * KEG_APP_ERR_TCP_RESET is a reset (or a refused connect at the server).
 *
 * KEG_TCP_OPEN_F_PROXY (proxy mode, keg_proxy.h): daddr/dport are the
 * server the near gateway's proxy address stands for, and the far gateway
 * connects to it from its own address (no transparent bind), so the
 * server sees the far gateway. A kegd from before proxy mode refuses the
 * flag (its stream is reset, the client sees a reset): nothing is
 * misdelivered.
 *
 * A proxy's UDP flow is one such stream too, with proto IPPROTO_UDP (only
 * with KEG_TCP_OPEN_F_PROXY): its bytes are datagrams, each a 2-byte
 * big-endian length (1..KEG_DGRAM_MAX) and that many bytes, in both
 * directions; FIN ends the flow (idle, or kegd stopping).
 */
#define KEG_TCP_OPEN_MAGIC  0xc7
#define KEG_TCP_OPEN_LEN    40
#define KEG_APP_ERR_TCP_RESET 0x6b02
#define KEG_TCP_OPEN_F_PROXY 0x01
#define KEG_TCP_OPEN_FLAGS   KEG_TCP_OPEN_F_PROXY   /* every flag defined */
#define KEG_DGRAM_HDR        2
#define KEG_DGRAM_MAX        65507                  /* an IPv4 UDP payload's most */

struct keg_tcp_open {
	__u8   magic;     /* KEG_TCP_OPEN_MAGIC */
	__u8   family;    /* 4 or 6 */
	__u8   proto;     /* IPPROTO_TCP; IPPROTO_UDP with KEG_TCP_OPEN_F_PROXY */
	__u8   flags;     /* KEG_TCP_OPEN_F_*: others refused */
	__be16 sport;     /* the client's port */
	__be16 dport;     /* the server's port */
	__u8   saddr[16]; /* the client; IPv4 in [0..3], the rest 0 */
	__u8   daddr[16]; /* the server */
};

_Static_assert(sizeof(struct keg_tcp_open) == KEG_TCP_OPEN_LEN, "keg_tcp_open is 40 bytes");

#define KEG_HDR_LEN      12
#define KEG_REC_HDR_LEN  2

_Static_assert(sizeof(struct keg_hdr) == KEG_HDR_LEN, "keg_hdr is 12 bytes on the wire");
_Static_assert(sizeof(struct keg_rec_hdr) == KEG_REC_HDR_LEN, "keg_rec_hdr is 2 bytes");

#endif /* KEG_WIRE_H */

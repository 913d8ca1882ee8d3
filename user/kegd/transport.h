/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * transport.h - kegd's sites and their keg connections: one thread, the
 * only one that touches QUIC (quic_conn.h).
 *
 *   forwarding threads --kegd_transport_take()--> per-site pktq
 *        transport thread: pktq -> kq_conn_send -> QUIC over UDP 3919
 *        UDP 3919 -> kq_conn_input -> kegs -> reinject.h (kernel stack)
 *
 * Sites come from the pinned keg_sites map of this network namespace
 * (headers/keg_site.h, written by `kegctl site`), read every
 * KEG_SITES_POLL_MS: a site added, changed or removed takes effect then,
 * without disturbing the others. One UDP socket on the local site's
 * address and port carries every connection; datagrams are handed to the
 * connection of the site whose address and port sent them. Of two sites,
 * the one with the lower address (then port, then public key) connects
 * (QUIC client), the other accepts: both ends work that out from their
 * own configuration alone.
 *
 * A site's state is written into each served interface's keg_icpt_sites
 * (down unless its connection is up), so keg_xdp applies the rules'
 * --when-down at once when a peer is lost, and its counters into
 * keg_site_stats. Rules whose site is not a configured remote site are
 * forwarded by kegd itself, as before the transport existed.
 */
#ifndef KEGD_TRANSPORT_H
#define KEGD_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quic_conn.h"

struct kegd;
struct kegd_transport;

struct kegd_transport_opts {
	enum kq_cc  cc;
	uint64_t    deadline_ns;     /* keg flush deadline */
	uint64_t    initial_rtt_ns;  /* 0: the library's default */
	uint32_t    queue_depth;     /* packets per site queue */
	uint64_t    key_update_ns;   /* QUIC key update at least this often; 0: 10 min */
	uint64_t    mem_max;         /* bytes buffered in all connections together;
					0: 256 MiB */
	const char *qlog_dir;        /* NULL: no traces */
	uint8_t     wire;            /* newest keg/N offered; 0: the newest */
	bool        no_terminate;    /* --no-terminate: no listeners, no keg_tc_term */
	uint64_t    udp_idle_ns;     /* a proxy's UDP flow ends idle this long; 0: 60 s */
};

/* Set up (maps, raw sockets, eventfd) and start the thread. -errno, with
 * the reason logged once. */
int  kegd_transport_start(struct kegd_transport **out, struct kegd *kd,
			  const struct kegd_transport_opts *o);
/* Close every connection (CONNECTION_CLOSE: peers see us go at once),
 * stop the thread, free. Call after the forwarding threads stopped. */
void kegd_transport_stop(struct kegd_transport *tp);

/*
 * From a forwarding thread: the packet (starting at its IP header, whole:
 * kegd_ip_len()) of a rule whose site, in interface iface's
 * keg_icpt_sites, is site_id (rule_flags: the rule's KEG_ICPT_F_*, for
 * the connection limits). Its flow (kegd_flow_hash()) is worked out
 * only for a remote site's packet.
 * Returns true when the transport took it (queued for its site, or
 * dropped and counted), false when the site is not a remote site of the
 * transport (kegd forwards it itself).
 */
bool kegd_transport_take(struct kegd_transport *tp, unsigned int iface, uint32_t site_id,
			 uint32_t rule_flags, const uint8_t *pkt, size_t len);

#endif /* KEGD_TRANSPORT_H */

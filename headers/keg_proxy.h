/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_proxy.h - proxy mode (HyperIP's proxy mode): an address of the LAN
 * that stands for a server behind another site.
 *
 * `kegctl proxy add --site S --proxy LOCAL[:PORT] --dest REMOTE[:PORT]`
 * on interface IF writes one keg_proxies entry (key: LOCAL) and adds an
 * intercept rule (site S, from anywhere to LOCAL[:PORT], TCP, terminating)
 * whose id the entry keeps. Then:
 *  - keg_xdp answers ARP requests and Neighbor Solicitations for LOCAL on
 *    IF with IF's MAC (bpf/keg_proxy_arp.h, keg_proxy_ndp.h), as it does
 *    for a proxied prefix, while proxy answers are on for IF;
 *  - the rule terminates the client's TCP at kegd (keg_term.h); kegd finds
 *    the accepted connection's local address in keg_proxies and opens the
 *    byte stream to REMOTE[:PORT] with KEG_TCP_OPEN_F_PROXY (keg_wire.h);
 *  - the far kegd connects to REMOTE from its own address (no transparent
 *    bind): the server sees the far gateway, not the client;
 *  - UDP (the rule terminates it too): keg_tc_term hands a new flow's
 *    datagram to kegd's UDP receiver; kegd makes the flow a socket of its
 *    own (bound to LOCAL:PORT, connected to the client) and a stream with
 *    proto UDP whose bytes are the datagrams (keg_wire.h); the far kegd
 *    sends them from a UDP socket of its own address connected to REMOTE.
 *
 * Fixed-width types only, explicit padding, no bitfields.
 */
#ifndef KEG_PROXY_H
#define KEG_PROXY_H

#include <linux/types.h>

#define KEG_MAP_PROXIES  keg_proxies
#define KEG_MAX_PROXIES  1024

/* keg_proxies key: the proxy address. */
struct keg_proxy_key {
	__u8 addr[16];          /* network order; IPv4 in [0..3], the rest 0 */
	__u8 family;            /* 4 or 6 */
	__u8 pad[3];
};

/* keg_proxies value. */
struct keg_proxy {
	__u32  rule_id;         /* the intercept rule proxy add made */
	__u8   protos;          /* KEG_ICPT_P_TCP and/or KEG_ICPT_P_UDP */
	__u8   family;          /* of dest: as the key's */
	__be16 port;            /* LOCAL's port; 0: every port */
	__be16 dport;           /* REMOTE's port; 0: the client's destination port */
	__u8   pad[2];
	__u8   dest[16];        /* REMOTE, network order; IPv4 in [0..3] */
	char   site[32];        /* the site's name, KEG_ICPT_SITE_NAME with the NUL */
};

#endif /* KEG_PROXY_H */

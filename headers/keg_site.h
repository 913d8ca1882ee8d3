/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_site.h - the sites of the keg transport, as pinned BTF maps shared by
 * kegctl (writes keg_sites) and kegd (reads keg_sites, writes
 * keg_site_stats). Declared in bpf/keg_sites.bpf.c (maps only, so libbpf
 * gives them BTF and `bpftool map dump` prints field names).
 *
 * Where: /sys/fs/bpf/keg/sites:COOKIE/ with COOKIE the network namespace's
 * cookie (SO_NETNS_COOKIE, decimal): a gateway's sites belong to its
 * network namespace, so two gateways of a lab on one host do not share
 * them. The ':' keeps the directory from ever being taken for an
 * interface's (interface names cannot hold one).
 *
 * Both maps are arrays of KEG_SITES_MAX entries indexed by a slot kegctl
 * chooses; keg_site_conf.used == 0 is a free slot. kegd reads every slot
 * each KEG_SITES_POLL_MS and applies what changed (keg_site_conf.gen).
 *
 * Fixed-width types only, explicit padding, no bitfields.
 */
#ifndef KEG_SITE_H
#define KEG_SITE_H

#include <linux/types.h>

#define KEG_MAP_SITES       keg_sites
#define KEG_MAP_SITE_STATS  keg_site_stats
#define KEG_MAP_LIMITS      keg_limits
#define KEG_MAP_LIMIT_STATS keg_limit_stats

#define KEG_SITES_DIR_FMT   "/sys/fs/bpf/keg/sites:%llu"
#define KEG_SITES_MAX       64
#define KEG_SITE_NAME_LEN   32          /* with the NUL; as KEG_ICPT_SITE_NAME */
#define KEG_SITE_KEY_PATH   256
#define KEG_SITE_PUBKEY_LEN 32          /* raw Ed25519 public key */
#define KEG_SITES_POLL_MS   250
#define KEG_SITE_SCHED_LEN  256         /* MaxRate schedule text, with the NUL */

/* keg_site_conf.flags */
#define KEG_SITE_F_LOCAL    (1U << 0)   /* this gateway's own site */

/* keg_site_conf.compress: how kegs to the site are encoded (a zeroed
 * slot means zstd level 1, a 10% gain: the defaults). */
#define KEG_COMPRESS_ZSTD   0
#define KEG_COMPRESS_LZ4    1
#define KEG_COMPRESS_OFF    2
#define KEG_COMPRESS_LEVEL_DEFAULT 1    /* zstd */
#define KEG_COMPRESS_LEVEL_MAX     19
#define KEG_COMPRESS_GAIN_DEFAULT  10   /* % */
#define KEG_COMPRESS_GAIN_MAX      90

/* keg_sites[slot]: written by kegctl. */
struct keg_site_conf {
	char  name[KEG_SITE_NAME_LEN];
	__u32 used;                      /* 0: free slot */
	__u32 gen;                       /* bumped by every change of the slot */
	__u32 flags;                     /* KEG_SITE_F_* */
	__u32 family;                    /* AF_INET or AF_INET6 */
	__u8  addr[16];                  /* network order; IPv4 in addr[0..3] */
	__u16 port;                      /* host order */
	__u16 pad;
	__u32 maxrate_kbit;              /* 0: no cap */
	__u32 segsize;                   /* bytes of packet records per keg */
	__u8  compress;                  /* KEG_COMPRESS_* */
	__u8  compress_level;            /* zstd level 1..19; 0: 1 */
	__u8  compress_gain;             /* % a keg must shrink by to go out
					    compressed, 1..90; 0: 10 */
	__u8  pad2;
	__u8  pubkey[KEG_SITE_PUBKEY_LEN]; /* remote: the pinned key; local: its own */
	char  key_path[KEG_SITE_KEY_PATH]; /* local: the private key file */
	/* Time-of-day MaxRate rules (schedule.h, "maxrate RATE" rules):
	 * the rule in force replaces maxrate_kbit; "" none. */
	char  schedule[KEG_SITE_SCHED_LEN];
};

/* keg_site_stats[slot].state */
enum keg_site_state {
	KEG_SITE_DOWN = 0,
	KEG_SITE_CONNECTING = 1,
	KEG_SITE_UP = 2,
	KEG_SITE_LOCAL = 3,              /* the local site's slot */
};

/* keg_site_stats[slot]: written by kegd every KEG_KEGD_HEARTBEAT_MS for
 * the sites it serves. Rates in bytes/s, times in µs. */
struct keg_site_stats {
	char  name[KEG_SITE_NAME_LEN];
	__u32 gen;                       /* keg_site_conf.gen these belong to */
	__u32 state;                     /* enum keg_site_state */
	__u64 updated_ns;                /* CLOCK_MONOTONIC of this write */
	__u64 srtt_us;
	__u64 min_rtt_us;
	__u64 cwnd;                      /* bytes */
	__u64 bytes_in_flight;
	__u64 pacing_rate;
	__u64 delivery_rate;
	__u64 max_rate;                  /* the cap in force (bytes/s, schedule
					    applied); 0: none */
	__u64 udp_tx_bytes;
	__u64 udp_tx_pkts;
	__u64 udp_rx_bytes;
	__u64 udp_rx_pkts;
	__u64 retx_bytes;                /* estimate: lost packets * their size */
	__u64 lost_pkts;
	__u64 loss_ppm;                  /* lost_pkts per million sent */
	__u64 pkts_tx;                   /* LAN packets put into kegs */
	__u64 pkts_rx;                   /* LAN packets taken out of kegs */
	__u64 kegs_tx;
	__u64 kegs_rx;
	__u64 flows;                     /* flows carried */
	__u64 drop_queue;                /* dropped: kegd's queue full (backpressure) */
	__u64 drop_down;                 /* dropped: site not up */
	__u64 drop_garbage;              /* datagrams that are no packet of ours */
	__u64 drop_aead;                 /* packets failing decryption */
	__u64 drop_keg;                  /* malformed kegs (stream reset) */
	__u64 reinject_errors;           /* far side: the kernel refused a packet */
	__u64 handshakes;
	__u64 handshake_failures;
	__u64 refused_key;               /* peers presenting another key */
	__u64 retries;                   /* Retry sent to a tokenless Initial */
	__u64 bad_token;                 /* Initials with a bad or stale Retry token */
	__u64 key_updates;
	__u64 conn_lost;
	__u64 mem_bytes;                 /* buffered in kegd for this site */
	/* TCP termination (keg_term.h) */
	__u64 tcp_conns;                 /* terminated connections now */
	__u64 tcp_accepted;              /* accepted here (near the client) */
	__u64 tcp_connected;             /* opened here (near the server) */
	__u64 tcp_refused;               /* not carried: site down, connect refused */
	__u64 tcp_resets;                /* ended by a reset */
	__u64 tcp_tx_bytes;              /* TCP bytes sent to the site */
	__u64 tcp_rx_bytes;              /* TCP bytes received from it */
	__u64 tcp_mem_bytes;             /* of mem_bytes, held for them */
	/* Compression (user/kegd/keg_compress.h). Sent: kegs before and after
	 * (passed-through kegs count in both), compressed / passed through,
	 * CPU compressing; received: compressed kegs' bytes before and after
	 * decompression, CPU decompressing, kegs dropped (corrupt, bombs). */
	__u64 z_wire;                    /* keg/N negotiated (2: compression) */
	__u64 z_bytes_in;
	__u64 z_bytes_out;
	__u64 z_kegs;
	__u64 z_kegs_pass;
	__u64 z_cpu_us;
	__u64 unz_bytes_in;
	__u64 unz_bytes_out;
	__u64 unz_kegs;
	__u64 unz_cpu_us;
	__u64 drop_unz;
};

/*
 * Connection limits of the gateway (HyperIP's "Connection Limits"):
 * keg_limits[0], written by `kegctl limits set`, read by kegd with the
 * sites. 0 means no limit. Past a limit a new flow of a rule with
 * --forward-at-limit goes through the kernel unaccelerated (TCP: keg_xdp
 * passes its SYN untagged while kegd says the limit is reached; UDP and
 * ICMP: kegd hands its packets to the kernel), any other is refused (TCP:
 * a reset; UDP, ICMP: dropped) and counted in keg_limit_stats[0].
 */
#define KEG_LIMITS_TOTAL_DEFAULT 8192    /* HyperIP's default total */

struct keg_limits {
	__u32 tcp;                       /* terminated TCP connections */
	__u32 udp;                       /* flows carried as packets (UDP, ICMP, TCP
					    of --no-terminate rules) */
	__u32 total;                     /* both together */
	__u32 gen;                       /* bumped by every change */
};

struct keg_limit_stats {
	__u64 updated_ns;                /* CLOCK_MONOTONIC of kegd's last write */
	__u64 tcp_now;
	__u64 udp_now;
	__u64 total_now;
	__u64 tcp_refused;               /* reset at the limit */
	__u64 udp_refused;               /* packets of new flows dropped at the limit */
	__u64 udp_forwarded;             /* packets of new flows sent unaccelerated */
	__u32 tcp_full;                  /* 1 while tcp or total is reached */
	__u32 udp_full;                  /* 1 while udp or total is reached */
};

#endif /* KEG_SITE_H */

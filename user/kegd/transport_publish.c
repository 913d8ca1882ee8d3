// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * transport_publish.c - what kegd's transport loop writes into the maps
 * each round (transport_internal.h): the sites' states for keg_xdp in
 * keg_icpt_sites, their counters in keg_site_stats, and the connection
 * limits in keg_limit_stats.
 */
#define _GNU_SOURCE     /* struct mmsghdr, in the transport (rxbatch.h) */
#include <string.h>

#include <bpf/bpf.h>

#include "tcp_term.h"
#include "transport_internal.h"

/* Each served interface's keg_icpt_sites: which of its sites are ours,
 * and a down flag matching each one's connection. */
void kegd_tp_sync_ifaces(struct kegd_transport *tp)
{
	struct kegd *kd = tp->kd;

	for (unsigned int f = 0; f < kd->n_ifaces; f++) {
		int fd = kd->ifaces[f].sites_fd;

		for (uint32_t id = 0; id < KEG_ICPT_MAX_SITES && fd >= 0; id++) {
			struct keg_icpt_site is;
			uint16_t slot1 = 0;
			__u32 down, flags;

			if (bpf_map_lookup_elem(fd, &id, &is) || !is.name[0]) {
				atomic_store_explicit(&tp->ifsite[f][id], 0, memory_order_relaxed);
				continue;
			}
			for (unsigned int i = 0; i < KEG_SITES_MAX && !slot1; i++)
				if (kegd_tp_remote_site(tp, i) &&
				    !strncmp(tp->cur[i].name, is.name, sizeof(is.name)))
					slot1 = (uint16_t)(i + 1);
			atomic_store_explicit(&tp->ifsite[f][id], slot1, memory_order_relaxed);
			/* Not a remote site: kegd forwards its rules' packets
			 * itself, TCP included. */
			flags = slot1 && tp->term ? KEG_ICPT_SITE_TERM : 0;
			if (slot1 && tp->tcp_full)
				flags |= KEG_ICPT_SITE_TCP_FULL;
			/* (A site kegd does not carry keeps the state
			 * `kegctl site up|down` gave it.) */
			down = slot1 ? atomic_load(&tp->site[slot1 - 1])->state != KQ_UP : is.down;
			if (is.down != down || is.flags != flags) {
				is.down = down;
				is.flags = flags;
				bpf_map_update_elem(fd, &id, &is, BPF_EXIST);
			}
		}
	}
}

void kegd_tp_publish_stats(struct kegd_transport *tp, uint64_t now)
{
	for (__u32 i = 0; i < KEG_SITES_MAX && tp->maps.stats >= 0; i++) {
		const struct keg_site_conf *c = &tp->cur[i];
		struct kegd_site *s = kegd_tp_remote_site(tp, i);
		struct keg_site_stats v = { 0 };
		struct kq_stats st = { 0 };
		struct kegd_term_site ts;

		if (!c->used)
			continue;
		memcpy(v.name, c->name, sizeof(v.name));
		v.gen = c->gen;
		v.updated_ns = now;
		if ((int)i == tp->local) {
			v.state = KEG_SITE_LOCAL;
			v.drop_garbage = tp->drop_nosite;
			bpf_map_update_elem(tp->maps.stats, &i, &v, BPF_ANY);
			continue;
		}
		if (!s)
			continue;
		if (s->conn)
			kq_conn_stats(s->conn, &st);
		v.state = s->state == KQ_UP ? KEG_SITE_UP :
			  s->state == KQ_CONNECTING ? KEG_SITE_CONNECTING : KEG_SITE_DOWN;
		v.srtt_us = st.srtt_ns / 1000;
		v.min_rtt_us = st.min_rtt_ns / 1000;
		v.cwnd = st.cwnd;
		v.bytes_in_flight = st.bytes_in_flight;
		v.pacing_rate = st.pacing_rate;
		v.delivery_rate = st.delivery_rate;
		v.max_rate = (uint64_t)s->rate_kbit * 1000 / 8;
		v.udp_tx_bytes = st.udp_tx_bytes;
		v.udp_tx_pkts = st.udp_tx_pkts;
		v.udp_rx_bytes = st.udp_rx_bytes;
		v.udp_rx_pkts = st.udp_rx_pkts;
		v.retx_bytes = st.retx_bytes_est;
		v.lost_pkts = st.lost_pkts;
		v.loss_ppm = st.udp_tx_pkts ? st.lost_pkts * 1000000 / st.udp_tx_pkts : 0;
		v.pkts_tx = st.pkts_tx;
		v.pkts_rx = st.pkts_rx;
		v.kegs_tx = st.kegs_tx;
		v.kegs_rx = st.kegs_rx;
		v.flows = st.flows;
		v.drop_queue = atomic_load_explicit(&s->q.dropped, memory_order_relaxed);
		v.drop_down = s->drop_down;
		v.drop_garbage = st.drop_garbage;
		v.drop_aead = st.drop_aead;
		v.drop_keg = st.drop_keg;
		v.reinject_errors = s->reinject_errors + s->drop_size;
		v.handshakes = st.handshakes;
		v.handshake_failures = st.handshake_failures;
		v.refused_key = st.refused_key;
		v.retries = st.retries;
		v.bad_token = st.bad_token;
		v.key_updates = st.key_updates;
		v.conn_lost = st.conn_lost;
		v.mem_bytes = kegd_pktq_mem(&s->q) + (s->conn ? kq_conn_buffered(s->conn) : 0);
		kegd_term_site_stats(tp->term, i, &ts);
		v.tcp_conns = ts.conns;
		v.tcp_accepted = ts.accepted;
		v.tcp_connected = ts.connected;
		v.tcp_refused = ts.refused;
		v.tcp_resets = ts.resets;
		v.tcp_tx_bytes = st.tcp_tx_bytes;
		v.tcp_rx_bytes = st.tcp_rx_bytes;
		v.tcp_mem_bytes = s->conn ? kq_conn_bs_mem(s->conn) : 0;
		v.z_wire = st.z.wire;
		v.z_bytes_in = st.z.bytes_in;
		v.z_bytes_out = st.z.bytes_out;
		v.z_kegs = st.z.kegs_z;
		v.z_kegs_pass = st.z.kegs_pass;
		v.z_cpu_us = st.z.cpu_z_ns / 1000;
		v.unz_bytes_in = st.z.rx_bytes_in;
		v.unz_bytes_out = st.z.rx_bytes_out;
		v.unz_kegs = st.z.rx_kegs_z;
		v.unz_cpu_us = st.z.cpu_unz_ns / 1000;
		v.drop_unz = st.z.drop_unz;
		bpf_map_update_elem(tp->maps.stats, &i, &v, BPF_ANY);
	}
}

/* ---- connection limits ------------------------------------------------------------ */

/* Where the gateway stands against its limits; a change of fullness goes
 * into keg_icpt_sites (TCP: keg_xdp routes a --forward-at-limit rule's
 * new connections itself) at the end of the loop. */
void kegd_tp_limits_step(struct kegd_transport *tp)
{
	const struct keg_limits *l = &tp->limits;
	uint64_t udp = 0, tcp = kegd_term_count(tp->term);
	bool tcp_full, udp_full;

	for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
		struct kegd_site *s = kegd_tp_remote_site(tp, i);

		if (s && s->conn)
			udp += kq_conn_flows(s->conn);
	}
	tcp_full = (l->tcp && tcp >= l->tcp) || (l->total && tcp + udp >= l->total);
	udp_full = (l->udp && udp >= l->udp) || (l->total && tcp + udp >= l->total);
	tp->tcp_now = tcp;
	tp->udp_now = udp;
	tp->udp_full = udp_full;
	if (tcp_full != tp->tcp_full) {
		tp->tcp_full = tcp_full;
		tp->states_changed = true;
	}
	kegd_term_set_limits(tp->term, l->tcp, l->total, udp);
}

void kegd_tp_publish_limits(struct kegd_transport *tp, uint64_t now)
{
	struct keg_limit_stats v = {
		.updated_ns = now,
		.tcp_now = tp->tcp_now,
		.udp_now = tp->udp_now,
		.total_now = tp->tcp_now + tp->udp_now,
		.tcp_refused = kegd_term_limit_refused(tp->term),
		.udp_refused = tp->udp_refused,
		.udp_forwarded = tp->udp_forwarded,
		.tcp_full = tp->tcp_full,
		.udp_full = tp->udp_full,
	};
	__u32 zero = 0;

	if (tp->maps.lstats >= 0)
		bpf_map_update_elem(tp->maps.lstats, &zero, &v, BPF_ANY);
}

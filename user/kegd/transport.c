// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * transport.c - kegd's sites, their keg connections and the thread that
 * drives them (transport.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "keg_intercept.h"
#include "keg_site.h"
#include "ippkt.h"
#include "kegd.h"
#include "log.h"
#include "pktq.h"
#include "rate.h"
#include "reinject.h"
#include "rxbatch.h"
#include "schedule.h"
#include "site_conf.h"
#include "sitemaps.h"
#include "tls_pin.h"
#include "tcp_term.h"
#include "transport.h"
#include "transport_internal.h"

/* ---- addresses ------------------------------------------------------------ */

static socklen_t conf_sockaddr(const struct keg_site_conf *c, struct sockaddr_storage *ss)
{
	return keg_sockaddr_make((int)c->family, c->addr, c->port, ss);
}

/* Same address and port; an IPv4-mapped IPv6 source matches IPv4. */
static bool same_endpoint(const struct sockaddr *a, const struct sockaddr_storage *site)
{
	const struct sockaddr_in *s4 = (const void *)site;
	const struct sockaddr_in6 *s6 = (const void *)site;

	if (a->sa_family == AF_INET && site->ss_family == AF_INET) {
		const struct sockaddr_in *a4 = (const void *)a;

		return a4->sin_port == s4->sin_port && a4->sin_addr.s_addr == s4->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const void *)a;

		if (site->ss_family == AF_INET6)
			return a6->sin6_port == s6->sin6_port &&
			       !memcmp(&a6->sin6_addr, &s6->sin6_addr, 16);
		if (site->ss_family == AF_INET && IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr))
			return a6->sin6_port == s4->sin_port &&
			       !memcmp(&a6->sin6_addr.s6_addr[12], &s4->sin_addr, 4);
	}
	return false;
}

static const char *endpoint_str(const struct sockaddr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *a4 = (const void *)a;

		inet_ntop(AF_INET, &a4->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(a4->sin_port));
	} else {
		const struct sockaddr_in6 *a6 = (const void *)a;

		inet_ntop(AF_INET6, &a6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(a6->sin6_port));
	}
	return buf;
}

/* ---- connection events ----------------------------------------------------- */

static void on_packet(void *ctx, uint32_t flow_id, const uint8_t *pkt, size_t len)
{
	struct kegd_site *s = ctx;

	(void)flow_id;
	if (kegd_reinject(&s->tp->rj, pkt, len))
		s->reinject_errors++;
}

static const char *state_name(enum kq_state st)
{
	return st == KQ_UP ? "up" : st == KQ_CONNECTING ? "connecting" : "down";
}

static void on_state(void *ctx, enum kq_state st)
{
	struct kegd_site *s = ctx;

	if (st == s->state)
		return;
	if (st != KQ_UP && s->state == KQ_UP && s->conn) {
		struct kq_stats ks;

		kq_conn_stats(s->conn, &ks);
		pr_notice("site %s: %s (connection ended: %s)", s->conf.name, state_name(st),
			  kq_strerror(ks.last_error));
	} else {
		pr_notice("site %s: %s", s->conf.name, state_name(st));
	}
	s->state = st;
	s->tp->states_changed = true;
}

/* Logged once per source and minute, whatever the rate of attempts. */
static void on_refused(void *ctx, const struct sockaddr *from, int reason)
{
	struct kegd_site *s = ctx;
	struct kegd_transport *tp = s->tp;
	uint64_t now = kq_now();
	char ep[64];
	unsigned int i;

	for (i = 0; i < TP_REFUSED_SRCS; i++)
		if (same_endpoint(from, &tp->refused[i].from))
			break;
	if (i < TP_REFUSED_SRCS && now - tp->refused[i].logged < TP_REFUSED_LOG_NS)
		return;
	if (i == TP_REFUSED_SRCS) {
		i = tp->refused_next++ % TP_REFUSED_SRCS;
		memset(&tp->refused[i].from, 0, sizeof(tp->refused[i].from));
		memcpy(&tp->refused[i].from, from,
		       from->sa_family == AF_INET ? sizeof(struct sockaddr_in)
						  : sizeof(struct sockaddr_in6));
	}
	tp->refused[i].logged = now;
	pr_notice("site %s: handshake from %s refused: %s (logged once a minute per source)",
		  s->conf.name, endpoint_str(from, ep, sizeof(ep)),
		  reason == KEG_TLS_WRONG_KEY ? "it presented another key than the site's" :
		  reason == KEG_TLS_NO_CERT ? "it presented no certificate" :
		  reason == KEG_TLS_BAD_CERT ? "its certificate could not be parsed" :
		  "TLS failed");
}

/* The peer opened a terminated TCP connection: connect to its server. */
static void *on_bs_open(void *ctx, struct kq_bs *bs, const struct keg_tcp_ends *ends)
{
	struct kegd_site *s = ctx;

	return s->tp->term ? kegd_term_remote_open(s->tp->term, s->slot, bs, ends) : NULL;
}

static void on_bs_event(void *ctx, void *user, unsigned int events)
{
	struct kegd_site *s = ctx;

	kegd_term_bs_event(s->tp->term, user, events);
}

static const struct kq_ops site_ops = {
	.packet = on_packet,
	.state = on_state,
	.refused = on_refused,
	.bs_open = on_bs_open,
	.bs_event = on_bs_event,
};

/* ---- sites ------------------------------------------------------------------- */

/* The remote site of slot i if it is configured, else NULL. */
struct kegd_site *kegd_tp_remote_site(struct kegd_transport *tp, unsigned int i)
{
	struct kegd_site *s = atomic_load(&tp->site[i]);

	return s && tp->cur[i].used && (int)i != tp->local ? s : NULL;
}

static void site_disconnect(struct kegd_site *s, uint64_t now)
{
	uint32_t first, n;

	atomic_store(&s->active, false);
	if (s->conn) {
		kq_conn_close(s->conn, now);
		kq_conn_free(s->conn);
		s->conn = NULL;
	}
	n = kegd_pktq_ready(&s->q, &first);
	s->drop_down += n;
	kegd_pktq_release(&s->q, n);
	if (s->state != KQ_DOWN)
		on_state(s, KQ_DOWN);
}

/* The MaxRate in force: the schedule's rule for this minute (local time),
 * else the site's maxrate. */
static uint32_t rate_now(const struct kegd_site *s, time_t t)
{
	int r = s->sched.n ? keg_sched_at(&s->sched, keg_week_minute(t)) : -1;

	return r >= 0 ? s->sched.r[r].down_kbit : s->conf.maxrate_kbit;
}

/* conf.schedule into s->sched (kegctl checked it; a bad one is ignored). */
static void site_sched_load(struct kegd_site *s)
{
	struct keg_err err = { 0 };
	char text[KEG_SITE_SCHED_LEN];

	memset(&s->sched, 0, sizeof(s->sched));
	memcpy(text, s->conf.schedule, sizeof(text));
	text[sizeof(text) - 1] = 0;
	if (text[0] && keg_sched_parse_maxrate(text, &s->sched, &err)) {
		pr_notice("site %s: schedule ignored: %s", s->conf.name, err.msg);
		memset(&s->sched, 0, sizeof(s->sched));
	}
}

/* A schedule step (or a changed maxrate): the connection stays. */
static void site_rate_update(struct kegd_site *s, time_t t, uint64_t now)
{
	uint32_t kbit = rate_now(s, t);
	char buf[32];

	if (kbit == s->rate_kbit)
		return;
	s->rate_kbit = kbit;
	if (s->conn)
		kq_conn_set_rate(s->conn, (uint64_t)kbit * 1000 / 8, now);
	pr_notice("site %s: maxrate %s%s", s->conf.name,
		  kbit ? keg_rate_str(kbit, buf, sizeof(buf)) : "none",
		  s->sched.n ? " (schedule)" : "");
}

static int cmp_sites(const struct keg_site_conf *a, const struct keg_site_conf *b)
{
	int d = memcmp(a->addr, b->addr, sizeof(a->addr));

	if (d)
		return d;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return memcmp(a->pubkey, b->pubkey, KEG_SITE_PUBKEY_LEN);
}

static int site_connect(struct kegd_transport *tp, struct kegd_site *s, uint64_t now)
{
	const struct keg_site_conf *local = &tp->cur[tp->local];
	struct kq_config cfg = {
		.id = &tp->id,
		.cc = tp->o.cc,
		.initial_rtt_ns = tp->o.initial_rtt_ns,
		.max_rate = (uint64_t)s->rate_kbit * 1000 / 8,
		.segsize = s->conf.segsize,
		.deadline_ns = tp->o.deadline_ns,
		.qlog_dir = tp->o.qlog_dir,
		.key_update_ns = tp->o.key_update_ns,
		.wire = tp->o.wire,
	};
	int ret;

	keg_z_conf_from_site(&s->conf, &cfg.z);

	/* Both ends agree on who connects without talking: the lower
	 * address, port, key. Addresses come first so that a side that was
	 * given a wrong key for its peer still takes its usual role (and the
	 * peer's handshake is refused, and counted, rather than nobody
	 * calling anybody). */
	cfg.server = cmp_sites(local, &s->conf) > 0;
	memcpy(cfg.peer_key, s->conf.pubkey, KEG_KEY_LEN);
	ret = kq_conn_new(&s->conn, &cfg, tp->fd, (struct sockaddr *)&s->peer, s->peerlen,
			  &site_ops, s, now);
	if (ret) {
		pr_notice("site %s: %s", s->conf.name, strerror(-ret));
		s->conn = NULL;
		return ret;
	}
	pr_notice("site %s: %s (%s)", s->conf.name,
		  cfg.server ? "waiting for the peer to connect" : "connecting",
		  kq_cc_name(cfg.cc));
	if (!cfg.server)
		on_state(s, KQ_CONNECTING);
	atomic_store(&s->active, true);
	return 0;
}

static struct kegd_site *site_get(struct kegd_transport *tp, unsigned int slot)
{
	struct kegd_site *s = atomic_load(&tp->site[slot]);

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (kegd_pktq_init(&s->q, tp->o.queue_depth)) {
		free(s);
		return NULL;
	}
	s->tp = tp;
	s->slot = slot;
	atomic_init(&s->active, false);
	atomic_store(&tp->site[slot], s);
	return s;
}

/* The local site: its key, its certificate, its socket. */
static void local_down(struct kegd_transport *tp, uint64_t now)
{
	for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
		struct kegd_site *s = atomic_load(&tp->site[i]);

		if (s)
			site_disconnect(s, now);
	}
	if (tp->fd >= 0) {
		epoll_ctl(tp->epfd, EPOLL_CTL_DEL, tp->fd, NULL);
		close(tp->fd);
		tp->fd = -1;
	}
	if (tp->have_id) {
		keg_tls_id_free(&tp->id);
		tp->have_id = false;
	}
}

static int local_up(struct kegd_transport *tp, const struct keg_site_conf *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TP_EV_UDP };
	struct sockaddr_storage ss;
	socklen_t len = conf_sockaddr(c, &ss);
	char ep[64];
	int ret;

	ret = keg_tls_id_load(&tp->id, c->key_path);
	if (ret) {
		if (!tp->local_failed_logged)
			pr_notice("site %s (local): key %s: %s (tried again every %llu s)", c->name,
				  c->key_path, strerror(-ret),
				  (unsigned long long)(TP_LOCAL_RETRY_NS / 1000000000ULL));
		return ret;
	}
	tp->have_id = true;
	tp->fd = kq_udp_socket((struct sockaddr *)&ss, len);
	if (tp->fd < 0) {
		ret = tp->fd;
		if (!tp->local_failed_logged)
			pr_notice("site %s (local): UDP socket on %s: %s (tried again every %llu s)",
				  c->name, endpoint_str((struct sockaddr *)&ss, ep, sizeof(ep)),
				  strerror(-ret),
				  (unsigned long long)(TP_LOCAL_RETRY_NS / 1000000000ULL));
		return ret;
	}
	ev.data.u32 = 0;
	if (epoll_ctl(tp->epfd, EPOLL_CTL_ADD, tp->fd, &ev))
		return -errno;
	pr_notice("site %s (local): kegs on UDP %s", c->name,
		  endpoint_str((struct sockaddr *)&ss, ep, sizeof(ep)));
	return 0;
}

/* Only the rate, its schedule or compression differs: the connection
 * stays. */
static bool only_rate_changed(const struct keg_site_conf *a, const struct keg_site_conf *b)
{
	struct keg_site_conf x = *a, y = *b;

	x.gen = y.gen = 0;
	x.maxrate_kbit = y.maxrate_kbit = 0;
	x.compress = y.compress = x.compress_level = y.compress_level = 0;
	x.compress_gain = y.compress_gain = 0;
	memset(x.schedule, 0, sizeof(x.schedule));
	memset(y.schedule, 0, sizeof(y.schedule));
	return !memcmp(&x, &y, sizeof(x));
}

/* Read keg_sites and apply what changed since the last time. */
static void poll_conf(struct kegd_transport *tp, uint64_t now)
{
	struct keg_site_conf *next = tp->next;
	struct keg_err err = { 0 };
	int local = -1, ret;
	bool local_changed;

	if (tp->maps.conf < 0) {
		ret = keg_sitemaps_open(&tp->maps, false, &err);
		if (ret)
			return;		/* no site defined yet: nothing to do */
		pr_notice("sites: reading %s every %d ms", "keg_sites", KEG_SITES_POLL_MS);
	}
	ret = keg_sites_read(&tp->maps, next);
	if (ret) {
		if (!tp->conf_error_logged)
			pr_notice("sites: reading keg_sites: %s", strerror(-ret));
		tp->conf_error_logged = true;
		keg_sitemaps_close(&tp->maps);
		return;
	}
	tp->conf_error_logged = false;
	if (keg_limits_read(&tp->maps, &tp->limits))
		memset(&tp->limits, 0, sizeof(tp->limits));
	for (int i = 0; i < KEG_SITES_MAX; i++)
		if (next[i].used && (next[i].flags & KEG_SITE_F_LOCAL) && local < 0)
			local = i;
	local_changed = local != tp->local ||
			(local >= 0 && memcmp(&next[local], &tp->cur[local], sizeof(next[0])));
	/* A local site that could not be set up (a key file not there yet, its
	 * address not configured yet): tried again every TP_LOCAL_RETRY_NS,
	 * logged the first time only, until the site changes. */
	if (local_changed && local >= 0 && tp->local < 0 &&
	    !memcmp(&next[local], &tp->cur[local], sizeof(next[0]))) {
		if (now < tp->local_retry_at)
			return;
	} else if (local_changed) {
		tp->local_failed_logged = false;
	}
	if (local_changed) {
		local_down(tp, now);
		memset(tp->cur, 0, sizeof(tp->cur));
		tp->local = -1;
		if (local >= 0 && !local_up(tp, &next[local])) {
			tp->local = local;
			tp->cur[local] = next[local];	/* site_connect reads its key */
		}
		else if (local >= 0)
			local_down(tp, now);
		if (tp->local < 0) {
			/* Without a local site nothing connects. */
			if (local >= 0) {
				tp->cur[local] = next[local];
				tp->local_retry_at = now + TP_LOCAL_RETRY_NS;
				tp->local_failed_logged = true;
			}
			return;
		}
		tp->local_failed_logged = false;
	}
	for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
		const struct keg_site_conf *n = &next[i];
		struct keg_site_conf *c = &tp->cur[i];
		bool remote = n->used && !(n->flags & KEG_SITE_F_LOCAL);
		struct kegd_site *s;

		if ((int)i == tp->local || !memcmp(n, c, sizeof(*n)))
			continue;
		s = atomic_load(&tp->site[i]);
		if (s && c->used && remote && s->conn && only_rate_changed(n, c)) {
			struct keg_z_conf z;

			s->conf = *n;
			*c = *n;
			keg_z_conf_from_site(n, &z);
			kq_conn_set_compress(s->conn, &z);
			site_sched_load(s);
			site_rate_update(s, time(NULL), now);
			continue;
		}
		if (s && c->used) {
			site_disconnect(s, now);
			if (!remote)
				pr_notice("site %s: removed", c->name);
		}
		*c = *n;
		if (!remote)
			continue;
		s = site_get(tp, i);
		if (!s) {
			pr_notice("site %s: out of memory", n->name);
			continue;
		}
		s->conf = *n;
		s->peerlen = conf_sockaddr(n, &s->peer);
		s->drop_down = s->drop_size = s->reinject_errors = 0;
		site_sched_load(s);
		s->rate_kbit = rate_now(s, time(NULL));
		site_connect(tp, s, now);
	}
}

/* ---- the loop ------------------------------------------------------------------ */

/* Sites' schedules at their minute (checked every poll, so a step lands
 * within KEG_SITES_POLL_MS of it). */
static void sched_step(struct kegd_transport *tp, uint64_t now)
{
	time_t t = time(NULL);

	for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
		struct kegd_site *s = kegd_tp_remote_site(tp, i);

		if (s && s->sched.n)
			site_rate_update(s, t, now);
	}
}

/* The remote site whose address and port sent `from`, or NULL. Datagrams
 * come in runs from one peer: the last match is tried first. */
static struct kegd_site *site_from(struct kegd_transport *tp, const struct sockaddr *from,
				   struct kegd_site *last)
{
	if (last && same_endpoint(from, &last->peer))
		return last;
	for (unsigned int k = 0; k < KEG_SITES_MAX; k++) {
		struct kegd_site *s = kegd_tp_remote_site(tp, k);

		if (s && s->conn && same_endpoint(from, &s->peer))
			return s;
	}
	return NULL;
}

static void receive(struct kegd_transport *tp, uint64_t now)
{
	struct kq_rxbatch *rb = &tp->rx;
	struct kegd_site *s = NULL;

	for (int round = 0; round < 16; round++) {
		int n = kq_rxbatch_recv(rb, tp->fd);

		for (int i = 0; i < n; i++) {
			const struct sockaddr *from = (const void *)&rb->a[i];

			s = site_from(tp, from, s);
			if (!s || (rb->m[i].msg_hdr.msg_flags & MSG_TRUNC)) {
				tp->drop_nosite++;
				continue;
			}
			kq_conn_input(s->conn, rb->b[i], rb->m[i].msg_len, from,
				      rb->m[i].msg_hdr.msg_namelen, now);
		}
		if (n < KQ_RX_BATCH)
			return;
	}
}

/* Queued LAN packets into kegs, until a site's buffers are full: what
 * stays queued waits for acknowledgements; the queue, once full, refuses
 * at the AF_XDP side. */
static void drain(struct kegd_site *s, uint64_t now)
{
	uint32_t first, n, i, len, flow, flags;
	int rc = 0;

	/* Over the total for all sites: the queues wait (and, full, refuse). */
	if (s->tp->buffered >= s->tp->o.mem_max)
		return;
	n = kegd_pktq_ready(&s->q, &first);
	for (i = 0; i < n; i++) {
		const uint8_t *p = kegd_pktq_at(&s->q, first + i, &len, &flow, &flags);

		/* A new flow past the limit: through the kernel unaccelerated
		 * (--forward-at-limit), or refused. */
		if (s->tp->udp_full && !kq_conn_flow_known(s->conn, flow)) {
			if (!(flags & KEG_ICPT_F_FWD_AT_LIMIT)) {
				s->tp->udp_refused++;
			} else if (kegd_reinject(&s->tp->rj, p, len)) {
				s->reinject_errors++;
			} else {
				s->tp->udp_forwarded++;
			}
			continue;
		}
		rc = kq_conn_send(s->conn, flow, p, len, now);
		if (rc == -ENOBUFS)
			break;
		if (rc == -ENOTCONN) {
			s->drop_down += n - i;
			i = n;
			break;
		}
		if (rc)
			s->drop_size++;
	}
	kegd_pktq_release(&s->q, i);
}

static void *transport_loop(void *arg)
{
	struct kegd_transport *tp = arg;
	uint64_t next_poll = 0;

	while (!atomic_load_explicit(&tp->kd->stopping, memory_order_relaxed)) {
		struct epoll_event ev[64];
		uint64_t now = kq_now(), wake;
		struct timespec ts;
		int n;

		if (now >= next_poll) {
			poll_conf(tp, now);
			sched_step(tp, now);
			kegd_tp_sync_ifaces(tp);
			kegd_tp_publish_stats(tp, now);
			kegd_tp_publish_limits(tp, now);
			tp->states_changed = false;
			next_poll = now + TP_POLL_NS;
		}
		wake = next_poll;
		for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
			struct kegd_site *s = kegd_tp_remote_site(tp, i);
			uint64_t t;

			if (!s || !s->conn)
				continue;
			t = kq_conn_next(s->conn);
			wake = t < wake ? t : wake;
		}
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(wake / 1000000000ULL);
		ts.tv_nsec = (long)(wake % 1000000000ULL);
		n = epoll_pwait2(tp->epfd, ev, 64, &ts, NULL);
		now = kq_now();
		for (int k = 0; k < n; k++) {
			if (ev[k].data.u64 == TP_EV_EVENTFD) {
				uint64_t v;

				if (read(tp->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
					pr_debug("eventfd: %s", strerror(errno));
			} else if (ev[k].data.u64 == TP_EV_UDP) {
				if (tp->fd >= 0)
					receive(tp, now);
			} else if (tp->term) {
				/* A terminated connection's socket or a listener. */
				kegd_term_io(tp->term, ev[k].data.ptr, ev[k].events);
			}
		}
		tp->buffered = 0;
		for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
			struct kegd_site *s = kegd_tp_remote_site(tp, i);

			if (s && s->conn)
				tp->buffered += kq_conn_buffered(s->conn);
		}
		if (tp->term)
			kegd_term_tick(tp->term, tp->buffered, tp->o.mem_max);
		kegd_tp_limits_step(tp);
		for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
			struct kegd_site *s = kegd_tp_remote_site(tp, i);

			if (!s || !s->conn)
				continue;
			if (kq_conn_next(s->conn) <= now)
				kq_conn_timer(s->conn, now);
			drain(s, now);
			kq_conn_write(s->conn, now);
		}
		if (tp->states_changed) {
			kegd_tp_sync_ifaces(tp);
			tp->states_changed = false;
		}
	}
	return NULL;
}

/* ---- TCP termination ---------------------------------------------------------- */

static struct kq_conn *term_conn_for(void *ctx, int ifindex, uint32_t site_id,
				     unsigned int *slot)
{
	struct kegd_transport *tp = ctx;
	struct kegd_site *s;
	uint16_t slot1 = 0;

	if (site_id >= KEG_ICPT_MAX_SITES)
		return NULL;
	for (unsigned int i = 0; i < tp->kd->n_ifaces && !slot1; i++)
		if (tp->kd->ifaces[i].ifindex == ifindex)
			slot1 = atomic_load_explicit(&tp->ifsite[i][site_id],
						     memory_order_relaxed);
	if (!slot1)
		return NULL;
	*slot = slot1 - 1u;
	s = kegd_tp_remote_site(tp, slot1 - 1u);
	return s && s->conn && kq_conn_state(s->conn) == KQ_UP ? s->conn : NULL;
}

/* ---- the forwarding threads' side ----------------------------------------------- */

bool kegd_transport_take(struct kegd_transport *tp, unsigned int iface, uint32_t site_id,
			 uint32_t rule_flags, const uint8_t *pkt, size_t len)
{
	struct kegd_site *s;
	uint16_t slot1;
	int rc;

	if (!tp || iface >= KEGD_MAX_IFACES || site_id >= KEG_ICPT_MAX_SITES)
		return false;
	slot1 = atomic_load_explicit(&tp->ifsite[iface][site_id], memory_order_relaxed);
	if (!slot1)
		return false;
	s = atomic_load_explicit(&tp->site[slot1 - 1], memory_order_acquire);
	if (!s)
		return false;
	if (!atomic_load_explicit(&s->active, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&s->q.dropped, 1, memory_order_relaxed);
		return true;
	}
	rc = kegd_pktq_push(&s->q, kegd_flow_hash(pkt, (uint32_t)len), rule_flags, pkt, len);
	if (rc == 1) {
		uint64_t one = 1;

		if (write(tp->efd, &one, sizeof(one)) < 0)
			pr_debug("eventfd: %s", strerror(errno));
	}
	return true;
}

/* ---- start and stop ---------------------------------------------------------------- */

int kegd_transport_start(struct kegd_transport **out, struct kegd *kd,
			 const struct kegd_transport_opts *o)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TP_EV_EVENTFD };
	struct kegd_term_ops term_ops = { .conn_for = term_conn_for };
	struct kegd_transport *tp;
	int ret;

	tp = calloc(1, sizeof(*tp));
	if (!tp)
		return -ENOMEM;
	tp->kd = kd;
	tp->o = *o;
	if (!tp->o.queue_depth)
		tp->o.queue_depth = TP_QUEUE_DEPTH;
	if (!tp->o.mem_max)
		tp->o.mem_max = TP_MEM_MAX;
	tp->local = -1;
	tp->fd = -1;
	tp->maps.conf = tp->maps.stats = tp->maps.limits = tp->maps.lstats = -1;
	tp->rj.fd4 = tp->rj.fd6 = -1;
	tp->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	tp->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (tp->efd < 0 || tp->epfd < 0 || epoll_ctl(tp->epfd, EPOLL_CTL_ADD, tp->efd, &ev)) {
		ret = -errno;
		pr_notice("transport: %s", strerror(-ret));
		goto fail;
	}
	ret = kegd_reinject_open(&tp->rj);
	if (ret) {
		pr_notice("transport: raw sockets for reinjection: %s", strerror(-ret));
		goto fail;
	}
	/* Without it TCP of terminating rules is forwarded by the kernel,
	 * as without kegd: logged, not fatal. */
	if (!o->no_terminate && !kegd_term_start(&tp->term, kd, tp->epfd, &term_ops, tp))
		kegd_term_set_udp_idle(tp->term, o->udp_idle_ns);
	ret = pthread_create(&tp->thread, NULL, transport_loop, tp);
	if (ret) {
		ret = -ret;
		pr_notice("transport: starting its thread: %s", strerror(-ret));
		goto fail;
	}
	tp->running = true;
	*out = tp;
	return 0;
fail:
	kegd_transport_stop(tp);
	return ret;
}

void kegd_transport_stop(struct kegd_transport *tp)
{
	if (!tp)
		return;
	if (tp->running)
		pthread_join(tp->thread, NULL);
	kegd_term_stop(tp->term);
	local_down(tp, kq_now());
	for (unsigned int i = 0; i < KEG_SITES_MAX; i++) {
		struct kegd_site *s = atomic_load(&tp->site[i]);

		if (!s)
			continue;
		kegd_pktq_free(&s->q);
		free(s);
	}
	kegd_reinject_close(&tp->rj);
	keg_sitemaps_close(&tp->maps);
	if (tp->efd >= 0)
		close(tp->efd);
	if (tp->epfd >= 0)
		close(tp->epfd);
	free(tp);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcp_term.c - see tcp_term.h */
#define _GNU_SOURCE     /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keg_intercept.h"
#include "clock.h"
#include "kegd.h"
#include "log.h"
#include "nl.h"
#include "tcp_term.h"
#include "term_hook.h"
#include "term_route.h"
#include "tcp_term_internal.h"

/* ---- connections ----------------------------------------------------------- */

static void listeners_set(struct kegd_term *t, bool on);

static void set_events(struct tconn *tc, uint32_t want)
{
	struct epoll_event ev = { .events = want, .data.ptr = tc };

	if (tc->events == want)
		return;
	if (epoll_ctl(tc->t->epfd, EPOLL_CTL_MOD, tc->fd, &ev) == 0)
		tc->events = want;
}

void kt_conn_free(struct tconn *tc, bool reset)
{
	struct kegd_term *t = tc->t;

	if (tc->fd >= 0) {
		if (reset) {
			/* Abortive close: the endpoint sees a reset. */
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };

			setsockopt(tc->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		epoll_ctl(t->epfd, EPOLL_CTL_DEL, tc->fd, NULL);
		close(tc->fd);
	}
	if (tc->bs)
		kq_bs_release(tc->bs, reset);
	if (reset)
		t->site[tc->slot].resets++;
	t->site[tc->slot].conns--;
	t->n_conns--;
	if (tc->starved)
		t->n_starved--;
	if (tc->prev)
		tc->prev->next = tc->next;
	else
		t->conns = tc->next;
	if (tc->next)
		tc->next->prev = tc->prev;
	free(tc->urx);
	free(tc);
	if (t->accept_paused)
		listeners_set(t, true);
}

struct tconn *kt_conn_new(struct kegd_term *t, int fd, unsigned int slot, uint32_t events)
{
	struct tconn *tc = calloc(1, sizeof(*tc));
	struct epoll_event ev = { .events = events };
	int one = 1;

	if (!tc)
		return NULL;
	tc->kind = TERM_CONN;
	tc->t = t;
	tc->fd = fd;
	tc->slot = slot;
	ev.data.ptr = tc;
	/* Bytes go out as the stream brings them: no waiting for more. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		free(tc);
		return NULL;
	}
	tc->events = events;
	tc->next = t->conns;
	if (t->conns)
		t->conns->prev = tc;
	t->conns = tc;
	t->site[slot].conns++;
	t->n_conns++;
	return tc;
}

/* Reset, with the reason in the log at -v. */
void kt_conn_abort(struct tconn *tc, const char *why, int err)
{
	pr_verbose("TCP termination: connection reset (fd %d): %s%s%s", tc->fd, why,
		   err ? ": " : "", err ? strerror(err) : "");
	kt_conn_free(tc, true);
}

/* Both directions ended with a FIN: a graceful close, the stream finishes
 * in QUIC. */
static bool conn_done(struct tconn *tc)
{
	if (!tc->rd_eof || !tc->wr_shut)
		return false;
	kt_conn_free(tc, false);
	return true;
}

/* The socket's bytes into the stream while it has room. false: tc is gone. */
static bool pump_in(struct tconn *tc)
{
	struct kegd_term *t = tc->t;

	while (!tc->rd_eof && !tc->connecting) {
		size_t room = kq_bs_room(tc->bs);
		ssize_t n;

		if (t->over_mem) {
			if (!tc->starved) {
				tc->starved = true;
				t->n_starved++;
			}
			break;
		}
		if (!room)
			break;
		n = recv(tc->fd, t->buf, room < sizeof(t->buf) ? room : sizeof(t->buf),
			 MSG_DONTWAIT);
		if (n > 0) {
			kq_bs_write(tc->bs, t->buf, (size_t)n);
			continue;
		}
		if (n == 0) {
			pr_debug("TCP termination: fd %d: FIN read", tc->fd);
			tc->rd_eof = true;
			kq_bs_shutdown(tc->bs);
			return !conn_done(tc);
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		if (errno == EINTR)
			continue;
		/* ECONNRESET and the like: the endpoint reset it. */
		kt_conn_abort(tc, "reading the socket", errno);
		return false;
	}
	return true;
}

/* The stream's bytes into the socket while it takes them. false: tc is gone. */
static bool pump_out(struct tconn *tc)
{
	tc->out_blocked = false;
	while (!tc->connecting && !tc->wr_shut) {
		/* What arrived in several kegs goes in one send: a reader
		 * woken by a first part must find the rest there too, as it
		 * would over one TCP hop (some applications read a message
		 * once and fail on a short read). */
		struct iovec iov[TERM_IOV];
		struct msghdr mh = { .msg_iov = iov };
		int nv = kq_bs_peekv(tc->bs, iov, TERM_IOV);
		ssize_t n = 0, w;

		if (nv < 0) {
			kt_conn_abort(tc, "the stream", -nv);
			return false;
		}
		if (nv == 0) {
			if (kq_bs_eof(tc->bs)) {
				pr_debug("TCP termination: fd %d: the other end's FIN", tc->fd);
				shutdown(tc->fd, SHUT_WR);
				tc->wr_shut = true;
				return !conn_done(tc);
			}
			break;
		}
		for (int i = 0; i < nv; i++)
			n += (ssize_t)iov[i].iov_len;
		mh.msg_iovlen = (size_t)nv;
		w = sendmsg(tc->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			tc->out_blocked = true;
			break;
		}
		if (w < 0) {
			kt_conn_abort(tc, "writing the socket", errno);
			return false;
		}
		kq_bs_consume(tc->bs, (size_t)w);
		if (w < n) {
			tc->out_blocked = true;
			break;
		}
	}
	return true;
}

static void update_events(struct tconn *tc)
{
	uint32_t want = 0;

	if (tc->connecting || tc->out_blocked)
		want |= EPOLLOUT;
	if (!tc->rd_eof && !tc->connecting && !tc->starved && !tc->uwait && kq_bs_room(tc->bs))
		want |= EPOLLIN;
	set_events(tc, want);
}

void kt_conn_pump(struct tconn *tc)
{
	if (tc->udp ? kt_upump_out(tc) && kt_upump_in(tc) : pump_out(tc) && pump_in(tc))
		update_events(tc);
}

/* Near the server: the connect finished (or failed). */
static void connected(struct tconn *tc)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(tc->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		/* Refused or unreachable: the client gets a reset. */
		tc->t->site[tc->slot].refused++;
		kt_conn_free(tc, true);
		return;
	}
	tc->connecting = false;
	kt_conn_pump(tc);
}

/* ---- limits ------------------------------------------------------------------ */

void kegd_term_set_limits(struct kegd_term *t, uint32_t tcp_max, uint32_t total_max,
			  uint64_t udp_now)
{
	if (!t)
		return;
	t->tcp_max = tcp_max;
	t->total_max = total_max;
	t->udp_now = udp_now;
}

uint64_t kegd_term_count(const struct kegd_term *t)
{
	return t ? t->n_conns : 0;
}

uint64_t kegd_term_limit_refused(const struct kegd_term *t)
{
	return t ? t->limit_refused : 0;
}

/* One more connection would pass a limit: counted. */
bool kt_at_limit(struct kegd_term *t)
{
	if ((t->tcp_max && t->n_conns >= t->tcp_max) ||
	    (t->total_max && t->n_conns + t->udp_now >= t->total_max)) {
		t->limit_refused++;
		return true;
	}
	return false;
}

/* ---- near the client: accepting -------------------------------------------- */

void kt_term_key(struct keg_term_key *k, const struct sockaddr_storage *client,
		     const struct sockaddr_storage *server)
{
	memset(k, 0, sizeof(*k));
	if (client->ss_family == AF_INET) {
		const struct sockaddr_in *c = (const void *)client, *s = (const void *)server;

		k->family = 4;
		memcpy(k->saddr, &c->sin_addr, 4);
		memcpy(k->daddr, &s->sin_addr, 4);
		k->sport = c->sin_port;
		k->dport = s->sin_port;
	} else {
		const struct sockaddr_in6 *c = (const void *)client, *s = (const void *)server;

		k->family = 6;
		memcpy(k->saddr, &c->sin6_addr, 16);
		memcpy(k->daddr, &s->sin6_addr, 16);
		k->sport = c->sin6_port;
		k->dport = s->sin6_port;
	}
}

static void reset_fd(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* Proxy mode (keg_proxy.h): a connection to a proxy address of the
 * interface goes to its destination instead. 1: *server rewritten; 0: no
 * proxy address; -1: a proxy address that does not carry this connection
 * (port, protocol), which only a rule changed since its SYN can bring. */
int kt_proxy_dest(struct kegd_term_hook *h, struct sockaddr_storage *server, uint8_t proto_bit)
{
	struct keg_proxy_key k;
	struct keg_proxy p;
	uint8_t *addr;
	in_port_t *port;

	memset(&k, 0, sizeof(k));
	if (server->ss_family == AF_INET) {
		struct sockaddr_in *s = (void *)server;

		k.family = 4;
		addr = (uint8_t *)&s->sin_addr;
		port = &s->sin_port;
		memcpy(k.addr, addr, 4);
	} else {
		struct sockaddr_in6 *s = (void *)server;

		k.family = 6;
		addr = (uint8_t *)&s->sin6_addr;
		port = &s->sin6_port;
		memcpy(k.addr, addr, 16);
	}
	if (kegd_term_hook_proxy(h, &k, &p))
		return 0;
	if (!(p.protos & proto_bit) || p.family != k.family ||
	    (p.port && p.port != *port))
		return -1;
	memcpy(addr, p.dest, k.family == 4 ? 4 : 16);
	if (p.dport)
		*port = p.dport;
	return 1;
}

static void accept_one(struct kegd_term *t, int fd)
{
	struct sockaddr_storage client, server;
	socklen_t cl = sizeof(client), sl = sizeof(server);
	struct keg_term_key k;
	struct keg_term_syn syn;
	struct kq_conn *conn = NULL;
	struct kegd_term_hook *hook = NULL;
	unsigned int slot = KEG_SITES_MAX, i;
	uint8_t flags = 0;
	struct tconn *tc;
	int px;

	if (getpeername(fd, (struct sockaddr *)&client, &cl) ||
	    getsockname(fd, (struct sockaddr *)&server, &sl)) {
		reset_fd(fd);
		return;
	}
	kt_term_key(&k, &client, &server);
	for (i = 0; i < t->n_hooks && !conn; i++)
		if (!kegd_term_hook_syn(&t->hooks[i], &k, &syn)) {
			hook = &t->hooks[i];
			conn = t->ops.conn_for(t->ctx, (int)syn.ifindex, syn.site, &slot);
		}
	px = hook ? kt_proxy_dest(hook, &server, KEG_ICPT_P_TCP) : 0;
	if (px > 0)
		flags = KEG_TCP_OPEN_F_PROXY;
	if (!conn || px < 0 || kt_at_limit(t)) {
		/* No site up for it (it went down since the SYN), or a
		 * connection limit: refused (counted for its site if known). */
		if (slot < KEG_SITES_MAX)
			t->site[slot].refused++;
		reset_fd(fd);
		return;
	}
	tc = kt_conn_new(t, fd, slot, EPOLLIN);
	if (!tc) {
		t->site[slot].refused++;
		reset_fd(fd);
		return;
	}
	if (kq_bs_open(conn, (struct sockaddr *)&client, (struct sockaddr *)&server, IPPROTO_TCP,
		       flags, tc, &tc->bs)) {
		t->site[slot].refused++;
		kt_conn_free(tc, true);
		return;
	}
	t->site[slot].accepted++;
	pr_debug("TCP termination: accepted fd %d, client port %u", fd,
		 ntohs(((struct sockaddr_in *)&client)->sin_port));
	kt_conn_pump(tc);
}

/* Listeners on or off: off while kegd has no descriptor left (EMFILE),
 * or the listener would wake the loop for nothing until one is freed;
 * the clients wait in the backlog meanwhile. */
static void listeners_set(struct kegd_term *t, bool on)
{
	for (unsigned int i = 0; i < KEG_TERM_SOCKS; i++) {
		struct epoll_event ev = { .events = on ? EPOLLIN : 0, .data.ptr = &t->l[i] };

		if (t->l[i].fd >= 0)
			epoll_ctl(t->epfd, EPOLL_CTL_MOD, t->l[i].fd, &ev);
	}
	t->accept_paused = !on;
}

static void accept_all(struct kegd_term *t, struct tlisten *l)
{
	for (int i = 0; i < TERM_ACCEPTS; i++) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				if (!t->out_of_fds_logged)
					pr_notice("TCP termination: no descriptor left (%s): new connections wait",
						  strerror(errno));
				t->out_of_fds_logged = true;
				listeners_set(t, false);
			}
			return;     /* EAGAIN, or a connection that died waiting */
		}
		accept_one(t, fd);
	}
}

/* ---- near the server: connecting --------------------------------------------- */

void *kegd_term_remote_open(struct kegd_term *t, unsigned int slot, struct kq_bs *bs,
			    const struct keg_tcp_ends *e)
{
	int fam = e->client.ss_family, one = 1, fd;
	struct tconn *tc;

	if (kt_at_limit(t))
		goto refuse;
	if (e->proto == IPPROTO_UDP)
		return kt_udp_remote_open(t, slot, bs, e);
	fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto refuse;
	/* Transparent: bound to the client's address and port, so the
	 * server sees the client, and the server's answers to it (routed to
	 * this gateway) reach this socket. A proxy's connection (keg_proxy.h)
	 * leaves from this gateway's own address, which the kernel picks by
	 * the route to the server: the server need not route the client's
	 * network back here. */
	if ((!e->proxy &&
	     ((fam == AF_INET ? setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) :
				setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one))) ||
	      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	      bind(fd, (const struct sockaddr *)&e->client, e->len))) ||
	    (connect(fd, (const struct sockaddr *)&e->server, e->len) && errno != EINPROGRESS)) {
		close(fd);
		goto refuse;
	}
	tc = kt_conn_new(t, fd, slot, EPOLLOUT);
	if (!tc) {
		close(fd);
		goto refuse;
	}
	tc->bs = bs;
	tc->connecting = true;
	t->site[slot].connected++;
	return tc;
refuse:
	t->site[slot].refused++;
	return NULL;
}

/* ---- events ----------------------------------------------------------------- */

void kegd_term_io(struct kegd_term *t, void *ptr, uint32_t events)
{
	uint8_t kind = *(uint8_t *)ptr;
	struct tconn *tc = ptr;

	if (kind == TERM_LISTENER) {
		accept_all(t, ptr);
		return;
	}
	if (kind == TERM_ULISTENER) {
		kt_urecv_all(t, ptr);
		return;
	}
	if (tc->connecting) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			connected(tc);
		return;
	}
	if ((events & EPOLLERR) && !(events & EPOLLIN)) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(tc->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		kt_conn_abort(tc, "socket error", err);
		return;
	}
	kt_conn_pump(tc);
}

void kegd_term_bs_event(struct kegd_term *t, void *user, unsigned int events)
{
	struct tconn *tc = user;

	(void)t;
	if (events & KQ_BS_RESET) {
		/* A reset is a reset at both ends, as TCP's own: what the
		 * stream still held is dropped. */
		kt_conn_abort(tc, "reset by the other gateway (or the site's connection lost)", 0);
		return;
	}
	kt_conn_pump(tc);
}

void kegd_term_tick(struct kegd_term *t, uint64_t buffered, uint64_t mem_max)
{
	kt_udp_idle(t);
	t->over_mem = buffered >= mem_max;
	if (t->over_mem || !t->n_starved)
		return;
	for (struct tconn *tc = t->conns, *n; tc && t->n_starved; tc = n) {
		n = tc->next;
		if (!tc->starved)
			continue;
		tc->starved = false;
		t->n_starved--;
		kt_conn_pump(tc);
	}
}

void kegd_term_site_stats(const struct kegd_term *t, unsigned int slot,
			  struct kegd_term_site *out)
{
	memset(out, 0, sizeof(*out));
	if (t && slot < KEG_SITES_MAX)
		*out = t->site[slot];
}

/* ---- start and stop ---------------------------------------------------------- */

static int listener(struct kegd_term *t, unsigned int idx)
{
	int fam = idx == KEG_TERM_SOCK_V4 ? AF_INET : AF_INET6, one = 1, fd;
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)fam };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &t->l[idx] };
	socklen_t len;

	/* On loopback, port chosen by the kernel: keg_tc_term hands it the
	 * SYNs (bpf_sk_assign), nothing can connect to it directly from
	 * outside; transparent, so its connections answer as the server. */
	if (fam == AF_INET) {
		struct sockaddr_in *a = (void *)&ss;

		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (void *)&ss;

		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	}
	fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if ((fam == AF_INET ? setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) :
			      setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)) ||
			      setsockopt(fd, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, TERM_BACKLOG) ||
	    epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	t->l[idx].kind = TERM_LISTENER;
	t->l[idx].fd = fd;
	t->l[idx].family = fam;
	return 0;
}

int kegd_term_start(struct kegd_term **out, struct kegd *kd, int epfd,
		    const struct kegd_term_ops *ops, void *ctx)
{
	struct kegd_term *t = calloc(1, sizeof(*t));
	const char *what;
	int ret;

	if (!t)
		return -ENOMEM;
	t->kd = kd;
	t->epfd = epfd;
	t->ops = *ops;
	t->ctx = ctx;
	t->l[0].fd = t->l[1].fd = -1;
	t->ul[0].fd = t->ul[1].fd = -1;
	t->udp_idle_ns = TERM_UDP_IDLE_NS;

	what = "rtnetlink";
	ret = keg_nl_open(&t->nl);
	if (ret)
		goto fail;
	t->nl_open = true;
	what = "the policy routing (fwmark rule, local routes of table 3919)";
	ret = keg_term_route_add(&t->nl);
	if (ret)
		goto fail;
	t->routes = true;
	for (unsigned int i = 0; i < KEG_TERM_SOCKS; i++) {
		what = i == KEG_TERM_SOCK_V4 ? "the IPv4 listener" : "the IPv6 listener";
		ret = listener(t, i);
		/* A gateway without IPv6 terminates IPv4 only. */
		if (ret && i == KEG_TERM_SOCK_V6 && (ret == -EADDRNOTAVAIL || ret == -EAFNOSUPPORT)) {
			pr_notice("TCP termination: no IPv6 listener (%s): IPv6 TCP is forwarded",
				  strerror(-ret));
			continue;
		}
		if (ret)
			goto fail;
		/* A proxy's UDP (keg_proxy.h): without its receiver, UDP to a
		 * proxy address is dropped, TCP goes on. */
		if (t->l[i].fd >= 0 && (ret = kt_ulistener(t, i)))
			pr_notice("TCP termination: no %s receiver for proxies' UDP (%s)",
				  i == KEG_TERM_SOCK_V4 ? "IPv4" : "IPv6", strerror(-ret));
	}
	for (unsigned int i = 0; i < kd->n_ifaces; i++) {
		struct kegd_term_hook *h = &t->hooks[t->n_hooks];

		what = kd->ifaces[i].name;
		ret = kegd_term_hook_open(h, kd->ifaces[i].name, kd->ifaces[i].ifindex);
		if (ret)
			goto fail;
		t->n_hooks++;
		for (unsigned int k = 0; k < KEG_TERM_SOCKS; k++) {
			if (t->l[k].fd < 0)
				continue;
			ret = kegd_term_hook_listen(h, k, t->l[k].fd);
			if (ret)
				goto fail;
			if (t->ul[k].fd >= 0 && (ret = kegd_term_hook_ulisten(h, k, t->ul[k].fd)))
				goto fail;
		}
	}
	*out = t;
	return 0;
fail:
	pr_notice("TCP termination: %s: %s%s%s; TCP of terminating rules is forwarded unaccelerated",
		  what, strerror(-ret), t->nl.extack[0] ? ": " : "", t->nl.extack);
	kegd_term_stop(t);
	return ret;
}

void kegd_term_stop(struct kegd_term *t)
{
	if (!t)
		return;
	while (t->conns)
		kt_conn_free(t->conns, true);
	for (unsigned int i = 0; i < t->n_hooks; i++)
		kegd_term_hook_close(&t->hooks[i]);
	for (unsigned int i = 0; i < KEG_TERM_SOCKS; i++) {
		if (t->l[i].fd >= 0) {
			epoll_ctl(t->epfd, EPOLL_CTL_DEL, t->l[i].fd, NULL);
			close(t->l[i].fd);
		}
		if (t->ul[i].fd >= 0) {
			epoll_ctl(t->epfd, EPOLL_CTL_DEL, t->ul[i].fd, NULL);
			close(t->ul[i].fd);
		}
	}
	if (t->routes)
		keg_term_route_del(&t->nl);
	if (t->nl_open)
		keg_nl_close(&t->nl);
	free(t);
}

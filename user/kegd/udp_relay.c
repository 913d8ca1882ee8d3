// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udp_relay.c - a proxy's UDP flows (tcp_term.h, proxy mode): near the
 * client, kegd's receivers take each new flow's first datagram and give
 * the flow a transparent socket of the proxy address connected to the
 * client; near the server, a socket of this gateway's own; between them
 * the flow's datagrams ride on a byte stream, each behind its length
 * (tcpstream.h: keg_dgram_*). A flow ends when idle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "tcp_term_internal.h"

/* ---- a proxy's UDP flow: datagrams framed in the stream ------------------- */

/* The socket's datagrams into the stream, each whole in one keg, while it
 * has room. One the stream can never take (over a keg) or that comes
 * while memory is over its bound is dropped, as a full UDP buffer would.
 * false: tc is gone. */
bool kt_upump_in(struct tconn *tc)
{
	struct kegd_term *t = tc->t;

	tc->uwait = false;
	for (int i = 0; i < TERM_ACCEPTS; i++) {
		size_t room = kq_bs_room(tc->bs);
		ssize_t n;

		n = recv(tc->fd, t->ubuf + KEG_DGRAM_HDR, KEG_DGRAM_MAX, MSG_DONTWAIT | MSG_PEEK |
			 MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			continue;       /* an ICMP error reported (ECONNREFUSED): read on */
		if ((size_t)n + KEG_DGRAM_HDR > room &&
		    (size_t)n + KEG_DGRAM_HDR <= kq_bs_keg_max(tc->bs) && !t->over_mem) {
			/* Wait for room (KQ_BS_WRITABLE pumps again): EPOLLIN
			 * is off meanwhile, or the readable socket would spin. */
			tc->uwait = true;
			break;
		}
		n = recv(tc->fd, t->ubuf + KEG_DGRAM_HDR, KEG_DGRAM_MAX, MSG_DONTWAIT | MSG_TRUNC);
		if (n <= 0 || n > KEG_DGRAM_MAX || (size_t)n + KEG_DGRAM_HDR > room ||
		    t->over_mem)
			continue;       /* empty, or dropped (an IPv6 one over 65,507 bytes too) */
		keg_dgram_hdr(t->ubuf, (size_t)n);
		kq_bs_write(tc->bs, t->ubuf, (size_t)n + KEG_DGRAM_HDR);
		tc->last_ns = keg_now_ns();
	}
	return true;
}

/* The stream's datagrams out of the socket, one send each (one the socket
 * cannot take now is lost, as UDP's). The peer's FIN ends the flow.
 * false: tc is gone. */
bool kt_upump_out(struct tconn *tc)
{
	for (;;) {
		struct iovec iov[TERM_IOV];
		int nv = kq_bs_peekv(tc->bs, iov, TERM_IOV);
		size_t used = 0;

		if (nv < 0) {
			kt_conn_abort(tc, "the stream", -nv);
			return false;
		}
		if (nv == 0) {
			if (kq_bs_eof(tc->bs)) {
				kt_conn_free(tc, false);
				return false;
			}
			return true;
		}
		for (int i = 0; i < nv; i++) {
			const uint8_t *p = iov[i].iov_base;
			size_t left = iov[i].iov_len;

			while (left) {
				const uint8_t *dg;
				size_t dl;
				ssize_t k = keg_dgram_take(tc->urx, p, left, &dg, &dl);

				if (k < 0) {
					kt_conn_abort(tc, "a malformed datagram in the stream", EBADMSG);
					return false;
				}
				if (dg)
					send(tc->fd, dg, dl, MSG_DONTWAIT | MSG_NOSIGNAL);
				p += k;
				left -= (size_t)k;
				used += (size_t)k;
			}
		}
		kq_bs_consume(tc->bs, used);
		tc->last_ns = keg_now_ns();
	}
}

/* ---- near the client: a proxy's UDP ------------------------------------------ */

static bool same_sa(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

	return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

static socklen_t sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* The datagram in t->ubuf (n bytes after the header room) of a new flow
 * from client to the proxy address local, or of one whose socket was not
 * made yet when it came. */
static void udp_datagram(struct kegd_term *t, const struct sockaddr_storage *client,
			 const struct sockaddr_storage *local, size_t n)
{
	struct sockaddr_storage server = *local;
	struct kegd_term_hook *hook = NULL;
	struct kq_conn *conn = NULL;
	unsigned int slot = KEG_SITES_MAX, i;
	struct keg_term_key k;
	struct keg_term_syn syn;
	struct tconn *tc;
	int fam = client->ss_family, one = 1, fd;

	for (tc = t->conns; tc; tc = tc->next)
		if (tc->udp && tc->near && same_sa(&tc->ca, client) && same_sa(&tc->la, local))
			goto write;
	kt_term_key(&k, client, local);
	for (i = 0; i < t->n_hooks && !conn; i++)
		if (!kegd_term_hook_syn(&t->hooks[i], &k, &syn)) {
			hook = &t->hooks[i];
			conn = t->ops.conn_for(t->ctx, (int)syn.ifindex, syn.site, &slot);
		}
	if (!conn || !hook || kt_proxy_dest(hook, &server, KEG_ICPT_P_UDP) <= 0 || kt_at_limit(t)) {
		if (slot < KEG_SITES_MAX)
			t->site[slot].refused++;
		return;
	}
	/* The flow's own socket: the proxy address's (transparent), connected
	 * to the client, so keg_tc_term hands it the flow's next datagrams
	 * and the answers leave from the address and port the client used. */
	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto refuse;
	if ((fam == AF_INET ? setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) :
			      setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one))) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)local, sa_len(local)) ||
	    connect(fd, (const struct sockaddr *)client, sa_len(client))) {
		close(fd);
		goto refuse;
	}
	tc = kt_conn_new(t, fd, slot, EPOLLIN);
	if (!tc) {
		close(fd);
		goto refuse;
	}
	tc->udp = tc->near = true;
	tc->last_ns = keg_now_ns();
	tc->ca = *client;
	tc->la = *local;
	tc->urx = calloc(1, sizeof(*tc->urx));
	if (!tc->urx || kq_bs_open(conn, (const struct sockaddr *)client,
				   (const struct sockaddr *)&server, IPPROTO_UDP,
				   KEG_TCP_OPEN_F_PROXY, tc, &tc->bs)) {
		t->site[slot].refused++;
		kt_conn_free(tc, true);
		return;
	}
	t->site[slot].accepted++;
write:
	if (n && n + KEG_DGRAM_HDR <= kq_bs_room(tc->bs) && !t->over_mem) {
		keg_dgram_hdr(t->ubuf, n);
		kq_bs_write(tc->bs, t->ubuf, n + KEG_DGRAM_HDR);
		tc->last_ns = keg_now_ns();
	}
	kt_conn_pump(tc);
	return;
refuse:
	t->site[slot].refused++;
}

/* kegd's receiver of a family: the first datagrams of new flows, with the
 * address they were sent to (IP_ORIGDSTADDR). */
void kt_urecv_all(struct kegd_term *t, struct tlisten *l)
{
	for (int i = 0; i < TERM_ACCEPTS; i++) {
		struct sockaddr_storage client, local;
		union {
			struct cmsghdr c;
			uint8_t b[CMSG_SPACE(sizeof(struct sockaddr_in6))];
		} ctl;
		struct iovec iov = { .iov_base = t->ubuf + KEG_DGRAM_HDR, .iov_len = KEG_DGRAM_MAX };
		struct msghdr mh = { .msg_name = &client, .msg_namelen = sizeof(client),
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
		struct cmsghdr *c;
		bool have = false;
		ssize_t n;

		n = recvmsg(l->fd, &mh, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_ORIGDSTADDR) ||
			    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_ORIGDSTADDR)) {
				memset(&local, 0, sizeof(local));
				memcpy(&local, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0) <= sizeof(local) ?
				       c->cmsg_len - CMSG_LEN(0) : sizeof(local));
				have = true;
			}
		if (have && local.ss_family == client.ss_family && !(mh.msg_flags & MSG_TRUNC))
			udp_datagram(t, &client, &local, (size_t)n);
	}
}

/* A proxy's UDP flows idle for TERM_UDP_IDLE_NS end (FIN: the other end
 * ends its side too). */
void kt_udp_idle(struct kegd_term *t)
{
	uint64_t now = keg_now_ns();

	if (now < t->next_idle_ns)
		return;
	t->next_idle_ns = now + TERM_IDLE_EVERY_NS;
	for (struct tconn *tc = t->conns, *n; tc; tc = n) {
		n = tc->next;
		if (!tc->udp || now - tc->last_ns < t->udp_idle_ns)
			continue;
		kq_bs_shutdown(tc->bs);
		kt_conn_free(tc, false);
	}
}

/* kegd's receiver of a proxy's UDP of a family: on loopback, transparent,
 * told each datagram's original destination; keg_tc_term hands it the
 * first datagrams of new flows. */
int kt_ulistener(struct kegd_term *t, unsigned int idx)
{
	int fam = idx == KEG_TERM_SOCK_V4 ? AF_INET : AF_INET6, one = 1, fd;
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)fam };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &t->ul[idx] };

	if (fam == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if ((fam == AF_INET ?
	     setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) ||
	     setsockopt(fd, SOL_IP, IP_RECVORIGDSTADDR, &one, sizeof(one)) :
	     setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)) ||
	     setsockopt(fd, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	     setsockopt(fd, SOL_IPV6, IPV6_RECVORIGDSTADDR, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&ss, sa_len(&ss)) ||
	    epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	t->ul[idx].kind = TERM_ULISTENER;
	t->ul[idx].fd = fd;
	t->ul[idx].family = fam;
	return 0;
}

void kegd_term_set_udp_idle(struct kegd_term *t, uint64_t ns)
{
	t->udp_idle_ns = ns ? ns : TERM_UDP_IDLE_NS;
}

/* Near the server: a proxy's UDP flow from this gateway's own address. */
struct tconn *kt_udp_remote_open(struct kegd_term *t, unsigned int slot, struct kq_bs *bs,
				 const struct keg_tcp_ends *e)
{
	int fam = e->client.ss_family, fd;
	struct tconn *tc;

	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto refuse;
	if (connect(fd, (const struct sockaddr *)&e->server, e->len)) {
		close(fd);
		goto refuse;
	}
	tc = kt_conn_new(t, fd, slot, EPOLLIN);
	if (!tc) {
		close(fd);
		goto refuse;
	}
	tc->udp = true;
	tc->bs = bs;
	tc->last_ns = keg_now_ns();
	tc->urx = calloc(1, sizeof(*tc->urx));
	if (!tc->urx) {
		tc->bs = NULL;
		kt_conn_free(tc, false);
		goto refuse;
	}
	t->site[slot].connected++;
	return tc;
refuse:
	t->site[slot].refused++;
	return NULL;
}

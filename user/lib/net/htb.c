// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* htb.c - see htb.h */
#include <errno.h>
#include <net/if.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "grow.h"
#include "htb.h"

static const char *const leaf_names[KEG_LEAF__MAX] = {
	[KEG_LEAF_PFIFO] = "pfifo",
	[KEG_LEAF_FQ_CODEL] = "fq_codel",
	[KEG_LEAF_SFQ] = "sfq",
	[KEG_LEAF_CAKE] = "cake",
};

const char *keg_leaf_name(enum keg_leaf_kind k)
{
	return k < KEG_LEAF__MAX ? leaf_names[k] : "?";
}


int keg_tcb_open(struct keg_tcb *b, struct keg_nl *nl)
{
	struct timeval tv = { .tv_sec = 10 };

	memset(b, 0, sizeof(*b));
	b->nl = nl;
	int rcvbuf = 8 << 20;

	/* An ack that never comes must not hang kegctl (and its lock). */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* The kernel answers a whole batch before we read: every ack must
	 * fit, or it is dropped (ENOBUFS) and the batch's outcome unknown. */
	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	b->buf = malloc(KEG_TCB_BUFSIZE);
	return b->buf ? 0 : -ENOMEM;
}

void keg_tcb_close(struct keg_tcb *b)
{
	free(b->buf);
	b->buf = NULL;
}

/* Room for one more request, flushing first when the buffer is full. */
static struct nlmsghdr *req(struct keg_tcb *b, int type, int flags, int ok_err)
{
	struct nlmsghdr *nlh;

	if (b->len + 1024 > KEG_TCB_BUFSIZE || b->n == KEG_TCB_MAXMSG)
		keg_tcb_flush(b);
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	/* Other requests on the socket (dumps between two queued requests)
	 * take numbers too: keep each one's. */
	nlh->nlmsg_seq = ++b->nl->seq;
	b->seq[b->n] = nlh->nlmsg_seq;
	b->acked[b->n] = false;
	b->ok_err[b->n++] = ok_err;
	return nlh;
}

static void done(struct keg_tcb *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct tcmsg *tcm_put(struct nlmsghdr *nlh, int ifindex, uint32_t handle,
			     uint32_t parent)
{
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));

	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_handle = handle;
	t->tcm_parent = parent;
	return t;
}

static const char *what(int type)
{
	switch (type) {
	case RTM_NEWQDISC:
		return "adding qdisc";
	case RTM_DELQDISC:
		return "deleting qdisc";
	case RTM_NEWTCLASS:
		return "adding/changing class";
	case RTM_DELTCLASS:
		return "deleting class";
	}
	return "tc request";
}

static void describe(struct keg_tcb *b, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct tcmsg *t = (const void *)((const char *)&e->msg + sizeof(e->msg));
	const struct nlattr *a;
	const char *msg = NULL;
	char dev[IF_NAMESIZE] = "?";
	unsigned int off;

	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_for_each(a, nlh, off)
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				msg = mnl_attr_get_str(a);
	}
	if (nlh->nlmsg_flags & NLM_F_CAPPED) {
		keg_err_set(&b->err, e->error, "%s: %s", what(e->msg.nlmsg_type),
			    msg ? msg : strerror(-e->error));
		return;
	}
	if_indextoname((unsigned int)t->tcm_ifindex, dev);
	keg_err_set(&b->err, e->error, "%s %x:%x on %s: %s", what(e->msg.nlmsg_type),
		    t->tcm_handle >> 16, t->tcm_handle & 0xffff, dev,
		    msg ? msg : strerror(-e->error));
}

/* Index of the request with sequence number seq, or b->n. */
static unsigned int find_req(const struct keg_tcb *b, unsigned int seq)
{
	unsigned int lo = 0, hi = b->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (b->seq[mid] == seq)
			return mid;
		if ((int)(b->seq[mid] - seq) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return b->n;
}

void keg_tcb_reset(struct keg_tcb *b)
{
	b->ret = 0;
	keg_err_clear(&b->err);
}

int keg_tcb_flush(struct keg_tcb *b)
{
	unsigned int acked = 0;
	ssize_t n;

	if (!b->n)
		return b->ret;
	if (b->ret) {
		/* After a failure nothing more is sent. */
		b->len = 0;
		b->n = 0;
		return b->ret;
	}
	if (mnl_socket_sendto(b->nl->sock, b->buf, b->len) < 0) {
		int ret = -errno;

		if (!b->ret) {
			b->ret = ret;
			keg_err_set(&b->err, ret, "sending tc requests: %s", strerror(-ret));
		}
		b->len = 0;
		b->n = 0;
		return b->ret;
	}
	while (acked < b->n) {
		const struct nlmsghdr *nlh;

		n = mnl_socket_recvfrom(b->nl->sock, b->nl->buf, KEG_NL_BUFSIZE);
		if (n < 0) {
			if (!b->ret) {
				b->ret = -errno;
				keg_err_set(&b->err, b->ret, "reading tc acks: %s",
					    strerror(-b->ret));
			}
			break;
		}
		for (nlh = (const void *)b->nl->buf; mnl_nlmsg_ok(nlh, (int)n);
		     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			const struct nlmsgerr *e;
			unsigned int i;

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_pid != b->nl->portid)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			i = find_req(b, nlh->nlmsg_seq);
			if (i >= b->n || b->acked[i])
				continue;
			b->acked[i] = true;
			acked++;
			if (!e->error || e->error == b->ok_err[i] || b->ret)
				continue;
			b->ret = e->error;
			describe(b, nlh);
		}
	}
	b->len = 0;
	b->n = 0;
	return b->ret;
}

/* An HTB qdisc with handle major: at parent, unclassified traffic to
 * minor defcls (0: none, as in a group's qdisc, which only its parent
 * class feeds). */
static void qdisc_add(struct keg_tcb *b, int ifindex, uint32_t parent, uint32_t major,
		      uint32_t defcls)
{
	struct nlmsghdr *nlh = req(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct tc_htb_glob g = { .version = TC_HTB_PROTOVER, .rate2quantum = 10,
				 .defcls = defcls & 0xffff };
	struct nlattr *nest;

	tcm_put(nlh, ifindex, major << 16, parent);
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	nest = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_INIT, sizeof(g), &g);
	mnl_attr_nest_end(nlh, nest);
	done(b, nlh);
}

void keg_htb_qdisc_add(struct keg_tcb *b, int ifindex, uint32_t defcls)
{
	qdisc_add(b, ifindex, TC_H_ROOT, KEG_HTB_MAJOR, defcls);
}

void keg_htb_qdisc_del(struct keg_tcb *b, int ifindex)
{
	struct nlmsghdr *nlh = req(b, RTM_DELQDISC, 0, -ENOENT);

	tcm_put(nlh, ifindex, KEG_HTB_MAJOR << 16, TC_H_ROOT);
	done(b, nlh);
}

/* Bytes/s of kbit/s. */
static uint64_t bps(uint32_t kbit)
{
	return (uint64_t)kbit * 125;
}

/* Time to send burst bytes at rate, in HTB's ticks of 64 ns
 * (PSCHED_TICKS2NS: << 6). */
static uint32_t ticks(uint64_t rate, uint32_t burst)
{
	uint64_t t = (uint64_t)burst * 1000000000ULL / rate / 64;

	return t > 0xffffffffULL ? 0xffffffffU : (uint32_t)t;
}

static uint32_t auto_burst(uint64_t rate)
{
	return (uint32_t)(rate / 1000 + 1600);	/* 1 ms of traffic + a frame */
}

void keg_htb_class(struct keg_tcb *b, int ifindex, uint32_t parent, uint32_t classid,
		   const struct keg_htb_rate *r, bool create)
{
	struct nlmsghdr *nlh = req(b, RTM_NEWTCLASS, create ? NLM_F_CREATE | NLM_F_EXCL : 0, 0);
	uint64_t rate = bps(r->rate_kbit), ceil = bps(r->ceil_kbit ? r->ceil_kbit : r->rate_kbit);
	uint32_t burst = r->burst ? r->burst : auto_burst(rate);
	uint32_t cburst = r->burst ? r->burst : auto_burst(ceil);
	struct tc_htb_opt o = { 0 };
	uint64_t q = rate / 10;
	struct nlattr *nest;

	if (ceil < rate)
		ceil = rate;
	o.rate.linklayer = TC_LINKLAYER_ETHERNET;
	o.ceil.linklayer = TC_LINKLAYER_ETHERNET;
	o.rate.rate = rate > 0xffffffffULL ? 0xffffffffU : (uint32_t)rate;
	o.ceil.rate = ceil > 0xffffffffULL ? 0xffffffffU : (uint32_t)ceil;
	o.buffer = ticks(rate, burst);
	o.cbuffer = ticks(ceil, cburst);
	o.quantum = (uint32_t)(q < 1514 ? 1514 : q > 200000 ? 200000 : q);
	o.prio = r->prio;
	tcm_put(nlh, ifindex, classid, parent);
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	if (r->est && create) {
		struct tc_estimator est = { .interval = 0, .ewma_log = 1 };

		mnl_attr_put(nlh, TCA_RATE, sizeof(est), &est);
	}
	nest = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_PARMS, sizeof(o), &o);
	if (rate > 0xffffffffULL)
		mnl_attr_put_u64(nlh, TCA_HTB_RATE64, rate);
	if (ceil > 0xffffffffULL)
		mnl_attr_put_u64(nlh, TCA_HTB_CEIL64, ceil);
	mnl_attr_nest_end(nlh, nest);
	done(b, nlh);
}

void keg_htb_class_del(struct keg_tcb *b, int ifindex, uint32_t classid)
{
	struct nlmsghdr *nlh = req(b, RTM_DELTCLASS, 0, -ENOENT);

	tcm_put(nlh, ifindex, classid, 0);
	done(b, nlh);
}

void keg_htb_leaf_add(struct keg_tcb *b, int ifindex, uint32_t classid,
		      enum keg_leaf_kind kind)
{
	struct nlmsghdr *nlh;

	if (kind == KEG_LEAF_PFIFO || kind >= KEG_LEAF__MAX)
		return;
	nlh = req(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, 0);
	/* Handle 0: the kernel picks a free one (leaf minors repeat across
	 * the groups' HTBs, handles must not). */
	tcm_put(nlh, ifindex, 0, classid);
	mnl_attr_put_strz(nlh, TCA_KIND, leaf_names[kind]);
	done(b, nlh);
}

void keg_htb_qdisc_add_under(struct keg_tcb *b, int ifindex, uint32_t parent,
			     uint32_t major)
{
	qdisc_add(b, ifindex, parent, major, 0);
}

void keg_htb_filter_add(struct keg_tcb *b, int ifindex, int prog_fd, const char *name)
{
	struct nlmsghdr *nlh = req(b, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct tcmsg *t = tcm_put(nlh, ifindex, 1, KEG_HTB_MAJOR << 16);
	struct nlattr *nest;

	t->tcm_info = TC_H_MAKE(1U << 16, htons(ETH_P_ALL));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	nest = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)prog_fd);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, name);
	mnl_attr_nest_end(nlh, nest);
	done(b, nlh);
}

/* ---- queries ------------------------------------------------------------ */

struct present {
	int ifindex;
	int found;
};

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	struct present *p = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWQDISC || t->tcm_ifindex != p->ifindex ||
	    t->tcm_parent != TC_H_ROOT || t->tcm_handle != KEG_HTB_MAJOR << 16)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*t))
		if (mnl_attr_get_type(a) == TCA_KIND &&
		    !strcmp(mnl_attr_get_str(a), "htb"))
			p->found = 1;
	return MNL_CB_OK;
}

int keg_htb_present(struct keg_nl *nl, int ifindex)
{
	KEG_NL_REQ(buf);
	struct present p = { ifindex, 0 };
	struct nlmsghdr *nlh = keg_nl_msg(nl, buf, RTM_GETQDISC, NLM_F_DUMP);
	int ret;

	tcm_put(nlh, ifindex, 0, 0);
	ret = keg_nl_talk(nl, nlh, qdisc_cb, &p);
	return ret ? ret : p.found;
}

struct dump {
	int ifindex;
	struct keg_class_stats *v;
	size_t n, cap;
};

static void parse_stats2(const struct nlattr *nest, struct keg_class_stats *s)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		const void *p = mnl_attr_get_payload(a);
		uint16_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case TCA_STATS_BASIC:
			if (len >= 12) {
				const struct gnet_stats_basic *gb = p;

				s->bytes = gb->bytes;
				s->packets = gb->packets;
			}
			break;
		case TCA_STATS_RATE_EST:
			if (len >= sizeof(struct gnet_stats_rate_est) && !s->rate_bps)
				s->rate_bps = (uint64_t)((const struct gnet_stats_rate_est *)p)->bps * 8;
			break;
		case TCA_STATS_RATE_EST64:
			if (len >= sizeof(struct gnet_stats_rate_est64))
				s->rate_bps = ((const struct gnet_stats_rate_est64 *)p)->bps * 8;
			break;
		case TCA_STATS_QUEUE:
			if (len >= sizeof(struct gnet_stats_queue)) {
				const struct gnet_stats_queue *q = p;

				s->drops = q->drops;
				s->overlimits = q->overlimits;
				s->qlen = q->qlen;
				s->backlog = q->backlog;
			}
			break;
		}
	}
}

static int class_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	struct dump *d = data;
	struct keg_class_stats *s;
	const struct nlattr *a, *o;

	if (nlh->nlmsg_type != RTM_NEWTCLASS || t->tcm_ifindex != d->ifindex)
		return MNL_CB_OK;
	if (keg_grow(&d->v, &d->cap, d->n, sizeof(*d->v))) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	s = &d->v[d->n++];
	memset(s, 0, sizeof(*s));
	s->classid = t->tcm_handle;
	mnl_attr_for_each(a, nlh, sizeof(*t)) {
		switch (mnl_attr_get_type(a)) {
		case TCA_STATS2:
			parse_stats2(a, s);
			break;
		case TCA_OPTIONS:
			mnl_attr_for_each_nested(o, a) {
				if (mnl_attr_get_type(o) == TCA_HTB_PARMS &&
				    mnl_attr_get_payload_len(o) >= sizeof(struct tc_htb_opt)) {
					const struct tc_htb_opt *h = mnl_attr_get_payload(o);

					s->rate_kbit = h->rate.rate / 125;
					s->ceil_kbit = h->ceil.rate / 125;
				}
			}
			break;
		}
	}
	return MNL_CB_OK;
}

static int cmp_class(const void *a, const void *b)
{
	uint32_t x = ((const struct keg_class_stats *)a)->classid;
	uint32_t y = ((const struct keg_class_stats *)b)->classid;

	return x < y ? -1 : x > y;
}

const struct keg_class_stats *keg_class_stats_find(const struct keg_class_stats *v, size_t n,
						   uint32_t classid)
{
	const struct keg_class_stats key = { .classid = classid };

	return n ? bsearch(&key, v, n, sizeof(*v), cmp_class) : NULL;
}

int keg_htb_class_dump_parent(struct keg_nl *nl, int ifindex, uint32_t parent,
			      struct keg_class_stats **v, size_t *n)
{
	KEG_NL_REQ(buf);
	struct dump d = { .ifindex = ifindex };
	struct nlmsghdr *nlh = keg_nl_msg(nl, buf, RTM_GETTCLASS, NLM_F_DUMP);
	int ret;

	tcm_put(nlh, ifindex, 0, parent);
	ret = keg_nl_talk(nl, nlh, class_cb, &d);
	if (ret) {
		free(d.v);
		return ret;
	}
	if (d.n)
		qsort(d.v, d.n, sizeof(*d.v), cmp_class);
	*v = d.v;
	*n = d.n;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * keg_term.bpf.c - keg_tc_term (clsact ingress): TCP segments keg_xdp
 * marked for termination go to kegd's sockets in the kernel's own TCP
 * stack (headers/keg_term.h has the whole path). Loaded and attached by
 * kegd on every interface it serves, with its maps pinned in the
 * interface's directory, so a restarted kegd finds them again.
 *
 * Decision, for a segment carrying keg_xdp's keg_term_meta only:
 *  - a socket of the connection exists (kegd's accepted socket, request
 *    socket or transparent client socket; bpf_skc_lookup_tcp by the
 *    segment's 4-tuple): assign it;
 *  - else a SYN (no ACK): assign kegd's listener of the family from
 *    keg_term_socks and remember the rule's site under the SYN's tuple in
 *    keg_term_syns (kegd reads it when it accepts);
 *  - else (kegd gone, a connection from before termination): pass, the
 *    kernel forwards it as it would without keg.
 * A proxy's UDP datagram (meta proto UDP, keg_proxy.h): kegd's socket of
 * the flow (connected to the client, bound to the proxy address) if there
 * is one, else kegd's receiver of the family from keg_term_usocks, with
 * the site remembered as for a SYN.
 * An assigned segment gets KEG_TERM_MARK, whose routing table delivers it
 * locally. The packet is only read (bpf_skb_load_bytes): a tc program that
 * writes to packet data un-clones every cloned skb it sees.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>

#include "keg_term.h"

#define TERM_L4_OFF_MAX 512     /* keg_xdp's parser never goes further */

struct keg_term_stats {
	__u64 conn;             /* segments assigned to an existing socket */
	__u64 syn;              /* SYNs assigned to kegd's listener */
	__u64 no_listener;      /* SYNs passed: kegd has no listener */
	__u64 passed;           /* marked segments of no socket, not a SYN */
	__u64 assign_failed;    /* bpf_sk_assign refused: passed */
	__u64 bad_meta;         /* metadata whose offsets do not fit the frame */
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, KEG_TERM_SOCKS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_TERM_SOCKS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KEG_TERM_SYNS_MAX);
	__type(key, struct keg_term_key);
	__type(value, struct keg_term_syn);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_TERM_SYNS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, KEG_TERM_SOCKS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_TERM_USOCKS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_term_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} keg_term_stats SEC(".maps");

/* The segment's tuple (as the socket lookup wants it: source = the
 * remote end) and the key of its SYN. 0, or -1 if it cannot be read. */
static __always_inline int term_tuple(struct __sk_buff *skb, const struct keg_term_meta *m,
				      struct bpf_sock_tuple *t, __u32 *tlen,
				      struct keg_term_key *k, struct tcphdr *th)
{
	__u32 l4 = m->l4_off;

	if (l4 > TERM_L4_OFF_MAX)
		return -1;
	if (m->family == 4) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)))
			return -1;
		t->ipv4.saddr = ip.saddr;
		t->ipv4.daddr = ip.daddr;
		*tlen = sizeof(t->ipv4);
		__builtin_memcpy(k->saddr, &ip.saddr, 4);
		__builtin_memcpy(k->daddr, &ip.daddr, 4);
	} else if (m->family == 6) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip6, sizeof(ip6)))
			return -1;
		__builtin_memcpy(t->ipv6.saddr, &ip6.saddr, 16);
		__builtin_memcpy(t->ipv6.daddr, &ip6.daddr, 16);
		*tlen = sizeof(t->ipv6);
		__builtin_memcpy(k->saddr, &ip6.saddr, 16);
		__builtin_memcpy(k->daddr, &ip6.daddr, 16);
	} else {
		return -1;
	}
	/* The ports, which TCP and UDP put first; TCP's flags as well. */
	if (bpf_skb_load_bytes(skb, l4, th, m->proto == IPPROTO_UDP ? 4 : sizeof(*th)))
		return -1;
	k->sport = th->source;
	k->dport = th->dest;
	k->family = m->family;
	if (m->family == 4) {
		t->ipv4.sport = th->source;
		t->ipv4.dport = th->dest;
	} else {
		t->ipv6.sport = th->source;
		t->ipv6.dport = th->dest;
	}
	return 0;
}

SEC("tc")
int keg_tc_term(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	struct keg_term_meta *m = (void *)(long)skb->data_meta;
	struct keg_term_stats *st;
	struct keg_term_key k = {};
	struct bpf_sock_tuple t = {};
	struct keg_term_syn syn;
	struct bpf_sock *sk;
	struct tcphdr th;
	__u32 zero = 0, idx, tlen = 0;
	long err;

	if ((void *)(m + 1) > data || m->magic != KEG_TERM_META_MAGIC)
		return TC_ACT_UNSPEC;
	st = bpf_map_lookup_elem(&keg_term_stats, &zero);
	if (!st)
		return TC_ACT_UNSPEC;
	if (term_tuple(skb, m, &t, &tlen, &k, &th)) {
		st->bad_meta++;
		return TC_ACT_UNSPEC;
	}
	if (m->proto == IPPROTO_UDP) {
		/* kegd's socket of the flow is connected; any other (some
		 * service of the gateway's own on that port) is not ours. */
		sk = bpf_sk_lookup_udp(skb, &t, tlen, BPF_F_CURRENT_NETNS, 0);
		if (sk) {
			if (sk->state == BPF_TCP_ESTABLISHED) {
				st->conn++;
				goto assign;
			}
			bpf_sk_release(sk);
		}
		idx = m->family == 4 ? KEG_TERM_SOCK_V4 : KEG_TERM_SOCK_V6;
		sk = bpf_map_lookup_elem(&KEG_MAP_TERM_USOCKS, &idx);
		if (!sk) {
			st->no_listener++;
			return TC_ACT_UNSPEC;
		}
		goto remember;
	}
	sk = bpf_skc_lookup_tcp(skb, &t, tlen, BPF_F_CURRENT_NETNS, 0);
	if (sk) {
		if (sk->state != BPF_TCP_LISTEN) {
			st->conn++;
			goto assign;
		}
		/* Some listener of the gateway's own on that port: not ours. */
		bpf_sk_release(sk);
	}
	if (!th.syn || th.ack) {
		st->passed++;
		return TC_ACT_UNSPEC;
	}
	idx = m->family == 4 ? KEG_TERM_SOCK_V4 : KEG_TERM_SOCK_V6;
	sk = bpf_map_lookup_elem(&KEG_MAP_TERM_SOCKS, &idx);
	if (!sk) {
		st->no_listener++;
		return TC_ACT_UNSPEC;
	}
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		st->no_listener++;
		return TC_ACT_UNSPEC;
	}
remember:
	syn.site = m->site;
	syn.ifindex = skb->ingress_ifindex;
	syn.seen_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&KEG_MAP_TERM_SYNS, &k, &syn, BPF_ANY);
	st->syn++;
assign:
	err = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	if (err) {
		st->assign_failed++;
		return TC_ACT_UNSPEC;
	}
	skb->mark = KEG_TERM_MARK;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";

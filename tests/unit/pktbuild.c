// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* pktbuild.c - see pktbuild.h. */
#include "pktbuild.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pb_die(const char *what, const char *arg)
{
	fprintf(stderr, "pktbuild: %s: %s\n", what, arg ? arg : "(null)");
	abort();
}

void pb_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
			 &b[4], &b[5], &tail) != 6)
		pb_die("bad MAC", s);
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			pb_die("bad MAC", s);
		mac[i] = (uint8_t)b[i];
	}
}

uint32_t pb_ip4(const char *s)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		pb_die("bad IPv4 address", s);
	return a.s_addr;
}

void pb_ip6(const char *s, uint8_t addr[16])
{
	if (!s || inet_pton(AF_INET6, s, addr) != 1)
		pb_die("bad IPv6 address", s);
}

void pb_init(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->link_off = -1;
}

void pb_put16(struct pkt *p, size_t off, uint16_t v)
{
	p->data[off] = (uint8_t)(v >> 8);
	p->data[off + 1] = (uint8_t)v;
}

void pb_put32(struct pkt *p, size_t off, uint32_t v)
{
	pb_put16(p, off, (uint16_t)(v >> 16));
	pb_put16(p, off + 2, (uint16_t)v);
}

/* Reserve n zeroed bytes for a header of the given kind; returns offset. */
static size_t pb_push(struct pkt *p, enum pb_kind kind, size_t n)
{
	size_t off = p->len;

	if (off + n > PB_MAX_LEN)
		pb_die("frame too large", "more than PB_MAX_LEN bytes");
	if (p->nhdr == PB_MAX_HDRS)
		pb_die("frame too large", "more than PB_MAX_HDRS headers");
	memset(p->data + off, 0, n);
	p->len += n;
	p->hdr[p->nhdr++] = (struct pb_hdr){ .kind = kind, .off = (uint16_t)off,
					    .len = (uint16_t)n };
	return off;
}

/*
 * Resolve the pending link of the previous header with this header's code
 * (ethertype when that field is 16 bits wide, IP protocol otherwise; a
 * negative code means "cannot follow that kind of field"), then leave this
 * header's own next-protocol field pending if it was PB_AUTO.
 */
static void pb_link(struct pkt *p, int ethertype, int ipproto)
{
	if (p->link_off < 0)
		return;
	if (p->link_wide) {
		if (ethertype < 0)
			pb_die("header cannot follow", "an ethertype field");
		pb_put16(p, (size_t)p->link_off, (uint16_t)ethertype);
	} else {
		if (ipproto < 0)
			pb_die("header cannot follow", "an IP protocol field");
		p->data[p->link_off] = (uint8_t)ipproto;
	}
	p->link_off = -1;
}

static void pb_pending(struct pkt *p, size_t field, int wide, int value)
{
	if (value == PB_AUTO) {
		p->link_off = (int)field;
		p->link_wide = wide;
		return;
	}
	p->link_off = -1;
	if (wide)
		pb_put16(p, field, (uint16_t)value);
	else
		p->data[field] = (uint8_t)value;
}

size_t pb_eth(struct pkt *p, const char *dst, const char *src, int type)
{
	size_t off;

	pb_link(p, 0x6558, -1);		/* transparent Ethernet bridging */
	off = pb_push(p, PB_ETH, 14);
	pb_mac(dst, p->data + off);
	pb_mac(src, p->data + off + 6);
	pb_pending(p, off + 12, 1, type);
	return off;
}

size_t pb_vlan(struct pkt *p, uint16_t tpid, uint16_t tci)
{
	size_t off;

	pb_link(p, tpid, -1);
	off = pb_push(p, PB_VLAN, 4);
	pb_put16(p, off, tci);
	pb_pending(p, off + 2, 1, PB_AUTO);
	return off;
}

size_t pb_arp(struct pkt *p, const struct pb_arp *a)
{
	size_t off;
	uint32_t ip;

	pb_link(p, 0x0806, -1);
	off = pb_push(p, PB_ARP, 28);
	pb_put16(p, off, a->htype ? a->htype : 1);
	pb_put16(p, off + 2, a->ptype ? a->ptype : 0x0800);
	p->data[off + 4] = a->hlen ? a->hlen : 6;
	p->data[off + 5] = a->plen ? a->plen : 4;
	pb_put16(p, off + 6, a->op);
	pb_mac(a->sha, p->data + off + 8);
	ip = pb_ip4(a->spa);
	memcpy(p->data + off + 14, &ip, 4);
	if (a->tha)
		pb_mac(a->tha, p->data + off + 18);
	ip = pb_ip4(a->tpa);
	memcpy(p->data + off + 24, &ip, 4);
	return off;
}

size_t pb_ipv4(struct pkt *p, const struct pb_ip4 *h)
{
	size_t off, hl = 20 + h->opt_len;
	uint32_t a;

	if (h->opt_len % 4 || hl > 60)
		pb_die("bad IPv4 option length", "not a multiple of 4, or over 40");
	pb_link(p, 0x0800, 4);
	off = pb_push(p, PB_IPV4, hl);
	p->data[off] = (uint8_t)(0x40 | hl / 4);
	p->data[off + 1] = h->tos;
	pb_put16(p, off + 4, h->id);
	pb_put16(p, off + 6, (uint16_t)((h->df ? 0x4000 : 0) | (h->mf ? 0x2000 : 0) |
					(h->frag_off & 0x1fff)));
	p->data[off + 8] = h->ttl ? h->ttl : 64;
	a = pb_ip4(h->src);
	memcpy(p->data + off + 12, &a, 4);
	a = pb_ip4(h->dst);
	memcpy(p->data + off + 16, &a, 4);
	if (h->opt_len) {
		memset(p->data + off + 20, 1, h->opt_len - 1);	/* NOP */
		p->data[off + hl - 1] = 0;			/* EOL */
	}
	pb_pending(p, off + 9, 0, h->proto ? h->proto : PB_AUTO);
	return off;
}

size_t pb_ipv6(struct pkt *p, const struct pb_ip6 *h)
{
	size_t off;

	pb_link(p, 0x86DD, 41);
	off = pb_push(p, PB_IPV6, 40);
	pb_put32(p, off, 0x60000000u | (uint32_t)h->tclass << 20 | (h->flow & 0xfffff));
	p->data[off + 7] = h->hlim ? h->hlim : 64;
	pb_ip6(h->src, p->data + off + 8);
	pb_ip6(h->dst, p->data + off + 24);
	pb_pending(p, off + 6, 0, h->nexthdr ? h->nexthdr : PB_AUTO);
	return off;
}

size_t pb_ipv6_ext(struct pkt *p, uint8_t type, size_t len)
{
	size_t off;

	if (len < 8 || len % 8 || len > 2048)
		pb_die("bad IPv6 extension header length", "not a multiple of 8 in 8..2048");
	pb_link(p, -1, type);
	off = pb_push(p, PB_IPV6_EXT, len);
	p->data[off + 1] = (uint8_t)(len / 8 - 1);
	if (type != 43) {		/* options: one PadN covering the rest */
		p->data[off + 2] = 1;
		p->data[off + 3] = (uint8_t)(len - 4);
	}
	pb_pending(p, off, 0, PB_AUTO);
	return off;
}

size_t pb_ipv6_frag(struct pkt *p, uint16_t frag_off, bool mf, uint32_t id)
{
	size_t off;

	pb_link(p, -1, 44);
	off = pb_push(p, PB_IPV6_FRAG, 8);
	pb_put16(p, off + 2, (uint16_t)(frag_off << 3 | (mf ? 1 : 0)));
	pb_put32(p, off + 4, id);
	pb_pending(p, off, 0, PB_AUTO);
	return off;
}

size_t pb_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags)
{
	size_t off;

	pb_link(p, -1, 6);
	off = pb_push(p, PB_TCP, 20);
	pb_put16(p, off, sport);
	pb_put16(p, off + 2, dport);
	pb_put32(p, off + 4, 1000);
	p->data[off + 12] = 5 << 4;
	p->data[off + 13] = flags;
	pb_put16(p, off + 14, 65535);
	return off;
}

size_t pb_udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	size_t off;

	pb_link(p, -1, 17);
	off = pb_push(p, PB_UDP, 8);
	pb_put16(p, off, sport);
	pb_put16(p, off + 2, dport);
	return off;
}

static size_t pb_icmp_common(struct pkt *p, enum pb_kind kind, uint8_t type,
			     uint8_t code, uint16_t id, uint16_t seq)
{
	size_t off;

	pb_link(p, -1, kind == PB_ICMP ? 1 : 58);
	off = pb_push(p, kind, 8);
	p->data[off] = type;
	p->data[off + 1] = code;
	pb_put16(p, off + 4, id);
	pb_put16(p, off + 6, seq);
	return off;
}

size_t pb_icmp(struct pkt *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	return pb_icmp_common(p, PB_ICMP, type, code, id, seq);
}

size_t pb_icmp6(struct pkt *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	return pb_icmp_common(p, PB_ICMP6, type, code, id, seq);
}

size_t pb_ns(struct pkt *p, const char *target, const char *sll)
{
	size_t off = pb_icmp6(p, 135, 0, 0, 0);
	size_t t;

	/* The 8-byte ICMPv6 header recorded above ends at the reserved word;
	 * target and option are part of the message body. */
	t = pb_push(p, PB_PAYLOAD, 16);
	pb_ip6(target, p->data + t);
	if (sll) {
		t = pb_push(p, PB_PAYLOAD, 8);
		p->data[t] = 1;		/* Source Link-Layer Address */
		p->data[t + 1] = 1;	/* 8 bytes */
		pb_mac(sll, p->data + t + 2);
	}
	return off;
}

size_t pb_gre(struct pkt *p, const struct pb_gre *g)
{
	size_t off, n = 4 + 4 * (g->csum + g->key + g->seq), f;

	pb_link(p, -1, 47);
	off = pb_push(p, PB_GRE, n);
	pb_put16(p, off, (uint16_t)((g->csum ? 0x8000 : 0) | (g->routing ? 0x4000 : 0) |
				    (g->key ? 0x2000 : 0) | (g->seq ? 0x1000 : 0) |
				    (g->version & 7)));
	f = off + 4;
	if (g->csum)
		f += 4;			/* checksum + reserved1, set by pb_finish */
	if (g->key) {
		pb_put32(p, f, g->key_val);
		f += 4;
	}
	if (g->seq)
		pb_put32(p, f, g->seq_val);
	pb_pending(p, off + 2, 1, g->proto ? g->proto : PB_AUTO);
	return off;
}

size_t pb_vxlan(struct pkt *p, uint32_t vni)
{
	size_t off;

	pb_link(p, -1, -1);	/* follows UDP: the port says VXLAN */
	off = pb_push(p, PB_VXLAN, 8);
	p->data[off] = 0x08;	/* I: VNI valid */
	pb_put32(p, off + 4, vni << 8);
	return off;
}

size_t pb_geneve(struct pkt *p, uint32_t vni, size_t opt_len, uint8_t version)
{
	size_t off, o;

	if (opt_len % 4 || opt_len > 252)
		pb_die("bad GENEVE option length", "not a multiple of 4, or over 252");
	pb_link(p, -1, -1);
	off = pb_push(p, PB_GENEVE, 8 + opt_len);
	p->data[off] = (uint8_t)(version << 6 | opt_len / 4);
	pb_put32(p, off + 4, vni << 8);
	/* Options as TLVs of at most 4 + 124 bytes: class 0x0103, type 0x80. */
	for (o = off + 8; o < off + 8 + opt_len;) {
		size_t left = off + 8 + opt_len - o;
		size_t body = left - 4 > 124 ? 124 : left - 4;

		pb_put16(p, o, 0x0103);
		p->data[o + 2] = 0x80;
		p->data[o + 3] = (uint8_t)(body / 4);
		memset(p->data + o + 4, 0xa5, body);
		o += 4 + body;
	}
	pb_pending(p, off + 2, 1, PB_AUTO);
	return off;
}

size_t pb_bytes(struct pkt *p, const void *d, size_t n)
{
	size_t off;

	p->link_off = -1;
	off = pb_push(p, PB_PAYLOAD, n);
	memcpy(p->data + off, d, n);
	return off;
}

size_t pb_fill(struct pkt *p, size_t n, uint8_t byte)
{
	size_t off;

	p->link_off = -1;
	off = pb_push(p, PB_PAYLOAD, n);
	memset(p->data + off, byte, n);
	return off;
}

uint32_t pb_csum_add(const void *d, size_t n, uint32_t sum)
{
	const uint8_t *b = d;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

uint16_t pb_csum(const void *d, size_t n, uint32_t sum)
{
	sum = pb_csum_add(d, n, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The closest IP header before header index i, or -1. */
static int pb_enclosing_ip(const struct pkt *p, int i)
{
	while (--i >= 0)
		if (p->hdr[i].kind == PB_IPV4 || p->hdr[i].kind == PB_IPV6)
			return i;
	return -1;
}

void pb_fix_l4_csum(struct pkt *p, int i)
{
	const struct pb_hdr *h = &p->hdr[i];
	size_t len = p->len - h->off, csum_at;
	uint32_t sum = 0;
	uint8_t proto;
	int ip = -1;
	uint16_t c;

	switch (h->kind) {
	case PB_TCP:  proto = 6;  csum_at = 16; break;
	case PB_UDP:  proto = 17; csum_at = 6;  break;
	case PB_ICMP: proto = 1;  csum_at = 2;  break;
	case PB_ICMP6: proto = 58; csum_at = 2; break;
	default: return;
	}
	if (h->kind != PB_ICMP) {	/* pseudo header */
		ip = pb_enclosing_ip(p, i);
		if (ip < 0)
			pb_die("no pseudo header", "L4 header outside IP");
		if (p->hdr[ip].kind == PB_IPV4)
			sum = pb_csum_add(p->data + p->hdr[ip].off + 12, 8, 0);
		else
			sum = pb_csum_add(p->data + p->hdr[ip].off + 8, 32, 0);
		sum += proto + (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
	}
	pb_put16(p, h->off + csum_at, 0);
	c = pb_csum(p->data + h->off, len, sum);
	if (h->kind == PB_UDP && c == 0)
		c = 0xffff;
	pb_put16(p, h->off + csum_at, c);
}

size_t pb_finish(struct pkt *p)
{
	for (int i = p->nhdr - 1; i >= 0; i--) {
		const struct pb_hdr *h = &p->hdr[i];
		size_t rest = p->len - h->off;

		switch (h->kind) {
		case PB_IPV4:
			pb_put16(p, h->off + 2, (uint16_t)rest);
			pb_put16(p, h->off + 10, 0);
			pb_put16(p, h->off + 10, pb_csum(p->data + h->off, h->len, 0));
			break;
		case PB_IPV6:
			pb_put16(p, h->off + 4, (uint16_t)(rest - 40));
			break;
		case PB_UDP:
			pb_put16(p, h->off + 4, (uint16_t)rest);
			pb_fix_l4_csum(p, i);
			break;
		case PB_TCP:
		case PB_ICMP:
		case PB_ICMP6:
			pb_fix_l4_csum(p, i);
			break;
		case PB_GRE:
			if (p->data[h->off] & 0x80) {
				pb_put16(p, h->off + 4, 0);
				pb_put16(p, h->off + 4, pb_csum(p->data + h->off, rest, 0));
			}
			break;
		default:
			break;
		}
	}
	p->link_off = -1;
	return p->len;
}

const struct pb_hdr *pb_find(const struct pkt *p, enum pb_kind kind, int n)
{
	for (int i = 0; i < p->nhdr; i++)
		if (p->hdr[i].kind == kind && n-- == 0)
			return &p->hdr[i];
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ref_proxy.c - see ref_proxy.h. */
#include "ref_proxy.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "pktbuild.h"

const char *const world_subnets[] = {
	"10.1.0.0/16", "192.0.2.0/24", "2001:db8:1::/48", "2001:db8:abcd:12::/64",
};
const int n_world_subnets = sizeof(world_subnets) / sizeof(world_subnets[0]);
const char *const world_customers[] = {
	"10.1.2.5", "192.0.2.99", "2001:db8:1::5", "2001:db8:abcd:12::1",
};
const int n_world_customers = sizeof(world_customers) / sizeof(world_customers[0]);
/* Proxy addresses (keg_proxies): answered whoever asks; two in no prefix,
 * two inside a proxied prefix. */
const char *const world_proxies[] = { "198.51.100.77", "2001:db8:77::7", "10.1.77.7",
				      "2001:db8:1::77" };
const int n_world_proxies = sizeof(world_proxies) / sizeof(world_proxies[0]);

void world_load(struct keg_env *e)
{
	for (int i = 0; i < n_world_subnets; i++)
		keg_env_add_subnet(e, world_subnets[i]);
	for (int i = 0; i < n_world_customers; i++)
		keg_env_add_customer(e, world_customers[i]);
	for (int i = 0; i < n_world_proxies; i++)
		keg_env_add_proxy(e, world_proxies[i]);
}

/* ---- the world as plain data -------------------------------------------- */

struct prefix {
	int family;
	uint8_t addr[16];
	int plen;
};

static struct prefix subnets[16];
static uint8_t cust4[16][4], cust6[16][16], px4[4][4], px6[4][16];
static int nsub, ncust4, ncust6, npx4, npx6;
static uint8_t mac[6];

static void world_init(void)
{
	static bool done;
	char buf[64];

	if (done)
		return;
	done = true;
	for (int i = 0; i < n_world_subnets; i++) {
		const char *s = world_subnets[i], *slash = strchr(s, '/');
		struct prefix *p = &subnets[nsub++];

		memcpy(buf, s, (size_t)(slash - s));
		buf[slash - s] = '\0';
		p->plen = atoi(slash + 1);
		p->family = strchr(buf, ':') ? 6 : 4;
		inet_pton(p->family == 6 ? AF_INET6 : AF_INET, buf, p->addr);
	}
	for (int i = 0; i < n_world_customers; i++) {
		const char *s = world_customers[i];

		if (strchr(s, ':'))
			inet_pton(AF_INET6, s, cust6[ncust6++]);
		else
			inet_pton(AF_INET, s, cust4[ncust4++]);
	}
	for (int i = 0; i < n_world_proxies; i++) {
		const char *s = world_proxies[i];

		if (strchr(s, ':'))
			inet_pton(AF_INET6, s, px6[npx6++]);
		else
			inet_pton(AF_INET, s, px4[npx4++]);
	}
	pb_mac(WORLD_MAC, mac);
}

static bool in_subnets(int family, const uint8_t *a)
{
	for (int i = 0; i < nsub; i++) {
		const struct prefix *p = &subnets[i];
		int full = p->plen / 8, rest = p->plen % 8;

		if (p->family != family || memcmp(a, p->addr, (size_t)full))
			continue;
		if (rest && ((a[full] ^ p->addr[full]) & (0xff00 >> rest) & 0xff))
			continue;
		return true;
	}
	return false;
}

static bool is_customer(int family, const uint8_t *a)
{
	for (int i = 0; family == 4 && i < ncust4; i++)
		if (!memcmp(a, cust4[i], 4))
			return true;
	for (int i = 0; family == 6 && i < ncust6; i++)
		if (!memcmp(a, cust6[i], 16))
			return true;
	return false;
}

static bool is_proxy(int family, const uint8_t *a)
{
	for (int i = 0; family == 4 && i < npx4; i++)
		if (!memcmp(a, px4[i], 4))
			return true;
	for (int i = 0; family == 6 && i < npx6; i++)
		if (!memcmp(a, px6[i], 16))
			return true;
	return false;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

#define PASS(reason) do { if (why) *why = (reason); return XDP_PASS; } while (0)

/* ---- ARP (RFC 826; keg answers Ethernet/IPv4 requests only) -------------- */

static uint32_t ref_arp(const uint8_t *f, size_t len, size_t l3, uint32_t flags,
			uint8_t *out, size_t *out_len, const char **why)
{
	const uint8_t *a = f + l3;
	uint8_t *r;

	if (len < l3 + 28)
		PASS("ARP truncated");
	if (get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
		PASS("ARP not Ethernet/IPv4");
	if (get16(a + 6) != 1)
		PASS("ARP not a request");
	if (!(flags & KEG_CFG_PROXY_ARP))
		PASS("proxy-ARP off");
	if (!memcmp(a + 14, a + 24, 4))
		PASS("gratuitous ARP");
	/* A proxy address is answered whoever asks (never a customer). */
	if (!is_proxy(4, a + 24)) {
		if (!in_subnets(4, a + 24))
			PASS("ARP target not proxied");
		if (!all_zero(a + 14, 4) && !in_subnets(4, a + 14))
			PASS("ARP sender outside");
		if (is_customer(4, a + 24))
			PASS("ARP target assigned");
	}
	memcpy(out, f, len);
	r = out + l3;
	memcpy(out, f + 6, 6);		/* to the requester's Ethernet source */
	memcpy(out + 6, mac, 6);
	r[7] = 2;			/* op: reply */
	memcpy(r + 8, mac, 6);		/* sha */
	memcpy(r + 14, a + 24, 4);	/* spa = the requested address */
	memcpy(r + 18, a + 8, 6);	/* tha = requester's sha */
	memcpy(r + 24, a + 14, 4);	/* tpa = requester's spa */
	*out_len = len;
	return XDP_TX;
}

/* ---- Neighbor Solicitation (RFC 4861 7.1.1, 7.2.4, 7.2.8) --------------- */

static uint32_t icmp6_sum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg,
			  size_t n)
{
	uint32_t sum = pb_csum_add(src, 16, 0);

	sum = pb_csum_add(dst, 16, sum);
	sum += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + 58;
	return pb_csum_add(msg, n, sum);
}

static bool csum_ok(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static uint32_t ref_ns(const uint8_t *f, size_t len, size_t l3, uint32_t flags,
		       uint8_t *out, size_t *out_len, const char **why)
{
	static const uint8_t solicited_node[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
						    0, 0, 0, 1, 0xff };
	const uint8_t *ip = f + l3, *ns = ip + 40, *src = ip + 8, *dst = ip + 24;
	const uint8_t *target = ns + 8;
	size_t plen, o;
	bool dad, sll = false;
	uint8_t *r, *m;
	uint32_t sum;

	if (len < l3 + 40 || ip[0] >> 4 != 6 || ip[6] != 58)
		PASS("not ICMPv6 right behind IPv6");
	if (len < l3 + 48 || ns[0] != 135)
		PASS("not an NS");
	if (!(flags & KEG_CFG_PROXY_NDP))
		PASS("proxy-NDP off");
	if (ip[7] != 255)
		PASS("NS hop limit");
	plen = get16(ip + 4);
	if (ns[1] != 0 || plen < 24 || plen % 8 || plen > REF_NS_MAX_LEN ||
	    l3 + 40 + plen > len)
		PASS("NS malformed");
	if (target[0] == 0xff)
		PASS("NS target multicast");
	if (!csum_ok(icmp6_sum(src, dst, ns, plen)))
		PASS("NS checksum");
	/* RFC 4861 7.1.1: every option has a length > 0 (and fits the
	 * message); a DAD NS goes to a solicited-node address and carries no
	 * source link-layer address. */
	for (o = 24; o < plen; o += ns[o + 1] * 8u) {
		if (o + 2 > plen || ns[o + 1] == 0 || o + ns[o + 1] * 8u > plen)
			PASS("NS option malformed");
		if (ns[o] == 1)
			sll = true;
	}
	dad = all_zero(src, 16);
	if (dad && (memcmp(dst, solicited_node, 13) || sll))
		PASS("DAD NS not to the solicited-node address, or with SLLAO");
	if (!is_proxy(6, target)) {
		if (!in_subnets(6, target))
			PASS("NS target not proxied");
		if (!dad && !(src[0] == 0xfe && (src[1] & 0xc0) == 0x80) &&
		    !in_subnets(6, src))
			PASS("NS sender outside");
		if (is_customer(6, target))
			PASS("NS target assigned");
	}
	/* Neighbor Advertisement: L2 as received (tags kept), then 40 + 32. */
	memcpy(out, f, l3);
	if (dad) {
		static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };

		memcpy(out, all_nodes_mac, 6);
	} else {
		memcpy(out, f + 6, 6);
	}
	memcpy(out + 6, mac, 6);
	r = out + l3;
	memset(r, 0, 40 + 32);
	r[0] = 0x60;
	r[5] = 32;
	r[6] = 58;
	r[7] = 255;
	memcpy(r + 8, target, 16);
	if (dad) {
		r[24] = 0xff;
		r[25] = 0x02;
		r[39] = 0x01;
	} else {
		memcpy(r + 24, src, 16);
	}
	m = r + 40;
	m[0] = 136;
	m[4] = dad ? 0 : 0x40;		/* R=0, S, O=0 */
	memcpy(m + 8, target, 16);
	m[24] = 2;			/* Target Link-Layer Address */
	m[25] = 1;
	memcpy(m + 26, mac, 6);
	sum = icmp6_sum(r + 8, r + 24, m, 32);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	m[2] = (uint8_t)(~sum >> 8);
	m[3] = (uint8_t)~sum;
	*out_len = l3 + 40 + 32;
	return XDP_TX;
}

uint32_t ref_proxy(const uint8_t *f, size_t len, uint32_t flags, uint8_t *out,
		   size_t *out_len, const char **why)
{
	size_t l3 = 14;
	uint16_t type;
	int tags = 0;

	world_init();
	if (why)
		*why = "";
	if (len < 14)
		PASS("runt");
	type = get16(f + 12);
	while (type == 0x8100 || type == 0x88a8) {
		if (++tags > 2)
			PASS("three VLAN tags");
		if (len < l3 + 4)
			PASS("VLAN tag truncated");
		type = get16(f + l3 + 2);
		l3 += 4;
	}
	if (type == 0x0806)
		return ref_arp(f, len, l3, flags, out, out_len, why);
	if (type == 0x86DD)
		return ref_ns(f, len, l3, flags, out, out_len, why);
	PASS("neither ARP nor IPv6");
}

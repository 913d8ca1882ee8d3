// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pktio.c - AF_PACKET rings for wanem (see pktio.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pktio.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

static int setopt(int fd, int level, int name, const void *v, socklen_t len)
{
	return setsockopt(fd, level, name, v, len) ? -errno : 0;
}

static unsigned int align_up(unsigned int v, unsigned int a)
{
	return (v + a - 1) / a * a;
}

static int ring_v2(struct wan_rx *rx, const struct wan_rx_opts *o,
		   struct tpacket_req3 *req)
{
	unsigned int fsz = align_up(TPACKET_ALIGN(TPACKET2_HDRLEN) + 16 +
				    o->frame_max, TPACKET_ALIGNMENT);
	unsigned int bsz = 1u << 16;

	while (bsz < fsz)
		bsz <<= 1;
	req->tp_block_size = bsz;
	req->tp_block_nr = (unsigned int)(o->ring_bytes / bsz);
	if (!req->tp_block_nr)
		req->tp_block_nr = 1;
	req->tp_frame_size = fsz;
	req->tp_frame_nr = (bsz / fsz) * req->tp_block_nr;
	rx->nr = req->tp_frame_nr;
	rx->sz = fsz;
	rx->block_sz = bsz;
	rx->per_block = bsz / fsz;
	return setopt(rx->fd, SOL_PACKET, PACKET_RX_RING, req,
		      sizeof(struct tpacket_req));
}

static int ring_v3(struct wan_rx *rx, const struct wan_rx_opts *o,
		   struct tpacket_req3 *req)
{
	unsigned int fsz = align_up(TPACKET_ALIGN(TPACKET3_HDRLEN) + 16 +
				    o->frame_max, TPACKET_ALIGNMENT);
	unsigned int bsz = o->block_bytes;

	while (bsz < 2 * fsz)
		bsz <<= 1;
	req->tp_block_size = bsz;
	req->tp_block_nr = (unsigned int)(o->ring_bytes / bsz);
	if (req->tp_block_nr < 2)
		req->tp_block_nr = 2;
	/* For V3, tp_frame_size is the largest frame copied whole. */
	req->tp_frame_size = fsz;
	req->tp_frame_nr = (bsz / fsz) * req->tp_block_nr;
	req->tp_retire_blk_tov = o->tov_ms;
	req->tp_sizeof_priv = 0;
	req->tp_feature_req_word = 0;
	rx->nr = req->tp_block_nr;
	rx->sz = bsz;
	return setopt(rx->fd, SOL_PACKET, PACKET_RX_RING, req, sizeof(*req));
}

int wan_rx_open(struct wan_rx *rx, int ifindex, const struct wan_rx_opts *o)
{
	struct tpacket_req3 req = { 0 };
	struct packet_mreq mr = { .mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int ver = o->version == 2 ? TPACKET_V2 : TPACKET_V3, one = 1, err;

	*rx = (struct wan_rx){ .fd = -1, .version = o->version };
	/* Protocol 0: nothing arrives until bind() below, after the ring. */
	rx->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (rx->fd < 0)
		return -errno;
	err = setopt(rx->fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver));
	if (!err)
		err = o->version == 2 ? ring_v2(rx, o, &req) : ring_v3(rx, o, &req);
	if (err)
		goto fail;
	rx->map_len = (size_t)req.tp_block_size * req.tp_block_nr;
	rx->map = mmap(NULL, rx->map_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_LOCKED | MAP_POPULATE, rx->fd, 0);
	if (rx->map == MAP_FAILED) {
		/* MAP_LOCKED can fail under RLIMIT_MEMLOCK; fine without it. */
		rx->map = mmap(NULL, rx->map_len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_POPULATE, rx->fd, 0);
		if (rx->map == MAP_FAILED) {
			err = -errno;
			rx->map = NULL;
			goto fail;
		}
	}
	err = setopt(rx->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (!err)
		err = setopt(rx->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	if (err)
		goto fail;
	if (bind(rx->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		goto fail;
	}
	return 0;
fail:
	wan_rx_close(rx);
	return err;
}

/* V2 frames never straddle blocks: a block may end in unused bytes. */
static struct tpacket2_hdr *frame_v2(const struct wan_rx *rx, unsigned int i)
{
	return (void *)(rx->map + (size_t)(i / rx->per_block) * rx->block_sz +
			(size_t)(i % rx->per_block) * rx->sz);
}

static bool next_v2(struct wan_rx *rx, struct wan_rx_frame *f)
{
	struct tpacket2_hdr *h = frame_v2(rx, rx->cur);
	uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

	if (!(st & TP_STATUS_USER))
		return false;
	f->data = (uint8_t *)h + h->tp_mac;
	f->len = h->tp_len;
	f->snaplen = h->tp_snaplen;
	f->status = st;
	f->ts_ns = (uint64_t)h->tp_sec * 1000000000ULL + h->tp_nsec;
	f->vlan_tci = h->tp_vlan_tci;
	f->vlan_tpid = h->tp_vlan_tpid;
	rx->held = true;
	return true;
}

static bool next_v3(struct wan_rx *rx, struct wan_rx_frame *f)
{
	struct tpacket_block_desc *bd = (void *)(rx->map + (size_t)rx->cur * rx->sz);
	struct tpacket3_hdr *h;

	while (!rx->held) {
		uint32_t st = __atomic_load_n(&bd->hdr.bh1.block_status,
					      __ATOMIC_ACQUIRE);

		if (!(st & TP_STATUS_USER))
			return false;
		rx->left = bd->hdr.bh1.num_pkts;
		rx->pkt = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
		rx->held = true;
		if (!rx->left) {	/* an empty block: hand it straight back */
			wan_rx_release(rx);
			bd = (void *)(rx->map + (size_t)rx->cur * rx->sz);
		}
	}
	h = (void *)rx->pkt;
	f->data = rx->pkt + h->tp_mac;
	f->len = h->tp_len;
	f->snaplen = h->tp_snaplen;
	f->status = h->tp_status;
	f->ts_ns = (uint64_t)h->tp_sec * 1000000000ULL + h->tp_nsec;
	f->vlan_tci = h->hv1.tp_vlan_tci;
	f->vlan_tpid = h->hv1.tp_vlan_tpid;
	rx->pkt += h->tp_next_offset;
	rx->left--;
	return true;
}

bool wan_rx_next(struct wan_rx *rx, struct wan_rx_frame *f)
{
	if (rx->version == 2) {
		if (rx->held)
			wan_rx_release(rx);
		return next_v2(rx, f);
	}
	if (rx->held && !rx->left)
		wan_rx_release(rx);
	return next_v3(rx, f);
}

void wan_rx_release(struct wan_rx *rx)
{
	if (!rx->held)
		return;
	if (rx->version == 2) {
		struct tpacket2_hdr *h = frame_v2(rx, rx->cur);

		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	} else {
		struct tpacket_block_desc *bd = (void *)(rx->map +
							 (size_t)rx->cur * rx->sz);

		if (rx->left)	/* frames of this block still to hand out */
			return;
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
	}
	rx->held = false;
	rx->cur = (rx->cur + 1) % rx->nr;
}

int wan_rx_ring_drops(struct wan_rx *rx, uint64_t *drops)
{
	union {
		struct tpacket_stats v2;
		struct tpacket_stats_v3 v3;
	} st;
	socklen_t len = rx->version == 2 ? sizeof(st.v2) : sizeof(st.v3);

	if (getsockopt(rx->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		return -errno;
	*drops = rx->version == 2 ? st.v2.tp_drops : st.v3.tp_drops;
	return 0;
}

void wan_rx_close(struct wan_rx *rx)
{
	if (rx->map)
		munmap(rx->map, rx->map_len);
	if (rx->fd >= 0)
		close(rx->fd);
	rx->map = NULL;
	rx->fd = -1;
}

int wan_tx_open(int ifindex, int *fd)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
	};
	int one = 1, sndbuf = 4 << 20, err;

	*fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	/* Straight to the driver: wanem is the queue. */
	err = setopt(*fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	if (!err && setopt(*fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		err = setopt(*fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (!err && bind(*fd, (struct sockaddr *)&sll, sizeof(sll)))
		err = -errno;
	if (err) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

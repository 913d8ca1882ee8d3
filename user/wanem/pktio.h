/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pktio.h - AF_PACKET receive ring (TPACKET_V2 or TPACKET_V3) and transmit
 * socket for one interface.
 *
 * Receive: wan_rx_next() hands out the next frame the kernel has put in the
 * ring, or false when none is ready; the caller copies what it needs and calls
 * wan_rx_release() before the next wan_rx_next() or poll(). Frames this host
 * sends on the interface are not seen (PACKET_IGNORE_OUTGOING), the interface
 * is put in promiscuous mode for as long as the socket is open, and every
 * frame carries the kernel's receive time stamp (CLOCK_REALTIME).
 *
 * TPACKET_V2 wakes the reader for every frame; TPACKET_V3 wakes it per block,
 * when the block is full or its retire timer (tov_ms) fires, so at low rates
 * a frame can wait up to tov_ms (rounded up to a jiffy) before it is seen.
 * wanem schedules by the kernel time stamp, so that wait is absorbed by the
 * configured delay when the delay is longer.
 *
 * Transmit: a raw socket bound to the interface, bypassing the qdisc.
 * All functions return 0 or a negative errno.
 */
#ifndef WANEM_PKTIO_H
#define WANEM_PKTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wan_rx_opts {
	int version;		/* 2 or 3 */
	size_t ring_bytes;	/* total ring size */
	unsigned int frame_max;	/* largest frame to capture whole, bytes */
	unsigned int block_bytes; /* V3 block size (power of two pages) */
	unsigned int tov_ms;	/* V3 block retire timeout */
};

struct wan_rx_frame {
	uint8_t *data;		/* from the destination MAC */
	uint32_t len;		/* length on the wire (without a stripped tag) */
	uint32_t snaplen;	/* bytes present at data */
	uint32_t status;	/* TP_STATUS_* */
	uint64_t ts_ns;		/* CLOCK_REALTIME receive time, 0 if none */
	uint16_t vlan_tci;	/* valid if status & TP_STATUS_VLAN_VALID */
	uint16_t vlan_tpid;	/* valid if status & TP_STATUS_VLAN_TPID_VALID */
};

struct wan_rx {
	int fd;
	int version;
	uint8_t *map;
	size_t map_len;
	unsigned int nr;	/* frames (V2) or blocks (V3) */
	unsigned int sz;	/* frame size (V2) or block size (V3) */
	unsigned int cur;	/* current frame (V2) or block (V3) */
	unsigned int block_sz;	/* V2: block size */
	unsigned int per_block;	/* V2: frames per block */
	uint32_t left;		/* V3: frames not yet handed out in cur */
	uint8_t *pkt;		/* V3: next frame header in cur */
	bool held;		/* a frame/block is handed out, not released */
};

int wan_rx_open(struct wan_rx *rx, int ifindex, const struct wan_rx_opts *o);
bool wan_rx_next(struct wan_rx *rx, struct wan_rx_frame *f);
void wan_rx_release(struct wan_rx *rx);
/* Frames the kernel dropped because the ring was full, since the last call. */
int wan_rx_ring_drops(struct wan_rx *rx, uint64_t *drops);
void wan_rx_close(struct wan_rx *rx);

int wan_tx_open(int ifindex, int *fd);

#endif /* WANEM_PKTIO_H */

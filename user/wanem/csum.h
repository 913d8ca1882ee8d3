/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * csum.h - complete the TCP/UDP checksum of a frame whose sender left it to
 * "hardware" (CHECKSUM_PARTIAL: AF_PACKET flags it TP_STATUS_CSUMNOTREADY).
 *
 * A locally generated frame leaving a veth with tx-checksumming on carries
 * only the pseudo-header sum; sent again as raw bytes it would be dropped by
 * the receiver as corrupt. The lab turns tx-checksumming off, and wanem
 * repairs what still arrives this way.
 */
#ifndef WANEM_CSUM_H
#define WANEM_CSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Recompute the L4 checksum of an Ethernet frame (IPv4 or IPv6, optionally
 * behind 802.1Q/802.1ad tags, TCP or UDP, not a fragment) in place.
 * Returns 0 if fixed, -ENOENT if the frame is not one of those, -EINVAL if
 * its headers do not fit in len.
 */
int wan_csum_complete(uint8_t *frame, size_t len);

#endif /* WANEM_CSUM_H */

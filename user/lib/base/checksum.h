/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * checksum.h - the Internet checksum (RFC 1071) for userspace packet code:
 * kegd adjusts the IPv4 header checksum when it decrements the TTL, the
 * WAN emulator completes TCP/UDP checksums left to "hardware".
 *
 * keg_csum_add() sums 16-bit words read big-endian, so the folded result
 * is in host order; keg_csum_replace16() works on the values as stored in
 * the packet (either order, as long as all three agree).
 */
#ifndef KEG_CHECKSUM_H
#define KEG_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's complement sum of buf (big-endian words, an odd last byte padded
 * with zero) added to sum; not folded, not inverted. */
uint32_t keg_csum_add(uint32_t sum, const void *buf, size_t len);

/* Fold a 32-bit sum to 16 bits; not inverted. */
uint16_t keg_csum_fold(uint32_t sum);

/* RFC 1624 eqn. 3: the checksum csum after one 16-bit word of what it
 * covers changed from old to new: HC' = ~(~HC + ~m + m'). */
uint16_t keg_csum_replace16(uint16_t csum, uint16_t old, uint16_t new);

/*
 * A TCP or UDP checksum left to "hardware": a sender with checksum offload
 * (veth, virtio) stores only the folded pseudo-header sum in the checksum
 * field and leaves the rest to the device. Frames that XDP hands to an
 * AF_XDP socket lose the kernel's note of that, so kegd completes such a
 * checksum itself before the frame leaves again.
 *
 * l3 points at an IPv4 or IPv6 header (version from its first nibble) and
 * len bytes follow it in the buffer. Only a field holding exactly the
 * partial form is summed and completed (kegd calls this per frame: other
 * frames cost the pseudo-header sum only). A checksum that already
 * verifies, one that is neither valid nor the partial form (corruption
 * stays visible to the receiver), a fragment, an IPv6 packet with extension headers, a UDP
 * checksum of zero (none, IPv4) and anything truncated are left alone.
 * Returns 1 when it completed the checksum, 0 when it left the packet as
 * it was.
 */
int keg_l4_csum_complete(uint8_t *l3, size_t len);

#endif /* KEG_CHECKSUM_H */

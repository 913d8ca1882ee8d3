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

#endif /* KEG_CHECKSUM_H */

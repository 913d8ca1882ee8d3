/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iface.h - facts about network interfaces and the caller's network
 * namespace. Everything is looked up in the namespace the process runs in
 * (`nsenter --net=/run/netns/NAME kegctl ...` works on that namespace).
 */
#ifndef KEG_IFACE_H
#define KEG_IFACE_H

#include <stdbool.h>
#include <stdint.h>

/* Pure: acceptable as a Linux interface name, as the kernel's
 * dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or space. */
bool keg_ifname_valid(const char *name);

/* ifindex of name (> 0), or -ENODEV. */
int keg_if_index(const char *name);

/* Ethernet address of name into mac[6]: 0, -ENODEV, or -EINVAL when it is
 * not an Ethernet-like device. */
int keg_if_mac(const char *name, uint8_t mac[6]);

/* Cookie of the caller's network namespace (SO_NETNS_COOKIE, unique for
 * the life of the system): 0 and *cookie set, or a negative errno. */
int keg_netns_cookie(uint64_t *cookie);

#endif /* KEG_IFACE_H */

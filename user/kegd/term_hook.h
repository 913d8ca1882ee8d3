/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * term_hook.h - keg_tc_term on one interface kegd serves (headers/keg_term.h):
 * loaded from keg_term.bpf.o with its maps pinned in the interface's keg
 * directory (a restarted kegd finds them again), attached to clsact ingress
 * at KEG_TERM_TC_HANDLE / KEG_TERM_TC_PRIO, and taken off at stop. Without
 * kegd the filter may stay (kill -9): its listener slots are then empty
 * and it passes every segment.
 */
#ifndef KEGD_TERM_HOOK_H
#define KEGD_TERM_HOOK_H

#include <stdbool.h>

#include "keg_proxy.h"
#include "keg_term.h"

struct keg_term;

struct kegd_term_hook {
	struct keg_term *skel;
	int ifindex;
	bool attached;
	int proxies;            /* the interface's keg_proxies, or -1 */
};

/* Load, pin, attach. -errno; nothing is left attached on failure. */
int  kegd_term_hook_open(struct kegd_term_hook *h, const char *ifname, int ifindex);
void kegd_term_hook_close(struct kegd_term_hook *h);

/* Put kegd's listener of a family (KEG_TERM_SOCK_*) into keg_term_socks. */
int  kegd_term_hook_listen(struct kegd_term_hook *h, unsigned int idx, int fd);

/* Put kegd's receiver of a proxy's UDP (KEG_TERM_SOCK_*) into keg_term_usocks. */
int  kegd_term_hook_ulisten(struct kegd_term_hook *h, unsigned int idx, int fd);

/* The SYN keg_tc_term saw for this connection: 0 with *syn, -ENOENT. */
int  kegd_term_hook_syn(struct kegd_term_hook *h, const struct keg_term_key *k,
			struct keg_term_syn *syn);

/* The proxy address k of this interface (keg_proxy.h): 0 with *p, -ENOENT. */
int  kegd_term_hook_proxy(struct kegd_term_hook *h, const struct keg_proxy_key *k,
			  struct keg_proxy *p);

#endif /* KEGD_TERM_HOOK_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * golden.h - golden packets covering every parse path, each with the
 * keg_parse_result the parser must produce for it.
 *
 * Used by the parser tests (every field), the truncation tests (every
 * prefix of every golden through keg_xdp) and the fuzzer (mutation seeds).
 */
#ifndef KEG_TEST_GOLDEN_H
#define KEG_TEST_GOLDEN_H

#include <stdint.h>

#include "keg_parse_result.h"
#include "pktbuild.h"

/* Addresses the goldens use. */
#define MAC_HOST   "02:00:00:00:00:0a"
#define MAC_ROUTER "02:00:00:00:00:0b"
#define MAC_INNER1 "02:00:00:00:01:01"
#define MAC_INNER2 "02:00:00:00:01:02"

struct golden {
	const char *name;
	/*
	 * Builds the frame into an initialised pkt (finished) and fills the
	 * expected result (zeroed by the caller; when depth is 0 and inner is
	 * left zero, inner is taken to equal outer). Returns how many of the
	 * recorded headers the parser has to read (0: all but payload); a
	 * truncation inside any of them must report that header's err_trunc.
	 */
	int (*build)(struct pkt *p, struct keg_parse_result *want);
};

extern const struct golden goldens[];
extern const int n_goldens;

/* Build golden g; *nreq gets the number of headers the parser reads. */
void golden_build(const struct golden *g, struct pkt *p,
		  struct keg_parse_result *want, int *nreq);

/* The err_trunc_* index a header kind reports when cut, or 0. */
uint32_t trunc_error_of(enum pb_kind kind);

/* Expected parse error of the golden's first len bytes. */
uint32_t golden_error_at(const struct pkt *p, int nreq,
			 const struct keg_parse_result *want, size_t len);

#endif /* KEG_TEST_GOLDEN_H */

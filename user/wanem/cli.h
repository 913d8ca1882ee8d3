/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - wanem's command line. */
#ifndef WAN_CLI_H
#define WAN_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "pktio.h"

#define WANEM_VERSION	"1.0"
#define NSEC		1000000000ULL
#define DEFAULT_POOL	65536	/* frame slots per direction */

/* What the command line says beyond the two directions' link models. */
struct opts {
	const char *ifname[2];
	uint64_t seed;
	uint64_t stats_ns;
	uint64_t pool;
	struct wan_rx_opts ring;
	uint64_t rt_prio;
	bool quiet;
};

/* Parse argv into *o and the a->b (cfg[0]) and b->a (cfg[1]) models.
 * Returns 0, or a negative errno after printing the error; --help and
 * --version print and exit(0). */
int wan_parse_args(int argc, char **argv, struct opts *o,
		   struct wan_dir_cfg cfg[2]);

#endif /* WAN_CLI_H */

// SPDX-License-Identifier: GPL-2.0
/* cli.c - wanem's command line: one table of per-direction options (each as
 * NAME, a2b-NAME and b2a-NAME) and the global ones; see cli.h. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "cli.h"
#include "model.h"
#include "parse.h"
#include "pktio.h"
enum val_kind { V_TIME, V_PERCENT, V_RATE, V_BUFFER, V_GE, V_JDIST, V_BYTES,
		V_BOOL };

/* The per-direction options; each exists as NAME, a2b-NAME and b2a-NAME. */
static const struct dir_opt {
	const char *name;
	enum val_kind kind;
	size_t off;		/* into struct wan_dir_cfg, unless special */
	const char *arg;
	const char *help;
} dir_opts[] = {
	{ "delay", V_TIME, offsetof(struct wan_dir_cfg, delay_ns), "TIME",
	  "one-way delay (plain number: ms)" },
	{ "jitter", V_TIME, offsetof(struct wan_dir_cfg, jitter_ns), "TIME",
	  "delay variation; does not reorder" },
	{ "jitter-dist", V_JDIST, 0, "uniform|normal",
	  "jitter distribution (default uniform in +-jitter)" },
	{ "jitter-reorder", V_BOOL, offsetof(struct wan_dir_cfg, jitter_reorder),
	  "on|off", "let jitter reorder frames (default off)" },
	{ "loss", V_PERCENT, offsetof(struct wan_dir_cfg, loss), "PCT",
	  "random (Bernoulli) loss" },
	{ "ge", V_GE, 0, "P,R[,H[,K]]",
	  "Gilbert-Elliott burst loss, percents: P good->bad, R bad->good,\n"
	  "                                H delivered in bad (0), K delivered in good (100)" },
	{ "reorder", V_PERCENT, offsetof(struct wan_dir_cfg, reorder), "PCT",
	  "fraction of frames held back by --reorder-delay" },
	{ "reorder-delay", V_TIME, offsetof(struct wan_dir_cfg, reorder_delay_ns),
	  "TIME", "extra delay of reordered frames" },
	{ "dup", V_PERCENT, offsetof(struct wan_dir_cfg, dup), "PCT",
	  "duplicated frames" },
	{ "rate", V_RATE, offsetof(struct wan_dir_cfg, rate_bps), "RATE",
	  "bottleneck rate, e.g. 100mbit, 1gbit, 12.5mbps (bytes/s)" },
	{ "buffer", V_BUFFER, 0, "SIZE|TIME",
	  "tail-drop buffer at the bottleneck, e.g. 256k or 50ms\n"
	  "                                (default 100ms at --rate)" },
	{ "overhead", V_BYTES, offsetof(struct wan_dir_cfg, overhead), "BYTES",
	  "bytes added per frame for --rate (24: preamble, FCS, gap)" },
};
#define N_DIR_OPTS (sizeof(dir_opts) / sizeof(dir_opts[0]))

enum {
	O_SEED = 256, O_STATS, O_POOL, O_RING, O_RING_SIZE, O_TOV, O_QUIET,
	O_RT_PRIO,
	O_DIR_BASE = 512,	/* + 3 * index + (0 both, 1 a2b, 2 b2a) */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: wanem --a IFACE --b IFACE [LINK OPTIONS] [OPTIONS]\n"
"Bridge two interfaces at layer 2 and emulate a WAN link between them.\n"
"Frames from --a leave on --b through the a2b link, and the reverse (b2a).\n"
"\n"
"Link options (both directions; --a2b-NAME / --b2a-NAME set one only):\n");
	for (size_t i = 0; i < N_DIR_OPTS; i++) {
		char left[48];

		snprintf(left, sizeof(left), "--%s %s", dir_opts[i].name,
			 dir_opts[i].arg);
		fprintf(f, "  %-30s%s\n", left, dir_opts[i].help);
	}
	fprintf(f,
"\n"
"Options:\n"
"  -a, --a IFACE                 first port\n"
"  -b, --b IFACE                 second port\n"
"  --seed N                      seed of the random draws (default 1)\n"
"  --stats-interval SEC          print counters every SEC seconds\n"
"  --pool N                      frame slots per direction (default %d)\n"
"  --ring v2|v3                  AF_PACKET ring version (default v2)\n"
"  --ring-size SIZE              receive ring per port (default 64m)\n"
"  --tov MS                      TPACKET_V3 block retire timeout (default 1)\n"
"  --rt-prio N                   run the data path SCHED_FIFO at priority N\n"
"                                (1-99; default 0: normal scheduling)\n"
"  -q, --quiet                   no start-up lines\n"
"  -h, --help                    this text\n"
"  -V, --version                 version\n"
"\n"
"Units: TIME 20ms|500us|1.5s|20 (ms); PCT 0.1 or 0.1%%; RATE bit/s with\n"
"k/m/g (SI) and bit or bps (bytes/s, as tc); SIZE bytes with k/m/g (1024).\n"
"The rate counts Ethernet frames without FCS (plus --overhead).\n"
"SIGTERM/SIGINT: stop and print a summary per direction; SIGUSR1: counters.\n",
		DEFAULT_POOL);
}

static int set_dir_value(struct wan_dir_cfg *c, const struct dir_opt *o,
			 const char *v)
{
	void *p = (char *)c + o->off;
	uint64_t u;
	bool is_time;
	int err;

	switch (o->kind) {
	case V_TIME:
		return wan_parse_time_ns(v, p);
	case V_PERCENT:
		return wan_parse_percent(v, p);
	case V_RATE:
		return wan_parse_rate_bps(v, p);
	case V_BYTES:
		err = wan_parse_u64(v, 65535, &u);
		if (!err)
			*(uint32_t *)p = (uint32_t)u;
		return err;
	case V_BUFFER:
		err = wan_parse_buffer(v, &u, &is_time);
		if (err)
			return err;
		c->buffer_ns = is_time ? u : 0;
		c->buffer_bytes = is_time ? 0 : u;
		return 0;
	case V_GE:
		err = wan_parse_ge(v, &c->ge);
		if (!err)
			c->ge_on = true;
		return err;
	case V_BOOL:
		if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "1"))
			*(bool *)p = true;
		else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0"))
			*(bool *)p = false;
		else
			return -EINVAL;
		return 0;
	case V_JDIST:
		if (!strcmp(v, "uniform"))
			c->jitter_dist = WAN_JITTER_UNIFORM;
		else if (!strcmp(v, "normal"))
			c->jitter_dist = WAN_JITTER_NORMAL;
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

static int bad_value(const char *opt, const char *v, int err, const char *what)
{
	pr_notice("--%s: %s '%s'%s%s (see --help)", opt,
		err == -ERANGE ? "value out of range" : "bad value", v,
		what ? ", expected " : "", what ? what : "");
	return -EINVAL;
}

/* Parse argv into opts and the two directions' configurations. */
int wan_parse_args(int argc, char **argv, struct opts *o,
		      struct wan_dir_cfg cfg[2])
{
	static struct option longopts[3 * N_DIR_OPTS + 16];
	static char names[3 * N_DIR_OPTS][32];
	static const struct option global[] = {
		{ "a", required_argument, NULL, 'a' },
		{ "b", required_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, O_SEED },
		{ "stats-interval", required_argument, NULL, O_STATS },
		{ "pool", required_argument, NULL, O_POOL },
		{ "ring", required_argument, NULL, O_RING },
		{ "ring-size", required_argument, NULL, O_RING_SIZE },
		{ "tov", required_argument, NULL, O_TOV },
		{ "rt-prio", required_argument, NULL, O_RT_PRIO },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
	};
	bool specific[2][N_DIR_OPTS] = { { false } };
	size_t n = 0;
	int c, err;

	for (size_t i = 0; i < N_DIR_OPTS; i++) {
		static const char *pfx[3] = { "", "a2b-", "b2a-" };

		for (int v = 0; v < 3; v++) {
			char *nm = names[3 * i + v];

			snprintf(nm, sizeof(names[0]), "%s%s", pfx[v], dir_opts[i].name);
			longopts[n++] = (struct option){ nm, required_argument, NULL,
							 O_DIR_BASE + (int)(3 * i) + v };
		}
	}
	memcpy(&longopts[n], global, sizeof(global));
	n += sizeof(global) / sizeof(global[0]);
	longopts[n] = (struct option){ 0 };

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":a:b:qhV", longopts, NULL)) != -1) {
		uint64_t u;

		switch (c) {
		case 'a':
		case 'b':
			o->ifname[c - 'a'] = optarg;
			break;
		case O_SEED:
			err = wan_parse_u64(optarg, UINT64_MAX, &o->seed);
			if (err)
				return bad_value("seed", optarg, err, "an integer");
			break;
		case O_STATS:
			/* Plain number: seconds here, unlike the link times. */
			err = wan_parse_u64(optarg, 86400, &u);
			if (!err)
				o->stats_ns = u * NSEC;
			else if (wan_parse_time_ns(optarg, &o->stats_ns) ||
				 o->stats_ns < 1000000)
				return bad_value("stats-interval", optarg, -EINVAL,
						 "seconds or a time >= 1ms");
			break;
		case O_POOL:
			err = wan_parse_u64(optarg, 1u << 24, &o->pool);
			if (err || o->pool < 64)
				return bad_value("pool", optarg, err ? err : -ERANGE,
						 "64..16777216 slots");
			break;
		case O_RING:
			if (!strcmp(optarg, "v2"))
				o->ring.version = 2;
			else if (!strcmp(optarg, "v3"))
				o->ring.version = 3;
			else
				return bad_value("ring", optarg, -EINVAL, "v2 or v3");
			break;
		case O_RING_SIZE:
			err = wan_parse_size(optarg, &u);
			if (err || u < (256u << 10) || u > (1ull << 30))
				return bad_value("ring-size", optarg, err ? err : -ERANGE,
						 "256k..1g");
			o->ring.ring_bytes = u;
			break;
		case O_TOV:
			err = wan_parse_u64(optarg, 1000, &u);
			if (err || !u)
				return bad_value("tov", optarg, err ? err : -ERANGE,
						 "1..1000 ms");
			o->ring.tov_ms = (unsigned int)u;
			break;
		case O_RT_PRIO:
			err = wan_parse_u64(optarg, 99, &o->rt_prio);
			if (err)
				return bad_value("rt-prio", optarg, err, "0..99");
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("wanem %s\n", WANEM_VERSION);
			exit(0);
		case ':':
			pr_notice("%s needs a value", argv[optind - 1]);
			return -EINVAL;
		case '?':
			pr_notice("unknown option '%s' (see --help)",
				argv[optind - 1]);
			return -EINVAL;
		default: {
			int idx = (c - O_DIR_BASE) / 3, v = (c - O_DIR_BASE) % 3;
			const struct dir_opt *d = &dir_opts[idx];

			for (int k = 0; k < 2; k++) {
				struct wan_dir_cfg tmp = cfg[k];

				if (v && v - 1 != k)
					continue;	/* the other direction */
				if (!v && specific[k][idx])
					continue;	/* a2b-/b2a- wins */
				err = set_dir_value(&tmp, d, optarg);
				if (err)
					return bad_value(names[c - O_DIR_BASE], optarg,
							 err, d->arg);
				cfg[k] = tmp;
				if (v)
					specific[k][idx] = true;
			}
		}
		}
	}
	if (optind < argc) {
		pr_notice("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!o->ifname[0] || !o->ifname[1]) {
		pr_notice("--a and --b are required (see --help)");
		return -EINVAL;
	}
	if (!strcmp(o->ifname[0], o->ifname[1])) {
		pr_notice("--a and --b must differ");
		return -EINVAL;
	}
	return 0;
}

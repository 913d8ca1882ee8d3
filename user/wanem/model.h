/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * model.h - the link model of one direction, pure and deterministic.
 *
 * wan_link_admit() is told "a frame of LEN bytes arrived at time T" and
 * answers with 0, 1 or 2 release times (dropped, passed, passed and
 * duplicated). Nothing here touches a socket or a clock, so the unit tests
 * drive it with synthetic arrivals and a fixed seed.
 *
 * Order of the stages, per frame, as on a real path:
 *   1. random loss: Bernoulli (--loss), then Gilbert-Elliott (--ge);
 *   2. duplication: the copy goes through stages 3-5 on its own;
 *   3. bottleneck: a FIFO served at --rate, tail-drop when the bytes queued
 *      (including the frame in service) plus this frame exceed the buffer;
 *   4. propagation: --delay plus --jitter; in-order frames are never released
 *      before an earlier in-order frame (jitter does not reorder, unless
 *      --jitter-reorder);
 *   5. reordering: a --reorder fraction gets --reorder-delay extra and is
 *      exempt from the in-order rule, so later frames overtake it.
 *
 * Times are nanoseconds on any monotonic clock.
 */
#ifndef WANEM_MODEL_H
#define WANEM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

/* xoshiro256** seeded through splitmix64: fast, and repeatable by --seed. */
struct wan_rng {
	uint64_t s[4];
};

void wan_rng_seed(struct wan_rng *r, uint64_t seed);
uint64_t wan_rng_next(struct wan_rng *r);
/* Uniform in [0, 1). */
double wan_rng_unit(struct wan_rng *r);
/* True with probability p (p <= 0: never draws, p >= 1: always). */
bool wan_rng_chance(struct wan_rng *r, double p);
/* Standard normal (Box-Muller). */
double wan_rng_normal(struct wan_rng *r);

enum wan_jitter_dist {
	WAN_JITTER_UNIFORM = 0,	/* uniform in [-jitter, +jitter] */
	WAN_JITTER_NORMAL,	/* normal, sigma = jitter, clipped at 3 sigma */
};

/* Configuration of one direction. */
struct wan_dir_cfg {
	uint64_t delay_ns;
	uint64_t jitter_ns;
	enum wan_jitter_dist jitter_dist;
	bool jitter_reorder;		/* let jitter reorder, as netem does */
	double loss;			/* Bernoulli loss probability */
	bool ge_on;
	struct wan_ge_params ge;
	double reorder;			/* probability */
	uint64_t reorder_delay_ns;
	double dup;			/* probability */
	uint64_t rate_bps;		/* 0: no bottleneck */
	uint64_t buffer_bytes;		/* tail-drop limit; used if rate_bps */
	uint64_t buffer_ns;		/* if set, buffer_bytes = rate * this */
	uint32_t overhead;		/* bytes added per frame for the rate */
};

/* Default tail-drop buffer when --rate is given without --buffer. */
#define WAN_DEFAULT_BUFFER_NS (100ULL * 1000000ULL)

/* What happened to the frames a link was offered. */
struct wan_link_stats {
	uint64_t offered;		/* frames offered to wan_link_admit */
	uint64_t lost_random;		/* Bernoulli loss */
	uint64_t lost_ge;		/* Gilbert-Elliott loss */
	uint64_t dropped_buffer;	/* tail drop at the bottleneck */
	uint64_t duplicated;		/* extra copies made */
	uint64_t reordered;		/* frames given the reorder delay */
};

struct wan_link {
	struct wan_dir_cfg cfg;
	struct wan_rng rng;
	bool ge_bad;
	uint64_t link_free;	/* when the bottleneck finishes its backlog */
	uint64_t fifo_last;	/* release time of the latest in-order frame */
	struct wan_link_stats st;
};

/*
 * Resolve derived settings (buffer from time to bytes, default buffer) and
 * seed the generator. Returns 0 or -EINVAL with a reason in *why.
 */
int wan_link_init(struct wan_link *l, const struct wan_dir_cfg *cfg,
		  uint64_t seed, const char **why);

/* Bytes the bottleneck holds at time t (0 without --rate). */
uint64_t wan_link_backlog(const struct wan_link *l, uint64_t t);

/*
 * Offer a frame of len bytes arriving at t_arr (non-decreasing from call to
 * call). Writes up to two release times to rel[] and returns how many.
 */
int wan_link_admit(struct wan_link *l, uint64_t t_arr, uint32_t len,
		   uint64_t rel[2]);

#endif /* WANEM_MODEL_H */

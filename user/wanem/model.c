// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * model.c - the link model of one direction (see model.h).
 */
#include <errno.h>
#include <math.h>

#include "model.h"

#define NSEC_PER_SEC 1000000000ULL

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void wan_rng_seed(struct wan_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t wan_rng_next(struct wan_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double wan_rng_unit(struct wan_rng *r)
{
	return (double)(wan_rng_next(r) >> 11) * 0x1.0p-53;
}

bool wan_rng_chance(struct wan_rng *r, double p)
{
	if (p <= 0.0)
		return false;
	if (p >= 1.0)
		return true;
	return wan_rng_unit(r) < p;
}

double wan_rng_normal(struct wan_rng *r)
{
	double u1 = 1.0 - wan_rng_unit(r);	/* (0, 1]: log() stays finite */
	double u2 = wan_rng_unit(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int wan_link_init(struct wan_link *l, const struct wan_dir_cfg *cfg,
		  uint64_t seed, const char **why)
{
	*l = (struct wan_link){ .cfg = *cfg };
	if (cfg->buffer_ns && !cfg->rate_bps) {
		*why = "a buffer in time needs a rate";
		return -EINVAL;
	}
	if (cfg->rate_bps) {
		uint64_t ns = cfg->buffer_ns;

		if (!ns && !cfg->buffer_bytes)
			ns = WAN_DEFAULT_BUFFER_NS;
		if (ns)	/* rate <= 1e12 and ns <= 3.6e12: use floating point */
			l->cfg.buffer_bytes = (uint64_t)((double)cfg->rate_bps / 8.0 *
							 (double)ns / 1e9);
	}
	if (cfg->reorder > 0.0 && !cfg->reorder_delay_ns) {
		*why = "--reorder needs --reorder-delay";
		return -EINVAL;
	}
	wan_rng_seed(&l->rng, seed);
	return 0;
}

uint64_t wan_link_backlog(const struct wan_link *l, uint64_t t)
{
	if (!l->cfg.rate_bps || l->link_free <= t)
		return 0;
	return (uint64_t)((double)(l->link_free - t) * (double)l->cfg.rate_bps /
			  8.0 / 1e9);
}

static bool lose(struct wan_link *l)
{
	if (wan_rng_chance(&l->rng, l->cfg.loss)) {
		l->st.lost_random++;
		return true;
	}
	if (l->cfg.ge_on) {
		const struct wan_ge_params *ge = &l->cfg.ge;
		bool lost;

		/* Loss by the state the frame finds, then the transition. */
		if (l->ge_bad) {
			lost = !wan_rng_chance(&l->rng, ge->h);
			if (wan_rng_chance(&l->rng, ge->r))
				l->ge_bad = false;
		} else {
			lost = !wan_rng_chance(&l->rng, ge->k);
			if (wan_rng_chance(&l->rng, ge->p))
				l->ge_bad = true;
		}
		if (lost) {
			l->st.lost_ge++;
			return true;
		}
	}
	return false;
}

static int64_t jitter_ns(struct wan_link *l)
{
	double j = (double)l->cfg.jitter_ns, v;

	if (l->cfg.jitter_dist == WAN_JITTER_NORMAL) {
		v = wan_rng_normal(&l->rng) * j;
		if (v > 3 * j)
			v = 3 * j;
		if (v < -3 * j)
			v = -3 * j;
	} else {
		v = (2.0 * wan_rng_unit(&l->rng) - 1.0) * j;
	}
	return (int64_t)llround(v);
}

/* Stages 3-5 for one copy. Returns false if the bottleneck dropped it. */
static bool pass(struct wan_link *l, uint64_t t, uint32_t len, uint64_t *rel)
{
	const struct wan_dir_cfg *c = &l->cfg;
	uint64_t depart = t, r;

	if (c->rate_bps) {
		uint64_t wire = (uint64_t)len + c->overhead;
		uint64_t start = l->link_free > t ? l->link_free : t;

		if (wan_link_backlog(l, t) + wire > c->buffer_bytes) {
			l->st.dropped_buffer++;
			return false;
		}
		/* Serialisation time, rounded up: never faster than the rate. */
		depart = start + (wire * 8 * NSEC_PER_SEC + c->rate_bps - 1) /
			 c->rate_bps;
		l->link_free = depart;
	}
	r = depart + c->delay_ns;
	if (c->jitter_ns) {
		int64_t j = jitter_ns(l);

		if (j < 0 && (uint64_t)-j > c->delay_ns)
			r = depart;	/* never before it left the bottleneck */
		else
			r = (uint64_t)((int64_t)r + j);
	}
	if (c->reorder > 0.0 && wan_rng_chance(&l->rng, c->reorder)) {
		l->st.reordered++;
		*rel = r + c->reorder_delay_ns;
		return true;
	}
	if (c->jitter_reorder) {
		*rel = r;
		return true;
	}
	if (r < l->fifo_last)
		r = l->fifo_last;
	l->fifo_last = r;
	*rel = r;
	return true;
}

int wan_link_admit(struct wan_link *l, uint64_t t_arr, uint32_t len,
		   uint64_t rel[2])
{
	int n = 0;
	bool dup;

	l->st.offered++;
	if (lose(l))
		return 0;
	dup = wan_rng_chance(&l->rng, l->cfg.dup);
	if (pass(l, t_arr, len, &rel[n]))
		n++;
	if (dup) {
		l->st.duplicated++;
		if (pass(l, t_arr, len, &rel[n]))
			n++;
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * main.c - wanem, a two-port layer-2 WAN emulator on AF_PACKET rings.
 *
 * Frames received on --a leave on --b after passing the a2b link model, and
 * the reverse for b2a. One thread per direction:
 *
 *   ppoll(rx ring, stop eventfd, timeout = next release)
 *     -> release every queued frame that is due (sendmmsg on the out port)
 *     -> drain the ring: stamp, model (model.h), copy into a slot, queue by
 *        release time (relq.h)
 *
 * Release times come from the kernel's receive time stamp, not from when the
 * thread got around to the frame, so ring wake-up latency and scheduling
 * noise are not added to the configured delay. SIGTERM/SIGINT stop it and
 * print a summary per direction; SIGUSR1 prints the counters so far.
 */
#define _GNU_SOURCE		/* sendmmsg, ppoll */
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "cli.h"
#include "csum.h"
#include "model.h"
#include "parse.h"
#include "pktio.h"
#include "relq.h"

#define BATCH		64	/* frames per sendmmsg() */
#define RX_BUDGET	256	/* frames taken from the ring between releases */
#define PUBLISH_NS	(50 * 1000000ULL)	/* counters shown to main */
#define IDLE_NS		(500 * 1000000ULL)	/* ppoll timeout, nothing queued */
#define BUSY_MAX_NS	(2 * 1000000ULL)	/* busy this long without sleeping, */
#define BUSY_REST_NS	200000L			/* rest this long */
#define TS_WINDOW_NS	NSEC	/* a kernel stamp older than this is not trusted */
#define TS_SLOP_NS	1000000ULL	/* nor one further ahead than this */
#define SLOT_MAX	(9216 + 64)
#define NO_SLOT		UINT32_MAX

enum { EXIT_USAGE = 2 };

/* Counters of one direction; the thread owns them, main sees a copy. */
struct dir_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t oversize, csum_fixed, pool_drops, ring_drops, tx_errors;
	uint64_t ts_fallback;
	uint64_t rests;			/* overload pauses (BUSY_REST_NS) */
	uint64_t late_sum_ns, late_max_ns, rxlag_sum_ns, rxlag_max_ns;
	uint64_t pending;
	struct wan_link_stats link;
};

struct dir {
	const char *name;		/* "a2b" or "b2a" */
	const char *in, *out;		/* interface names */
	int in_ifindex, out_ifindex;
	struct wan_rx rx;
	int txfd;
	struct wan_link link;
	struct wan_relq q;
	uint8_t *pool;			/* nslots * slot_sz bytes */
	uint32_t *lens;
	uint32_t *free;			/* stack of free slot numbers */
	uint32_t nfree, nslots, slot_sz;
	struct dir_stats st;
	pthread_mutex_t pub_lock;
	struct dir_stats pub;
	uint64_t pub_at;
	uint64_t ring_drops;		/* running total, main thread only */
	pthread_t thr;
	bool warned_oversize, warned_pool, warned_tx;
};

static int stop_efd = -1;
static int stopping;		/* read with __atomic_load_n */
static int thread_failed;

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return keg_timespec_ns(&ts);
}

/* ---- the per-direction data path ---------------------------------------- */

static inline uint8_t *slot_ptr(struct dir *d, uint32_t s)
{
	return d->pool + (size_t)s * d->slot_sz;
}

static void publish(struct dir *d, uint64_t now, bool force)
{
	if (!force && now - d->pub_at < PUBLISH_NS)
		return;
	d->pub_at = now;
	d->st.link = d->link.st;
	d->st.pending = d->q.n;
	pthread_mutex_lock(&d->pub_lock);
	d->pub = d->st;
	pthread_mutex_unlock(&d->pub_lock);
}

static void send_batch(struct dir *d, struct mmsghdr *m, int n)
{
	int off = 0;

	while (off < n) {
		int r = sendmmsg(d->txfd, m + off, (unsigned int)(n - off), 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* e.g. ENOBUFS: the peer's backlog is full. Drop one. */
			if (!d->warned_tx) {
				pr_notice("%s: send on %s: %s (counted in tx_errors)",
				     d->name, d->out, strerror(errno));
				d->warned_tx = true;
			}
			d->st.tx_errors++;
			off++;
			continue;
		}
		for (int i = off; i < off + r; i++) {
			d->st.tx_frames++;
			d->st.tx_bytes += m[i].msg_len;
		}
		off += r;
	}
}

/* Send every queued frame whose release time has come. */
static void release_due(struct dir *d)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint32_t slots[BATCH];
	const struct wan_relq_ent *e;

	for (;;) {
		uint64_t now = keg_now_ns();
		int n = 0;

		while (n < BATCH && (e = wan_relq_peek(&d->q)) && e->t <= now) {
			uint64_t late = now - e->t;

			d->st.late_sum_ns += late;
			if (late > d->st.late_max_ns)
				d->st.late_max_ns = late;
			slots[n] = e->slot;
			iov[n] = (struct iovec){ slot_ptr(d, e->slot), d->lens[e->slot] };
			msg[n] = (struct mmsghdr){
				.msg_hdr = { .msg_iov = &iov[n], .msg_iovlen = 1 } };
			wan_relq_pop(&d->q);
			n++;
		}
		if (!n)
			return;
		send_batch(d, msg, n);
		for (int i = 0; i < n; i++)
			d->free[d->nfree++] = slots[i];
		if (n < BATCH)
			return;
	}
}

/* Copy a frame into a slot, putting back a VLAN tag the kernel stripped. */
static uint32_t copy_frame(struct dir *d, const struct wan_rx_frame *f,
			   uint32_t len)
{
	uint32_t s;
	uint8_t *p;

	if (!d->nfree)
		return NO_SLOT;
	s = d->free[--d->nfree];
	p = slot_ptr(d, s);
	if (f->status & TP_STATUS_VLAN_VALID) {
		uint16_t tpid = (f->status & TP_STATUS_VLAN_TPID_VALID) && f->vlan_tpid ?
				f->vlan_tpid : ETH_P_8021Q;

		memcpy(p, f->data, 12);
		p[12] = (uint8_t)(tpid >> 8);
		p[13] = (uint8_t)tpid;
		p[14] = (uint8_t)(f->vlan_tci >> 8);
		p[15] = (uint8_t)f->vlan_tci;
		memcpy(p + 16, f->data + 12, f->len - 12);
	} else {
		memcpy(p, f->data, len);
	}
	if ((f->status & TP_STATUS_CSUMNOTREADY) && !wan_csum_complete(p, len))
		d->st.csum_fixed++;
	d->lens[s] = len;
	return s;
}

static void rx_frame(struct dir *d, const struct wan_rx_frame *f,
		     int64_t real_minus_mono)
{
	uint64_t now = keg_now_ns(), t = now, rel[2];
	uint32_t len = f->len;
	int n;

	d->st.rx_frames++;
	d->st.rx_bytes += f->len;
	if (f->status & TP_STATUS_VLAN_VALID)
		len += 4;
	if (f->snaplen < f->len || len > d->slot_sz || f->len < 14) {
		d->st.oversize++;
		if (!d->warned_oversize && f->len >= 14) {
			pr_notice("%s: dropping a %u-byte frame from %s (limit %u): "
			     "TSO/GSO/GRO on the sender or on %s? "
			     "(ethtool -K IFACE gro off gso off tso off)",
			     d->name, f->len, d->in, d->slot_sz, d->in);
			d->warned_oversize = true;
		}
		return;
	}
	/* The kernel's receive stamp, moved to CLOCK_MONOTONIC. */
	if (f->ts_ns) {
		int64_t a = (int64_t)f->ts_ns - real_minus_mono;

		/* The clock offset was read a moment ago: allow for slop. */
		if (a > (int64_t)now && a - (int64_t)now < (int64_t)TS_SLOP_NS)
			a = (int64_t)now;
		if (a <= (int64_t)now && a > (int64_t)(now - TS_WINDOW_NS))
			t = (uint64_t)a;
		else
			d->st.ts_fallback++;
	} else {
		d->st.ts_fallback++;
	}
	d->st.rxlag_sum_ns += now - t;
	if (now - t > d->st.rxlag_max_ns)
		d->st.rxlag_max_ns = now - t;

	n = wan_link_admit(&d->link, t, len, rel);
	for (int i = 0; i < n; i++) {
		uint32_t s = copy_frame(d, f, len);

		if (s == NO_SLOT) {
			d->st.pool_drops++;
			if (!d->warned_pool) {
				pr_notice("%s: all %u frame slots in use: dropping "
				     "(raise --pool)", d->name, d->nslots);
				d->warned_pool = true;
			}
			continue;
		}
		/* Cannot fail: the queue has a place for every slot. */
		wan_relq_push(&d->q, rel[i], s);
	}
}

static void *dir_thread(void *arg)
{
	struct dir *d = arg;
	struct pollfd pfd[2] = {
		{ .fd = d->rx.fd, .events = POLLIN },
		{ .fd = stop_efd, .events = POLLIN },
	};
	uint64_t busy_since = 0, busy_cpu = 0;

	/* Wake on time: the default 50 us of slack is a quarter of our budget. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	while (!__atomic_load_n(&stopping, __ATOMIC_RELAXED)) {
		struct wan_rx_frame f;
		const struct wan_relq_ent *e;
		int64_t off = (int64_t)(clock_ns(CLOCK_REALTIME) - keg_now_ns());
		struct timespec ts;
		uint64_t now, wait;
		int budget = RX_BUDGET;

		release_due(d);
		while (budget && wan_rx_next(&d->rx, &f)) {
			rx_frame(d, &f, off);
			wan_rx_release(&d->rx);
			budget--;
		}
		now = keg_now_ns();
		publish(d, now, false);
		if (budget < RX_BUDGET) {
			/*
			 * Took frames: look again before sleeping. A thread that
			 * has not slept for BUSY_MAX_NS and used nearly all that
			 * time on its CPU (an overload) rests a little, so that
			 * at SCHED_FIFO it still leaves a tenth of its CPU to the
			 * rest of the machine; the ring holds what arrives
			 * meanwhile, and the time stamps keep the schedule.
			 */
			if (!busy_since) {
				busy_since = now;
				busy_cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
			} else if (now - busy_since > BUSY_MAX_NS) {
				uint64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);

				if ((cpu - busy_cpu) * 10 > (now - busy_since) * 9) {
					struct timespec rest = { 0, BUSY_REST_NS };

					nanosleep(&rest, NULL);
					d->st.rests++;
				}
				busy_since = keg_now_ns();
				busy_cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
			}
			continue;
		}
		busy_since = 0;
		e = wan_relq_peek(&d->q);
		if (e && e->t <= now)
			continue;
		wait = e ? e->t - now : IDLE_NS;
		ts.tv_sec = (time_t)(wait / NSEC);
		ts.tv_nsec = (long)(wait % NSEC);
		if (ppoll(pfd, 2, &ts, NULL) < 0 && errno != EINTR) {
			pr_notice("%s: poll: %s", d->name, strerror(errno));
			__atomic_store_n(&thread_failed, 1, __ATOMIC_RELAXED);
			kill(getpid(), SIGTERM);
			break;
		}
	}
	publish(d, keg_now_ns(), true);
	return NULL;
}

/* ---- set-up and reporting ------------------------------------------------ */

static int if_mtu(const char *name, int *mtu)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFMTU, &ifr))
		err = -errno;
	else
		*mtu = ifr.ifr_mtu;
	close(fd);
	return err;
}

static int dir_setup(struct dir *d, const struct opts *o, uint32_t slot_sz,
		     const struct wan_dir_cfg *cfg, uint64_t seed)
{
	size_t bytes;
	const char *why = NULL;
	int err;

	d->slot_sz = slot_sz;
	d->nslots = (uint32_t)o->pool;
	d->txfd = -1;
	d->rx.fd = -1;
	pthread_mutex_init(&d->pub_lock, NULL);
	err = wan_link_init(&d->link, cfg, seed, &why);
	if (err) {
		pr_notice("%s: %s", d->name, why);
		return err;
	}
	bytes = (size_t)d->nslots * slot_sz;
	/* Reserved lazily: only slots ever used cost memory. */
	d->pool = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	d->lens = calloc(d->nslots, sizeof(*d->lens));
	d->free = calloc(d->nslots, sizeof(*d->free));
	if (d->pool == MAP_FAILED || !d->lens || !d->free ||
	    wan_relq_init(&d->q, d->nslots)) {
		if (d->pool == MAP_FAILED)
			d->pool = NULL;
		pr_notice("%s: cannot allocate %u frame slots", d->name, d->nslots);
		return -ENOMEM;
	}
	/* Lowest slot on top: a light load keeps reusing a few hot slots. */
	for (uint32_t i = 0; i < d->nslots; i++)
		d->free[i] = d->nslots - 1 - i;
	d->nfree = d->nslots;

	err = wan_rx_open(&d->rx, d->in_ifindex, &o->ring);
	if (err) {
		pr_notice("%s: receive ring on %s: %s", d->name, d->in, strerror(-err));
		return err;
	}
	err = wan_tx_open(d->out_ifindex, &d->txfd);
	if (err)
		pr_notice("%s: transmit socket on %s: %s", d->name, d->out,
		     strerror(-err));
	return err;
}

static void dir_teardown(struct dir *d)
{
	wan_rx_close(&d->rx);
	if (d->txfd >= 0)
		close(d->txfd);
	if (d->pool)
		munmap(d->pool, (size_t)d->nslots * d->slot_sz);
	free(d->lens);
	free(d->free);
	wan_relq_free(&d->q);
}

static void fmt_time(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%.3fms", (double)ns / 1e6);
}

static void print_config(const struct dir *d)
{
	const struct wan_dir_cfg *c = &d->link.cfg;
	char delay[32], jitter[32], rdelay[32], buf[64] = "none", ge[96] = "off";

	fmt_time(delay, sizeof(delay), c->delay_ns);
	fmt_time(jitter, sizeof(jitter), c->jitter_ns);
	fmt_time(rdelay, sizeof(rdelay), c->reorder_delay_ns);
	if (c->rate_bps)
		snprintf(buf, sizeof(buf), "%llu(%.3fms)",
			 (unsigned long long)c->buffer_bytes,
			 (double)c->buffer_bytes * 8e3 / (double)c->rate_bps);
	if (c->ge_on)
		snprintf(ge, sizeof(ge), "%g,%g,%g,%g", c->ge.p * 100, c->ge.r * 100,
			 c->ge.h * 100, c->ge.k * 100);
	printf("wanem: %s %s->%s delay=%s jitter=%s%s%s loss=%g%% ge=%s "
	       "reorder=%g%%/%s dup=%g%% rate_bps=%llu buffer_bytes=%s "
	       "overhead=%u\n",
	       d->name, d->in, d->out, delay, jitter,
	       c->jitter_dist == WAN_JITTER_NORMAL ? "(normal)" : "",
	       c->jitter_reorder ? "(reordering)" : "",
	       c->loss * 100, ge, c->reorder * 100, rdelay, c->dup * 100,
	       (unsigned long long)c->rate_bps, buf, c->overhead);
}

static void print_stats(const char *what, const char *name,
			const struct dir_stats *s)
{
	uint64_t txn = s->tx_frames + s->tx_errors;

	printf("wanem: %s %s rx_frames=%llu rx_bytes=%llu tx_frames=%llu "
	       "tx_bytes=%llu lost_random=%llu lost_ge=%llu dropped_buffer=%llu "
	       "duplicated=%llu reordered=%llu oversize=%llu csum_fixed=%llu "
	       "pool_drops=%llu ring_drops=%llu tx_errors=%llu pending=%llu "
	       "ts_fallback=%llu rests=%llu late_avg_us=%.1f late_max_us=%.1f "
	       "rxlag_avg_us=%.1f rxlag_max_us=%.1f\n",
	       name, what,
	       (unsigned long long)s->rx_frames, (unsigned long long)s->rx_bytes,
	       (unsigned long long)s->tx_frames, (unsigned long long)s->tx_bytes,
	       (unsigned long long)s->link.lost_random,
	       (unsigned long long)s->link.lost_ge,
	       (unsigned long long)s->link.dropped_buffer,
	       (unsigned long long)s->link.duplicated,
	       (unsigned long long)s->link.reordered,
	       (unsigned long long)s->oversize, (unsigned long long)s->csum_fixed,
	       (unsigned long long)s->pool_drops, (unsigned long long)s->ring_drops,
	       (unsigned long long)s->tx_errors, (unsigned long long)s->pending,
	       (unsigned long long)s->ts_fallback, (unsigned long long)s->rests,
	       txn ? (double)s->late_sum_ns / (double)txn / 1e3 : 0.0,
	       (double)s->late_max_ns / 1e3,
	       s->rx_frames ? (double)s->rxlag_sum_ns / (double)s->rx_frames / 1e3 : 0.0,
	       (double)s->rxlag_max_ns / 1e3);
}

static void snapshot(struct dir *d, struct dir_stats *s)
{
	uint64_t drops = 0;

	pthread_mutex_lock(&d->pub_lock);
	*s = d->pub;
	pthread_mutex_unlock(&d->pub_lock);
	/* PACKET_STATISTICS resets on read: keep a running total. */
	if (!wan_rx_ring_drops(&d->rx, &drops))
		d->ring_drops += drops;
	s->ring_drops = d->ring_drops;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.seed = 1,
		.pool = DEFAULT_POOL,
		.ring = { .version = 2, .ring_bytes = 64u << 20,
			  .block_bytes = 1u << 16, .tov_ms = 1 },
	};
	struct wan_dir_cfg cfg[2] = { { 0 }, { 0 } };
	struct dir dirs[2] = {
		{ .name = "a2b", .txfd = -1, .rx = { .fd = -1 } },
		{ .name = "b2a", .txfd = -1, .rx = { .fd = -1 } },
	};
	struct dir_stats s;
	sigset_t sigs;
	int ifindex[2], mtu[2], sig = 0, err, started = 0, rc = 0;
	uint32_t slot_sz;

	keg_log_setup("wanem", 0, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (wan_parse_args(argc, argv, &o, cfg))
		return EXIT_USAGE;
	for (int i = 0; i < 2; i++) {
		ifindex[i] = (int)if_nametoindex(o.ifname[i]);
		if (!ifindex[i] || if_mtu(o.ifname[i], &mtu[i])) {
			pr_notice("no interface '%s' here", o.ifname[i]);
			return EXIT_USAGE;
		}
	}
	/* Room for the largest frame and two VLAN tags, cache-line aligned. */
	slot_sz = (uint32_t)(mtu[0] > mtu[1] ? mtu[0] : mtu[1]) + ETH_HLEN + 8;
	if (slot_sz > SLOT_MAX)
		slot_sz = SLOT_MAX;
	slot_sz = (slot_sz + 63) & ~63u;
	o.ring.frame_max = slot_sz;

	stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);	/* threads inherit it */

	for (int i = 0; i < 2; i++) {
		struct dir *d = &dirs[i];

		d->in = o.ifname[i];
		d->out = o.ifname[!i];
		d->in_ifindex = ifindex[i];
		d->out_ifindex = ifindex[!i];
		/* Independent streams per direction from one seed. */
		err = dir_setup(d, &o, slot_sz, &cfg[i],
				o.seed ^ (i ? 0x5bd1e9955bd1e995ULL : 0));
		if (err) {
			rc = err == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
			goto out;
		}
		if (d->link.cfg.rate_bps &&
		    d->link.cfg.buffer_bytes < d->slot_sz - 64)
			pr_notice("%s: buffer of %llu bytes is smaller than a full frame",
			     d->name, (unsigned long long)d->link.cfg.buffer_bytes);
	}
	if (!o.quiet) {
		print_config(&dirs[0]);
		print_config(&dirs[1]);
	}
	for (int i = 0; i < 2; i++) {
		err = pthread_create(&dirs[i].thr, NULL, dir_thread, &dirs[i]);
		if (err) {
			pr_notice("thread: %s", strerror(err));
			rc = EXIT_FAILURE;
			goto stop;
		}
		started++;
		/*
		 * Real-time priority keeps release times exact while other work
		 * (iperf3, a compiler) competes for the CPUs. The threads sleep
		 * whenever they are idle; only an overload keeps one busy.
		 */
		if (o.rt_prio) {
			struct sched_param sp = { .sched_priority = (int)o.rt_prio };

			err = pthread_setschedparam(dirs[i].thr, SCHED_FIFO, &sp);
			if (err)
				pr_notice("%s: SCHED_FIFO %d: %s (running without)",
				     dirs[i].name, sp.sched_priority, strerror(err));
		}
	}
	if (!o.quiet)
		printf("wanem: ready seed=%llu ring=v%d slot=%u pool=%llu rt_prio=%llu\n",
		       (unsigned long long)o.seed, o.ring.version, slot_sz,
		       (unsigned long long)o.pool, (unsigned long long)o.rt_prio);

	for (;;) {
		struct timespec ts = { (time_t)(o.stats_ns / NSEC),
				       (long)(o.stats_ns % NSEC) };

		sig = sigtimedwait(&sigs, NULL, o.stats_ns ? &ts : NULL);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig < 0 && errno != EAGAIN && errno != EINTR) {
			pr_notice("sigtimedwait: %s", strerror(errno));
			break;
		}
		if (sig == SIGUSR1 || (sig < 0 && errno == EAGAIN)) {
			for (int i = 0; i < 2; i++) {
				snapshot(&dirs[i], &s);
				print_stats("stats", dirs[i].name, &s);
			}
		}
	}
stop:
	__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
	if (eventfd_write(stop_efd, 1))
		pr_notice("eventfd: %s", strerror(errno));
	for (int i = 0; i < started; i++)
		pthread_join(dirs[i].thr, NULL);
	if (started == 2) {
		for (int i = 0; i < 2; i++) {
			snapshot(&dirs[i], &s);
			print_stats("summary", dirs[i].name, &s);
		}
		printf("wanem: exit on %s\n", sig > 0 ? strsignal(sig) : "error");
	}
	if (__atomic_load_n(&thread_failed, __ATOMIC_RELAXED))
		rc = EXIT_FAILURE;
out:
	for (int i = 0; i < 2; i++)
		dir_teardown(&dirs[i]);
	if (stop_efd >= 0)
		close(stop_efd);
	return rc;
}

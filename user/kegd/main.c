// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kegd - keg's controller daemon, first version: receives what keg_xdp's
 * intercept rules steer into AF_XDP and forwards it itself.
 *
 *   kegd --iface IFACE [--iface IFACE2 ...] [-v]
 *
 * Per --iface (which must be attached with `kegctl attach`): one AF_XDP
 * socket per receive queue (xsk.c; XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD:
 * keg_xdp is the program), registered in the interface's pinned XSKMAP
 * /sys/fs/bpf/keg/IFACE/keg_xsks, and one thread polling it (forward.c).
 *
 * Forwarding: keg_xdp put the kernel FIB's answer (bpf_fib_lookup: egress
 * ifindex, source and destination MAC) in front of the frame as metadata
 * (struct keg_xsk_meta). kegd rewrites the MACs, decrements the TTL (IPv4,
 * checksum updated incrementally) or hop limit (IPv6) and transmits through
 * an AF_XDP socket on the egress interface: the intercept socket of that
 * interface and queue when it has one, else a TX socket opened on demand.
 * Frames without valid metadata are dropped and counted.
 *
 * Every KEG_KEGD_HEARTBEAT_MS (200 ms) kegd writes its pid, a heartbeat and
 * per-queue rx/tx/drop counters into /sys/fs/bpf/keg/IFACE/keg_kegd
 * (heartbeat.c). On SIGTERM/SIGINT it first removes its sockets from the
 * XSKMAP (traffic falls back to --when-down at once), then stops. One log
 * line per state change on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf_log.h"
#include "intercept.h"
#include "keg_wire.h"
#include "kegd.h"
#include "log.h"
#include "pins.h"
#include "pinset.h"
#include "transport.h"

/* The one piece of static state: the signal handler has no argument. */
static struct kegd kegd;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&kegd.stopping, true);	/* lock-free: safe in a handler */
}

static int open_pin(const char *iface, const char *name)
{
	struct keg_err err = { 0 };
	int fd = keg_pin_open(iface, name, &err);

	if (fd < 0)
		pr_notice("%s", keg_err_str(&err, fd));
	return fd;
}

/* A terminated TCP connection is a descriptor (two at a gateway that is
 * both ends): take every descriptor the hard limit allows. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: kegd --iface IFACE [--iface IFACE ...] [--cc ALGO] [--rtt MS]\n"
		   "            [--deadline-us US] [--queue PKTS] [--key-update-s S] [--qlog DIR]\n"
		   "            [--mem-max-mib M] [--wire 1|2|3] [--no-schedule] [--no-terminate]\n"
		   "            [--udp-idle-s S] [-v]\n"
		   "Receive what keg's intercept rules steer into AF_XDP on IFACE (one socket\n"
		   "and thread per receive queue). Packets of a rule whose site is a remote site\n"
		   "(`kegctl site add`) are carried to that site's gateway in kegs over QUIC\n"
		   "(UDP 3919); others are forwarded here (README.md, \"Intercepts and kegd\").\n"
		   "TCP of rules that terminate it (the default) is accepted here in the kernel's\n"
		   "own TCP stack and crosses as a byte stream (README.md, \"TCP termination\").\n"
		   "  --cc ALGO        congestion control of the keg connections: bbr (default),\n"
		   "                   bbr2, cubic, reno\n"
		   "  --rtt MS         initial RTT estimate before the first sample (100)\n"
		   "  --deadline-us US a keg waits at most this long for more packets (1000)\n"
		   "  --queue PKTS     packets queued per site before kegd drops (2048)\n"
		   "  --mem-max-mib M  bytes all keg connections may hold unacknowledged\n"
		   "                   together, in MiB (256); beyond, the site queues wait\n"
		   "  --key-update-s S QUIC key update on every connection at least every S\n"
		   "                   seconds (600)\n"
		   "  --qlog DIR       write a qlog trace per connection into DIR\n"
		   "  --wire 1|2|3     the newest keg/N offered (3, default: byte streams\n"
		   "                   compressed too); 2 or 1 as a kegd from before compressed\n"
		   "                   byte streams or before compression (tests interoperation)\n"
		   "  --no-schedule    do not apply the customer shaping schedules that\n"
		   "                   `kegctl apply` stored (kegd applies them at their minute)\n"
		   "  --no-terminate   no TCP termination: no listeners, no keg_tc_term; TCP of\n"
		   "                   terminating rules is then forwarded by the kernel\n"
		   "  --udp-idle-s S   a proxy's UDP flow ends after S seconds without a\n"
		   "                   datagram either way (60)\n");
}

static int parse_num(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -EINVAL : 0;
}

static int parse_args(struct kegd *kd, struct kegd_transport_opts *to, int argc, char **argv)
{
	unsigned long long v;
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "cc", required_argument, NULL, 'C' },
		{ "rtt", required_argument, NULL, 'R' },
		{ "deadline-us", required_argument, NULL, 'D' },
		{ "queue", required_argument, NULL, 'Q' },
		{ "qlog", required_argument, NULL, 'L' },
		{ "key-update-s", required_argument, NULL, 'K' },
		{ "no-schedule", no_argument, NULL, 'S' },
		{ "no-terminate", no_argument, NULL, 'T' },
		{ "mem-max-mib", required_argument, NULL, 'M' },
		{ "wire", required_argument, NULL, 'W' },
		{ "udp-idle-s", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "i:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (kd->n_ifaces == KEGD_MAX_IFACES) {
				pr_notice("at most %d --iface", KEGD_MAX_IFACES);
				return 2;
			}
			snprintf(kd->ifaces[kd->n_ifaces++].name, IF_NAMESIZE, "%s", optarg);
			break;
		case 'v':
			kd->verbose++;
			break;
		case 'C':
			if (kq_cc_parse(optarg) < 0) {
				pr_notice("--cc: '%s' is none of bbr, bbr2, cubic, reno", optarg);
				return 2;
			}
			to->cc = (enum kq_cc)kq_cc_parse(optarg);
			break;
		case 'R':
		case 'D':
		case 'Q':
		case 'K':
		case 'M':
			if (parse_num(optarg, &v) || v > 100000000ULL || ((c == 'K' || c == 'M') && !v)) {
				pr_notice("--%s: '%s' is no number in range",
					  c == 'R' ? "rtt" : c == 'D' ? "deadline-us" :
					  c == 'K' ? "key-update-s" : c == 'M' ? "mem-max-mib" :
					  "queue", optarg);
				return 2;
			}
			if (c == 'M')
				to->mem_max = v << 20;
			else if (c == 'K')
				to->key_update_ns = v * 1000000000ULL;
			else if (c == 'R')
				to->initial_rtt_ns = v * 1000000ULL;
			else if (c == 'D')
				to->deadline_ns = v * 1000ULL;
			else if (v < 1 || v > (1U << 20)) {
				pr_notice("--queue: 1..%u packets", 1U << 20);
				return 2;
			} else
				to->queue_depth = (uint32_t)v;
			break;
		case 'L':
			to->qlog_dir = optarg;
			break;
		case 'U':
			if (parse_num(optarg, &v) || !v || v > 86400) {
				pr_notice("--udp-idle-s: '%s' is no number of seconds (1..86400)", optarg);
				return 2;
			}
			to->udp_idle_ns = v * 1000000000ULL;
			break;
		case 'W':
			if (strcmp(optarg, "1") && strcmp(optarg, "2") && strcmp(optarg, "3")) {
				pr_notice("--wire: '%s' is not 1, 2 or 3", optarg);
				return 2;
			}
			to->wire = (uint8_t)(optarg[0] - '0');
			break;
		case 'S':
			kd->no_schedule = true;
			break;
		case 'T':
			to->no_terminate = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!kd->n_ifaces || optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;	/* go on */
}

/* Another kegd that serves f now (its heartbeat fresh, its pid alive):
 * logged, and true. That one keeps the interface; this one touches
 * nothing of it. */
static bool other_kegd(const struct kegd_iface *f)
{
	struct keg_kegd k;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(f->kegd_fd, &zero, &k) || k.pid == (uint32_t)getpid() ||
	    !keg_kegd_alive(&k))
		return false;
	pr_notice("%s: another kegd (pid %u) serves it; stop that one first", f->name, k.pid);
	return true;
}

/* Pins and one receiving socket per queue of every interface. */
static int open_ifaces(struct kegd *kd)
{
	unsigned int i, k, idx = 0;

	for (i = 0; i < kd->n_ifaces; i++) {
		struct kegd_iface *f = &kd->ifaces[i];

		f->ifindex = (int)if_nametoindex(f->name);
		if (!f->ifindex) {
			pr_notice("%s: no such interface", f->name);
			return -ENODEV;
		}
		f->xsks_fd = open_pin(f->name, KEG_STR(KEG_MAP_XSKS));
		f->kegd_fd = open_pin(f->name, KEG_STR(KEG_MAP_KEGD));
		f->sites_fd = open_pin(f->name, KEG_STR(KEG_MAP_ICPT_SITES));
		if (f->xsks_fd < 0 || f->kegd_fd < 0 || f->sites_fd < 0)
			return -ENOENT;
		if (other_kegd(f))
			return -EBUSY;
		f->n_queues = kegd_rx_queues(f->name);
		for (k = 0; k < f->n_queues; k++) {
			struct kegd_queue *q = &f->q[k];

			q->kd = kd;
			q->idx = idx++;
			q->iface = i;
			q->s = kegd_sock_open(f->name, k, true);
			if (!q->s)
				return -EIO;
		}
	}
	return 0;
}

/* All sockets exist: register them and start the threads. */
static int start(struct kegd *kd)
{
	unsigned int i, k;
	int ret;

	for (i = 0; i < kd->n_ifaces; i++) {
		struct kegd_iface *f = &kd->ifaces[i];

		f->registered = true;	/* from here on, stop() undoes it */
		for (k = 0; k < f->n_queues; k++) {
			ret = xsk_socket__update_xskmap(f->q[k].s->xsk, f->xsks_fd);
			if (ret) {
				pr_notice("%s queue %u: registering in the XSKMAP: %s", f->name, k,
					  strerror(-ret));
				return ret;
			}
			ret = pthread_create(&f->q[k].thread, NULL, kegd_queue_loop, &f->q[k]);
			if (ret) {
				pr_notice("%s queue %u: starting its thread: %s", f->name, k,
					  strerror(ret));
				return -ret;
			}
			f->q[k].running = true;
			pr_notice("%s queue %u: AF_XDP socket up, steering on", f->name, k);
		}
		kegd_publish(f, true);
	}
	return 0;
}

/* Out of the XSKMAP first: traffic falls back to --when-down now. Then the
 * threads stop and everything is closed. */
static void stop(struct kegd *kd)
{
	unsigned int i, k;

	for (i = 0; i < kd->n_ifaces; i++) {
		struct kegd_iface *f = &kd->ifaces[i];
		unsigned int removed = 0;

		for (k = 0; k < f->n_queues && f->xsks_fd >= 0 && f->registered; k++) {
			if (!f->q[k].s)
				continue;
			if (!bpf_map_delete_elem(f->xsks_fd, &k) || errno == ENOENT)
				removed++;
			else
				pr_notice("%s queue %u: removing from the XSKMAP: %s", f->name, k,
					  strerror(errno));
		}
		if (f->kegd_fd >= 0 && f->registered)
			kegd_publish(f, false);
		if (removed)
			pr_notice("%s: sockets removed from the XSKMAP", f->name);
	}
	atomic_store(&kd->stopping, true);
	for (i = 0; i < kd->n_ifaces; i++) {
		struct kegd_iface *f = &kd->ifaces[i];

		for (k = 0; k < f->n_queues; k++) {
			if (f->q[k].running)
				pthread_join(f->q[k].thread, NULL);
			kegd_sock_close(f->q[k].s);
		}
		if (f->xsks_fd >= 0)
			close(f->xsks_fd);
		if (f->kegd_fd >= 0)
			close(f->kegd_fd);
		if (f->sites_fd >= 0)
			close(f->sites_fd);
	}
	kegd_transport_stop(kd->tp);	/* CONNECTION_CLOSE to every peer */
	kd->tp = NULL;
	for (i = 0; i < kd->n_egress; i++)
		kegd_sock_close(kd->egress[i]);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const struct timespec period = {
		.tv_sec = KEG_KEGD_HEARTBEAT_MS / 1000,
		.tv_nsec = KEG_KEGD_HEARTBEAT_MS % 1000 * 1000000L,
	};
	struct kegd_transport_opts to = {
		.cc = KQ_CC_BBR,
		.deadline_ns = KEG_DEADLINE_NS_DEFAULT,
	};
	struct kegd *kd = &kegd;
	unsigned int i;
	int ret;

	pthread_mutex_init(&kd->egress_lock, NULL);
	kd->sched_minute = -1;
	atomic_init(&kd->stopping, false);
	for (i = 0; i < KEGD_MAX_IFACES; i++)
		kd->ifaces[i].xsks_fd = kd->ifaces[i].kegd_fd = kd->ifaces[i].sites_fd = -1;
	raise_nofile();
	ret = parse_args(kd, &to, argc, argv);
	if (ret >= 0)
		return ret;
	keg_log_setup(NULL, kd->verbose, KEG_LOG_STAMP);
	keg_log_init(kd->verbose);	/* libbpf's and libxdp's output too */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	ret = open_ifaces(kd);
	if (!ret)
		ret = kegd_transport_start(&kd->tp, kd, &to);
	if (!ret)
		ret = start(kd);
	if (!ret) {
		pr_notice("running on %u interface%s", kd->n_ifaces,
			  kd->n_ifaces == 1 ? "" : "s");
		while (!atomic_load(&kd->stopping)) {
			nanosleep(&period, NULL);	/* a signal ends it early */
			for (i = 0; i < kd->n_ifaces; i++)
				kegd_publish(&kd->ifaces[i], true);
			if (!kd->no_schedule)
				kegd_sched_tick(kd, time(NULL));
		}
		pr_notice("stopping");
	}
	stop(kd);
	pr_notice("stopped");
	return ret ? 1 : 0;
}

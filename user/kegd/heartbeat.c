// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * heartbeat.c - kegd's record in keg_kegd[0] of each interface: its pid, a
 * heartbeat every KEG_KEGD_HEARTBEAT_MS and each queue's rx/tx/drop, read
 * by `kegctl stats` and by `kegctl intercept list` (state Y when kegd is
 * not running). Written by the main thread only.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "clock.h"
#include "kegd.h"
#include "log.h"

int kegd_publish(struct kegd_iface *f, bool running)
{
	struct keg_kegd k = { 0 };
	uint32_t zero = 0;
	unsigned int i;
	int ret = 0;

	if (running) {
		k.pid = (uint32_t)getpid();
		k.n_queues = f->n_queues;
		k.heartbeat_ns = keg_now_ns();
		for (i = 0; i < f->n_queues; i++) {	/* n_queues <= KEG_MAX_QUEUES */
			const struct kegd_counters *c = &f->q[i].pub;

			k.q[i].rx = atomic_load_explicit(&c->rx, memory_order_relaxed);
			k.q[i].tx = atomic_load_explicit(&c->tx, memory_order_relaxed);
			k.q[i].drop = atomic_load_explicit(&c->drop, memory_order_relaxed);
		}
	}
	if (bpf_map_update_elem(f->kegd_fd, &zero, &k, BPF_ANY))
		ret = -errno;
	/* Once per failure run, not every heartbeat. */
	if (ret && !f->publish_failed)
		pr_notice("%s: writing keg_kegd: %s (kegctl will show kegd as not running)",
			  f->name, strerror(-ret));
	else if (!ret && f->publish_failed)
		pr_notice("%s: writing keg_kegd works again", f->name);
	f->publish_failed = ret != 0;
	return ret;
}

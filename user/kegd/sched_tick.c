// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sched_tick.c - kegd applies the customer shaping schedules that `kegctl
 * apply` stored (sched_store.h) at their minute, as `kegctl schedule run
 * @applied` does on hosts without kegd (sites' MaxRate schedules are the
 * transport's, transport.c). Called by the main thread's heartbeat loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kegd.h"
#include "log.h"
#include "nl.h"
#include "pins.h"
#include "sched_store.h"
#include "schedule.h"

/* kegd's lines for what the pass changed or could not change. */
static void note_log(void *arg, enum keg_note_kind kind, const char *line)
{
	(void)arg;
	if (kind != KEG_NOTE_WAIT)
		pr_notice("schedule: %s", line);
}

static const struct keg_note sched_note = { note_log, NULL };

/* How long the pass waits for another kegctl: well below a minute. */
#define SCHED_LOCK_TIMEOUT_S 10

void kegd_sched_tick(struct kegd *kd, time_t now)
{
	struct keg_err err = { 0 };
	struct keg_sched_entry *v = NULL;
	int w = keg_week_minute(now), lock, ret;
	struct keg_nl nl;
	size_t n = 0;

	if (w == kd->sched_minute)
		return;
	kd->sched_minute = w;
	ret = keg_sched_applied_load(&v, &n, &err);
	if (ret) {
		pr_notice("schedule: %s", keg_err_str(&err, ret));
		goto out;
	}
	if (!n)
		goto out;
	lock = keg_lock(true, SCHED_LOCK_TIMEOUT_S, &sched_note);
	if (lock < 0) {
		pr_notice("schedule: locking %s: %s (next minute again)", KEG_PIN_ROOT,
			  strerror(-lock));
		kd->sched_minute = -1;
		goto out;
	}
	ret = keg_nl_open(&nl);
	if (!ret) {
		keg_sched_pass(&nl, v, n, w, &sched_note);	/* notes each change */
		keg_nl_close(&nl);
	} else {
		pr_notice("schedule: opening rtnetlink: %s", strerror(-ret));
	}
	keg_unlock(lock);
out:
	free(v);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* apply_limits.c - see apply_limits.h */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apply_limits.h"
#include "sitemaps.h"

static const char *lim_str(uint32_t v, char *buf, size_t len)
{
	if (v)
		snprintf(buf, len, "%u", v);
	else
		snprintf(buf, len, "none");
	return buf;
}

int limits_plan_apply(struct cli_ctx *ctx, const struct keg_conf_limits *l, bool dry_run,
		      size_t *changes)
{
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	struct keg_limits cur = { .total = KEG_LIMITS_TOTAL_DEFAULT }, want;
	char a[16], b[16], c[16], x[16], y[16], z[16];
	int ret;

	*changes = 0;
	if (!l->line)
		return 0;
	/* A dry run creates nothing: no maps yet means the defaults. */
	ret = keg_sitemaps_open(&m, !dry_run, &ctx->err);
	if (ret && !(dry_run && ret == -ENOENT))
		return ret;
	if (!ret && (ret = keg_limits_read(&m, &cur))) {
		keg_sitemaps_close(&m);
		return cli_fail(ctx, ret, "reading the limits: %s", strerror(-ret));
	}
	want = cur;
	want.tcp = l->tcp;
	want.udp = l->udp;
	want.total = l->total;
	if (want.tcp == cur.tcp && want.udp == cur.udp && want.total == cur.total) {
		keg_sitemaps_close(&m);
		return 0;
	}
	printf("limits: ~ limits tcp %s udp %s total %s (was tcp %s udp %s total %s)\n",
	       lim_str(want.tcp, a, sizeof(a)), lim_str(want.udp, b, sizeof(b)),
	       lim_str(want.total, c, sizeof(c)), lim_str(cur.tcp, x, sizeof(x)),
	       lim_str(cur.udp, y, sizeof(y)), lim_str(cur.total, z, sizeof(z)));
	*changes = 1;
	ret = 0;
	if (!dry_run && (ret = keg_limits_write(&m, &want)))
		ret = cli_fail(ctx, ret, "writing the limits: %s", strerror(-ret));
	keg_sitemaps_close(&m);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_list.c - the output of `kegctl subnet list` and `customer list` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "commands.h"
#include "ifmaps.h"
#include "json.h"

struct entries {
	struct keg_addr *v;
	size_t n;
	bool gone;		/* detached since it was listed */
};

/* Read everything before printing anything: no half output on error. */
static int read_all(struct cli_ctx *ctx, const struct keg_att *atts, size_t n,
		    bool customers, bool all, struct entries *out)
{
	struct keg_ifmaps m;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = keg_ifmaps_open(atts[i].name, &m, &ctx->err);
		/* No lock: an interface of the list may be detached (or not
		 * yet whole) by now; it is left out, as a moment later. */
		if (ret == -ENOENT && all) {
			keg_err_clear(&ctx->err);
			out[i].gone = true;
			continue;
		}
		if (ret)
			return ret;
		ret = customers ? keg_customers_list(&m, &out[i].v, &out[i].n) :
				  keg_subnets_list(&m, &out[i].v, &out[i].n);
		keg_ifmaps_close(&m);
		if (ret)
			return cli_fail(ctx, ret, "reading the %s of %s: %s",
					customers ? "customers" : "subnets", atts[i].name,
					strerror(-ret));
	}
	return 0;
}

static void print_all(const struct keg_att *atts, size_t n, bool customers,
		      const struct entries *e, bool json)
{
	char buf[KEG_ADDR_STRLEN];
	struct json j;
	size_t i, k;

	json_init(&j, stdout);
	if (json)
		json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		if (e[i].gone)
			continue;
		if (json) {
			json_obj_begin(&j);
			json_key(&j, "iface");
			json_str(&j, atts[i].name);
			json_key(&j, customers ? "customers" : "subnets");
			json_arr_begin(&j);
		}
		for (k = 0; k < e[i].n; k++) {
			if (customers)
				keg_addr_str(&e[i].v[k], buf, sizeof(buf));
			else
				keg_prefix_str(&e[i].v[k], buf, sizeof(buf));
			if (json)
				json_str(&j, buf);
			else
				printf("%s %s\n", atts[i].name, buf);
		}
		if (json) {
			json_arr_end(&j);
			json_obj_end(&j);
		}
	}
	if (json) {
		json_arr_end(&j);
		json_end(&j);
	}
}

int kegctl_list_entries(struct cli_ctx *ctx, const char *iface, bool json,
			bool customers)
{
	struct entries *e = NULL;
	struct keg_att *atts;
	size_t n, i;
	int ret;

	ret = kegctl_select(ctx, iface, &atts, &n);
	if (ret)
		return ret;
	e = calloc(n ? n : 1, sizeof(*e));
	if (!e)
		ret = cli_fail(ctx, -ENOMEM, "out of memory");
	if (!ret)
		ret = read_all(ctx, atts, n, customers, !iface, e);
	if (!ret)
		print_all(atts, n, customers, e, json);
	for (i = 0; e && i < n; i++)
		free(e[i].v);
	free(e);
	free(atts);
	return ret;
}

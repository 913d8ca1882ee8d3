// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kegctl - keg's operator CLI. The commands are tables (cli.h) defined one
 * file per concern (cmd_*.c); the work is done by the library in user/lib.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "commands.h"

static const struct cli_cmd *const commands[] = {
	&cmd_attach,
	&cmd_detach,
	&cmd_status,
	&cmd_subnet_add,
	&cmd_subnet_del,
	&cmd_subnet_list,
	&cmd_customer_add,
	&cmd_customer_set,
	&cmd_customer_del,
	&cmd_customer_list,
	&cmd_apply,
	&cmd_stats,
	&cmd_shape_set,
	&cmd_shape_off,
	&cmd_shape_show,
	&cmd_schedule_show,
	&cmd_schedule_run,
	&cmd_intercept_add,
	&cmd_intercept_del,
	&cmd_intercept_enable,
	&cmd_intercept_disable,
	&cmd_intercept_list,
	&cmd_proxy_add,
	&cmd_proxy_del,
	&cmd_proxy_list,
	&cmd_keygen,
	&cmd_pubkey,
	&cmd_site_add,
	&cmd_site_set,
	&cmd_site_del,
	&cmd_site_list,
	&cmd_limits_set,
	&cmd_limits_show,
	&cmd_site_up,
	&cmd_site_down,
};

int kegctl_select(struct cli_ctx *ctx, const char *iface, struct keg_att **v,
		  size_t *n)
{
	struct keg_att a;
	size_t i, here = 0;
	int ret;

	*v = NULL;
	*n = 0;
	if (iface) {
		ret = keg_att_resolve(iface, &a, &ctx->err);
		if (ret)
			return ret;
		*v = malloc(sizeof(**v));
		if (!*v)
			return cli_fail(ctx, -ENOMEM, "out of memory");
		**v = a;
		*n = 1;
		return 0;
	}
	ret = keg_att_list(v, n);
	if (ret)
		return cli_fail(ctx, ret, "listing attachments: %s", strerror(-ret));
	for (i = 0; i < *n; i++)
		if ((*v)[i].status == KEG_ATT_HERE)
			(*v)[here++] = (*v)[i];
	*n = here;
	return 0;
}

int main(int argc, char **argv)
{
	return cli_main(commands, sizeof(commands) / sizeof(commands[0]), argc - 1,
			argv + 1);
}

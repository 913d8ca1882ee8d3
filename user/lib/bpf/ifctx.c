// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ifctx.c - see ifctx.h */
#include <stdio.h>
#include <string.h>

#include "attached.h"
#include "ifctx.h"

int keg_ifctx_open(const char *iface, struct keg_ifctx *c, struct keg_err *err)
{
	struct keg_att a;
	int ret;

	memset(c, 0, sizeof(*c));
	c->maps = (struct keg_ifmaps){ -1, -1, -1, -1, -1, -1, -1 };
	ret = keg_att_resolve(iface, &a, err);
	if (ret)
		return ret;
	ret = keg_ifmaps_open(a.name, &c->maps, err);
	if (ret)
		return keg_err_prefix(err, ret, "%s", a.name);
	snprintf(c->name, sizeof(c->name), "%s", a.name);
	c->ifindex = a.ifindex;
	return 0;
}

void keg_ifctx_close(struct keg_ifctx *c)
{
	keg_ifmaps_close(&c->maps);
}

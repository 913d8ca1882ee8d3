// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* teardown.c - see teardown.h */
#include <errno.h>
#include <string.h>

#include "attach.h"
#include "attached.h"
#include "ifctx.h"
#include "nl.h"
#include "sched_store.h"
#include "shape.h"
#include "teardown.h"

/* Shaping off first: the HTB trees go and the uplink loses its keg_tc
 * filter, which would otherwise run on with maps about to be unpinned.
 * An attachment without a keg_shape map (older keg) has nothing to undo. */
static int unshape(struct keg_nl *nl, const char *iface, struct keg_err *err)
{
	struct keg_shape_cfg cfg;
	struct keg_ifctx c;
	int ret;

	if (keg_shape_get(iface, &cfg, NULL) == -ENOENT)
		return 0;
	ret = keg_ifctx_open(iface, &c, err);
	if (ret)
		return ret;
	ret = keg_shape_disable(nl, &c, err);
	keg_ifctx_close(&c);
	if (ret)
		keg_err_prefix(err, ret, "turning shaping off on %s", iface);
	return ret;
}

int keg_teardown(const char *iface, struct keg_detach_result *res, struct keg_err *err)
{
	struct keg_nl nl = { 0 };
	struct keg_att a;
	int ret;

	/* keg_detach() explains a missing, vanished or remote attachment;
	 * shaping is only turned off where the interface is here. */
	if (!keg_att_get(iface, &a) && a.status == KEG_ATT_HERE) {
		ret = keg_nl_open(&nl);
		if (ret)
			return keg_err_set(err, ret, "opening rtnetlink: %s", strerror(-ret));
		ret = unshape(&nl, iface, err);
		keg_nl_close(&nl);
		if (ret)
			return ret;
	}
	ret = keg_detach(iface, res, err);
	if (ret)
		return ret;
	ret = keg_sched_forget(iface);	/* what `kegctl apply` kept for it */
	if (ret)
		return keg_err_set(err, ret, "%s: removing its stored schedules: %s", iface,
				   strerror(-ret));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* detach.c - keg_detach(); see attach.h (shaping and schedules: teardown.c) */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attach.h"
#include "attached.h"
#include "log.h"
#include "netlink_route.h"
#include "pins.h"
#include "prog.h"
#include "reply.h"
#include "tc.h"
#include "xdp.h"

/* keg_tc_reply off clsact ingress, if it is there (reply.h); first, so a
 * failure leaves everything else in place. */
static int detach_reply(const char *iface, int ifindex, struct keg_err *err)
{
	uint32_t id = 0;
	int ret;

	ret = keg_tc_reply_query(ifindex, &id);
	if (ret == -ENOENT || (!ret && !keg_prog_is(id, KEG_PROG_TC_REPLY)))
		return 0;	/* none, or not ours: leave it */
	if (!ret)
		ret = keg_tc_reply_detach(ifindex);
	if (ret && ret != -ENOENT)
		return keg_err_set(err, ret, "detaching tc ingress from %s: %s", iface,
				   strerror(-ret));
	return 0;
}

/* Take keg_xdp and keg_tc off ifindex. If tc cannot be removed, XDP is put
 * back, so the interface is left as it was. */
static int detach_progs(const char *iface, int ifindex, struct keg_err *err)
{
	struct keg_xdp_info x;
	uint32_t tc_id = 0;
	int ret, old_fd = -1;

	ret = detach_reply(iface, ifindex, err);
	if (ret)
		return ret;
	ret = keg_xdp_query(ifindex, &x);
	if (ret)
		return keg_err_set(err, ret, "querying XDP on %s: %s", iface, strerror(-ret));
	if (x.keg_id) {
		old_fd = bpf_prog_get_fd_by_id(x.keg_id);
		ret = keg_xdp_detach_id(ifindex, x.keg_id, x.mode);
		if (ret) {
			if (old_fd >= 0)
				close(old_fd);
			return keg_err_set(err, ret, "detaching XDP from %s: %s", iface,
					   strerror(-ret));
		}
	}
	ret = keg_tc_query(ifindex, &tc_id);
	if (!ret && keg_prog_is(tc_id, KEG_PROG_TC))
		ret = keg_tc_detach(ifindex);
	else if (ret == -ENOENT || !ret)
		ret = 0;	/* none, or not ours: leave it */
	if (ret) {
		keg_err_set(err, ret, "detaching tc egress from %s: %s", iface,
			    strerror(-ret));
		if (old_fd >= 0 && bpf_xdp_attach(ifindex, old_fd, keg_xdp_flags(x.mode),
						  NULL) < 0)
			keg_err_prefix(err, ret, "XDP detached but not restored");
	}
	if (old_fd >= 0)
		close(old_fd);
	return ret;
}

/* Remove every keg route through ifindex; counts them in *n. */
static int remove_routes(struct keg_nl *nl, const char *iface, int ifindex,
			 unsigned int *n, struct keg_err *err)
{
	struct keg_addr *v = NULL;
	size_t count = 0, i;
	char buf[KEG_ADDR_STRLEN];
	int ret;

	ret = keg_route_list(nl, ifindex, &v, &count);
	if (ret)
		return keg_err_set(err, ret, "listing keg routes of %s: %s", iface,
				   strerror(-ret));
	pr_verbose("%s: removing %zu keg route%s", iface, count, count == 1 ? "" : "s");
	for (i = 0; i < count; i++) {
		ret = keg_route_del(nl, &v[i], ifindex);
		if (ret == -ESRCH)
			ret = 0;
		if (ret) {
			keg_err_set(err, ret, "removing route %s dev %s: %s",
				    keg_prefix_str(&v[i], buf, sizeof(buf)), iface,
				    nl->extack[0] ? nl->extack : strerror(-ret));
			break;
		}
		(*n)++;
	}
	free(v);
	return ret;
}

static int remove_clsact(struct keg_nl *nl, int ifindex, bool *removed)
{
	unsigned int filters = 0;
	int ret;

	ret = keg_tc_filter_count(nl, ifindex, &filters);
	if (ret || filters)
		return ret;
	ret = keg_tc_hook_destroy(ifindex);
	*removed = !ret;
	return ret == -ENOENT || ret == -EINVAL ? 0 : ret;
}

int keg_detach(const char *iface, struct keg_detach_result *res, struct keg_err *err)
{
	struct keg_nl nl = { 0 };
	struct keg_att a;
	char dir[PATH_MAX];
	int ret;

	memset(res, 0, sizeof(*res));
	ret = keg_pin_dir(iface, dir, sizeof(dir));
	if (ret)
		return keg_err_set(err, ret, "%s: bad interface name", iface);
	if (keg_att_get(iface, &a))
		return keg_err_set(err, -ENOENT, "%s is not attached", iface);
	if (a.status == KEG_ATT_ELSEWHERE)
		return keg_err_set(err, -EREMOTE,
				   "%s is attached in another network namespace; detach it there",
				   iface);
	if (a.status == KEG_ATT_VANISHED) {
		/* Device, programs and routes went with the interface. */
		res->vanished = true;
		goto unpin;
	}

	ret = keg_nl_open(&nl);
	if (ret)
		return keg_err_set(err, ret, "opening rtnetlink: %s", strerror(-ret));
	ret = detach_progs(iface, a.ifindex, err);
	if (ret)
		goto out;
	if (a.has_state && a.st.clsact_created) {
		ret = remove_clsact(&nl, a.ifindex, &res->clsact_removed);
		if (ret) {
			keg_err_set(err, ret, "removing the clsact qdisc of %s: %s", iface,
				    strerror(-ret));
			goto out;
		}
	}
	ret = remove_routes(&nl, iface, a.ifindex, &res->routes, err);
	if (ret)
		goto out;
unpin:
	ret = keg_dir_purge(dir, NULL, true);
	if (ret)
		keg_err_set(err, ret, "removing %s: %s", dir, strerror(-ret));
out:
	if (nl.sock)
		keg_nl_close(&nl);
	return ret;
}

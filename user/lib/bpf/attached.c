// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* attached.c - see attached.h */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attached.h"
#include "iface.h"
#include "pins.h"
#include "prog.h"
#include "xdp.h"

const char *keg_att_status_str(enum keg_att_status s)
{
	switch (s) {
	case KEG_ATT_HERE:
		return "attached";
	case KEG_ATT_ELSEWHERE:
		return "other-netns";
	default:
		return "vanished";
	}
}

static void classify(struct keg_att *a, uint64_t netns)
{
	int ifindex = keg_if_index(a->name);
	struct keg_xdp_info x;

	a->ifindex = 0;
	if (!a->has_state) {
		/* Pins without a record: ours only if keg_xdp runs there. */
		if (ifindex > 0 && !keg_xdp_query(ifindex, &x) && x.keg_id) {
			a->status = KEG_ATT_HERE;
			a->ifindex = ifindex;
		} else {
			a->status = KEG_ATT_VANISHED;
		}
		return;
	}
	if (a->st.netns != netns) {
		a->status = keg_prog_is(a->st.xdp_id, KEG_PROG_XDP) ? KEG_ATT_ELSEWHERE :
								      KEG_ATT_VANISHED;
		return;
	}
	if (ifindex > 0 && (uint32_t)ifindex == a->st.ifindex) {
		a->status = KEG_ATT_HERE;
		a->ifindex = ifindex;
	} else {
		a->status = KEG_ATT_VANISHED;
	}
}

static int get_one(const char *iface, uint64_t netns, struct keg_att *a)
{
	char dir[PATH_MAX];
	struct stat sb;
	int ret;

	memset(a, 0, sizeof(*a));
	ret = keg_pin_dir(iface, dir, sizeof(dir));
	if (ret)
		return -ENOENT;
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return -ENOENT;
	snprintf(a->name, sizeof(a->name), "%s", iface);
	a->has_state = keg_state_read(iface, &a->st) == 0;
	classify(a, netns);
	return 0;
}

int keg_att_get(const char *iface, struct keg_att *a)
{
	uint64_t netns = 0;

	keg_netns_cookie(&netns);
	return get_one(iface, netns, a);
}

int keg_att_list(struct keg_att **v, size_t *n)
{
	char (*names)[IF_NAMESIZE];
	uint64_t netns = 0;
	size_t i, count;
	int ret;

	*v = NULL;
	*n = 0;
	ret = keg_pin_ifaces(&names, &count);
	if (ret)
		return ret;
	*v = calloc(count ? count : 1, sizeof(**v));
	if (!*v) {
		free(names);
		return -ENOMEM;
	}
	keg_netns_cookie(&netns);
	for (i = 0; i < count; i++)
		if (!get_one(names[i], netns, &(*v)[*n]))
			(*n)++;
	free(names);
	return 0;
}

/* "kca, kcb" of the HERE attachments into buf; returns how many. */
static size_t here_names(const struct keg_att *v, size_t n, char *buf, size_t len,
			 const struct keg_att **only)
{
	size_t i, count = 0, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (v[i].status != KEG_ATT_HERE)
			continue;
		*only = &v[i];
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 count ? ", " : "", v[i].name);
		count++;
	}
	return count;
}

int keg_att_resolve(const char *iface, struct keg_att *a, struct keg_err *err)
{
	const struct keg_att *only = NULL;
	char names[256];
	struct keg_att *v;
	size_t n, count;
	int ret;

	ret = keg_att_list(&v, &n);
	if (ret)
		return keg_err_set(err, ret, "listing %s: %s", KEG_PIN_ROOT, strerror(-ret));
	count = here_names(v, n, names, sizeof(names), &only);
	if (iface) {
		ret = keg_att_get(iface, a);
		if (ret)
			ret = keg_err_set(err, -ENOENT, "%s is not attached (%s%s)", iface,
					  count ? "attached here: " : "nothing is attached here",
					  names);
		else if (a->status == KEG_ATT_VANISHED)
			ret = keg_err_set(err, -ENODEV,
					  "%s vanished (interface gone, pins left over); run 'kegctl detach %s'",
					  iface, iface);
		else if (a->status == KEG_ATT_ELSEWHERE)
			ret = keg_err_set(err, -EREMOTE,
					  "%s is attached in another network namespace", iface);
	} else if (count == 0) {
		ret = keg_err_set(err, -ENOENT, "no interface is attached here (see 'kegctl attach')");
	} else if (count > 1) {
		ret = keg_err_set(err, -EINVAL,
				  "several interfaces are attached (%s); choose one with --iface",
				  names);
	} else {
		*a = *only;
	}
	free(v);
	return ret;
}

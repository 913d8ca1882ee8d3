// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* state.c - see state.h */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pins.h"
#include "state.h"

#define STATE_TMP_NAME KEG_STATE_NAME "_new"

const char *keg_xdp_mode_str(enum keg_xdp_mode mode)
{
	switch (mode) {
	case KEG_XDP_NATIVE:
		return "native";
	case KEG_XDP_GENERIC:
		return "generic";
	default:
		return "auto";
	}
}

int keg_state_format(const struct keg_state *st, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len,
		     "keg1 ifindex=%" PRIu32 " netns=%" PRIu64 " mode=%s xdp=%" PRIu32
		     " tc=%" PRIu32 " clsact=%d",
		     st->ifindex, st->netns, keg_xdp_mode_str(st->mode), st->xdp_id,
		     st->tc_id, st->clsact_created ? 1 : 0);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int keg_state_parse(const char *text, struct keg_state *st)
{
	char mode[16];
	int clsact, end = 0;

	memset(st, 0, sizeof(*st));
	if (sscanf(text,
		   "keg1 ifindex=%" SCNu32 " netns=%" SCNu64 " mode=%15s xdp=%" SCNu32
		   " tc=%" SCNu32 " clsact=%d%n",
		   &st->ifindex, &st->netns, mode, &st->xdp_id, &st->tc_id, &clsact,
		   &end) != 6 || text[end] != '\0')
		return -EINVAL;
	if (!strcmp(mode, "native"))
		st->mode = KEG_XDP_NATIVE;
	else if (!strcmp(mode, "generic"))
		st->mode = KEG_XDP_GENERIC;
	else
		return -EINVAL;
	st->clsact_created = clsact != 0;
	return 0;
}

int keg_state_read(const char *iface, struct keg_state *st)
{
	char path[PATH_MAX], text[256];
	ssize_t n;
	int ret;

	ret = keg_pin_path(iface, KEG_STATE_NAME, path, sizeof(path));
	if (ret)
		return ret;
	n = readlink(path, text, sizeof(text) - 1);
	if (n < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	text[n] = '\0';
	return keg_state_parse(text, st);
}

int keg_state_write(const char *iface, const struct keg_state *st)
{
	char path[PATH_MAX], tmp[PATH_MAX], text[256];
	int ret;

	ret = keg_state_format(st, text, sizeof(text));
	if (!ret)
		ret = keg_pin_path(iface, KEG_STATE_NAME, path, sizeof(path));
	if (!ret)
		ret = keg_pin_path(iface, STATE_TMP_NAME, tmp, sizeof(tmp));
	if (ret)
		return ret;
	unlink(tmp);
	if (symlink(text, tmp) < 0)
		return -errno;
	if (rename(tmp, path) < 0) {
		ret = -errno;
		unlink(tmp);
		return ret;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* pinset.c - see pinset.h */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "pinset.h"

static int *fd_at(void *fds, const struct keg_pin_field *f)
{
	return (int *)((char *)fds + f->offset);
}

int keg_pin_open(const char *iface, const char *name, struct keg_err *err)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	int fd, ret;

	ret = keg_pin_path(iface, name, path, sizeof(path));
	if (ret)
		return keg_err_set(err, ret, "%s: bad interface name", iface);
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	ret = -errno;
	if (ret != -ENOENT)
		return keg_err_set(err, ret, "%s: %s", path, strerror(-ret));
	if (keg_pin_dir(iface, dir, sizeof(dir)) || stat(dir, &st))
		return keg_err_set(err, ret, "%s: %s (is %s attached? 'kegctl attach %s')",
				   path, strerror(-ret), iface, iface);
	return keg_err_set(err, ret,
			   "%s: missing; %s was attached by an older keg (run 'kegctl attach %s' to upgrade)",
			   path, iface, iface);
}

int keg_pinset_open(const char *iface, void *fds, const struct keg_pin_field *t, size_t n,
		    struct keg_err *err)
{
	size_t i;
	int fd;

	for (i = 0; i < n; i++)
		*fd_at(fds, &t[i]) = -1;
	for (i = 0; i < n; i++) {
		fd = keg_pin_open(iface, t[i].name, err);
		if (fd < 0) {
			keg_pinset_close(fds, t, n);
			return fd;
		}
		*fd_at(fds, &t[i]) = fd;
	}
	return 0;
}

void keg_pinset_close(void *fds, const struct keg_pin_field *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int *fd = fd_at(fds, &t[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

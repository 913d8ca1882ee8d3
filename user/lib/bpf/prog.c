// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* prog.c - see prog.h */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "prog.h"

int keg_prog_name(uint32_t id, char name[16])
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd, ret = 0;

	name[0] = '\0';
	if (!id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		ret = -errno;
	else
		snprintf(name, 16, "%s", info.name);
	close(fd);
	return ret;
}

bool keg_prog_is(uint32_t id, const char *name)
{
	char got[16];

	return !keg_prog_name(id, got) && !strcmp(got, name);
}

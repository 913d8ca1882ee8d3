/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * prog.h - what a loaded BPF program is, by id: how kegctl tells its own
 * programs (named keg_xdp and keg_tc) from anybody else's.
 */
#ifndef KEG_PROG_H
#define KEG_PROG_H

#include <stdbool.h>
#include <stdint.h>

#define KEG_PROG_XDP "keg_xdp"
#define KEG_PROG_TC  "keg_tc"

/* Name of program id into name[16]: 0, or -ENOENT when it is gone. */
int keg_prog_name(uint32_t id, char name[16]);

/* Whether program id exists and is called name. */
bool keg_prog_is(uint32_t id, const char *name);

#endif /* KEG_PROG_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf_log.h - libbpf's and libxdp's output through keg's verbosity (log.h),
 * one level quieter than they ask: their warnings show with -v, info with
 * -vv, debug with -vvv. Normal runs print only the program's own error
 * line; libxdp's expected "dispatcher refused, falling back" chatter and
 * libbpf's probe failures stay hidden unless asked for.
 */
#ifndef KEG_BPF_LOG_H
#define KEG_BPF_LOG_H

/* Set the verbosity (keg_log_set_verbosity) and install the callbacks. */
void keg_log_init(int verbosity);

#endif /* KEG_BPF_LOG_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench_restore.h - shared by bench_restore.bpf.c and keg_bench: the size
 * of the frame the wrapper writes back before every repetition.
 */
#ifndef KEG_BENCH_RESTORE_H
#define KEG_BENCH_RESTORE_H

/* A minimum Ethernet frame (without FCS): an ARP request and its padding. */
#define BENCH_FRAME_LEN		60
#define BENCH_FRAME_WORDS	(BENCH_FRAME_LEN / 4)

#endif /* KEG_BENCH_RESTORE_H */

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pktbuild_link.c - compiles the unit tests' frame builder
 * (tests/unit/pktbuild.c) into keg_bench, so benchmark and unit tests build
 * their frames with the same code. The Makefile links only the C files of tests/bench/.
 */
#include "../unit/pktbuild.c"

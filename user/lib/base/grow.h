/* SPDX-License-Identifier: GPL-2.0 */
/* grow.h - growing malloc'ed arrays, the one idiom for every list in kegctl. */
#ifndef KEG_GROW_H
#define KEG_GROW_H

#include <stddef.h>

#define KEG_GROW_FIRST 16	/* elements in a list's first allocation */

/*
 * Make room for element n of the array *vp (capacity *cap elements of size
 * bytes each), doubling the allocation when it is full. Returns 0, or
 * -ENOMEM with *vp and *cap untouched. vp is a pointer to the array pointer.
 */
int keg_grow(void *vp, size_t *cap, size_t n, size_t size);

#endif /* KEG_GROW_H */
